"""The `monokg` command line: parse arguments, call one library function, print the outcome.

Exit codes: 0 ok, 1 the data does not conform, 2 the input could not be read or the command
was misused, 70 (sysexits' EX_SOFTWARE) a bug in monokg, with the traceback and a request to
report it. Errors go to stderr; results to stdout. Heavy libraries are imported inside the
commands that need them, so `monokg --help` starts fast.
"""

from __future__ import annotations

import functools
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__

#: The exit code of a bug in monokg itself (sysexits.h's EX_SOFTWARE): never 1 or 2, which
#: speak of the data.
BUG = 70


def _fail_cleanly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the project's errors into a message on stderr and the documented exit code."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from monokg.model.errors import InputError, InputErrors, NonConformance
        try:
            return func(*args, **kwargs)
        except (InputError, InputErrors) as exc:
            errors = exc.errors if isinstance(exc, InputErrors) else [exc]
            click.echo(f"{_said('error')}: " + "\n".join(_in_language(e) for e in errors),
                       err=True)
            sys.exit(2)
        except NonConformance as exc:
            click.echo(f"{_said('does_not_conform')}: {exc}", err=True)
            sys.exit(1)
        except OSError as exc:
            # A file the system will not give or take (permissions, a folder in its place, a
            # vanished mount): the user's to fix, so a message, not a traceback.
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"{_said('error')}: {where}{exc.strerror or exc}", err=True)
            click.echo("  fix: check that the file exists and that you may read (and write) it",
                       err=True)
            sys.exit(2)
        except Exception:  # noqa: BLE001 (last resort: a bug gets its own exit code)
            traceback.print_exc()
            click.echo("monokg: this is a bug in monokg, not in your data: please report it "
                       "with the command you ran and the traceback above.", err=True)
            sys.exit(BUG)
    return wrapper


def _in_language(error: Any) -> str:
    """An input error in the command's --lang where the catalogue has its key."""
    from monokg.curate.language import load_language
    lang = _lang()
    catalogue = load_language(lang).messages
    if error.key is None or error.key not in catalogue:
        return str(error)
    text = error.where() + catalogue[error.key].format(**error.values)
    fix = catalogue.get(f"{error.key}_fix")
    fix = fix.format(**error.values) if fix is not None else error.fix
    if fix:
        text += f"\n  {_said('fix')}: {fix}"
    return text


def _lang() -> str:
    """The command's --lang, English where it has none."""
    context = click.get_current_context(silent=True)
    lang = context.params.get("lang") if context is not None else None
    return lang if isinstance(lang, str) else "en"


def _said(key: str) -> str:
    """A word of the message catalogue in the command's --lang (English without one)."""
    from monokg.curate.language import message
    return message(_lang(), key)


def _paths(root: Path | None):
    from monokg.model.paths import ProjectPaths, find_root
    return ProjectPaths(find_root(root))


root_option = click.option("--root", type=click.Path(file_okay=False, path_type=Path),
                           help="Project folder (default: the nearest with a monokg.toml).")
