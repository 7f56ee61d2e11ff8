"""YAML reading that keeps line numbers, so every curator error can name its line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from monokg.model.errors import InputError


class Node(dict):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    """The pure-Python safe loader: its error messages and marks are the ones users see."""


#: libyaml's parser, about ten times faster; used for files that parse, while any malformed
#: file is parsed again by ``_Loader`` so that the message stays the same on every machine.
_FastLoader: type[yaml.CSafeLoader] | None = None
if getattr(yaml, "__with_libyaml__", False):
    class _CLoader(yaml.CSafeLoader):
        """Same constructors as ``_Loader``, on libyaml's parser."""

    _FastLoader = _CLoader


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    mapping = Node()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise InputError(f"key {key!r} appears twice in one mapping", None,
                             key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                             fix="keep one of them")
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
if _FastLoader is not None:
    _FastLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                _construct_mapping)


def safe_load(text: str, nodes: bool = False) -> Any:
    """Safe-load YAML text (mappings as ``Node`` when ``nodes``), with libyaml where it is
    installed; a YAML error is always raised by the pure-Python parser (same message and mark
    as without libyaml). libyaml accepts tabs where the pure parser refuses them, so text
    with a tab is left to the pure parser."""
    if _FastLoader is not None and "\t" not in text:
        try:
            return yaml.load(text, Loader=_FastLoader if nodes else yaml.CSafeLoader)
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=_Loader if nodes else yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    """Parse a UTF-8 YAML file; malformed or non-UTF-8 input names the file and line."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise InputError("file not found", path, fix="create it or correct the path") from exc
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 (byte {exc.start})", path, line,
                         fix="save the file as UTF-8") from exc
    try:
        data = safe_load(text, nodes=True)
        _refuse_surrogates(data, 1)
        return data
    except InputError as exc:
        exc.file = path
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError(f"malformed YAML: {exc.problem or exc.context}", path,
                         mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                         fix="correct the YAML syntax (indentation, quotes, colons)") from exc


def _refuse_surrogates(value: Any, line: int) -> None:
    """A ``"\\uD800"`` escape gives a lone surrogate, no Unicode character: no RDF literal
    can hold it, so it is refused at its line."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise InputError(f"{value!r} holds a lone surrogate (an escape such as \\uD800 "
                             "that is half of a character)", None, line,
                             fix="write the character itself (or \\U0001F600 for one beyond U+FFFF)")
    elif isinstance(value, Node):
        for key, item in value.items():
            _refuse_surrogates(item, value.line_of(str(key)))
    elif isinstance(value, list):
        for item in value:
            _refuse_surrogates(item, line)


_SURROGATE = re.compile("[\ud800-\udfff]")
