"""Renderers of results: tables, JSON, CSV and the XLSX results workbook."""
