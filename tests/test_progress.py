"""Progress shows on a terminal (one line on stderr, kept up to date) and never in a pipe,
in CI or with --quiet."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

MONOKG = Path(sys.executable).with_name("monokg")
CLEAR_LINE = b"\r\x1b[K"


def _stderr_on_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """What a command wrote to stderr when stderr was a terminal (a pseudo-terminal)."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.run([str(MONOKG), *args], stdout=subprocess.DEVNULL,
                                 stderr=follower, stdin=subprocess.DEVNULL, env=env,
                                 timeout=600, check=False)
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal has no writer left
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.returncode == 0, b"".join(chunks)[-2000:]
        return b"".join(chunks)
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)


def test_progress_on_a_terminal_only(built: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    check = ["check", "--root", str(built)]
    shown = _stderr_on_terminal(check, env)
    assert CLEAR_LINE + b"monographs 1/1, " in shown and b" triples, " in shown, shown[:500]
    # The line is cleared before the outcome: no stage text is left on the screen.
    assert shown.rstrip(b"\r\n").endswith(CLEAR_LINE) or CLEAR_LINE not in shown.rsplit(
        b"\n", 1)[-1]

    assert CLEAR_LINE not in _stderr_on_terminal([*check, "--quiet"], env)
    assert CLEAR_LINE not in _stderr_on_terminal(check, {**env, "CI": "true"})
    piped = subprocess.run([str(MONOKG), *check], capture_output=True, env=env, timeout=600,
                           check=True)
    assert CLEAR_LINE not in piped.stderr and b"\x1b" not in piped.stderr
