"""Publication settings from monokg.toml, checked like curated data: base IRI, version, date."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
from packaging.version import InvalidVersion, Version
from rdflib import Graph, URIRef

from monokg.model.errors import InputError
from monokg.model.namespaces import DEFAULT_BASE


@dataclass(frozen=True)
class Publication:
    """What a publisher decides: where IRIs live and what the release is called."""

    dataset: str = "monokg"
    base: str = DEFAULT_BASE
    version: str = "0.0.0"
    issued: str = "1970-01-01"
    publisher: str = "monokg"
    license: str = "https://creativecommons.org/licenses/by/4.0/"
    #: the version of the release this one replaces ("" for a first release)
    previous: str = ""
    #: what changed in this release, in a sentence or two (``adms:versionNotes``)
    notes: str = ""

    def iri(self, path: str) -> URIRef:
        """A minted IRI below the base."""
        return URIRef(self.base + path)

    def rebase(self, graph: Graph) -> Graph:
        """The graph with every IRI under the default base moved under this base."""
        if self.base == DEFAULT_BASE:
            return graph
        moved = Graph()
        for prefix, ns in graph.namespaces():
            moved.bind(prefix, self.rebase_term(URIRef(ns)), replace=True)
        for triple in graph:
            moved.add(tuple(self.rebase_term(t) for t in triple))
        return moved

    def rebase_term(self, term):
        """One term moved under this base (literals and foreign IRIs unchanged)."""
        if isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE):
            return URIRef(self.base + str(term)[len(DEFAULT_BASE):])
        return term


def load_publication(path: Path) -> Publication:
    """Read and check the [publication] table of monokg.toml; defaults where absent."""
    if not path.is_file():
        return Publication()
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 (byte {exc.start})", path, line,
                         fix="save the file as UTF-8") from exc
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib has no line attribute; its message ends "(at line N, column M)".
        at = re.search(r"\(at line (\d+), column (\d+)\)$", str(exc))
        raise InputError(f"not valid TOML: {re.sub(r' [(]at line .*$', '', str(exc))}", path,
                         int(at[1]) if at else None, int(at[2]) if at else None,
                         fix='correct the syntax: key = "value", one setting a line') from exc
    lines = _key_lines(text)
    unknown = sorted(set(document) - {"publication"})
    if unknown:
        raise InputError(f"unknown table or setting {unknown[0]!r}", path,
                         lines.get(("", unknown[0])), fix="monokg.toml holds one table, "
                         "[publication]; put its settings below that line")
    table = document.get("publication", {})
    if not isinstance(table, dict):
        raise InputError("'publication' must be a table", path, lines.get(("", "publication")),
                         fix="write [publication] on a line of its own, the settings below it")
    known = [f.name for f in fields(Publication)]
    for key in table:
        if key not in known:
            raise InputError(f"unknown setting {key!r} in [publication]", path,
                             lines.get(("publication", key)), fix=f"use one of {', '.join(known)}")
    values = {key: _checked(key, value, path, lines.get(("publication", key)))
              for key, value in table.items()}
    publication = Publication(**values)
    if publication.previous and not version_increases(publication.previous,
                                                      publication.version):
        raise InputError(f"version {publication.version!r} does not come after the previous "
                         f"release {publication.previous!r}", path,
                         lines.get(("publication", "version")),
                         fix="give this release a higher version (e.g. 0.2.0 after 0.1.0), "
                         "or correct 'previous'")
    return publication


def version_key(version: str) -> Version:
    """A version as PEP 440 orders it (1.10 after 1.9; 1.0rc1 before 1.0)."""
    return Version(version)


def version_increases(previous: str, version: str) -> bool:
    """Whether ``version`` comes strictly after ``previous``."""
    return version_key(version) > version_key(previous)


#: Characters an IRI may not hold (RFC 3987: spaces, controls, and <>"{}|\^`).
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')
_SLUG = re.compile(r"[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*")
_VERSION = re.compile(r"[A-Za-z0-9]+(?:[.+_-][A-Za-z0-9]+)*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EXAMPLES = {"dataset": 'dataset = "monokg"', "base": 'base = "https://data.example.org/monokg/"',
             "version": 'version = "1.2.0"', "issued": 'issued = "2026-11-25"',
             "publisher": 'publisher = "Example Foundation"',
             "previous": 'previous = "0.1.0" (the version of the release this one replaces)',
             "notes": 'notes = "Corrected two dosage claims; mappings to MeSH 2026."',
             "license": 'license = "CC-BY-4.0" or an IRI such as '
                        '"https://creativecommons.org/licenses/by/4.0/"'}


def _checked(key: str, value: Any, path: Path, line: int | None) -> str:
    """One setting's value, checked and in the form the release uses."""
    def refuse(problem: str) -> InputError:
        return InputError(f"{key} {value!r} {problem}", path, line, fix=_EXAMPLES[key])

    if key == "issued" and type(value) is date:
        return value.isoformat()
    if not isinstance(value, str):
        raise refuse(f"is a {type(value).__name__}, not text: write it in double quotes")
    if key == "dataset":
        if not _SLUG.fullmatch(value) or len(value) > 100:
            raise refuse("must be a name of letters, digits and single . _ - between them "
                         "(it names the release files, so no folders or spaces)")
    elif key == "base":
        _check_base(value, refuse)
    elif key in ("version", "previous"):
        if not _VERSION.fullmatch(value):
            raise refuse("must be letters and digits joined by . + _ - (it ends an IRI)")
        try:
            version_key(value)
        except InvalidVersion:
            raise refuse("is not a version that can be ordered (PEP 440: 1.2.0, 2.0rc1, "
                         "2026.11): releases are compared to refuse one that does not "
                         "increase") from None
    elif key == "issued":
        try:
            date.fromisoformat(value)
        except ValueError:
            raise refuse("is not a date in ISO 8601 (YYYY-MM-DD)") from None
        if not _DATE.fullmatch(value):
            raise refuse("is not a date in ISO 8601 (YYYY-MM-DD)")
    elif key == "publisher":
        if not value.strip() or any(c < " " for c in value):
            raise refuse("must be a name on one line")
    elif key == "notes":
        if any(c < " " and c != "\n" for c in value):
            raise refuse("must be text without control characters")
    elif key == "license":
        return _license_iri(value, refuse)
    return value


