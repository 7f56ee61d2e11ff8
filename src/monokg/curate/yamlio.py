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
    #: key -> the text as written, for a scalar value YAML read as other than text (``010``)
    written: dict[str, str]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


#: What YAML made of a value, in a curator's words.
_KINDS = {"int": "a number", "float": "a number", "bool": "true or false", "date": "a date",
          "datetime": "a date and time", "Node": "a mapping", "list": "a list",
          "NoneType": "empty", "str": "empty text", "bytes": "binary data"}


def _not_text(value: Any, what: str, written: str | None, file: Path | None,
              line: int) -> InputError:
    """The error for a value that should be text: what YAML read and how to quote it."""
    kind = _KINDS.get(type(value).__name__, type(value).__name__)
    if written is None:
        return InputError(f"{what} is {kind}, not text", file, line,
                          fix="write the text itself (in quotes if in doubt)")
    return InputError(f"{what} {written!r} is read as {kind}, not as text", file, line,
                      fix=f'write it in quotes: "{written}"')


def text_field(node: Node, key: str, file: Path, what: str,
               default: str | None = None) -> str:
    """A field that must be text; YAML reads ``010`` as 8 and ``no`` as false, so any value
    that is not text is refused with its line (``default`` where it is absent or empty)."""
    value = node.get(key)
    if value is None or value == "":
        if default is not None:
            return default
        raise InputError(f"{what} has no {key!r}", file, node.line_of(key),
                         fix=f"add '{key}:' with a value to it")
    if not isinstance(value, str):
        raise _not_text(value, f"{what}: {key}", node.written.get(key), file,
                        node.line_of(key))
    return value


def text_list(node: Node, key: str, file: Path, what: str) -> list[str]:
    """A field holding one text or a list of texts (absent: none), each checked as ``text``."""
    value = node.get(key, [])
    values = value if isinstance(value, list) else [value]
    for number, item in enumerate(values, start=1):
        if not isinstance(item, str) or not item:
            written = node.written.get(key) if values is not value else None
            raise _not_text(item, f"{what}: {key} (item {number})", written, file,
                            node.line_of(key))
    return values


def _refuse_anchors(loader: yaml.SafeLoader, parent: Any, index: Any) -> Any:
    """Compose a node, refusing an anchor or alias where it stands: an alias repeats a value
    without writing it, so a few lines can stand for billions of values (an alias bomb)."""
    event = loader.peek_event()
    anchor = getattr(event, "anchor", None)
    if anchor is not None:
        kind = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
        raise InputError(f"YAML {kind}{anchor} is not allowed in curated files", None,
                         event.start_mark.line + 1, event.start_mark.column + 1,
                         fix="write the value out in full where it is used")
    return yaml.SafeLoader.compose_node(loader, parent, index)


class _Loader(yaml.SafeLoader):
    """The pure-Python safe loader: its error messages and marks are the ones users see."""

    compose_node = _refuse_anchors


class _PlainLoader(yaml.SafeLoader):
    """The pure-Python safe loader with plain dicts, refusing anchors and aliases too."""

    compose_node = _refuse_anchors


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
    mapping.written = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            # YAML 1.1 reads no, on, 010 and 1_000 as other things than the text written.
            written = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            raise _not_text(key, "key", written, None, key_node.start_mark.line + 1)
        if key in mapping:
            raise InputError(f"key {key!r} appears twice in one mapping", None,
                             key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                             fix="keep one of them")
        value = mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
        if not isinstance(value, str) and isinstance(value_node, yaml.ScalarNode):
            mapping.written[key] = value_node.value
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
if _FastLoader is not None:
    _FastLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                _construct_mapping)


def safe_load(text: str, nodes: bool = False) -> Any:
    """Safe-load YAML text (mappings as ``Node`` when ``nodes``), with libyaml where it is
    installed; a YAML error is always raised by the pure-Python parser (same message and mark
    as without libyaml). libyaml accepts tabs where the pure parser refuses them, so text
    with a tab is left to the pure parser; so is text with a ``&`` or ``*``, which might be an
    anchor or alias (refused with its line) and otherwise costs only the slower parser."""
    if _FastLoader is not None and not any(c in text for c in "\t&*"):
        try:
            return yaml.load(text, Loader=_FastLoader if nodes else yaml.CSafeLoader)
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=_Loader if nodes else _PlainLoader)


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


def inside(folder: Path, name: str, file: Path, line: int) -> Path:
    """``folder / name``, refused (with the line that names it) unless it stays in ``folder``:
    a curated file may name files beside it, never elsewhere on the machine."""
    path = folder / name
    if Path(name).is_absolute() or not path.resolve().is_relative_to(folder.resolve()):
        raise InputError(f"{name!r} lies outside {folder.name}/", file, line,
                         fix=f"name a file in {folder.name}/ by its name alone")
    return path


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
