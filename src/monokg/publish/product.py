"""Product page files: JSON-LD, the embeddable snippet and the example HTML page."""

from __future__ import annotations

from pathlib import Path

from monokg.assemble.product import ProductPage, PublishedRelease, to_text
from monokg.rdf.files import ReleaseFolder


def write_product_page(page: ProductPage, out: ReleaseFolder, data_dir: Path,
                       html_dir: Path) -> list[Path]:
    """Write <slug>.jsonld and <slug>.snippet.html into ``data_dir``, <slug>.html into
    ``html_dir``."""
    slug = page.product.slug
    files = {data_dir / f"{slug}.jsonld": to_text(page.document),
             data_dir / f"{slug}.snippet.html": page.snippet,
             html_dir / f"{slug}.html": page.page}
    return [out.write(path, text.encode("utf-8")) for path, text in files.items()]


def write_page_files(page: ProductPage, folder: Path) -> list[Path]:
    """`monokg product-page --out`: the page's three files, all in one folder."""
    return write_product_page(page, ReleaseFolder(folder), folder, folder)


def write_product_pages(release: PublishedRelease, out: ReleaseFolder) -> list[Path]:
    """Release writer: every product page as build/product/<slug>.jsonld, .snippet.html and
    .html (checked, before any file was written, by ``check.release``); `monokg site` copies
    the .html pages into the site's product/."""
    written: list[Path] = []
    for page in release.product_pages:
        written += write_product_page(page, out, out.root / "product", out.root / "product")
    return written
