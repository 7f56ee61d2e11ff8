"""Releases that evolve: a second release of edited data gets a changelog with every change,
tombstones for withdrawn claims (410 from serve), an archive of the first release, version
links in its metadata; `monokg diff` reads release folders and git revisions; a reused claim
id, a version that does not increase and an unreadable previous release are refused."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, XSD

from monokg.cli import main
from monokg.model.paths import ProjectPaths
from monokg.pipeline import build
from monokg.surfaces.serve import ServeConfig, open_server, start_in_thread, stop_server

from .conftest import copy_project

MONO = "l-glutamine-nl"
CLAIMS = Path("data/monographs/l-glutamine-nl/claims/01-beschrijving.yaml")
BASE = "https://w3id.org/monokg/"
SHORTER = "verreweg het grootste deel van de glutaminevoorziening voor hun rekening."


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _set_version(root: Path, version: str, previous: str) -> None:
    _edit(root / "monokg.toml", 'version = "0.1.0"',
          f'version = "{version}"\nprevious = "{previous}"')


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c",
                           "user.email=t@example.org", *args], check=True,
                          capture_output=True, text=True).stdout


def _edit_data(root: Path) -> None:
    """Release 2: one claim removed, one renamed (removed, and added with the same quote), a
    quote shortened, a note and a modality changed, a mapping and a label changed."""
    claims = root / CLAIMS
    text = claims.read_text(encoding="utf-8")
    start = text.index("  - id: released-by-brain\n")
    end = text.index("  - id: released-by-adipose-tissue\n")
    claims.write_text(text[:start] + text[end:], encoding="utf-8")
    _edit(claims, "  - id: semi-essential\n", "  - id: semi-essential-amino-acid\n")
    _edit(claims, 'quote: "De skeletspieren nemen, vanwege hun grote massa, verreweg het '
          'grootste deel van de glutaminevoorziening voor hun rekening."', f'quote: "{SHORTER}"')
    _edit(claims, "a ratio of four is not typical.", "a ratio of four is atypical.")
    _edit(claims, 'quote: "longen"\n    modality: Possible', 'quote: "longen"\n    modality: Likely')
    _edit(root / "data/mappings/l-glutamine-nl.sssom.tsv",
          "skos:closeMatch\t\tMESH:D005512\tFood Hypersensitivity\tsemapv:ManualMappingCuration\t0.60",
          "skos:closeMatch\t\tMESH:D005512\tFood Hypersensitivity\tsemapv:ManualMappingCuration\t0.65")
    _edit(root / "data/mappings/local-concepts.ttl", '"Chinees restaurantsyndroom"@nl',
          '"Chinees-restaurantsyndroom"@nl')


@pytest.fixture(scope="module")
def two(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose build/ is release 0.2.0 of edited data, after 0.1.0 (the session's
    build), both committed to git (tags v1, v2)."""
    root = copy_project(tmp_path_factory.mktemp("two") / "project")
    shutil.copytree(built / "build", root / "build")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "release 0.1.0")
    _git(root, "tag", "v1")
    _edit_data(root)
    _set_version(root, "0.2.0", "0.1.0")
    build(ProjectPaths(root))
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "release 0.2.0")
    _git(root, "tag", "v2")
    return root


def _sections(markdown: str) -> dict[str, list[str]]:
    """The changelog's sections: title (without the count) -> its top-level entries."""
    out: dict[str, list[str]] = {}
    title = ""
    for line in markdown.splitlines():
        if line.startswith("## "):
            title = line[3:].split(" (")[0]
            out[title] = []
        elif line.startswith("- "):
            out[title].append(line[2:])
    return out


def test_changelog_lists_every_change(two: Path) -> None:
    text = (two / "build" / "changelog.md").read_text(encoding="utf-8")
    assert text.startswith("# Changes from 0.1.0 to 0.2.0\n")
    sections = _sections(text)
    assert sections["Claims added"] == [f"`{MONO}/semi-essential-amino-acid`"]
    assert sections["Claims removed"] == [
        f"`{MONO}/released-by-brain`",
        f"`{MONO}/semi-essential` (replaced by `{MONO}/semi-essential-amino-acid`)"]
    assert sections["Claims changed"] == [f"`{MONO}/cellular-to-plasma-ratio`: note",
                                          f"`{MONO}/released-by-lungs`: modality",
                                          f"`{MONO}/skeletal-muscle-main-supplier`: quote, span"]
    assert f"  - modality: `<{BASE}ontology/Possible>` -> `<{BASE}ontology/Likely>`" in text
    # the quote as the source has it (N-Triples escapes), its start moved by the words cut
    assert ('-> `"verreweg het grootste deel van de \\n\\nglutaminevoorziening voor hun '
            'rekening."`') in text
    assert 'start "502"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>` -> `end "628"' \
        '^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>`; `start "553"' in text
    assert "a ratio of four is atypical." in text
    assert len(sections["Mappings changed"]) == 1
    assert sections["Mappings changed"][0].startswith(f"`{MONO}/chinese-restaurant-syndrome--")
    assert sections["Labels changed"] == [
        (f'<{BASE}concept/chinese-restaurant-syndrome>: `"Chinees restaurantsyndroom"@nl`; '
        '`"Chinese restaurant syndrome"@en` -> `"Chinees-restaurantsyndroom"@nl`; '
        '`"Chinese restaurant syndrome"@en`')]
    assert set(sections) == {"Claims added", "Claims removed", "Claims changed",
                             "Mappings changed", "Labels changed"}


