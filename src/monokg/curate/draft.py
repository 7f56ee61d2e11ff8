"""Draft claims for the sentences of a monograph no claim covers yet, for a curator to accept.

A draft holds what monokg can tell from the text alone: the sentence as its quote (found in the
source by construction), a claim kind from the section's heading and the sentence's words, a
modality from the hedge cues, ``negated`` from the negation cues, the terms earlier mappings
(SSSOM) and the local concepts give its words, the words nothing maps yet ("to map"), and a
structured dose in UCUM. Each suggestion keeps the words that decided it, so the curator can
judge it. Nothing is translated and no identifier is made up: a term is only ever one a curator
has already chosen. Drafts live in ``drafts/`` beside ``claims/``; the build refuses them until
each is moved into ``claims/`` (accepted) or deleted (dropped): ``open_drafts``.

All language knowledge is data: the cues and section kinds in ``languages/<tag>.yaml``, the
stemmer, stop words, number words and dose patterns in ``drafting/<tag>.yaml``.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from monokg.curate.claims import Monograph, load_monograph, normalise_quote
from monokg.curate.coverage import EXCLUSIONS_FILE, load_exclusions
from monokg.curate.language import Language, language_file, load_language
from monokg.curate.mappings import load_local_concepts, load_mapping_set
from monokg.curate.sources import Paragraph, Section
from monokg.curate.vocabulary import Vocabulary, load_vocabulary
from monokg.curate.yamlio import Node, load_yaml
from monokg.model.errors import InputError, InputErrors
from monokg.model.namespaces import MKG
from monokg.model.paths import ProjectPaths

DRAFTING_DIR = Path(__file__).parent / "drafting"
DRAFTS_FOLDER = "drafts"
#: The statement a draft leaves for the curator: empty, so a claim moved into ``claims/``
#: unwritten is refused by the claims loader ("has no 'statement'").
STATEMENT_PLACEHOLDER = ""
#: A mention is at most this many words when nothing known matches it.
_PHRASE_WORDS = 3
_MIN_STEM = 3
_TOKEN = re.compile(r"\w+", re.UNICODE)
_NUMBER = r"\d+(?:[.,]\d+)?"


@dataclass(frozen=True)
class Drafting:
    """A language's drafting data (``drafting/<tag>.yaml``); empty when there is none."""

    tag: str
    file: Path | None = None
    suffixes: tuple[str, ...] = ()
    lemmas: dict[str, str] = field(default_factory=dict)
    stopwords: frozenset[str] = frozenset()
    numbers: dict[str, Decimal] = field(default_factory=dict)
    decimal_comma: bool = False
    units: dict[str, str] = field(default_factory=dict)
    dose: dict[str, Any] = field(default_factory=dict)
    kinds: dict[str, list[str]] = field(default_factory=dict)

    def norm(self, word: str) -> str:
        """A word as mentions are compared: lemma, then stem, case and accents folded."""
        word = word.casefold()
        word = self.lemmas.get(word, word)
        for suffix in self.suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                word = word[: -len(suffix)]
                break
        return "".join(c for c in unicodedata.normalize("NFKD", word)
                       if not unicodedata.combining(c))


@cache
def load_drafting(tag: str, folder: Path = DRAFTING_DIR) -> Drafting:
    """The drafting data of a language tag (full tag first, then its prefixes)."""
    path = language_file(tag, folder)
    if path is None:
        return Drafting(tag)
    node = load_yaml(path)
    if not isinstance(node, Node):
        raise InputError("expected a mapping", path, 1, fix="copy drafting/en.yaml")
    lemmas = node.get("lemmas") or {}
    numbers = node.get("numbers") or {}
    return Drafting(
        tag=tag, file=path,
        suffixes=tuple(sorted(node.get("suffixes") or [], key=len, reverse=True)),
        lemmas={str(k).casefold(): str(v).casefold() for k, v in lemmas.items()},
        stopwords=frozenset(str(w).casefold() for w in node.get("stopwords") or []),
        numbers={str(k).casefold(): Decimal(str(v)) for k, v in numbers.items()},
        decimal_comma=bool(node.get("decimal_comma", False)),
        units={str(k): str(v) for k, v in (node.get("units") or {}).items()},
        dose=dict(node.get("dose") or {}),
        kinds={str(k): [str(p) for p in v] for k, v in (node.get("kinds") or {}).items()})


