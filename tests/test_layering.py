"""Data flows one way: the import graph between packages has the layers the README describes, and no cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
# package → the chuanxa packages (and facade modules) it must never import, directly or lazily inside a function
FORBIDDEN = {
    "criteria": {"chuanxa.communes", "chuanxa.engine", "chuanxa.monitoring", "chuanxa.planning", "chuanxa.api", "chuanxa.workspace", "chuanxa.outputs", "chuanxa.reports", "chuanxa.cli"},
    "communes": {"chuanxa.engine", "chuanxa.monitoring", "chuanxa.planning", "chuanxa.api", "chuanxa.workspace", "chuanxa.outputs", "chuanxa.reports", "chuanxa.cli"},
    "engine": {"chuanxa.planning", "chuanxa.monitoring", "chuanxa.api", "chuanxa.workspace", "chuanxa.outputs", "chuanxa.reports", "chuanxa.cli"},
    # monitoring sits on the engine (it re-scores communes) and under the CLI that runs it
    "monitoring": {"chuanxa.planning", "chuanxa.api", "chuanxa.workspace", "chuanxa.outputs", "chuanxa.reports", "chuanxa.cli", "chuanxa.server", "chuanxa.web"},
    "planning": {"chuanxa.api", "chuanxa.outputs", "chuanxa.reports", "chuanxa.cli"},
}


def _imports(folder: str) -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / folder).rglob("*.py"):  # subpackages too (engine/kinds/)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add((path.name, node.module))
            elif isinstance(node, ast.Import):
                found.update((path.name, alias.name) for alias in node.names)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_never_imports_a_layer_above_it(package: str) -> None:
    bad = sorted((file, module) for file, module in _imports(package) if any(module == f or module.startswith(f + ".") for f in FORBIDDEN[package]))
    assert not bad, f"{package}/ imports layers above it: {bad}"


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_never_reaches_the_facade_through_the_top_level_import(package: str) -> None:
    # `from chuanxa import score` or `import chuanxa` reaches `chuanxa.api` through the facade's lazy names, which the
    # check above (module prefixes) would not see.
    bad = sorted((file, module) for file, module in _imports(package) if module == "chuanxa")
    assert not bad, f"{package}/ imports the facade `chuanxa`: {bad}"
