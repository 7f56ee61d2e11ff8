"""Pages for people and per-resource descriptions for machines, shared by `serve` and `site`.

One embedded pyoxigraph store holds the release (data graph, ontology, dataset metadata). Every
IRI minted under the base gets a page (HTML) and a description (its outgoing triples plus the
labels of the terms it links to) as Turtle, N-Triples and JSON-LD. ``monokg serve`` renders them
on request; ``monokg site`` writes them as static files with the web-server configuration that
negotiates content without Python.

Every text taken from the data passes through :func:`esc` before it reaches HTML.
"""

from __future__ import annotations

import functools
import html
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pyoxigraph as ox

from .config import Publication
from .errors import InputError
from .namespaces import DEFAULT_BASE, prefixes

if TYPE_CHECKING:
    from .pipeline import Release

#: Machine-readable formats of a resource: file extension -> (media type, pyoxigraph format).
RDF_FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
}
HTML_TYPE = "text/html"

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_PROV = "http://www.w3.org/ns/prov#"
_OA = "http://www.w3.org/ns/oa#"
_DCT = "http://purl.org/dc/terms/"
TYPE = ox.NamedNode(_RDF + "type")
LABELS = (ox.NamedNode(_RDFS + "label"), ox.NamedNode(_SKOS + "prefLabel"))
#: A path segment of a page we write or serve: no dot-segments, nothing a file system reads
#: as special.
_SEGMENT = re.compile(r"[A-Za-z0-9_~!$&'()*+,;=:@-][A-Za-z0-9._~!$&'()*+,;=:@-]*")
_CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
a{color:#05a}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}td,th{border-top:1px solid #ddd;padding:.3rem;
text-align:left;vertical-align:top}th{width:14rem;font-weight:600}
mark{background:#fe6;padding:0 .1rem}.nl{color:#555}.quote{white-space:pre-wrap;
background:#f6f6f6;padding:.8rem;border-left:4px solid #ccc}code,pre{font-size:.9rem}
pre{background:#f6f6f6;padding:.6rem;overflow:auto}small{color:#666}nav{margin-bottom:1rem}
""".strip()


def esc(text: object) -> str:
    """Text from the data, made safe for HTML element content and quoted attributes."""
    return html.escape(str(text), quote=True)


def mkg(local: str) -> ox.NamedNode:
    """A term of the project's ontology under the default base (the store is rebased below)."""
    return ox.NamedNode(f"{DEFAULT_BASE}ontology/{local}")


@dataclass
class Site:
    """The release in an embedded store, and how its IRIs map to paths."""

    store: ox.Store
    publication: Publication
    downloads: list[Path] = field(default_factory=list)
    queries: list[Path] = field(default_factory=list)
    #: The store never changes while a Site lives, so labels are looked up once per term.
    _labels: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    #: Page path (or None) of every IRI asked about, and Turtle names of terms: a site of
    #: thousands of pages asks about the same few thousand IRIs over and over.
    _paths: dict[str, str | None] = field(default_factory=dict, repr=False)
    _names: dict[str, tuple[str, str | None]] = field(default_factory=dict, repr=False)
    _label_triples: dict[str, set[ox.Triple]] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def prefixes(self) -> list[tuple[str, str]]:
        """Prefixes of this base, longest namespace first (for compact names)."""
        return sorted(prefixes(self.base).items(), key=lambda x: -len(x[1]))

    # -- IRIs and paths -------------------------------------------------------------------------
    @property
    def base(self) -> str:
        return self.publication.base

    def term(self, local: str) -> ox.NamedNode:
        """An ontology term under the configured base."""
        return ox.NamedNode(f"{self.base}ontology/{local}")

    def path_of(self, iri: str) -> str | None:
        """The path (below the base) of a minted IRI with a page, else None."""
        try:
            return self._paths[iri]
        except KeyError:
            pass
        path: str | None = None
        if iri.startswith(self.base) and "#" not in iri and "?" not in iri:
            path = iri[len(self.base):]
            if not is_safe_path(path):
                path = None
        self._paths[iri] = path
        return path

    def iri_of(self, path: str) -> ox.NamedNode | None:
        """The minted IRI a request path names, if it is one we describe."""
        if not is_safe_path(path):
            return None
        node = ox.NamedNode(self.base + path)
        return node if self.knows(node) else None

    def knows(self, node: ox.NamedNode) -> bool:
        """True when the store says anything with this IRI as subject or object."""
        for _ in self.store.quads_for_pattern(node, None, None):
            return True
        for _ in self.store.quads_for_pattern(None, None, node):
            return True
        return False

    def resources(self) -> list[str]:
        """Every minted IRI with a page, sorted."""
        found: set[str] = set()
        for quad in self.store:
            for term in (quad.subject, quad.object):
                if isinstance(term, ox.NamedNode) and self.path_of(term.value) is not None:
                    found.add(term.value)
        # The base itself is the home page; download/ holds the release files themselves.
        return sorted(i for i in found if i != self.base and not i[len(self.base):].startswith(
            ("download/", "product/")))

    # -- descriptions ---------------------------------------------------------------------------
    def describe(self, node: ox.NamedNode) -> list[ox.Triple]:
        """Outgoing triples (incoming ones if there are none) plus labels of linked IRIs."""
        return [triple for _, triple in self.keyed_description(node)]

    def keyed_description(self, node: ox.NamedNode
                          ) -> list[tuple[tuple[str, str, str], ox.Triple]]:
        """``describe`` with each triple's N-Triples terms (its sort key), made once."""
        triples = {q.triple for q in self.store.quads_for_pattern(node, None, None)}
        if not triples:
            triples = {q.triple for q in self.store.quads_for_pattern(None, None, node)}
        linked: set[object] = {t.object for t in triples if isinstance(t.object, ox.NamedNode)}
        linked |= {t.predicate for t in triples} | {t.subject for t in triples}
        linked.discard(node)
        for other in linked:
            if not isinstance(other, ox.NamedNode):
                continue
            found = self._label_triples.get(other.value)
            if found is None:
                found = self._label_triples[other.value] = {
                    q.triple for label in LABELS
                    for q in self.store.quads_for_pattern(other, label, None)}
            triples |= found
        return sorted((((str(t.subject), str(t.predicate), str(t.object)), t) for t in triples),
                      key=_first)

    def serialize(self, node: ox.NamedNode, ext: str,
                  triples: list[ox.Triple] | None = None) -> bytes:
        """The description of one resource in a machine-readable format (sorted, stable)."""
        _, fmt = RDF_FORMATS[ext]
        if triples is None:
            triples = self.describe(node)
        if fmt == ox.RdfFormat.N_TRIPLES:
            return "".join(f"{t.subject} {t.predicate} {t.object} .\n"
                           for t in triples).encode("utf-8")
        if fmt == ox.RdfFormat.TURTLE:
            return to_turtle_text(triples, self.prefixes, self._names).encode("utf-8")
        return ox.serialize(triples, format=fmt) or b""

    # -- reading the store ----------------------------------------------------------------------
    def objects(self, node: ox.NamedNode, predicate: ox.NamedNode) -> list:
        return sorted((q.object for q in self.store.quads_for_pattern(node, predicate, None)),
                      key=str)

    def first(self, node: ox.NamedNode, predicate: ox.NamedNode) -> object | None:
        values = self.objects(node, predicate)
        return values[0] if values else None

    def subjects(self, predicate: ox.NamedNode, obj: ox.NamedNode) -> list[ox.NamedNode]:
        return sorted((s for q in self.store.quads_for_pattern(None, predicate, obj)
                       if isinstance(s := q.subject, ox.NamedNode)), key=str)

    def types(self, node: ox.NamedNode) -> set[str]:
        return {t.value for t in self.objects(node, TYPE) if isinstance(t, ox.NamedNode)}

    def labels(self, node: object) -> dict[str, str]:
        """Labels of a term by language ('' for none), rdfs:label before skos:prefLabel."""
        if not isinstance(node, ox.NamedNode):
            return {}
        if node.value not in self._labels:
            found: dict[str, str] = {}
            for predicate in LABELS:
                for value in self.objects(node, predicate):
                    if isinstance(value, ox.Literal):
                        found.setdefault(value.language or "", value.value)
            self._labels[node.value] = found
        return self._labels[node.value]

    def label(self, node: object) -> str:
        """The best single label: English, then Dutch, then any, then a short IRI."""
        found = self.labels(node)
        for lang in ("en", "nl", ""):
            if lang in found:
                return found[lang]
        if found:
            return next(iter(found.values()))
        return curie(getattr(node, "value", str(node)), self.prefixes)

    def order(self, node: ox.NamedNode) -> int:
        value = self.first(node, self.term("order"))
        return int(value.value) if isinstance(value, ox.Literal) else 0


def _first(pair: tuple[tuple[str, str, str], ox.Triple]) -> tuple[str, str, str]:
    return pair[0]


def is_safe_path(path: str) -> bool:
    """True for a relative path of plain segments (no '..', no empty or hidden segments)."""
    if path == "":
        return True
    segments = path.split("/")
    if segments[-1] == "":
        segments = segments[:-1]
    return bool(segments) and all(_SEGMENT.fullmatch(s) for s in segments)


_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]*)")


