"""The dataset's curated texts (title, description) from data/dataset.yaml."""

from __future__ import annotations

from pathlib import Path

from monokg.curate.yamlio import Node, load_yaml, text_field
from monokg.model.errors import InputError


def load_description(path: Path) -> dict[str, dict[str, str]]:
    """Title and description (nl and en) of the dataset from data/dataset.yaml."""

    data = load_yaml(path) if path.is_file() else {}
    texts: dict[str, dict[str, str]] = {}
    for key in ("title", "description"):
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, Node) or not {"nl", "en"} <= set(value):
            raise InputError(f"'{key}' needs an 'nl' and an 'en' text", path,
                             fix=f"write {key}: {{nl: ..., en: ...}}")
        texts[key] = {lang: text_field(value, lang, path, key) for lang in ("nl", "en")}
    return texts
