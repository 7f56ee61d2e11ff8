"""The site's static files: the vendored YASGUI the query page loads (``monokg/vendor/yasgui``).

Kept inside the package, so any project's build and an installed monokg can copy them, and
copied verbatim into the site's ``assets/yasgui/``: no page fetches anything from another
server. ``scripts/vendor-yasgui.sh`` re-fetches and verifies them.
"""

from __future__ import annotations

from pathlib import Path

#: The vendored YASGUI files.
YASGUI = Path(__file__).resolve().parents[1] / "vendor" / "yasgui"
#: Where the site holds them, relative to its root.
ASSETS = "assets/yasgui"
#: The files a page loads, and the licence that must travel with them, with their media types.
ASSET_FILES = {"yasgui.min.js": "text/javascript; charset=utf-8",
               "yasgui.min.css": "text/css; charset=utf-8",
               "LICENSE": "text/plain; charset=utf-8"}


def assets() -> dict[str, tuple[str, Path]]:
    """Each asset's path in the site -> its media type and vendored file."""
    return {f"{ASSETS}/{name}": (kind, YASGUI / name) for name, kind in ASSET_FILES.items()}
