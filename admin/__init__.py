"""Administrative units as data (2025 reform): provinces, communes and their types from the official list,
the 63 former provinces with the current province and the 1300 region of each."""

from .resolve import REGION_SOURCES, notices_for, region_reason, resolve_commune_fields
from .legacy import draft_merge_mapping, new_unit_of_old_address
from .units import REFORM_DATE, admin_units, unit_type_words, versions

__all__ = ["REFORM_DATE", "REGION_SOURCES", "admin_units", "draft_merge_mapping", "new_unit_of_old_address", "notices_for", "region_reason", "resolve_commune_fields", "unit_type_words", "versions"]
