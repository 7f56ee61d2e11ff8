"""Every namespace and prefix the project uses, defined once."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

#: The base every data, ontology and shape file is written against. The configured base of a
#: publication replaces it at build time (see ``config.Publication.rebase``).
DEFAULT_BASE = "https://w3id.org/monokg/"

MKG = Namespace(DEFAULT_BASE + "ontology/")
OA = Namespace("http://www.w3.org/ns/oa#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("https://schema.org/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VOID = Namespace("http://rdfs.org/ns/void#")
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
MESH = Namespace("http://id.nlm.nih.gov/mesh/")
QUDT = Namespace("http://qudt.org/schema/qudt/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
#: SPARQL 1.1 Service Description: how the dataset names its graphs.
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ADMS = Namespace("http://www.w3.org/ns/adms#")

#: External vocabularies: prefix -> namespace. These never move with the publication base.
EXTERNAL_PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "prov": str(PROV),
    "oa": str(OA),
    "sh": str(SH),
    "schema": str(SCHEMA),
    "spdx": str(SPDX),
    "void": str(VOID),
    "sd": str(SD),
    "adms": str(ADMS),
    "sssom": str(SSSOM),
    "semapv": str(SEMAPV),
    "qudt": str(QUDT),
    "obo": str(OBO),
    "CHEBI": str(OBO) + "CHEBI_",
    "ECO": str(OBO) + "ECO_",
    "MESH": str(MESH),
}

#: Our own prefixes, relative to the publication base.
LOCAL_PREFIXES: dict[str, str] = {
    "mkg": "ontology/",
    "concept": "concept/",
    "agent": "agent/",
    "monograph": "monograph/",
    "section": "section/",
    "paragraph": "paragraph/",
    "claim": "claim/",
    "span": "span/",
    "selector": "selector/",
    "dose": "dose/",
    "quantity": "quantity/",
    "mention": "mention/",
    "mapping": "mapping/",
    "dataset": "dataset/",
    "mkgsh": "shapes/",
}


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """All prefixes for a publication base, external and local, sorted by prefix."""
    merged = dict(EXTERNAL_PREFIXES)
    merged.update({p: base + path for p, path in LOCAL_PREFIXES.items()})
    return dict(sorted(merged.items()))


# Re-exported so modules import every namespace from here.
__all__ = [
    "DCAT", "DCTERMS", "DEFAULT_BASE", "MESH", "MKG", "OA", "OBO", "OWL", "PROV", "QUDT", "RDF",
    "RDFS", "SCHEMA", "SD", "SEMAPV", "SH", "SKOS", "SPDX", "SSSOM", "VOID", "XSD",
    "prefixes",
]

#: What a local identifier must look like after each prefix; a CURIE that breaks its pattern
#: is refused before it can send a query to the wrong term.
ID_PATTERNS: dict[str, str] = {
    "CHEBI": r"[1-9][0-9]*",
    "MESH": r"D([0-9]{6}|[0-9]{9})",  # NLM moved new descriptors to 9 digits
    "ECO": r"[0-9]{7}",
    "concept": r"[a-z0-9]+(-[a-z0-9]+)*",
    "mention": r"[a-z0-9]+(-[a-z0-9]+)*",
    "agent": r"[a-z0-9]+(-[a-z0-9]+)*",
    "mkg": r"[A-Za-z][A-Za-z0-9]*",
}

#: The schema.org namespace product pages are published in. The official JSON-LD context (served
#: at https://schema.org) maps every term to http://schema.org/, so only http IRIs compact to the
#: short terms crawlers read; the vocabulary file uses https IRIs and is mapped onto these.
SCHEMA_PAGE = Namespace("http://schema.org/")
