"""The query page: YASGUI served by a real `monokg serve`, driven in headless Chromium.

A query typed into the editor and run from the page must show, in the result table, exactly the
rows `monokg query` gives for it; the page opens the example queries as tabs and loads nothing
from any other server. The browser fixture (Debian's Chromium and chromedriver) is shared with
the product-page test.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monokg.cli import main
from monokg.publish.assets import ASSET_FILES, ASSETS, YASGUI

from .servers import stop
from .test_product_browser import (  # noqa: F401 - browser and shop are fixtures
    CHROMEDRIVER,
    CHROMIUM,
    browser,
    shop,
)

needs_browser = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="chromium and chromedriver are not installed (scripts/setup.sh --test installs them)")

#: Typed into the editor: IRIs, language-tagged and typed literals, in a fixed order.
QUERY = """PREFIX mkg: <https://w3id.org/monokg/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?kind ?label (COUNT(?claim) AS ?claims) WHERE {
?claim a ?kind . ?kind rdfs:subClassOf mkg:Claim ; rdfs:label ?label .
FILTER(lang(?label) = "en") } GROUP BY ?kind ?label ORDER BY ?label"""

#: One result table cell as YASR shows it: the IRI of a link, else the literal's text.
CELLS = """return Array.from(document.querySelectorAll('.tabPanel.active .yasr tbody tr')).map(
  row => Array.from(row.cells).slice(1).map(cell => {
    const span = cell.querySelector('span');
    if (!span) return null;
    const link = span.querySelector(':scope > a.iri');
    return link && !span.classList.contains('nonIri') ? link.href : span.textContent;
  }));"""


def _shown(binding: dict[str, str] | None) -> str | None:
    """A SPARQL JSON results term as YASR prints it (an IRI as itself, a literal in quotes
    with its language tag or datatype)."""
    if binding is None:
        return None
    if binding["type"] == "uri":
        return binding["value"]
    if "xml:lang" in binding:
        return f'"{binding["value"]}"@{binding["xml:lang"]}'
    if "datatype" in binding:
        return f'"{binding["value"]}"^^<{binding["datatype"]}>'
    return f'"{binding["value"]}"'


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[str]:
    """A real `monokg serve` of the built release on a free port; its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-c", "from monokg.cli import main; main()", "serve", "--root",
         str(built), "--port", "0", "--workers", "1"], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "serving http://127.0.0.1:PORT/ ..."
        assert line.startswith("serving http://127.0.0.1:"), line
        yield line.split()[1]
    finally:
        stop(process)


def _open(driver: Any, url: str) -> None:
    """Load the page as a first-time visitor would (YASGUI keeps its tabs in localStorage)."""
    from selenium.webdriver.support.ui import WebDriverWait
    driver.get(url)
    driver.execute_script("localStorage.clear()")
    driver.get(url)
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return document.querySelectorAll('.tabPanel').length"))


@needs_browser
def test_a_query_typed_and_run_in_yasgui_shows_the_rows_monokg_query_gives(
        built: Path, served: str, browser: Any) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    _open(browser, served + "sparql")
    editor = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .CodeMirror")
    editor.click()
    typing = editor.find_element(By.CSS_SELECTOR, "textarea")
    typing.send_keys(Keys.CONTROL, "a")
    typing.send_keys(Keys.DELETE)
    typing.send_keys(QUERY)
    typed = browser.execute_script(
        "return document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()")
    assert typed.split() == QUERY.split()  # the editor indents; the words are what was typed
    browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    WebDriverWait(browser, 15).until(lambda d: d.execute_script(CELLS))
    shown = [tuple(row) for row in browser.execute_script(CELLS)]

    answer = CliRunner().invoke(main, ["query", "--root", str(built), "--format", "json",
                                       QUERY])
    assert answer.exit_code == 0, answer.output
    results = json.loads(answer.output)
    names = results["head"]["vars"]
    expected = [tuple(_shown(row.get(name)) for name in names)
                for row in results["results"]["bindings"]]
    assert len(expected) > 5  # every claim kind the monograph uses
    assert shown == expected
    headers = browser.execute_script(
        "return Array.from(document.querySelectorAll('.tabPanel.active .yasr thead th'))"
        ".slice(1).map(th => th.textContent)")
    assert headers == names
    # typing ran the editor's completers: none of them asked another server (LOV, prefix.cc)
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert served + "sparql" in loaded and all(name.startswith(served) for name in loaded)


@needs_browser
def test_the_page_opens_every_example_query_and_fetches_only_from_its_server(
        built: Path, served: str, browser: Any) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    _open(browser, served + "sparql")
    examples = sorted((built / "queries").glob("*.rq"))
    tabs = browser.execute_script(
        "return Array.from(document.querySelectorAll('.tabsList [role=tab] > span'))"
        ".map(s => s.textContent)")
    assert tabs == [path.stem for path in examples]
    first = browser.execute_script(
        "return document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()")
    assert first == examples[0].read_text(encoding="utf-8")
    endpoint = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .autocomplete")
    assert endpoint.get_attribute("value") == served + "sparql"
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert served + ASSETS + "/yasgui.min.js" in loaded
    assert all(name.startswith(served) for name in loaded), loaded
    errors = [entry["message"] for entry in browser.get_log("browser")
              if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]]
    assert not errors


def test_the_vendored_files_are_the_recorded_release() -> None:
    recorded = {}
    for line in (YASGUI / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split()
        recorded[name] = digest
    for name, digest in recorded.items():
        assert hashlib.sha256((YASGUI / name).read_bytes()).hexdigest() == digest, name
    assert set(recorded) | {"LICENSE"} == set(ASSET_FILES)
    assert (YASGUI / "INTEGRITY").read_text(encoding="utf-8").startswith("sha512-")
    assert "MIT License" in (YASGUI / "LICENSE").read_text(encoding="utf-8")


def test_the_site_carries_the_assets_verbatim(built_site: Path) -> None:
    folder = built_site / ASSETS
    assert sorted(p.name for p in folder.iterdir()) == sorted(ASSET_FILES)
    for name in ASSET_FILES:
        assert (folder / name).read_bytes() == (YASGUI / name).read_bytes(), name
