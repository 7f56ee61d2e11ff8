"""Readable documentation of the ontology: one self-contained HTML page per language.

Written by the build into ``build/`` as ``<dataset>.ontology.html`` (English) and
``<dataset>.ontology.nl.html`` (Dutch), each linking to the other; flat files, like every other
release file. Every class, property and named individual of the ontology
is listed with its label, definition, comment, super- and subclasses, domain and range, and a
table shows how a claim hangs together. Everything comes from the ontology graph; nothing is
fetched (no external CSS or scripts), every text is escaped, and the output is sorted, so two
builds write the same bytes.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .namespaces import DEFAULT_BASE, MKG, prefixes
from .validate import compact

if TYPE_CHECKING:
    from .pipeline import Release

LANGS = ("en", "nl")


def page_names(dataset: str) -> dict[str, str]:
    """File name of the documentation page per language."""
    return {"en": f"{dataset}.ontology.html", "nl": f"{dataset}.ontology.nl.html"}
KINDS = (("classes", OWL.Class), ("object_properties", OWL.ObjectProperty),
         ("datatype_properties", OWL.DatatypeProperty),
         ("annotation_properties", OWL.AnnotationProperty))

#: Captions of the page itself (not knowledge: the terms' own words come from the ontology).
CAPTIONS = {
    "en": {"classes": "Classes", "object_properties": "Object properties",
           "datatype_properties": "Datatype properties",
           "annotation_properties": "Annotation properties", "individuals": "Named individuals",
           "claim": "How a claim hangs together", "from": "from", "property": "property",
           "to": "to", "iri": "IRI", "definition": "Definition", "comment": "Why",
           "super": "Subclass of", "sub": "Subclasses", "disjoint": "Disjoint with",
           "domain": "Domain", "range": "Range", "superprop": "Sub-property of",
           "subprop": "Sub-properties", "type": "Type", "members": "Members",
           "cue": "Cues in the source", "strength": "Strength", "other": "Nederlands",
           "contents": "Contents", "version": "Version",
           "claim_note": "A claim records what the source says, not that it is true. Reading "
                         "the table top to bottom follows one claim from its meaning to the "
                         "exact characters of the monograph it was taken from."},
    "nl": {"classes": "Klassen", "object_properties": "Objecteigenschappen",
           "datatype_properties": "Gegevenseigenschappen",
           "annotation_properties": "Annotatie-eigenschappen",
           "individuals": "Benoemde individuen", "claim": "Hoe een bewering in elkaar zit",
           "from": "van", "property": "eigenschap", "to": "naar", "iri": "IRI",
           "definition": "Definitie", "comment": "Waarom", "super": "Subklasse van",
           "sub": "Subklassen", "disjoint": "Disjunct met", "domain": "Domein",
           "range": "Bereik", "superprop": "Subeigenschap van", "subprop": "Subeigenschappen",
           "type": "Type", "members": "Leden", "cue": "Signaalwoorden in de bron",
           "strength": "Sterkte", "other": "English", "contents": "Inhoud",
           "version": "Versie",
           "claim_note": "Een bewering legt vast wat de bron zegt, niet dat het waar is. Van "
                         "boven naar beneden volgt de tabel één bewering van haar betekenis tot "
                         "de exacte tekens van de monografie waaruit ze komt."},
}

#: The path from a claim to the characters of its source: (from, property, to), as CURIEs.
CLAIM_PATH = (
    ("mkg:Claim", "rdf:type", "mkg:DosageClaim"),
    ("mkg:Claim", "mkg:subject", "mkg:ChemicalEntity"),
    ("mkg:Claim", "mkg:relation", "mkg:claimRelation"),
    ("mkg:Claim", "mkg:object", "mkg:HealthTopic"),
    ("mkg:Claim", "mkg:modality", "mkg:Modality"),
    ("mkg:Claim", "mkg:negated", "xsd:boolean"),
    ("mkg:Claim", "mkg:scopedByDose", "mkg:DosageClaim"),
    ("mkg:Claim", "mkg:population", "mkg:PopulationGroup"),
    ("mkg:Claim", "mkg:context", "mkg:HealthTopic"),
    ("mkg:Claim", "mkg:studySetting", "skos:Concept"),
    ("mkg:Claim", "mkg:location", "mkg:AnatomicalEntity"),
    ("mkg:Claim", "mkg:dose", "mkg:Dose"),
    ("mkg:Dose", "mkg:doseKind", "mkg:DoseKind"),
    ("mkg:Dose", "mkg:unitCode", "xsd:string"),
    ("mkg:Dose", "mkg:timing", "mkg:Timing"),
    ("mkg:Claim", "mkg:evidence", "ECO:0000000"),
    ("mkg:Claim", "mkg:textSpan", "mkg:TextSpan"),
    ("mkg:TextSpan", "oa:hasSelector", "oa:TextPositionSelector"),
    ("mkg:TextSpan", "oa:hasSelector", "oa:TextQuoteSelector"),
    ("mkg:TextSpan", "oa:hasSelector", "oa:FragmentSelector"),
    ("mkg:TextSpan", "oa:hasSource", "mkg:Monograph"),
    ("mkg:TextSpan", "dcterms:isPartOf", "mkg:Paragraph"),
    ("mkg:Claim", "prov:wasDerivedFrom", "mkg:Paragraph"),
    ("mkg:Paragraph", "mkg:section", "mkg:Section"),
    ("mkg:Section", "mkg:monograph", "mkg:Monograph"),
)

DIAGRAM = """\
 subject --relation--> object            (mkg:subject, mkg:relation, mkg:object)
    \\                   /
     +---- Claim ------+-- modality, negated, scopedByDose --> DosageClaim
             |  \\
             |   +-- population, context, studySetting, location, dose --> Dose
             |
         textSpan --> TextSpan --hasSelector--> position | quote | fragment
             |            |  \\
   wasDerivedFrom      isPartOf  hasSource --> Monograph
             \\            |                       ^
              +------> Paragraph --section--> Section --monograph--+
