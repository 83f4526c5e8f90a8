"""Printable reports: score sheets (biểu chấm điểm) and summaries for a province or an area as HTML, PDF and XLSX.

    >>> from chuanxa.reports import render_report
"""

from .collation import sort_vietnamese, vietnamese_key
from .render import render_report

__all__ = ["render_report", "sort_vietnamese", "vietnamese_key"]
