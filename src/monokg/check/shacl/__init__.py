"""A SHACL Core engine over N-Triples lines, split by constraint family as pySHACL is.

pySHACL builds rdflib objects for every triple and re-parses a SPARQL query per focus node; on
the monograph that is seconds, at a million triples minutes. This engine keeps terms as their
N-Triples tokens (one string object per distinct term), indexes only the predicates the shapes
look at (one column per predicate), validates each shape on a batch of focus nodes at once
(a value node judged once per constraint, however many focus nodes reach it), and gives the
results pySHACL gives (``validate.check_shapes``): the same constraint semantics (rdflib's
literal values, ill-typed literals, comparisons), the same results, reported by the same
helpers. Anything it does not implement makes ``compile_shapes`` raise ``Unsupported``
(naming the shape and the feature), and data it cannot judge like pySHACL (e.g. a blank node
in sh:lessThan, where pySHACL stops with an error) makes ``check_lines`` raise it, so that the
caller falls back to pySHACL. The SPARQL-based constraints run on pyoxigraph over the same lines.

One deliberate difference: a literal outside its XSD datatype's lexical space is ill-typed here
even where rdflib repairs it to a value (``"1e10"^^xsd:decimal``, ``NaN`` as a decimal), so
it fails sh:datatype and is shown as written; an ill-typed literal is never repaired.

It implements SHACL Core as the W3C suite tests it (tests/test_w3c_shacl.py: all 98 tests).
It refuses, for pySHACL to run: sh:target (SPARQL-based targets), custom constraint
components, recursive shapes, SPARQL constraints other than ``SELECT $this ?value`` with
$this only in triple patterns and no solution modifier, SPARQL constraints on shapes reached
through value nodes or whose sh:message differs from the shape's, sh:flags other than i and
m, malformed lists and paths, and a property shape with two sh:path values (which pySHACL
refuses too); ``check_lines`` also refuses a result on a compound path (pySHACL's findings
name it by a blank node; ``results`` gives it). A sh:pattern Python cannot compile is an
InputError.

Modules: ``terms`` (tokens, literals), ``data`` (the index), ``paths``, ``compile`` (shapes
and targets), the constraint families ``cardinality``, ``value`` (type, range, string,
sh:in, sh:hasValue), ``pairs``, ``logical``, ``shape_based`` (sh:node, qualified, closed),
``sparql``, and ``engine`` (the core).
"""

from monokg.check.shacl.compile import CompiledShapes, compile_shapes
from monokg.check.shacl.engine import Result, check_lines, results
from monokg.check.shacl.terms import Unsupported, term_token

__all__ = ["CompiledShapes", "Result", "Unsupported", "check_lines", "compile_shapes",
           "results", "term_token"]
