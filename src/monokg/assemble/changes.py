"""What changed between two releases: claims added, removed and changed (by field), mapping
records changed and term labels changed, computed from each release's N-Triples lines.

A release is read as a ``Snapshot``: every claim as a record of fields (quote, span, kind,
relation, modality, terms, dose, note, statement, other), every mapping record and every term's
labels, each value an N-Triples token, so that two releases compare exactly as published.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from monokg.model.namespaces import DEFAULT_BASE as _DEFAULT_BASE
from monokg.model.namespaces import MKG, OA, PROV, RDF, RDFS, SKOS, SSSOM

#: Claim fields, in the order a changelog lists them, and the claim predicates each is read
#: from (local names in the ontology); the span's and the dose's are read from their nodes.
_CLAIM_FIELDS: dict[str, tuple[str, ...]] = {
    "kind": ("type",),
    "relation": ("relation",),
    "modality": ("modality",),
    "terms": ("subject", "object", "population", "context", "location", "studySetting"),
    "note": ("curatorNote",),
    "statement": ("statement", "negated"),
}
#: Every field; "other" holds what no field names (evidence, scope, a new property).
FIELDS = ("quote", "span", "kind", "relation", "modality", "terms", "dose", "note",
          "statement", "other")
#: Predicates that follow from other fields (the labels repeat the quote and the statement;
#: the paragraph, section and monograph follow from the span) or lead to nodes read apart.
_DERIVED = ("textSpan", "dose", "quantity", "monograph", "section")
_LABELS = (f"<{RDFS.label}>", f"<{SKOS.prefLabel}>")


@dataclass(frozen=True)
class Snapshot:
    """One release as compared: claims (key ``<monograph>/<id>`` -> field -> sorted tokens),
    mapping records (key -> predicate -> tokens) and term labels (term IRI -> tokens)."""

    version: str
    base: str
    claims: dict[str, dict[str, tuple[str, ...]]]
    mappings: dict[str, dict[str, tuple[str, ...]]]
    labels: dict[str, tuple[str, ...]]

    def claim_iri(self, key: str) -> str:
        return f"{self.base}claim/{key}"


def snapshot(lines: Iterable[str], version: str, base: str = _DEFAULT_BASE) -> Snapshot:
    """A release's claims, mappings and labels from its N-Triples lines (one triple a line)."""
    mkg = f"<{MKG}".replace(_DEFAULT_BASE, base)
    by_subject: dict[str, dict[str, list[str]]] = {}
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        s, p, rest = line.rstrip("\n").split(" ", 2)
        by_subject.setdefault(s, {}).setdefault(p, []).append(rest[:-2])
    claim_prefix = f"<{base}claim/"
    claims = {s[len(claim_prefix):-1]: _claim_fields(props, by_subject, mkg)
              for s, props in by_subject.items()
              if s.startswith(claim_prefix) and f"{mkg}textSpan>" in props}
    mapping_type = f"<{SSSOM}Mapping>"
    mapping_prefix = f"<{base}mapping/"
    mappings = {s[len(mapping_prefix):-1]: {p: tuple(sorted(v)) for p, v in props.items()}
                for s, props in by_subject.items()
                if s.startswith(mapping_prefix) and mapping_type in props.get(f"<{RDF.type}>", [])}
    terms = {o for props in by_subject.values() for o in props.get(f"<{SSSOM}object_id>", [])}
    terms |= {s for s in by_subject if s.startswith(f"<{base}concept/")}
    labels = {t[1:-1]: tuple(sorted(v for p in _LABELS for v in by_subject.get(t, {}).get(p, [])))
              for t in terms}
    return Snapshot(version, base, claims, mappings, labels)


def _claim_fields(props: dict[str, list[str]], by_subject: dict[str, dict[str, list[str]]],
                  mkg: str) -> dict[str, tuple[str, ...]]:
    record: dict[str, list[str]] = {name: [] for name in FIELDS}
    read = {f"<{RDFS.label}>", f"<{PROV.wasDerivedFrom}>", *(f"{mkg}{n}>" for n in _DERIVED)}
    for name, predicates in _CLAIM_FIELDS.items():
        for local in predicates:
            predicate = f"<{RDF.type}>" if local == "type" else f"{mkg}{local}>"
            read.add(predicate)
            record[name] += [f"{local} {v}" if name == "terms" else v
                             for v in props.get(predicate, [])]
    for span in props.get(f"{mkg}textSpan>", []):
        for selector in by_subject.get(span, {}).get(f"<{OA.hasSelector}>", []):
            selected = by_subject.get(selector, {})
            record["quote"] += selected.get(f"<{OA.exact}>", [])
            for end in ("start", "end"):
                record["span"] += [f"{end} {v}" for v in selected.get(f"<{OA[end]}>", [])]
    for local in ("dose", "quantity"):
        for node in props.get(f"{mkg}{local}>", []):
            for predicate, values in by_subject.get(node, {}).items():
                if predicate != f"<{RDF.type}>":
                    record["dose"] += [f"{_short(predicate, mkg)} {v}" for v in values]
    record["other"] += [f"{_short(p, mkg)} {v}" for p, vs in props.items() if p not in read
                        for v in vs]
    return {name: tuple(sorted(values)) for name, values in record.items()}


def _short(predicate: str, mkg: str) -> str:
    """A predicate token as the changelog names it: its local name in the ontology, else it."""
    return predicate[len(mkg):-1] if predicate.startswith(mkg) else predicate


@dataclass
class Changes:
    """The claim-level changelog from ``old`` to ``new``."""

    old: Snapshot
    new: Snapshot
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: claim key -> field -> (old values, new values), for the fields that differ
    changed: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = field(
        default_factory=dict)
    mappings_added: list[str] = field(default_factory=list)
    mappings_removed: list[str] = field(default_factory=list)
    mappings_changed: list[str] = field(default_factory=list)
    #: term IRI -> (old labels, new labels)
    labels_changed: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.mappings_added
                    or self.mappings_removed or self.mappings_changed or self.labels_changed)


def compare(old: Snapshot, new: Snapshot) -> Changes:
    """Every difference between two snapshots, each list sorted."""
    changes = Changes(old, new)
    changes.added = sorted(set(new.claims) - set(old.claims))
    changes.removed = sorted(set(old.claims) - set(new.claims))
    for key in sorted(set(old.claims) & set(new.claims)):
        before, after = old.claims[key], new.claims[key]
        differing = {name: (before[name], after[name]) for name in FIELDS
                     if before[name] != after[name]}
        if differing:
            changes.changed[key] = differing
    changes.mappings_added = sorted(set(new.mappings) - set(old.mappings))
    changes.mappings_removed = sorted(set(old.mappings) - set(new.mappings))
    changes.mappings_changed = sorted(k for k in set(old.mappings) & set(new.mappings)
                                      if old.mappings[k] != new.mappings[k])
    changes.labels_changed = {t: (old.labels[t], new.labels[t])
                              for t in sorted(set(old.labels) & set(new.labels))
                              if old.labels[t] != new.labels[t]}
    return changes


def reused_ids(changes: Changes) -> list[str]:
    """Claims whose id now names a different statement: both the quote (what the source says)
    and the relation or terms (what the claim says of it) changed. Correcting a quote, or
    re-classifying what a quote says, keeps the id; replacing both is a new claim, which needs
    a new id so that links to the old one keep their meaning."""
    return [key for key, fields_ in changes.changed.items()
            if "quote" in fields_ and ("relation" in fields_ or "terms" in fields_)]
