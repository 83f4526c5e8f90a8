"""The score sheet out to Excel and back: an unedited sheet imports to an empty overlay, an edited one to exactly
its edits (which validate and which `rulesets diff` shows), and a sheet with mistakes to located errors and no file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa.authoring.sheet_export import export_score_sheet
from chuanxa.authoring.sheet_import import import_score_sheet
from chuanxa.authoring.sheet_layout import META_SHEET, SHEET
from chuanxa.cli.main import cli
from chuanxa.criteria.loader import build_ruleset, content_hash
from chuanxa.criteria.registry import Registry
from chuanxa.errors import ChuanxaError, RulesetError

BUNDLED = [e.ref for e in Registry(use_env=False).entries.values()]
EXAMPLES = Path(__file__).parent.parent / "examples" / "overlays"


class _Run:
    def __init__(self, code: int, output: str) -> None:
        self.exit_code, self.output = code, output


def _run(*args: str) -> _Run:
    """The command as `chuanxa` runs it: typed errors become messages and exit codes at the boundary."""
    result = CliRunner().invoke(cli, list(args), standalone_mode=False, catch_exceptions=True)
    if isinstance(result.exception, ChuanxaError):
        lang = "en" if "en" in args else "vi"
        return _Run(2, "\n".join(e.message(lang) for e in result.exception.related or [result.exception]))
    assert result.exception is None, result.exception
    return _Run(result.return_value if isinstance(result.return_value, int) else result.exit_code, result.output)


def _columns(sheet: Any) -> dict[str, int]:
    for row in range(1, 10):
        if sheet.cell(row, 1).value == "Tiêu chí":
            return {str(sheet.cell(row, c).value): c for c in range(1, sheet.max_column + 1)}
    raise AssertionError("no heading row")


def _row_of(sheet: Any, indicator: str | None = None, criterion: str | None = None) -> int:
    column, wanted = (2, indicator) if indicator else (1, criterion)
    for row in range(1, sheet.max_row + 1):
        if str(sheet.cell(row, column).value) == wanted:
            return row
    raise AssertionError(wanted)


def _edit(path: Path, edits: list[tuple[dict[str, str], str, Any]], formulas: bool = False) -> None:
    """Each edit: where ({"indicator": id, "level": n} or {"criterion": id}), the column heading, the new value
    (text typed as text, as a person types it, unless `formulas`)."""
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET]
    cols = _columns(sheet)
    for where, heading, value in edits:
        row = _row_of(sheet, where.get("indicator"), where.get("criterion")) + int(where.get("level", -1)) + 1
        cell = sheet.cell(row, cols[heading])
        cell.value = value
        if isinstance(value, str) and not formulas:
            cell.data_type = "s"
    book.save(path)


@pytest.mark.parametrize("ref", BUNDLED + ["qd1300_example_knockouts@2023-03-20"])
def test_an_unedited_sheet_imports_to_an_empty_overlay(ref: str, tmp_path: Path) -> None:
    base = chuanxa.load_ruleset(ref, rulesets_dirs=[EXAMPLES])
    export_score_sheet(base, tmp_path / "s.xlsx")
    result = import_score_sheet(tmp_path / "s.xlsx", base)
    assert not result.changed and set(result.overlay) == {"ruleset"}
    assert result.ruleset.criteria == base.criteria and result.ruleset.inputs == base.inputs


def test_the_exported_sheet_is_values_only_hidden_identity_and_print_ready(tmp_path: Path) -> None:
    base = chuanxa.load_ruleset("qd1300@2023-03-20")
    export_score_sheet(base, tmp_path / "s.xlsx")
    book = openpyxl.load_workbook(tmp_path / "s.xlsx")
    assert book[META_SHEET].sheet_state == "hidden"
    meta = {r[0]: r[1] for r in book[META_SHEET].iter_rows(values_only=True)}
    assert (meta["ruleset"], meta["sha256"]) == ("qd1300@2023-03-20", content_hash(base))
    sheet = book[SHEET]
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows
    assert not [c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    cols = _columns(sheet)
    row35 = _row_of(sheet, "35")
    table = base.indicator("35").levels[0].threshold.values  # type: ignore[union-attr]
    assert sheet.cell(row35 + 1, cols["Bắc Trung Bộ"]).value == table["bac_trung_bo"]  # a table by region laid out as columns
    assert sheet.cell(row35, cols["Tạm thời (x)"]).value == "x"


def test_text_starting_with_equals_is_written_as_text_and_comes_back(tmp_path: Path) -> None:
    tree = chuanxa.load_ruleset("qd1300@2023-03-20").model_dump(mode="json", exclude_none=True)
    tree["criteria"][0]["indicators"][2]["note"] = '=HYPERLINK("http://x")'
    base = build_ruleset(tree)
    path = tmp_path / "s.xlsx"
    export_score_sheet(base, path)
    sheet = openpyxl.load_workbook(path)[SHEET]
    cell = sheet.cell(_row_of(sheet, "3"), _columns(sheet)["Ghi chú"])
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")
    assert not import_score_sheet(path, base).changed


def test_a_formula_never_computed_is_an_error_not_a_blank(tmp_path: Path) -> None:
    base = chuanxa.load_ruleset("qd1300@2023-03-20")
    path = tmp_path / "s.xlsx"
    export_score_sheet(base, path)
    _edit(path, [({"indicator": "3"}, "Ghi chú", "=A1")], formulas=True)  # openpyxl stores a formula without its value
    errors = _errors(path, base)
    assert errors[0].location.cell.startswith("Bảng điểm!X") and "công thức" in errors[0].message("vi")


EDITS = [
    ({"indicator": "1"}, "Điểm tối đa", 2.5),                       # half a point moved from indicator 1 …
    ({"indicator": "3"}, "Điểm tối đa", 2.5),                       # … to indicator 3 of the same criterion
    ({"indicator": "5", "level": 0}, "Ngưỡng", 96),                 # a threshold changed
    ({"indicator": "5"}, "Căn cứ", "QĐ 1300/QĐ-BYT, Phụ lục, chỉ tiêu 5 (bản gốc do Sở Y tế cung cấp)"),  # a source added …
    ({"indicator": "5"}, "Tạm thời (x)", None),                      # … so the provisional mark may go
    ({"indicator": "3"}, "Nội dung", "Kế hoạch y tế hằng năm của xã được Ủy ban nhân dân xã phê duyệt"),  # a wording fixed
]


def test_an_edited_sheet_imports_to_exactly_its_edits_which_validate_and_diff_shows(tmp_path: Path) -> None:
    path = tmp_path / "bang-diem.xlsx"
    assert _run("rulesets", "export", "qd1300@2023-03-20", "-o", str(path)).exit_code == 0
    _edit(path, EDITS)
    out = tmp_path / "my-rules"
    run = _run("rulesets", "import", str(path), "-o", str(out), "--id", "qd1300_thanh_hoa", "--lang", "en")
    assert run.exit_code == 0, run.output
    overlay = yaml.safe_load((out / "qd1300_thanh_hoa_2023-03-20.yaml").read_text(encoding="utf-8"))
    assert overlay["ruleset"]["extends"] == "qd1300@2023-03-20"
    assert overlay["criteria"] == [{"id": "1", "indicators": [
        {"id": "1", "max_points": 2.5},
        {"id": "3", "title": {"vi": "Kế hoạch y tế hằng năm của xã được Ủy ban nhân dân xã phê duyệt"}, "max_points": 2.5},
        {"id": "5", "source": "QĐ 1300/QĐ-BYT, Phụ lục, chỉ tiêu 5 (bản gốc do Sở Y tế cung cấp)", "provisional": False,
         "levels": [{"points": 4, "threshold": 96}, {"points": 2, "threshold": 90}]},
    ]}]
    assert _run("rulesets", "validate", str(out)).exit_code == 0
    diff = _run("rulesets", "diff", "qd1300@2023-03-20", "qd1300_thanh_hoa@2023-03-20", "--rulesets", str(out), "--format", "json")
    paths = sorted(c["path"] for c in yaml.safe_load(diff.output))
    assert paths == ["indicator 1.max_points", "indicator 3.max_points", "indicator 3.title", "indicator 5.levels", "indicator 5.provisional", "indicator 5.source"]


def _errors(path: Path, base: Any) -> list[RulesetError]:
    with pytest.raises(RulesetError) as caught:
        import_score_sheet(path, base)
    return caught.value.related or [caught.value]


@pytest.mark.parametrize("edits,key,cell", [
    ([({"indicator": "1"}, "Điểm tối đa", 4)], "ruleset.indicator_points", "Bảng điểm!E6"),
    ([({"indicator": "5", "level": 0}, "Ngưỡng", "trên 90")], "ruleset.invalid_field", "Bảng điểm!H12"),
    ([({"indicator": "7"}, "Chỉ tiêu", "77")], "sheet.unknown_indicator", "Bảng điểm!B18"),
    ([({"indicator": "5"}, "Tạm thời (x)", None)], "sheet.provisional_needs_source", "Bảng điểm!W11"),
    ([({"indicator": "5", "level": 0}, "Cách chấm (chuanxa tự viết)", "≥ 96 %")], "sheet.read_only", "Bảng điểm!S12"),
    ([({"indicator": "7"}, "So sánh", "≠")], "sheet.cell_unused", "Bảng điểm!G18"),  # a yes/no's "=" is written, never read
    ([({"indicator": "1"}, "Ngưỡng", 3)], "sheet.cell_unused", "Bảng điểm!H7"),  # an assessed indicator has no threshold
    ([({"indicator": "5"}, "Ngưỡng", 96)], "sheet.cell_unused", "Bảng điểm!H11"),  # a threshold's levels hold its thresholds
])
def test_a_mistake_in_the_sheet_is_located_by_sheet_and_cell(edits: Any, key: str, cell: str, tmp_path: Path) -> None:
    base = chuanxa.load_ruleset("qd1300@2023-03-20")
    path = tmp_path / "s.xlsx"
    export_score_sheet(base, path)
    _edit(path, edits)
    errors = _errors(path, base)
    assert (errors[0].key, errors[0].location.cell) == (key, cell), [e.message("en") for e in errors]


def test_a_deleted_row_and_an_unknown_number_give_located_errors_in_both_languages_and_no_overlay(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    export_score_sheet(chuanxa.load_ruleset("qd1300@2023-03-20"), path)
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET]
    sheet.delete_rows(_row_of(sheet, "12"))
    sheet.cell(_row_of(sheet, "7"), 2).value = "77"
    book.save(path)
    run = _run("rulesets", "import", str(path), "-o", str(tmp_path / "out"))
    assert run.exit_code == 2 and not (tmp_path / "out").exists()
    assert "Bảng điểm!B18: Chỉ tiêu số '77' không có trong qd1300@2023-03-20" in run.output
    assert "Dòng của chỉ tiêu 12" in run.output and "Dòng của chỉ tiêu 7" in run.output
    english = _run("rulesets", "import", str(path), "-o", str(tmp_path / "out"), "--lang", "en")
    assert "Indicator number '77' is not in qd1300@2023-03-20" in english.output


def test_a_sheet_from_another_content_of_the_ruleset_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    export_score_sheet(chuanxa.load_ruleset("qd1300@2023-03-20"), path)
    errors = _errors(path, chuanxa.load_ruleset("qd1300@2023-03-09"))
    assert errors[0].key == "sheet.base_changed"


# --- generated rulesets: the round trip holds for any of them ---
_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=25).filter(lambda t: t.strip() == t and t != "")
_HALVES = st.integers(1, 10).map(lambda n: n / 2)


@st.composite
def _indicator(draw: Any, ind_id: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["threshold", "yes_no", "assessed"]))
    top = draw(_HALVES)
    item: dict[str, Any] = {"id": ind_id, "title": {"vi": draw(_TEXT), "en": draw(_TEXT)}, "kind": kind, "max_points": top,
                            "source": draw(_TEXT), "provisional": draw(st.booleans()), "note": draw(st.none() | _TEXT), "knockout": draw(st.booleans())}
    if kind == "yes_no":
        item.update(input="flag", expected=draw(st.booleans()))
    if kind == "assessed" and draw(st.booleans()):
        item["step"] = 0.5
    if kind == "threshold":
        by = draw(st.sampled_from(["scalar", "zone", "region"]))
        points = [top] + sorted({p for p in draw(st.lists(st.integers(0, int(top * 2) - 1).map(lambda n: n / 2), max_size=2))}, reverse=True)
        number = st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 2))
        def threshold() -> Any:
            if by == "zone":
                return {"by": "zone", "values": {z: draw(number) for z in ("1", "2", "3")}}
            if by == "region":
                return {"by": "region", "values": {r: draw(number) for r in ("a", "b")}}
            return draw(number)
        item.update(input="rate", op=draw(st.sampled_from([">=", ">", "<=", "<", "≥", "≤"])), levels=[{"points": p, "threshold": threshold()} for p in points])
    return item


@st.composite
def _rulesets(draw: Any) -> Any:
    criteria, next_id = [], 1
    for crit_index in range(draw(st.integers(1, 3))):
        indicators = []
        for _ in range(draw(st.integers(1, 3))):
            indicators.append(draw(_indicator(str(next_id))))
            next_id += 1
        criteria.append({"id": str(crit_index + 1), "title": {"vi": draw(_TEXT), "en": draw(_TEXT)}, "max_points": sum(i["max_points"] for i in indicators),
                         "source": draw(st.none() | _TEXT), "indicators": indicators})
    tree = {
        "ruleset": {"id": "gen", "version": "2024-01-01", "title": {"vi": "t", "en": "t"}, "legal_basis": {"vi": "l", "en": "l"},
                    "issued": "2024-01-01", "effective": "2024-01-01", "total_points": sum(c["max_points"] for c in criteria)},
        "classification": {"regions": [{"id": "a", "vi": "Vùng A", "en": "A"}, {"id": "b", "vi": "Vùng B", "en": "B"}],
                           "terrains": [{"id": "dong_bang", "vi": "đồng bằng", "en": "lowland", "group": "lowland"}],
                           "zoning": {"rules": [], "default": 2}},
        "inputs": {"rate": {"type": "percent", "label": {"vi": "Tỷ lệ", "en": "Rate"}, "unit": "%"},
                   "flag": {"type": "yes_no", "label": {"vi": "Có", "en": "Flag"}}},
        "criteria": criteria,
    }
    return build_ruleset(tree)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ruleset=_rulesets())
def test_export_then_import_without_edits_is_empty_on_generated_rulesets(ruleset: Any, tmp_path: Path) -> None:
    path = tmp_path / "gen.xlsx"
    export_score_sheet(ruleset, path)
    result = import_score_sheet(path, ruleset)
    assert result.overlay.keys() == {"ruleset"}
    assert result.ruleset.criteria == ruleset.criteria


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ruleset=_rulesets(), wording=_TEXT, data=st.data())
def test_a_wording_fixed_on_a_generated_ruleset_imports_to_exactly_that_change(ruleset: Any, wording: str, data: Any, tmp_path: Path) -> None:
    indicator = data.draw(st.sampled_from(ruleset.indicators))
    if wording == indicator.title.vi:
        return
    path = tmp_path / "gen.xlsx"
    export_score_sheet(ruleset, path)
    _edit(path, [({"indicator": indicator.id}, "Nội dung", wording)])
    result = import_score_sheet(path, ruleset)
    assert result.overlay["criteria"] == [{"id": ruleset.criterion_of(indicator.id).id, "indicators": [{"id": indicator.id, "title": {"vi": wording}}]}]
    assert result.ruleset.indicator(indicator.id).title.vi == wording


def test_a_threshold_typed_as_a_percentage_is_read_as_the_percent_shown(tmp_path: Path) -> None:
    base = chuanxa.load_ruleset("qd1300@2023-03-20")
    path = tmp_path / "s.xlsx"
    export_score_sheet(base, path)
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET]
    cell = sheet.cell(_row_of(sheet, "5") + 1, _columns(sheet)["Ngưỡng"])
    cell.value, cell.number_format = 0.96, "0%"  # Excel stores 96% as 0.96
    book.save(path)
    assert import_score_sheet(path, base).ruleset.indicator("5").levels[0].threshold == 96  # type: ignore[union-attr]
