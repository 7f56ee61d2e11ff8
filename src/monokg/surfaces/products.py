"""Product pages from a finished build: `monokg product-page` and `validate --product`."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from monokg.assemble.product import ProductPage, to_product_page
from monokg.check.product import check_product_graph, check_product_page, load_product_jsonld
from monokg.curate.claims import load_monograph
from monokg.curate.products import claim_sentences, load_product, load_product_kit
from monokg.curate.vocabulary import load_vocabulary
from monokg.model.config import Publication, load_publication
from monokg.model.errors import Finding, InputError, NonConformance
from monokg.model.paths import ProjectPaths


def load_published(paths: ProjectPaths, publication: Publication) -> tuple[Graph, Graph]:
    """The released data graph and ontology from build/ (as published, rebased)."""
    data = paths.build / f"{publication.dataset}.nt"
    ontology = paths.build / f"{publication.dataset}.owl.ttl"
    for path in (data, ontology):
        if not path.is_file():
            raise InputError("the release is not built", path, fix="run `monokg build` first")
    return (Graph().parse(data, format="nt"), Graph().parse(ontology, format="turtle"))


def source_sentences(paths: ProjectPaths, monograph: str) -> dict[str, str | None]:
    """Claim id -> the whole source sentence(s) of its quote, read from the monograph's curated
    files (the published graph keeps the source's raw text, not its segmentation)."""
    folder = paths.monographs / monograph
    if not (folder / "monograph.yaml").is_file():
        return {}
    vocabulary = load_vocabulary(paths.ontology, paths.data / "units.tsv")
    return claim_sentences(load_monograph(folder, vocabulary, paths.sources, paths.mappings))


def make_product_page(paths: ProjectPaths, product_file: Path, include_flagged: bool = False,
                      lang: str = "en") -> ProductPage:
    """A checked product page for a product file, from the built release.

    Raises NonConformance if the page breaks a shape, schema.org's vocabulary or the policy.
    """
    return check_product(paths, product_file, include_flagged, lang)[0]


def check_product(paths: ProjectPaths, product_file: Path, include_flagged: bool = False,
                  lang: str = "en") -> tuple[ProductPage, list[Finding]]:
    """A product page and its warnings (Google's recommended properties it lacks, ...).

    Raises NonConformance if the page breaks a shape, schema.org's vocabulary or the policy.
    """
    publication = load_publication(paths.config)
    kit = load_product_kit(paths, publication)
    product = load_product(product_file, kit)
    graph, ontology = load_published(paths, publication)
    page = to_product_page(graph, ontology, product, kit.policy, publication, kit.context,
                           source_sentences(paths, product.monograph), include_flagged)
    findings = check_product_page(page, kit, lang)
    _raise_violations(f"product page {product_file.name}", findings)
    return page, [f for f in findings if f.severity != "Violation"]


def _raise_violations(stage: str, findings: list[Finding]) -> None:
    violations = [f for f in findings if f.severity == "Violation"]
    if violations:
        raise NonConformance(stage, violations)


def check_product_file(paths: ProjectPaths, path: Path, lang: str = "en") -> list[Finding]:
    """Findings for any product-page JSON-LD file (a shop's own included)."""
    kit = load_product_kit(paths, load_publication(paths.config))
    graph = load_product_jsonld(path, kit.context)
    if not len(graph):
        raise InputError("the JSON-LD holds no statements", path,
                         fix="give the product's JSON-LD with an @context")
    return check_product_graph(graph, kit, lang)
