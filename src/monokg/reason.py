"""Stage 4: reason over the ontology plus the data with HermiT (the copy bundled with owlready2).

The ontology types what claims link to by the role they play (a relation's domain and range),
and declares which kinds of thing can never be the same. HermiT then finds what no single shape
sees: a compound used as a condition, a claim used as a paragraph. HermiT says only
"inconsistent", so the finding is explained by a direct check of the same axioms.

Speed: HermiT gets only what its axioms can use (types, and assertions of properties the
ontology declares), and is asked for one task, classification, which checks consistency and
finds unsatisfiable classes in one run. owlready2's ``sync_reasoner_hermit`` also realises
every individual and copies the whole graph through its quadstore, which took four times as long.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .errors import Finding, InputError, NonConformance
from .validate import compact

#: JVM options that trade peak speed for start-up time: HermiT runs once, for about a second.
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto")
HERMIT_TIMEOUT_S = 300
_NOTHING = str(OWL.Nothing)
_EQUIVALENT = re.compile(r"EquivalentClasses\(([^)]*)\)")


def _label(graph: Graph, node: URIRef) -> str:
    return compact(node, graph)


def _supers(ontology: Graph, cls: URIRef) -> set[URIRef]:
    return {c for c in ontology.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)}


def _asserted_and_implied_types(ontology: Graph, data: Graph) -> dict[URIRef, dict[URIRef, str]]:
    """node -> {class: why}, from rdf:type, domains and ranges, closed under subclasses."""
    domains = {p: set(ontology.objects(p, RDFS.domain)) for p in ontology.subjects(RDFS.domain)}
    ranges = {p: set(ontology.objects(p, RDFS.range)) for p in ontology.subjects(RDFS.range)}
    sub_props = {p: {q for q in ontology.transitive_objects(p, RDFS.subPropertyOf)}
                 for p in set(ontology.subjects(RDFS.subPropertyOf))}
    types: dict[URIRef, dict[URIRef, str]] = {}

    def note(node: object, cls: object, why: str) -> None:
        if isinstance(node, URIRef) and isinstance(cls, URIRef):
            for sup in _supers(ontology, cls):
                types.setdefault(node, {}).setdefault(sup, why)

    for s, p, o in data:
        if p == RDF.type:
            note(s, o, "stated")
            continue
        for prop in sub_props.get(p, {p}):
            for cls in domains.get(prop, ()):
                note(s, cls, f"subject of {_label(data, p)}")
            for cls in ranges.get(prop, ()):
                note(o, cls, f"object of {_label(data, p)}")
    return types


def _disjoint_pairs(ontology: Graph) -> list[tuple[URIRef, URIRef]]:
    return sorted({(a, b) for a, b in ontology.subject_objects(OWL.disjointWith)
                   if isinstance(a, URIRef) and isinstance(b, URIRef)})


def explain_inconsistency(ontology: Graph, data: Graph) -> list[Finding]:
    """Individuals that belong to two classes the ontology declares disjoint, and why."""
    disjoint = _disjoint_pairs(ontology)
    findings = []
    for node, classes in sorted(_asserted_and_implied_types(ontology, data).items()):
        for a, b in disjoint:
            if a in classes and b in classes:
                findings.append(Finding(
                    focus=_label(data, node), path=None, shape="owl:disjointWith",
                    message=f"is both a {_label(ontology, a)} ({classes[a]}) and a "
                    f"{_label(ontology, b)} ({classes[b]}), which the ontology says nothing "
                    "can be at once: check the link that makes it so"))
    return findings


def explain_unsatisfiable(ontology: Graph, cls: URIRef) -> str:
    """Why a class can have no members, where two of its superclasses are disjoint."""
    supers = _supers(ontology, cls)
    for a, b in _disjoint_pairs(ontology):
        if a in supers and b in supers:
            return (f"this class can have no members: it is a subclass of both "
                    f"{_label(ontology, a)} and {_label(ontology, b)}, which are disjoint")
    return "this class can have no members: its definition contradicts the ontology"


def to_reasoning_input(ontology: Graph, data: Graph) -> Graph:
    """The part of ontology + data HermiT's answer depends on.

    Labels, definitions, comments and values of undeclared properties carry no axioms; leaving
    them out keeps HermiT's parse short. Kept: every triple with an IRI object (types, axioms,
    links) and the values of properties the ontology declares as datatype properties (their
    domains type the subject).
    """
    declared = set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    combined = Graph()
    for part in (ontology, data):
        for s, p, o in part:
            if not isinstance(o, Literal) or p in declared:
                combined.add((s, p, o))
    return combined


def _hermit_command(owl_file: Path) -> list[str]:
    import owlready2
    from owlready2 import reasoning

    here = Path(owlready2.__file__).parent / "hermit"
    classpath = os.pathsep.join([str(here), str(here / "HermiT.jar")])
    return [owlready2.JAVA_EXE, f"-Xmx{reasoning.JAVA_MEMORY}M", *JVM_OPTIONS, "-cp", classpath,
            "org.semanticweb.HermiT.cli.CommandLine", "-c", "--ignoreUnsupportedDatatypes",
            owl_file.resolve().as_uri()]


def run_hermit(graph: Graph) -> tuple[bool, list[URIRef]]:
    """Classify with HermiT: (consistent?, unsatisfiable named classes)."""
    with tempfile.TemporaryDirectory(prefix="monokg-hermit-") as folder:
        owl_file = Path(folder) / "input.nt"
        owl_file.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
        try:
            done = subprocess.run(_hermit_command(owl_file), capture_output=True, text=True,
                                  timeout=HERMIT_TIMEOUT_S, check=False)
        except FileNotFoundError as exc:
            raise InputError("Java is not installed, and HermiT needs it", None,
                             fix="run `bash scripts/setup.sh` (it installs a Java runtime)") \
                from exc
        except subprocess.TimeoutExpired as exc:
            raise InputError(f"HermiT did not finish within {HERMIT_TIMEOUT_S} s", None,
                             fix="look for a recent ontology change that makes reasoning "
                             "explode (e.g. a new cardinality or property chain)") from exc
    if done.returncode != 0:
        if "InconsistentOntologyException" in done.stderr or \
                "Inconsistent ontology" in done.stderr:
            return False, []
        last = [line for line in done.stderr.splitlines() if line.strip()][:1]
        raise InputError(f"HermiT failed: {last[0] if last else done.returncode}", None,
                         fix="check that the ontology is OWL 2 DL (every term declared)")
    unsatisfiable = set()
    for match in _EQUIVALENT.finditer(done.stdout):
        iris = re.findall(r"<([^>]+)>", match.group(1))
        if _NOTHING in iris or "owl:Nothing" in match.group(1):
            unsatisfiable |= {URIRef(i) for i in iris if i != _NOTHING}
    return True, sorted(unsatisfiable)


def check_consistency(ontology: Graph, data: Graph) -> float:
    """Run HermiT on ontology + data; raise NonConformance naming what is involved.

    Returns the seconds HermiT took (for the build summary and the speed script).
    """
    started = time.perf_counter()
    consistent, unsatisfiable = run_hermit(to_reasoning_input(ontology, data))
    if not consistent:
        findings = explain_inconsistency(ontology, data) or [Finding(
            focus="the graph", path=None, message="HermiT found the ontology plus the data "
            "inconsistent, and no single pair of disjoint classes explains it; open the "
            "ontology with build/*.nt in Protégé and ask HermiT for an explanation")]
        raise NonConformance("reasoning (HermiT)", findings)
    if unsatisfiable:
        combined = ontology + data
        raise NonConformance("reasoning (HermiT)", [
            Finding(focus=_label(ontology, c), path=None,
                    message=explain_unsatisfiable(combined, c)) for c in unsatisfiable])
    return time.perf_counter() - started
