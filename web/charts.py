"""Charts of the web pages, drawn on the server as inline SVG. Criterion bars and the target bar reuse the
reports' `criteria_bars`; the trend over the years is a small line chart drawn here."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from chuanxa.reports.charts import criteria_bars


def target_bar(label: str, recognised: int, count: int, target: float, title: str) -> str:
    """One bar: the share of communes recognised, with the province's target drawn as the dashed line."""
    return criteria_bars([label], [recognised / count if count else 0.0], floor=target, title=title)


def trend_line(years: Sequence[int], totals: Sequence[float | None], maximum: float, minimum: float, title: str, width: int = 420,
               minimum_words: str = "") -> str:
    """Total points by year (a gap where a year has no score), with the recognition minimum as a dashed line
    (named in words at its right end when `minimum_words` is given)."""
    height, left, right, top, bottom = 160, 40, 16, 22, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    span = max(1, len(years) - 1)

    def x(i: int) -> float:
        return left + (plot_w * i / span if len(years) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - (max(0.0, min(v, maximum)) / maximum if maximum else 0))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">',
             f'<text x="{left}" y="14" font-weight="bold">{escape(title)}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#555"/>',
             f'<line x1="{left}" y1="{y(minimum):.1f}" x2="{left + plot_w}" y2="{y(minimum):.1f}" stroke="#333" stroke-dasharray="4 3"/>',
             f'<text x="{left - 4}" y="{y(minimum) + 4:.1f}" text-anchor="end">{minimum:g}</text>']
    if minimum_words:
        parts.append(f'<text x="{left + plot_w}" y="{y(minimum) + 13:.1f}" text-anchor="end" fill="#333">{escape(minimum_words)}</text>')
    points = [(x(i), y(v), v) for i, v in enumerate(totals) if v is not None]
    if len(points) > 1:
        parts.append('<polyline fill="none" stroke="#1565c0" stroke-width="2" points="' + " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points) + '"/>')
    for px, py, v in points:
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="#1565c0"/><text x="{px:.1f}" y="{py - 7:.1f}" text-anchor="middle">{v:g}</text>')
    for i, year in enumerate(years):
        parts.append(f'<text x="{x(i):.1f}" y="{height - 6}" text-anchor="middle">{year}</text>')
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["criteria_bars", "target_bar", "trend_line"]
