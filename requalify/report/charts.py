"""Activity charts as deterministic vector SVG (matplotlib, no pyplot, no clock).

Text is drawn as paths with matplotlib's own DejaVu Sans and ids come from a fixed hash
salt, so the same series always give the same bytes whatever fonts the machine has.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from .i18n import MONTHS_SHORT, Words, parse_date

WIDTH_IN, HEIGHT_IN = 6.7, 2.55
COLORS = {"waiting": "#c9a227", "enroute": "#e3cf8a", "ontrip": "#1f4e79", "rejections": "#a23b2a",
          "expired": "#d9a79e", "restriction": "#222222", "pay": "#1f4e79", "rate": "#a23b2a"}
RC = {
    "svg.hashsalt": "requalify",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "legend.frameon": False,
    "path.simplify": True,
}


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    caption: str
    svg: bytes


def render_charts(series: dict[str, Any] | None, lang: str) -> list[Chart]:
    """The charts the series allow; a missing or empty series simply has no chart."""
    series = series or {}
    t = Words(lang)
    makers = (
        ("connection", _connection, bool(series.get("daily"))),
        ("refusals", _refusals, bool(series.get("dispatch_daily") or series.get("restrictions"))),
        ("pay", _pay, bool(series.get("pay"))),
    )
    wanted = [(cid, fn) for cid, fn, ok in makers if ok]
    if not wanted:
        return []
    import matplotlib

    charts = []
    with matplotlib.rc_context(RC):
        for cid, fn in wanted:
            fig = _figure()
            if fn(fig, series, t) is False:
                continue
            charts.append(Chart(cid, t.get(f"chart_{cid}"), t.get(f"chart_{cid}_caption"), _svg(fig)))
    return charts


def _figure():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=72)
    fig.subplots_adjust(left=0.075, right=0.96, bottom=0.11, top=0.87)
    return fig


def _bars(ax, x, heights, bottoms, color, label):
    """Day bars as one collection: one SVG path group instead of one element per bar and series."""
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Patch

    half = 0.4
    polys = [((xi - half, b), (xi - half, b + h), (xi + half, b + h), (xi + half, b))
             for xi, h, b in zip(x, heights, bottoms) if h]
    ax.add_collection(PolyCollection(polys, facecolors=color, edgecolors="none", linewidths=0))
    return Patch(facecolor=color, label=label)


def _svg(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "requalify"})
    data = buf.getvalue()
    start = data.find(b"<svg")
    return data[start:] if start > 0 else data


def _dates(rows: list[dict[str, Any]], key: str = "date"):
    import matplotlib.dates as mdates

    return [mdates.date2num(parse_date(r.get(key))) for r in rows]


def _date_axis(ax, lang: str) -> None:
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
    ax.xaxis.set_major_locator(locator)

    def fmt(x, _pos):
        d = mdates.num2date(x)
        month = MONTHS_SHORT[lang][d.month - 1]
        return f"{d.day} {month}" if lang == "fr" else f"{month} {d.day}"

    ax.xaxis.set_major_formatter(FuncFormatter(fmt))


def _usable(rows: Any, key: str = "date") -> list[dict[str, Any]]:
    rows = [r for r in (rows or []) if isinstance(r, dict) and parse_date(r.get(key))]
    return sorted(rows, key=lambda r: str(r.get(key)))


def _num(value: Any) -> float:
    try:
        return float(value or 0.0)
    except (TypeError, ValueError):
        return 0.0


def _connection(fig, series, t: Words):
    rows = _usable(series.get("daily"))
    if not rows:
        return False
    ax = fig.add_subplot()
    x = _dates(rows)
    bottom = [0.0] * len(rows)
    handles = []
    for key in ("waiting", "enroute", "ontrip"):
        values = [_num(r.get(f"{key}_hours")) for r in rows]
        if not any(values):
            continue
        handles.append(_bars(ax, x, values, bottom, COLORS[key], t.get(f"series_{key}")))
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_ylabel(t.axis_hours)
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, fontsize=7, borderaxespad=0.3)
    ax.set_xlim(min(x) - 1, max(x) + 1)
    ax.set_ylim(0, max(bottom + [1.0]) * 1.05)
    _date_axis(ax, t.lang)
    return True


def _refusals(fig, series, t: Words):
    import matplotlib.dates as mdates

    rows = _usable(series.get("dispatch_daily"))
    restrictions = _usable(series.get("restrictions"), "time")
    if not rows and not restrictions:
        return False
    ax = fig.add_subplot()
    top = 1.0
    handles = []
    xs = []
    if rows:
        x = _dates(rows)
        xs += x
        rej = [_num(r.get("rejections")) for r in rows]
        exp = [_num(r.get("expired")) for r in rows]
        handles.append(_bars(ax, x, rej, [0.0] * len(rej), COLORS["rejections"], t.series_rejections))
        handles.append(_bars(ax, x, exp, rej, COLORS["expired"], t.series_expired))
        top = max([a + b for a, b in zip(rej, exp)] + [1.0])
    ax.set_ylim(0, top * 1.05)
    styles = ((COLORS["restriction"], (0, (2, 1.5))), ("#7a5c00", (0, (5, 1.5))), ("#555555", (0, (1, 1))))
    by_rule: dict[str, list[float]] = {}
    for r in restrictions:
        d = mdates.datestr2num(str(r["time"])[:19].replace("Z", ""))
        by_rule.setdefault(str(r.get("rule") or ""), []).append(d)
        xs.append(d)
    for i, (rule, days) in enumerate(by_rule.items()):
        color, dash = styles[min(i, len(styles) - 1)]
        handles.append(ax.vlines(days, 0, top * 1.05, colors=color, linewidths=0.8, linestyles=[dash],
                                 label=f"{t.series_restriction} {rule}".strip()))
    ax.set_ylabel(t.axis_offers)
    ax.set_xlim(min(xs) - 1, max(xs) + 1)
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4, fontsize=7, borderaxespad=0.3)
    _date_axis(ax, t.lang)
    return True


def _pay(fig, series, t: Words):
    from matplotlib.ticker import PercentFormatter

    rows = _usable(series.get("pay"))
    if not rows:
        return False
    fig.subplots_adjust(right=0.91)
    ax = fig.add_subplot()
    x = _dates(rows)
    per_trip = [r.get("pay_per_trip") for r in rows]
    points = [(xi, _num(v)) for xi, v in zip(x, per_trip) if v is not None]
    lines = []
    if points:
        lines += ax.plot([p[0] for p in points], [p[1] for p in points], color=COLORS["pay"], linewidth=1.2,
                         marker="o", markersize=2, label=t.series_pay_per_trip)
    ax.set_ylabel(t.axis_pay)
    ax.set_ylim(bottom=0)
    rates = [(xi, _num(r.get("commission_rate"))) for xi, r in zip(x, rows) if r.get("commission_rate") is not None]
    if rates:
        ax2 = ax.twinx()
        ax2.spines["right"].set_visible(True)
        lines += ax2.plot([p[0] for p in rates], [p[1] for p in rates], color=COLORS["rate"], linewidth=1.0,
                          linestyle=(0, (3, 1.5)), label=t.series_commission_rate)
        ax2.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax2.set_ylim(0, max(0.4, max(p[1] for p in rates) * 1.15))
        ax2.set_ylabel(t.axis_rate)
    if lines:
        ax.legend(lines, [ln.get_label() for ln in lines], loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, fontsize=7, borderaxespad=0.3)
    _date_axis(ax, t.lang)
    return True
