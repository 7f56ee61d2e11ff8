"""The N-Triples term spelling of the graph stage is rdflib's, for every kind of literal."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

import monokg.rdf.ntriples as nt
from monokg.rdf.graphs import ntriples_lines

S, P = URIRef("https://w3id.org/monokg/claim/x/y"), URIRef("http://www.w3.org/ns/oa#exact")
TRICKY = ['plain', 'say "hi"', "back\\slash", "two\nlines", "cr\rlf\r\n", "tab\there",
          "non-ASCII: café, ‘quotes’, 5 µg, 😀", "control \x00\x01\x07\x1f\x7f", "",
          "\\n is not a newline", 'ends with a quote"', "  spaces  "]
DECIMALS = ["1.0", "0.50", "1E3", "1e-2", "5.", ".5", "00.5", "+1.5", "-0", "10.000", "1",
            "0.95", "123456789012345678901234567890.5", "abc"]
DURATIONS = ["P1D", "P14D", "PT30M", "P1W", "PT36H", "P1Y2M", "PT90M", "PT0S", "PT1.5S"]


def rdflib_line(obj: Literal | URIRef) -> str:
    """The line rdflib's N-Triples serializer writes for one triple."""
    graph = Graph()
    graph.add((S, P, obj))
    (line,) = ntriples_lines(graph)
    return line


def ours(obj: str) -> str:
    return nt.line(nt.iri(str(S)), nt.iri(str(P)), obj)


@pytest.mark.parametrize("text", TRICKY)
def test_plain_and_language_literals_are_spelled_as_rdflib_spells_them(text: str) -> None:
    assert ours(nt.string(text)) == rdflib_line(Literal(text))
    assert ours(nt.lang_string(text, "nl")) == rdflib_line(Literal(text, lang="nl"))
    assert ours(nt.lang_string(text, "en-GB")) == rdflib_line(Literal(text, lang="en-GB"))


@pytest.mark.parametrize("lexical", DECIMALS)
def test_decimals_are_normalised_as_rdflib_normalises_them(lexical: str) -> None:
    assert ours(nt.typed(lexical, nt.XSD_DECIMAL)) == \
        rdflib_line(Literal(lexical, datatype=XSD.decimal))


@pytest.mark.parametrize("lexical", DURATIONS)
def test_durations_are_normalised_as_rdflib_normalises_them(lexical: str) -> None:
    assert ours(nt.typed(lexical, nt.XSD_DURATION)) == \
        rdflib_line(Literal(lexical, datatype=XSD.duration))


@pytest.mark.parametrize("value", [0, 7, 2**64, 10**40])
def test_integers_and_booleans_are_spelled_as_rdflib_spells_them(value: int) -> None:
    for datatype in (nt.XSD_INTEGER, nt.XSD_NON_NEGATIVE_INTEGER):
        assert ours(nt.integer(value, datatype)) == \
            rdflib_line(Literal(value, datatype=URIRef(datatype)))
    assert ours(nt.boolean(bool(value))) == rdflib_line(Literal(bool(value)))
    assert ours(nt.typed("a\"b", nt.XSD_STRING)) == \
        rdflib_line(Literal("a\"b", datatype=XSD.string))


def test_iris_are_spelled_as_rdflib_spells_them_and_bad_ones_are_refused() -> None:
    iri = "http://id.nlm.nih.gov/mesh/D005756#char=1,2"
    assert ours(nt.iri(iri)) == rdflib_line(URIRef(iri))
    for bad in ("http://x/a b", "http://x/<a>", 'http://x/"', "http://x/{a}"):
        with pytest.raises(ValueError, match="valid URI"):
            nt.iri(bad)


@pytest.mark.parametrize("text", ["line\u2028separator", "form\x0cfeed", "next\x85line"])
def test_a_line_break_rdflib_leaves_raw_is_escaped_and_reads_back_unchanged(text: str) -> None:
    # rdflib writes these raw, and splitting its output into lines then cuts the triple in
    # two; escaped, the line stays one line and still means the same literal.
    line = ours(nt.lang_string(text, "nl"))
    assert len(line.splitlines()) == 1
    (quad,) = ox.parse(input=(line + "\n").encode(), format=ox.RdfFormat.N_TRIPLES)
    assert quad.object == ox.Literal(text, language="nl")


def test_every_line_parses_back_to_the_same_terms() -> None:
    objects = [nt.string(t) for t in TRICKY] + [nt.lang_string(t, "nl") for t in TRICKY]
    objects += [nt.typed(d, nt.XSD_DECIMAL) for d in DECIMALS if d != "abc"]
    text = "".join(ours(o) + "\n" for o in objects)
    parsed = [q.object for q in ox.parse(input=text.encode(), format=ox.RdfFormat.N_TRIPLES)]
    assert [o.value for o in parsed[:len(TRICKY)]] == TRICKY
    assert [o.value for o in parsed[len(TRICKY):2 * len(TRICKY)]] == TRICKY
    decimals = [Decimal(o.value) for o in parsed[2 * len(TRICKY):]]
    assert decimals == [Decimal(d) for d in DECIMALS if d != "abc"]
