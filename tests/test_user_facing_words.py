"""Words a new user met in the README walk-through (session 4): a number and its unit as people write them, and
no note-taking marks from the reference files in what chuanxa prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, strategies as st

import chuanxa
from chuanxa.planning.provinces import target_for
from chuanxa.wording import with_unit

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "xa-thieu-giao.yaml"


def test_a_plan_step_spaces_a_word_unit_from_its_number() -> None:
    commune = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    commune["values"]["station_staff"] = 5  # zone 2 needs 6 staff for full points
    path = chuanxa.plan(commune)
    words = [chuanxa.step_text(step, path) for step in path.steps if step.unit == "người"]
    assert [w.vi.split(": ")[0] for w in words] == ["Nâng số nhân lực làm việc tại trạm y tế từ 5 người lên 6 người"]
    assert "from 5 người to 6 người" in words[0].en


@given(st.floats(0, 1e6, allow_nan=False).map(lambda x: f"{x:g}"), st.sampled_from(["người", "km", "giường", "hộ"]))
def test_a_percent_sign_closes_up_and_a_word_unit_is_spaced(number: str, unit: str) -> None:
    assert with_unit(number, "%") == number + "%"
    assert with_unit(number, unit) == f"{number} {unit}"
    assert with_unit(number, None) == with_unit(number, "") == number


def test_the_national_target_names_its_resolution_without_reference_marks() -> None:
    source = target_for(2030).source
    assert source.startswith("NQ 262/2025/QH15") and "[" not in source


def test_serve_demo_names_each_sign_in_s_role_in_the_user_s_language(tmp_path: Path, capsys: Any) -> None:
    from chuanxa.cli.cmd_server import _make_demo

    _make_demo(f"sqlite:///{tmp_path / 'vi.db'}", "vi")
    said = capsys.readouterr().out
    assert "xa / demo-chuanxa  (trạm y tế xã 16021)" in said and "tinh / demo-chuanxa  (Sở Y tế)" in said
    assert "(province)" not in said and "(commune" not in said
    _make_demo(f"sqlite:///{tmp_path / 'en.db'}", "en")
    assert "sign in as xa / demo-chuanxa  (commune staff 16021)" in capsys.readouterr().out
