"""YAML reading: libyaml where installed, with the pure parser's lines and messages."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from monokg.curate import yamlio
from monokg.curate.yamlio import Node, load_yaml
from monokg.model.errors import InputError

TEXT = """id: x
sections:
  - id: a
    heading: "Kop"
    nested: {k: 1, l: [2, 3]}
  - id: b
claims:
  - quote: >-
      folded
      text
    dose: {value: 0.5, unit: g}
"""


def shape(value: object) -> object:
    """A value with every Node's line and key lines spelled out."""
    if isinstance(value, Node):
        return ("node", value.line, value.key_lines, {k: shape(v) for k, v in value.items()})
    if isinstance(value, list):
        return [shape(v) for v in value]
    return value


@pytest.mark.skipif(yamlio._FastLoader is None, reason="PyYAML without libyaml")
def test_libyaml_gives_the_values_and_lines_the_pure_parser_gives() -> None:
    assert yamlio._FastLoader is not None
    fast = yaml.load(TEXT, Loader=yamlio._FastLoader)
    pure = yaml.load(TEXT, Loader=yamlio._Loader)
    assert shape(fast) == shape(pure)
    assert shape(yamlio.safe_load(TEXT, nodes=True)) == shape(pure)
    assert pure["sections"][1].line == 6 and pure["claims"][0].line_of("dose") == 11


@pytest.mark.parametrize(("text", "message", "line"), [
    ("a: b: c\n", "mapping values are not allowed here", 1),  # libyaml: "...in this context"
    ("a: 1\nb: [1,\n", "expected the node content, but found '<stream end>'", 3),
    ("a:\tb\n", "found character '\\t' that cannot start any token", 1),  # libyaml accepts it
])
def test_malformed_yaml_is_reported_in_the_pure_parsers_words(
        tmp_path: Path, text: str, message: str, line: int) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_yaml(file)
    assert message in caught.value.message
    assert (caught.value.file, caught.value.line) == (file, line)


def test_a_duplicate_key_names_its_line_and_column(tmp_path: Path) -> None:
    file = tmp_path / "dup.yaml"
    file.write_text("claims:\n  - id: a\n    id: b\n", encoding="utf-8")
    with pytest.raises(InputError, match="appears twice") as caught:
        load_yaml(file)
    assert (caught.value.file, caught.value.line, caught.value.column) == (file, 3, 5)
