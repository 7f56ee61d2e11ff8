"""Stage 1: read a source text, check its checksum, segment it into sections and paragraphs.

The sources are PDF extractions: every printed line is followed by an empty line, a line that
holds only spaces marks a paragraph break, bullets start a new paragraph, and a word may be split
over two lines by a hyphen. Segmentation undoes that while remembering, for every character of
the clean text, where it stands in the raw file, so that a quote found in clean text maps back to
exact code-point offsets of the source of record.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from monokg.curate.language import bcp47_ok, catalogued_error
from monokg.curate.yamlio import Node, inside, load_yaml, text_field
from monokg.model.errors import InputError, InputErrors

BULLETS = ("•", "◦", "▪", "●")
_WORD = re.compile(r"\w+", re.UNICODE)
# A sentence ends at . ! or ? followed by a space and something that can start a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9‘“(•])")
# ...unless the period closes a dotted abbreviation such as "o.a." or "d.w.z." ("(o.a. AIDS)").
_ABBREVIATION = re.compile(r"(?:^|[\s(])(?:\w{1,3}\.){2,}$")
# Longer than any dotted abbreviation with the space or parenthesis before it.
_ABBREVIATION_WINDOW = 64


@dataclass(frozen=True)
class SourceMeta:
    """What is known about a source file: identity, language, rights and checksum."""

    id: str
    file: Path
    title: str
    language: str
    rights: str
    sha256: str
    byte_size: int
    characters: int
    media_type: str = "text/plain; charset=utf-8"
    origin: str = ""


@dataclass
class Paragraph:
    """A paragraph: clean text plus a map from each clean character to its raw offset."""

    section_id: str
    index: int
    text: str
    raw_offsets: list[int]
    start: int
    end: int
    list_item: bool = False
    #: abbreviations of the source's language, whose period never ends a sentence
    abbreviations: tuple[str, ...] = ()

    def raw_span(self, clean_start: int, clean_end: int) -> tuple[int, int]:
        """Raw code-point offsets [start, end) of the clean text slice [clean_start, clean_end)."""
        return self.raw_offsets[clean_start], self.raw_offsets[clean_end - 1] + 1

    def sentences(self) -> list[tuple[int, int]]:
        """Clean-text [start, end) of each sentence."""
        bounds, start = [], 0
        inside = self._abbreviated()
        for match in _SENTENCE_END.finditer(self.text):
            # Only the text just before the period can be a dotted abbreviation: searching
            # the whole paragraph before each period made long paragraphs quadratic.
            window = max(0, match.start() - _ABBREVIATION_WINDOW)
            if match.start() - 1 in inside or _ABBREVIATION.search(self.text, window,
                                                                    match.start()):
                continue
            bounds.append((start, match.start()))
            start = match.end()
        if start < len(self.text):
            bounds.append((start, len(self.text)))
        return bounds

    def _abbreviated(self) -> set[int]:
        """Offsets of the periods that belong to an abbreviation of the language."""
        found: set[int] = set()
        for abbreviation in self.abbreviations:
            # Matched in the text itself, ignoring case: a case-folded copy is no map of the
            # offsets ("ß" folds to "ss"), and would put the periods of "ca." in the wrong place.
            for match in re.finditer(re.escape(abbreviation), self.text, re.IGNORECASE):
                at = match.start()
                if at == 0 or not self.text[at - 1].isalnum():
                    found.update(i for i in range(at, match.end()) if self.text[i] == ".")
        return found


@dataclass
class WordBreaks:
    """A monograph's own word list for hyphens at line ends: joined words (the hyphen only
    splits them) and hyphenated words (the hyphen belongs), each with its YAML line."""

    file: Path = Path()
    join: dict[str, int] = field(default_factory=dict)
    keep: dict[str, int] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def unused(self) -> list[InputError]:
        """An error for every listed word no line end of the text splits."""
        return [catalogued_error(f"word_{key}_unused", self.file, line, word=word)
                for key, table in (("join", self.join), ("keep", self.keep))
                for word, line in table.items() if word not in self.used]


@dataclass
class Section:
    """A section: its heading as printed and the paragraphs under it (possibly none)."""

    id: str
    heading: str
    label_en: str
    heading_start: int
    heading_end: int
    end: int
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Source:
    """A source text, verified against its checksum and segmented."""

    meta: SourceMeta
    text: str
    sections: list[Section]

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


@dataclass(frozen=True)
class SectionSpec:
    """A section heading the curator declares, so nothing is guessed from the layout."""

    id: str
    heading: str
    label_en: str
    line: int


def load_source_meta(meta_path: Path) -> SourceMeta:
    """Read ``<name>.yaml`` beside a source file."""
    node = load_yaml(meta_path)
    if not isinstance(node, Node):
        raise InputError("expected a mapping of source metadata", meta_path, 1,
                         fix="see data/sources/README.md for the fields")
    required = ("id", "file", "title", "language", "rights", "sha256", "bytes", "characters")
    missing = [k for k in required if k not in node]
    if missing:
        raise InputError(f"missing field(s) {', '.join(missing)}", meta_path, node.line,
                         fix="add them; sha256, bytes and characters come from the file itself")
    for key in ("bytes", "characters"):
        if type(node[key]) is not int or node[key] < 0:
            raise InputError(f"{key} must be a whole number", meta_path, node.line_of(key),
                             fix="copy it from the file itself")
    get = lambda key, default=None: text_field(node, key, meta_path, "the source", default)
    if not bcp47_ok(get("language")):
        raise catalogued_error("source_language", meta_path, node.line_of("language"),
                               tag=get("language"))
    return SourceMeta(
        id=get("id"), file=inside(meta_path.parent, get("file"), meta_path, node.line_of("file")),
        title=get("title"), language=get("language"), rights=get("rights"),
        sha256=get("sha256"), byte_size=node["bytes"], characters=node["characters"],
        media_type=get("media_type", "text/plain; charset=utf-8"), origin=get("origin", ""),
    )


def read_verified_text(meta: SourceMeta, meta_path: Path) -> str:
    """The source text, refused unless it is the exact file the metadata describes."""
    try:
        raw = meta.file.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("source file is missing", meta.file,
                         fix=f"restore it byte for byte (sha256 {meta.sha256})") from exc
    digest = hashlib.sha256(raw).hexdigest()
    if digest != meta.sha256:
        raise InputError(
            f"checksum mismatch: the file's sha256 is {digest}, the metadata says {meta.sha256}",
            meta.file, fix="the source of record must never be edited: restore the original "
            f"file, or, for a new edition, add it as a new source with its own metadata "
            f"({meta_path.name})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 (byte {exc.start})", meta.file, line,
                         fix="convert the source to UTF-8 and record the new checksum") from exc
    if len(text) != meta.characters or len(raw) != meta.byte_size:
        raise InputError(
            f"size mismatch: {len(raw)} bytes / {len(text)} characters, metadata says "
            f"{meta.byte_size} / {meta.characters}", meta_path, fix="correct the metadata")
    return text


def _lines(text: str) -> list[tuple[int, str]]:
    """(start offset, line) for every line of the text."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _locate_headings(lines: list[tuple[int, str]], specs: list[SectionSpec],
                     monograph_file: Path) -> list[int]:
    """Index into ``lines`` of each declared heading, found in the declared order."""
    found, cursor = [], 0
    for spec in specs:
        for i in range(cursor, len(lines)):
            if lines[i][1].strip() == spec.heading:
                found.append(i)
                cursor = i + 1
                break
        else:
            raise InputError(
                f"section heading {spec.heading!r} not found as a line of its own after the "
                "previous heading", monograph_file, spec.line,
                fix="copy the heading exactly as printed, and list sections in text order")
    return found


