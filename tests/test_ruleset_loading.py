"""Loading rulesets: strict YAML, typed errors with file/line/key, versions and `extends`."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from chuanxa.criteria.registry import Registry, RulesetRef, as_of_date
from chuanxa.criteria.yamlio import load_yaml_text
from chuanxa.errors import ChuanxaError, NoRulesetInForceError, RulesetError, RulesetNotFoundError

FIXTURES = Path(__file__).parent / "fixtures"

BROKEN = sorted((FIXTURES / "broken").glob("*.yaml"))


def _expectation(path: Path) -> dict[str, str]:
    header = path.read_text(encoding="utf-8").splitlines()[0]
    return dict(re.findall(r"(\w+)=(\S*)", header))


def _first_error(path: Path) -> ChuanxaError:
    registry = Registry([path], include_bundled=False, use_env=False)
    if registry.broken:
        return registry.broken[0]
    with pytest.raises(ChuanxaError) as caught:
        for ref in registry.entries:
            registry.load(ref)
    return caught.value


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_each_broken_ruleset_names_its_file_line_and_key(path: Path) -> None:
    expected = _expectation(path)
    error = _first_error(path)
    assert error.key == expected["code"]
    assert error.location.file is not None and Path(error.location.file).name == path.name
    assert error.location.line == int(expected["line"])
    if expected["key"]:
        assert error.location.path[-1] == expected["key"] or expected["key"] in error.message("en")
    for lang in ("vi", "en"):
        text = error.message(lang)  # type: ignore[arg-type]
        assert path.name in text and f"{expected['line']}" in text


def test_the_broken_fixture_folder_covers_at_least_a_dozen_faults() -> None:
    assert len(BROKEN) >= 12


def test_an_unknown_key_suggests_the_right_one() -> None:
    error = _first_error(FIXTURES / "broken" / "unknown_key.yaml")
    assert "max_points" in error.message("en")
    assert "Có phải ý bạn là" in error.message("vi")


def test_an_unknown_input_suggests_the_declared_one() -> None:
    error = _first_error(FIXTURES / "broken" / "unknown_input.yaml")
    assert "immunisation_rate" in error.message("en")


def test_a_forbidden_expression_is_refused_before_anything_runs() -> None:
    error = _first_error(FIXTURES / "broken" / "forbidden_expression.yaml")
    assert "__import__" in error.message("en")


def test_yaml_tags_that_build_python_objects_are_refused() -> None:
    with pytest.raises(RulesetError):
        load_yaml_text("a: !!python/object/apply:os.system ['true']\n")


def test_duplicate_keys_are_refused_with_both_lines() -> None:
    with pytest.raises(RulesetError) as caught:
        load_yaml_text("a: 1\nb: 2\na: 3\n", "x.yaml")
    assert caught.value.location.line == 3
    assert caught.value.params["first_line"] == 1


def test_every_bundled_ruleset_validates(bundled: Registry) -> None:
    assert not bundled.broken, [e.message("en") for e in bundled.broken]
    assert bundled.entries, "no bundled rulesets found"
    for ref in bundled.entries:
        ruleset = bundled.load(ref)
        assert abs(sum(c.max_points for c in ruleset.criteria) - ruleset.ruleset.total_points) < 1e-9


def test_a_bare_family_picks_the_version_in_force_on_the_date(bundled: Registry) -> None:
    assert bundled.entry("qd1300", dt.date(2023, 3, 10)).ref == "qd1300@2023-03-09"
    assert bundled.entry("qd1300", dt.date(2023, 3, 20)).ref == "qd1300@2023-03-20"
    assert bundled.entry("qd1300", dt.date(2026, 1, 1)).ref == "qd1300@2023-03-20"


def test_the_default_ruleset_follows_the_assessment_date(bundled: Registry) -> None:
    assert bundled.default_entry(dt.date(2025, 6, 1)).ref == "qd1300@2023-03-20"
    assert bundled.default_entry(2018).family == "qd4667"


def test_no_ruleset_in_force_is_a_typed_error_not_none(bundled: Registry) -> None:
    with pytest.raises(NoRulesetInForceError) as caught:
        bundled.entry("qd1300", dt.date(2020, 1, 1))
    assert "2020-01-01" in caught.value.message("vi")
    with pytest.raises(NoRulesetInForceError):
        bundled.default_entry(dt.date(1990, 1, 1))


def test_an_unknown_family_suggests_a_known_one(bundled: Registry) -> None:
    with pytest.raises(RulesetNotFoundError) as caught:
        bundled.entry("qd130")
    assert "qd1300" in caught.value.message("en")


@pytest.mark.parametrize("text", ["QD1300", "qd1300@2023-13-01", "qd1300@", "1300"])
def test_malformed_references_are_refused(text: str) -> None:
    with pytest.raises(RulesetNotFoundError):
        RulesetRef.parse(text)


def test_a_year_means_the_end_of_that_year() -> None:
    assert as_of_date(2024) == dt.date(2024, 12, 31)
    assert as_of_date("2024-03-01") == dt.date(2024, 3, 1)


def test_overlapping_effective_dates_are_reported(tmp_path: Path) -> None:
    source = (FIXTURES / "rulesets" / "mini_2020-01-01.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(source.replace("  total_points: 10", "  total_points: 10\n  effective_until: 2021-06-30"), encoding="utf-8")
    later = source.replace("version: 2020-01-01", "version: 2021-01-01").replace("effective: 2020-01-01", "effective: 2021-01-01")
    (tmp_path / "b.yaml").write_text(later, encoding="utf-8")
    registry = Registry([tmp_path], include_bundled=False, use_env=False)
    assert [e.key for e in registry.broken] == ["ruleset.overlapping_dates"]
    assert registry.broken[0].location.file.endswith("a.yaml")


def test_extends_changes_only_what_the_overlay_says(tmp_path: Path) -> None:
    overlay = """
