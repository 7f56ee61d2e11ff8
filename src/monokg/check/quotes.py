"""Every claim's quote label speaks its source's language: a check on the data's lines.

SHACL core can only name fixed languages (``sh:languageIn``), so this check compares instead:
a claim is derived from a paragraph whose text carries the source's language tag, and the
claim needs a label in that language that is words of that paragraph (the quote). No shape,
query or check names a language.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from rdflib.namespace import PROV, RDFS

from monokg.curate.language import message
from monokg.model.errors import Finding
from monokg.model.namespaces import MKG
from monokg.rdf import ntriples as nt

_DERIVED, _TEXT, _LABEL = (nt.iri(str(p)) for p in (PROV.wasDerivedFrom, MKG.text, RDFS.label))
_SPACES = re.compile(r"\s+")
SHAPE = "quote label in the source's language"


def _fold(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def quote_label_findings(lines: Sequence[str], lang: str = "en") -> list[Finding]:
    """A violation for every claim without a label in its paragraph's language that quotes
    the paragraph; messages in ``lang``."""
    derived: dict[str, list[str]] = defaultdict(list)
    texts: dict[str, tuple[str, str]] = {}
    labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for line in lines:
        subject, predicate, obj = line[:-2].split(" ", 2)
        if predicate == _DERIVED:
            derived[subject].append(obj)
        elif predicate in (_TEXT, _LABEL) and obj.startswith('"'):
            lexical, tag, _ = nt.split_literal(obj)
            if tag is None:
                continue
            if predicate == _TEXT:
                texts[subject] = (_fold(lexical), tag.lower())
            else:
                labels[subject].append((_fold(lexical), tag.lower()))
    findings = []
    for claim, sources in sorted(derived.items()):
        for paragraph in sources:
            if paragraph not in texts:
                continue
            text, expected = texts[paragraph]
            quoted = [tag for label, tag in labels[claim] if label and label in text]
            if expected in quoted:
                continue
            findings.append(Finding(
                focus=claim[1:-1], path="rdfs:label", severity="Violation", shape=SHAPE,
                message=message(lang, "quote_language", claim=claim[1:-1].rsplit("/", 1)[-1],
                                found=", ".join(sorted(set(quoted))) or "none",
                                expected=expected),
                focus_iri=claim[1:-1], fix=message(lang, "quote_language_fix")))
    return findings