def _hyphen_kept(left: str, right: str, vocabulary: set[str], words: WordBreaks) -> bool:
    """Whether a hyphen at a line end belongs to the word (keep) or only splits it (drop).

    The monograph's own word list decides first; else the text itself is the dictionary: the
    hyphen is dropped only when the joined word occurs elsewhere in the same source, so "DNA-"
    + "bouwstoffen" stays "DNA-bouwstoffen".
    """
    head = _WORD.findall(left)
    tail = _WORD.findall(right)
    if not head or not tail:
        return True
    joined, hyphenated = (head[-1] + tail[0]).lower(), f"{head[-1]}-{tail[0]}".lower()
    for word, table, kept in ((joined, words.join, False), (hyphenated, words.keep, True)):
        if word in table:
            words.used.add(word)
            return kept
    return joined not in vocabulary


def _paragraph(section_id: str, index: int, pieces: list[tuple[int, str]],
               vocabulary: set[str], words: WordBreaks, abbreviations: tuple[str, ...]
               ) -> Paragraph:
    """Join stripped line pieces (start offset, text) into one clean paragraph."""
    chars: list[str] = []
    offsets: list[int] = []
    list_item = False
    first_start, first_text = pieces[0]
    for bullet in BULLETS:
        if first_text.startswith(bullet):
            stripped = first_text[len(bullet):]
            lead = len(stripped) - len(stripped.lstrip())
            pieces[0] = (first_start + len(bullet) + lead, stripped.lstrip())
            list_item = True
            break
    for n, (start, text) in enumerate(pieces):
        if n:
            prev_start, prev_text = pieces[n - 1]
            split_word = prev_text[-2:-1].isalnum() and prev_text.endswith("-") \
                and text[:1].isalnum()
            if split_word and not _hyphen_kept(prev_text, text, vocabulary, words):
                chars.pop()
                offsets.pop()
            elif not split_word:
                chars.append(" ")
                offsets.append(prev_start + len(prev_text))
        chars.extend(text)
        offsets.extend(range(start, start + len(text)))
    return Paragraph(section_id, index, "".join(chars), offsets, offsets[0], offsets[-1] + 1,
                     list_item, abbreviations)


