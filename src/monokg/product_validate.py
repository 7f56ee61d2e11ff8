"""Validate product-page JSON-LD (our shapes, schema.org's vocabulary, the claims policy), and
make, check and write product pages with it (CLI and release writer).

schema.org's domains and ranges are checked directly from the vendored vocabulary
(schemaorg-current-https.ttl, parsed with pyoxigraph in well under a second) rather than with
schema.org's SHACL shapes: those only state ranges, and a direct check can name the type a
property was used on and the types it would have allowed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from .config import Publication
from .errors import Finding, InputError, NonConformance
from .namespaces import MKG, SCHEMA_PAGE
from .paths import ProjectPaths
from .product import (
    Policy,
    ProductPage,
    from_jsonld,
    load_context,
    load_currencies,
    load_policy,
    load_product,
    to_product_page,
)

if TYPE_CHECKING:
    from .pipeline import Release

S = str(SCHEMA_PAGE)
S_HTTPS = "https://schema.org/"
VOCABULARY_FILE = "schemaorg-current-https.ttl"
_NUMBERS = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long,
            XSD.nonNegativeInteger, XSD.positiveInteger}


def _http(iri: str) -> str:
    """A schema.org IRI in the form we publish (http); others unchanged."""
    return S + iri[len(S_HTTPS):] if iri.startswith(S_HTTPS) else iri


@dataclass
class SchemaVocabulary:
    """What schema.org defines: types with their supertypes, properties with domains/ranges."""

    supertypes: dict[str, set[str]] = field(default_factory=dict)  # reflexive and transitive
    properties: set[str] = field(default_factory=set)
    domains: dict[str, set[str]] = field(default_factory=dict)
    ranges: dict[str, set[str]] = field(default_factory=dict)
    datatypes: set[str] = field(default_factory=set)
    members: dict[str, set[str]] = field(default_factory=dict)  # enumeration member -> types

    def closure(self, types: set[str]) -> set[str]:
        """The types with all their supertypes."""
        return set().union(*(self.supertypes.get(t, {t}) for t in types)) if types else set()

    def local(self, iri: str) -> str:
        return iri.removeprefix(S)


def load_schema_vocabulary(schemaorg: Path) -> SchemaVocabulary:
    """Read the vendored schema.org vocabulary, with its IRIs mapped to http://schema.org/."""
    import pyoxigraph as ox

    path = schemaorg / VOCABULARY_FILE
    if not path.is_file():
        raise InputError("the vendored schema.org vocabulary is missing", path,
                         fix="restore vendor/schemaorg-30.0/ from the repository")
    rdf_type, sub = str(RDF.type), str(RDFS.subClassOf)
    classes: set[str] = set()
    parents: dict[str, set[str]] = {}
    types_of: dict[str, set[str]] = {}
    vocab = SchemaVocabulary()
    with path.open("rb") as handle:
        for triple in ox.parse(handle, format=ox.RdfFormat.TURTLE):
            if not isinstance(triple.subject, ox.NamedNode):
                continue
            s, p, o = _http(triple.subject.value), triple.predicate.value, triple.object
            value = _http(o.value) if isinstance(o, ox.NamedNode) else None
            if p == rdf_type and value is not None:
                types_of.setdefault(s, set()).add(value)
                if value == str(RDFS.Class):
                    classes.add(s)
                elif value == str(RDF.Property):
                    vocab.properties.add(s)
            elif p == sub and value is not None:
                parents.setdefault(s, set()).add(value)
            elif p == S_HTTPS + "domainIncludes" and value is not None:
                vocab.domains.setdefault(s, set()).add(value)
            elif p == S_HTTPS + "rangeIncludes" and value is not None:
                vocab.ranges.setdefault(s, set()).add(value)
    for cls in classes | set(parents):
        seen, todo = {cls}, [cls]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        vocab.supertypes[cls] = seen
    datatype = S + "DataType"
    direct = {s for s, ts in types_of.items() if datatype in ts}
    vocab.datatypes = {c for c, sup in vocab.supertypes.items() if sup & direct} | direct
    for s, ts in types_of.items():
        member_types = {t for t in ts if t.startswith(S) and t != datatype}
        if member_types and s not in classes and s not in vocab.properties:
            vocab.members[s] = member_types
    return vocab


