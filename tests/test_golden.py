"""Golden cases: the test cases that ship beside the rulesets (`rulesets/*.cases.yaml`, and the small test
ruleset's under tests/fixtures/rulesets/), run by the same runner as `chuanxa rulesets test`, one test id
per case.

Each file names a ruleset and a base commune; each case changes a few fields (`values`, `commune`,
`assessed`; a value of null removes the field) and states what must come out.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from chuanxa.authoring.case_text import outcome_lines
from chuanxa.authoring.cases import cases_next_to, load_cases, run_case, base_data, default_ruleset_ref
from chuanxa.criteria.registry import Registry

BUNDLED = Path(str(resources.files("chuanxa.rulesets")))
FIXTURES = Path(__file__).parent / "fixtures" / "rulesets"
CASE_FILES = cases_next_to(BUNDLED) + cases_next_to(FIXTURES)
REGISTRY = Registry([FIXTURES], include_bundled=True, use_env=False)


def _cases() -> list[Any]:
    found = []
    for path in CASE_FILES:
        spec, tree = load_cases(path)
        for index, case in enumerate(spec.cases):
            found.append(pytest.param(path, spec, case, tree["cases"].lines[index][1], id=f"{path.name.removesuffix('.cases.yaml')}::{case.name}"))
    return found


def test_every_bundled_ruleset_with_golden_cases_ships_them_beside_it() -> None:
    assert {p.name for p in cases_next_to(BUNDLED)} == {f"{e.path.stem}.cases.yaml" for e in REGISTRY.entries.values() if e.bundled}


@pytest.mark.parametrize("path,spec,case,line", _cases())
def test_golden_case(path: Path, spec: Any, case: Any, line: int) -> None:
    outcome = run_case(case, base_data(spec.base, path), spec.ruleset or default_ruleset_ref(path), REGISTRY, str(path), line)
    assert outcome.passed, "\n".join(outcome_lines(outcome, "en"))