def to_turtle_text(triples: list[ox.Triple], known: list[tuple[str, str]],
                   names: dict[str, tuple[str, str | None]] | None = None) -> str:
    """Sorted triples as Turtle grouped by subject, prefixed names where the local part is
    plain. Written here because pyoxigraph's prefix order changes from run to run.

    ``names`` caches (Turtle name, prefix used) by IRI across calls with the same ``known``."""
    used: dict[str, str] = {}
    cache: dict[str, tuple[str, str | None]] = {} if names is None else names
    namespaces = dict(known)

    def name(term: object) -> str:
        if not isinstance(term, ox.NamedNode):
            return str(term)
        value = term.value
        found = cache.get(value)
        if found is None:
            found = (str(term), None)
            for prefix, namespace in known:
                if value.startswith(namespace) and _LOCAL.fullmatch(value[len(namespace):]):
                    found = (f"{prefix}:{value[len(namespace):]}", prefix)
                    break
            cache[value] = found
        if found[1] is not None:
            used[found[1]] = namespaces[found[1]]
        return found[0]

    blocks, subject, lines = [], None, []  # type: ignore[var-annotated]
    for t in triples:
        if t.subject != subject:
            if lines:
                blocks.append(" ;\n".join(lines) + " .\n")
            subject, lines = t.subject, []
            head = name(t.subject) + "\n"
        else:
            head = ""
        predicate = "a" if t.predicate == TYPE else name(t.predicate)
        lines.append(f"{head}    {predicate} {name(t.object)}")
    if lines:
        blocks.append(" ;\n".join(lines) + " .\n")
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(used.items()))
    return header + "\n" + "\n".join(blocks)


