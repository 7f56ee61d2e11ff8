"""Dataset metadata (DCAT/VoID), manifest.json, the dataset shapes, and the configurable base."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from monokg.check.reference import pyshacl_report
from monokg.check.validate import check_shapes
from monokg.curate.vocabulary import load_vocabulary
from monokg.model.namespaces import DEFAULT_BASE, SH, SPDX, VOID
from monokg.model.paths import ProjectPaths
from monokg.pipeline import build, rewrite_site
from monokg.rdf.read import load_shapes

from .conftest import ROOT, literal, solutions

# Open namespaces: pytest inspects module globals, and rdflib's closed DCAT/XSD warn on that.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

DCAT_AP = ROOT / "vendor" / "dcat-ap-3.0.1"
SHAPE_CASES = sorted((ROOT / "tests" / "shapes").glob("*Shape/*.ttl"))
DATASET_SHAPES = {"DatasetShape", "DistributionShape", "ChecksumShape"}


@pytest.fixture(scope="module")
def void(built: Path) -> Graph:
    return Graph().parse(built / "build" / "monokg.void.ttl", format="turtle")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_vocabulary(ROOT / "ontology" / "monokg.ttl", ROOT / "data" / "units.tsv").ontology


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_metadata_conforms_to_the_shapes(void: Graph, ontology: Graph) -> None:
    findings, _ = check_shapes(void, load_shapes(ROOT / "shapes"), ontology)
    assert [f for f in findings if f.severity == "Violation"] == []
    assert void.value(predicate=RDF.type, object=DCAT.Dataset) is not None


def dcat_ap_results(void: Graph, folder: str) -> set[tuple[str, str, str]]:
    """pySHACL's results for the metadata against DCAT-AP's shapes in ``folder``: (severity,
    the focus node's class, path)."""
    report = pyshacl_report(void, load_shapes(DCAT_AP / folder))
    return {(str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[1],
             str(void.value(report.value(r, SH.focusNode), RDF.type)),
             str(report.value(r, SH.resultPath)))
            for r in report.subjects(RDF.type, SH.ValidationResult)}


def test_the_metadata_conforms_to_dcat_ap(void: Graph) -> None:
    assert dcat_ap_results(void, "mandatory") == set()


def test_dcat_ap_catches_a_distribution_without_an_access_url(void: Graph) -> None:
    broken = Graph()
    broken += void
    dist = next(iter(broken.subjects(RDF.type, DCAT.Distribution)))
    broken.remove((dist, DCAT.accessURL, None))
    assert dcat_ap_results(broken, "mandatory") == {
        ("Violation", str(DCAT.Distribution), str(DCAT.accessURL))}


def test_the_recommended_dcat_ap_warnings_left_are_the_justified_ones(void: Graph) -> None:
    rows = (ROOT / "data" / "dcat-ap-warnings.tsv").read_text(encoding="utf-8").splitlines()[1:]
    justified = {("Warning", *row.split("\t")[:2]) for row in rows}
    assert all(row.split("\t")[2].strip() for row in rows)
    assert dcat_ap_results(void, "recommended") == justified


def test_the_catalogue_lists_the_dataset_with_a_contact_point(void: Graph) -> None:
    ds = URIRef(DEFAULT_BASE + "dataset/monokg")
    catalog = void.value(predicate=DCAT.dataset, object=ds)
    assert catalog == URIRef(DEFAULT_BASE + "catalog/monokg")
    assert (catalog, RDF.type, DCAT.Catalog) in void
    assert void.value(catalog, DCTERMS.publisher) == void.value(ds, DCTERMS.publisher)
    contact = void.value(ds, DCAT.contactPoint)
    vcard = Namespace("http://www.w3.org/2006/vcard/ns#")
    assert str(void.value(contact, vcard.fn)) == "monokg project"
    assert void.value(contact, vcard.hasURL) == URIRef(DEFAULT_BASE)
    formats = {str(void.value(d, DCTERMS.format)).rsplit("/", 1)[1]
               for d in void.subjects(RDF.type, DCAT.Distribution)}
    assert {"RDF_TURTLE", "RDF_N_TRIPLES", "HTML", "TSV"} <= formats


def test_a_dataset_description_without_a_contact_is_refused(tmp_path: Path) -> None:
    from monokg.curate.dataset import load_description
    from monokg.model.errors import InputError
    description = tmp_path / "dataset.yaml"
    description.write_text((ROOT / "data" / "dataset.yaml").read_text(encoding="utf-8")
                           .replace('  url: "./"', ""), encoding="utf-8")
    with pytest.raises(InputError, match="contact needs a 'name' and an 'email' or a 'url'"):
        load_description(description)


def test_every_other_release_file_is_a_distribution_with_size_and_checksum(
        built: Path, void: Graph) -> None:
    out = built / "build"
    described = {}
    for dist in void.subjects(RDF.type, DCAT.Distribution):
        name = str(void.value(dist, DCTERMS.title))
        checksum = void.value(dist, SPDX.checksum)
        described[name] = (int(literal(void, dist, DCAT.byteSize)),
                           str(void.value(checksum, SPDX.checksumValue)))
        assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert void.value(dist, DCAT.downloadURL) == void.value(dist, DCAT.accessURL) == dist
    # The bulk files hold this description, so it cannot give their size and checksum: they
    # are data dumps by name, and manifest.json (written last) gives their digest.
    bulk = {"monokg.nq", "monokg.trig"}
    expected = {p.name for p in out.iterdir() if p.is_file()} - {"monokg.void.ttl",
                                                                 "manifest.json"} - bulk
    assert set(described) == expected
    for name, (size, digest) in described.items():
        assert (size, digest) == ((out / name).stat().st_size, sha256(out / name)), name
    dumps = {str(void.value(d, DCTERMS.title)) for d in void.objects(None, VOID.dataDump)}
    assert bulk | {"monokg.nt"} == dumps
    manifest = {f["path"]: f["sha256"]
                for f in json.loads((out / "manifest.json").read_text("utf-8"))["files"]}
    assert all(manifest[name] == sha256(out / name) for name in bulk)


def test_the_dataset_says_what_users_need(built: Path, void: Graph) -> None:
    ds = URIRef(DEFAULT_BASE + "dataset/monokg")
    titles = {t.language for t in void.objects(ds, DCTERMS.title) if isinstance(t, Literal)}
    descriptions = {t.language for t in void.objects(ds, DCTERMS.description)
                    if isinstance(t, Literal)}
    assert titles == descriptions == {"nl", "en"}
    assert void.value(ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert void.value(ds, DCTERMS.issued) == Literal("2026-11-25", datatype=XSD.date) or \
        literal(void, ds, DCTERMS.issued).datatype == XSD.date
    assert void.value(ds, VOID.sparqlEndpoint) == URIRef(DEFAULT_BASE + "sparql")
    publisher = void.value(ds, DCTERMS.publisher)
    assert publisher is not None and len(list(void.predicate_objects(publisher))) >= 2
    assert len(list(void.objects(ds, VOID.exampleResource))) >= 2
    # the source document with its checksum, as recorded next to the source text
    source = URIRef(DEFAULT_BASE + "monograph/l-glutamine-nl")
    assert (ds, PROV.wasDerivedFrom, source) in void
    digest = void.value(void.value(source, SPDX.checksum), SPDX.checksumValue)
    meta = (ROOT / "data" / "sources" / "l-glutamine.nl.yaml").read_text(encoding="utf-8")
    assert re.search(rf"sha256: {digest}\b", meta)


def test_void_statistics_match_the_data(built: Path, void: Graph) -> None:
    data = ox.Store()
    data.bulk_load(path=str(built / "build" / "monokg.nt"), format=ox.RdfFormat.N_TRIPLES)
    ds = URIRef(DEFAULT_BASE + "dataset/monokg")
    assert int(literal(void, ds, VOID.triples)) == len(data)
    classes = {row["c"].value: int(row["n"].value) for row in solutions(data,
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")}
    partitions = {str(void.value(p, VOID["class"])): int(literal(void, p, VOID.entities))
                  for p in void.objects(ds, VOID.classPartition)}
    assert partitions == classes
    properties = {row["p"].value: int(row["n"].value) for row in solutions(data,
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")}
    partitions = {str(void.value(p, VOID.property)): int(literal(void, p, VOID.triples))
                  for p in void.objects(ds, VOID.propertyPartition)}
    assert partitions == properties


def test_no_blank_nodes_in_the_metadata(void: Graph) -> None:
    assert not [t for t in void if any(isinstance(x, BNode) for x in t)]


def test_the_manifest_lists_every_file_with_size_and_checksum(built: Path) -> None:
    out = built / "build"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {e["path"]: e for e in manifest["files"]}
    every = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(listed) == every - {"manifest.json"}
    assert [e["path"] for e in manifest["files"]] == sorted(listed)
    for path, entry in listed.items():
        assert entry["bytes"] == (out / path).stat().st_size
        assert entry["sha256"] == sha256(out / path), path
    assert manifest["dataset"] == DEFAULT_BASE + "dataset/monokg"


@pytest.mark.parametrize("case", [c for c in SHAPE_CASES if c.parent.name in DATASET_SHAPES],
                         ids=lambda c: f"{c.parent.name}/{c.name}")
def test_dataset_shape_fixtures(case: Path, ontology: Graph) -> None:
    data = Graph().parse(case, format="turtle")
    _, report = check_shapes(data, load_shapes(ROOT / "shapes"), ontology)
    results = {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceShape)))
               for r in report.subjects(RDF.type, SH.ValidationResult)
               if report.value(r, SH.resultSeverity) == SH.Violation}
    if case.name.startswith("valid-"):
        assert results == set()
        return
    head = case.read_text(encoding="utf-8").splitlines()[:2]
    focus = re.fullmatch(r"# expect-focus: <(.+)>", head[0])
    shape = re.fullmatch(r"# expect-shape: <(.+)>", head[1])
    assert focus and shape, "invalid fixtures start with # expect-focus: and # expect-shape:"
    assert (focus.group(1), shape.group(1)) in results, results


def test_every_dataset_shape_has_fixtures() -> None:
    for shape in DATASET_SHAPES:
        names = [c.name for c in SHAPE_CASES if c.parent.name == shape]
        assert any(n.startswith("valid-") for n in names), shape
        assert any(n.startswith("invalid-") for n in names), shape


def test_a_dataset_description_without_english_is_refused(tmp_path: Path) -> None:
    from monokg.curate.dataset import load_description
    from monokg.model.errors import InputError
    description = tmp_path / "dataset.yaml"
    description.write_text((ROOT / "data" / "dataset.yaml").read_text(encoding="utf-8")
                           .replace("  en: ", "  fr: ", 1), encoding="utf-8")
    with pytest.raises(InputError, match="'title' needs a text per language, 'en' among") \
            as caught:
        load_description(description)
    assert caught.value.file == description and caught.value.line is not None


def test_a_dataset_description_in_any_languages_is_read(tmp_path: Path) -> None:
    from monokg.curate.dataset import load_description
    description = tmp_path / "dataset.yaml"
    description.write_text('title: {en: "Monographs", de: "Monographien"}\n'
                           'description: {en: "Claims.", de-CH: "Aussagen."}\n'
                           'keywords: {en: "claims"}\n'
                           'contact: {name: "Editors", email: "editors@example.org"}\n'
                           'formats: {text/turtle: RDF_TURTLE}\n', encoding="utf-8")
    assert load_description(description) == {
        "title": {"de": "Monographien", "en": "Monographs"},
        "description": {"de-CH": "Aussagen.", "en": "Claims."}, "keywords": {"en": "claims"},
        "contact": {"name": "Editors", "email": "editors@example.org"},
        "formats": {"text/turtle": "RDF_TURTLE"}}


def test_a_different_base_changes_every_minted_iri_and_nothing_else(
        built: Path, built_site: Path, project: Path, tmp_path: Path) -> None:
    """Build with another base; mapped back, every file holds the same graph; no file
    mentions the default base."""
    other = "https://data.example.org/kg/"
    config = project / "monokg.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        f'base = "{DEFAULT_BASE}"', f'base = "{other}"'), encoding="utf-8")
    build(ProjectPaths(project))
    moved, original = project / "build", built / "build"
    # The site beside the release, as `site/` in each (the session's site is outside).
    rewrite_site(ProjectPaths(project), moved / "site")
    original = tmp_path / "original"
    shutil.copytree(built / "build", original)
    shutil.copytree(built_site, original / "site")
    names = sorted(p.relative_to(original).as_posix() for p in original.rglob("*")
                   if p.is_file())
    assert names == sorted(p.relative_to(moved).as_posix() for p in moved.rglob("*")
                           if p.is_file())
    for name in ("monokg.nt", "monokg.void.ttl", "monokg.owl.ttl", "monokg.nq",
                 "site/claim/l-glutamine-nl/dose-commonly-used.nt"):
        text = (moved / name).read_text(encoding="utf-8")
        assert DEFAULT_BASE not in text, name
        fmt = ox.RdfFormat.from_extension(name.rsplit(".", 1)[1])
        back = {str(q) for q in ox.parse(text.replace(other, DEFAULT_BASE).encode(), format=fmt)}
        before = {str(q) for q in ox.parse(path=str(original / name), format=fmt)}
        if name.endswith(("void.ttl", ".nq")):
            # sizes and checksums of files that hold the base differ, nothing else (the
            # N-Quads hold the metadata too)
            strip = re.compile(r'"[0-9a-f]{64}"|"[0-9]+"\^\^<http://www.w3.org/2001/XMLSchema#'
                               r'nonNegativeInteger>')
            back, before = ({strip.sub("N", q) for q in s} for s in (back, before))
        assert back == before, name
    html = (moved / "site" / "claim" / "l-glutamine-nl" / "dose-commonly-used.html").read_text(
        encoding="utf-8")
    assert other + "claim/l-glutamine-nl/dose-commonly-used" in html and DEFAULT_BASE not in html


def test_the_build_checks_the_metadata_against_dcat_ap(project: Path) -> None:
    """check_metadata runs the vendored mandatory shapes: with one more (DCAT-AP's recommended
    dcterms:spatial made mandatory), the build's metadata check reports it."""
    from monokg.assemble.release import assemble
    from monokg.check.release import check_metadata
    release = assemble(ProjectPaths(project), jobs=1, use_cache=False)
    assert [f for f in check_metadata(release) if f.severity == "Violation"] == []
    (project / "vendor" / "dcat-ap-3.0.1" / "mandatory" / "spatial.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:x:SpatialShape> a sh:NodeShape ; sh:targetClass <http://www.w3.org/ns/dcat#Dataset>"
        " ; sh:property [ sh:path <http://purl.org/dc/terms/spatial> ; sh:minCount 1 ] .\n",
        encoding="utf-8")
    found = [(f.severity, f.focus_iri, f.path) for f in check_metadata(release)]
    assert ("Violation", DEFAULT_BASE + "dataset/monokg", "dcterms:spatial") in found, found