def _segment_section(spec: SectionSpec, body: list[tuple[int, str]], vocabulary: set[str],
                     words: WordBreaks, abbreviations: tuple[str, ...]) -> list[Paragraph]:
    """Paragraphs of one section body: break on space-only lines and on bullets."""
    paragraphs: list[Paragraph] = []
    pieces: list[tuple[int, str]] = []

    def flush() -> None:
        if pieces:
            paragraphs.append(_paragraph(spec.id, len(paragraphs) + 1, list(pieces), vocabulary,
                                         words, abbreviations))
            pieces.clear()

    for start, line in body:
        content = line.strip()
        if not content:
            if line:  # a line of spaces: the PDF's empty line between paragraphs
                flush()
            continue
        if content.startswith(BULLETS):
            flush()
        lead = len(line) - len(line.lstrip())
        pieces.append((start + lead, content))
    flush()
    return paragraphs


def segment(meta: SourceMeta, text: str, specs: list[SectionSpec], monograph_file: Path,
            words: WordBreaks | None = None, abbreviations: tuple[str, ...] = ()) -> Source:
    """Split a verified text into the declared sections and their paragraphs; every word
    the monograph lists for its line ends must split one (``words``)."""
    words = words or WordBreaks(monograph_file)
    lines = _lines(text)
    vocabulary = {w.lower() for w in _WORD.findall(text)}
    heads = _locate_headings(lines, specs, monograph_file)
    sections = []
    for n, (spec, head) in enumerate(zip(specs, heads, strict=True)):
        stop = heads[n + 1] if n + 1 < len(heads) else len(lines)
        body = lines[head + 1 : stop]
        h_start, h_line = lines[head]
        lead = len(h_line) - len(h_line.lstrip())
        end = lines[stop][0] if stop < len(lines) else len(text)
        section = Section(spec.id, spec.heading, spec.label_en, h_start + lead,
                          h_start + lead + len(spec.heading), end,
                          _segment_section(spec, body, vocabulary, words, abbreviations))
        if section.paragraphs:
            section.end = section.paragraphs[-1].end
        else:
            section.end = section.heading_end
        sections.append(section)
    unused = words.unused()
    if unused:
        raise InputErrors(unused)
    return Source(meta, text, sections)
