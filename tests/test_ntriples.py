"""The one spelling of N-Triples terms: literals as written (or refused), one line a triple."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

import monokg.rdf.ntriples as nt
from monokg.rdf.graphs import ntriples_lines

S, P = URIRef("https://w3id.org/monokg/claim/x/y"), URIRef("http://www.w3.org/ns/oa#exact")
TRICKY = ['plain', 'say "hi"', "back\\slash", "two\nlines", "cr\rlf\r\n", "tab\there",
          "non-ASCII: café, ‘quotes’, 5 µg, 😀", "control \x00\x01\x07\x1f\x7f", "",
          "\\n is not a newline", 'ends with a quote"', "  spaces  "]
#: Lexical forms by XSD datatype (XML Schema 1.1 Part 2): in the lexical space, and not.
VALID = {
    "decimal": ["1", "1.0", "0.50", "5.", ".5", "00.5", "+1.5", "-0", "10.000", "0.95",
                "123456789012345678901234567890.5"],
    "integer": ["0", "-7", "+7", "007", str(10**40)],
    "nonNegativeInteger": ["0", "-0", "12"],
    "boolean": ["true", "false", "1", "0"],
    "double": ["1", "1.5e3", "-1E-2", "INF", "-INF", "+INF", "NaN", ".5e1"],
    "duration": ["P1D", "P14D", "PT30M", "PT36H", "P1Y2M", "PT0S", "PT1.5S", "-P1D",
                 "P1DT2H"],
    "date": ["2026-11-25", "2024-02-29", "-0044-03-15", "2026-11-25Z", "2026-11-25+14:00"],
    "dateTime": ["2026-11-25T10:00:00", "2026-11-25T24:00:00Z", "2026-11-25T10:00:00.5-05:00"],
    "gYear": ["2026", "-0001"],
}
INVALID = {
    "decimal": ["1E3", "1e-2", "1e10", "NaN", "INF", "-INF", "abc", "", " 1", "1.2.3", "+-1"],
    "integer": ["1.0", "", "1e2", "٣"],
    "nonNegativeInteger": ["-1"],
    "boolean": ["none", "TRUE", "True", "yes", "", "truex"],
    "double": ["inf", "nan", "1e", "e1", "Infinity"],
    "duration": ["P1W", "P", "PT", "P1DT", "1D", "P1.5D", "P-1D"],
    "date": ["2026-13-01", "2023-02-29", "2026-04-31", "26-11-25", "2026-11-25T10:00:00"],
    "dateTime": ["2026-11-25", "2026-11-25T25:00:00", "2026-11-25T24:00:01"],
    "gYear": ["26", "0000a"],
}


def rdflib_line(obj: Literal | URIRef) -> str:
    """The line rdflib's N-Triples serializer writes for one triple."""
    graph = Graph()
    graph.add((S, P, obj))
    (line,) = ntriples_lines(graph)
    return line


def ours(obj: str) -> str:
    return nt.line(nt.iri(str(S)), nt.iri(str(P)), obj)


def read_back(line: str) -> ox.Literal:
    (quad,) = ox.parse(input=(line + "\n").encode(), format=ox.RdfFormat.N_TRIPLES)
    assert isinstance(quad.object, ox.Literal)
    return quad.object


@pytest.mark.parametrize("text", TRICKY)
def test_plain_literals_are_spelled_as_rdflib_spells_them(text: str) -> None:
    assert ours(nt.string(text)) == rdflib_line(Literal(text))
    assert ours(nt.lang_string(text, "nl")) == rdflib_line(Literal(text, lang="nl"))


@pytest.mark.parametrize("tag", ["en-GB", "EN", "nl-Latn-NL", "x-private"])
def test_a_language_tag_is_lowercased_as_pyoxigraph_and_every_writer_writes_it(tag: str) -> None:
    line = ours(nt.lang_string("x", tag))
    assert line.endswith(f'"x"@{tag.lower()} .')
    assert read_back(line).language == tag.lower()
    # rdflib's lines (ontology, shapes, metadata) get the same spelling.
    assert rdflib_line(Literal("x", lang=tag)) == line


@pytest.mark.parametrize("tag", ["en_GB", "en-", "-en", "e n", "1en"])
def test_a_malformed_language_tag_is_refused(tag: str) -> None:
    with pytest.raises(ValueError, match="not a language tag"):
        nt.lang_string("x", tag)


@pytest.mark.parametrize(("name", "lexical"),
                         [(n, v) for n, values in VALID.items() for v in values])
def test_a_valid_lexical_form_is_kept_exactly_as_written(name: str, lexical: str) -> None:
    datatype = nt.XSD + name
    assert nt.lexical_error(lexical, datatype) is None
    literal = read_back(ours(nt.typed(lexical, datatype)))
    assert (literal.value, literal.datatype.value) == (lexical, datatype)