def curie(iri: str, known: list[tuple[str, str]]) -> str:
    """A compact IRI where a prefix fits (``known`` longest namespace first), else the IRI."""
    for prefix, namespace in known:
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def load_site(build_dir: Path, publication: Publication, queries_dir: Path | None = None
              ) -> Site:
    """The built release (data, ontology, metadata) in an in-memory store."""
    name = publication.dataset
    parts = [build_dir / f"{name}.nt", build_dir / f"{name}.owl.ttl",
             build_dir / f"{name}.void.ttl"]
    store = ox.Store()
    for path in parts:
        if path.is_file():
            store.bulk_load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]))
        elif path == parts[0]:
            raise InputError("built graph not found", path, fix="run `monokg build` first")
    downloads = sorted(p for p in build_dir.iterdir() if p.is_file()) if build_dir.is_dir() else []
    queries = sorted(queries_dir.glob("*.rq")) if queries_dir and queries_dir.is_dir() else []
    return Site(store, publication, downloads, queries)


def release_files(build_dir: Path, publication: Publication) -> list[Path]:
    """The files a store should hold for a release: data, ontology, dataset metadata."""
    name = publication.dataset
    return [p for p in (build_dir / f"{name}.nt", build_dir / f"{name}.owl.ttl",
                        build_dir / f"{name}.void.ttl") if p.is_file()]


