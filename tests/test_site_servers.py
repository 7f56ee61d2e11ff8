"""The shipped web-server configuration on real servers: nginx with the site's nginx.conf and
Apache with its .htaccess, each deployed as the file's own comment says, below a path prefix,
serve every kind of IRI by content negotiation (page, or 303 to a description; 404 otherwise).
"""

from __future__ import annotations

import http.client
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox
import pytest

from monokg.model.config import load_publication

from .servers import apache_site, nginx_site

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "/monokg/"
MEDIA = {"html": "text/html", "ttl": "text/turtle", "nt": "application/n-triples",
         "jsonld": "application/ld+json"}
PARSE = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
         "jsonld": ox.RdfFormat.JSON_LD}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
#: Accept header (None: none sent) -> the form a client sending it gets.
ACCEPTS: dict[str | None, str] = {
    "text/html": "html",
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    BROWSER: "html",
    "*/*": "html",
    None: "html",
    "text/turtle;q=0.5, application/ld+json": "jsonld",
    "application/n-triples;q=0.9, text/turtle": "ttl",
    "text/html;q=0, application/n-triples;q=0.8": "nt",
}
SERVERS: dict[str, Callable[[Path, Path, str], AbstractContextManager[str]]] = {
    "nginx": nginx_site, "apache2": apache_site}


def first_stem(site: Path, folder: str) -> str:
    """The path (below the base) of the first resource with a description below ``folder``."""
    for path in sorted((site / folder).rglob("*.ttl")):
        if path.stem != "index" and path.stem[0].isalpha():
            return str(path.relative_to(site).with_suffix(""))
    raise AssertionError(f"no resource below {folder}/")


def samples(site: Path) -> dict[str, str]:
    """A resource of every kind, by kind: its path below the base ('' is the base itself)."""
    return {"claim": first_stem(site, "claim"), "span": first_stem(site, "span"),
            "monograph": first_stem(site, "monograph"), "concept": first_stem(site, "concept"),
            "dataset": first_stem(site, "dataset"), "base": "", "ontology": "ontology/",
            "ontology term": first_stem(site, "ontology")}


def get(url: str, accept: str | None) -> tuple[int, str | None, str, bytes]:
    """One GET without following redirects: status, Location, media type, body."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=10)
    try:
        connection.request("GET", parts.path, headers={"Accept": accept} if accept else {})
        response = connection.getresponse()
        body = response.read()
        media = (response.getheader("Content-Type") or "").split(";")[0].strip()
        return response.status, response.getheader("Location"), media, body
    finally:
        connection.close()


@pytest.fixture(scope="module")
def served_site(built_site: Path) -> Iterator[Path]:
    """A copy of the session's site (`monokg site`) that any user can read (Apache, started
    as root, serves it as www-data)."""
    folder = Path(tempfile.mkdtemp(prefix="monokg-site-"))
    try:
        folder.chmod(0o755)
        shutil.copytree(built_site, folder / "site")
        yield folder / "site"
    finally:
        shutil.rmtree(folder)


@pytest.fixture(scope="module", params=sorted(SERVERS))
def base_url(request: pytest.FixtureRequest, served_site: Path,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site on a real server on 127.0.0.1, below PREFIX; skipped only without the binary."""
    name = request.param
    if shutil.which(name) is None:
        pytest.skip(f"{name} is not installed: `bash scripts/setup.sh --test` installs it")
    folder = tmp_path_factory.mktemp(name)
    if os.geteuid() == 0:
        folder.chmod(0o755)
    with SERVERS[name](served_site, folder, PREFIX) as url:
        yield url


def iri(path: str) -> str:
    """The IRI a path names; the base IRI is the dataset's landing page, so its description
    is the dataset's."""
    publication = load_publication(ROOT / "monokg.toml")
    return publication.base + (path or f"dataset/{publication.dataset}")


def check_body(ext: str, body: bytes, path: str) -> None:
    """The body is a page (HTML) or a description in ``ext`` that mentions the resource."""
    if ext == "html":
        assert body.lstrip().lower().startswith(b"<!doctype html"), body[:80]
        return
    triples = list(ox.parse(body, format=PARSE[ext]))
    subject = ox.NamedNode(iri(path))
    assert any(subject in (t.subject, t.object) for t in triples), (path, ext)


@pytest.mark.parametrize("accept", list(ACCEPTS), ids=lambda a: str(a))
def test_every_kind_of_iri_negotiates(base_url: str, served_site: Path,
                                      accept: str | None) -> None:
    ext = ACCEPTS[accept]
    for kind, path in samples(served_site).items():
        url = base_url + path
        status, location, media, body = get(url, accept)
        if ext == "html":
            assert (status, media) == (200, MEDIA["html"]), (kind, url, status, location)
        else:
            stem = path + "index" if path == "" or path.endswith("/") else path
            assert status == 303, (kind, url, status)
            assert location is not None and urljoin(url, location) == base_url + f"{stem}.{ext}"
            status, location, media, body = get(urljoin(url, location), accept)
            assert (status, media) == (200, MEDIA[ext]), (kind, url, status)
        check_body(ext, body, path)


@pytest.mark.parametrize("accept", ["text/turtle", BROWSER, None])
def test_unknown_iris_are_not_found(base_url: str, accept: str | None) -> None:
    for path in ("claim/no-such-claim", "concept/no-such-concept", "ontology/NoSuchTerm",
                 "no-such-folder/"):
        assert get(base_url + path, accept)[0] == 404, path


def test_a_description_by_extension_is_served_as_is(base_url: str, served_site: Path) -> None:
    path = samples(served_site)["claim"]
    for ext, media in MEDIA.items():
        status, _, served, body = get(base_url + f"{path}.{ext}", "text/html")
        assert (status, served) == (200, media), ext
        assert body == (served_site / f"{path}.{ext}").read_bytes()


def test_responses_allow_any_origin_and_vary_by_accept(base_url: str,
                                                       served_site: Path) -> None:
    parts = urlsplit(base_url + samples(served_site)["concept"])
    connection = http.client.HTTPConnection(parts.netloc, timeout=10)
    try:
        connection.request("GET", parts.path, headers={"Accept": "text/turtle"})
        response = connection.getresponse()
        response.read()
        assert response.getheader("Access-Control-Allow-Origin") == "*"
        assert "Accept" in (response.getheader("Vary") or "")
    finally:
        connection.close()