"""

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.45;color:#222}
h1,h2{border-bottom:1px solid #ccc}code{background:#f4f4f4;padding:0 .2em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}
dl.term{margin:0 0 1.5rem}dl.term dt{font-weight:600}section.term{margin-bottom:1.5rem}
pre{background:#f4f4f4;padding:.5rem;overflow-x:auto}nav a{margin-right:1rem}
"""


def _text(graph: Graph, node: URIRef, prop: URIRef, lang: str) -> str | None:
    """The value of prop in lang, else in English, else any (first in sorted order)."""
    values = sorted((o for o in graph.objects(node, prop) if isinstance(o, Literal)), key=str)
    for wanted in (lang, "en", None):
        for value in values:
            if value.language == wanted:
                return str(value)
    return str(values[0]) if values else None


def _anchor(graph: Graph, node: URIRef) -> str:
    return compact(node, graph).replace(":", "-").replace("/", "-")


class _Page:
    """One language's page: terms are linked when they are documented on it."""

    def __init__(self, graph: Graph, lang: str, documented: set[URIRef]):
        self.graph, self.lang, self.documented = graph, lang, documented
        self.caption = CAPTIONS[lang]

    def label(self, node: URIRef) -> str:
        return _text(self.graph, node, RDFS.label, self.lang) or compact(node, self.graph)

    def link(self, node: object) -> str:
        if not isinstance(node, URIRef):
            return html.escape(str(node))
        text = html.escape(self.label(node))
        curie = html.escape(compact(node, self.graph))
        if node in self.documented:
            return f'<a href="#{html.escape(_anchor(self.graph, node))}">{text}</a> ' \
                   f"<code>{curie}</code>"
        return f"<code>{curie}</code>"

    def links(self, nodes: object) -> str:
        items = sorted((n for n in nodes if isinstance(n, URIRef)),  # type: ignore[attr-defined]
                       key=lambda n: self.label(n).lower())
        return ", ".join(self.link(n) for n in items)

    def term(self, node: URIRef, rows: list[tuple[str, str]]) -> str:
        g, c = self.graph, self.caption
        parts = [f'<section class="term" id="{html.escape(_anchor(g, node))}">',
                 f"<h3>{html.escape(self.label(node))}</h3>", '<dl class="term">',
                 f"<dt>{c['iri']}</dt><dd><code>{html.escape(str(node))}</code></dd>"]
        definition = _text(g, node, SKOS.definition, self.lang)
        if definition:
            parts.append(f"<dt>{c['definition']}</dt><dd>{html.escape(definition)}</dd>")
        comment = _text(g, node, RDFS.comment, self.lang)
        if comment:
            parts.append(f"<dt>{c['comment']}</dt><dd>{html.escape(comment)}</dd>")
        for key, value in rows:
            if value:
                parts.append(f"<dt>{c[key]}</dt><dd>{value}</dd>")
        parts.append("</dl></section>")
        return "\n".join(parts)


def _sorted_terms(page: _Page, nodes: set[URIRef]) -> list[URIRef]:
    return sorted(nodes, key=lambda n: (page.label(n).lower(), str(n)))