def _language(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """--lang: a BCP 47 tag; one without language data gets English messages and a warning."""
    from monokg.curate.language import bcp47_ok, load_language, message
    if not bcp47_ok(value):
        raise click.BadParameter(f"{value!r} is not a BCP 47 language tag (en, nl, de, ...)")
    if not load_language(value).known:
        click.echo(f"warning: {message('en', 'unknown_language', tag=value)}\n  fix: "
                   f"{message('en', 'unknown_language_fix', tag=value)}", err=True)
    return value


lang_option = click.option("--lang", default="en", show_default=True, callback=_language,
                           help="Language of messages (a BCP 47 tag with language data, e.g. "
                           "en, nl, de; others fall back to English).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="monokg")
def main() -> None:
    """Publish supplement monographs as a validated, linked RDF knowledge graph."""
    logger = logging.getLogger("monokg")
    if not any(isinstance(h, _Warnings) for h in logger.handlers):
        logger.addHandler(_Warnings())


class _Warnings(logging.Handler):
    """Notes of the library (a cache entry rebuilt) as ``warning:`` lines on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {record.getMessage()}", err=True)


jobs_option = click.option("--jobs", "-j", type=click.IntRange(min=1),
                           help="Worker processes (default: one per core).")
cache_option = click.option("--cache/--no-cache", "use_cache", default=True, show_default=True,
                            help="Reuse results of unchanged inputs from .monokg-cache/.")
quiet_option = click.option("--quiet", "-q", is_flag=True,
                            help="No progress line (it shows only on a terminal, never in a "
                            "pipe or CI).")


@main.command()
@root_option
@lang_option
@jobs_option
@cache_option
@click.option("--timings-json", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the time of each stage to this file (JSON), for benchmarks.")
@quiet_option
@_fail_cleanly
def build(root: Path | None, lang: str, jobs: int | None, use_cache: bool,
          timings_json: Path | None, quiet: bool) -> None:
    """Run every stage and publish the release into build/."""
    import time

    _show_progress(quiet)

    from monokg.publish.current import current_release
    started = time.perf_counter()
    paths = _paths(root)
    # Asked before the pipeline is imported: that import alone takes longer (about 0.9 s)
    # than the whole answer for a release that is current.
    said = current_release(paths, lang) if use_cache else None
    if said is not None:
        elapsed = time.perf_counter() - started
        for text in said.warnings:
            click.echo(f"{_said('warning')}: {text}", err=True)
        click.echo(f"build/ is current: {said.claims} claims, {said.triples} triples, "
                   f"{said.files} files, made from these very inputs, settings and code; "
                   f"nothing to do ({elapsed:.2f} s; --no-cache builds anyway)")
        _coverage(said.covered, said.sentences)
        if timings_json is not None:
            import json
            timings_json.write_text(json.dumps({
                "seconds": elapsed, "stages": {"release is current": elapsed},
                "triples": said.triples, "claims": said.claims, "current": True},
                indent=1) + "\n", encoding="utf-8")
        return

    from monokg.pipeline import build as run_build
    try:
        outcome = run_build(paths, lang, jobs, use_cache)
    finally:
        _end_progress()
    elapsed = time.perf_counter() - started
    release = outcome.release
    for warning in outcome.warnings:
        click.echo(f"{_said('warning')}: {warning}", err=True)
    click.echo(f"built {release.claim_count} claims, {release.triple_count} triples, "
               f"{len(outcome.files)} files in {elapsed:.2f} s")
    _coverage(*release.sentences_covered)
    click.echo("  " + ", ".join(f"{k} {v:.2f} s" for k, v in release.timings.items()))
    if timings_json is not None:
        import json
        timings_json.write_text(json.dumps({
            "seconds": elapsed, "stages": release.timings, "triples": release.triple_count,
            "claims": release.claim_count, "monographs": len(release.monographs),
            "jobs": release.jobs}, indent=1) + "\n", encoding="utf-8")


#: The progress line is on the screen (to be cleared before the outcome is printed).
_progress_shown: list[bool] = []


def _show_progress(quiet: bool) -> None:
    """On a terminal (not in a pipe, not in CI, not --quiet), keep one line on stderr up to
    date with the running stage: items and triples done, time elapsed and the stage's ETA."""
    import os
    import sys
    import time

    from monokg.model.timings import listen
    if quiet or not sys.stderr.isatty() or os.environ.get("CI"):
        listen(None)
        return
    started = time.monotonic()
    stage_started = {"": started}
    me = os.getpid()

    def show(stage: str, done: int, total: int, triples: int) -> None:
        if os.getpid() != me:  # a forked worker's stages: the line is the parent's
            return
        now = time.monotonic()
        if done == 0:
            stage_started[stage] = now
        text = f"{stage}"
        if total:
            text += f" {done:,}/{total:,}"
        if triples:
            text += f", {triples:,} triples"
        text += f", {now - started:.1f} s"
        if 0 < done < total:
            rate = (now - stage_started.get(stage, started)) / done
            text += f", about {rate * (total - done):.0f} s left in this stage"
        click.echo(f"\r\x1b[K{text}", err=True, nl=False)
        _progress_shown[:] = [True]

    listen(show)


def _end_progress() -> None:
    """Clear the progress line (if any) so the outcome starts on a clean line."""
    from monokg.model.timings import listen
    listen(None)
    if _progress_shown:
        click.echo("\r\x1b[K", err=True, nl=False)
        _progress_shown.clear()


def _coverage(covered: int, total: int) -> None:
    click.echo(f"coverage: {covered} of {total} body sentences covered by a claim "
               f"({100 * covered / max(total, 1):.1f} %)")


@main.command()
@root_option
@lang_option
@jobs_option
@cache_option
@quiet_option
@_fail_cleanly
def check(root: Path | None, lang: str, jobs: int | None, use_cache: bool,
          quiet: bool) -> None:
    """Load, resolve quotes, reason and validate, without writing anything.

    Unchanged monographs, and HermiT when no typing fact changed, are answered from the
    cache of earlier passing runs, which keeps the edit-check loop short."""
    import time

    # Not the pipeline: importing its writers and product pages took longer than the check.
    from monokg.check.release import check_project
    _show_progress(quiet)
    started = time.perf_counter()
    try:
        release, warnings = check_project(_paths(root), lang, jobs, use_cache)
    finally:
        _end_progress()
    for warning in warnings:
        click.echo(f"{_said('warning')}: {warning}", err=True)
    click.echo(f"ok: {release.claim_count} claims, {release.triple_count} triples conform "
               f"({time.perf_counter() - started:.2f} s)")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@root_option
@lang_option
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the full SHACL report graph (Turtle) to this file.")
@click.option("--product", type=click.Path(dir_okay=False, path_type=Path),
              help="Validate this product-page JSON-LD instead (product shapes, schema.org "
              "vocabulary, claims policy).")
@_fail_cleanly
def validate(files: tuple[Path, ...], root: Path | None, lang: str,
             report: Path | None, product: Path | None) -> None:
    """Validate Turtle, N-Triples or JSON-LD files against the project's shapes.

    Exit 0 when they conform, 1 with one line per problem (focus node, path, message in
    --lang), 2 when a file cannot be read (with the parser's line and column).
    """
    if product is not None or not files:
        return _validate_product(product, files, root, lang)
    from monokg.check.validate import check_files
    from monokg.model.errors import NonConformance
    from monokg.publish.report import write_report
    paths = _paths(root)
    outcome = check_files(list(files), paths.ontology, paths.data / "units.tsv", paths.shapes,
                          lang)
    if report is not None:
        write_report(outcome.report, report)
    for finding in outcome.findings:
        if finding.severity != "Violation":
            click.echo(f"{_said('warning')}: {finding}", err=True)
    if outcome.violations:
        raise NonConformance("validation (SHACL)", outcome.violations)
    from monokg.curate.language import message
    click.echo(message(lang, "conforms", triples=outcome.triples, files=len(files)))


@main.command()
@click.argument("sparql", required=False)
@click.option("--file", "-f", "query_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Read the query from this file.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Put VALUE (a CURIE such as MESH:D007413, an <IRI> or a literal) in place "
              "of the VALUES block or BIND the query declares for ?NAME; repeat for more.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "xml", "csv", "tsv"]),
              help="Output format: a table for people, or a standard SPARQL 1.1 results "
              "format (default: table on a terminal, tsv in a pipe).")
@root_option
@_fail_cleanly
def query(sparql: str | None, query_file: Path | None, params: tuple[str, ...],
          fmt: str | None, root: Path | None) -> None:
    """Run a SPARQL SELECT or ASK query over the built graph, ontology and metadata."""
    from monokg.model.config import load_publication
    from monokg.model.errors import InputError
    from monokg.surfaces.query import bind_parameters, load_store, run_query, store_files
    if (sparql is None) == (query_file is None):
        raise InputError("give a query as an argument or with --file, not both or neither",
                         fix="monokg query 'SELECT ...'  or  monokg query -f q.rq")
    if query_file is not None:
        try:
            sparql = query_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the query: {exc}", query_file) from exc
    paths = _paths(root)
    if params:
        sparql = bind_parameters(sparql or "", list(params), load_publication(paths.config).base)
    store = load_store(store_files(paths))
    chosen = fmt or ("table" if sys.stdout.isatty() else "tsv")
    click.echo(run_query(store, sparql or "", chosen), nl=chosen == "table")


@main.command()
@root_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1),
              help="Seconds a SPARQL query may run before it is stopped.")