def test_changelog_rdf_revisions_and_tombstones(two: Path) -> None:
    graph = Graph().parse(two / "build" / "changelog.ttl")
    claim = f"{BASE}claim/{MONO}/"
    revised = {(str(s), str(o)) for s, o in graph.subject_objects(PROV.wasRevisionOf)}
    assert revised == {(f"{claim}{c}/v/0.2.0", f"{claim}{c}/v/0.1.0") for c in
                       ("cellular-to-plasma-ratio", "released-by-lungs",
                        "skeletal-muscle-main-supplier")}
    deprecated = set(graph.subjects(OWL.deprecated, Literal("true", datatype=XSD.boolean)))
    assert deprecated == {URIRef(f"{claim}released-by-brain"), URIRef(f"{claim}semi-essential")}
    assert set(graph.subject_objects(DCTERMS.isReplacedBy)) == {
        (URIRef(f"{claim}semi-essential"), URIRef(f"{claim}semi-essential-amino-acid"))}
    assert not next(iter(graph.query("ASK { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }")))


def test_tombstones_archive_and_version_links(two: Path, built: Path) -> None:
    out = two / "build"
    assert (out / "tombstones.tsv").read_text(encoding="utf-8") == (
        "claim\twithdrawn_in\treplaced_by\n"
        f"{MONO}/released-by-brain\t0.2.0\t\n"
        f"{MONO}/semi-essential\t0.2.0\t{MONO}/semi-essential-amino-acid\n")
    first = built / "build"
    archived = out / "releases" / "0.1.0"
    assert sorted(p.name for p in archived.iterdir()) == sorted(
        p.name for p in first.iterdir() if p.is_file())
    for path in archived.iterdir():
        assert path.read_bytes() == (first / path.name).read_bytes(), path.name
    meta = Graph().parse(out / "monokg.void.ttl")
    dataset = URIRef(f"{BASE}dataset/monokg")
    assert meta.value(dataset, DCAT.previousVersion) == URIRef(f"{dataset}/0.1.0")
    assert meta.value(dataset, OWL.versionIRI) == URIRef(f"{dataset}/0.2.0")
    assert meta.value(dataset, DCAT.version) == Literal("0.2.0")
    assert "0.1.0" in str(meta.value(dataset, URIRef("http://www.w3.org/ns/adms#versionNotes")))
    ontology = Graph().parse(out / "monokg.owl.ttl")
    assert ontology.value(URIRef(f"{BASE}ontology/"), OWL.priorVersion) == URIRef(
        f"{BASE}ontology/0.1.0")


def test_diff_of_folders_and_of_git_revisions(two: Path) -> None:
    expected = (two / "build" / "changelog.md").read_text(encoding="utf-8")
    for old, new in ((str(two / "build" / "releases" / "0.1.0"), str(two / "build")),
                     ("v1", "v2")):
        result = CliRunner().invoke(main, ["diff", "--root", str(two), old, new])
        assert result.exit_code == 0, result.output
        assert result.output == expected
    result = CliRunner().invoke(main, ["diff", "--root", str(two), "--rdf", "v1", "v2"])
    assert result.exit_code == 0, result.output
    assert result.output == (two / "build" / "changelog.ttl").read_text(encoding="utf-8")
    assert _git(two, "status", "--porcelain") == ""  # the work tree was never touched


@pytest.fixture(scope="module")
def served(two: Path) -> Iterator[str]:
    server = open_server(ProjectPaths(two), "127.0.0.1", 0, ServeConfig(workers=1))
    start_in_thread(server)
    yield server.url
    stop_server(server)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_withdrawn_claims_answer_410_with_a_tombstone_page(served: str) -> None:
    status, page = _get(f"{served}claim/{MONO}/semi-essential")
    assert status == 410
    assert "Withdrawn" in page and "release 0.2.0" in page
    assert f'href="{BASE}claim/{MONO}/semi-essential-amino-acid"' in page
    status, page = _get(f"{served}claim/{MONO}/released-by-brain.ttl")
    assert status == 410 and "Replaced by" not in page
    assert _get(f"{served}claim/{MONO}/semi-essential-amino-acid")[0] == 200
    assert _get(f"{served}claim/{MONO}/never-was")[0] == 404


def test_past_releases_stay_downloadable(served: str, built: Path) -> None:
    status, text = _get(f"{served}download/releases/0.1.0/monokg.void.ttl")
    assert status == 200
    assert text == (built / "build" / "monokg.void.ttl").read_text(encoding="utf-8")
    assert _get(f"{served}download/monokg.void.ttl")[1] != text  # the latest, 0.2.0
    assert _get(f"{served}download/releases/0.1.0/../../monokg.toml")[0] == 404
    assert _get(f"{served}download/releases/0.0.9/monokg.void.ttl")[0] == 404


