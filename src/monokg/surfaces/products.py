"""Product pages from a finished build: `monokg product-page` and `validate --product`."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from monokg.assemble.product import ProductPage, to_product_page
from monokg.check.product import check_product_graph, check_product_page, load_product_jsonld
from monokg.curate.products import load_product, load_product_kit
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


def make_product_page(paths: ProjectPaths, product_file: Path, include_flagged: bool = False,
                      lang: str = "en") -> ProductPage:
    """A checked product page for a product file, from the built release.

    Raises NonConformance if the page breaks a shape, schema.org's vocabulary or the policy.
    """
    publication = load_publication(paths.config)
    kit = load_product_kit(paths, publication)
    product = load_product(product_file, kit.currencies, kit.availabilities)
    graph, ontology = load_published(paths, publication)
    page = to_product_page(graph, ontology, product, kit.policy, publication, kit.context,
                           include_flagged)
    _raise_violations(f"product page {product_file.name}", check_product_page(page, kit, lang))
    return page


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
    return check_product_graph(graph, kit.vocabulary, kit.shapes, kit.policy, kit.mkg, lang)