@click.option("--max-results", default=10_000, show_default=True, type=click.IntRange(1),
              help="Most rows (or triples) a SPARQL answer may have.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Query worker processes.")
@click.option("--memory-limit", "memory_mb", default=1024, show_default=True,
              type=click.IntRange(64), metavar="MB",
              help="Memory (address space) of each query worker, its copy of the store "
                   "included; a query that needs more is stopped (503).")
@click.option("--sparql", metavar="URL", default=None,
              help="Serve pages and /sparql from this external SPARQL 1.1 endpoint (its query "
                   "URL) instead of the build; --timeout bounds each request to it.")
@click.option("--graph", metavar="IRI", default=None,
              help="With --sparql: the named graph that holds the release (default graph "
                   "otherwise).")
@_fail_cleanly
def serve(root: Path | None, host: str, port: int, timeout: float, max_results: int,
          workers: int, memory_mb: int, sparql: str | None, graph: str | None) -> None:
    """Serve SPARQL at /sparql and a page for every IRI of the build (read-only)."""
    from monokg.surfaces.serve import ServeConfig, open_server, stop_server
    config = ServeConfig(timeout=timeout, max_results=max_results, workers=workers,
                         memory_mb=memory_mb)
    from monokg.model.errors import InputError
    if graph is not None and sparql is None:
        raise InputError("--graph needs --sparql (the store whose graph it is)",
                         fix="add --sparql URL, or leave --graph out")
    if sparql is not None and not sparql.startswith(("http://", "https://")):
        raise InputError(f"--sparql {sparql!r} is not an http(s) URL",
                         fix="give the query URL of a SPARQL endpoint, e.g. "
                             "http://127.0.0.1:7878/query")
    try:
        server = open_server(_paths(root), host, port, config, verbose=True, sparql=sparql,
                             graph=graph)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         fix="choose another --port, or stop what uses it") from exc
    click.echo(f"serving {server.url} (SPARQL at {server.url}sparql); Ctrl-C stops")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop_server(server)


