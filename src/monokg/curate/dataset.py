"""The dataset's curated description from data/dataset.yaml: title, description, contact point
and the EU file-type concept of each media type."""

from __future__ import annotations

import re
from pathlib import Path

from monokg.curate.language import FALLBACK, bcp47_ok
from monokg.curate.yamlio import Node, load_yaml, text_field
from monokg.model.errors import InputError


def load_description(path: Path) -> dict[str, dict[str, str]]:
    """Title, description and keywords of the dataset by language tag, from data/dataset.yaml:
    any languages, English (the language every catalogue reads) always among them; the contact
    point (``name`` and ``email`` or ``url``) and the file-type code of each media type."""

    data = load_yaml(path) if path.is_file() else {}
    texts: dict[str, dict[str, str]] = {}
    for key in ("title", "description", "keywords"):
        value = data.get(key) if isinstance(data, dict) else None
        line = data.line_of(key) if isinstance(data, Node) else None
        if not isinstance(value, Node) or FALLBACK not in value:
            raise InputError(f"'{key}' needs a text per language, '{FALLBACK}' among them",
                             path, line, fix=f"write {key}: {{{FALLBACK}: ..., <tag>: ...}} "
                             "with a BCP 47 tag for each further language")
        for lang in value:
            if not bcp47_ok(lang):
                raise InputError(f"{key}: {lang!r} is not a BCP 47 language tag", path,
                                 value.line_of(lang), fix="use a tag such as en, nl, de, en-GB")
        texts[key] = {lang: text_field(value, lang, path, key) for lang in sorted(value)}
    texts["contact"] = _contact(data, path)
    texts["formats"] = _formats(data, path)
    return texts


def _mapping(data: object, key: str, path: Path, fix: str) -> Node:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, Node):
        line = data.line_of(key) if isinstance(data, Node) else None
        raise InputError(f"'{key}' is missing or not a mapping", path, line, fix=fix)
    return value


def _contact(data: object, path: Path) -> dict[str, str]:
    node = _mapping(data, "contact", path, "write contact: {name: ..., email: ...} "
                    "(or url: instead of email)")
    contact = {key: text_field(node, key, path, "contact", default="")
               for key in ("name", "email", "url")}
    if not contact["name"] or not (contact["email"] or contact["url"]):
        raise InputError("contact needs a 'name' and an 'email' or a 'url'", path,
                         data.line_of("contact") if isinstance(data, Node) else None,
                         fix="add name: and email: (or url:) under contact:")
    return {key: text for key, text in contact.items() if text}


_FILE_TYPE = re.compile(r"[A-Z0-9_]+")


def _formats(data: object, path: Path) -> dict[str, str]:
    node = _mapping(data, "formats", path, "write formats: {<media type>: <file-type code>}")
    formats = {}
    for media in node:
        code = text_field(node, media, path, "formats")
        if not _FILE_TYPE.fullmatch(code):
            raise InputError(f"formats: {code!r} is not a code of the EU file-type table",
                             path, node.line_of(media), fix="use a code such as RDF_TURTLE")
        formats[media] = code
    return dict(sorted(formats.items()))
