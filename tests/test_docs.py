"""The ontology documentation in build/: every term, both languages, self-contained."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from monokg.curate.language import FALLBACK, known_tags, load_language
from monokg.publish.docs import page_names, to_ontology_html

from .conftest import ROOT

ONTOLOGY = Graph().parse(ROOT / "ontology" / "monokg.ttl", format="turtle")
PAGES = page_names(ONTOLOGY, "monokg")
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
        for other, page in PAGES.items():
            if other != lang:
                assert ("a", {"href": page, "hreflang": other}) in parser.tags
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


def test_every_language_the_ontology_labels_its_terms_in_gets_a_page() -> None:
    labelled = {o.language for o in ONTOLOGY.objects(None, RDFS.label)
                if isinstance(o, Literal) and o.language}
    assert set(PAGES) == labelled and len(set(PAGES.values())) == len(PAGES)
    new = next(t for t in known_tags() if t not in labelled)
    graph = Graph()
    graph += ONTOLOGY
    graph.add((TERMS[0], RDFS.label, Literal("x", lang=new)))
    pages = page_names(graph, "monokg")
    assert pages == {**PAGES, new: f"monokg.ontology.{new}.html"}
    page = to_ontology_html(graph, new)
    assert f'<html lang="{new}">' in page
    own = {**load_language(FALLBACK).ontology_page, **load_language(new).ontology_page}
    assert f'<h2 id="classes">{html.escape(own["classes"])}</h2>' in page
    for tag, name in PAGES.items():
        assert f'<a href="{name}" hreflang="{tag}">' in page


def test_every_caption_a_language_gives_is_one_the_page_shows() -> None:
    shown = set(load_language(FALLBACK).ontology_page)
    for tag in known_tags():
        assert set(load_language(tag).ontology_page) <= shown, tag
