"""`chuanxa rulesets …` as a person editing or checking rulesets uses it."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from click.testing import CliRunner

import chuanxa

from chuanxa.cli.common import EXIT_OK, EXIT_USAGE
from chuanxa.cli.main import cli, main
from chuanxa.criteria.registry import Registry

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), standalone_mode=False, catch_exceptions=False)
    code = result.return_value if isinstance(result.return_value, int) else result.exit_code
    return code, result.output


def test_show_prints_the_ten_criteria_with_their_confirmed_points() -> None:
    code, out = run("rulesets", "show", "qd1300", "--lang", "vi")
    assert code == EXIT_OK
    rows = re.findall(r"^\s*(\d+)\s+(.+?)\s{2,}(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+)\s*$", out.split("\n\n")[1], flags=re.M)
    assert [(int(r[0]), float(r[2])) for r in rows] == list(zip(range(1, 11), [14, 10, 12, 9, 19, 12, 6, 11, 3, 4]))
    assert "Chăm sóc sức khỏe bà mẹ - trẻ em" in out and "Tổng điểm" in out
    assert sum(int(r[4]) for r in rows) == 47


def test_show_as_json_gives_the_resolved_ruleset_with_its_hash() -> None:
    code, out = run("rulesets", "show", "qd1300@2023-03-20", "--format", "json")
    data = json.loads(out)
    assert code == EXIT_OK and len(data["sha256"]) == 64
    ind35 = next(i for c in data["criteria"] for i in c["indicators"] if i["id"] == "35")
    assert ind35["op"] == "<=" and ind35["levels"][0]["threshold"]["values"]["dong_bang_song_hong"] == 16.5
    assert data["inputs"]["full_immunisation_rate"]["label"]["vi"].startswith("Tỷ lệ trẻ em")


def test_diff_shows_exactly_the_1453_correction() -> None:
    code, out = run("rulesets", "diff", "qd1300@2023-03-09", "qd1300@2023-03-20", "--format", "json")
    changes = json.loads(out)
    assert code == EXIT_OK
    assert {c["path"] for c in changes} == {"indicator 35.op", "indicator 35.source", "indicator 35.note"}  # a changed note is a change
    op = next(c for c in changes if c["path"] == "indicator 35.op")
    assert (op["before"], op["after"]) == (">=", "<=")


def test_audit_lists_every_provisional_indicator() -> None:
    code, out = run("rulesets", "audit", "qd1300", "--lang", "en")
    assert code == EXIT_OK
    assert re.search(r"qd1300@2023-03-20: (\d+)/47 provisional", out)


def test_validate_accepts_good_files_and_names_file_line_and_key_of_bad_ones(capsys) -> None:
    assert main(["rulesets", "validate", str(ROOT / "rulesets")]) == EXIT_OK
    assert main(["rulesets", "validate", str(FIXTURES / "broken" / "unknown_input.yaml"), "--lang", "en"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "unknown_input.yaml, line 52" in err and "immunization_rate" in err and "Did you mean: immunisation_rate" in err


def test_list_shows_bundled_and_user_rulesets() -> None:
    code, out = run("rulesets", "list", "--rulesets", str(ROOT / "examples" / "overlays"))
    assert code == EXIT_OK
    for ref in ("qd1300@2023-03-09", "qd1300@2023-03-20", "qd4667@2014-11-07", "qd1300_example_knockouts@2023-03-20"):
        assert ref in out


def test_the_1300_structure_holds_exactly() -> None:
    ruleset = Registry(use_env=False).load("qd1300@2023-03-20")
    assert [c.max_points for c in ruleset.criteria] == [14, 10, 12, 9, 19, 12, 6, 11, 3, 4]
    assert [i.id for i in ruleset.indicators] == [str(n) for n in range(1, 48)]
    assert ruleset.criterion_of("35").id == "7"
    assert all(i.source for i in ruleset.indicators)
    assert all(i.note for i in ruleset.indicators if i.provisional)
    assert not any(i.knockout for i in ruleset.indicators)  # the official knock-out list is unknown


def test_4667_has_ten_criteria_and_fifty_provisional_indicators() -> None:
    ruleset = Registry(use_env=False).load("qd4667@2014-11-07")
    assert len(ruleset.criteria) == 10 and len(ruleset.indicators) == 50
    assert all(i.provisional for i in ruleset.indicators)


def test_show_and_audit_of_a_family_no_longer_in_force_use_its_latest_version() -> None:
    code, out = run("rulesets", "audit", "qd4667", "--lang", "en")
    assert code == EXIT_OK and "qd4667@2014-11-07: 50/50 provisional" in out


def test_loading_every_bundled_ruleset_from_scratch_gives_each_its_own_complete_version() -> None:
    # The time is printed for the closing note, not asserted (benchmarks do that).
    start = time.perf_counter()
    registry = Registry(use_env=False)
    loaded = {ref: registry.load(ref) for ref in registry.entries}
    print(f"\nloaded {len(registry.entries)} bundled rulesets in {1000 * (time.perf_counter() - start):.0f} ms")
    assert not registry.broken and set(loaded) == {"qd1300@2023-03-09", "qd1300@2023-03-20", "qd4667@2014-11-07"}
    for ref, ruleset in loaded.items():
        assert ruleset.ref == ref
        assert sum(c.max_points for c in ruleset.criteria) == ruleset.ruleset.total_points == 100
        assert Registry(use_env=False).load(ref) == ruleset  # loading is deterministic
    assert len({chuanxa.compiled(r).stamp.sha256 for r in loaded.values()}) == 3  # the 1453 correction really differs


def test_a_changed_value_reads_as_words_for_an_officer_not_as_json() -> None:
    from chuanxa.criteria.diff import value_words

    levels = [{"points": 4.0, "threshold": 96.0, "label": None}, {"points": 2.0, "threshold": 90.0, "label": None}]
    assert value_words(levels, "vi") == "ngưỡng 96 → 4 điểm · ngưỡng 90 → 2 điểm"
    assert value_words(levels, "en") == "threshold 96 → 4 points · threshold 90 → 2 points"
    assert (value_words(True, "vi"), value_words(False, "en"), value_words(None, "vi")) == ("có", "no", "—")
    assert value_words({"vi": "Ngưỡng 96%", "en": None}, "vi") == "vi: Ngưỡng 96%"
    assert value_words(95.5, "vi") == "95.5" and value_words("Ghi chú", "vi") == "Ghi chú"
