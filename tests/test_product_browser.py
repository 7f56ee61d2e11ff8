"""The example product page in a real browser: headless Chromium reads the embedded JSON-LD.

The page is served from 127.0.0.1 by a real HTTP server; Chromium is driven by Selenium through
Debian's chromedriver (never a downloaded browser). Skipped only when chromium or chromedriver
is not installed (`scripts/setup.sh --test` installs both).
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import itertools
import json
import os
import re
import shutil
import ssl
import struct
import subprocess
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
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


#: Where the screenshots and axe reports are kept (ignored by git), printed by the tests.
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "vendor" / "axe-core" / "axe.min.js"
JSONLD_JS = ROOT / "vendor" / "jsonld-js" / "jsonld.min.js"
#: jsonld.js in the page: the live DOM's JSON-LD to N-Quads, the schema.org context served from
#: the vendored copy (arguments[0]) and every other URL refused.
TO_NQUADS = """
const done = arguments[arguments.length - 1];
const context = arguments[0];
const loader = async (url) => {
  if (/^https?:\\/\\/schema\\.org\\/?$/.test(url)) {
    return {contextUrl: null, document: context, documentUrl: url};
  }
  throw new Error('refused to fetch ' + url);
};
const text = document.querySelector('script[type="application/ld+json"]').textContent;
jsonld.toRDF(JSON.parse(text), {format: 'application/n-quads', documentLoader: loader})
  .then(done).catch(e => done('error: ' + e));
"""


def _picture(width: int, height: int) -> bytes:
    """A PNG of a supplement tub (lid, body, label) drawn pixel by pixel: the product image
    the test shop serves."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type: none
        for x in range(width):
            colour = (244, 246, 245)
            if 0.22 * width < x < 0.78 * width and 0.12 * height < y < 0.22 * height:
                colour = (11, 93, 59)  # the lid
            elif 0.25 * width < x < 0.75 * width and 0.22 * height <= y < 0.88 * height:
                colour = (255, 255, 255)  # the body
                if 0.42 * height < y < 0.66 * height:
                    colour = (227, 241, 234)  # the label
            row += bytes(colour)
        rows.append(bytes(row))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The test shop's image host: HTTPS on 127.0.0.1 with a self-signed certificate, serving
    /img/<slug>.png; the browser resolves shop.example to it. Returns its port."""
    folder = tmp_path_factory.mktemp("shop")
    (folder / "img").mkdir()
    picture = _picture(300, 300)
    for slug in ("l-glutamine-500g", "creatine-300g"):
        (folder / "img" / f"{slug}.png").write_bytes(picture)
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=shop.example", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, shop: int) -> Iterator[Any]:
    """Headless Chromium with a fresh profile, driven through Debian's chromedriver; the test
    shop's host name leads to the local image host (nothing reaches the network)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download
    options = webdriver.ChromeOptions()
    assert CHROMIUM is not None  # the module is skipped without a browser
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1024,900",
                 f"--host-resolver-rules=MAP shop.example 127.0.0.1:{shop}",
                 "--ignore-certificate-errors",
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

    site = built / "build" / "product"
    url = serve(site) + "l-glutamine-500g.html"
    scripts = _open(browser, url)
    assert len(scripts) == 1
    context = load_context(ProjectPaths(built).schemaorg)
    meant = _meant(built, built / EXAMPLE)
    assert isomorphic(from_jsonld(json.loads(scripts[0]), context), meant.graph)
    assert json.loads(scripts[0]) == meant.document
    assert browser.title == "L-Glutamine poeder 500 g"
    body = browser.find_element("tag name", "body").text
    assert "€ 24,95" in body and "5-10 g per dag" in body

    source = (site / "l-glutamine-500g.html").read_text(encoding="utf-8")
    extracted = extruct.extract(source, base_url=url, syntaxes=["json-ld"], uniform=False)
    assert extracted["json-ld"] == [meant.document]

    # jsonld.js, in the page, reads the same quads as pyld and rdflib
    browser.execute_script(JSONLD_JS.read_text(encoding="utf-8"))
    nquads = browser.execute_async_script(TO_NQUADS, context)
    assert not nquads.startswith("error"), nquads
    read = Graph().parse(data=nquads, format="nt")  # all in the default graph
    assert len(read) == len(meant.graph)
    assert isomorphic(_numbers_by_value(read), _numbers_by_value(meant.graph))