@cache
def _relations(folder: Path = DRAFTING_DIR) -> tuple[str, dict[str, str]]:
    """(the relation of a dose, claim kind -> the relation suggested for it)."""
    node = load_yaml(folder / "relations.yaml")
    return str(node["dose_relation"]), {str(k): str(v) for k, v in node["kinds"].items()}


@dataclass(frozen=True)
class Term:
    """A term a curator has already chosen for these words (never a new identifier)."""

    curie: str
    label: str
    #: where it was chosen: a mapping file's name or the local concepts file
    origin: str


@dataclass
class Mention:
    """Words of a sentence that name something, with the known terms for them (or none)."""

    text: str
    norm: str
    terms: list[Term] = field(default_factory=list)


@dataclass
class Dose:
    """A structured dose read from a sentence, in the claims file's ``dose:`` keys."""

    fields: dict[str, Any]
    #: the words each field was read from
    why: dict[str, str] = field(default_factory=dict)

    def amount(self) -> tuple[Any, ...]:
        """The amount alone (value or range, unit, per body mass, period)."""
        return tuple(self.fields.get(k) for k in ("value", "min", "max", "unit",
                                                   "per_body_mass", "period"))


@dataclass
class Draft:
    """One draft claim for one sentence, with the reasons for each suggestion."""

    id: str
    section: Section
    paragraph: int
    sentence: int
    quote: str
    occurrence: int | None
    #: raw code-point offsets of the sentence in the source
    start: int = 0
    end: int = 0
    kind: str | None = None
    kind_why: str = ""
    relation: str | None = None
    relation_why: str = ""
    modality: str | None = None
    modality_why: str = ""
    negated: bool | None = None
    negated_why: str = ""
    mentions: list[Mention] = field(default_factory=list)
    dose: Dose | None = None
    note: str = ""


@dataclass
class DraftPlan:
    """What ``monokg draft`` finds for one monograph: the new drafts and the counts."""

    monograph: Monograph
    folder: Path
    drafts: list[Draft]
    sentences: int
    covered: int
    excluded: int
    open_drafts: int
    #: sentences an open draft already holds (so a second run adds nothing for them)
    drafted: int
    note: str = ""

    @property
    def unmapped(self) -> int:
        """Distinct words of the new and open drafts that no mapping or concept names."""
        return len({m.norm for d in self.drafts for m in d.mentions if not m.terms})


@dataclass
class Lexicon:
    """Known surface forms -> terms, matched word by word after ``Drafting.norm``."""

    drafting: Drafting
    #: first normalised word -> (normalised words, surface form, terms), longest first
    entries: dict[str, list[tuple[tuple[str, ...], str, list[Term]]]] = field(
        default_factory=dict)

    def add(self, surface: str, term: Term) -> None:
        # "ammoniak (NH3)": the words in parentheses are the curator's gloss, not the text's.
        words = tuple(self.drafting.norm(w) for w in
                      _TOKEN.findall(re.sub(r"\([^)]*\)", " ", surface)))
        if not words:
            return
        bucket = self.entries.setdefault(words[0], [])
        for known_words, _, terms in bucket:
            if known_words == words:
                # One line per term: the first mapping file that chose it is named.
                if all(t.curie != term.curie for t in terms):
                    terms.append(term)
                return
        bucket.append((words, surface, [term]))
        bucket.sort(key=lambda entry: -len(entry[0]))


