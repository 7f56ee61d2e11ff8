"""The SPARQL query page: YASGUI (see publish/assets.py) with the example queries.

The page (template ``site/sparql.html``) opens one tab per example query (``queries/*.rq``,
named by file), a new tab starts with the project's prefixes, and every tab asks the endpoint
it is given (``sparql``, relative, when ``monokg serve`` answers; any URL for a site whose
endpoint lives elsewhere).
"""

from __future__ import annotations

from monokg.publish.assets import ASSETS
from monokg.publish.site import Renderer


def default_query(prefixes: list[tuple[str, str]]) -> str:
    """What a new tab holds: every project prefix, then a query that shows a few triples."""
    lines = [f"PREFIX {prefix}: <{iri}>" for prefix, iri in sorted(prefixes)]
    return "\n".join([*lines, "", "SELECT * WHERE { ?s ?p ?o } LIMIT 10", ""])


def query_page(renderer: Renderer, endpoint: str, timeout: str, max_results: int) -> str:
    """The query page at path ``sparql``, asking ``endpoint`` (resolved against the page)."""
    site = renderer.site
    examples = [{"name": path.stem, "query": path.read_text(encoding="utf-8")}
                for path in site.queries]
    return renderer.render(
        "site/sparql.html", "SPARQL", "sparql", alternates=False,
        # the page is at the site's top level: its assets are one relative path away
        assets=ASSETS, endpoint=endpoint, timeout=timeout, max_results=max_results,
        yasgui={"endpoint": endpoint, "examples": examples,
                "newTab": default_query(site.prefixes),
                # a new release starts from its own examples, not a browser's old tabs
                "storage": f"{site.publication.dataset}-{site.publication.version}"})
