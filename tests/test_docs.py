"""The ontology documentation in build/: every term, both languages, self-contained."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from monokg.curate.language import FALLBACK, known_tags, load_language
from monokg.model.config import load_publication
from monokg.model.curies import project_converter
from monokg.publish.docs import captions, page_names, to_ontology_html

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


# -- what pyLODE and Widoco readers look for ----------------------------------------------------
RELEASED = ROOT / "build" / "monokg.owl.ttl"


def _sections(page: str) -> dict[str, str]:
    """Each documented term's section, by its anchor."""
    return dict(re.findall(r'<section class="term" id="([^"]+)">(.*?)</section>', page,
                           re.DOTALL))


def _row(block: str, caption: str) -> str | None:
    found = re.search(rf"<dt>{re.escape(html.escape(caption))}</dt><dd>(.*?)</dd>", block,
                      re.DOTALL)
    return found[1] if found else None


def _namespaces(page: str) -> dict[str, str]:
    table = page[page.index('<h2 id="namespaces">'):page.index('<h2 id="claim">')]
    return dict(re.findall(r"<tr><td><code>([^<]+)</code></td><td><code>([^<]+)</code>", table))


def _iris(cell: str | None, namespaces: dict[str, str]) -> set[str]:
    """The IRIs a row names, each CURIE expanded with the page's own namespaces table."""
    out = set()
    for curie in re.findall(r"<code>([^<]+)</code>", cell or ""):
        prefix, local = html.unescape(curie).split(":", 1)
        out.add(namespaces[prefix] + local)
    return out


@pytest.fixture(scope="module")
def released() -> Graph:
    return Graph().parse(RELEASED, format="turtle")


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_every_term_shows_its_hierarchy_domains_and_ranges_as_the_ontology_has_them(
        released: Graph, lang: str) -> None:
    page = (ROOT / "build" / PAGES[lang]).read_text(encoding="utf-8")
    sections, namespaces, c = _sections(page), _namespaces(page), captions(lang)
    by_iri = {re.findall(r"<dd><code>([^<]+)</code>", block)[0]: block
              for block in sections.values()}
    classes = {s for s in released.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}
    properties = {s for k in KINDS[1:] for s in released.subjects(RDF.type, k)
                  if isinstance(s, URIRef)}
    assert classes and properties and classes | properties <= set(map(URIRef, by_iri))

    def named(nodes: Iterable[Node]) -> set[str]:
        return {str(n) for n in nodes if isinstance(n, URIRef)}

    checked = 0
    for cls in classes:
        block = by_iri[str(cls)]
        expected = {
            "super": named(released.objects(cls, RDFS.subClassOf)),
            "sub": named(released.subjects(RDFS.subClassOf, cls)),
            "in_domain_of": named(released.subjects(RDFS.domain, cls)),
            "in_range_of": named(released.subjects(RDFS.range, cls))}
        for key, iris in expected.items():
            assert _iris(_row(block, c[key]), namespaces) == iris, (cls, key)
            checked += len(iris)
    for prop in properties:
        block = by_iri[str(prop)]
        expected = {
            "superprop": named(released.objects(prop, RDFS.subPropertyOf)),
            "subprop": named(released.subjects(RDFS.subPropertyOf, prop)),
            "domain": named(released.objects(prop, RDFS.domain)),
            "range": named(released.objects(prop, RDFS.range)),
            "characteristics": named(t for t in released.objects(prop, RDF.type)
                                     if t == OWL.FunctionalProperty)}
        for key, iris in expected.items():
            assert _iris(_row(block, c[key]), namespaces) == iris, (prop, key)
            checked += len(iris)
    assert checked > 200


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_the_metadata_block_names_the_release_and_its_links_resolve(
        released: Graph, lang: str) -> None:
    page = (ROOT / "build" / PAGES[lang]).read_text(encoding="utf-8")
    block = page[page.index('<dl class="metadata"'):page.index("</dl>")]
    c = captions(lang)
    onto = next(released.subjects(RDF.type, OWL.Ontology))
    publication = load_publication(ROOT / "monokg.toml")
    for key, value in (("iri", str(onto)),
                       ("version_iri", str(released.value(onto, OWL.versionIRI))),
                       ("license", str(released.value(onto, DCTERMS.license)))):
        assert _row(block, c[key]) == f'<a href="{value}">{value}</a>', key
    assert _row(block, c["version"]) == str(released.value(onto, OWL.versionInfo))
    assert _row(block, c["publisher"]) == html.escape(publication.publisher)
    assert _row(block, c["issued"]) == publication.issued
    links = re.findall(r'href="([^"]+)"', block)
    local = [link for link in links if "://" not in link]
    assert {"monokg.owl.ttl", "monokg.shacl.ttl"} <= set(local)
    for link in local:
        assert (ROOT / "build" / link).is_file(), link


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_namespaces_contents_and_anchors_hold_together(lang: str) -> None:
    page = (ROOT / "build" / PAGES[lang]).read_text(encoding="utf-8")
    namespaces = _namespaces(page)
    body = page[page.index('<h2 id="claim">'):]  # every CURIE after the table itself
    used = {html.unescape(m).split(":", 1)[0]
            for m in re.findall(r"<code>([^<:]+:[^<]*)</code>", body) if "://" not in m}
    assert used == set(namespaces)
    assert namespaces["mkg"] == "https://w3id.org/monokg/ontology/"
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert {target for target in re.findall(r'href="#([^"]+)"', page)} <= set(ids)
    contents = page[page.index('<nav id="contents">'):page.index("</nav>")]
    assert set(re.findall(r'href="#([^"]+)"', contents)) == set(ids) - {"metadata", "contents"}
    for term in TERMS:  # stable anchors: the CURIE, with ':' and '/' as '-'
        curie = project_converter().compact(str(term))
        assert f'id="{curie.replace(":", "-").replace("/", "-")}"' in page, term


