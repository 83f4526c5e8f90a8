"""The officers' walkthrough (docs/hieu-chinh-bo-tieu-chi.md) runs as written: audit, export, the edits it
describes, import, the cases it shows, test, diff and score — each command as printed there."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from chuanxa.cli.main import cli
from test_score_sheet import EDITS, _edit

ROOT = Path(__file__).parent.parent
DOC = (ROOT / "docs" / "hieu-chinh-bo-tieu-chi.md").read_text(encoding="utf-8")


def test_the_walkthrough_commands_run_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    os.symlink(ROOT / "examples", tmp_path / "examples")
    commands = [line for block in re.findall(r"```bash\n(.*?)```", DOC, re.S) for line in block.strip().splitlines()]
    assert [c.split()[1] if c.split()[1] == "score" else c.split()[2] for c in commands] == ["audit", "export", "import", "test", "diff", "score"]
    cases_text = re.findall(r"```yaml\n(.*?)```", DOC, re.S)[0]
    outputs = {}
    for command in commands:
        if "import" in command.split():
            _edit(tmp_path / "bang-diem.xlsx", EDITS)  # the officer's corrections described in step 3
        if "test" in command.split():
            (tmp_path / "bo-tieu-chi-tinh" / "qd1300_hieu_chinh_2023-03-20.cases.yaml").write_text(cases_text, encoding="utf-8")
        result = CliRunner().invoke(cli, shlex.split(command)[1:], standalone_mode=False, catch_exceptions=False)
        code = result.return_value if isinstance(result.return_value, int) else result.exit_code
        assert code == 0, (command, result.output)
        outputs[command.split()[2] if command.split()[1] == "rulesets" else command.split()[1]] = result.output
    assert "qd1300_hieu_chinh@2023-03-20: bo-tieu-chi-tinh/qd1300_hieu_chinh_2023-03-20.yaml" in outputs["import"]
    assert "3 ca: 3 đạt, 0 không đạt." in outputs["test"] and "6 thay đổi" in outputs["diff"]
