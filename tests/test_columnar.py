"""The column-wise evaluator agrees with the per-commune engine on every indicator, criterion and verdict."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa.engine.columnar import REASONS, STATUSES, VERDICTS, ColumnarEvaluator

from test_properties import communes, rulesets_under_test


def _check_agreement(ruleset: chuanxa.Ruleset, batch: list[chuanxa.CommuneData]) -> None:
    engine = chuanxa.compiled(ruleset)
    columnar = ColumnarEvaluator(engine)
    table = columnar.evaluate(columnar.columns_from_communes(batch))
    for row, commune in enumerate(batch):
        expected = engine.evaluate(commune)
        for j, ind in enumerate(expected.indicators):
            got = (float(table.points[row, j]), STATUSES[table.status[row, j]], REASONS[table.reason[row, j]])
            assert got == (ind.points, ind.status, ind.reason), (ruleset.ref, ind.id, commune)
        assert list(table.criterion_points[row]) == [c.points for c in expected.criteria]
        assert list(table.criterion_max[row]) == [c.max for c in expected.criteria]
        assert list(table.floor_met[row]) == [c.floor_met for c in expected.criteria]
        assert (table.total[row], table.total_max[row]) == (expected.total.points, expected.total.max)
        assert VERDICTS[table.verdict[row]] is expected.verdict
        assert bool(table.provisional_decides[row]) == expected.provisional_decides
        assert (np.isnan(table.zone[row]) and expected.zone is None) or table.zone[row] == expected.zone


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_column_wise_and_per_commune_engines_agree_on_generated_communes(mini: chuanxa.Ruleset, data: st.DataObject) -> None:
    for ruleset in rulesets_under_test(mini):
        batch = [data.draw(communes(ruleset)) for _ in range(8)]
        _check_agreement(ruleset, batch)


def test_they_agree_on_the_example_district_under_the_knockout_overlay() -> None:
    from pathlib import Path

    from chuanxa.communes.readers import read_table
    from chuanxa.criteria.registry import Registry

    root = Path(__file__).parent.parent
    ruleset = Registry([root / "examples" / "overlays"], use_env=False).load("qd1300_example_knockouts")
    rows = [r.data for r in read_table(root / "examples" / "thieu_hoa_2024.csv", ruleset).rows]
    _check_agreement(ruleset, rows)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_column_wise_summaries_equal_the_per_commune_ones(mini: chuanxa.Ruleset, data: st.DataObject) -> None:
    for ruleset in rulesets_under_test(mini):
        batch = [data.draw(communes(ruleset)) for _ in range(6)]
        fast = chuanxa.summarise_many(batch, ruleset, column_wise=True)
        slow = chuanxa.summarise_many(batch, ruleset, column_wise=False)
        assert fast.column_wise and not slow.column_wise
        assert list(fast.summaries) == list(slow.summaries) == [chuanxa.score(c, ruleset).summary() for c in batch]


def test_summaries_of_a_table_with_a_bad_row_keep_the_others(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    source = Path(__file__).parent.parent / "examples" / "thieu_hoa_2024.csv"
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    column = next(i for i, name in enumerate(header) if "tiêm chủng" in name.lower() or "immunisation" in name.lower())
    cells = lines[3].split(",")
    cells[column] = "chín mươi"  # row 4 of the file: not a number
    lines[3] = ",".join(cells)
    table = tmp_path / "district.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for column_wise in (True, False):
        result = chuanxa.summarise_many(table, "qd1300@2023-03-20", column_wise=column_wise)
        assert len(result.summaries) == len(lines) - 2 and [r.row for r in result.rejected] == [4]
        assert "chín mươi" in chuanxa.problem_text(result.rejected[0].errors[0]).vi
    full = chuanxa.score_many(table, "qd1300@2023-03-20")
    assert [r.summary() for r in full.results] == list(chuanxa.summarise_many(table, "qd1300@2023-03-20", column_wise=True).summaries)
