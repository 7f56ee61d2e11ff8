"""How close `monokg draft` comes to a curator: draft a curated monograph as if it were new.

    python benchmarks/draft_eval.py [MONOGRAPH ...] [--root PROJECT]

For each monograph (default: every monograph of the project), a copy of the project is made
with the test projects' mappings added (``tests/projects/*/data/mappings``) and the
monograph's claims and ``uncovered.yaml`` removed; ``monokg draft``'s drafting then runs on it
twice:

* *held out*: without the monograph's own mappings (only the other monographs' mappings and
  the local concepts), so the mention figures are not circular;
* *own mappings*: with them, as for a second monograph whose terms were mapped before.

Per sentence that the curated monograph covers with claims, the draft's suggestion agrees
when it equals that of one of the claims covering the sentence (kind, modality, negation).
Every curated dose claim is compared with the dose drafted for the sentence it quotes: the
amount (value or range, unit, per body mass, period), and every field (dose kind, duration,
portions, division, timing, offset too). Mentions are compared with the curated SSSOM file's
mentions (positive ``skos:exactMatch`` rows), each compared by its words as the drafting
compares them (lemma, stem, case and accents folded): *found* when a drafted mention has those
words, *linked* when it also carries a term the curator chose for it. The table is printed as
Markdown; nothing is tuned here, the figures are what the drafting gives.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("monokg.toml", "ontology", "shapes", "data")


def _copy(root: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.is_file():
            shutil.copy2(source, target / part)
    for mappings in sorted((ROOT / "tests" / "projects").glob("*/data/mappings")):
        for file in mappings.glob("*.sssom.tsv"):
            shutil.copy2(file, target / "data" / "mappings" / file.name)
    return target


def _name(term: Any) -> str:
    return str(term).rsplit("/", 1)[-1]


def _dose_fields(quantity: Any) -> dict[str, Any]:
    """A curated quantity in the draft's ``dose:`` keys, numbers as Decimals."""
    fields: dict[str, Any] = {"unit": quantity.unit}
    for key, value in (("value", quantity.value), ("min", quantity.low),
                       ("max", quantity.high)):
        if value is not None:
            fields[key] = Decimal(value)
    for key in ("per_body_mass", "period", "duration", "portions", "min_offset"):
        if getattr(quantity, key) is not None:
            fields[key] = getattr(quantity, key)
    if quantity.divided:
        fields["divided"] = True
    if quantity.timings:
        fields["timing"] = ",".join(sorted(_name(t) for t in quantity.timings))
    fields["kind"] = _name(quantity.kind)
    return fields


def _drafted_fields(dose: Any) -> dict[str, Any]:
    fields = {k: Decimal(str(v)) if k in ("value", "min", "max") else v
              for k, v in dose.fields.items()}
    return fields


AMOUNT = ("value", "min", "max", "unit", "per_body_mass", "period")


def _ratio(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100 * hits / total:.0f} %)" if total else "n/a"


def evaluate(root: Path, monograph: str) -> dict[str, tuple[str, str]]:
    """Every figure of the table for one monograph: name -> (held out, own mappings)."""
    from monokg.curate.claims import load_monograph
    from monokg.curate.draft import load_drafting, to_drafts
    from monokg.curate.mappings import load_mapping_set
    from monokg.curate.vocabulary import load_vocabulary
    from monokg.model.paths import ProjectPaths

    paths = ProjectPaths(root)
    vocabulary = load_vocabulary(paths.ontology, paths.data / "units.tsv")
    curated = load_monograph(paths.monographs / monograph, vocabulary, paths.sources,
                             paths.mappings)
    drafting = load_drafting(curated.source.meta.language)
    gold: dict[str, set[str]] = {}
    for row in load_mapping_set(curated.mapping_file, vocabulary, monograph).rows:
        if row.subject_curie.startswith("mention:") and not row.negated \
                and row.predicate_curie == "skos:exactMatch":
            words = re.findall(r"\w+", re.sub(r"\([^)]*\)", " ", row.subject_label))
            gold.setdefault(" ".join(drafting.norm(w) for w in words), set()).add(
                row.object_curie)
    results: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        copy = _copy(root, Path(tmp) / "project")
        folder = copy / "data" / "monographs" / monograph
        shutil.rmtree(folder / "claims", ignore_errors=True)
        (folder / "uncovered.yaml").unlink(missing_ok=True)
        for exclude in ((monograph,), ()):
            plan = to_drafts(ProjectPaths(copy), monograph, exclude)
            kind_names = {iri: name for name, iri in vocabulary.claim_kinds.items()}
            for name, figure in _figures(plan, curated, gold, kind_names).items():
                results.setdefault(name, []).append(figure)
    return {name: (pair[0], pair[1]) for name, pair in results.items()}