@main.command()
@click.argument("old")
@click.argument("new")
@root_option
@click.option("--rdf", is_flag=True, help="Print the changes as Turtle (PROV) instead.")
@_fail_cleanly
def diff(old: str, new: str, root: Path | None, rdf: bool) -> None:
    """Print what changed from release OLD to release NEW (each a release folder, such as
    build/, or a git revision whose build/ was committed): claims added, removed and changed
    by field, mappings and labels changed. Exit 0 whether or not anything changed."""
    from monokg.assemble.changes import compare
    from monokg.assemble.history import load_release
    from monokg.publish.changelog import to_markdown, to_rdf
    paths = _paths(root)
    changes = compare(load_release(paths.root, old), load_release(paths.root, new))
    click.echo((to_rdf(changes) if rdf else to_markdown(changes)).decode("utf-8"), nl=False)


@main.command()
@root_option
@click.option("--check", "check_only", is_flag=True, required=True,
              help="Check that the project is ready to be released (the only mode so far).")
@jobs_option
@_fail_cleanly
def release(root: Path | None, check_only: bool, jobs: int | None) -> None:
    """The release checklist: the version must increase on the previous release (exit 2);
    prints what changed since it, claims whose source file changed checksum (their spans must
    be re-resolved) and unreviewed drafts (exit 1 when there are any)."""
    from monokg.pipeline import release_checklist
    from monokg.publish.changelog import to_markdown
    checklist = release_checklist(_paths(root), jobs)
    click.echo(to_markdown(checklist.changes).decode("utf-8"))
    click.echo(checklist.report(), nl=False)
    if checklist.blocking:
        sys.exit(1)


