"""Every published quote is really in the source, checked without the build code."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from .conftest import solutions

SPANS = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX mkg: <https://w3id.org/monokg/ontology/>
SELECT ?claim ?start ?end ?exact ?prefix ?suffix ?pstart ?pend WHERE {
  ?claim mkg:textSpan ?span ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?para .
  ?span oa:hasSelector ?pos , ?quote ; <http://purl.org/dc/terms/isPartOf> ?para .
  ?pos oa:start ?start ; oa:end ?end .
  ?quote oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?suffix .
  ?para mkg:startOffset ?pstart ; mkg:endOffset ?pend .
}"""


def _spans(build: Path) -> list[dict[str, str]]:
    store = ox.Store()
    store.load(path=str(build / "monokg.nt"), format=ox.RdfFormat.N_TRIPLES)
    result = solutions(store, SPANS)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names} for s in result]


def test_every_quote_equals_the_source_between_its_offsets(built: Path, raw_source: str) -> None:
    spans = _spans(built / "build")
    claims = {s["claim"] for s in spans}
    assert len(spans) == len(claims) >= 4
    for span in spans:
        start, end = int(span["start"]), int(span["end"])
        assert raw_source[start:end] == span["exact"], span["claim"]
        assert raw_source[:start].endswith(span["prefix"]), span["claim"]
        assert raw_source[end:].startswith(span["suffix"]), span["claim"]
        assert int(span["pstart"]) <= start < end <= int(span["pend"]), span["claim"]


def test_the_source_checksum_is_published(built: Path, raw_source: str) -> None:
    nt = (built / "build" / "monokg.nt").read_text(encoding="utf-8")
    digest = hashlib.sha256(raw_source.encode("utf-8")).hexdigest()
    assert f'<https://w3id.org/monokg/ontology/sha256> "{digest}"' in nt
    md5 = hashlib.md5(raw_source.encode("utf-8")).hexdigest()
    assert f";md5={md5}" in nt
