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
        assert "recognised" in done.stdout


def test_every_readme_command_names_a_real_subcommand() -> None:
    from chuanxa.cli.main import cli

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = {m.group(1) for m in re.finditer(r"^chuanxa ([a-z-]+)", "\n".join(re.findall(r"```bash\n(.*?)```", text, re.S)), re.M)}
    assert commands and commands <= set(cli.list_commands(None)), commands - set(cli.list_commands(None))  # type: ignore[arg-type]