@pytest.mark.parametrize(("left", "link", "right", "key"), [
    ("subject", OWL.inverseOf, "object", "inverse"),
    ("subject", OWL.equivalentProperty, "object", "equivalent"),
    ("Claim", OWL.equivalentClass, "Dose", "equivalent")])
def test_symmetric_links_are_shown_on_both_terms(left: str, link: URIRef, right: str,
                                                  key: str) -> None:
    graph = Graph()
    graph += ONTOLOGY
    a, b = (URIRef(f"https://w3id.org/monokg/ontology/{x}") for x in (left, right))
    graph.add((a, link, b))
    for lang in PAGES:
        page = to_ontology_html(graph, lang)
        sections, namespaces = _sections(page), _namespaces(page)
        assert _iris(_row(sections[f"mkg-{left}"], captions(lang)[key]), namespaces) == {str(b)}
        assert _iris(_row(sections[f"mkg-{right}"], captions(lang)[key]), namespaces) == {str(a)}
    assert _row(_sections(to_ontology_html(ONTOLOGY, "en"))[f"mkg-{left}"],
                captions("en")[key]) is None


def test_the_dutch_page_speaks_dutch_and_falls_back_to_english() -> None:
    dutch, english = load_language("nl").ontology_page, load_language(FALLBACK).ontology_page
    assert set(dutch) == set(english)  # every caption translated
    page = to_ontology_html(ONTOLOGY, "nl")
    for key in ("namespaces", "in_domain_of", "download_ontology", "license"):
        assert html.escape(dutch[key]) in page and dutch[key] != english[key], key


def test_what_the_ontology_says_of_itself_wins_over_the_settings() -> None:
    graph = Graph()
    graph += ONTOLOGY
    onto = next(graph.subjects(RDF.type, OWL.Ontology))
    creator = URIRef("https://orcid.org/0000-0002-1825-0097")
    graph.add((onto, DCTERMS.creator, creator))
    graph.add((creator, RDFS.label, Literal("Josiah Carberry", lang="en")))
    graph.add((onto, DCTERMS.publisher, Literal("Ontology Foundation & Co")))
    graph.add((onto, OWL.imports, URIRef("http://www.w3.org/ns/prov-o")))
    publication = load_publication(ROOT / "monokg.toml")
    for lang in PAGES:
        page = to_ontology_html(graph, lang, publication)
        block = page[page.index('<dl class="metadata"'):page.index("</dl>")]
        c = captions(lang)
        assert _row(block, c["creator"]) == f'<a href="{creator}">Josiah Carberry</a>'
        assert _row(block, c["publisher"]) == "Ontology Foundation &amp; Co"
        assert _row(block, c["imports"]) == ('<a href="http://www.w3.org/ns/prov-o">'
                                              "http://www.w3.org/ns/prov-o</a>")
        assert _row(block, c["issued"]) == publication.issued  # the ontology gives none
