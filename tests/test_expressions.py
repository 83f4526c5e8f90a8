"""The safe expression language: a whitelist parsed and type-checked at load time, evaluated without eval."""

from __future__ import annotations

import pytest

from chuanxa.criteria.expressions import parse_expression
from chuanxa.engine.expr_eval import compile_expression
from chuanxa.errors import ExpressionError

ENV = {"a": "number", "b": "number", "flag": "bool", "terrain": "text"}


def run(text: str, **values: object) -> object:
    return compile_expression(parse_expression(text, ENV))(values)


@pytest.mark.parametrize("text", [
    "__import__('os')", "a.__class__", "open('x')", "(lambda: 1)()", "a[0]", "[x for x in b]", "eval('1')",
    "a if flag else b", "f'{a}'", "a ** 2", "a // 2", "not_declared + 1",
])
def test_anything_outside_the_whitelist_is_refused(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse_expression(text, ENV)


def test_an_unknown_name_suggests_a_declared_one() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression("flagg and a > 1", ENV)
    assert "flag" in caught.value.message("en")


@pytest.mark.parametrize("text,problem", [
    ("a + flag", "needs a number"),
    ("a and flag", "needs a bool"),
    ("terrain > 'x'", "needs numbers"),
    ("a == 'x'", "cannot compare"),
    ("terrain in [1, 2]", "the list holds"),
    ("abs(a, b)", "takes one"),
    ("a + 1", "gives a number where a bool"),
])
def test_type_errors_are_found_at_load_time(text: str, problem: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text, ENV, "bool")
    assert problem in caught.value.message("en")


def test_arithmetic_comparisons_and_functions_evaluate() -> None:
    assert run("a / b * 100", a=45, b=50) == 90
    assert run("min(a, b) + abs(-3)", a=2, b=5) == 5
    assert run("1 < a <= 3", a=3) is True
    assert run("terrain in ['mien_nui', 'hai_dao']", terrain="hai_dao") is True
    assert run("not flag or a >= 1", flag=True, a=0) is False


def test_missing_values_propagate_unless_the_answer_is_already_decided() -> None:
    assert run("a / b * 100", a=1) is None
    assert run("a / b", a=1, b=0) is None  # an empty denominator is unknown, not zero
    assert run("flag and a > 1", flag=False) is False
    assert run("flag or a > 1", flag=True) is True
    assert run("flag and a > 1", flag=True) is None


def test_true_and_false_are_words_not_names() -> None:
    assert run("flag == true", flag=True) is True
    assert parse_expression("flag == false", ENV).names == frozenset({"flag"})
