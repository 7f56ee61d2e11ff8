"""Static site and pages: every resource as HTML + Turtle/N-Triples/JSON-LD, data text escaped,
relative links that resolve, and the web-server configuration for content negotiation."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import monokg
from monokg.cli import main
from monokg.model.config import load_publication
from monokg.model.paths import ProjectPaths
from monokg.pipeline import build, rewrite_site
from monokg.publish.site import Renderer, is_safe_path, load_site

from .conftest import release_files

CLAIM = "claim/l-glutamine-nl/dose-commonly-used"
EXTS = ("html", "ttl", "nt", "jsonld")
PARSE = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
         "jsonld": ox.RdfFormat.JSON_LD}


@pytest.fixture(scope="module")
def site_dir(built_site: Path) -> Path:
    return built_site


def page(site_dir: Path, path: str) -> str:
    return (site_dir / f"{path}.html").read_text(encoding="utf-8")


def test_every_resource_has_a_page_and_three_descriptions(built: Path, site_dir: Path) -> None:
    site = load_site(built / "build", load_publication(built / "monokg.toml"))
    resources = site.resources()
    assert len(resources) > 500
    for iri in resources:
        path = iri[len(site.base):]
        stem = path + "index" if path.endswith("/") else path
        for ext in EXTS:
            assert (site_dir / f"{stem}.{ext}").is_file(), f"{stem}.{ext}"
        graphs = [{q.triple for q in ox.parse(path=str(site_dir / f"{stem}.{ext}"),
                                              format=PARSE[ext])} for ext in PARSE]
        assert graphs[0] == graphs[1] == graphs[2], iri
        assert any(t.subject == ox.NamedNode(iri) or t.object == ox.NamedNode(iri)
                   for t in graphs[0])


def test_the_claim_page_shows_statement_quote_terms_and_modality(site_dir: Path,
                                                                  built: Path) -> None:
    text = page(site_dir, CLAIM)
    assert "A commonly used daily dose of L-glutamine is five to ten grams per day." in text
    marked = re.search(r"<mark>(.*?)</mark>", text, re.DOTALL)
    assert marked is not None
    assert " ".join(html.unescape(marked.group(1)).split()) == (
        "Een veel gebruikte dagdosering L-glutamine ligt tussen de vijf en tien gram per dag.")
    # the quote sits inside its paragraph: the paragraph's next sentence follows the mark
    assert "Het verdient de voorkeur" in text[marked.end():]
    assert 'href="http://purl.obolibrary.org/obo/CHEBI_18050"' in text and "L-glutamine" in text
    assert "Modality" in text and "asserted" in text
    assert 'href="../../paragraph/l-glutamine-nl/dosering-1.html"' in text


def test_paragraph_section_and_monograph_pages_list_their_parts(site_dir: Path) -> None:
    assert f'href="../../{CLAIM}.html"' in page(site_dir, "paragraph/l-glutamine-nl/dosering-1")
    section = page(site_dir, "section/l-glutamine-nl/dosering")
    assert 'href="../../paragraph/l-glutamine-nl/dosering-1.html"' in section
    monograph = page(site_dir, "monograph/l-glutamine-nl")
    assert 'href="../section/l-glutamine-nl/dosering.html"' in monograph
    assert 'href="../paragraph/l-glutamine-nl/beschrijving-1.html"' in monograph


def test_the_home_page_lists_monographs_downloads_and_queries(site_dir: Path,
                                                              built: Path) -> None:
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="monograph/l-glutamine-nl.html"' in home
    assert 'href="download/monokg.ttl"' in home
    queries = sorted((built / "queries").glob("*.rq"))
    assert queries
    for query in queries:
        assert query.name in home
        assert (site_dir / "queries" / query.name).read_bytes() == query.read_bytes()


def test_internal_links_resolve_to_files(site_dir: Path) -> None:
    checked = 0
    for html_file in site_dir.rglob("*.html"):
        for target in re.findall(r'href="([^"]+)"', html_file.read_text(encoding="utf-8")):
            target = html.unescape(target)
            if target.startswith(("http://", "https://", "download/", "../download/")) or \
                    "/download/" in target:
                continue
            resolved = (html_file.parent / target.split("#")[0]).resolve()
            assert resolved.is_file(), f"{html_file.relative_to(site_dir)} -> {target}"
            checked += 1
    assert checked > 1000


def test_pages_fetch_nothing_from_outside(site_dir: Path) -> None:
    for html_file in site_dir.rglob("*.html"):
        if html_file.parent == site_dir / "product":
            # A shop's example product page shows the shop's own product image (Google's
            # merchant listing requires one); test_product_browser loads it from a local host.
            continue
        text = html_file.read_text(encoding="utf-8")
        # Embedded JSON-LD data (product pages) is not a fetch; any other script is.
        assert not re.search(r'<(script(?![^>]*type="application/ld\+json")|img|iframe)\b|src='
                             r'|<link[^>]+stylesheet', text), html_file


def test_web_server_configuration_is_shipped(site_dir: Path) -> None:
    """The site ships both configurations as written in the templates (test_site_servers runs
    them on real servers)."""
    templates = Path(monokg.__file__).parent / "templates" / "site"
    assert (site_dir / ".htaccess").read_bytes() == (templates / "htaccess").read_bytes()
    assert (site_dir / "nginx.conf").read_bytes() == (templates / "nginx.conf").read_bytes()


def test_the_base_iri_describes_the_dataset(built: Path, site_dir: Path) -> None:
    """The base IRI is the dataset's landing page: its Turtle, N-Triples and JSON-LD forms
    (index.*, what a server negotiates for the base) are the dataset's description."""
    publication = load_publication(built / "monokg.toml")
    for ext, fmt in PARSE.items():
        described = {q.triple for q in ox.parse(path=str(site_dir / f"index.{ext}"),
                                                format=fmt)}
        dataset = {q.triple for q in ox.parse(
            path=str(site_dir / "dataset" / f"{publication.dataset}.{ext}"), format=fmt)}
        assert described == dataset and described, ext


