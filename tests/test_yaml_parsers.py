"""libyaml's parser (fast) and PyYAML's pure-Python parser (reference) load every text alike: the same values,
the same lines, the same refusals with the same wording and line. Without libyaml the reference does it all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from chuanxa.criteria import yamlio
from chuanxa.criteria.yamlio import LocatedDict, LocatedList, load_yaml_text
from chuanxa.errors import CommuneDataError, CostsFileError, RulesetError

REPO = Path(__file__).resolve().parent.parent
needs_libyaml = pytest.mark.skipif(yamlio._FastLoader is None, reason="PyYAML was built without libyaml")


def _positions(tree: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every recorded (path, file/line) of a located tree."""
    if isinstance(tree, (LocatedDict, LocatedList)):
        yield path, (tree.file, tree.line)
        entries = tree.items() if isinstance(tree, LocatedDict) else enumerate(tree)
        lines = tree.lines if isinstance(tree, LocatedDict) else dict(enumerate(tree.lines))
        for key, value in entries:
            yield path + (key,), lines[key]
            yield from _positions(value, path + (key,))


def _outcome(text: str, *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    """What loading `text` gives with one parser: the values and every line, or the error's key, words and line."""
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(yamlio, "_FastLoader", None)
        try:
            tree = load_yaml_text(text, "f.yaml")
        except RulesetError as error:
            return ("refused", error.key, error.params, error.location.line, error.location.path)
    return ("loaded", repr(yamlio.strip(tree)), list(_positions(tree)))


def _fast_parser_runs(text: str) -> bool:
    return yamlio._FastLoader is not None and not yamlio._REFERENCE_ONLY.search(text)


@needs_libyaml
def test_the_fast_parser_is_used_for_an_ordinary_ruleset(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[type[Any]] = []
    real_run = yamlio._run
    monkeypatch.setattr(yamlio, "_run", lambda cls, text: calls.append(cls) or real_run(cls, text))
    load_yaml_text((REPO / "rulesets" / "qd1300_2023-03-09.yaml").read_text(encoding="utf-8"))
    assert calls == [yamlio._FastLoader]


@needs_libyaml
@pytest.mark.parametrize("path", sorted(p for p in REPO.glob("**/*.y*ml") if "build" not in p.parts and "hostile" not in p.parts),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_every_yaml_file_of_the_repository_loads_alike_with_both_parsers(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = yamlio.read_text_file(path)
    assert _outcome(text, fast=True, monkeypatch=monkeypatch) == _outcome(text, fast=False, monkeypatch=monkeypatch)


REFUSED = [
    "a: !!python/object/apply:os.system ['true']\n",
    "a: !!python/object:os.system {}\n",
    "a:\n  b: !!python/name:os.system ''\n",
    "!!python/object:os.system k: 1\n",  # on a key
    "a: !!set {x, y}\n",
    "a: !custom 1\n",
    "a: 1\na: 2\n",
    "<<: {a: 1}\n",
    "? [a, b]\n: 1\n",
    "a: 2023-02-30\n",
    "2023-02-30: 1\n",  # an impossible date as a key
    "a: &x [*x]\n",
    "a: [" * 100 + "]" * 100,
    "a: b: c\n",
    "a:\n\t- 1\n",
    "a: 'x\n",
    "- a\nb: 1\n",
    "a: |#\n  x\n",
    "a: *missing\n",
    "a: x\tb\n",
]


@pytest.mark.parametrize("text", REFUSED)
def test_what_the_reference_parser_refuses_the_fast_one_refuses_with_the_same_words_and_line(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = _outcome(text, fast=False, monkeypatch=monkeypatch)
    assert reference[0] == "refused"
    assert _outcome(text, fast=True, monkeypatch=monkeypatch) == reference


def test_a_syntax_error_keeps_pyyaml_s_wording_and_line() -> None:
    with pytest.raises(RulesetError) as caught:
        load_yaml_text("ruleset:\n  id: x\n  title: a: b\n", "r.yaml")
    assert caught.value.key == "yaml.syntax"
    assert caught.value.location.line == 3
    assert caught.value.params["detail"] == "mapping values are not allowed here"  # libyaml says "… in this context"
    assert caught.value.params["detail_vi"].startswith("dấu ':' đặt sai chỗ")


@needs_libyaml
@pytest.mark.parametrize("error_cls", [RulesetError, CommuneDataError, CostsFileError], ids=lambda cls: cls.__name__)
def test_a_commune_or_costs_file_the_fast_parser_refuses_gets_the_reference_parser_s_words_and_limits(error_cls: type[RulesetError]) -> None:
    # Seen in a fresh venv (PyYAML 6.0.4's libyaml stops at 1,000 nested brackets): a commune file got libyaml's
    # "exceeded maximum nesting depth" instead of chuanxa's own limit, as only a ruleset's refusals were read again.
    with pytest.raises(error_cls) as caught:
        load_yaml_text("commune:\n  id: x\n  name: a: b\n", "c.yaml", error_cls)
    assert caught.value.params["detail"] == "mapping values are not allowed here"  # libyaml says "… in this context"
    with pytest.raises(error_cls) as caught:
        load_yaml_text("commune: " + "[" * 5000 + "]" * 5000 + "\n", "c.yaml", error_cls)
    assert (caught.value.key, caught.value.params["detail"]) == ("yaml.too_large", "nested more than 64 levels deep")


def test_a_tab_is_refused_at_its_line_as_before() -> None:
    with pytest.raises(RulesetError) as caught:
        load_yaml_text("criteria:\n  a: 1\n\tb: 2\n")
    assert caught.value.location.line == 3
    assert caught.value.params["detail_vi"].startswith("có ký tự Tab")


@needs_libyaml
def test_nesting_far_beyond_the_limit_is_a_located_error_not_a_crash() -> None:
    # libyaml's own composer (yaml.CSafeLoader) recurses in C and kills the process on this text.
    with pytest.raises(RulesetError) as caught:
        load_yaml_text("a: " + "[" * 200_000 + "]" * 200_000)
    assert caught.value.key == "yaml.too_large"


def test_without_libyaml_the_pure_python_parser_loads_and_refuses_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "_FastLoader", None)
    calls: list[type[Any]] = []
    real_run = yamlio._run
    monkeypatch.setattr(yamlio, "_run", lambda cls, text: calls.append(cls) or real_run(cls, text))
    tree = load_yaml_text("ruleset:\n  id: x\n  version: 2024-01-01\n")
    assert tree["ruleset"].lines["version"] == (None, 3)
    with pytest.raises(RulesetError):
        load_yaml_text("a: !!python/object:os.system {}\n")
    assert calls and set(calls) == {yamlio._BoundedLoader}


# Pieces that reach the places where libyaml and PyYAML are known to differ, and plenty of ordinary YAML.
PIECES = ["a", "b: ", "- ", "\n", "  ", "[", "]", "{", "}", ",", ":", '"', "'", "#", " #", "&x ", "*x", "!!python/object:os.system ",
          "!!str ", "!x ", "!", "? ", "|", ">", "|-\n  ", "\t", "\x07", "\x85", "\u2028", "\ufeff", "1", "2023-02-30", "2024-01-01",
          ".inf", "1.0e400", "~", "%YAML 1.1\n", "---\n", "...\n", "\r\n", "\r", "\U0001F600", "\x7f", "\xa0", "\\", "é", "ế", " ",
          '"\\t"', "-", "<<: ", "0x1F", "1_000", "1:20", "yes", "\n  - ", "\n    c: ", "''", *"?:,-!&*#|>'\"[]{}%@`.~"]


@needs_libyaml
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(st.sampled_from(PIECES), min_size=1, max_size=16).map("".join))
def test_random_texts_load_alike_with_both_parsers(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _outcome(text, fast=True, monkeypatch=monkeypatch) == _outcome(text, fast=False, monkeypatch=monkeypatch)


def _plain(text: str, loader: type[Any]) -> tuple[Any, ...]:
    try:
        return ("loaded", yaml.load(text, Loader=loader))
    except yaml.YAMLError:
        return ("refused",)


@needs_libyaml
@pytest.mark.parametrize("text", ["a: x\tb\n", "# note\n\ufeffa: 1\n", "a: |#\n  x\n", "a: !\n", "a: [b?]\n"])
def test_texts_that_libyaml_reads_otherwise_go_to_the_reference_parser(text: str) -> None:
    assert _plain(text, yaml.CSafeLoader) != _plain(text, yaml.SafeLoader)
    assert not _fast_parser_runs(text)


def test_a_pyyaml_without_libyaml_loads_every_bundled_ruleset_with_the_pure_python_parser(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = (
        "import sys\n"
        "sys.modules['yaml._yaml'] = None  # as if PyYAML had been built without libyaml\n"
        "import yaml\n"
        "from chuanxa.criteria import yamlio\n"
        "from chuanxa.criteria.registry import Registry\n"
        "assert not yaml.__with_libyaml__ and yamlio._FastLoader is None\n"
        "registry = Registry()\n"
        "assert not registry.broken\n"
        "print(sorted(registry.load(ref).ref for ref in registry.entries))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    from chuanxa.criteria.registry import Registry

    assert done.stdout.strip() == str(sorted(Registry().entries)) != "[]"


def test_a_copied_tree_equals_a_deep_copy_with_every_position_and_shares_no_container() -> None:
    import copy

    tree = yamlio.load_yaml_file(REPO / "rulesets" / "qd1300_2023-03-09.yaml")
    copied = yamlio.copy_tree(tree)
    assert copied == copy.deepcopy(tree) == tree
    assert list(_positions(copied)) == list(_positions(copy.deepcopy(tree))) == list(_positions(tree))

    def containers(node: Any) -> Iterator[Any]:
        if isinstance(node, (dict, list)):
            yield node
            yield from (c for child in (node.values() if isinstance(node, dict) else node) for c in containers(child))
            if isinstance(node, (LocatedDict, LocatedList)):
                yield node.lines

    assert not {id(c) for c in containers(copied)} & {id(c) for c in containers(tree)}
    copied["criteria"][0]["indicators"].append({"id": "new"})
    copied["ruleset"].lines["id"] = ("x.yaml", 99)
    assert tree == copy.deepcopy(yamlio.load_yaml_file(REPO / "rulesets" / "qd1300_2023-03-09.yaml"))
    assert tree["ruleset"].lines["id"][0] != "x.yaml"


@needs_libyaml
@pytest.mark.parametrize("text", ["note: Chú ý! Số liệu năm 2024\n", "values: [1, 2]\n", "a: !!str 5\n"])
def test_ordinary_text_with_brackets_or_an_exclamation_mark_keeps_the_fast_parser(text: str) -> None:
    assert _fast_parser_runs(text)
