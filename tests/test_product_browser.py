"""The example product page in a real browser: headless Chromium reads the embedded JSON-LD.

The page is served from 127.0.0.1 by a real HTTP server; Chromium is driven by Selenium through
Debian's chromedriver (never a downloaded browser). Skipped only when chromium or chromedriver
is not installed (`scripts/setup.sh --test` installs both).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib.compare import isomorphic

from monokg.curate.products import load_context
from monokg.model.paths import ProjectPaths
from monokg.rdf.jsonld import from_jsonld

from .conftest import ROOT
from .test_product import EXAMPLE, HOSTILE, variant  # noqa: F401 - the fixture is shared

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="chromium and chromedriver are not installed (scripts/setup.sh --test installs them)")
LD_JSON = 'script[type="application/ld+json"]'


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium with a fresh profile, driven through Debian's chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download
    options = webdriver.ChromeOptions()
    assert CHROMIUM is not None  # the module is skipped without a browser
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1024,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(10)
    try:
        yield driver
    finally:
        driver.quit()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Any]:
    """Serve folders over HTTP on 127.0.0.1 (free port); returns a function folder -> base URL."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _open(driver: Any, url: str) -> list[str]:
    """Load a page; return the text of every ld+json script in the live DOM."""
    from selenium.webdriver.common.by import By
    driver.get(url)
    return [element.get_attribute("textContent")
            for element in driver.find_elements(By.CSS_SELECTOR, LD_JSON)]


def _meant(root: Path, product: Path):
    from monokg.surfaces.products import make_product_page
    return make_product_page(ProjectPaths(root), product)


def test_the_example_page_survives_a_real_page_load(built: Path, browser: Any, serve: Any,
                                                    tmp_path: Path) -> None:
    import extruct

    site = built / "build" / "site" / "product"
    url = serve(site) + "l-glutamine-500g.html"
    scripts = _open(browser, url)
    assert len(scripts) == 1
    context = load_context(ProjectPaths(built).schemaorg)
    meant = _meant(built, built / EXAMPLE)
    assert isomorphic(from_jsonld(json.loads(scripts[0]), context), meant.graph)
    assert json.loads(scripts[0]) == meant.document
    assert browser.title == "L-Glutamine poeder 500 g"
    body = browser.find_element("tag name", "body").text
    assert "24.95" in body and "5-10 g per dag" in body

    source = (site / "l-glutamine-500g.html").read_text(encoding="utf-8")
    extracted = extruct.extract(source, base_url=url, syntaxes=["json-ld"], uniform=False)
    assert extracted["json-ld"] == [meant.document]

    shot = tmp_path / "product-page.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 1000
    artifacts = ROOT / "test-artifacts"
    if os.environ.get("MONOKG_TEST_ARTIFACTS") or artifacts.is_dir():
        artifacts.mkdir(exist_ok=True)
        shutil.copyfile(shot, artifacts / "product-page.png")


def test_a_hostile_claim_text_cannot_break_out(variant: Path, browser: Any,  # noqa: F811
                                               serve: Any) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    url = serve(variant / "build" / "site" / "product") + "hostile-en.html"
    scripts = _open(browser, url)
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018 - reading it raises when no alert is open
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.execute_script("return document.scripts.length") == 1
    assert len(scripts) == 1
    document = json.loads(scripts[0])
    assert HOSTILE in document["safetyConsideration"] or any(
        HOSTILE in text for text in document["safetyConsideration"])
    assert document["name"] == "L-Glutamine powder <b>500 g</b> & more"
    meant = _meant(variant, variant / "data" / "products" / "hostile-en.yaml")
    context = load_context(ProjectPaths(variant).schemaorg)
    assert isomorphic(from_jsonld(document, context), meant.graph)
    assert "<b>" not in browser.find_element("tag name", "h1").get_attribute("innerHTML")
