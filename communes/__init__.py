"""Commune data in and out: the commune model, readers for YAML/JSON/CSV/XLSX and data-entry templates."""
