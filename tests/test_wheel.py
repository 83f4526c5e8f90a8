"""The wheel is complete: built from the repo, installed into a fresh virtual environment, imported there."""

from __future__ import annotations

import os
import re
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.slow
def test_the_wheel_installs_in_a_fresh_environment_with_rulesets_and_types(tmp_path: Path) -> None:
    python = installed_wheel(tmp_path)
    env_dir = tmp_path / "env"
    probe = (
        "import chuanxa, pathlib, importlib.resources as r;"
        "p = pathlib.Path(chuanxa.__file__).parent;"
        "print(p);"
        "print((p / 'py.typed').exists());"
        "print(sorted(x.name for x in r.files('chuanxa.rulesets').iterdir() if x.name.endswith('.yaml')));"
        "print(chuanxa.load_ruleset('qd1300').ref)"
    )
    out = subprocess.run([str(python), "-c", probe], check=True, capture_output=True, text=True, cwd=tmp_path).stdout.splitlines()
    assert str(env_dir) in out[0], "chuanxa was imported from outside the fresh environment"
    assert out[1] == "True"
    assert "qd1300_2023-03-20.yaml" in out[2] and "qd4667_2014-11-07.yaml" in out[2]
    assert out[3].startswith("qd1300@")
    cli = subprocess.run([str(env_dir / "bin" / "chuanxa"), "rulesets", "list"], capture_output=True, text=True, cwd=tmp_path)
    assert cli.returncode == 0 and "qd1300@2023-03-20" in cli.stdout
    # The installed package is typed (py.typed): mypy checks a program embedding it, and catches a misuse.
    good = tmp_path / "embed_ok.py"
    good.write_text(EMBEDDING, encoding="utf-8")
    bad = tmp_path / "embed_bad.py"
    bad.write_text("import chuanxa\nwrong: int = chuanxa.score('x.yaml')\n", encoding="utf-8")
    mypy = [sys.executable, "-m", "mypy", "--python-executable", str(python), "--no-incremental", "--cache-dir", str(tmp_path / "cache")]
    checked = subprocess.run([*mypy, "--strict", str(good)], capture_output=True, text=True, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    refused = subprocess.run([*mypy, str(bad)], capture_output=True, text=True, cwd=tmp_path)
    assert refused.returncode == 1 and "CommuneResult" in refused.stdout, refused.stdout


def installed_wheel(tmp_path: Path) -> Path:
    """The interpreter of a fresh environment (see `fresh_environment`) with chuanxa installed from a wheel built
    from this tree: what a user who installs the package gets."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)], check=True, capture_output=True)
    wheel = next(wheels.glob("chuanxa-*.whl"))
    python = fresh_environment(tmp_path / "env")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)], check=True, capture_output=True)
    return python


def fresh_environment(env_dir: Path) -> Path:
    """A new virtual environment that sees the dependencies this interpreter has, wherever they are: in a venv
    (whose packages a `system_site_packages` environment would not see), in the user's or in the system's
    site-packages. Their folders are added as plain path lines (a .pth file), so their own .pth files (an
    editable chuanxa among them) are not run: chuanxa comes only from what the test installs."""
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    target = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], check=True, capture_output=True,
                                 text=True).stdout.strip())
    folders = [*site.getsitepackages(), site.getusersitepackages(), *(p for p in sys.path if p.endswith(("site-packages", "dist-packages")))]
    lines = [f for f in dict.fromkeys(folders) if Path(f).is_dir() and not Path(f).resolve().is_relative_to(env_dir.resolve())]
    (target / "_outer_dependencies.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return python


def readme_install_command() -> list[str]:
    """The editable install of the README's quick start, as arguments after `python -m pip`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"python -m pip install (-e \. [^&\n]*?)\s*&&", text)
    assert found, "the README's quick start shows no editable install"
    return ["install", *found.group(1).split()]


@pytest.mark.slow
def test_after_the_readmes_editable_install_mypy_strict_finds_chuanxa_for_an_embedding_program(tmp_path: Path) -> None:
    project = tmp_path / "chuanxa-src"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__", ".hypothesis", ".mypy_cache", "venv*", ".venv"))
    python = fresh_environment(tmp_path / "env")
    installed = subprocess.run([str(python), "-m", "pip", *readme_install_command(), "--no-deps", "-q"], cwd=project, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-2000:]
    where = subprocess.run([str(python), "-c", "import chuanxa; print(chuanxa.__file__)"], capture_output=True, text=True, cwd=tmp_path)
    assert where.returncode == 0 and "chuanxa-src" in where.stdout, where.stderr  # the editable install points into the project
    # Python started in the project folder finds the folder's chuanxa first: its subpackages must be found too.
    inside = subprocess.run([str(python), "-c", "import chuanxa; print(chuanxa.load_ruleset('qd1300@2023-03-20').ref)"], capture_output=True, text=True, cwd=project)
    assert inside.returncode == 0 and "qd1300@2023-03-20" in inside.stdout, inside.stderr[-2000:]
    good = tmp_path / "embed_ok.py"
    good.write_text(EMBEDDING, encoding="utf-8")
    bad = tmp_path / "embed_bad.py"
    bad.write_text("import chuanxa\nwrong: int = chuanxa.score('x.yaml')\n", encoding="utf-8")
    mypy = [sys.executable, "-m", "mypy", "--python-executable", str(python), "--no-incremental", "--cache-dir", str(tmp_path / "cache")]
    checked = subprocess.run([*mypy, "--strict", str(good)], capture_output=True, text=True, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    refused = subprocess.run([*mypy, str(bad)], capture_output=True, text=True, cwd=tmp_path)
    assert refused.returncode == 1 and "CommuneResult" in refused.stdout, refused.stdout


EMBEDDING = """
import chuanxa

result: chuanxa.CommuneResult = chuanxa.score({"commune": {"code": "1", "name": "Xã A"}, "values": {}})
points: float = result.total.points
batch: chuanxa.BatchResult = chuanxa.score_many(["x.yaml"], "qd1300@2023-03-20")
table: chuanxa.SummaryBatch = chuanxa.summarise_many(["x.yaml"])
plan: chuanxa.Plan = chuanxa.plan("x.yaml")
try:
    chuanxa.load_ruleset("qd9999")
except chuanxa.ChuanxaError as error:
    text: str = error.message("vi")
"""
