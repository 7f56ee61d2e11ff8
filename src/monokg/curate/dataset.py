"""The dataset's curated texts (title, description) from data/dataset.yaml."""

from __future__ import annotations

from pathlib import Path

from monokg.curate.language import FALLBACK, bcp47_ok
from monokg.curate.yamlio import Node, load_yaml, text_field
from monokg.model.errors import InputError


def load_description(path: Path) -> dict[str, dict[str, str]]:
    """Title and description of the dataset by language tag, from data/dataset.yaml: any
    languages, English (the language every catalogue reads) always among them."""

    data = load_yaml(path) if path.is_file() else {}
    texts: dict[str, dict[str, str]] = {}
    for key in ("title", "description"):
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
    return texts