def to_lexicon(paths: ProjectPaths, vocabulary: Vocabulary, drafting: Drafting,
               exclude: tuple[str, ...] = ()) -> Lexicon:
    """Every mention a mapping file maps (positive ``skos:exactMatch``) and every local
    concept's label in the text's language; ``exclude`` names mapping files left out."""
    lexicon = Lexicon(drafting)
    for path in sorted(paths.mappings.glob("*.sssom.tsv")):
        mono_id = path.name.removesuffix(".sssom.tsv")
        if mono_id in exclude:
            continue
        for row in load_mapping_set(path, vocabulary, mono_id).rows:
            if row.subject_curie.startswith("mention:") and not row.negated \
                    and row.predicate_curie == "skos:exactMatch":
                lexicon.add(row.subject_label, Term(row.object_curie, row.object_label,
                                                    path.name))
    concepts = paths.mappings / "local-concepts.ttl"
    if concepts.is_file():
        language = drafting.tag.split("-")[0].lower()
        graph = load_local_concepts(concepts)
        for concept, label in sorted(graph.subject_objects(SKOS.prefLabel)):
            if isinstance(label, Literal) and isinstance(concept, URIRef) \
                    and (label.language or "").split("-")[0].lower() == language:
                curie = f"concept:{str(concept).rsplit('/', 1)[-1]}"
                lexicon.add(str(label), Term(curie, str(label), concepts.name))
    return lexicon


def find_mentions(text: str, lexicon: Lexicon) -> list[Mention]:
    """Known mentions (longest first, left to right) and runs of other content words."""
    drafting = lexicon.drafting
    tokens = [(m.group(), drafting.norm(m.group()), m.start(), m.end())
              for m in _TOKEN.finditer(text)]
    found: list[Mention] = []
    run: list[tuple[str, str, int, int]] = []

    def flush() -> None:
        # A run of unknown content words, cut into phrases of at most _PHRASE_WORDS words.
        for at in range(0, len(run), _PHRASE_WORDS):
            piece = run[at:at + _PHRASE_WORDS]
            surface = text[piece[0][2]:piece[-1][3]]
            found.append(Mention(surface, " ".join(t[1] for t in piece)))
        run.clear()

    i = 0
    while i < len(tokens):
        word, norm, start, _ = tokens[i]
        match = next(((words, terms) for words, _, terms in lexicon.entries.get(norm, [])
                      if tuple(t[1] for t in tokens[i:i + len(words)]) == words), None)
        if match is not None:
            flush()
            words, terms = match
            end = tokens[i + len(words) - 1][3]
            found.append(Mention(text[start:end], " ".join(words), list(terms)))
            i += len(words)
            continue
        content = drafting.file is not None and len(word) >= 4 and not word.isdigit() \
            and word.casefold() not in drafting.stopwords \
            and word.casefold() not in drafting.numbers
        # Punctuation between two words ends a phrase ("een zout, bijv.").
        if run and text[run[-1][3]:start].strip():
            flush()
        if content:
            run.append(tokens[i])
        else:
            flush()
        i += 1
    flush()
    unique: dict[str, Mention] = {}
    for mention in found:
        unique.setdefault(mention.norm, mention)
    return list(unique.values())


def _pattern(template: str, drafting: Drafting) -> re.Pattern[str]:
    """A dose pattern of the data with its placeholders as named groups."""
    words = "|".join(re.escape(w) for w in sorted(drafting.numbers, key=len, reverse=True))
    number = f"(?:{_NUMBER}|{words})" if words else _NUMBER
    units = "|".join(re.escape(u) for u in sorted(drafting.units, key=len, reverse=True))
    filled = (template.replace("{n1}", f"(?P<n1>{number})")
              .replace("{n2}", f"(?P<n2>{number})").replace("{n}", f"(?P<n>{number})")
              .replace("{unit}", f"(?P<unit>{units})(?!\\w)"))
    return re.compile(rf"(?<!\w){filled}", re.IGNORECASE)


def _number(text: str, drafting: Drafting) -> Decimal | None:
    word = drafting.numbers.get(text.casefold())
    if word is not None:
        return word
    if drafting.decimal_comma:
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _first(patterns: list[str], text: str) -> re.Match[str] | None:
    for template in patterns:
        found = re.search(rf"(?<!\w)(?:{template})(?!\w)", text, re.IGNORECASE)
        if found:
            return found
    return None


def _plain(number: Decimal) -> int | float:
    """A YAML number as the curator writes it: 5, not 5.0; 0.65, not Decimal('0.65')."""
    return int(number) if number == number.to_integral_value() else float(number)


