"""Real servers for the tests, started on 127.0.0.1 on free ports and stopped by process id."""

from __future__ import annotations

import os
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
def oxigraph_server(folder: Path, union: bool = False) -> Iterator[Store]:
    """The Oxigraph server from the PyPI `oxigraph` package, on a free port; with ``union``,
    its default graph is the union of the named graphs (``--union-default-graph``)."""
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        raise RuntimeError("the oxigraph server is missing: pip install -e '.[test]'")
    port = free_port()
    log = (folder / "oxigraph.log").open("wb")
    process = subprocess.Popen([str(binary), "serve", "--location", str(folder / "data"),
                                "--bind", f"127.0.0.1:{port}",
                                *(["--union-default-graph"] if union else [])],
                               stdout=log, stderr=log)
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


NGINX_CONF = """daemon off;
master_process off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {folder}/temp;
    proxy_temp_path {folder}/temp;
    fastcgi_temp_path {folder}/temp;
    uwsgi_temp_path {folder}/temp;
    scgi_temp_path {folder}/temp;
    include {folder}/map.conf;
    server {{
        listen 127.0.0.1:{port};
        location {prefix} {{ alias {site}/; include {site}/nginx.conf; }}
    }}
}}
"""

APACHE_CONF = """ServerRoot {folder}
DefaultRuntimeDir {folder}
PidFile {folder}/httpd.pid
ErrorLog {folder}/error.log
LogLevel warn
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
{modules}
TypesConfig {folder}/mime.types
{user}
DocumentRoot {folder}/empty
<Directory />
    AllowOverride None
    Require all denied
</Directory>
Alias {prefix} {site}/
<Directory {site}>
    AllowOverride All
    Require all granted
</Directory>
"""

#: The Apache modules a deployment of the site's .htaccess needs (and the MPM to run at all).
APACHE_MODULES = ("mpm_event", "authz_core", "alias", "dir", "mime", "rewrite", "headers")


def nginx_map(snippet: str) -> str:
    """The http-context ``map`` block that the site's nginx snippet shows in its comment."""
    lines = snippet.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# map "))
    end = next(i for i in range(start, len(lines)) if lines[i] == "# }")
    return "\n".join(line[2:] for line in lines[start:end + 1]) + "\n"


@contextmanager
def nginx_site(site: Path, folder: Path, prefix: str) -> Iterator[str]:
    """nginx serving ``site`` at ``prefix`` as the site's nginx.conf says; yields the base URL."""
    binary = shutil.which("nginx")
    if binary is None:
        raise RuntimeError("nginx is missing: run `bash scripts/setup.sh --test`")
    port = free_port()
    (folder / "temp").mkdir()
    (folder / "map.conf").write_text(nginx_map((site / "nginx.conf").read_text("utf-8")))
    (folder / "server.conf").write_text(NGINX_CONF.format(folder=folder, port=port,
                                                           prefix=prefix, site=site))
    log = (folder / "nginx.out").open("wb")
    process = subprocess.Popen([binary, "-p", str(folder), "-c", str(folder / "server.conf")],
                               stdout=log, stderr=log)
    try:
        wait_for(f"http://127.0.0.1:{port}/", process, 30)
        yield f"http://127.0.0.1:{port}{prefix}"
    finally:
        stop(process)
        log.close()


@contextmanager
def apache_site(site: Path, folder: Path, prefix: str) -> Iterator[str]:
    """Apache (Debian's apache2) serving ``site`` at ``prefix`` with the site's .htaccess;
    yields the base URL. As root, Apache serves as www-data, so ``site`` must be readable."""
    binary = shutil.which("apache2")
    if binary is None:
        raise RuntimeError("apache2 is missing: run `bash scripts/setup.sh --test`")
    # Debian's layout: the binary in /usr/sbin, its modules in /usr/lib/apache2/modules.
    modules_dir = Path(binary).resolve().parents[1] / "lib" / "apache2" / "modules"
    modules = "\n".join(f"LoadModule {name}_module {modules_dir}/mod_{name}.so"
                        for name in APACHE_MODULES)
    user = "User www-data\nGroup www-data" if os.geteuid() == 0 else ""
    port = free_port()
    (folder / "empty").mkdir()
    (folder / "mime.types").write_text("")
    (folder / "httpd.conf").write_text(APACHE_CONF.format(
        folder=folder, port=port, prefix=prefix, site=site, modules=modules, user=user))
    log = (folder / "apache.out").open("wb")
    process = subprocess.Popen([binary, "-f", str(folder / "httpd.conf"), "-DFOREGROUND"],
                               stdout=log, stderr=log)
    try:
        wait_for(f"http://127.0.0.1:{port}/", process, 30)
        yield f"http://127.0.0.1:{port}{prefix}"
    finally:
        stop(process)
        log.close()