def _schema_types(graph: Graph, node: object, vocab: SchemaVocabulary) -> set[str]:
    types = {_http(str(t)) for t in graph.objects(node, RDF.type)}  # type: ignore[arg-type]
    if isinstance(node, URIRef):
        types |= vocab.members.get(_http(str(node)), set())
    return {t for t in types if t.startswith(S)}


def _literal_fits(value: Literal, ranges: set[str], vocab: SchemaVocabulary) -> bool:
    """Whether a literal is a value of one of the (datatype) ranges."""
    allowed = vocab.closure(ranges) & vocab.datatypes
    if not allowed:
        return False
    if value.datatype in _NUMBERS:
        return bool(allowed & {S + "Number", S + "Text"})
    if value.datatype == XSD.boolean:
        return bool(allowed & {S + "Boolean", S + "Text"})
    return True  # schema.org's data model gives every datatype value as text


def check_schema_terms(graph: Graph, vocab: SchemaVocabulary) -> list[Finding]:
    """Every schema.org type and property exists, on a type in its domain, with a value in range.

    A text where schema.org expects a thing (``"brand": "Acme"``) is a warning: consumers accept
    it, but the vocabulary does not list it.
    """
    findings: list[Finding] = []
    local = vocab.local

    def add(focus: object, path: str | None, message: str, severity: str = "Violation") -> None:
        findings.append(Finding(str(focus), path, message, severity, "schema.org vocabulary"))

    for node, cls in graph.subject_objects(RDF.type):
        iri = _http(str(cls))
        if iri.startswith(S) and iri not in vocab.supertypes:
            add(node, "rdf:type", f"schema.org has no type {local(iri)!r}")
    for s, p, o in graph:
        prop = _http(str(p))
        if not prop.startswith(S):
            continue
        name = local(prop)
        if prop not in vocab.properties:
            add(s, name, f"schema.org has no property {name!r}")
            continue
        subject_types = _schema_types(graph, s, vocab)
        domain = vocab.domains.get(prop, set())
        if not vocab.closure(subject_types) & domain:
            used_on = ", ".join(sorted(local(t) for t in subject_types)) or "an untyped node"
            add(s, name, f"{name!r} is used on {used_on}, but schema.org allows it only on "
                f"{', '.join(sorted(local(d) for d in domain))}")
        ranges = vocab.ranges.get(prop, set())
        allowed = ", ".join(sorted(local(r) for r in ranges))
        if isinstance(o, Literal):
            if not _literal_fits(o, ranges, vocab):
                text = o.datatype in (None, XSD.string)
                things_expected = not vocab.closure(ranges) & vocab.datatypes
                add(s, name, f"value {str(o)!r} is {'a text' if text else 'a ' + str(o.datatype)}"
                    f", but schema.org expects {allowed}",
                    "Warning" if things_expected and text else "Violation")
            continue
        if S + "URL" in ranges:
            continue
        object_types = _schema_types(graph, o, vocab)
        iri = _http(str(o))
        if iri.startswith(S) and not object_types and iri not in vocab.supertypes:
            add(s, name, f"schema.org has no term {local(iri)!r}")
        elif object_types and not vocab.closure(object_types) & ranges:
            add(s, name, f"value {o} is a {', '.join(sorted(local(t) for t in object_types))}, "
                f"but schema.org expects {allowed}")
        elif not object_types and not ranges - vocab.datatypes:
            add(s, name, f"value {o} is a link, but schema.org expects {allowed}")
    return sorted(findings, key=lambda f: (f.severity != "Violation", f.focus, f.path or "",
                                           f.message))