ruleset:
  id: mini
  version: 2021-01-01
  extends: mini@2020-01-01
  title: {vi: Sửa đổi, en: Correction}
  legal_basis: {vi: Đính chính, en: Correction}
  issued: 2021-01-01
  effective: 2021-01-01
criteria:
  - id: 1
    indicators:
      - id: 1
        levels: [{points: 2, threshold: 97}, {points: 1, threshold: 90}]
"""
    (tmp_path / "mini_2021.yaml").write_text(overlay, encoding="utf-8")
    registry = Registry([FIXTURES / "rulesets", tmp_path], include_bundled=False, use_env=False)
    base, new = registry.load("mini@2020-01-01"), registry.load("mini@2021-01-01")
    assert new.indicator("1").levels[0].threshold == 97  # type: ignore[union-attr]
    assert new.indicator("2") == base.indicator("2")
    assert new.ruleset.title.en == "Correction" and new.ruleset.total_points == 10


def test_an_overlay_can_remove_an_indicator_and_errors_point_into_the_overlay(tmp_path: Path) -> None:
    overlay = """
ruleset:
  id: mini
  version: 2021-01-01
  extends: mini@2020-01-01
  title: {vi: Bỏ, en: Remove}
  legal_basis: {vi: x, en: x}
  issued: 2021-01-01
  effective: 2021-01-01
criteria:
  - id: 2
    indicators:
      - {id: 5, remove: true}
"""
    (tmp_path / "mini_2021.yaml").write_text(overlay, encoding="utf-8")
    registry = Registry([FIXTURES / "rulesets", tmp_path], include_bundled=False, use_env=False)
    with pytest.raises(RulesetError) as caught:
        registry.load("mini@2021-01-01")
    # Removing 2 points from criterion 2 breaks its sum: first the overlay is named, then the criterion's line.
    assert caught.value.key == "ruleset.overlay_caused" and caught.value.location.file.endswith("mini_2021.yaml")
    sums = next(e for e in caught.value.related if e.key == "ruleset.indicator_points")
    assert sums.params["actual"] == "2"


def test_field_errors_are_in_plain_vietnamese_not_pydantic_english() -> None:
    number = _first_error(FIXTURES / "broken" / "not_a_number.yaml")
    assert "phải là một số" in number.message("vi") and "mười" in number.message("vi")
    assert "Input should" not in number.message("vi") and "must be a number" in number.message("en")
    kind = _first_error(FIXTURES / "broken" / "unknown_kind.yaml")
    assert "treshold" in kind.message("vi") and "threshold" in kind.message("vi")
    assert "does not match any" not in kind.message("en")


def test_an_impossible_date_is_a_located_error_not_a_crash() -> None:
    error = _first_error(FIXTURES / "broken" / "impossible_date.yaml")
    assert "2020-02-30" in error.message("vi") and "ngày" in error.message("vi")


def _overlay(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "overlay"
    folder.mkdir()
    (folder / "qd1300_tinh.yaml").write_text(
        "ruleset:\n  id: qd1300_tinh\n  version: 2024-01-01\n  title: {vi: Tỉnh thử, en: Test}\n  legal_basis: {vi: Thử, en: Test}\n"
        "  issued: 2024-01-01\n  effective: 2024-01-01\n  extends: qd1300@2023-03-20\n" + body, encoding="utf-8")
    return folder


def test_an_overlay_that_breaks_the_sums_is_named_before_the_base_lines(tmp_path: Path) -> None:
    folder = _overlay(tmp_path, 'criteria:\n  - id: "7"\n    indicators:\n      - id: "33"\n        max_points: 2\n')
    with pytest.raises(RulesetError) as caught:
        Registry([folder], use_env=False).load("qd1300_tinh")
    first = caught.value
    assert first.key == "ruleset.overlay_caused" and first.location.file.endswith("qd1300_tinh.yaml")
    assert "qd1300_tinh.yaml" in first.message("vi") and any(e.key == "ruleset.indicator_points" for e in first.related)


def test_an_overlay_naming_an_unknown_indicator_says_so_at_its_line(tmp_path: Path) -> None:
    folder = _overlay(tmp_path, 'criteria:\n  - id: "7"\n    indicators:\n      - id: "99"\n        knockout: true\n')
    with pytest.raises(RulesetError) as caught:
        Registry([folder], use_env=False).load("qd1300_tinh")
    assert caught.value.key == "ruleset.overlay_new_item" and caught.value.location.line == 12 and "99" in caught.value.message("en")
