"""The JSON contract (docs/results-json.md) says what the writer writes: its schema version, its `detail` values,
and per record which fields a compact commune leaves to `rulesets` and which it keeps (issue 19 item 2)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import chuanxa
from chuanxa.outputs.jsonout import CRITERION_STATIC, DETAILS, GAP_STATIC, INDICATOR_STATIC, SCHEMA_VERSION, encode_batch

ROOT = Path(__file__).parent.parent
DOC = (ROOT / "docs" / "results-json.md").read_text(encoding="utf-8")


def _table() -> dict[str, tuple[set[str], set[str]]]:
    """The doc's table: record → (fields left out, fields kept per commune)."""
    rows = {}
    for record, left_out, kept in re.findall(r"^\| `(\w+)\[\]` \| `([^|]*?)` → `[^|]*` \| `([^|]*)` \|$", DOC, re.M):
        rows[record] = ({f.strip() for f in left_out.split(",")}, {f.strip() for f in kept.split(",")})
    return rows


def test_the_documented_schema_version_and_detail_values_are_the_writers() -> None:
    assert f"# The results JSON (contract, schema {SCHEMA_VERSION})" in DOC and f'{{"schema_version":{SCHEMA_VERSION},' in DOC
    assert f"`schema_version`: {SCHEMA_VERSION}." in DOC
    assert all(f'`"{detail}"`' in DOC for detail in DETAILS) and "`--detail full`" in DOC


def test_the_documented_compact_table_is_what_a_compact_commune_leaves_out_and_keeps() -> None:
    table = _table()
    assert set(table) == {"indicators", "gaps", "criteria"}
    assert table["indicators"][0] == set(INDICATOR_STATIC) and table["gaps"][0] == set(GAP_STATIC) and table["criteria"][0] == set(CRITERION_STATIC)
    batch = chuanxa.score_many(ROOT / "examples" / "thieu_hoa_2024.csv")
    compact = json.loads(encode_batch(batch))
    full = json.loads(encode_batch(batch, "full"))
    assert compact["detail"] == "compact" and full["detail"] == "full" and compact["schema_version"] == full["schema_version"] == SCHEMA_VERSION
    for record in ("indicators", "gaps", "criteria"):
        kept = {key for commune in compact["results"] for item in commune[record] for key in item}
        every = {key for commune in full["results"] for item in commune[record] for key in item}
        left_out, documented_kept = table[record]
        assert kept <= documented_kept, (record, kept - documented_kept)  # nothing undocumented stays per commune
        assert every - kept <= left_out, (record, every - kept - left_out)  # what goes is documented as going
        assert not kept & left_out, record


def test_the_cli_help_offers_both_details() -> None:
    from click.testing import CliRunner

    from chuanxa.cli.main import cli

    for command in ("batch", "score"):
        out = CliRunner().invoke(cli, [command, "--help"]).output
        assert "--detail" in out and "full" in out, command
