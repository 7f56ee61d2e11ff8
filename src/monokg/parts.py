"""Each monograph on its own: load, assemble and validate one monograph per task, in parallel.

A release is the union of its monographs' graphs plus the project's term files. Nearly every
node belongs to exactly one monograph (its IRI is minted under that monograph's id: sections,
paragraphs, claims, spans, doses, mentions, mapping records); only linked terms (ChEBI, MeSH,
local concepts) and ontology individuals (modalities, dose kinds) are shared. So each
monograph is processed by itself, and the shared nodes get one extra pass that sees every
triple about them. Why that gives the verdicts of checking the whole graph at once:

*Reasoning.* The ontology's axioms are subclass and sub-property, domain and range,
disjointness and functional properties (``check_reasoning_scope`` refuses any other kind and
then the whole graph is reasoned over at once). Under such axioms an individual's types follow
from the triples that mention it, and a contradiction is an individual with two disjoint types
(or, through a functional property, two individuals merged that have disjoint types; every
functional property's subject is a private node, so every triple of such a merge lies in one
monograph). A private node is mentioned only in its own monograph, so checking each monograph
with the ontology finds its contradictions; a shared node's contradictions are found by one
pass over every triple that mentions a shared node. Every part is a subset of the whole, so a
contradiction found in a part is one of the whole (OWL is monotonic): the verdict is the same.
Only triples that can take part in an axiom go to HermiT (rdf:type, owl:sameAs/differentFrom
and predicates the ontology describes); the rest are annotations to the reasoner.

*Validation.* A shape looks at its focus node's own triples and those of the nodes its paths
reach. A private node and everything its paths reach within its monograph are complete in that
monograph's graph (with the term files); the findings about private nodes come from there. The
findings about shared nodes come from one pass over every triple whose subject is shared (plus
the types of what they link to). The benchmark compares these verdicts with pySHACL on the
whole graph (``benchmarks/run.py``), and so does a test on a small corpus.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .cache import Cache, digest_of, files_digest
from .claims import Monograph, load_monograph
from .errors import Finding, InputError, InputErrors, NonConformance
from .export import triples_of
from .graph import check_links, new_graph, to_lines
from .mappings import load_mapping_set
from .namespaces import DEFAULT_BASE
from .paths import ProjectPaths
from .vocabulary import Vocabulary

#: OWL constructs whose consequences can reach beyond the triples that mention a node; with
#: any of them in the ontology, the reasoner sees the whole graph at once.
NONLOCAL_AXIOMS = (OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.cardinality,
                   OWL.minCardinality, OWL.maxCardinality, OWL.qualifiedCardinality,
                   OWL.minQualifiedCardinality, OWL.maxQualifiedCardinality, OWL.oneOf,
                   OWL.inverseOf, OWL.propertyChainAxiom, OWL.hasKey, OWL.hasSelf,
                   OWL.TransitiveProperty, OWL.InverseFunctionalProperty)

_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Lexical forms that are certainly valid for their datatype (others stay exact in cache keys).
_VALID_LEXICAL = {
    f"{_XSD}string": re.compile(r".*", re.S),
    f"{_XSD}nonNegativeInteger": re.compile(r"\+?[0-9]+"),
    f"{_XSD}integer": re.compile(r"[+-]?[0-9]+"),
    f"{_XSD}boolean": re.compile(r"true|false|1|0"),
    f"{_XSD}decimal": re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"),
}
_LITERAL = re.compile(r'^"(.*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$', re.S)


@dataclass
class Part:
    """One monograph's share of the release."""

    monograph: Monograph
    lines: list[str]  # its triples as sorted N-Triples lines, under the default base
    private: set[str]  # the IRIs of its own nodes (for telling them from shared ones)
    findings: list[Finding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    graph: Graph | None = None  # kept only when the part is processed in this process


@dataclass
class Context:
    """The read-only inputs every task shares (inherited by forked workers)."""

    paths: ProjectPaths
    vocabulary: Vocabulary
    shapes: Graph
    extra: Graph  # the project's term files: local concepts, term labels
    lang: str
    alone: bool  # one monograph: its graph with the term files is the whole release
    digest: str  # of every input that is not a monograph's own (ontology, shapes, terms, ...)
    reasoning_predicates: frozenset[str] = frozenset()
    ranged: frozenset[str] = frozenset()  # predicates whose literal values the reasoner checks
    functional: frozenset[str] = frozenset()


_CONTEXT: Context | None = None


def set_context(context: Context) -> None:
    """Make the shared inputs available to this process and to workers forked from it."""
    global _CONTEXT
    _CONTEXT = context


def reasoning_predicates(ontology: Graph
                         ) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Predicates that can take part in an axiom; those with a range or functional; and the
    functional ones (as N-Triples tokens)."""
    described = {str(s) for s in ontology.subjects() if isinstance(s, URIRef)}
    described |= {str(RDF.type), str(OWL.sameAs), str(OWL.differentFrom)}
    ranged = {str(p) for p in ontology.subjects(RDFS.range)}
    functional = {str(p) for p in ontology.subjects(RDF.type, OWL.FunctionalProperty)}
    ranged |= functional
    for group in (ranged, functional):
        for prop in list(group):
            group |= {str(s) for s in ontology.transitive_subjects(RDFS.subPropertyOf,
                                                                    URIRef(prop))}
    token = lambda props: frozenset(f"<{p}>" for p in props)  # noqa: E731
    return token(described), token(ranged), token(functional)


def check_reasoning_scope(ontology: Graph) -> list[str]:
    """The axiom kinds that forbid reasoning per monograph (empty: per monograph is sound)."""
    found = {str(p) for p in NONLOCAL_AXIOMS if any(ontology.triples((None, p, None)))}
    found |= {str(c) for c in NONLOCAL_AXIOMS
              if any(ontology.triples((None, RDF.type, c)))}
    return sorted(found)


def is_private(iri: str, mono_id: str) -> bool:
    """Whether an IRI is minted under a monograph's id (kind/<id>, kind/<id>/..., <id>#...)."""
    if not iri.startswith(DEFAULT_BASE):
        return False
    segments = iri[len(DEFAULT_BASE):].split("/", 2)
    return len(segments) >= 2 and segments[1].split("#", 1)[0] == mono_id


def _monograph_files(paths: ProjectPaths, folder: Path) -> list[Path] | None:
    """Every file one monograph's result depends on, or None if that cannot be told."""
    header = folder / "monograph.yaml"
    if not header.is_file():
        return None
    match = re.search(r"^source:\s*['\"]?([^'\"\s#]+)", header.read_text(encoding="utf-8"),
                      re.M)
    if not match:
        return None
    files = [header, *sorted((folder / "claims").glob("*.yaml"))]
    files += sorted(paths.sources.glob(f"{match.group(1)}.*"))
    files.append(paths.mappings / f"{folder.name}.sssom.tsv")
    return files


def build_part(folder: Path, validate: bool, use_cache: bool = True
               ) -> tuple[Part | None, list[tuple[object, ...]]]:
    """Load, assemble (and validate) one monograph; input errors come back as field tuples
    (exceptions with keyword fields do not survive pickling between processes)."""
    ctx = _CONTEXT
    assert ctx is not None, "set_context() first"
    paths = ctx.paths
    cache = Cache(paths.root, use_cache)
    files = _monograph_files(paths, folder)
    key = None
    if files is not None:
        # The root is part of the key: a cached monograph holds absolute paths of its files.
        key = digest_of([ctx.digest, str(validate), ctx.lang, str(paths.root.resolve()),
                         files_digest(files),
                         "\0".join(str(f.relative_to(paths.root)) for f in files)])
        cached = cache.get("part", key)
        if isinstance(cached, Part):
            return cached, []
    timings: dict[str, float] = {}
    started = time.perf_counter()
    try:
        mono = load_monograph(folder, ctx.vocabulary, paths.sources, paths.mappings)
        mapping_set = None
        if mono.mapping_file.is_file():
            mapping_set = load_mapping_set(mono.mapping_file, ctx.vocabulary, mono.id)
        check_links(mono, mapping_set, ctx.vocabulary)
    except InputError as exc:
        return None, [astuple(exc)]
    except InputErrors as exc:
        return None, [astuple(e) for e in exc.errors]
    timings["sources+claims"] = time.perf_counter() - started
    started = time.perf_counter()
    lines = to_lines([mono], {mono.id: mapping_set} if mapping_set else {})
    # Every subject is an IRI: the first token of a line, up to its first '>'.
    private = {s for s in {line[1:line.index(">")] for line in lines} if is_private(s, mono.id)}
    timings["graph"] = time.perf_counter() - started
    part = Part(mono, lines, private, timings=timings)
    if validate:
        part.findings = validate_part(graph_of(lines), private)
        timings["validate"] = time.perf_counter() - started - timings["graph"]
    if key is not None:
        cache.put("part", key, part)
    return part, []


def validate_part(graph: Graph, private: set[str]) -> list[Finding]:
    """SHACL findings of one monograph's graph with the term files: when it is not alone,
    only the findings about its own nodes (the shared pass judges the shared ones)."""
    from .validate import check_shapes

    ctx = _CONTEXT
    assert ctx is not None
    graph += ctx.extra
    findings, _ = check_shapes(graph, ctx.shapes, ctx.vocabulary.ontology, ctx.lang)
    if ctx.alone:
        return findings
    return [f for f in findings if f.focus_iri in private]


def graph_of(lines: Sequence[str]) -> Graph:
    """An rdflib graph (with the project's prefixes) of N-Triples lines."""
    graph = new_graph()
    graph.addN((s, p, o, graph) for s, p, o in triples_of(lines))
    return graph


def _object_iri(line: str) -> str | None:
    rest = line.split(" ", 2)[2]
    return rest[1:rest.index(">")] if rest.startswith("<") else None


def shared_validation_lines(parts: Sequence[Part], extra_lines: Sequence[str]) -> list[str]:
    """Every triple whose subject is shared, plus the types of the nodes those link to."""
    selected: set[str] = set(extra_lines)
    types: dict[str, list[str]] = {}
    type_token = f"<{RDF.type}>"
    for part in parts:
        mono_id = part.monograph.id
        for line in part.lines:
            subject, predicate, _ = line.split(" ", 2)
            if predicate == type_token:
                types.setdefault(subject, []).append(line)
            if not is_private(subject[1:-1], mono_id):
                selected.add(line)
    for line in extra_lines:
        subject, predicate, _ = line.split(" ", 2)
        if predicate == type_token:
            types.setdefault(subject, []).append(line)
    linked = {f"<{iri}>" for line in selected if (iri := _object_iri(line)) is not None}
    for node in linked:
        selected.update(types.get(node, ()))
    return sorted(selected)


def validate_shared(lines: Sequence[str], private: set[str]) -> list[Finding]:
    """SHACL findings about shared nodes, from every triple about them."""
    from .validate import check_shapes

    ctx = _CONTEXT
    assert ctx is not None
    findings, _ = check_shapes(graph_of(lines), ctx.shapes, ctx.vocabulary.ontology, ctx.lang)
    return [f for f in findings if f.focus_iri not in private]


def reasoning_lines(lines: Iterable[str]) -> list[str]:
    """The triples that can take part in an axiom of the ontology."""
    ctx = _CONTEXT
    assert ctx is not None
    keep = ctx.reasoning_predicates
    return [line for line in lines if line.split(" ", 2)[1] in keep]


def shared_reasoning_lines(parts: Sequence[Part], extra_lines: Sequence[str]
                           ) -> tuple[list[str], bool]:
    """Every reasoning triple that mentions a shared node (as subject or object), and whether
    a functional property has a shared subject (then two monographs' nodes could be merged,
    and the reasoner must see the whole graph at once)."""
    ctx = _CONTEXT
    assert ctx is not None
    selected = set(reasoning_lines(extra_lines))
    functional_shared = any(line.split(" ", 2)[1] in ctx.functional for line in selected)
    for part in parts:
        mono_id = part.monograph.id
        for line in reasoning_lines(part.lines):
            subject = line[1:line.index(">")]
            obj = _object_iri(line)
            shared_subject = not is_private(subject, mono_id)
            if shared_subject or (obj is not None and not is_private(obj, mono_id)):
                selected.add(line)
                if shared_subject and line.split(" ", 2)[1] in ctx.functional:
                    functional_shared = True
    return sorted(selected), functional_shared


def reasoning_key(lines: Sequence[str]) -> str:
    """A cache key of what the reasoner can see in these triples.

    A literal of a predicate with no range and no functional axiom can only contradict the
    ontology by being ill-formed, so a well-formed one is keyed by its datatype alone: editing
    a quote (new offsets, new text) keeps the key and HermiT need not run again."""
    ctx = _CONTEXT
    assert ctx is not None
    keyed = []
    for line in lines:
        subject, predicate, rest = line.split(" ", 2)
        if rest.startswith('"') and predicate not in ctx.ranged:
            match = _LITERAL.match(rest[:-2])
            if match:
                lexical, lang, datatype = match.groups()
                datatype = datatype or f"{_XSD}string"
                check = _VALID_LEXICAL.get(datatype)
                if lang or (check is not None and check.fullmatch(lexical)):
                    rest = f"literal:{lang or datatype}"
        keyed.append(f"{subject} {predicate} {rest}")
    return digest_of([ctx.digest, *sorted(set(keyed))])


def reason_lines(lines: Sequence[str], use_cache: bool = True
                 ) -> tuple[str, list[Finding]] | None:
    """Run HermiT on the ontology plus these triples; a contradiction comes back as
    (stage, findings), None when consistent. A consistent input is remembered by its key."""
    from .reason import check_consistency

    ctx = _CONTEXT
    assert ctx is not None
    cache = Cache(ctx.paths.root, use_cache)
    key = reasoning_key(lines)
    if cache.get("reason", key) is True:
        return None
    try:
        with _quick_jvm():
            check_consistency(ctx.vocabulary.ontology, graph_of(lines))
    except NonConformance as exc:
        return exc.stage, exc.findings
    cache.put("reason", key, True)
    return None


#: HermiT runs for a second or two: the JVM's quick compiler alone starts it about twice as
#: fast as the default two-tier JIT, which pays off only in long runs. Results are the same.
JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1"


@contextmanager
def _quick_jvm() -> Iterator[None]:
    """Start-up-friendly JVM options for HermiT, unless the user set JAVA_TOOL_OPTIONS."""
    if "JAVA_TOOL_OPTIONS" in os.environ:
        yield
        return
    os.environ["JAVA_TOOL_OPTIONS"] = JVM_OPTIONS
    try:
        yield
    finally:
        os.environ.pop("JAVA_TOOL_OPTIONS", None)


def validate_shared_cached(lines: Sequence[str], private: set[str],
                           use_cache: bool = True) -> list[Finding]:
    """``validate_shared``, remembered by the content of the lines."""
    ctx = _CONTEXT
    assert ctx is not None
    cache = Cache(ctx.paths.root, use_cache)
    key = digest_of([ctx.digest, ctx.lang, *lines, "\0private", *sorted(private)])
    cached = cache.get("shared", key)
    if isinstance(cached, list):
        return cached
    findings = validate_shared(lines, private)
    cache.put("shared", key, findings)
    return findings


def input_errors(errors: Sequence[tuple[object, ...]]) -> InputErrors:
    """Input errors rebuilt from their field tuples."""
    return InputErrors([InputError(*e) for e in errors])  # type: ignore[arg-type]