#: (spelled out: pytest's collection trips over an rdflib namespace object in a test module)
_NUMERIC = tuple(URIRef("http://www.w3.org/2001/XMLSchema#" + t)
                 for t in ("integer", "double", "decimal"))


def _numbers_by_value(graph: Graph) -> Graph:
    """The graph with numeric literals in one lexical form (jsonld.js writes 2.495E1 for the
    24.95 that pyld writes), so graphs compare by what they mean."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype in _NUMERIC:
            o = Literal(o.toPython(), datatype=o.datatype)
        out.add((s, p, o))
    return out


def test_the_vendored_jsonld_js_is_the_recorded_one() -> None:
    readme = (JSONLD_JS.parent / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(JSONLD_JS.read_bytes()).hexdigest()
    assert f"`jsonld.min.js` sha256: `{digest}`" in readme


#: Per example page: the project fixture it is built in, its product file, and what a customer
#: must see in the page's language (price, availability, section headings).
PAGES = {
    "l-glutamine-500g": ("built", EXAMPLE, ["€ 24,95", "Op voorraad", "Gebruik",
                                           "Veiligheid", "Bronnen"]),
    "creatine-300g": ("variant", Path("data/products/creatine-300g.yaml"),
                      ["€19.95", "In stock", "Use", "Safety", "Sources"]),
}
#: Screen sizes the page must read well at: a phone and a desktop.
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}


def _png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _screenshot(driver: Any, name: str, width: int, height: int) -> list[Path]:
    """The viewport at width x height, and the whole page at that width, kept as artefacts."""
    import base64
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    driver.execute_script("return document.fonts.ready")
    ARTIFACTS.mkdir(exist_ok=True)
    shots = []
    view = base64.b64decode(driver.execute_cdp_cmd("Page.captureScreenshot",
                                                   {"format": "png"})["data"])
    assert _png_size(view) == (width, height)
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    whole = base64.b64decode(driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1}})["data"])
    for suffix, data in (("", view), ("-full", whole)):
        path = ARTIFACTS / f"{name}{suffix}.png"
        path.write_bytes(data)
        shots.append(path)
    return shots


def _axe(driver: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the open page (the vendored copy, injected)."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(JSON.stringify(r.violations))).catch(e => done('error: ' + e));")
    assert not result.startswith("error"), result
    violations: list[dict[str, Any]] = json.loads(result)
    return violations


def test_the_vendored_axe_core_is_the_recorded_one() -> None:
    readme = (AXE.parent / "README.md").read_text(encoding="utf-8")
    version = (AXE.parent / "VERSION").read_text(encoding="utf-8").strip()
    digest = hashlib.sha256(AXE.read_bytes()).hexdigest()
    assert f"`axe.min.js` sha256: `{digest}`" in readme
    assert f"axe-core {version}" in readme and f"axe-core@{version}" in readme
    assert f"axe v{version}" in AXE.read_text(encoding="utf-8")[:200]


@pytest.mark.parametrize("slug", sorted(PAGES))
def test_a_page_a_shop_would_ship(slug: str, request: pytest.FixtureRequest, browser: Any,
                                  serve: Any) -> None:
    """The example page in Chromium, at a phone's and a desktop's size: its image loads, the
    price, availability and sections read in the page's language, every text is a whole
    sentence, nothing overflows, headings are in order and axe-core finds no serious or
    critical violation. The screenshots are kept (paths printed) and were looked at."""
    from monokg.curate.language import load_language
    from monokg.curate.products import is_sentence

    fixture, product_file, expected = PAGES[slug]
    root: Path = request.getfixturevalue(fixture)
    meant = _meant(root, root / product_file)
    words = load_language(meant.product.language).product_page
    english = load_language("en").product_page
    url = serve(root / "build" / "product") + f"{slug}.html"
    browser.get(url)
    assert browser.execute_script("return document.documentElement.lang") \
        == meant.product.language
    assert browser.execute_script(
        "const i = document.querySelector('.gallery img');"
        "return i.complete && i.naturalWidth > 0 && i.alt.length > 0")
    body = browser.find_element("tag name", "body").text
    for text in expected:
        assert text in body, text
    # Nothing raw: no schema.org enumeration name, no English word on a page in another
    # language.
    for raw in ("InStock", "NewCondition", "FreeReturn", "ReturnByMail", "EUR"):
        assert not re.search(rf"\b{raw}\b", body), raw
    if meant.product.language != "en":
        for key in ("price", "availability", "intake", "safety", "sources", "InStock"):
            assert english[key] != words[key] and english[key] not in body, key
    texts = browser.execute_script(
        "return [...document.querySelectorAll('ul.safety li, a.claim')].map(e => "
        "e.textContent.trim())")
    doses = browser.execute_script(
        "return [...document.querySelectorAll('ul.dose li')].map(e => e.textContent.trim())")
    assert texts and doses
    assert all(is_sentence(t) for t in texts), [t for t in texts if not is_sentence(t)]
    assert all(is_sentence(d.split(": ", 1)[1]) for d in doses), doses
    headings = browser.execute_script(
        "return [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(headings))
    shots = []
    for name, (width, height) in SIZES.items():
        shots += _screenshot(browser, f"product-{slug}-{name}", width, height)
        assert browser.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"), name
        side_by_side = browser.execute_script(
            "const g = document.querySelector('.gallery').getBoundingClientRect();"
            "const b = document.querySelector('.buy').getBoundingClientRect();"
            "return g.right <= b.left")
        assert side_by_side is (name == "desktop"), name
        serious = [(v["id"], v["impact"], v["help"]) for v in _axe(browser)
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], serious
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    print("screenshots:", *shots, sep="\n  ")


FOREIGN_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>Shop front</title>
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "Organization",
 "@id": "https://shop.example/#org", "name": "Shop &amp; Co", "url": "https://shop.example/"}}
</script>
<script>window.shopLoaded = true;</script></head>
<body><header><nav><a href="/">Home</a></nav></header>
<main><h1>{name}</h1><div id="product">
{snippet}</div><p id="after">Shop template continues.</p></main></body></html>
"""