def load_product_shapes(folder: Path) -> Graph:
    """The shapes for product pages (kept apart from the knowledge graph's shapes)."""
    from .validate import load_shapes
    return load_shapes(folder)


def check_product_shapes(graph: Graph, shapes: Graph, lang: str = "en") -> list[Finding]:
    """Our own product-page shapes: what a product snippet needs, and the claims policy floor."""
    from pyshacl import validate

    from .validate import to_findings
    _, report, _ = validate(graph, shacl_graph=shapes, inference="none", advanced=True,
                            allow_warnings=True)
    return to_findings(report, graph, lang)


def check_policy(graph: Graph, policy: Policy, mkg: str) -> list[Finding]:
    """Claims of kinds outside the default policy appear only under the disclaimer."""
    disclaimers = {texts["disclaimer"] for texts in policy.texts.values()}
    findings = []
    for claim, kind in graph.subject_objects(URIRef(S + "additionalType")):
        name = str(kind)[len(mkg):] if str(kind).startswith(mkg) else ""
        if not name.endswith("Claim"):
            continue
        topic = policy.kinds.get(name.removesuffix("Claim"))
        if topic in policy.allowed:
            continue
        for product in graph.subjects(URIRef(S + "subjectOf"), claim):
            described = {str(d) for d in graph.objects(product, URIRef(S + "description"))}
            if topic not in policy.with_flag or not described & disclaimers:
                findings.append(Finding(
                    str(claim), "additionalType",
                    f"claim kind {name} ({topic or 'not in the policy'}) may not appear on a "
                    "product page"
                    + ("" if topic not in policy.with_flag else
                       " unless the page is marked informational (--include-indications)"),
                    "Violation", "claims policy"))
    return sorted(findings, key=lambda f: f.focus)


def load_product_jsonld(path: Path, context: dict[str, Any]) -> Graph:
    """Read a product page's JSON-LD file; only the schema.org context may be referenced."""
    from pyld.jsonld import JsonLdError  # type: ignore[import-untyped]

    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path, fix="check the path") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start})", path, fix="save as UTF-8") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", path, exc.lineno, exc.colno,
                         fix="correct the JSON syntax at that place") from exc
    try:
        return from_jsonld(document, context)
    except JsonLdError as exc:
        raise InputError(f"not valid JSON-LD: {str(exc).splitlines()[0]}", path, fix=(
            "use \"@context\": \"https://schema.org\" (loaded from the vendored copy) or an "
            "inline context; nothing else is fetched")) from exc


def check_product_graph(graph: Graph, vocab: SchemaVocabulary, shapes: Graph, policy: Policy,
                        mkg: str, lang: str = "en") -> list[Finding]:
    """All findings for a product page's graph: shapes, schema.org vocabulary, claims policy."""
    return (check_product_shapes(graph, shapes, lang) + check_schema_terms(graph, vocab)
            + check_policy(graph, policy, mkg))



@dataclass
class ProductKit:
    """Everything product pages are made and checked with, loaded once."""

    policy: Policy
    currencies: frozenset[str]
    availabilities: frozenset[str]
    context: dict[str, Any]
    vocabulary: SchemaVocabulary
    shapes: Graph
    mkg: str


def load_product_kit(paths: ProjectPaths, publication: Publication) -> ProductKit:
    """Policy, currency list, schema.org context and vocabulary, and the product-page shapes."""
    vocabulary = load_schema_vocabulary(paths.schemaorg)
    availability = S + "ItemAvailability"
    return ProductKit(
        policy=load_policy(paths.product_policy),
        currencies=load_currencies(paths.currencies),
        availabilities=frozenset(vocabulary.local(m) for m, ts in vocabulary.members.items()
                                 if availability in ts),
        context=load_context(paths.schemaorg),
        vocabulary=vocabulary,
        shapes=load_product_shapes(paths.product_shapes),
        mkg=str(publication.rebase_term(URIRef(str(MKG)))))


