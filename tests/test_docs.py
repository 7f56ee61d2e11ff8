"""The ontology documentation in build/: every term, both languages, self-contained."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from monokg.publish.docs import page_names, to_ontology_html

from .conftest import ROOT

PAGES = page_names("monokg")
ONTOLOGY = Graph().parse(ROOT / "ontology" / "monokg.ttl", format="turtle")
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
TERMS = sorted({s for k in KINDS for s in ONTOLOGY.subjects(RDF.type, k)
                if isinstance(s, URIRef)})


def _in(node: URIRef, prop: URIRef, lang: str) -> str:
    return next(str(o) for o in ONTOLOGY.objects(node, prop)
                if isinstance(o, Literal) and o.language == lang)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_page_lists_every_class_and_property_in_its_language(built: Path, lang: str) -> None:
    page = (built / "build" / PAGES[lang]).read_text(encoding="utf-8")
    missing = []
    for term in TERMS:
        block = f"<code>{html.escape(str(term))}</code>"
        if block not in page or f"<h3>{html.escape(_in(term, RDFS.label, lang))}</h3>" \
                not in page or html.escape(_in(term, SKOS.definition, lang)) not in page:
            missing.append(str(term))
    assert not missing, missing
    assert f'<html lang="{lang}">' in page


def test_pages_link_to_each_other_and_fetch_nothing(built: Path) -> None:
    for lang, name in PAGES.items():
        parser = _Tags()
        parser.feed((built / "build" / name).read_text(encoding="utf-8"))
        other = PAGES["nl" if lang == "en" else "en"]
        assert ("a", {"href": other, "hreflang": "nl" if lang == "en" else "en"}) in parser.tags
        assert not [t for t, a in parser.tags if t in ("script", "img", "iframe")]
        assert not [a for t, a in parser.tags if t == "link" and a.get("rel") == "stylesheet"]


def test_claim_table_shows_the_path_to_the_source() -> None:
    page = to_ontology_html(ONTOLOGY, "en")
    table = page[page.index('<h2 id="claim">'):page.index('<h2 id="classes">')]
    for curie in ("mkg:subject", "mkg:relation", "mkg:object", "mkg:modality",
                  "mkg:scopedByDose", "mkg:dose", "mkg:textSpan", "oa:hasSelector",
                  "oa:TextQuoteSelector", "mkg:Paragraph", "mkg:Section", "mkg:Monograph"):
        assert f"<code>{curie}</code>" in table, curie


def test_text_is_escaped_and_output_deterministic() -> None:
    graph = Graph()
    graph += ONTOLOGY
    odd = URIRef("https://w3id.org/monokg/ontology/Odd")
    graph.add((odd, RDF.type, OWL.Class))
    graph.add((odd, RDFS.label, Literal("<script>alert('ë')</script>", lang="nl")))
    page = to_ontology_html(graph, "nl")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;ë&#x27;)&lt;/script&gt;" in page
    assert page == to_ontology_html(graph, "nl")
