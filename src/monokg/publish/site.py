"""Pages for people and per-resource descriptions for machines, shared by `serve` and `site`.

One embedded pyoxigraph store holds the release (data graph, ontology, dataset metadata). Every
IRI minted under the base gets a page (HTML) and a description (its outgoing triples plus the
labels of the terms it links to) as Turtle, N-Triples and JSON-LD. ``monokg serve`` renders them
on request; ``monokg site`` writes them as static files with the web-server configuration that
negotiates content without Python (a publishing step after the build, not part of the release).

Pages come from the templates in ``monokg/templates/site/``; every text taken from the data
reaches HTML through their autoescaping (see :mod:`monokg.model.templates`).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

import pyoxigraph as ox
from jinja2 import Template
from markupsafe import Markup

from monokg.check.forked import in_fork
from monokg.model.config import Publication
from monokg.model.curies import project_converter
from monokg.model.errors import InputError
from monokg.model.namespaces import DEFAULT_BASE, prefixes
from monokg.model.templates import environment, escape
from monokg.model.timings import progress
from monokg.publish.assets import assets
from monokg.rdf import ntriples as nt
from monokg.rdf.files import open_new, write_all
from monokg.rdf.jsonld import jsonld_of_triples
from monokg.rdf.turtle import turtle_of_lines

#: Machine-readable formats of a resource: file extension -> (media type, pyoxigraph format).
RDF_FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
}
HTML_TYPE = "text/html"
#: The forms' extensions and media types as every page prints them.
_FORMS = [(escape(ext), escape(media)) for ext, (media, _) in RDF_FORMATS.items()]

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
    #: Page path (or None) of every IRI asked about: a site of
    #: thousands of pages asks about the same few thousand IRIs over and over.
    _paths: dict[str, str | None] = field(default_factory=dict, repr=False)
    _label_triples: dict[str, dict[tuple[str, str, str], ox.Triple]] = field(
        default_factory=dict, repr=False)

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
        # Keyed by their terms, so a label triple is spelled once per site, not once per
        # description that links its term (most of a description is such labels).
        keyed = {_key(t): t for t in triples}
        for other in linked:
            if not isinstance(other, ox.NamedNode):
                continue
            found = self._label_triples.get(other.value)
            if found is None:
                found = self._label_triples[other.value] = {
                    _key(q.triple): q.triple for label in LABELS
                    for q in self.store.quads_for_pattern(other, label, None)}
            keyed |= found
        return sorted(keyed.items(), key=_first)

    def serialize(self, node: ox.NamedNode, ext: str,
                  triples: list[ox.Triple] | None = None) -> bytes:
        """The description of one resource in a machine-readable format (sorted, stable)."""
        _, fmt = RDF_FORMATS[ext]
        if triples is None:
            triples = self.describe(node)
        if fmt == ox.RdfFormat.JSON_LD:
            return jsonld_of_triples(triples, self.prefixes)[0]
        lines = [nt.triple_line(t) for t in triples]
        if fmt == ox.RdfFormat.N_TRIPLES:
            return "".join(line + "\n" for line in lines).encode("utf-8")
        return turtle_of_lines(lines, self.prefixes)

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
        """The best single label: English (the language of the statements), then any, then a
        short IRI."""
        found = self.labels(node)
        if "en" in found:
            return found["en"]
        if found:
            return next(iter(found.values()))
        return curie(getattr(node, "value", str(node)), self.base)

    def order(self, node: ox.NamedNode) -> int:
        value = self.first(node, self.term("order"))
        return int(value.value) if isinstance(value, ox.Literal) else 0


def _first(pair: tuple[tuple[str, str, str], ox.Triple]) -> tuple[str, str, str]:
    return pair[0]


def _key(triple: ox.Triple) -> tuple[str, str, str]:
    """A triple's terms in N-Triples: its sort key, and equal exactly when the triples are."""
    return str(triple.subject), str(triple.predicate), str(triple.object)


def is_safe_path(path: str) -> bool:
    """True for a relative path of plain segments (no '..', no empty or hidden segments)."""
    if path == "":
        return True
    segments = path.split("/")
    if segments[-1] == "":
        segments = segments[:-1]
    return bool(segments) and all(_SEGMENT.fullmatch(s) for s in segments)


_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]*)")


