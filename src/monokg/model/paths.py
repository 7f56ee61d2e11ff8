"""Every path of the project, defined once, relative to a project root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProjectPaths:
    """Where inputs and outputs live below one project root."""

    root: Path

    #: Everything a build reads below the root (files and folders): a change in any of them
    #: makes a new release, so the no-op check (``publish.current``) hashes exactly these.
    INPUTS = ("monokg.toml", "ontology", "shapes", "data", "queries", "vendor")

    @property
    def config(self) -> Path:
        return self.root / "monokg.toml"

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "monokg.ttl"

    @property
    def shapes(self) -> Path:
        return self.root / "shapes"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def sources(self) -> Path:
        return self.data / "sources"

    @property
    def monographs(self) -> Path:
        return self.data / "monographs"

    @property
    def mappings(self) -> Path:
        return self.data / "mappings"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def build_lock(self) -> Path:
        """Held by the build that may write and publish (git-ignored)."""
        return self.root / ".monokg-build.lock"

    #: Name prefix of the folder a build writes its release into before publishing it.
    STAGING_PREFIX = ".build-"

    def leftovers(self) -> list[Path]:
        """Staging folders of builds that died before publishing, and a half-swapped
        ``build.old``: only the holder of ``build_lock`` may remove them."""
        found = sorted(p for p in self.root.glob(self.STAGING_PREFIX + "*") if p.is_dir())
        return found + [p for p in (self.root / "build.old",) if p.is_dir()]

    @property
    def products(self) -> Path:
        return self.data / "products"

    @property
    def product_policy(self) -> Path:
        return self.data / "policy" / "product-claims.yaml"

    @property
    def rich_results(self) -> Path:
        """Google's documented properties of product rich results, as data."""
        return self.data / "policy" / "rich-results.yaml"

    @property
    def currencies(self) -> Path:
        return self.data / "iso4217.tsv"

    @property
    def product_shapes(self) -> Path:
        return self.shapes / "product-page"

    @property
    def schemaorg(self) -> Path:
        return self.root / "vendor" / "schemaorg-30.0"

    @property
    def dcat_ap(self) -> Path:
        """The DCAT-AP 3.0.1 shapes: ``mandatory/`` (violations) and ``recommended/``."""
        return self.root / "vendor" / "dcat-ap-3.0.1"

    def monograph_dirs(self) -> list[Path]:
        """The monograph folders, each with a monograph.yaml, in name order."""
        return sorted(p.parent for p in self.monographs.glob("*/monograph.yaml"))


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds a monokg.toml (else ``start``)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "monokg.toml").is_file():
            return folder
    return here
