"""Real servers for the tests, started on 127.0.0.1 on free ports and stopped by process id."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                             "nonNegativeInteger", "positiveInteger", "unsignedInt")}

VIRTUOSO_INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
MaxClientConnections = 4
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def free_port() -> int:
    """A TCP port nobody listens on right now (on 127.0.0.1)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen, seconds: float) -> None:
    """Wait until the URL answers at all (any HTTP status), at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    """Terminate a process we started, then kill it if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@dataclass(frozen=True)
class Store:
    """A running store: where to PUT graphs and where to query."""

    name: str
    gsp: str
    query: str
    user: str | None = None
    password: str | None = None
    #: Virtuoso only: the isql command line and the folder its bulk loader may read.
    isql: tuple[str, ...] = ()
    folder: Path | None = None


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[Store]:
    """The Oxigraph server from the PyPI `oxigraph` package, on a free port."""
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        raise RuntimeError("the oxigraph server is missing: pip install -e '.[test]'")
    port = free_port()
    log = (folder / "oxigraph.log").open("wb")
    process = subprocess.Popen([str(binary), "serve", "--location", str(folder / "data"),
                                "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=log)
    try:
        wait_for(f"http://127.0.0.1:{port}/query", process, 30)
        yield Store("oxigraph", f"http://127.0.0.1:{port}/store",
                    f"http://127.0.0.1:{port}/query")
    finally:
        stop(process)
        log.close()


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[Store]:
    """A private Virtuoso Open Source 7 instance (Debian virtuoso-opensource-7-bin)."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        raise RuntimeError("Virtuoso is missing: run `bash scripts/setup.sh --test` "
                           "(installs virtuoso-opensource-7-bin)")
    sql_port, http_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(sql_port=sql_port,
                                                             http_port=http_port))
    log = (folder / "virtuoso.out").open("wb")
    process = subprocess.Popen([binary, "+foreground", "+configfile", "virtuoso.ini"],
                               cwd=folder, stdout=log, stderr=log)
    try:
        wait_for(f"http://127.0.0.1:{http_port}/sparql", process, 60)
        yield Store("virtuoso", f"http://127.0.0.1:{http_port}/sparql-graph-crud-auth",
                    f"http://127.0.0.1:{http_port}/sparql", "dba", "dba",
                    (isql, f"127.0.0.1:{sql_port}", "dba", "dba"), folder)
    finally:
        if process.poll() is None:
            subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", "exec=shutdown;"],
                           capture_output=True, timeout=30, check=False)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                pass
        stop(process)
        log.close()


def plain(binding: dict | None) -> str | None:
    """A SPARQL JSON binding as a plain value: numbers normalised, booleans as true/false.

    Virtuoso answers with the old ``typed-literal`` type and writes some numbers differently
    ("5.0" vs "5"), so values are compared as values, not as spellings.
    """
    if binding is None:
        return None
    value, datatype = binding["value"], binding.get("datatype")
    if datatype in NUMERIC:
        try:
            return format(Decimal(value).normalize(), "f")
        except InvalidOperation:
            return value
    if datatype == XSD + "boolean":
        return "true" if value in ("true", "1") else "false"
    if datatype == XSD + "duration":
        return _duration_seconds(value)
    return value


_DAY_TIME = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?")


def _duration_seconds(value: str) -> str:
    """A day-time xsd:duration as seconds: Virtuoso stores durations as a number of seconds
    ("P1D" comes back as "86400.0"), so both spellings are compared as seconds."""
    match = _DAY_TIME.fullmatch(value)
    if match and value not in ("P", "PT"):
        days, hours, minutes, seconds = (Decimal(g or 0) for g in match.groups())
        total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    else:
        try:
            total = Decimal(value)
        except InvalidOperation:
            return value
    return format(total.normalize(), "f")


def rows_of(answer: object) -> set[tuple[str | None, ...]]:
    """A SPARQL JSON SELECT answer (as parsed JSON) as a set of rows of plain values."""
    assert isinstance(answer, dict), f"not a SPARQL JSON results document: {answer!r:.200}"
    variables = answer["head"]["vars"]
    return {tuple(plain(b.get(v)) for v in variables) for b in answer["results"]["bindings"]}