def _amounts(text: str, drafting: Drafting, vocabulary: Vocabulary
             ) -> list[tuple[int, int, dict[str, Any], str]]:
    """Every amount of a mass unit the text states, left to right, without overlaps:
    (start, end, its ``dose:`` fields, the words)."""
    found: list[tuple[int, int, dict[str, Any], str]] = []
    for shape, keys in (("range", ("min", "max")), ("up_to", ("max",)),
                        ("at_least", ("min",)), ("value", ("value",))):
        for template in drafting.dose.get(shape, []):
            for match in _pattern(template, drafting).finditer(text):
                if any(match.start() < end and match.end() > start
                       for start, end, _, _ in found):
                    continue
                unit = drafting.units.get(match.group("unit")) or drafting.units.get(
                    match.group("unit").casefold())
                info = vocabulary.units.get(unit or "")
                groups = ("n1", "n2") if shape == "range" else ("n",)
                numbers = [_number(match.group(g), drafting) for g in groups]
                if info is None or info.dimension != "mass" \
                        or any(n is None or n <= 0 for n in numbers):
                    continue
                fields: dict[str, Any] = {key: _plain(number) for key, number
                                          in zip(keys, numbers, strict=True)
                                          if number is not None}
                fields["unit"] = unit
                mass = _first(drafting.dose.get("per_body_mass", []),
                              text[match.end():match.end() + 24])
                if mass is not None and mass.start() <= 1:
                    fields["per_body_mass"] = "kg"
                found.append((match.start(), match.end(), fields, match.group()))
    return sorted(found, key=lambda amount: amount[0])


def dose_clauses(text: str, drafting: Drafting, vocabulary: Vocabulary
                 ) -> list[tuple[int, int]]:
    """Where a sentence that states several amounts is cut into one clause per amount: at
    the first clause break (language data) between two amounts, else just before the next."""
    amounts = _amounts(text, drafting, vocabulary)
    if len(amounts) < 2:
        return [(0, len(text))]
    cuts = []
    for (_, end, _, _), (start, _, _, _) in itertools.pairwise(amounts):
        between = _first_break(text[end:start], drafting)
        cuts.append(end + between if between is not None else start)
    bounds = [0, *cuts, len(text)]
    return list(itertools.pairwise(bounds))


def _first_break(text: str, drafting: Drafting) -> int | None:
    hits = [m.start() for pattern in drafting.dose.get("clause_breaks", [])
            if (m := re.search(pattern, text, re.IGNORECASE)) is not None]
    return min(hits) if hits else None


def read_dose(text: str, drafting: Drafting, vocabulary: Vocabulary, context: str = ""
              ) -> Dose | None:
    """The dose a clause states (the first amount of a mass unit), or None; ``context``
    (the whole sentence) gives the dose kind where the clause has no cue of its own."""
    table = drafting.dose
    if not table:
        return None
    dose = Dose({})
    amounts = _amounts(text, drafting, vocabulary)
    if amounts:
        _, _, fields, words = amounts[0]
        dose.fields.update(fields)
        dose.why["amount"] = words
    for key, reader in (("period", _period), ("duration", _duration),
                        ("divided", _divided), ("portions", _portions), ("timing", _timing),
                        ("min_offset", _offset)):
        value = reader(text, drafting)
        if value is not None:
            dose.fields[key], dose.why[key] = value
    if not dose.fields:
        return None
    kind = next(((k, m.group()) for where in (text, context)
                 for k, cues in table.get("kinds", {}).items()
                 if (m := _first(cues, where)) is not None), None)
    if kind is not None:
        dose.fields["kind"], dose.why["kind"] = kind
    else:
        dose.fields["kind"] = table.get("default_kind", "AdvisedDose")
        dose.why["kind"] = "no dose-kind cue: the default"
    return dose


def _period(text: str, drafting: Drafting) -> tuple[str, str] | None:
    for period, cues in drafting.dose.get("period", {}).items():
        found = _first(cues, text)
        if found:
            return str(period), found.group()
    return None


def _duration(text: str, drafting: Drafting) -> tuple[str, str] | None:
    units = drafting.dose.get("duration_units", {})
    for template in drafting.dose.get("duration", []):
        found = _pattern(template.replace("(?P<unit>", "(?P<span>"), drafting).search(text)
        if found is None:
            continue
        number = _number(found.group("n"), drafting)
        letter = units.get(found.group("span").casefold())
        if number is None or letter is None:
            continue
        # xsd:duration has no weeks in the claims loader's eyes: P14D, not P2W.
        days = {"D": 1, "W": 7}.get(letter)
        value = f"P{_plain(number * days)}D" if days else f"P{_plain(number)}{letter}"
        return value, found.group()
    return None


