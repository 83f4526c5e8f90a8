"""Printable reports: score sheets and summaries (XLSX, HTML, PDF)."""
