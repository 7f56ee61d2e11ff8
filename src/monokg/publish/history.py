"""A release's history: the changelog since the release it replaces, the claims withdrawn
(``tombstones.tsv``, kept across releases so their IRIs answer 410 for ever) and the archive of
past releases (``releases/<version>/``: each one's graph files, metadata and manifest)."""

from __future__ import annotations

from pathlib import Path

from monokg.assemble.history import ARCHIVE, TOMBSTONES, changes_since_previous, tombstones
from monokg.assemble.release import Release
from monokg.publish.changelog import replacements, to_markdown, to_rdf
from monokg.rdf.files import ReleaseFolder

CHANGELOG = ("changelog.md", "changelog.ttl")


def write_history(release: Release, out: ReleaseFolder) -> list[Path]:
    """The changelog, the tombstones and the archive; nothing for a first release."""
    found = changes_since_previous(release)
    if found is None:
        return []
    previous, changes = found
    build = release.paths.build
    written = [out.write(out.root / CHANGELOG[0], to_markdown(changes)),
               out.write(out.root / CHANGELOG[1], to_rdf(changes))]
    withdrawn = {key: value for key, value in tombstones(previous).items()
                 if key not in changes.new.claims}
    replaced = replacements(changes)
    for key in changes.removed:
        withdrawn[key] = (changes.new.version, replaced.get(key, ""))
    rows = ["claim\twithdrawn_in\treplaced_by",
            *(f"{key}\t{version}\t{by}" for key, (version, by) in sorted(withdrawn.items()))]
    written.append(out.write(out.root / TOMBSTONES, ("\n".join(rows) + "\n").encode("utf-8")))
    # Every archived release is carried into the new release folder, and the previous one
    # joins them when it was the published build/ itself.
    archive = build / ARCHIVE
    for folder in sorted(archive.iterdir()) if archive.is_dir() else []:
        written += _copy(folder, out, out.root / ARCHIVE / folder.name)
    if previous == build:
        written += _copy(build, out, out.root / ARCHIVE / changes.old.version)
    return written


def _copy(folder: Path, out: ReleaseFolder, target: Path) -> list[Path]:
    """A release's top-level files (its graph files, metadata, changelog and manifest; not
    its site or product pages, which the current release rebuilds) into ``target``."""
    names = sorted(p for p in folder.iterdir() if p.is_file())
    return [out.write(target / p.name, p.read_bytes()) for p in names]