def _divided(text: str, drafting: Drafting) -> tuple[bool, str] | None:
    found = _first(drafting.dose.get("divided", []), text)
    return (True, found.group()) if found else None


def _portions(text: str, drafting: Drafting) -> tuple[int, str] | None:
    for count, cues in drafting.dose.get("portions", {}).items():
        found = _first(cues, text)
        if found:
            return int(count), found.group()
    return None


def _timing(text: str, drafting: Drafting) -> tuple[str, str] | None:
    for timing, cues in drafting.dose.get("timing", {}).items():
        found = _first(cues, text)
        if found:
            return str(timing), found.group()
    return None


def _offset(text: str, drafting: Drafting) -> tuple[str, str] | None:
    for offset, cues in drafting.dose.get("min_offset", {}).items():
        found = _first(cues, text)
        if found:
            return str(offset), found.group()
    return None


def _strengths(vocabulary: Vocabulary) -> dict[str, int]:
    """Each modality's ``mkg:strength`` from the ontology, by local name."""
    return {str(s).rsplit("/", 1)[-1]: int(o)
            for s, o in vocabulary.ontology.subject_objects(MKG.strength)
            if isinstance(o, Literal)}


def suggest(text: str, section: Section, language: Language, drafting: Drafting,
            lexicon: Lexicon, vocabulary: Vocabulary, strengths: dict[str, int],
            context: str = "") -> dict[str, Any]:
    """The suggestions for one sentence (or one clause of ``context``, its sentence): kind,
    modality, negation, mentions and dose."""
    out: dict[str, Any] = {}
    kind = next(((k, m.group()) for k, cues in drafting.kinds.items()
                 if (m := _first(cues, text)) is not None), None)
    section_kind = language.sections.get(section.heading.casefold())
    if kind is not None:
        out["kind"], out["kind_why"] = kind[0], f"the word {kind[1]!r}"
    elif section_kind is not None:
        out["kind"], out["kind_why"] = section_kind, f"section {section.heading!r}"
    else:
        out["kind_why"] = f"section {section.heading!r} is not in the language's section table"
    hedges = sorted((c for c in language.hedges if c.found_in(text)),
                    key=lambda c: strengths.get(c.meaning, 0))
    plain = [c for c in hedges if c.meaning == "Asserted"]
    weaker = [c for c in hedges if c.meaning != "Asserted"]
    if weaker:
        # The weakest hedge governs: a stronger modality would contradict it (the modality
        # check warns the same way).
        out["modality"], out["modality_why"] = weaker[0].meaning, f"cue {weaker[0].text!r}"
    elif language.known:
        out["modality"] = "Asserted"
        out["modality_why"] = f"cue {plain[0].text!r}" if plain else "no hedge cue"
    negation = next((c for c in language.negations if c.found_in(text)), None)
    if language.known:
        out["negated"] = negation is not None
        out["negated_why"] = f"cue {negation.text!r}" if negation else "no negation cue"
    out["mentions"] = find_mentions(text, lexicon)
    out["dose"] = read_dose(text, drafting, vocabulary, context)
    return out


def _occurrence(section: Section, paragraph: Paragraph, at: int, quote: str) -> int | None:
    """Which match of the quote in its section the sentence is (None when it is the only)."""
    hits = []
    for para in section.paragraphs:
        start = para.text.find(quote)
        while start >= 0:
            hits.append((para.index, start))
            start = para.text.find(quote, start + len(quote))
    return hits.index((paragraph.index, at)) + 1 if len(hits) > 1 else None


def _drafted_quotes(folder: Path) -> tuple[list[tuple[str, str]], int]:
    """(section id, quote) of every claim in the drafts folder, and how many there are."""
    quotes, count = [], 0
    for file in sorted((folder / DRAFTS_FOLDER).glob("*.yaml")):
        node = load_yaml(file)
        if not isinstance(node, Node) or not isinstance(node.get("claims"), list):
            continue
        for item in node["claims"]:
            count += 1
            if isinstance(item, Node) and isinstance(item.get("quote"), str):
                quotes.append((str(node.get("section")), normalise_quote(item["quote"])))
    return quotes, count


