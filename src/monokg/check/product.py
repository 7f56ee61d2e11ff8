"""Validate product-page JSON-LD (our shapes, schema.org's vocabulary, the claims policy), and
make, check and write product pages with it (CLI and release writer).

schema.org's domains and ranges are checked directly from the vendored vocabulary
(schemaorg-current-https.ttl, parsed with pyoxigraph in well under a second) rather than with
schema.org's SHACL shapes: those only state ranges, and a direct check can name the type a
property was used on and the types it would have allowed.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyld.jsonld import JsonLdError
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from monokg.assemble.product import ProductPage, PublishedRelease
from monokg.check.findings import to_findings
from monokg.check.reference import pyshacl_report
from monokg.check.release import check_metadata
from monokg.curate.language import known_tags, load_language
from monokg.curate.products import Policy, ProductKit, RichResults
from monokg.curate.schemaorg import S, SchemaVocabulary, _http
from monokg.model.errors import Finding, InputError
from monokg.rdf.jsonld import from_jsonld

_NUMBERS = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long,
            XSD.nonNegativeInteger, XSD.positiveInteger}


def _schema_types(graph: Graph, node: Node, vocab: SchemaVocabulary) -> set[str]:
    types = {_http(str(t)) for t in graph.objects(node, RDF.type)}
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


def check_product_shapes(graph: Graph, shapes: Graph, lang: str = "en") -> list[Finding]:
    """Our own product-page shapes: what a product snippet needs, and the claims policy floor."""

    report = pyshacl_report(graph, shapes)
    return to_findings(report, graph, lang)


def check_policy(graph: Graph, policy: Policy, mkg: str) -> list[Finding]:
    """Claims of kinds outside the default policy appear only under the disclaimer."""
    disclaimers = {text for tag in known_tags()
                   if (text := load_language(tag).product_page.get("disclaimer"))}
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


def check_rich_results(graph: Graph, rich: RichResults) -> list[Finding]:
    """Google's documented required and recommended properties of product rich results
    (data/policy/rich-results.yaml), on every Product and each of its offers.

    A required property missing for a feature that is the page's last chance at a rich result
    (``blocking``) is a violation; one missing for another feature is a warning naming the
    feature the page is not eligible for; a missing recommended property is a warning."""
    found: dict[tuple[str, str, str], list[str]] = {}
    for product in set(graph.subjects(RDF.type, URIRef(S + "Product"))):
        nodes = [("Product", product)] + [("Offer", o) for o in graph.objects(
            product, URIRef(S + "offers"))]
        for feature in rich.features:
            for level, table in (("required", feature.required),
                                 ("recommended", feature.recommended)):
                for kind, focus in nodes:
                    for names in table.get(kind, ()):
                        if any((focus, URIRef(S + n), None) in graph for n in names.split("|")):
                            continue
                        severity = ("Info" if level == "recommended" else
                                    "Violation" if feature.blocking else "Warning")
                        key = (str(focus), names.replace("|", " or "), severity)
                        found.setdefault(key, []).append(
                            f"{feature.name} ({feature.source})")
    findings = []
    for (where, names, severity), features in sorted(found.items()):
        kind = ("require" if severity != "Info" else "recommend") + (
            "s" if len(features) == 1 else "")
        lead = "not eligible for Google's rich result: " if severity == "Warning" else ""
        findings.append(Finding(where, names, f"{lead}Google's {' and '.join(features)} "
                                f"{kind} {names}", "Warning" if severity == "Info" else severity,
                                "Google rich results"))
    return findings


def load_product_jsonld(path: Path, context: dict[str, Any]) -> Graph:
    """Read a product page's JSON-LD file; only the schema.org context may be referenced."""

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


def check_product_graph(graph: Graph, kit: ProductKit, lang: str = "en") -> list[Finding]:
    """All findings for a product page's graph: shapes, schema.org vocabulary, claims policy,
    Google's documented product properties."""
    return (check_product_shapes(graph, kit.shapes, lang)
            + check_schema_terms(graph, kit.vocabulary)
            + check_policy(graph, kit.policy, kit.mkg) + check_rich_results(graph, kit.rich))


def check_product_page(page: ProductPage, kit: ProductKit, lang: str = "en") -> list[Finding]:
    """Findings for a page we made, including whether its JSON-LD means exactly its graph."""
    findings = check_product_graph(page.graph, kit, lang)
    if not isomorphic(from_jsonld(page.document, kit.context), page.graph):
        findings.append(Finding(str(page.product.url), None, "the framed JSON-LD does not "
                                "expand to the graph it was made from", "Violation", "framing"))
    return findings


def publication_checks(release: PublishedRelease) -> list[tuple[str, Callable[[], list[Finding]]]]:
    """The checks of what only a build publishes, for ``check_release`` to run beside the
    data's: the dataset metadata and every product page."""
    return [("dataset metadata (SHACL)", functools.partial(check_metadata, release)),
            *((f"product page {page.product.file.name}",
               functools.partial(check_product_page, page, release.product_kit))
              for page in release.product_pages)]


def page_notes(release: PublishedRelease) -> list[Finding]:
    """Warnings about the product pages: what a page leaves out (a page in a language the
    graph lacks still conforms, but a shop should hear what it lacks), and its notes."""
    return [*(Finding(str(page.product.file), name,
                      f"left out of the {page.product.language} page: {why}", "Warning",
                      "product page")
              for page in release.product_pages for name, why in page.left_out),
            *(Finding(str(page.product.file), None, note, "Warning", "product page")
              for page in release.product_pages for note in page.notes)]
