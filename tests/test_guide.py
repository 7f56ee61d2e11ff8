"""The curator's guide in README.md: its lists of claim kinds, relations, modalities, dose kinds
and timings are the ontology's, as `monokg terms` prints them."""

from __future__ import annotations

import re

from click.testing import CliRunner

from monokg.cli import main
from monokg.curate.vocabulary import load_vocabulary

from .conftest import ROOT

BLOCK = re.compile(r"<!-- monokg terms: begin -->\n(.*?)<!-- monokg terms: end -->", re.DOTALL)


def test_the_readme_lists_exactly_what_monokg_terms_prints() -> None:
    found = BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(found) == 1, "README.md needs one <!-- monokg terms: begin/end --> block"
    printed = CliRunner().invoke(main, ["terms", "--root", str(ROOT)])
    assert printed.exit_code == 0, printed.output
    assert found[0] == printed.stdout, "copy the output of `monokg terms` into README.md"


def test_the_lists_are_the_ontologys() -> None:
    vocabulary = load_vocabulary(ROOT / "ontology" / "monokg.ttl", ROOT / "data" / "units.tsv")
    printed = CliRunner().invoke(main, ["terms", "--root", str(ROOT)]).stdout
    named = set(re.findall(r"^\| `([^`]+)` \| (.+) \|$", printed, re.MULTILINE))
    assert {name for name, _ in named} == (
        set(vocabulary.claim_kinds) | set(vocabulary.relations) | set(vocabulary.modalities)
        | set(vocabulary.dose_kinds) | set(vocabulary.timings))
    assert all(definition.strip() for _, definition in named), "every term is defined"