def _check_base(value: str, refuse: Callable[[str], InputError]) -> None:
    """Refuse a base under which minted IRIs would not be plain, addressable http(s) IRIs."""
    if _NOT_IN_IRI.search(value):
        raise refuse("holds a space, a control character or one of <>\"{}|\\^`")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise refuse("must be an absolute http(s) IRI")
    if parts.query or "?" in value:
        raise refuse("must have no query ('?'): minted IRIs are the base plus a path")
    if "#" in value:
        raise refuse("must have no '#': every minted IRI gets its own page and file, "
                     "which a fragment cannot address")
    if not value.endswith("/"):
        raise refuse("must end in '/', so that minted paths are added below it")


def _license_iri(value: str, refuse: Callable[[str], InputError]) -> str:
    """The licence as an IRI: an http(s) IRI as written, an SPDX id as its spdx.org page."""
    if value.startswith(("http://", "https://")):
        if _NOT_IN_IRI.search(value) or not urlsplit(value).netloc:
            raise refuse("is not a valid IRI")
        return value
    try:
        spdx = str(canonicalize_license_expression(value))
    except InvalidLicenseExpression:
        spdx = ""
    # One licence, not an expression ("A OR B") or a LicenseRef without a public page.
    if not _SLUG.fullmatch(spdx.replace("+", "")) or spdx.startswith("LicenseRef-"):
        raise refuse("is neither an IRI nor an SPDX licence id")
    return f"https://spdx.org/licenses/{spdx}"


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """(table, key) -> the line it is set on, for messages (tomllib gives no positions)."""
    found: dict[tuple[str, str], int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[\s*([^\]\s]+)\s*\]", line)
        if header:
            table = header[1].strip('"')
            found.setdefault(("", table), number)
            continue
        key = re.match(r'\s*("[^"]*"|[A-Za-z0-9_-]+)\s*=', line)
        if key:
            found.setdefault((table, key[1].strip('"')), number)
    return found