def test_the_build_writes_no_site(built: Path) -> None:
    """The site is a publishing step of its own: the release holds its product pages."""
    assert not (built / "build" / "site").exists()
    assert (built / "build" / "product" / "l-glutamine-500g.html").is_file()


def test_the_site_is_reproducible_and_replaced_whole(built: Path, built_site: Path,
                                                     tmp_path: Path) -> None:
    """`monokg site` in one process gives the session's site (one process per core) byte for
    byte, and replaces the site folder whole (a file left in the old one goes)."""
    expected = release_files(built_site)
    assert "product/l-glutamine-500g.html" in expected and "nginx.conf" in expected
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    (site_dir / "nginx.conf").write_text("an older site\n")
    (site_dir / "stale.html").write_text("left over\n")
    result = CliRunner().invoke(main, ["site", "--root", str(built), "--out", str(site_dir),
                                       "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert f"wrote {len(expected)} files into {site_dir}" in result.output
    assert release_files(site_dir) == expected


def test_the_site_command_replaces_only_a_site(built: Path, tmp_path: Path) -> None:
    """`--out` names a folder to replace whole: one with other files is refused, untouched."""
    folder = tmp_path / "not-a-site"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n")
    result = CliRunner().invoke(main, ["site", "--root", str(built), "--out", str(folder)])
    assert result.exit_code == 2 and "not a static site" in result.output, result.output
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_the_site_command_without_a_build_says_build_first(project: Path) -> None:
    result = CliRunner().invoke(main, ["site", "--root", str(project)])
    assert result.exit_code == 2 and "monokg build" in result.output


@pytest.mark.parametrize("path,safe", [("claim/a/b", True), ("", True), ("concept/", True),
                                       ("../etc/passwd", False), ("claim/../x", False),
                                       ("claim//x", False), (".htaccess", False),
                                       ("claim/.", False), ("/etc/passwd", False)])
def test_safe_paths(path: str, safe: bool) -> None:
    assert is_safe_path(path) is safe


def test_text_from_the_data_is_escaped_everywhere(project: Path) -> None:
    """A statement and a curator note with markup show as text on every page and in serve."""
    claims = project / "data" / "monographs" / "l-glutamine-nl" / "claims"
    yaml_file = claims / "07-contra-indicaties.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    evil = "<script>alert(1)</script>"
    text = text.replace(
        "statement: At the stated dose, no contra-indications of L-glutamine are known.",
        f"statement: 'At the stated dose {evil} \"quoted\" & more.'")
    text = re.sub(r"(?m)^    note: .*$", "    note: 'Curator <img src=x onerror=alert(2)> note'",
                  text)
    yaml_file.write_text(text, encoding="utf-8")
    build(ProjectPaths(project))
    site_dir, _ = rewrite_site(ProjectPaths(project))
    claim_page = page(site_dir, "claim/l-glutamine-nl/no-known-contraindications")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in claim_page
    assert "&lt;img src=x onerror=alert(2)&gt;" in claim_page
    for html_file in site_dir.rglob("*.html"):
        content = html_file.read_text(encoding="utf-8")
        assert not re.search(r'<script(?![^>]*type="application/ld\+json")', content), html_file
        # (a shop's example product page has its product image, never the note's)
        assert "<img src=x" not in content, html_file
    site = load_site(project / "build", load_publication(project / "monokg.toml"))
    node = ox.NamedNode("https://w3id.org/monokg/claim/l-glutamine-nl/no-known-contraindications")
    served = Renderer(site).resource(node)
    assert "&lt;script&gt;" in served and "<script" not in served
    assert "<title>At the stated dose &lt;script&gt;" in served
