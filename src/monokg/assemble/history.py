"""Past releases for ``monokg diff`` and ``monokg release --check``: a release folder (a
``build/`` or an archived ``releases/<version>/``), or the ``build/`` committed at a git
revision, read with ``git show`` (the work tree is never touched)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from monokg.assemble.changes import Changes, Snapshot, compare, snapshot
from monokg.assemble.release import Release
from monokg.model.config import Publication
from monokg.model.errors import InputError
from monokg.model.namespaces import SPDX
from monokg.rdf.ntriples import split_literal
from monokg.rdf.read import load_lines

MANIFEST = "manifest.json"


def _manifest(text: str, where: Path | str) -> tuple[str, str, str]:
    """(dataset name, base, version) from a release's manifest.json."""
    try:
        document = json.loads(text)
        dataset, version = str(document["dataset"]), str(document["version"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"not a release manifest ({exc})", Path(str(where)),
                         fix="name a folder that `monokg build` wrote (it holds manifest.json)"
                         ) from None
    base, _, name = dataset.rpartition("dataset/")
    if not base or not name:
        raise InputError(f"dataset IRI {dataset!r} is not <base>dataset/<name>", Path(str(where)),
                         fix="name a folder that `monokg build` wrote")
    return name, base, version


def from_folder(folder: Path) -> Snapshot:
    """A release folder as a snapshot."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise InputError("not a release folder: it has no manifest.json", folder,
                         fix="name a folder that `monokg build` wrote, or a git revision")
    name, base, version = _manifest(manifest.read_text(encoding="utf-8"), manifest)
    data = folder / f"{name}.nt"
    if not data.is_file():
        raise InputError(f"the release has no {data.name}", folder,
                         fix="the folder is incomplete: rebuild it with `monokg build`")
    return snapshot(data.read_text(encoding="utf-8").splitlines(), version, base)


def _git_show(root: Path, revision: str, path: str) -> str:
    done = subprocess.run(["git", "-C", str(root), "show", f"{revision}:./{path}"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise InputError(f"git revision {revision!r} has no {path}", root,
                         fix="name a revision whose build/ was committed (`git log -- build`)")
    return done.stdout


def from_revision(root: Path, revision: str) -> Snapshot:
    """The release committed in ``build/`` at a git revision of the project at ``root``."""
    found = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet",
                            "--end-of-options", f"{revision}^{{commit}}"],
                           capture_output=True, text=True, check=False)
    if found.returncode != 0:
        raise InputError(f"{revision!r} is neither a release folder nor a git revision", root,
                         fix="name a folder `monokg build` wrote, or a commit, tag or branch "
                         "(`git log --oneline`)")
    commit = found.stdout.strip()
    name, base, version = _manifest(_git_show(root, commit, f"build/{MANIFEST}"),
                                    f"{revision}:build/{MANIFEST}")
    lines = _git_show(root, commit, f"build/{name}.nt").splitlines()
    return snapshot(lines, version, base)


def load_release(root: Path, spec: str) -> Snapshot:
    """A release named on the command line: a folder if one exists there, else a revision."""
    folder = Path(spec)
    if folder.is_dir():
        return from_folder(folder)
    return from_revision(root, spec)


#: Where past releases are kept inside a release folder: ``releases/<version>/``.
ARCHIVE = "releases"
#: Claims withdrawn in any earlier release, kept so that their IRIs answer 410 for ever.
TOMBSTONES = "tombstones.tsv"


def previous_folder(build: Path, publication: Publication) -> Path | None:
    """The folder of the release ``publication.previous`` names (None for a first release):
    the archived ``build/releases/<version>/``, else ``build/`` itself when it holds that
    version. A previous release that cannot be found or read is an input error."""
    if not publication.previous:
        return None
    for folder in (build / ARCHIVE / publication.previous, build):
        manifest = folder / MANIFEST
        if manifest.is_file():
            _, _, version = _manifest(manifest.read_text(encoding="utf-8"), manifest)
            if version == publication.previous:
                return folder
    raise InputError(f"the previous release {publication.previous!r} cannot be read: it is "
                     f"neither in build/ nor in build/{ARCHIVE}/{publication.previous}/",
                     build, fix="restore that release's build/ (git checkout <tag> -- build), "
                     "or correct 'previous' in monokg.toml")


def archived_file(build: Path, path: str) -> Path | None:
    """The file a site path ``download/releases/<version>/<name>`` names in the archive of
    past releases, or None (never a path outside ``build/releases/``)."""
    parts = path.split("/")
    if len(parts) != 4 or parts[:2] != ["download", ARCHIVE] or any(
            part in ("", ".", "..") for part in parts[2:]):
        return None
    found = build / ARCHIVE / parts[2] / parts[3]
    return found if found.is_file() else None


def tombstones(folder: Path) -> dict[str, tuple[str, str]]:
    """Withdrawn claims recorded in a release folder: key -> (version withdrawn in, key of the
    claim that replaced it or "")."""
    path = folder / TOMBSTONES
    return parse_tombstones(path.read_text(encoding="utf-8"), path) if path.is_file() else {}


def parse_tombstones(text: str, path: Path) -> dict[str, tuple[str, str]]:
    """``tombstones.tsv`` (a header row, then claim, withdrawn_in, replaced_by) as a dict."""
    found = {}
    for number, line in enumerate(text.splitlines()[1:], start=2):
        fields = line.split("\t")
        if len(fields) != 3:
            raise InputError(f"expected 3 tab-separated fields, found {len(fields)}", path,
                             number, fix="restore the file from the release it came with "
                             "(git checkout -- build/tombstones.tsv)")
        found[fields[0]] = (fields[1], fields[2])
    return found


def withdrawn_claim(path: str, withdrawn: dict[str, tuple[str, str]]
                    ) -> tuple[str, str, str] | None:
    """(claim key, version withdrawn in, replacing key or "") when a site path (``claim/<key>``,
    with or without a format suffix) names a withdrawn claim, else None."""
    if not path.startswith("claim/"):
        return None
    key = path[len("claim/"):]
    for candidate in (key, key.rsplit(".", 1)[0]):
        if candidate in withdrawn:
            return (candidate, *withdrawn[candidate])
    return None


def changes_since_previous(release: Release) -> tuple[Path, Changes] | None:
    """The previous release's folder and what changed since (None for a first release)."""
    pub = release.publication
    folder = previous_folder(release.paths.build, pub)
    if folder is None:
        return None
    current = snapshot(release.published_lines, pub.version, pub.base)
    return folder, compare(from_folder(folder), current)


def source_checksums(folder: Path) -> dict[str, str]:
    """Monograph id -> the sha256 of its source file, as a release's metadata recorded it."""
    name, base, _ = _manifest((folder / MANIFEST).read_text(encoding="utf-8"), folder / MANIFEST)
    metadata = folder / f"{name}.void.ttl"
    marker = f"{base}dataset/{name}/checksum/source-"
    sums = {}
    for line in load_lines(metadata) if metadata.is_file() else []:
        s, p, rest = line.split(" ", 2)
        if s.startswith(f"<{marker}") and p == f"<{SPDX.checksumValue}>":
            sums[s[len(marker) + 1:-1]] = split_literal(rest[:-2])[0]
    return sums