def curie(iri: str, base: str) -> str:
    """A compact IRI where one of the project's prefixes (under ``base``) fits, else the IRI."""
    return project_converter(base).compact(iri)


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
# What the templates show of a resource. Named tuples, not dicts: a template reads `x.name` as
# an attribute first, and pages read thousands of them.
class Labelled(NamedTuple):
    """A term with its label in another language (when it has an English one too), as
    (text, language tag), and its short name."""

    term: object
    other: tuple[str, str] | None
    curie: str | None


class Quote(NamedTuple):
    """A paragraph's source text split around a claim's words, with the characters' range."""

    before: str
    marked: str
    after: str
    paragraph: ox.NamedNode
    start: int
    end: int
    lang: str


class ClaimPart(NamedTuple):
    """A claim's statement, its quote, its parts (caption, values) and curator notes."""

    statement: str | None
    quote: Quote | None
    rows: list[tuple[str, list[Labelled]]]
    notes: list[object]


class ParagraphPart(NamedTuple):
    """A paragraph's text, its language tag and the claims taken from it."""

    text: str | None
    lang: str
    claims: list[ox.NamedNode]


class Renderer:
    """HTML pages for one site, from the templates in ``site/``; links are relative so a copy
    works below any prefix."""

    def __init__(self, site: Site, suffix: str = "") -> None:
        self.site = site
        #: Appended to internal links: "" when a server negotiates, ".html" for plain files.
        self.suffix = suffix
        self._quoted: dict[str, str] = {}
        #: Links to IRIs by (IRI, depth of the page): pages link the same terms over and over.
        self._links: dict[tuple[str, int], Markup] = {}
        # A template module's macros are attributes Jinja2 makes at run time.
        self._macros: Any = environment().get_template("site/macros.html").module
        #: Literals as pages show them, by (text, language): most a page prints are numbers,
        #: offsets and names other pages print too (four in five at 100k). Bounded, because
        #: long texts (statements, paragraphs) are mostly printed once.
        self._literal: Callable[[str, str | None], Markup] = functools.lru_cache(
            maxsize=1 << 16)(lambda text, lang: Markup(self._macros.literal(text, lang)))
        self._dataset = escape(site.publication.dataset)
        #: A claim part's value with its labels, by IRI: claims share their concepts.
        self._labelled_terms: dict[str, Labelled] = {}
        #: Templates by name, as the environment compiled them: its own lookup costs more
        #: than a dict's, once per page.
        self._templates: dict[str, Template] = {}

    def href(self, target: str, here: str) -> str:
        """A relative link from the page at path ``here`` to the page at path ``target``."""
        quoted = self._quoted.get(target)
        if quoted is None:
            page = target + self.suffix if target and not target.endswith("/") else (
                target + ("index.html" if self.suffix else ""))
            quoted = self._quoted[target] = quote(page, safe="/:@!$&'()*+,;=-._~")
        rel = "../" * here.count("/") + quoted
        return rel or "./"

    def link(self, term: object, here: str, text: str | None = None) -> Markup:
        """A link to a term: inside the site for minted IRIs, out for others; literals as text."""
        if isinstance(term, ox.Literal):
            return self._literal(term.value, term.language)
        iri = getattr(term, "value", str(term))
        key = (iri, here.count("/"))
        cached = text is None and isinstance(term, ox.NamedNode)
        if cached and key in self._links:
            return self._links[key]
        shown = text if text is not None else self.site.label(term)
        path = self.site.path_of(iri)
        if path is not None and not path.startswith(("download/", "product/")):
            out = self._macros.anchor(self.href(path, here), shown, False)
        else:
            out = self._macros.anchor(iri, shown, True)
        if cached:
            self._links[key] = out
        return Markup(out)

    def render(self, template: str, title: str, here: str, alternates: bool = True,
               link: Callable[[object], Markup] | None = None, **context: object) -> str:
        """A whole page from a template extending ``site/layout.html``: the title, links to
        the machine-readable forms (``alternates``) and to the home page, then ``context``;
        ``link`` is the page's :meth:`linker` when the caller has made it already."""
        name = quote(here.rsplit("/", 1)[-1] if here and not here.endswith("/") else "index")
        # What the layout and the page both print is escaped once, here: printing leaves
        # escaped text as it is (see monokg.model.templates).
        forms = [(ext, media, escape(f"{name}.{ext}")) for ext, media in _FORMS]
        home = self.href("", here) if here else "./"
        if self.suffix and not here:
            home = "index.html"
        if link is None:
            link = self.linker(here)
        compiled = self._templates.get(template)
        if compiled is None:
            compiled = self._templates[template] = environment().get_template(template)
        return compiled.render(
            title=escape(title), forms=forms, alternates=alternates, home=escape(home),
            dataset=self._dataset, link=link, **context)

    def linker(self, here: str) -> Callable[[object], Markup]:
        """``link`` for the page at ``here``: the `link` filter of every template, and how
        the renderer links rows before a template prints them."""
        depth, links = here.count("/"), self._links

        def link(term: object) -> Markup:
            # Remembered links without a method call.
            found = links.get((term.value, depth)) if type(term) is ox.NamedNode else None
            return found if found is not None else self.link(term, here)

        return link

    def resource(self, node: ox.NamedNode) -> str:
        """The page of one minted IRI: a special part for claims, paragraphs, sections and
        monographs, then every statement about it."""
        site, here = self.site, site_path(self.site, node)
        labels = site.labels(node)
        title = site.label(node)
        # The node's own triples, read once and sorted as the statements table lists them;
        # its types and its claim's parts come from them, not from a store query each.
        own = sorted((((str(q.predicate), str(q.object)), q.predicate, q.object)
                      for q in site.store.quads_for_pattern(node, None, None)),
                     key=lambda row: row[0])
        values: dict[str, list[object]] = {}
        for _, predicate, value in own:
            values.setdefault(predicate.value, []).append(value)
        prefix = site.base + "ontology/"
        kinds = {t.value[len(prefix):] for t in values.get(TYPE.value, ())
                 if isinstance(t, ox.NamedNode) and t.value.startswith(prefix)}
        incoming = sorted({q.subject for q in site.store.quads_for_pattern(None, None, node)
                           if isinstance(q.subject, ox.NamedNode)}, key=str)
        link = self.linker(here)
        return self.render(
            "site/resource.html", title, here, iri=node.value,
            other=_other_label(labels, title),
            claim=self._claim(values) if prefix + "statement" in values else None,
            paragraph=self._paragraph(node) if "Paragraph" in kinds else None,
            section=self._section(node) if "Section" in kinds else None,
            monograph=self._monograph(node) if "Monograph" in kinds else None,
            statements=[(link(predicate), link(value)) for _, predicate, value in own],
            # A term used by thousands of claims lists the first few hundred.
            incoming=[link(subject) for subject in incoming[:200]],
            incoming_count=len(incoming), link=link)

    def _claim(self, values: dict[str, list[object]]) -> ClaimPart:
        """The claim's statement, its quote in the source and its parts, each part a list of
        values with their labels (see ``_labelled``); ``values`` are the claim's objects by
        predicate IRI, each list sorted."""
        prefix = self.site.base + "ontology/"
        statement = values[prefix + "statement"][0]
        rows = []
        for name, caption in (("subject", "Subject"), ("object", "Object"),
                              ("relation", "Relation"), ("modality", "Modality"),
                              ("population", "Population"), ("context", "Context"),
                              ("setting", "Setting"), ("location", "Location"),
                              ("evidence", "Evidence"), ("negated", "Negated")):
            found = values.get(prefix + name)
            if found:
                rows.append((caption, [self._labelled(v) for v in found]))
        return ClaimPart(statement.value if isinstance(statement, ox.Literal) else None,
                         self._quote(values), rows, values.get(prefix + "curatorNote", []))

    def _labelled(self, term: object) -> Labelled:
        """A term to show with its Dutch label (when it has an English one too) and its short
        name; literals and blank nodes have neither."""
        if not isinstance(term, ox.NamedNode):
            return Labelled(term, None, None)
        found = self._labelled_terms.get(term.value)
        if found is None:
            labels = self.site.labels(term)
            found = self._labelled_terms[term.value] = Labelled(
                term, _other_label(labels) if "en" in labels else None,
                curie(term.value, self.site.base))
        return found

    def _quote(self, values: dict[str, list[object]]) -> Quote | None:
        """The paragraph's source text split around the claim's words, by the span offsets;
        ``values`` are the claim's (see ``_claim``)."""
        site = self.site
        span = next(iter(values.get(site.term("textSpan").value, ())), None)
        paragraph = next(iter(values.get(_PROV + "wasDerivedFrom", ())), None)
        if not isinstance(span, ox.NamedNode) or not isinstance(paragraph, ox.NamedNode):
            return None
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
            return None
        words, offset = text.value, int(para_start.value)
        a, b = start - offset, end - offset
        if not 0 <= a <= b <= len(words):
            return None
        return Quote(words[:a], words[a:b], words[b:], paragraph, start, end,
                     self._language(paragraph))

    def _language(self, paragraph: ox.NamedNode) -> str:
        """The language tag of a paragraph's text: the language of its source."""
        text = self.site.first(paragraph, self.site.term("text"))
        return text.language or "" if isinstance(text, ox.Literal) else ""

    def _paragraph(self, node: ox.NamedNode) -> ParagraphPart:
        site = self.site
        text = site.first(node, site.term("text"))
        return ParagraphPart(text.value if isinstance(text, ox.Literal) else None,
                             self._language(node), site.subjects(ox.NamedNode(_PROV + "wasDerivedFrom"), node))

    def _section(self, node: ox.NamedNode) -> list[ox.NamedNode]:
        paragraphs = sorted(self.site.subjects(self.site.term("section"), node),
                            key=self.site.order)
        return [p for p in paragraphs if "Paragraph" in self._kinds(p)]

    def _monograph(self, node: ox.NamedNode) -> list[tuple[ox.NamedNode, list[ox.NamedNode]]]:
        """Sections in order, each with its paragraphs in order."""
        site = self.site
        sections = [s for s in site.subjects(site.term("monograph"), node)
                    if "Section" in self._kinds(s)]
        return [(section, sorted((p for p in site.subjects(site.term("section"), section)
                                  if "Paragraph" in self._kinds(p)), key=site.order))
                for section in sorted(sections, key=site.order)]

    def _kinds(self, node: ox.NamedNode) -> set[str]:
        prefix = self.site.base + "ontology/"
        return {t[len(prefix):] for t in self.site.types(node) if t.startswith(prefix)}

    def home(self, endpoint: str | None) -> str:
        """The home page: monographs, downloads, example queries (and the endpoint, if any)."""
        site = self.site
        dataset = ox.NamedNode(f"{site.base}dataset/{site.publication.dataset}")
        # The template names manifest.json without a size: it lists every other file
        # (and its size changed with each file the release once held).
        downloads = [(quote(f"download/{path.name}"),  # a file, never a page: no suffix
                      path.name, f"{path.stat().st_size:,}")
                     for path in site.downloads if path.name != "manifest.json"]
        queries = []
        for query_file in site.queries:
            text = query_file.read_text(encoding="utf-8")
            queries.append((query_file.name, text,
                            f"sparql?query={quote(text)}" if endpoint else None))
        return self.render(
            "site/home.html", site.label(dataset), "", alternates=False,
            descriptions=[(v.value, v.language or "en")
                          for v in site.objects(dataset, ox.NamedNode(_DCT + "description"))
                          if isinstance(v, ox.Literal)],
            dataset_node=dataset if site.knows(dataset) else None,
            monographs=[(m, _other_label(site.labels(m)) or ("", ""))
                        for m in site.subjects(TYPE, site.term("Monograph"))],
            downloads=downloads, endpoint=endpoint or None, queries=queries)