def registered(paths: ProjectPaths, monograph_id: str) -> Path:
    """The monograph's folder, refused unless it has its ``monograph.yaml``."""
    folder = paths.monographs / monograph_id
    if not (folder / "monograph.yaml").is_file():
        known = sorted(p.parent.name for p in paths.monographs.glob("*/monograph.yaml"))
        raise InputError(
            f"monograph {monograph_id!r} is not registered: there is no "
            f"{folder.relative_to(paths.root) / 'monograph.yaml'}", folder,
            fix="register it first (the curator's guide, steps 1 and 2: the source with its "
            "checksum, then monograph.yaml with its headings)"
            + (f"; registered: {', '.join(known)}" if known else ""))
    header = load_yaml(folder / "monograph.yaml")
    source = header.get("source") if isinstance(header, Node) else None
    if isinstance(source, str) and not (paths.sources / f"{source}.yaml").is_file():
        raise InputError(
            f"the source {source!r} of monograph {monograph_id!r} is not registered: there is "
            f"no {(paths.sources / f'{source}.yaml').relative_to(paths.root)}",
            folder / "monograph.yaml", header.line_of("source"),
            fix="register the source first (the curator's guide, step 1: the text and its "
            "metadata with sha256, bytes and characters)")
    return folder


def to_drafts(paths: ProjectPaths, monograph_id: str, exclude_mappings: tuple[str, ...] = ()
              ) -> DraftPlan:
    """Drafts for every body sentence no accepted claim, listed exclusion or open draft
    covers yet, with the counts ``--status`` shows."""
    folder = registered(paths, monograph_id)
    vocabulary = load_vocabulary(paths.ontology, paths.data / "units.tsv")
    mono = load_monograph(folder, vocabulary, paths.sources, paths.mappings)
    language = load_language(mono.source.meta.language)
    drafting = load_drafting(mono.source.meta.language)
    lexicon = to_lexicon(paths, vocabulary, drafting, exclude_mappings)
    strengths = _strengths(vocabulary)
    exclusions = load_exclusions(folder / EXCLUSIONS_FILE)
    drafted, open_count = _drafted_quotes(folder)
    note = ""
    if not language.known:
        note = (f"no language data for {mono.source.meta.language!r} (no "
                f"languages/{mono.source.meta.language}.yaml): the drafts have no kind, "
                "modality, negation, terms or dose suggestions; add the language's file to "
                "get them")
    elif drafting.file is None:
        note = (f"no drafting data for {mono.source.meta.language!r} (no "
                f"drafting/{mono.source.meta.language}.yaml): no terms to map or doses are "
                "suggested")
    drafts: list[Draft] = []
    total = covered = excluded = already = 0
    for section in mono.source.sections:
        for para in section.paragraphs:
            for n, (a, b) in enumerate(para.sentences(), start=1):
                total += 1
                start, end = para.raw_span(a, b)
                text = para.text[a:b]
                if any(c.span.start < end and c.span.end > start for c in mono.claims):
                    covered += 1
                    continue
                if any(e.section == section.id and normalise_quote(e.quote) in text
                       for e in exclusions):
                    excluded += 1
                    continue
                if any(s == section.id and q and q in text for s, q in drafted):
                    already += 1
                    continue
                # A sentence stating several amounts gets a draft per amount, each quoting
                # its clause.
                clauses = dose_clauses(text, drafting, vocabulary) if language.known \
                    else [(0, len(text))]
                for number, (c_start, c_end) in enumerate(clauses, start=1):
                    piece = text[c_start:c_end]
                    lead = len(piece) - len(piece.lstrip(" ,;"))
                    quote = piece.strip(" ,;")
                    at = a + c_start + lead
                    suffix = f"-d{number}" if len(clauses) > 1 else ""
                    draft = Draft(f"draft-{section.id}-p{para.index}-s{n}{suffix}", section,
                                  para.index, n, quote, _occurrence(section, para, at, quote),
                                  *para.raw_span(at, at + len(quote)), note=note)
                    if language.known:
                        found = suggest(quote, section, language, drafting, lexicon,
                                        vocabulary, strengths, text)
                        for key, value in found.items():
                            setattr(draft, key, value)
                        relation_of_dose, relations = _relations()
                        if draft.dose is not None and "unit" in draft.dose.fields:
                            draft.relation, draft.relation_why = relation_of_dose, "a dose"
                        elif draft.kind in relations:
                            draft.relation = relations[draft.kind]
                            draft.relation_why = f"usual for {draft.kind}"
                    drafts.append(draft)
    _inherit_amounts(drafts)
    return DraftPlan(mono, folder, drafts, total, covered, excluded, open_count, already,
                     note)


