"""Nothing lost, nothing half-published, nothing silent: bad settings, unsafe YAML, a disk or
folder that refuses writes, a second build and a build killed at any moment all leave the
published release exactly as it was, with a message naming file and line (exit 2)."""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from monokg.cli import main
from monokg.model.config import load_publication
from monokg.model.errors import InputError
from monokg.model.paths import ProjectPaths
from monokg.pipeline import build, rewrite_site
from monokg.publish import release
from monokg.publish.release import build_lock

from .conftest import release_files

CLAIMS = Path("data/monographs/l-glutamine-nl/claims")
DOSERING = CLAIMS / "10-dosering.yaml"
MONOGRAPH = Path("data/monographs/l-glutamine-nl/monograph.yaml")
PRODUCT = Path("data/products/l-glutamine-500g.yaml")
CONFIG = Path("monokg.toml")
COMMAND = [sys.executable, "-m", "monokg", "build", "--root"]


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A private copy of a project that has a good build in place."""
    return Path(shutil.copytree(built, tmp_path / "project"))


@pytest.fixture(scope="module")
def shared(built: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """One copy of the built project for the input cases (each restores what it broke), and
    the bytes of its release."""
    root = Path(shutil.copytree(built, tmp_path_factory.mktemp("shared") / "project"))
    return root, release_files(root / "build")


def _set(project: Path, key: str, line: str) -> int:
    """Replace the line that sets ``key`` in monokg.toml (or append it); its line number."""
    path = project / CONFIG
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next((n for n, text in enumerate(lines) if text.startswith(f"{key} =")), len(lines))
    lines[at:at + 1] = [line]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


def _add_claim(project: Path, fields: str) -> int:
    """Append a claim (YAML lines below '- id: ...') to the dosage file; its first line."""
    path = project / DOSERING
    text = path.read_text(encoding="utf-8")
    path.write_text(text + fields, encoding="utf-8")
    return text.count("\n") + 1


CLAIM = ("    kind: Handling\n    relation: sensitiveTo\n    statement: {statement}\n"
         "    quote: Glutamine is hittegevoelig\n    modality: Asserted\n")


def _claim_with(claim_id: str = "new-claim", statement: str = "Sensitive to heat.") -> str:
    return f"  - id: {claim_id}\n" + CLAIM.format(statement=statement)


#: A claim whose note defines 30 anchors, each a list of four aliases of the one before, and
#: whose statement is the last: 4**29 strings once expanded.
BOMB = ("  - id: bomb\n    kind: Handling\n    relation: sensitiveTo\n"
        "    quote: Glutamine is hittegevoelig\n    modality: Asserted\n    note:\n"
        "      - &l0 heat\n"
        + "".join(f"      - &l{n} [*l{n - 1}, *l{n - 1}, *l{n - 1}, *l{n - 1}]\n"
                  for n in range(1, 30))
        + "    statement: *l29\n")

#: name -> (break the project, returning the file and line the message must name; fragments)
Breaker = Callable[[Path], tuple[Path, int]]
CASES: dict[str, tuple[Breaker, list[str]]] = {
    "dataset climbs out of the project": (
        lambda p: (CONFIG, _set(p, "dataset", 'dataset = "../evil"')), ["dataset '../evil'"]),
    "empty dataset": (lambda p: (CONFIG, _set(p, "dataset", 'dataset = ""')), ["dataset ''"]),
    "base with a query": (
        lambda p: (CONFIG, _set(p, "base", 'base = "https://example.org/kg?x=1/"')),
        ["no query"]),
    "base with a space": (
        lambda p: (CONFIG, _set(p, "base", 'base = "https://example.org/my kg/"')),
        ["a space"]),
    "base with angle brackets": (
        lambda p: (CONFIG, _set(p, "base", 'base = "https://example.org/<kg>/"')), ["<>"]),
    "base with a fragment": (
        lambda p: (CONFIG, _set(p, "base", 'base = "https://example.org/kg#"')), ["'#'"]),
    "relative base": (lambda p: (CONFIG, _set(p, "base", 'base = "kg/"')), ["absolute"]),
    "issued is no date": (
        lambda p: (CONFIG, _set(p, "issued", 'issued = "last Tuesday"')), ["ISO 8601"]),
    "licence is neither IRI nor SPDX id": (
        lambda p: (CONFIG, _set(p, "license", 'license = "CC BY"')), ["SPDX"]),
    "version is a number": (
        lambda p: (CONFIG, _set(p, "version", "version = 1.0")), ["not text", "quotes"]),
    "misspelt setting": (
        lambda p: (CONFIG, _set(p, "publisher", 'publsher = "x"')),
        ["unknown setting 'publsher'", "publisher"]),
    "misspelt table": (
        lambda p: (CONFIG, _replace(p, CONFIG, "[publication]", "[publicaton]")),
        ["unknown table"]),
    "TOML syntax error": (
        lambda p: (CONFIG, _set(p, "version", "version = 0.1.0")), ["not valid TOML"]),
    "alias bomb as a statement": (
        lambda p: (DOSERING, _add_claim(p, BOMB) + 6), ["anchor &l0", "not allowed"]),
    "claim id read as an octal number": (
        lambda p: (DOSERING, _add_claim(p, _claim_with(claim_id="010"))),
        ["id '010' is read as a number", '"010"']),
    "claim id with an underscore": (
        lambda p: (DOSERING, _add_claim(p, _claim_with(claim_id="1_000"))),
        ["id '1_000' is read as a number"]),
    "statement read as true or false": (
        lambda p: (DOSERING, _add_claim(p, _claim_with(statement="yes")) + 3),
        ["statement 'yes' is read as true or false"]),
    "a line separator pasted into a product name": (
        lambda p: (PRODUCT, _replace(p, PRODUCT, "name: \"", "name: \"Pure\u2028")),
        ["U+2028", "one line"]),
    "source outside its folder": (
        lambda p: (MONOGRAPH, _replace(
            p, MONOGRAPH, "source: ",
            "source: ../../")), ["outside sources/"]),
}


def _replace(project: Path, relative: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in a file; the line it stood on."""
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_settings_and_unsafe_yaml_are_refused_by_file_and_line(
        case: str, built: Path, shared: tuple[Path, dict[str, bytes]]) -> None:
    project, before = shared
    breaker, fragments = CASES[case]
    try:
        file, line = breaker(project)
        result = CliRunner().invoke(main, ["build", "--root", str(project)])
    finally:
        for relative in (CONFIG, DOSERING, MONOGRAPH, PRODUCT):
            shutil.copy2(built / relative, project / relative)
    output = result.output + (result.stderr if result.stderr_bytes else "")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), output
    assert f"{file.name}:{line}" in output and "fix:" in output, output
    for fragment in fragments:
        assert fragment in output, f"{fragment!r} missing from:\n{output}"
    assert release_files(project / "build") == before
    assert not list(project.glob("evil*")) and not list(project.parent.glob("evil*"))
    assert not ProjectPaths(project).leftovers()


