"""What a process pays before its first commune: `import chuanxa` and `chuanxa --help` load nothing heavy, a command
loads only what it uses, and the garbage collector is paused while a command's modules are imported."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

from chuanxa.cli import main as cli_main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HEAVY = ("numpy", "pydantic", "yaml", "openpyxl", "fastapi", "sqlalchemy", "jinja2", "vietnam_provinces")


def _modules_after(code: str, tmp_path: Path) -> set[str]:
    """The top-level packages a fresh interpreter has imported after running `code`."""
    script = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules} | {m for m in sys.modules if m.startswith('chuanxa.')})))"
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_import_chuanxa_loads_no_dependency_and_keeps_its_public_names(tmp_path: Path) -> None:
    loaded = _modules_after("import chuanxa\nassert 'load_ruleset' in chuanxa.__all__ and 'score' in dir(chuanxa)", tmp_path)
    assert not loaded & {*HEAVY, "click"}
    assert "chuanxa.api" in _modules_after("import chuanxa\nchuanxa.load_ruleset", tmp_path)  # a name imports its module on use


def test_chuanxa_help_imports_no_command_and_nothing_heavy(tmp_path: Path) -> None:
    loaded = _modules_after("from chuanxa.cli.main import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass", tmp_path)
    assert not loaded & set(HEAVY)
    assert not {m for m in loaded if m.startswith("chuanxa.cli.cmd_")}


def test_scoring_a_csv_table_loads_neither_excel_nor_server_libraries_nor_the_unit_package(tmp_path: Path) -> None:
    table = EXAMPLES / "gia_lai_2026.csv"
    loaded = _modules_after(f"from chuanxa.cli.main import main\nmain(['batch', {str(table)!r}, '-o', 'out.csv', '--summary'])", tmp_path)
    assert (tmp_path / "out.csv").stat().st_size > 0
    assert not loaded & {"openpyxl", "fastapi", "sqlalchemy", "jinja2", "vietnam_provinces"}
    assert "chuanxa.cli.cmd_server" not in loaded and "chuanxa.cli.cmd_plan" not in loaded


@pytest.mark.parametrize("enabled", [True, False])
def test_a_command_module_is_imported_with_the_collector_paused_and_its_state_restored(enabled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    probe = types.SimpleNamespace(command=object())
    monkeypatch.setitem(cli_main.LAZY_COMMANDS, "probe", ("chuanxa_probe_module:command", "a probe"))
    monkeypatch.setattr(cli_main.importlib, "import_module", lambda name: seen.append(gc.isenabled()) or probe)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        command = cli_main.cli.get_command(None, "probe")  # type: ignore[arg-type]
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert command is probe.command and seen == [False]


def test_the_startup_benchmark_times_builds_that_agree_and_gives_no_figure_to_builds_that_differ(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import bench_startup

    monkeypatch.setattr(bench_startup, "COMMANDS", {"help": ["--help"], "score": ["score", str(EXAMPLES / "xa-thieu-giao.yaml")]})
    rows = bench_startup.compare({"this": sys.executable, "previous": sys.executable}, 1, False, tmp_path)
    assert [name for name, _ in rows] == ["help", "score"]
    assert all(0 < best["this"] < 60 and 0 < best["previous"] < 60 for _, best in rows)
    assert not bench_startup._same({"this": (0, {"summary.csv": b"a"}), "previous": (0, {"summary.csv": b"b"})})
    assert not bench_startup._same({"this": (0, {}), "previous": (1, {})})
    assert "no figure" in bench_startup.render([("score", {})], [], 1, False)