@pytest.mark.parametrize(("name", "lexical"),
                         [(n, v) for n, values in INVALID.items() for v in values])
def test_an_ill_typed_lexical_form_is_refused_never_repaired(name: str, lexical: str) -> None:
    datatype = nt.XSD + name
    why = nt.lexical_error(lexical, datatype)
    assert why is not None and "ill-typed" in why
    with pytest.raises(ValueError, match="ill-typed"):
        nt.typed(lexical, datatype)
    # Read from third-party data it is spelled as written, for the checks to refuse.
    assert split_back(nt.literal(lexical, None, datatype)) == (lexical, None, datatype)


def split_back(token: str) -> tuple[str, str | None, str | None]:
    return nt.split_literal(token)


def test_integers_of_python_ints_and_their_bounds() -> None:
    assert ours(nt.integer(7)) == rdflib_line(Literal(7))
    assert nt.integer(0, nt.XSD_NON_NEGATIVE_INTEGER).startswith('"0"^^')
    with pytest.raises(ValueError, match="outside"):
        nt.integer(-1, nt.XSD_NON_NEGATIVE_INTEGER)


def test_xsd_string_is_written_plain_one_literal_in_rdf_11() -> None:
    assert nt.typed('a"b', nt.XSD_STRING) == nt.string('a"b')
    assert read_back(ours(nt.typed("x", nt.XSD_STRING))) == ox.Literal("x")
    typed_line = rdflib_line(Literal("x", datatype=URIRef(nt.XSD_STRING)))
    assert typed_line.endswith(nt.STRING_TYPED_END)
    assert nt.canonical_line(typed_line) == rdflib_line(Literal("x"))


def test_iris_are_spelled_as_rdflib_spells_them_and_bad_ones_are_refused() -> None:
    iri = "http://id.nlm.nih.gov/mesh/D005756#char=1,2"
    assert ours(nt.iri(iri)) == rdflib_line(URIRef(iri))
    for bad in ("http://x/a b", "http://x/<a>", 'http://x/"', "http://x/{a}", "http://x/%zz",
                "http://x/%4", "http://x/a#b#c", "http://x/a\x01b", "http://x/a\x7f",
                "relative/path", ""):
        with pytest.raises(ValueError, match="not a valid IRI"):
            nt.iri(bad)
    assert nt.iri("http://x/%41%e9#frag") == "<http://x/%41%e9#frag>"


@pytest.mark.parametrize("text", ["line\u2028separator", "para\u2029graph", "form\x0cfeed",
                                  "next\x85line", "vertical\x0btab", "fs\x1cgs\x1drs\x1e"])
def test_a_line_break_of_str_splitlines_is_escaped_and_reads_back_unchanged(text: str) -> None:
    # Left raw, Python's splitlines (and tools reading lines alike) cut the triple in two.
    for line in (ours(nt.lang_string(text, "nl")),
                 nt.triple_line(ox.Triple(ox.NamedNode(str(S)), ox.NamedNode(str(P)),
                                          ox.Literal(text, language="nl")))):
        assert len(line.splitlines()) == 1
        assert read_back(line) == ox.Literal(text, language="nl")


def test_a_lone_surrogate_is_refused() -> None:
    for text in ("\ud800", "a\udfffb", "\ud83d"):
        with pytest.raises(ValueError, match="lone surrogate"):
            nt.string(text)
    assert read_back(ours(nt.string("\U0001F600"))).value == "\U0001F600"


def test_every_line_parses_back_to_the_same_terms() -> None:
    objects = [nt.string(t) for t in TRICKY] + [nt.lang_string(t, "nl") for t in TRICKY]
    text = "".join(ours(o) + "\n" for o in objects)
    parsed = [q.object for q in ox.parse(input=text.encode(), format=ox.RdfFormat.N_TRIPLES)]
    assert [o.value for o in parsed] == TRICKY + TRICKY
    # And split_literal, the engines' reader, reads each token back as pyoxigraph does.
    assert [nt.split_literal(o)[0] for o in objects] == TRICKY + TRICKY


def test_pyoxigraph_terms_are_spelled_as_the_lines_of_the_graph_stage() -> None:
    for obj in ([nt.string(t) for t in TRICKY] + [nt.lang_string(t, "en-GB") for t in TRICKY]
                + [nt.typed(v, nt.XSD + "decimal") for v in VALID["decimal"]]):
        line = ours(obj)
        (quad,) = ox.parse(input=(line + "\n").encode(), format=ox.RdfFormat.N_TRIPLES)
        assert nt.triple_line(quad.triple) == line