def _inherit_amounts(drafts: list[Draft]) -> None:
    """A dose sentence that gives only timing or division ("take it before the meal") is
    about the amount the sentence before it in the same section gives."""
    previous: Draft | None = None
    for draft in drafts:
        if draft.dose is not None and "unit" in draft.dose.fields:
            previous = draft
        elif draft.dose is not None and previous is not None \
                and previous.section.id == draft.section.id and previous.dose is not None \
                and any(k in draft.dose.fields for k in ("divided", "timing", "min_offset",
                                                          "portions")):
            for key in ("value", "min", "max", "unit", "per_body_mass", "period"):
                if key in previous.dose.fields and key not in draft.dose.fields:
                    draft.dose.fields[key] = previous.dose.fields[key]
            draft.dose.why["amount"] = f"from an earlier sentence: {previous.quote[:60]!r}"
            draft.relation, draft.relation_why = _relations()[0], "a dose"
        elif draft.dose is not None and "unit" not in draft.dose.fields:
            # Timing words without any amount in reach: not a dose.
            draft.dose = None


def open_drafts(folder: Path) -> list[InputError]:
    """One error per claim still in a monograph's ``drafts/`` folder (the build refuses to
    publish a draft until the curator accepts or drops it)."""
    errors = []
    for file in sorted((folder / DRAFTS_FOLDER).glob("*.yaml")):
        try:
            node = load_yaml(file)
        except InputError as exc:
            errors.append(exc)
            continue
        items = node.get("claims") if isinstance(node, Node) else None
        for item in items if isinstance(items, list) else []:
            name = item.get("id") if isinstance(item, Node) else None
            errors.append(InputError(
                f"draft claim {name!r} is not accepted yet", file,
                item.line if isinstance(item, Node) else None,
                fix="check and complete it (statement in English, relation, terms), then move "
                "it into the claims/ file of its section, or delete it (README: 'Drafting "
                "claims')"))
    return errors


@dataclass
class Status:
    """``monokg draft --status`` for one monograph."""

    monograph: str
    sentences: int
    covered: int
    excluded: int
    open_drafts: int
    undrafted: int
    unmapped: int


def draft_status(paths: ProjectPaths, monograph_ids: list[str] | None = None) -> list[Status]:
    """Per monograph: sentences covered by accepted claims, open drafts, unmapped mentions."""
    ids = monograph_ids or sorted(p.parent.name for p in paths.monographs.glob("*/monograph.yaml"))
    out = []
    errors: list[InputError] = []
    for mono_id in ids:
        try:
            plan = to_drafts(paths, mono_id)
        except InputError as exc:
            errors.append(exc)
            continue
        except InputErrors as exc:
            errors.extend(exc.errors)
            continue
        open_mentions = _open_mentions(plan, paths)
        out.append(Status(mono_id, plan.sentences, plan.covered, plan.excluded,
                          plan.open_drafts, len(plan.drafts),
                          len(open_mentions | {m.norm for d in plan.drafts
                                               for m in d.mentions if not m.terms})))
    if errors:
        raise InputErrors(errors)
    return out


def _open_mentions(plan: DraftPlan, paths: ProjectPaths) -> set[str]:
    """Words of the open drafts' quotes that nothing maps yet."""
    if not plan.open_drafts:
        return set()
    language = plan.monograph.source.meta.language
    drafting = load_drafting(language)
    vocabulary = load_vocabulary(paths.ontology, paths.data / "units.tsv")
    lexicon = to_lexicon(paths, vocabulary, drafting)
    quotes, _ = _drafted_quotes(plan.folder)
    return {m.norm for _, quote in quotes for m in find_mentions(quote, lexicon) if not m.terms}
