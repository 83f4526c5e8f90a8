"""The README's library example runs as shown (the README must stay true)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_the_readme_library_example_runs_as_shown() -> None:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert blocks, "the README shows a library example"
    for block in blocks:
        done = subprocess.run([sys.executable, "-c", block], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        _prints_what_the_library_computes(done.stdout.splitlines())


def _prints_what_the_library_computes(lines: list[str]) -> None:
    """The example's printed answers are the library's answers (not merely some text containing a verdict)."""
    import chuanxa

    example, table = ROOT / "examples" / "xa-thieu-giao.yaml", ROOT / "examples" / "thieu_hoa_2024.csv"
    result = chuanxa.score(example)
    verdict, total = lines[0].split()[:2]
    assert (verdict, float(total)) == (result.verdict.value, result.total.points)
    assert lines[1].split()[0] == str(chuanxa.score_many(table).recognised_count)
    summary = chuanxa.summarise_many(ROOT / "examples" / "thieu_hoa_2024.xlsx")
    assert lines[2].split() == [str(summary.recognised_count), f"{summary.summaries[0].total.points}"]
    what_if = chuanxa.simulate(example, {"health_insurance_rate": 95})
    assert lines[3].split()[0] == what_if.after.verdict.value in {v.value for v in chuanxa.Verdict}


def test_every_readme_command_names_a_real_subcommand() -> None:
    from chuanxa.cli.main import cli

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = {m.group(1) for m in re.finditer(r"^chuanxa ([a-z-]+)", "\n".join(re.findall(r"```bash\n(.*?)```", text, re.S)), re.M)}
    assert commands and commands <= set(cli.list_commands(None)), commands - set(cli.list_commands(None))  # type: ignore[arg-type]
