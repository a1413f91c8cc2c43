"""The dossier as HTML: one autoescaped jinja2 template for the HTML file and the PDF.

The two differ only in where assets come from: the HTML file is self-contained (charts as
``data:`` URIs, system fonts), the PDF asks the asset fetcher for bundled fonts and charts.
"""

from __future__ import annotations

import base64
import functools
from importlib import resources
from typing import Any

from .charts import Chart

ASSET_SCHEME = "requalify-asset"
FONTS = (
    ("Requalify Serif", "normal", "normal", "DejaVuSerif.ttf"),
    ("Requalify Serif", "bold", "normal", "DejaVuSerif-Bold.ttf"),
    ("Requalify Serif", "normal", "italic", "DejaVuSerif-Italic.ttf"),
    ("Requalify Mono", "normal", "normal", "DejaVuSansMono.ttf"),
)


def templates_dir():
    return resources.files("requalify").joinpath("templates")


@functools.cache
def environment():
    """HTML environment: autoescape on for every template, undefined names are errors."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@functools.cache
def stylesheet(for_pdf: bool) -> str:
    css = templates_dir().joinpath("dossier.css").read_text("utf-8")
    if not for_pdf:
        return css
    faces = "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
        f"src: url({ASSET_SCHEME}:fonts/{name}); }}"
        for family, weight, style, name in FONTS
    )
    return faces + "\n" + css


def chart_url(chart: Chart, for_pdf: bool) -> str:
    if for_pdf:
        return f"{ASSET_SCHEME}:charts/{chart.id}.svg"
    return "data:image/svg+xml;base64," + base64.b64encode(chart.svg).decode("ascii")


def render_html(context: dict[str, Any], charts: list[Chart], *, for_pdf: bool) -> str:
    from markupsafe import Markup

    env = environment()
    chart_views = [{"id": c.id, "title": c.title, "caption": c.caption, "src": chart_url(c, for_pdf)} for c in charts]
    toc = [(a, title) for a, title in context["toc"] if a != "charts" or charts]
    return env.get_template("dossier.html.j2").render(
        **{**context, "toc": toc}, charts=chart_views, css=Markup(stylesheet(for_pdf))
    )


def pdf_assets(charts: list[Chart]) -> dict[str, tuple[bytes, str]]:
    """Every URL the PDF may load: the bundled fonts and this dossier's charts, nothing else."""
    fonts = templates_dir().joinpath("fonts")
    assets = {
        f"{ASSET_SCHEME}:fonts/{name}": (fonts.joinpath(name).read_bytes(), "font/ttf") for *_, name in FONTS
    }
    for c in charts:
        assets[f"{ASSET_SCHEME}:charts/{c.id}.svg"] = (c.svg, "image/svg+xml")
    return assets
