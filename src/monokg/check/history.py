"""The release against the one it replaces: a claim id may not be reused for a different
statement (``assemble.changes.reused_ids`` defines "different")."""

from __future__ import annotations

from dataclasses import dataclass

from monokg.assemble.changes import Changes, compare, reused_ids, snapshot
from monokg.assemble.history import (
    MANIFEST,
    changes_since_previous,
    from_folder,
    previous_folder,
    source_checksums,
    tombstones,
)
from monokg.assemble.release import Release
from monokg.model.config import version_increases
from monokg.model.errors import InputError, InputErrors


def check_history(release: Release) -> None:
    """Refuse claim ids that now name a different statement than in the previous release."""
    found = changes_since_previous(release)
    if found is None:
        return
    folder, changes = found
    tombstones(folder)  # a damaged list stops the build here, before anything is written
    claims = {f"{mono.id}/{claim.id}": claim for mono in release.monographs
              for claim in mono.claims}
    errors = []
    for key in reused_ids(changes):
        claim = claims[key]
        errors.append(InputError(
            f"claim {claim.id!r} names a different statement than in release "
            f"{changes.old.version} (its quote and its relation or terms all changed)",
            claim.file, claim.line,
            fix="give the new statement a new id (the old id's IRI keeps its meaning and "
            "becomes a tombstone), or keep the old quote or the old relation and terms"))
    if errors:
        raise InputErrors(errors)


@dataclass
class Checklist:
    """What `monokg release --check` reports before a release is built."""

    changes: Changes
    #: monograph id -> its claims (keys) that stood in the previous release, when the source
    #: file's sha256 differs from the previous release's: their spans must be re-resolved
    changed_sources: dict[str, list[str]]
    #: claims still marked as drafts (keys)
    drafts: list[str]

    @property
    def blocking(self) -> bool:
        return bool(self.changed_sources or self.drafts)

    def report(self) -> str:
        out = [(f"release {self.changes.new.version} after {self.changes.old.version}: "
               "the version increases")]
        for mono, keys in self.changed_sources.items():
            out.append(f"source of {mono} changed checksum: re-resolve the spans of "
                       f"{len(keys)} claim(s): {', '.join(keys)}")
        if self.drafts:
            out.append(f"unreviewed drafts ({len(self.drafts)}): {', '.join(self.drafts)}")
        out.append("ready to release" if not self.blocking else "not ready to release")
        return "\n".join(out) + "\n"


def draft_claims(release: Release) -> list[str]:
    """Claims not yet reviewed. The claim model has no draft marker yet: a claim whose
    ``draft`` attribute is true counts, so a marker added to ``Claim`` plugs in here."""
    return [f"{mono.id}/{claim.id}" for mono in release.monographs for claim in mono.claims
            if getattr(claim, "draft", False)]


def release_checklist(release: Release) -> Checklist:
    """Refuse a version that does not increase on the previous release (``previous`` in
    monokg.toml, else the release in build/); list what changed, the claims whose source
    changed checksum and the drafts."""
    pub, build = release.publication, release.paths.build
    folder = previous_folder(build, pub)
    if folder is None:
        if not (build / MANIFEST).is_file():
            raise InputError("there is no previous release to compare with (build/ holds "
                             "none)", build, fix="build the first release with `monokg build`")
        folder = build
    old = from_folder(folder)
    if not version_increases(old.version, pub.version):
        raise InputError(f"version {pub.version!r} does not increase on the previous release "
                         f"{old.version!r}", release.paths.config,
                         fix=f"set version in monokg.toml above {old.version}, and "
                         f"previous = \"{old.version}\"")
    changes = compare(old, snapshot(release.published_lines, pub.version, pub.base))
    sums = source_checksums(folder)
    changed: dict[str, list[str]] = {}
    for mono in release.monographs:
        if mono.id in sums and sums[mono.id] != mono.source.meta.sha256:
            changed[mono.id] = [f"{mono.id}/{c.id}" for c in mono.claims
                                if f"{mono.id}/{c.id}" in old.claims]
    return Checklist(changes, changed, draft_claims(release))
