"""A rebuild with nothing changed does nothing, and says so; any change to an input, the
settings or the published build/ makes the next build a full one."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from monokg.cli import main
from monokg.model.paths import ProjectPaths
from monokg.publish.current import current_release

from .conftest import release_files


def _lines(output: str, start: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(start)]


def test_a_rebuild_does_nothing_until_something_changes(project: Path) -> None:
    paths = ProjectPaths(project)
    assert current_release(paths, "en") is None  # never built
    first = CliRunner().invoke(main, ["build", "--root", str(project)])
    assert first.exit_code == 0, first.output
    before = release_files(paths.build)
    inode = paths.build.stat().st_ino

    again = CliRunner().invoke(main, ["build", "--root", str(project)])
    assert again.exit_code == 0, again.output
    assert _lines(again.output, "built ") == [] and len(_lines(again.output, "build/ is current"))
    # It says what the build that made the release said: counts, coverage, warnings.
    said = current_release(paths, "en")
    assert said is not None and said.files == len(before)
    assert f"built {said.claims} claims, {said.triples} triples, {said.files} files" in (
        first.output)
    for start in ("coverage:", "warning", "  fix:"):
        assert _lines(again.output, start) == _lines(first.output, start)
    assert paths.build.stat().st_ino == inode and release_files(paths.build) == before

    assert current_release(paths, "nl") is None  # another language is another setting
    claims = min(paths.monographs.glob("*/claims/*.yaml"))
    text = claims.read_bytes()
    claims.write_bytes(text.replace(b"statement: ", b"statement: Edited. ", 1))
    assert current_release(paths, "en") is None
    claims.write_bytes(text)  # build/ holds the release of these inputs again
    assert current_release(paths, "en") is not None
    for part in ProjectPaths.INPUTS:  # a new file in any input folder counts
        folder = project / part
        if folder.is_dir():
            added = folder / "added-by-the-test.txt"
            added.write_text("x\n", encoding="utf-8")
            assert current_release(paths, "en") is None, part
            added.unlink()
    assert current_release(paths, "en") is not None
    site = paths.build / "site"  # the static site is no part of the release: not looked at
    site.mkdir()
    (site / "index.html").write_text("a site written by `monokg site`\n", encoding="utf-8")
    assert current_release(paths, "en") is not None

    data = paths.build / "monokg.nt"
    data.write_bytes(data.read_bytes() + b"\n")  # build/ edited by hand: not the release
    assert current_release(paths, "en") is None
    cold = CliRunner().invoke(main, ["build", "--root", str(project), "--no-cache"])
    assert cold.exit_code == 0 and _lines(cold.output, "built "), cold.output
    assert release_files(paths.build) == before and current_release(paths, "en") is not None
    (paths.build / "coverage.tsv").unlink()
    assert current_release(paths, "en") is None