def _other_label(labels: dict[str, str], shown: str | None = None) -> tuple[str, str] | None:
    """A label in a language other than English (text, tag), unless it is the one shown."""
    for lang, text in sorted(labels.items()):
        if lang not in ("en", "") and text != shown:
            return text, lang
    return None


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


class _Files:
    """Writes the site's files below one root: one ``open``/``write``/``close`` each.

    No temporary file and rename per file (the whole tree is swapped in at once) and no hash
    (the site is no part of the release's manifest): at a million triples the site is about
    600,000 files, where each system call counts."""

    def __init__(self, root: Path) -> None:
        self.root = os.fspath(root)
        self.count = 0
        self._folders: set[str] = set()

    def put(self, relative: str, data: bytes) -> None:
        name = f"{self.root}/{relative}"
        fd = open_new(name, self._folders)
        try:
            write_all(fd, data, name)
        finally:
            os.close(fd)
        self.count += 1


def _write_pages(site: Site, resources: list[str], root: Path, worker: int, workers: int
                 ) -> int:
    """The page and three descriptions of every ``workers``-th chunk of ``resources``,
    starting at chunk ``worker``; the number of files written."""
    renderer = Renderer(site, suffix=".html")
    files = _Files(root)
    put = files.put
    mine = [iri for start in range(worker * _CHUNK, len(resources), workers * _CHUNK)
            for iri in resources[start:start + _CHUNK]]
    for done, iri in enumerate(mine):
        if worker == 0 and done % 256 == 0:
            # The first worker speaks for all: they go at about the same pace.
            progress("site pages", done * workers, len(resources))
        node = ox.NamedNode(iri)
        stem = file_for(site_path(site, node))
        put(stem + ".html", renderer.resource(node).encode("utf-8"))
        keyed = site.keyed_description(node)
        triples = [triple for _, triple in keyed]
        # Each form from what is in hand: N-Triples from the sort keys (the terms), Turtle
        # from lines spelled once (an IRI's token is its sort key; only a literal is spelled
        # by the module's rules), JSON-LD from the triples themselves (no parse).
        put(f"{stem}.ttl", turtle_of_lines(
            [f"{s} {p} {nt.token(t.object) if type(t.object) is ox.Literal else o} ."
             for (s, p, o), t in keyed], site.prefixes))
        put(f"{stem}.nt", "".join([f"{s} {p} {o} .\n" for (s, p, o), _ in keyed]
                                  ).encode("utf-8"))
        put(f"{stem}.jsonld", jsonld_of_triples(triples, site.prefixes)[0])
    return files.count