@main.command()
@root_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write the site into (replaced whole). [default: build/site]")
@jobs_option
@quiet_option
@_fail_cleanly
def site(root: Path | None, out: Path | None, jobs: int | None, quiet: bool) -> None:
    """Write the static site of the published release (a page and Turtle, N-Triples and
    JSON-LD per resource, the home page, the product pages and the web-server configuration)
    into build/site/. Run it after `monokg build`: a build replaces build/ whole."""
    _show_progress(quiet)
    from monokg.pipeline import rewrite_site
    try:
        folder, count = rewrite_site(_paths(root), out, jobs)
    finally:
        _end_progress()
    click.echo(f"wrote {count} files into {folder}")


@main.command()
@root_option
@click.option("--endpoint", required=True,
              help="Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store (Oxigraph) or "
              "http://127.0.0.1:8890/sparql-graph-crud-auth (Virtuoso).")
@click.option("--query-endpoint", help="SPARQL query URL for the check (default: guessed for "
              "Oxigraph and Virtuoso).")
@click.option("--user", help="User name for HTTP authentication.")
@click.option("--password", help="Password for HTTP authentication.")
@click.option("--auth", type=click.Choice(["basic", "digest"]), default="digest",
              show_default=True, help="HTTP authentication scheme (with --user).")
@click.option("--connect-timeout", default=10.0, show_default=True, type=click.FloatRange(0.1),
              help="Seconds to wait for the store to accept a connection.")
@click.option("--read-timeout", default=300.0, show_default=True, type=click.FloatRange(0.1),
              help="Seconds to wait for the store's next bytes of an answer (a large upload "
                   "may take the store minutes to answer).")
@_fail_cleanly
def load(root: Path | None, endpoint: str, query_endpoint: str | None,
         user: str | None, password: str | None, auth: str, connect_timeout: float,
         read_timeout: float) -> None:
    """Put the build into a triple store (replacing the named graph of each part: data,
    ontology, metadata) and check it arrived."""
    from monokg.surfaces.load import LoadMismatch, Timeouts, load_release
    from monokg.surfaces.query import store_files
    try:
        report = load_release(store_files(_paths(root))[0], endpoint, query_endpoint, user,
                              password, auth, Timeouts(connect_timeout, read_timeout))
    except LoadMismatch as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for graph in report.graphs:
        click.echo(f"loaded {graph.found} triples into <{graph.graph}> at {report.endpoint} "
                   f"(checked with {report.query_endpoint})")
    if not report.union:
        click.echo("note: a query without GRAPH sees none of it: the store's default graph is "
                   "not the union of its named graphs (Oxigraph server: start it with "
                   "--union-default-graph; see README, \"One dataset layout everywhere\")",
                   err=True)


def _validate_product(product: Path | None, files: tuple[Path, ...], root: Path | None,
                      lang: str) -> None:
    """`validate --product FILE`: one product-page JSON-LD file, nothing else."""
    from monokg.model.errors import InputError, NonConformance
    from monokg.surfaces.products import check_product_file
    if product is None or files:
        raise InputError("give data files, or one --product FILE, not both or neither",
                         fix="monokg validate build/monokg.ttl  or  "
                         "monokg validate --product page.jsonld")
    findings = check_product_file(_paths(root), product, lang)
    for finding in findings:
        if finding.severity != "Violation":
            click.echo(f"{_said('warning')}: {finding}", err=True)
    violations = [f for f in findings if f.severity == "Violation"]
    if violations:
        raise NonConformance(f"product page {product}", violations)
    click.echo(f"conforms: {product} (product shapes, schema.org vocabulary, claims policy)")


@main.command("product-page")
@click.argument("product_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--include-indications", is_flag=True,
              help="Also show indications and disease-related claims, for an informational, "
              "non-commercial page (the page then says so).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write <slug>.jsonld, <slug>.snippet.html and <slug>.html here "
              "(default: print the JSON-LD).")
@click.option("--check", "check_only", is_flag=True,
              help="Only check: list what Google recommends and the page lacks (stderr); "
              "exit 1 if the page does not conform.")
