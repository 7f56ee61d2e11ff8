"""monokg: supplement monographs as a validated, linked RDF knowledge graph."""

__version__ = "0.1.0"