def check_product_page(page: ProductPage, kit: ProductKit, lang: str = "en") -> list[Finding]:
    """Findings for a page we made, including whether its JSON-LD means exactly its graph."""
    from rdflib.compare import isomorphic
    findings = check_product_graph(page.graph, kit.vocabulary, kit.shapes, kit.policy, kit.mkg,
                                   lang)
    if not isomorphic(from_jsonld(page.document, kit.context), page.graph):
        findings.append(Finding(str(page.product.url), None, "the framed JSON-LD does not "
                                "expand to the graph it was made from", "Violation", "framing"))
    return findings


def load_published(paths: ProjectPaths, publication: Publication) -> tuple[Graph, Graph]:
    """The released data graph and ontology from build/ (as published, rebased)."""
    data = paths.build / f"{publication.dataset}.nt"
    ontology = paths.build / f"{publication.dataset}.owl.ttl"
    for path in (data, ontology):
        if not path.is_file():
            raise InputError("the release is not built", path, fix="run `monokg build` first")
    return (Graph().parse(data, format="nt"), Graph().parse(ontology, format="turtle"))


def make_product_page(paths: ProjectPaths, product_file: Path, include_flagged: bool = False,
                      lang: str = "en") -> ProductPage:
    """A checked product page for a product file, from the built release.

    Raises NonConformance if the page breaks a shape, schema.org's vocabulary or the policy.
    """
    from .config import load_publication
    publication = load_publication(paths.config)
    kit = load_product_kit(paths, publication)
    product = load_product(product_file, kit.currencies, kit.availabilities)
    graph, ontology = load_published(paths, publication)
    page = to_product_page(graph, ontology, product, kit.policy, publication, kit.context,
                           include_flagged)
    _raise_violations(f"product page {product_file.name}", check_product_page(page, kit, lang))
    return page


def _raise_violations(stage: str, findings: list[Finding]) -> None:
    violations = [f for f in findings if f.severity == "Violation"]
    if violations:
        raise NonConformance(stage, violations)


def check_product_file(paths: ProjectPaths, path: Path, lang: str = "en") -> list[Finding]:
    """Findings for any product-page JSON-LD file (a shop's own included)."""
    from .config import load_publication
    kit = load_product_kit(paths, load_publication(paths.config))
    graph = load_product_jsonld(path, kit.context)
    if not len(graph):
        raise InputError("the JSON-LD holds no statements", path,
                         fix="give the product's JSON-LD with an @context")
    return check_product_graph(graph, kit.vocabulary, kit.shapes, kit.policy, kit.mkg, lang)


def write_product_pages(release: Release, out_dir: Path) -> list[Path]:
    """Release writer: every data/products/*.yaml as build/product/<slug>.jsonld (+ snippet)
    and build/site/product/<slug>.html, each checked before it is written."""
    from .product import write_product_page
    paths = release.paths
    if paths is None:
        return []
    files = sorted(paths.products.glob("*.yaml"))
    if not files:
        return []
    publication = release.publication
    kit = load_product_kit(paths, publication)
    ontology = publication.rebase(release.ontology)
    graphs: dict[str, Graph] = {}
    written: list[Path] = []
    for file in files:
        product = load_product(file, kit.currencies, kit.availabilities)
        if product.monograph not in graphs:
            graphs[product.monograph] = publication.rebase(_monograph_graph(release,
                                                                            product.monograph))
        page = to_product_page(graphs[product.monograph], ontology, product, kit.policy,
                               publication, kit.context)
        _raise_violations(f"product page {file.name}", check_product_page(page, kit))
        written += write_product_page(page, out_dir / "product", out_dir / "site" / "product")
    return written


def _monograph_graph(release: Release, monograph_id: str) -> Graph:
    """One monograph's triples with the project's term files: all a product page draws on
    (every node it shows is minted under that monograph or is a linked term), without an
    rdflib graph of the whole release."""
    from .graph import graph_of

    lines = [line for part in release.parts if part.monograph.id == monograph_id
             for line in part.lines]
    return graph_of(sorted(set(lines).union(release.extra_lines)))