@root_option
@lang_option
@_fail_cleanly
def product_page(product_file: Path, include_indications: bool, out_dir: Path | None,
                 check_only: bool, root: Path | None, lang: str) -> None:
    """Make a product page's schema.org JSON-LD from the built graph and a product file."""
    from monokg.assemble.product import to_text
    from monokg.publish.product import write_page_files
    from monokg.surfaces.products import check_product
    page, warnings = check_product(_paths(root), product_file, include_indications, lang)
    for name, why in page.left_out:
        click.echo(f"note: left out of the {page.product.language} page: {name}: {why}",
                   err=True)
    for note in page.notes:
        click.echo(f"note: {note}", err=True)
    if check_only:
        for finding in warnings:
            click.echo(f"warning: {finding.path}: {finding.message}", err=True)
        click.echo(f"conforms: {product_file} ({len(warnings)} warning(s))")
        return
    if include_indications:
        click.echo("note: informational, non-commercial page: indications and disease-related "
                   "claims allowed; if any is shown, the page carries the disclaimer", err=True)
    if out_dir is None:
        click.echo(to_text(page.document), nl=False)
        return
    for path in write_page_files(page, out_dir):
        click.echo(str(path))


@main.command()
@root_option
@_fail_cleanly
def terms(root: Path | None) -> None:
    """Print the claim kinds, relations, modalities, dose kinds and timings a claims file may
    name, with their definitions, from the ontology (Markdown; the README holds this list)."""
    from monokg.curate.vocabulary import curator_lists, load_vocabulary
    paths = _paths(root)
    click.echo(curator_lists(load_vocabulary(paths.ontology, paths.data / "units.tsv")), nl=False)


@main.command()
@click.argument("monograph", required=False)
@click.option("--status", is_flag=True,
              help="Per monograph: sentences covered by accepted claims, open drafts, "
              "unmapped mentions (writes nothing).")
@root_option
@_fail_cleanly
def draft(monograph: str | None, status: bool, root: Path | None) -> None:
    """Write draft claims for the sentences of MONOGRAPH no claim covers yet (drafts/).

    Never touches a claim or an existing draft file; the build refuses drafts until each is
    moved into claims/ or deleted."""
    if status:
        from monokg.curate.draft import draft_status
        click.echo("monograph\tsentences\tcovered\texcluded\topen drafts\tundrafted"
                   "\tunmapped mentions")
        for row in draft_status(_paths(root), [monograph] if monograph else None):
            click.echo(f"{row.monograph}\t{row.sentences}\t{row.covered}\t{row.excluded}\t"
                       f"{row.open_drafts}\t{row.undrafted}\t{row.unmapped}")
        return
    from monokg.model.errors import InputError
    if monograph is None:
        raise InputError("name the monograph to draft", fix="monokg draft l-carnitine-nl  or  "
                         "monokg draft --status")
    from monokg.curate.draft_write import write_drafts
    run = write_drafts(_paths(root), monograph)
    plan = run.plan
    if plan.note:
        click.echo(f"{_said('warning')}: {plan.note}", err=True)
    for path in run.files:
        click.echo(str(path))
    click.echo(f"{len(plan.drafts)} new draft(s) in {len(run.files)} file(s); of "
               f"{plan.sentences} body sentences {plan.covered} are covered by claims, "
               f"{plan.excluded} listed in uncovered.yaml, {plan.drafted} already drafted "
               f"({plan.open_drafts} open draft(s) before this run)", err=True)


@main.command()
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="New folder to write the synthetic project into.")
@click.option("--monographs", "count", type=click.IntRange(min=1), default=10,
              show_default=True, help="How many monographs to generate.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Random seed: the same seed gives the same bytes.")
@root_option
@_fail_cleanly
def synth(out: Path, count: int, seed: int, root: Path | None) -> None:
    """Write a synthetic project of N monographs shaped like this project's (for benchmarks)."""
    from monokg.curate.synthetic import write_corpus
    written = write_corpus(_paths(root), out, count, seed)
    click.echo(f"wrote {written} synthetic monographs to {out}")
