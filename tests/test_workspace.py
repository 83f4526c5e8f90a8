"""A workspace owns the registry and the compiled engines of a long-lived process."""

from __future__ import annotations

from pathlib import Path

import chuanxa
from chuanxa.workspace import Workspace

from test_engine_regressions import _write_ruleset

FIXTURES = Path(__file__).parent / "fixtures"


def test_an_unchanged_ruleset_keeps_its_compiled_engine_and_an_edited_one_gets_a_new_one(tmp_path: Path) -> None:
    workspace = Workspace()
    _write_ruleset(tmp_path, 1.0)
    first = workspace.compiled("edited", as_of=2024, rulesets_dirs=[tmp_path])
    assert workspace.compiled("edited", as_of=2024, rulesets_dirs=[tmp_path]) is first
    assert workspace.columnar(first) is workspace.columnar(first)
    _write_ruleset(tmp_path, 1.0)  # rewritten alike: a new registry, the same content hash, the same engine
    assert workspace.compiled("edited", as_of=2024, rulesets_dirs=[tmp_path]) is first
    _write_ruleset(tmp_path, 1.5)
    edited = workspace.compiled("edited", as_of=2024, rulesets_dirs=[tmp_path])
    assert edited is not first and edited.stamp.sha256 != first.stamp.sha256
    assert edited.ruleset.indicator("1").levels[1].points == 1.5


def test_a_workspace_that_does_not_watch_files_sees_an_edit_after_refresh(tmp_path: Path) -> None:
    workspace = Workspace(check_files=False)
    _write_ruleset(tmp_path, 1.0)
    assert workspace.load("edited", as_of=2024, rulesets_dirs=[tmp_path]).indicator("1").levels[1].points == 1.0
    _write_ruleset(tmp_path, 1.5)
    assert workspace.load("edited", as_of=2024, rulesets_dirs=[tmp_path]).indicator("1").levels[1].points == 1.0
    workspace.refresh()
    assert workspace.load("edited", as_of=2024, rulesets_dirs=[tmp_path]).indicator("1").levels[1].points == 1.5


def test_library_calls_use_the_workspace_they_are_given(tmp_path: Path) -> None:
    workspace = Workspace()
    _write_ruleset(tmp_path, 1.0)
    ruleset = chuanxa.load_ruleset("edited", as_of=2024, rulesets_dirs=[tmp_path], workspace=workspace)
    commune = {"commune": {"code": "1", "name": "X", "region": "dong_bang_song_hong", "terrain": "dong_bang", "distance_km": 4}, "values": {"immunisation_rate": 92}}
    result = chuanxa.score(commune, ruleset, workspace=workspace)
    assert result.indicator("1").points == 1.0
    assert workspace.compiled(ruleset) is workspace.compiled(ruleset)
    batch = chuanxa.summarise_many([commune] * 40, ruleset, workspace=workspace)
    assert batch.column_wise and {s.points["1"] for s in batch.summaries} == {1.0}