def to_ontology_html(ontology: Graph, lang: str, version: str = "",
                     dataset: str = "monokg") -> str:
    """The documentation page of the ontology in one language (en or nl)."""
    pages = page_names(dataset)
    g = ontology
    onto = next((s for s in g.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)), None)
    kinds = {name: {s for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef)}
             for name, cls in KINDS}
    declared = set().union(*kinds.values())
    individuals = {s for s, o in g.subject_objects(RDF.type)
                   if isinstance(s, URIRef) and o in kinds["classes"] and s not in declared}
    page = _Page(g, lang, declared | individuals)
    c = page.caption
    title = (_text(g, onto, DCTERMS.title, lang) if onto else None) or "monokg"
    other = "nl" if lang == "en" else "en"
    out = ["<!DOCTYPE html>", f'<html lang="{lang}">', "<head>", '<meta charset="utf-8">',
           f"<title>{html.escape(title)}</title>",
           f'<link rel="alternate" hreflang="{other}" href="{pages[other]}">',
           f"<style>{STYLE}</style>", "</head>", "<body>",
           f'<p><a href="{pages[other]}" hreflang="{other}">{c["other"]}</a></p>',
           f"<h1>{html.escape(title)}</h1>"]
    if onto is not None:
        description = _text(g, onto, DCTERMS.description, lang)
        if description:
            out.append(f"<p>{html.escape(description)}</p>")
        out.append(f"<p>{c['iri']}: <code>{html.escape(str(onto))}</code>"
                   + (f" &middot; {c['version']} {html.escape(version)}" if version else "")
                   + "</p>")
    sections = [("claim", c["claim"])] + [(name, c[name]) for name, _ in KINDS] \
        + [("individuals", c["individuals"])]
    out.append(f"<nav><strong>{c['contents']}:</strong> " + " ".join(
        f'<a href="#{key}">{html.escape(text)}</a>' for key, text in sections) + "</nav>")
    out += [f'<h2 id="claim">{c["claim"]}</h2>', f"<p>{html.escape(c['claim_note'])}</p>",
            f"<pre>{html.escape(DIAGRAM)}</pre>",
            f"<table><tr><th>{c['from']}</th><th>{c['property']}</th><th>{c['to']}</th></tr>"]
    expand = prefixes()
    iri = lambda curie: URIRef(expand[curie.split(":")[0]] + curie.split(":", 1)[1])  # noqa: E731
    for start, prop, end in CLAIM_PATH:
        out.append(f"<tr><td>{page.link(iri(start))}</td><td>{page.link(iri(prop))}</td>"
                   f"<td>{page.link(iri(end))}</td></tr>")
    out.append("</table>")
    for name, _ in KINDS:
        out.append(f'<h2 id="{name}">{c[name]}</h2>')
        for node in _sorted_terms(page, kinds[name]):
            if name == "classes":
                rows = [("super", page.links(g.objects(node, RDFS.subClassOf))),
                        ("sub", page.links(g.subjects(RDFS.subClassOf, node))),
                        ("disjoint", page.links(set(g.objects(node, OWL.disjointWith))
                                                | set(g.subjects(OWL.disjointWith, node)))),
                        ("members", page.links(s for s in g.subjects(RDF.type, node)
                                               if s in individuals))]
            else:
                rows = [("superprop", page.links(g.objects(node, RDFS.subPropertyOf))),
                        ("subprop", page.links(g.subjects(RDFS.subPropertyOf, node))),
                        ("domain", page.links(g.objects(node, RDFS.domain))),
                        ("range", page.links(g.objects(node, RDFS.range)))]
            out.append(page.term(node, rows))
    out.append(f'<h2 id="individuals">{c["individuals"]}</h2>')
    for node in _sorted_terms(page, individuals):
        cues = sorted(str(q) for q in g.objects(node, MKG.cue))
        strength = g.value(node, MKG.strength)
        out.append(page.term(node, [
            ("type", page.links(t for t in g.objects(node, RDF.type) if t in kinds["classes"])),
            ("strength", html.escape(str(strength)) if strength is not None else ""),
            ("cue", ", ".join(f"<q lang=\"nl\">{html.escape(q)}</q>" for q in cues))]))
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def write_ontology_docs(release: Release, out_dir: Path) -> list[Path]:
    """<dataset>.ontology.html (English) and <dataset>.ontology.nl.html (Dutch)."""
    pub = release.publication
    ontology = pub.rebase(release.ontology) if pub.base != DEFAULT_BASE else release.ontology
    from .dataset import write_file

    written = []
    for lang, name in page_names(pub.dataset).items():
        path = out_dir / name
        write_file(path, to_ontology_html(ontology, lang, pub.version, pub.dataset
                                          ).encode("utf-8"))
        written.append(path)
    return written