# -- HTML ---------------------------------------------------------------------------------------
class Renderer:
    """HTML pages for one site; links are relative so a copy works below any prefix."""

    def __init__(self, site: Site, suffix: str = "") -> None:
        self.site = site
        #: Appended to internal links: "" when a server negotiates, ".html" for plain files.
        self.suffix = suffix
        self._quoted: dict[str, str] = {}
        #: Links to IRIs by (IRI, depth of the page): pages link the same terms over and over.
        self._links: dict[tuple[str, int], str] = {}

    def href(self, target: str, here: str) -> str:
        """A relative link from the page at path ``here`` to the page at path ``target``."""
        quoted = self._quoted.get(target)
        if quoted is None:
            page = target + self.suffix if target and not target.endswith("/") else (
                target + ("index.html" if self.suffix else ""))
            quoted = self._quoted[target] = quote(page, safe="/:@!$&'()*+,;=-._~")
        rel = "../" * here.count("/") + quoted
        return rel or "./"

    def link(self, term: object, here: str, text: str | None = None) -> str:
        """A link to a term: inside the site for minted IRIs, out for others; literals as text."""
        if isinstance(term, ox.Literal):
            lang = f' lang="{esc(term.language)}" class="nl"' if term.language == "nl" else ""
            return f"<span{lang}>{esc(term.value)}</span>"
        iri = getattr(term, "value", str(term))
        key = (iri, here.count("/"))
        cached = text is None and isinstance(term, ox.NamedNode)
        if cached and key in self._links:
            return self._links[key]
        shown = esc(text if text is not None else self.site.label(term))
        path = self.site.path_of(iri)
        if path is not None and not path.startswith(("download/", "product/")):
            out = f'<a href="{esc(self.href(path, here))}">{shown}</a>'
        else:
            out = f'<a href="{esc(iri)}" rel="external">{shown}</a>'
        if cached:
            self._links[key] = out
        return out

    def page(self, title: str, body: str, here: str, alternates: bool = True) -> str:
        """A whole HTML document with inline CSS and links to the machine-readable forms."""
        name = here.rsplit("/", 1)[-1] if here and not here.endswith("/") else "index"
        alt = ""
        if alternates:
            alt = "".join(f'<link rel="alternate" type="{esc(media)}" href="{esc(quote(name))}.{ext}">'
                          for ext, (media, _) in RDF_FORMATS.items())
        home = esc(self.href("", here)) if here else "./"
        if self.suffix and not here:
            home = "index.html"
        return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width,initial-scale=1">'
                f"<title>{esc(title)}</title>{alt}<style>{_CSS}</style></head><body>"
                f'<nav><a href="{home}">{esc(self.site.publication.dataset)}</a></nav>'
                f"{body}</body></html>\n")

    def resource(self, node: ox.NamedNode) -> str:
        """The page of one minted IRI: a special part for claims, paragraphs, sections and
        monographs, then every statement about it."""
        site, here = self.site, site_path(self.site, node)
        types = site.types(node)
        labels = site.labels(node)
        title = site.label(node)
        parts = [f"<h1>{esc(title)}</h1>"]
        if "nl" in labels and labels["nl"] != title:
            parts.append(f'<p lang="nl" class="nl">{esc(labels["nl"])}</p>')
        parts.append(f"<p><small><code>{esc(node.value)}</code></small></p>")
        kinds = {t[len(site.base) + len("ontology/"):] for t in types
                 if t.startswith(site.base + "ontology/")}
        if site.first(node, site.term("statement")) is not None:
            parts.append(self._claim(node, here))
        if "Paragraph" in kinds:
            parts.append(self._paragraph(node, here))
        if "Section" in kinds:
            parts.append(self._section(node, here))
        if "Monograph" in kinds:
            parts.append(self._monograph(node, here))
        parts.append(self._statements(node, here))
        parts.append(self._formats(node, here))
        return self.page(title, "".join(parts), here)

    def _claim(self, node: ox.NamedNode, here: str) -> str:
        site = self.site
        out = ["<h2>Claim / Bewering</h2>"]
        statement = site.first(node, site.term("statement"))
        if isinstance(statement, ox.Literal):
            out.append(f'<p lang="en"><strong>{esc(statement.value)}</strong></p>')
        out.append(self._quote(node, here))
        rows = []
        for name, title in (("subject", "Subject"), ("object", "Object"),
                            ("relation", "Relation"), ("modality", "Modality"),
                            ("population", "Population"), ("context", "Context"),
                            ("setting", "Setting"), ("location", "Location"),
                            ("evidence", "Evidence"), ("negated", "Negated")):
            values = site.objects(node, site.term(name))
            if values:
                rows.append(f"<tr><th>{title}</th><td>"
                            + "<br>".join(self._term_with_labels(v, here) for v in values)
                            + "</td></tr>")
        for note in site.objects(node, site.term("curatorNote")):
            rows.append(f"<tr><th>Curator note</th><td>{self.link(note, here)}</td></tr>")
        out.append(f"<table>{''.join(rows)}</table>")
        return "".join(out)

    def _term_with_labels(self, term: object, here: str) -> str:
        """A linked term with its English and Dutch labels and where it comes from."""
        if not isinstance(term, ox.NamedNode):
            return self.link(term, here)
        labels = self.site.labels(term)
        extra = f' <span lang="nl" class="nl">({esc(labels["nl"])})</span>' if (
            "nl" in labels and "en" in labels) else ""
        return (f"{self.link(term, here)}{extra} <small><code>"
                f"{esc(curie(term.value, self.site.prefixes))}</code></small>")

    def _quote(self, node: ox.NamedNode, here: str) -> str:
        """The paragraph's source text with the claim's words marked, by the span offsets."""
        site = self.site
        span = site.first(node, site.term("textSpan"))
        paragraph = site.first(node, ox.NamedNode(_PROV + "wasDerivedFrom"))
        if not isinstance(span, ox.NamedNode) or not isinstance(paragraph, ox.NamedNode):
            return ""
        text = site.first(paragraph, site.term("sourceText"))
        para_start = site.first(paragraph, site.term("startOffset"))
        start = end = None
        for selector in site.objects(span, ox.NamedNode(_OA + "hasSelector")):
            s, e = (site.first(selector, ox.NamedNode(_OA + "start")),
                    site.first(selector, ox.NamedNode(_OA + "end")))
            if isinstance(s, ox.Literal) and isinstance(e, ox.Literal):
                start, end = int(s.value), int(e.value)
        if not isinstance(text, ox.Literal) or not isinstance(para_start, ox.Literal) or (
                start is None or end is None):
            return ""
        words, offset = text.value, int(para_start.value)
        a, b = start - offset, end - offset  # type: ignore[operator]
        if not 0 <= a <= b <= len(words):
            return ""
        marked = f"{esc(words[:a])}<mark>{esc(words[a:b])}</mark>{esc(words[b:])}"
        return (f'<h2>Quote in the source / Citaat in de bron</h2>'
                f'<p class="quote" lang="nl">{marked}</p>'
                f"<p><small>From {self.link(paragraph, here)}, characters {start}-{end}"
                f"</small></p>")

    def _paragraph(self, node: ox.NamedNode, here: str) -> str:
        site = self.site
        text = site.first(node, site.term("text"))
        out = ["<h2>Text / Tekst</h2>"]
        if isinstance(text, ox.Literal):
            out.append(f'<p class="quote" lang="nl">{esc(text.value)}</p>')
        claims = site.subjects(ox.NamedNode(_PROV + "wasDerivedFrom"), node)
        out.append("<h2>Claims / Beweringen</h2>")
        out.append(self._list(claims, here) if claims else "<p>No claims from this paragraph.</p>")
        return "".join(out)

    def _section(self, node: ox.NamedNode, here: str) -> str:
        paragraphs = sorted(self.site.subjects(self.site.term("section"), node),
                            key=self.site.order)
        paragraphs = [p for p in paragraphs if "Paragraph" in self._kinds(p)]
        return "<h2>Paragraphs / Alinea's</h2>" + self._list(paragraphs, here)

    def _monograph(self, node: ox.NamedNode, here: str) -> str:
        site = self.site
        sections = [s for s in site.subjects(site.term("monograph"), node)
                    if "Section" in self._kinds(s)]
        out = ["<h2>Sections / Secties</h2>"]
        for section in sorted(sections, key=site.order):
            paragraphs = sorted((p for p in site.subjects(site.term("section"), section)
                                 if "Paragraph" in self._kinds(p)), key=site.order)
            out.append(f"<h3>{self.link(section, here)}</h3>{self._list(paragraphs, here)}")
        return "".join(out)

    def _kinds(self, node: ox.NamedNode) -> set[str]:
        prefix = self.site.base + "ontology/"
        return {t[len(prefix):] for t in self.site.types(node) if t.startswith(prefix)}

    def _list(self, nodes: list[ox.NamedNode], here: str) -> str:
        return "<ul>" + "".join(f"<li>{self.link(n, here)}</li>" for n in nodes) + "</ul>"

    def _statements(self, node: ox.NamedNode, here: str) -> str:
        site = self.site
        rows = []
        quads = sorted(site.store.quads_for_pattern(node, None, None),
                       key=lambda q: (str(q.predicate), str(q.object)))
        for q in quads:
            rows.append(f"<tr><th>{self.link(q.predicate, here)}</th>"
                        f"<td>{self.link(q.object, here)}</td></tr>")
        incoming = sorted({q.subject for q in site.store.quads_for_pattern(None, None, node)
                           if isinstance(q.subject, ox.NamedNode)}, key=str)
        out = ["<h2>Statements / Uitspraken</h2>", f"<table>{''.join(rows)}</table>"]
        if incoming:
            shown = incoming[:200]
            out.append(f"<h2>Referenced by / Verwezen door ({len(incoming)})</h2>")
            out.append(self._list(shown, here))
        return "".join(out)

    def _formats(self, node: ox.NamedNode, here: str) -> str:
        name = here.rsplit("/", 1)[-1] if here and not here.endswith("/") else "index"
        links = " · ".join(f'<a href="{esc(quote(name))}.{ext}">{ext}</a>' for ext in RDF_FORMATS)
        return f"<h2>Data</h2><p>{links}</p>"

    def home(self, endpoint: str | None) -> str:
        """The home page: monographs, downloads, example queries (and the endpoint, if any)."""
        site = self.site
        monographs = [s for s in site.subjects(TYPE, site.term("Monograph"))]
        out = [f"<h1>{esc(site.label(ox.NamedNode(site.base + 'dataset/' + site.publication.dataset)))}</h1>"]
        dataset = ox.NamedNode(f"{site.base}dataset/{site.publication.dataset}")
        for value in site.objects(dataset, ox.NamedNode(_DCT + "description")):
            if isinstance(value, ox.Literal):
                out.append(f'<p lang="{esc(value.language or "en")}">{esc(value.value)}</p>')
        if site.knows(dataset):
            out.append(f"<p>Dataset: {self.link(dataset, '')}</p>")
        out.append("<h2>Monographs / Monografieën</h2>")
        out.append("<ul>" + "".join(f"<li>{self.link(m, '')} <span lang=\"nl\" class=\"nl\">"
                                    f"{esc(site.labels(m).get('nl', ''))}</span></li>"
                                    for m in monographs) + "</ul>")
        out.append("<h2>Downloads</h2><ul>")
        # manifest.json is written after the site: listed by name only, so a page written
        # during the build and one written by `monokg site` afterwards are the same.
        out.append('<li><a href="download/manifest.json">manifest.json</a> '
                   "<small>every file with its size and sha256</small></li>")
        for path in site.downloads:
            if path.name == "manifest.json":
                continue
            href = esc(quote(f"download/{path.name}"))  # a file, never a page: no suffix
            out.append(f'<li><a href="{href}">{esc(path.name)}</a> '
                       f"<small>{path.stat().st_size:,} bytes</small></li>")
        out.append("</ul>")
        if endpoint:
            out.append(f"<h2>SPARQL</h2><p>Endpoint: <code>{esc(endpoint)}</code></p>")
        out.append("<h2>Example queries / Voorbeeldvragen</h2>")
        for query_file in site.queries:
            text = query_file.read_text(encoding="utf-8")
            run = (f' · <a href="sparql?query={esc(quote(text))}">run</a>' if endpoint else "")
            out.append(f"<h3>{esc(query_file.name)}{run}</h3><pre>{esc(text)}</pre>")
        return self.page(site.label(dataset), "".join(out), "", alternates=False)


