"""The package's type hints hold (it ships `py.typed`): mypy finds no error in it, nor in a small embedding
program written against `import chuanxa` only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
PACKAGES = ["chuanxa", "criteria", "engine", "communes", "planning", "outputs", "reports", "cli"]

EMBEDDING = '''
import chuanxa

result: chuanxa.CommuneResult = chuanxa.score({"commune": {"code": "1", "name": "Xã A"}, "values": {}})
points: float = result.total.points
batch: chuanxa.BatchResult = chuanxa.score_many(["examples/xa-thieu-giao.yaml"], "qd1300@2023-03-20")
summaries: chuanxa.SummaryBatch = chuanxa.summarise_many(batch.results and ["examples/xa-thieu-giao.yaml"] or [])
try:
    chuanxa.load_ruleset("qd9999")
except chuanxa.ChuanxaError as error:
    text: str = error.message("vi")
'''


def test_mypy_finds_no_type_error_in_the_package_or_an_embedding_program(tmp_path: Path) -> None:
    program = tmp_path / "embed.py"
    program.write_text(EMBEDDING, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mypy", *PACKAGES, str(program), "--ignore-missing-imports", "--no-incremental",
                           "--cache-dir", str(tmp_path / "cache")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
