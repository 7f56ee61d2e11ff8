"""The documented w3id redirect (docs/w3id/monokg/.htaccess) on a real Apache, deployed as
w3id.org deploys it (the folder at /monokg/, .htaccess allowed): 303 See Other for every IRI,
307 for /sparql so that a POSTed query keeps its method and body."""

from __future__ import annotations

import http.client
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import ROOT
from .servers import apache_site

HTACCESS = ROOT / "docs" / "w3id" / "monokg" / ".htaccess"
TARGET = "https://monokg.example.org/monokg/"


@pytest.fixture(scope="module")
def w3id(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if shutil.which("apache2") is None:
        pytest.skip("apache2 is not installed: `bash scripts/setup.sh --test` installs it")
    # A folder any user can read: Apache, started as root, serves it as www-data.
    served = Path(tempfile.mkdtemp(prefix="monokg-w3id-"))
    try:
        served.chmod(0o755)
        site = served / "monokg"
        site.mkdir(mode=0o755)
        shutil.copy(HTACCESS, site / ".htaccess")
        folder = tmp_path_factory.mktemp("apache")
        if os.geteuid() == 0:
            folder.chmod(0o755)
        with apache_site(site, folder, "/monokg/") as url:
            yield url
    finally:
        shutil.rmtree(served)


def ask(url: str, method: str = "GET", body: bytes | None = None,
        headers: dict[str, str] | None = None) -> tuple[int, str | None]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=10)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def test_the_documented_target_is_the_one_tested() -> None:
    assert HTACCESS.read_text(encoding="utf-8").count(TARGET) == 3


@pytest.mark.parametrize("path", ["", "claim/l-glutamine-nl/dose-commonly-used",
                                  "ontology/", "ontology/Claim", "dataset/monokg/graph/data",
                                  "download/monokg.nq"])
@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_every_iri_is_a_303_to_the_same_path_at_the_host(w3id: str, path: str,
                                                          accept: str) -> None:
    assert ask(w3id + path, headers={"Accept": accept}) == (303, TARGET + path)


def test_a_sparql_post_is_a_307_so_the_query_survives(w3id: str) -> None:
    query = b"SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    assert ask(w3id + "sparql", "POST", query,
               {"Content-Type": "application/sparql-query"}) == (307, TARGET + "sparql")


def test_a_sparql_get_keeps_its_query_string(w3id: str) -> None:
    assert ask(w3id + "sparql?query=ASK%20%7B%7D") == (307, TARGET + "sparql?query=ASK%20%7B%7D")
