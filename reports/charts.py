"""Charts drawn as inline SVG (no plotting library): criterion scores as a share of each criterion's points."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from chuanxa.wording import percent


def criteria_bars(labels: Sequence[str], shares: Sequence[float], floor: float | None, title: str = "", width: int = 640,
                  met: Sequence[bool] | None = None) -> str:
    """Horizontal bars, one per criterion, 0–100% of its points, with the floor (the ruleset's share, or None when
    not known) drawn as a dashed line. A bar is green when its criterion meets its floor: `met`, the recognition
    rule's answer for one commune (`CriterionResult.floor_met`), else (a district's shares added up) its share
    reaching the floor share."""
    row, left, right = 22, 150, 50
    height = row * len(labels) + 40
    plot = width - left - right
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">']
    if title:
        parts.append(f'<text x="{left}" y="14" font-weight="bold">{escape(title)}</text>')
    for i, (label, share) in enumerate(zip(labels, shares)):
        y = 24 + i * row
        bar = max(0.0, min(1.0, share)) * plot
        ok = met[i] if met is not None else floor is None or share >= floor - 1e-9
        color = "#2e7d32" if ok else "#c62828"
        parts.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{plot}" height="{row - 6}" fill="#eeeeee"/>')
        parts.append(f'<rect x="{left}" y="{y}" width="{bar:.1f}" height="{row - 6}" fill="{color}"/>')
        parts.append(f'<text x="{left + plot + 4}" y="{y + 13}">{share:.0%}</text>')
    if floor is not None:
        x = left + floor * plot
        parts.append(f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{height - 12}" stroke="#333" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 1}" text-anchor="middle">{escape(percent(floor))}</text>')
    parts.append("</svg>")
    return "".join(parts)