def _next_release(two: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(two, root, ignore=shutil.ignore_patterns(".git", ".monokg-cache"))
    _edit(root / "monokg.toml", 'version = "0.2.0"\nprevious = "0.1.0"',
          'version = "0.3.0"\nprevious = "0.2.0"')
    return root


def test_a_reused_claim_id_is_refused_and_nothing_written(two: Path, tmp_path: Path) -> None:
    root = _next_release(two, tmp_path)
    claims = root / CLAIMS
    # the id now names another statement: another quote, another relation and object
    _edit(claims, 'quote: "het vetweefsel"', 'quote: "longen"')
    _edit(claims, "relation: producedBy\n    object: MESH:D000273",
          "relation: producedBy\n    object: MESH:D008168")
    before = (root / "build" / "manifest.json").read_bytes()
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exit_code == 2, result.output
    line = claims.read_text(encoding="utf-8").splitlines().index(
        "  - id: released-by-adipose-tissue") + 1
    assert f"01-beschrijving.yaml:{line}: claim 'released-by-adipose-tissue' names a " \
           "different statement than in release 0.2.0" in result.output
    assert "fix: give the new statement a new id" in result.output
    assert (root / "build" / "manifest.json").read_bytes() == before


def test_release_check_lists_changed_sources(two: Path, tmp_path: Path) -> None:
    root = _next_release(two, tmp_path)
    source = root / "data" / "sources" / "l-glutamine.nl.txt"
    data = source.read_bytes() + b"\n"
    source.write_bytes(data)
    meta = source.with_suffix(".yaml")
    text = meta.read_text(encoding="utf-8")
    old = hashlib.sha256(data[:-1]).hexdigest()
    text = text.replace(old, hashlib.sha256(data).hexdigest())
    text = text.replace(f"bytes: {len(data) - 1}", f"bytes: {len(data)}")
    chars = len(data.decode("utf-8"))
    text = text.replace(f"characters: {chars - 1}", f"characters: {chars}")
    meta.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["release", "--check", "--root", str(root)])
    assert result.exit_code == 1, result.output
    assert "# Changes from 0.2.0 to 0.3.0" in result.output
    assert f"source of {MONO} changed checksum: re-resolve the spans of" in result.output
    assert f"{MONO}/semi-essential-amino-acid" in result.output
    assert result.output.endswith("not ready to release\n")


def test_release_check_refuses_a_version_that_does_not_increase(two: Path,
                                                                tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(two, root, ignore=shutil.ignore_patterns(".git", ".monokg-cache"))
    _edit(root / "monokg.toml", '\nprevious = "0.1.0"', "")
    result = CliRunner().invoke(main, ["release", "--check", "--root", str(root)])
    assert result.exit_code == 2, result.output
    assert "version '0.2.0' does not increase on the previous release '0.2.0'" in result.output


@pytest.mark.parametrize(("toml", "message"), [
    ('version = "0.1.0"\nprevious = "0.1.0"', "does not come after the previous release"),
    ('version = "0.1.0"\nprevious = "0.2.0"', "does not come after the previous release"),
    ('version = "0.1.0"\nprevious = "latest"', "is not a version that can be ordered"),
])
def test_bad_versions_are_refused(project: Path, toml: str, message: str) -> None:
    _edit(project / "monokg.toml", 'version = "0.1.0"', toml)
    result = CliRunner().invoke(main, ["release", "--check", "--root", str(project)])
    assert result.exit_code == 2, result.output
    assert "monokg.toml:" in result.output and message in result.output


def test_bad_releases_to_compare_are_refused(two: Path, tmp_path: Path) -> None:
    cases = [(["no-such-revision", "v2"], "is neither a release folder nor a git revision"),
             ([str(tmp_path), "v2"], "not a release folder: it has no manifest.json"),
             (["v1", "v1~5"], "is neither a release folder nor a git revision")]
    for args, message in cases:
        result = CliRunner().invoke(main, ["diff", "--root", str(two), *args])
        assert result.exit_code == 2, result.output
        assert message in result.output and "fix:" in result.output


def test_a_previous_release_that_cannot_be_read_is_refused(two: Path, tmp_path: Path) -> None:
    root = _next_release(two, tmp_path)
    _edit(root / "monokg.toml", 'previous = "0.2.0"', 'previous = "0.1.5"')
    before = (root / "build" / "manifest.json").read_bytes()
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exit_code == 2, result.output
    assert "the previous release '0.1.5' cannot be read" in result.output
    assert (root / "build" / "manifest.json").read_bytes() == before


def test_a_damaged_tombstone_list_is_refused(two: Path, tmp_path: Path) -> None:
    root = _next_release(two, tmp_path)
    tombstones = root / "build" / "tombstones.tsv"
    tombstones.write_text(tombstones.read_text(encoding="utf-8") + "half a line\n",
                          encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exit_code == 2, result.output
    assert "tombstones.tsv:4: expected 3 tab-separated fields, found 1" in result.output