@pytest.mark.parametrize("embedded", [True, False], ids=["in-a-shop-page", "standalone"])
def test_the_snippet_works_embedded_and_standalone(built: Path, browser: Any, serve: Any,
                                                   tmp_path: Path, embedded: bool) -> None:
    """The embeddable snippet (the default output for shops with their own templates), pasted
    into a foreign page beside the shop's own JSON-LD, and opened on its own: Chromium and
    extruct read our document unchanged, it means the product graph, and the shop's page
    around it is untouched."""
    import extruct

    meant = _meant(built, built / EXAMPLE)
    snippet = (built / "build" / "product" / "l-glutamine-500g.snippet.html").read_text(
        encoding="utf-8")
    assert snippet == meant.snippet
    html = (FOREIGN_PAGE.format(lang=meant.product.language, name=meant.product.name,
                                snippet=snippet) if embedded else snippet)
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    url = serve(tmp_path) + "page.html"
    scripts = _open(browser, url)
    ours = [json.loads(s) for s in scripts if '"Product"' in s]
    assert ours == [meant.document]
    assert len(scripts) == (2 if embedded else 1)
    context = load_context(ProjectPaths(built).schemaorg)
    assert isomorphic(from_jsonld(ours[0], context), meant.graph)
    extracted = extruct.extract(html, base_url=url, syntaxes=["json-ld"], uniform=False)
    assert [d for d in extracted["json-ld"] if d.get("@type") != "Organization"] \
        == [meant.document]
    if embedded:
        assert browser.execute_script("return window.shopLoaded === true")
        assert browser.find_element("id", "after").text == "Shop template continues."
        assert any(d.get("@type") == "Organization" for d in extracted["json-ld"])


def test_a_hostile_claim_text_cannot_break_out(variant: Path, browser: Any,  # noqa: F811
                                               serve: Any) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    url = serve(variant / "build" / "product") + "hostile-en.html"
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