def _figures(plan: Any, curated: Any, gold: dict[str, set[str]],
             kind_names: dict[Any, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    judged = kinds = modalities = negations = 0
    for draft in plan.drafts:
        claims = [c for c in curated.claims
                  if c.span.start < draft.end and c.span.end > draft.start]
        if not claims:
            continue
        judged += 1
        kinds += draft.kind in {kind_names[c.kind] for c in claims}
        modalities += draft.modality in {_name(c.modality) for c in claims}
        negations += draft.negated in {c.negated for c in claims}
    out["drafts (one per sentence; per amount where it states several)"] = str(len(plan.drafts))
    out["drafts whose words curated claims quote"] = str(judged)
    out["kind agrees"] = _ratio(kinds, judged)
    out["modality agrees"] = _ratio(modalities, judged)
    out["negation agrees"] = _ratio(negations, judged)
    doses = [c for c in curated.claims if c.quantity is not None and c.quantity.is_dose]
    amount = full = found = 0
    for claim in doses:
        draft = next((d for d in plan.drafts
                      if d.start <= claim.span.start < d.end), None)
        if draft is None or draft.dose is None:
            continue
        found += 1
        want, got = _dose_fields(claim.quantity), _drafted_fields(draft.dose)
        amount += all(want.get(k) == got.get(k) for k in AMOUNT)
        full += want == got
    out["dose claims with a drafted dose"] = _ratio(found, len(doses))
    out["dose amount exact"] = _ratio(amount, len(doses))
    out["dose exact, every field"] = _ratio(full, len(doses))
    proposed: dict[str, set[str]] = {}
    for draft in plan.drafts:
        for mention in draft.mentions:
            proposed.setdefault(mention.norm, set()).update(t.curie for t in mention.terms)
    linked = {norm for norm, curies in proposed.items() if curies}
    out["mentions: curated / drafted"] = f"{len(gold)} / {len(proposed)}"
    out["mention recall, found"] = _ratio(len(gold.keys() & proposed.keys()), len(gold))
    out["mention recall, linked to the curated term"] = _ratio(
        sum(1 for norm, curies in gold.items() if proposed.get(norm, set()) & curies),
        len(gold))
    out["mention precision, all drafted"] = _ratio(len(gold.keys() & proposed.keys()),
                                                   len(proposed))
    out["mention precision, linked ones"] = _ratio(
        sum(1 for norm in linked if proposed[norm] & gold.get(norm, set())), len(linked))
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("monographs", nargs="*", help="monograph ids (default: all)")
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder")
    args = parser.parse_args(argv)
    monographs = args.monographs or sorted(
        p.parent.name for p in (args.root / "data" / "monographs").glob("*/monograph.yaml"))
    for monograph in monographs:
        table = evaluate(args.root, monograph)
        print(f"\n`monokg draft` on {monograph}, its curated claims hidden\n")
        print("| measure | held out (other mappings + local concepts) | own mappings too |")
        print("|---|---|---|")
        for name, (held_out, own) in table.items():
            print(f"| {name} | {held_out} | {own} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