def site_path(site: Site, node: ox.NamedNode) -> str:
    """The page path of a resource (its path below the base)."""
    path = site.path_of(node.value)
    if path is None:
        raise ValueError(f"not a page of this site: {node.value}")
    return path


# -- static site --------------------------------------------------------------------------------
def file_for(path: str) -> str:
    """The static file stem of a page path: ``claim/x/y`` -> ``claim/x/y``, ``concept/`` ->
    ``concept/index``, the base itself -> ``index``."""
    return path + "index" if path == "" or path.endswith("/") else path


HTACCESS = """# Content negotiation for the static monokg site (Apache 2.4, mod_rewrite, mod_headers).
# Put this folder at the path of the base IRI. A request without an extension gets
# 303 See Other to the form the client asks for (curl -L follows it).
Options -MultiViews -Indexes
DirectorySlash Off
RewriteEngine On
AddType text/turtle .ttl
AddType application/n-triples .nt
AddType application/ld+json .jsonld
AddType text/html .html
AddType application/sparql-query .rq
Header set Access-Control-Allow-Origin "*"
Header append Vary Accept

RewriteCond %{REQUEST_URI} !\\.(html|ttl|nt|jsonld|rq|css)$
RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteRule ^(.*?)/?$ $1.ttl [R=303,L]
RewriteCond %{REQUEST_URI} !\\.(html|ttl|nt|jsonld|rq|css)$
RewriteCond %{HTTP_ACCEPT} application/n-triples
RewriteRule ^(.*?)/?$ $1.nt [R=303,L]
RewriteCond %{REQUEST_URI} !\\.(html|ttl|nt|jsonld|rq|css)$
RewriteCond %{HTTP_ACCEPT} application/ld\\+json
RewriteRule ^(.*?)/?$ $1.jsonld [R=303,L]
# Folders (the base itself, concept/, ontology/) have their page as index.*
RewriteCond %{REQUEST_FILENAME} -d
RewriteCond %{REQUEST_FILENAME}/index.html -f
RewriteRule ^(.*?)/?$ $1/index.html [L]
RewriteCond %{REQUEST_FILENAME}.html -f
RewriteRule ^(.*)$ $1.html [L]
"""

