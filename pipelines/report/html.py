"""The parts every ``report.html`` is made of: one self-contained page (inline CSS, charts as
inline SVG drawn by matplotlib, no script, no network fetch), escaped text, tables, sections.

Everything that comes from data goes through :func:`esc`; only this module writes raw markup.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipelines.output.atomic import write_bytes

REPORT = "report.html"

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0 auto;max-width:1180px;
padding:24px;color:#1d2430;background:#fbfbfd}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde;
padding-bottom:4px}h3{font-size:14px;margin:16px 0 6px}.sub{color:#5a6372;margin:0 0 16px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}th,td{padding:3px 10px;
border-bottom:1px solid #e4e6ee;text-align:left;vertical-align:top}td.n,th.n{text-align:right;
font-variant-numeric:tabular-nums}th{background:#f0f2f7}.charts{display:flex;flex-wrap:wrap;gap:12px}
figure.chart{margin:0;background:#fff;border:1px solid #e4e6ee;border-radius:6px;padding:6px}
figure.chart svg{display:block;max-width:100%;height:auto}.doc{background:#fff;border:1px solid #e4e6ee;
border-radius:6px;padding:8px 10px;margin:6px 0;white-space:pre-wrap;font-size:12.5px}
.tag{display:inline-block;background:#eef1f8;border-radius:4px;padding:0 6px;margin-right:6px;
font-size:12px;color:#3b4456}.bad{color:#b42318}.muted{color:#6b7280}details{margin:8px 0}
summary{cursor:pointer;font-weight:600}
"""


def esc(value: Any) -> str:
    """Text for HTML: ``<script>`` in a document becomes ``&lt;script&gt;`` and never runs."""
    return html.escape("" if value is None else str(value), quote=True)


def shorten(text: str | None, limit: int = 600) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fmt(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return esc(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e5 else f"{value:,.0f}"
    return esc(value)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A table; numbers are formatted and right-aligned, everything else escaped."""
    rows = [list(r) for r in rows]

    def cell(tag: str, value: Any) -> str:
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        return f"<{tag}{' class=n' if numeric else ''}>{fmt(value)}</{tag}>"

    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(cell("td", v) for v in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def section(title: str, *parts: str) -> str:
    return f"<section><h2>{esc(title)}</h2>{''.join(parts)}</section>"


def para(text: str, cls: str = "") -> str:
    return f"<p{f' class={cls}' if cls else ''}>{esc(text)}</p>"


def details(summary: str, *parts: str) -> str:
    return f"<details><summary>{esc(summary)}</summary>{''.join(parts)}</details>"


def link(href: str, text: str) -> str:
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def figure(fig: Any, caption: str) -> str:
    """A matplotlib figure as inline SVG (text kept as text: small, sharp, searchable)."""
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "forage"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and DOCTYPE
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    return f'<figure class="chart" data-chart="{esc(caption)}">{svg}</figure>'


def charts(*figures: str) -> str:
    return f'<div class="charts">{"".join(f for f in figures if f)}</div>'


def page(title: str, subtitle: str, *sections: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        # No script, no fetch: the page opens from file:// and runs nothing it was given.
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{esc(title)}</h1><p class=sub>{esc(subtitle)} · built {stamp} by forage</p>"
        f"{''.join(sections)}</body></html>"
    )


def write_report(directory: Path, content: str) -> Path:
    path = Path(directory) / REPORT
    write_bytes(path, content.encode("utf-8"))
    return path