#: Resources per chunk of the workers' round robin: neighbours share the terms they link
#: (each worker's label and link memos), and the workers end at about the same time.
_CHUNK = 64


def write_site_files(site: Site, folder: Path, products: Path | None = None,
                     jobs: int | None = None) -> int:
    """Every page (HTML) and description (ttl, nt, jsonld), the home page, the example
    queries, the product pages (``<slug>.html`` of ``products``) and the web-server
    configuration, below ``folder``; the number of files written.

    The pages are spread over ``jobs`` processes (default: one per core), forked once the
    release is loaded, so each reads the same store without a copy."""
    resources = site.resources()
    workers = max(1, min(jobs or os.cpu_count() or 1, len(resources) // _CHUNK or 1))
    others = [in_fork("a site writer", _write_pages, site, resources, folder, k, workers)
              for k in range(1, workers)]
    try:
        count = _write_pages(site, resources, folder, 0, workers)
    finally:
        # Every worker has ended before anyone may remove the folder they write into.
        counts = _wait_all(others)
    count += sum(counts)
    files = _Files(folder)
    put = files.put
    put("index.html", Renderer(site, suffix=".html").home(None).encode("utf-8"))
    # The base IRI is the dataset's landing page: its machine-readable forms describe the
    # dataset, so a client asking the base for RDF gets the dataset's metadata.
    dataset = ox.NamedNode(f"{site.base}dataset/{site.publication.dataset}")
    if site.knows(dataset):
        for ext in RDF_FORMATS:
            put(f"index.{ext}", site.serialize(dataset, ext))
    for query_file in site.queries:
        put(f"queries/{query_file.name}", query_file.read_bytes())
    for path, (_, vendored) in assets().items():
        put(path, vendored.read_bytes())
    if products is not None and products.is_dir():
        for page in sorted(products.glob("*.html")):
            if not page.name.endswith(".snippet.html"):
                put(f"product/{page.name}", page.read_bytes())
    # The web-server configuration has no placeholders today; it lives with the pages'
    # templates so every file of the site comes from one folder.
    env = environment()
    put(".htaccess", env.get_template("site/htaccess").render().encode("utf-8"))
    put("nginx.conf", env.get_template("site/nginx.conf").render().encode("utf-8"))
    return count + files.count


def _wait_all(waits: list[Callable[[], int]]) -> list[int]:
    """The answer of every worker, once all have ended; the first error, if any."""
    answers: list[int] = []
    errors: list[BaseException] = []
    for wait in waits:
        try:
            answers.append(wait())
        except Exception as exc:  # noqa: BLE001 - raised below, once every worker has ended
            errors.append(exc)
    if errors:
        raise errors[0]
    return answers


def export_site(build_dir: Path, publication: Publication, queries_dir: Path,
                folder: Path, jobs: int | None = None) -> int:
    """`monokg site`: the static site of a published release, written into the new
    ``folder`` (which the caller swaps in), with the release's product pages; the number of
    files written."""
    site = load_site(build_dir, publication, queries_dir)
    return write_site_files(site, folder, build_dir / "product", jobs)