@pytest.mark.parametrize("missing", ["ontology/monokg.ttl", "data/units.tsv", "shapes"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_missing_input_is_named_never_a_traceback_nor_a_vacuous_pass(
        missing: str, command: str, shared: tuple[Path, dict[str, bytes]]) -> None:
    project, before = shared
    target = project / missing
    aside = project.parent / "aside"
    target.rename(aside)
    try:
        result = CliRunner().invoke(main, [command, "--root", str(project)])
    finally:
        aside.rename(target)
    output = result.output + (result.stderr if result.stderr_bytes else "")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), output
    assert f"{missing}:" in output and "fix:" in output, output
    assert release_files(project / "build") == before


def test_a_licence_may_be_an_spdx_id_and_a_date_a_toml_date(tmp_path: Path) -> None:
    config = tmp_path / "monokg.toml"
    config.write_text('[publication]\nlicense = "cc-by-4.0"\nissued = 2026-01-31\n',
                      encoding="utf-8")
    publication = load_publication(config)
    assert publication.license == "https://spdx.org/licenses/CC-BY-4.0"
    assert publication.issued == "2026-01-31"


def _run(project: Path, *extra: str, limit_bytes: int | None = None,
         wrap: list[str] | None = None,
         command: list[str] = COMMAND) -> subprocess.CompletedProcess[str]:
    """``monokg build`` on ``project`` in a child process (a file size limit if given)."""
    def limit() -> None:
        if limit_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return subprocess.run([*(wrap or []), *command, str(project), *extra], check=False,
                          text=True, capture_output=True, preexec_fn=limit, timeout=300)


def _refused_cleanly(project: Path, before: dict[str, bytes],
                     done: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and fragment in done.stderr, done.stderr
    assert "build/ was left as it was" in done.stderr
    assert release_files(project / "build") == before
    assert not ProjectPaths(project).leftovers()


def test_a_full_disk_leaves_the_release_as_it_was(project: Path) -> None:
    """A file size limit fails writes the way a full disk does, for root too; without the
    cache the first file too large is a release file (the N-Triples are over 1 MB)."""
    before = release_files(project / "build")
    done = _run(project, "--no-cache", limit_bytes=1 << 20)
    _refused_cleanly(project, before, done, "File too large")
    assert ".build-" in done.stderr  # the message names the file it could not write


def test_a_site_rewrite_that_cannot_write_leaves_the_site_as_it_was(project: Path) -> None:
    """`monokg site` writes a new site beside the old one and swaps it in whole; the largest
    pages are over 20 kB."""
    rewrite_site(ProjectPaths(project), jobs=1)
    before = release_files(project / "build")
    assert "site/index.html" in before
    done = _run(project, limit_bytes=20_000,
                command=[sys.executable, "-m", "monokg", "site", "--root"])
    _refused_cleanly(project, before, done, "File too large")


def test_a_read_only_project_leaves_the_release_as_it_was(project: Path) -> None:
    before = release_files(project / "build")
    if os.geteuid() != 0:
        project.chmod(0o555)
        try:
            done = _run(project)
        finally:
            project.chmod(0o755)
        return _refused_cleanly(project, before, done, "Permission denied")
    # Root writes through any mode bits; a read-only bind mount stops root too.
    mount = (f"mount --bind '{project}' '{project}' && "
             f"mount -o remount,bind,ro '{project}'")
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-m", "sh", "-c", mount],
                                         check=False, capture_output=True).returncode != 0:
        pytest.skip("running as root, where chmod does not stop writes, and this system "
                    "allows no read-only bind mount (unshare -m) to stop them")
    done = _run(project, wrap=[unshare, "-m", "sh", "-c", f'{mount} && exec "$@"', "sh"])
    _refused_cleanly(project, before, done, "Read-only file system")


def test_a_second_build_waits_for_the_first_and_then_refuses(project: Path) -> None:
    paths = ProjectPaths(project)
    leftover = project / ".build-of-the-running-build"
    with build_lock(paths, wait=0):
        leftover.mkdir()
        started = time.monotonic()
        with pytest.raises(InputError) as caught:
            build(paths, wait=0.5)
        assert time.monotonic() - started >= 0.5
    assert "another build of this project is running" in str(caught.value)
    assert caught.value.fix and "wait for it" in caught.value.fix
    assert leftover.is_dir(), "a build without the lock removed the running build's folder"


def test_a_build_killed_at_any_moment_leaves_a_whole_release(
        built: Path, project: Path) -> None:
    """kill -9 the build (all its processes) while it assembles, while it writes its staging
    folder, and just after the last file of it (the manifest) is written: at the swap and
    while the old release is removed. build/ is the clean release after every kill, and the
    next build leaves no staging folder."""
    clean = release_files(built / "build")
    hits = 0
    for trigger, offset in (("start", 0.5), ("staging", 0.3), ("manifest", 0.0),
                            ("manifest", 0.1), ("manifest", 0.3)):
        # Folders a killed build left: the next build's own staging folder is a new one.
        left = set(project.glob(".build-*"))
        process = subprocess.Popen([*COMMAND, str(project)], start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if trigger != "start":
            _wait_for(functools.partial(_new_staging, project, left), process)
            staging = (set(project.glob(".build-*")) - left or {project}).pop()
        if trigger == "manifest":
            _wait_for((staging / "manifest.json").exists, process)
        time.sleep(offset)
        hits += process.poll() is None
        with contextlib.suppress(ProcessLookupError):  # it may have finished meanwhile
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert release_files(project / "build") == clean, f"after a kill at {trigger}+{offset}"
    assert hits >= 3, "too few kills hit a running build to show anything"
    result = CliRunner().invoke(main, ["build", "--root", str(project)])
    assert result.exit_code == 0, result.output
    assert release_files(project / "build") == clean
    assert not ProjectPaths(project).leftovers()


def _new_staging(project: Path, left: set[Path]) -> bool:
    """Whether a staging folder other than those in ``left`` exists."""
    return bool(set(project.glob(".build-*")) - left)


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    """Poll until ``condition`` holds or the process has ended (at most two minutes)."""
    deadline = time.monotonic() + 120
    while not condition() and process.poll() is None:
        assert time.monotonic() < deadline, "the build never got there"
        time.sleep(0.01)


def _folder(path: Path, text: str) -> Path:
    path.mkdir()
    (path / "file.txt").write_text(text, encoding="utf-8")
    return path


def test_publishing_exchanges_the_folders_in_one_step(tmp_path: Path) -> None:
    target, staging = _folder(tmp_path / "build", "old"), _folder(tmp_path / ".build-1", "new")
    new_inode = staging.stat().st_ino
    if not release._exchange(staging, target):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available here (publish falls back "
                    "to two renames)")
    # Exchanged, not copied: build/ is the staging folder itself, the old release beside it.
    assert target.stat().st_ino == new_inode and (target / "file.txt").read_text() == "new"
    assert (staging / "file.txt").read_text() == "old"
    release.publish(_folder(tmp_path / ".build-2", "newer"), target)
    assert (target / "file.txt").read_text() == "newer" and not (tmp_path / ".build-2").exists()


def test_the_fallback_swap_cut_off_between_its_renames_is_undone_by_the_next_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(release, "_exchange", lambda first, second: False)
    paths = ProjectPaths(tmp_path)
    release.publish(_folder(tmp_path / ".build-1", "new"), _folder(paths.build, "old"))
    assert (paths.build / "file.txt").read_text() == "new" and not paths.leftovers()
    # A kill after the first rename of the fallback: no build/, the release in build.old.
    (paths.build).rename(tmp_path / "build.old")
    _folder(tmp_path / ".build-2", "half written")
    with build_lock(paths, wait=0):
        assert (paths.build / "file.txt").read_text() == "new" and not paths.leftovers()
