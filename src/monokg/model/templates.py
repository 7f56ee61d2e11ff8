"""The one Jinja2 environment every page and web-server configuration is rendered with.

Templates live in one folder, ``src/monokg/templates/``. The environment sits in the lowest
layer (model) because both the product page (assemble) and the site, coverage report and
ontology documentation (publish) render from it; it holds no knowledge of either.

Every value a template prints is escaped (autoescaping), with :func:`escape`:
``html.escape(quote=True)``, the escaping the pages were written with before templates. Jinja2's
own escaping (markupsafe) writes ``'`` as ``&#39;`` and ``"`` as ``&#34;`` where
``html.escape`` writes ``&#x27;`` and ``&quot;``; both are correct HTML, and keeping one
spelling keeps every published page byte for byte what it was. The environment's ``finalize``
escapes each printed value into :class:`~markupsafe.Markup`, which autoescaping then leaves
alone; values already ``Markup`` (macro output) pass unchanged.
"""

from __future__ import annotations

import functools
import html

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup


class _Escaped(str):
    """Text :func:`escape` has escaped: autoescaping reads ``__html__`` and keeps it as it is.

    A plain ``str`` subclass rather than ``Markup``, whose construction costs a Python call:
    pages print tens of values each, and a site has thousands of pages."""

    def __html__(self) -> str:
        return self


def escape(value: object) -> object:
    """A printed value as HTML: markup (macro output, links) stays as it is, anything else is
    escaped text with ``html.escape(quote=True)``."""
    if type(value) is Markup or hasattr(value, "__html__"):
        return value
    return _Escaped(html.escape(str(value), quote=True))


@pass_context
def link(context: Context, term: object) -> object:
    """``{{ term|link }}``: the term as the page links it, by the ``link`` function the page
    was rendered with. A filter, not ``{{ link(term) }}``: Jinja2 calls filters directly, and a
    page of the site prints dozens of links."""
    return context["link"](term)


@functools.cache
def environment() -> Environment:
    """The environment, made once per process: templates are compiled on first use and kept
    (``auto_reload`` off: nothing changes them while a build runs)."""
    env = Environment(
        loader=PackageLoader("monokg", "templates"),
        autoescape=True,
        finalize=escape,
        # A template typo fails the build instead of printing nothing.
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    # `|e` in a template means the same escaping as printing does.
    env.filters["e"] = env.filters["escape"] = escape
    env.filters["link"] = link
    return env
