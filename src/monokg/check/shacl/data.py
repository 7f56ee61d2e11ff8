"""The data graph as the engine reads it: an index of the triples the shapes look at."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import Protocol

from monokg.check.shacl.terms import SUBCLASS, TYPE, Literals

_NONE: frozenset[str] = frozenset()


class Data:
    """subject -> predicate -> objects for the predicates the shapes read (every predicate
    when ``everything``, as closed shapes need), and the reverse for ``inverse``: one column
    per predicate.

    Each distinct term is one string object (interned as the lines are read), so the
    columns share their keys and values, and a lookup finds its key by identity instead of
    comparing two copies of an IRI character by character."""

    def __init__(self, lines: Iterable[str], predicates: AbstractSet[str],
                 inverse: AbstractSet[str], literals: Literals, everything: bool = False):
        #: predicate -> subject -> objects
        self.out: dict[str, dict[str, set[str]]] = {p: {} for p in predicates}
        #: predicate -> object -> subjects, for inverse paths and the class hierarchy
        self.inv: dict[str, dict[str, set[str]]] = {p: {} for p in {*inverse, TYPE, SUBCLASS}}
        #: predicate -> its lines (literals as rdflib stores them), for the SPARQL store
        self.lines: dict[str, list[str]] = {}
        terms: dict[str, str] = {}
        term = terms.setdefault
        canonical = literals.canonical
        out, inv, by_predicate = self.out, self.inv, self.lines
        for line in lines:
            if not line or line[0] in "#\n\r\t ":
                line = line.strip()
                if not line or line[0] == "#":
                    continue
            subject, predicate, rest = line.split(" ", 2)
            if rest[-2:] == " .":
                obj = rest[:-2]
            else:
                obj = rest.rstrip()[:-1].rstrip()
                line = f"{subject} {predicate} {obj} ."
            if obj[0] == '"' and '"^^<' in obj:
                canon = canonical(obj)
                if canon is not obj:
                    obj = canon
                    line = f"{subject} {predicate} {obj} ."
            kept = by_predicate.get(predicate)
            if kept is None:
                by_predicate[predicate] = [line]
            else:
                kept.append(line)
            by_subject = out.get(predicate)
            if by_subject is None:
                if not everything:
                    continue
                by_subject = out[predicate] = {}
            subject = term(subject, subject)
            obj = term(obj, obj)
            objects = by_subject.get(subject)
            if objects is None:
                by_subject[subject] = {obj}
            else:
                objects.add(obj)
            by_object = inv.get(predicate)
            if by_object is not None:
                subjects = by_object.get(obj)
                if subjects is None:
                    by_object[obj] = {subject}
                else:
                    subjects.add(subject)
        self._instances: dict[str, set[str]] = {}

    def objects(self, node: str, predicate: str) -> AbstractSet[str]:
        return self.out[predicate].get(node, _NONE)

    def subjects(self, predicate: str, node: str) -> AbstractSet[str]:
        return self.inv[predicate].get(node, _NONE)

    def subjects_of(self, predicate: str) -> set[str]:
        return set(self.out[predicate])

    def objects_of(self, predicate: str) -> set[str]:
        return set().union(*self.out[predicate].values())

    def properties(self, node: str) -> list[tuple[str, str]]:
        """Every (predicate, object) of a node (only complete when built with everything)."""
        return [(p, o) for p, by_subject in self.out.items() for o in by_subject.get(node, ())]

    def instances(self, cls: str) -> AbstractSet[str]:
        """Nodes typed with the class or any of its sub-classes (rdfs:subClassOf*): the
        nodes of which the class holds, worked out once per class."""
        found = self._instances.get(cls)
        if found is None:
            classes, todo = {cls}, [cls]
            while todo:
                for sub in self.subjects(SUBCLASS, todo.pop()):
                    if sub not in classes:
                        classes.add(sub)
                        todo.append(sub)
            found = self._instances[cls] = {s for c in classes for s in self.subjects(TYPE, c)}
        return found


class Judge(Protocol):
    """What a constraint check sees of the engine: the data, the literals, and which of some
    nodes conform to a shape."""

    data: Data
    lit: Literals

    def conforming(self, key: str, nodes: AbstractSet[str]) -> AbstractSet[str]: ...