NGINX = """# Content negotiation for the static monokg site (nginx). Include inside a server block:
#   location /monokg/ { alias /srv/monokg/site/; include /srv/monokg/site/nginx.conf; }
# adjusting the location to the path of the base IRI. Release files (build/*.ttl, *.nt, ...) go
# below download/ in the same folder. Put the map block in the http context.
#
# map $http_accept $monokg_ext {
#     default                    html;
#     ~text/turtle               ttl;
#     ~application/n-triples     nt;
#     ~application/ld\\+json      jsonld;
# }
types {
    text/html                 html;
    text/turtle               ttl;
    application/n-triples     nt;
    application/ld+json       jsonld;
    application/sparql-query  rq;
}
add_header Access-Control-Allow-Origin "*" always;
add_header Vary Accept always;
if ($monokg_ext != html) {
    rewrite ^(.*[^/])/?$ $1.$monokg_ext break;
}
try_files $uri $uri.html $uri/index.html =404;
"""


def write_site_files(site: Site, out_dir: Path) -> list[Path]:
    """Every page (HTML) and description (ttl, nt, jsonld), the home page, the example
    queries and the web-server configuration, below ``out_dir``."""
    from .dataset import write_file

    renderer = Renderer(site, suffix=".html")
    written: list[Path] = []
    folders: set[str] = set()
    root = str(out_dir)

    def put(relative: str, data: bytes) -> None:
        # Plain os calls: thousands of small files, where pathlib's overhead would dominate.
        folder = relative.rpartition("/")[0]
        if folder not in folders:
            os.makedirs(f"{root}/{folder}" if folder else root, exist_ok=True)
            folders.add(folder)
        target = f"{root}/{relative}"
        write_file(target, data)
        written.append(Path(target))

    for iri in site.resources():
        node = ox.NamedNode(iri)
        path = site_path(site, node)
        stem = file_for(path)
        put(stem + ".html", renderer.resource(node).encode("utf-8"))
        keyed = site.keyed_description(node)
        triples = [triple for _, triple in keyed]
        for ext in RDF_FORMATS:
            if ext == "nt":  # the sort keys are the N-Triples terms
                put(f"{stem}.nt", "".join([f"{s} {p} {o} .\n" for (s, p, o), _ in keyed]
                                          ).encode("utf-8"))
            else:
                put(f"{stem}.{ext}", site.serialize(node, ext, triples))
    home = renderer.home(None)
    put("index.html", home.encode("utf-8"))
    for query_file in site.queries:
        put(f"queries/{query_file.name}", query_file.read_bytes())
    put(".htaccess", HTACCESS.encode("utf-8"))
    put("nginx.conf", NGINX.encode("utf-8"))
    return written


def write_site(release: Release, out_dir: Path) -> list[Path]:
    """Release writer: the static site in ``<out>/site/`` (not ``site/product/``, which the
    product pages own)."""
    assert release.paths is not None, "a release assembled from a project"
    site = load_site(out_dir, release.publication, release.paths.queries)
    return write_site_files(site, out_dir / "site")


def export_site(build_dir: Path, publication: Publication, queries_dir: Path) -> list[Path]:
    """`monokg site`: (re)write ``build/site/`` from an existing build, keeping product pages."""
    site = load_site(build_dir, publication, queries_dir)
    target = build_dir / "site"
    if target.is_dir():
        for child in target.iterdir():
            if child.name == "product":
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    return write_site_files(site, target)
