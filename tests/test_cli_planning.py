"""Planning commands from the command line, on the bundled example district."""

from __future__ import annotations

import json
from pathlib import Path

from chuanxa.cli.common import EXIT_OK, EXIT_USAGE
from chuanxa.cli.main import main

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"


def test_plan_prints_steps_and_the_verdict_after(capsys) -> None:
    assert main(["plan", str(EXAMPLES / "xa-thieu-giao.yaml"), "--costs", str(EXAMPLES / "costs.yaml"), "--lang", "en"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Plan (1 step, total cost 4.5)" in out and "After the plan: 78.5 points, RECOGNISED" in out


def test_simulate_with_a_bad_pair_is_a_usage_error(capsys) -> None:
    assert main(["simulate", str(EXAMPLES / "xa-thieu-giao.yaml"), "--set", "health_insurance_rate"]) == EXIT_USAGE
    assert "TÊN=GIÁ_TRỊ" in capsys.readouterr().err


def test_plan_targets_reaches_ninety_percent_of_the_example_district(capsys) -> None:
    assert main(["plan-targets", str(EXAMPLES / "thieu_hoa_2024.xlsx"), "--target-share", "0.9", "--format", "json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["communes"] == 15 and data["target"] == 14 and data["target_met"] is True
    assert len(data["chosen"]) == 14 - len(data["recognised_now"])


def test_plan_targets_writes_a_workbook(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "plan.xlsx"
    assert main(["plan-targets", str(EXAMPLES / "thieu_hoa_2024.csv"), "--target", "12", "--format", "xlsx", "-o", str(out)]) == EXIT_OK
    assert load_workbook(out).sheetnames == ["Kế hoạch", "Các bước"]


def test_merge_writes_new_communes_that_read_back(tmp_path: Path, capsys) -> None:
    out = tmp_path / "new.csv"
    assert main(["merge", str(EXAMPLES / "merge_mapping.yaml"), str(EXAMPLES / "thieu_hoa_2024.csv"), "-o", str(out)]) == EXIT_OK
    out_text = capsys.readouterr().out
    assert "15778" in out_text and "3 điểm trạm" in out_text  # Xã Thiệu Tiến: one station, three sites
    assert main(["score", str(out)]) == EXIT_OK


def test_plan_targets_writes_the_plan_as_json_with_every_field_of_the_library_plan(tmp_path: Path) -> None:
    from chuanxa.planning import plan_targets

    out = tmp_path / "plan.json"
    assert main(["plan-targets", str(EXAMPLES / "thieu_hoa_2024.csv"), "--target-share", "0.9", "-o", str(out)]) == EXIT_OK
    expected = plan_targets(EXAMPLES / "thieu_hoa_2024.csv", target_share=0.9)
    assert json.loads(out.read_bytes()) == json.loads(json.dumps(expected.model_dump(mode="json")))
    assert out.read_text(encoding="utf-8").startswith('{\n  "')  # indented for a person reading it
