"""The dossier as Markdown, from the same context as the HTML and PDF.

Autoescaping for Markdown: every interpolated value has its HTML and Markdown syntax
neutralised, so a quote holding ``<img src=…>`` or ``![](http://…)`` stays text in any viewer.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from .charts import Chart
from .html import templates_dir

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|!#~])")
_SPACE = re.compile(r"\s+")


def md_escape(value: Any) -> str:
    if value is None:
        return ""
    text = _SPACE.sub(" ", str(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


@functools.cache
def environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=False,
        finalize=md_escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_markdown(context: dict[str, Any], charts: list[Chart], chart_files: dict[str, str]) -> str:
    views = [{"title": c.title, "caption": c.caption, "file": chart_files[c.id]} for c in charts if c.id in chart_files]
    toc = [(a, title) for a, title in context["toc"] if a != "charts" or views]
    text = environment().get_template("dossier.md.j2").render(**{**context, "toc": toc}, charts=views)
    return re.sub(r"\n{3,}", "\n\n", text)
