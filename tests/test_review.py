"""The reviewer's view (review.html): every claim, grouped by section, sortable in a real
browser (headless Chromium, as tests/test_product_browser.py drives it), and escaped."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from monokg.curate.claims import load_monograph
from monokg.curate.vocabulary import load_vocabulary
from monokg.model.paths import ProjectPaths
from monokg.publish.review import to_html

from . import test_product_browser as product_browser
from .conftest import ROOT

# The browser and the local HTTP server of the product page's browser test, shared.
browser = product_browser.browser
shop = product_browser.shop  # the browser fixture's image host
serve = product_browser.serve
CHROMIUM, CHROMEDRIVER = product_browser.CHROMIUM, product_browser.CHROMEDRIVER

VOCABULARY = load_vocabulary(ROOT / "ontology" / "monokg.ttl", ROOT / "data" / "units.tsv")


def _monographs(root: Path) -> list[Any]:
    paths = ProjectPaths(root)
    return [load_monograph(folder, VOCABULARY, paths.sources, paths.mappings)
            for folder in paths.monograph_dirs()]


def test_the_page_escapes_what_curators_write() -> None:
    mono = _monographs(ROOT)[0]
    claim = dataclasses.replace(mono.claims[0], note='<script>alert("x")</script> & more.')
    page = to_html([dataclasses.replace(mono, claims=[claim])], VOCABULARY).decode("utf-8")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more." in page
    assert '<script>alert("x")' not in page


@pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="chromium/chromedriver missing")
def test_every_claim_is_on_the_page_and_every_table_sorts(built: Path, browser: Any,
                                                          serve: Any) -> None:
    from selenium.webdriver.common.by import By

    monographs = _monographs(built)
    browser.get(serve(built / "build") + "review.html")
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.claim")
    expected = {f"{m.id}--{c.id}" for m in monographs for c in m.claims}
    assert {row.get_attribute("id") for row in rows} == expected
    assert len(rows) == len(expected)
    # Each section of the source with claims has its table, headed by its English label.
    tables = browser.find_elements(By.CSS_SELECTOR, "table.claims")
    sections = {c.section.label_en or c.section.heading for m in monographs for c in m.claims}
    assert {t.get_attribute("data-section") for t in tables} == sections
    # Notes, quotes and terms are shown as written.
    claim = next(c for m in monographs for c in m.claims if c.note)
    row = browser.find_element(By.ID, f"{monographs[0].id}--{claim.id}")
    assert claim.note in row.text

    def column(table: Any, n: int) -> list[str]:
        return [r.find_elements(By.TAG_NAME, "td")[n].text
                for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")]

    table = max(tables, key=lambda t: len(t.find_elements(By.CSS_SELECTOR, "tbody tr")))
    in_text_order = column(table, 1)
    heads = table.find_elements(By.CSS_SELECTOR, "thead th")
    heads[1].find_element(By.TAG_NAME, "button").click()
    assert heads[1].get_attribute("aria-sort") == "ascending"
    ids = column(table, 1)
    # In the reader's collation (the browser's localeCompare), as the page promises.
    assert ids == browser.execute_script(
        "return arguments[0].slice().sort(function (a, b) { return a.localeCompare(b); });",
        in_text_order)
    assert ids != in_text_order
    heads[1].find_element(By.TAG_NAME, "button").click()
    assert heads[1].get_attribute("aria-sort") == "descending"
    assert column(table, 1) == ids[::-1]
    # "#" sorts by number, back to text order (10 after 9, not after 1).
    heads[0].find_element(By.TAG_NAME, "button").click()
    assert column(table, 1) == in_text_order
    assert [int(n) for n in column(table, 0)] == list(range(1, len(in_text_order) + 1))
