"""Turn a located YAML tree into a validated `Ruleset`, with every error pointing at file, line and path."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import ValidationError

from chuanxa.errors import Location, RulesetError, close_matches

from .checks import find_problems
from .model import Ruleset
from .yamlio import LocatedDict, locate

_TOP_LEVEL = ("ruleset", "classification", "inputs", "criteria", "recognition")


def build_ruleset(tree: Any, file: str | None = None) -> Ruleset:
    """Validate a (merged) YAML tree into a `Ruleset`.

    Raises the first `RulesetError` found; all of them are on its `related` attribute (the first included).
    """
    if not isinstance(tree, dict):
        raise RulesetError(key="yaml.not_mapping", location=Location(file=file, line=1))
    try:
        ruleset = Ruleset.model_validate(dict(tree))
    except ValidationError as exc:
        # Unknown keys first: a misspelt key also shows up as a missing one, and the misspelling is the cause.
        ordered = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        _raise_all([_from_pydantic(tree, error, file) for error in ordered])
    problems = _unique(find_problems(ruleset))
    for problem in problems:
        where, line = locate(tree, problem.location.path)
        problem.location = Location(file=where or file, line=line, path=problem.location.path)
    _raise_all(problems)
    return ruleset


def _unique(errors: list[RulesetError]) -> list[RulesetError]:
    # One fault can be met twice (e.g. an unknown input read by two levels); report it once.
    seen: set[tuple[str, tuple[str | int, ...]]] = set()
    kept = []
    for error in errors:
        key = (error.key, error.location.path[:4])
        if key not in seen:
            seen.add(key)
            kept.append(error)
    return kept


def _raise_all(errors: list[RulesetError]) -> None:
    if errors:
        first = errors[0]
        first.related = list(errors)
        raise first


def _from_pydantic(tree: Any, error: Any, file: str | None) -> RulesetError:
    path = _clean_loc(tree, tuple(error["loc"]))
    where, line = locate(tree, path)
    location = Location(file=where or file, line=line, path=path)
    kind = error["type"]
    last = path[-1] if path else ""
    if kind == "extra_forbidden":
        allowed = _allowed_keys(tree, path[:-1])
        return RulesetError(key="ruleset.unknown_key", params={"key": last, "suggestions": close_matches(last, allowed)}, location=location)
    if kind == "missing":
        return RulesetError(key="ruleset.missing_key", params={"key": last}, location=location)
    if kind == "union_tag_invalid":
        ctx = error.get("ctx") or {}
        tags = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",") if t.strip()]
        return RulesetError(key="ruleset.unknown_kind", params={"key": ctx.get("discriminator", "kind").strip("'"), "value": ctx.get("tag"),
                            "allowed": ", ".join(tags), "suggestions": close_matches(str(ctx.get("tag")), tags)}, location=location)
    vi, en = describe_invalid(error)
    return RulesetError(key="ruleset.invalid_field", params={"detail": en, "detail_vi": vi}, location=location)


def plain_location(error: Any) -> tuple[str, ...]:
    """A pydantic error's location without the tags pydantic adds for validators and union members
    (`function-before[…]`, `union[…]`, `date`, `int`…): the keys a person wrote."""
    return tuple(str(part) for part in error.get("loc", ())
                 if not str(part).startswith(("function-", "union[")) and str(part) not in ("date", "int", "float", "bool", "str"))


def describe_invalid(error: Any) -> tuple[str, str]:
    """A pydantic validation error in words a ruleset editor knows, Vietnamese and English, with the value given."""
    kind, ctx = error["type"], error.get("ctx") or {}
    got = repr(error.get("input"))
    got = got if len(got) <= 60 else got[:57] + "…"
    words = _INVALID.get(kind)
    if words is None:
        for prefix, found in _INVALID_PREFIXES:
            if kind.startswith(prefix):
                words = found
                break
    if words is None:
        # A check of our own model (a validator's sentence) or a rare pydantic type: its message as written.
        text = str(error.get("msg", kind)).removeprefix("Value error, ")
        return f"{text} (giá trị: {got})", f"{text} (got {got})"
    vi, en = words
    params = {name: str(value) for name, value in ctx.items()}
    params_vi = {name: value.replace("' or '", "', '") for name, value in params.items()}  # pydantic joins choices with "or"
    return f"{vi.format_map(params_vi)} (giá trị: {got})", f"{en.format_map(params)} (got {got})"


_NUMBER = ("phải là một số", "must be a number")
_INVALID: dict[str, tuple[str, str]] = {
    "float_parsing": _NUMBER, "float_type": _NUMBER, "int_parsing": ("phải là một số nguyên", "must be a whole number"),
    "int_type": ("phải là một số nguyên", "must be a whole number"), "int_from_float": ("phải là một số nguyên", "must be a whole number"),
    "finite_number": ("phải là một số hữu hạn", "must be a finite number"),
    "bool_parsing": ("phải là true hoặc false", "must be true or false"), "bool_type": ("phải là true hoặc false", "must be true or false"),
    "control_character": ("có ký tự điều khiển vô hình U+{code} (thường do sao chép từ phần mềm khác): hãy gõ lại ô này",
                          "contains the invisible control character U+{code} (often pasted from another program): retype this cell"),
    "string_type": ("phải là chữ (một chuỗi)", "must be text"), "string_too_short": ("không được để trống", "must not be empty"),
    "literal_error": ("phải là một trong: {expected}", "must be one of: {expected}"),
    "enum": ("phải là một trong: {expected}", "must be one of: {expected}"),
    "greater_than": ("phải lớn hơn {gt}", "must be greater than {gt}"),
    "greater_than_equal": ("phải lớn hơn hoặc bằng {ge}", "must be at least {ge}"),
    "less_than": ("phải nhỏ hơn {lt}", "must be less than {lt}"),
    "less_than_equal": ("phải nhỏ hơn hoặc bằng {le}", "must be at most {le}"),
    "too_short": ("cần ít nhất {min_length} mục", "needs at least {min_length} item(s)"),
    "too_long": ("có nhiều nhất {max_length} mục", "takes at most {max_length} item(s)"),
    "list_type": ("phải là một danh sách (các dòng bắt đầu bằng '- ')", "must be a list (lines starting with '- ')"),
    "tuple_type": ("phải là một danh sách (các dòng bắt đầu bằng '- ')", "must be a list (lines starting with '- ')"),
    "set_type": ("phải là một danh sách (các dòng bắt đầu bằng '- ')", "must be a list (lines starting with '- ')"),
    "dict_type": ("phải là một bảng khóa: giá trị", "must be a mapping (key: value)"),
    "model_type": ("phải là một bảng khóa: giá trị", "must be a mapping (key: value)"),
    "model_attributes_type": ("phải là một bảng khóa: giá trị", "must be a mapping (key: value)"),
    "union_tag_not_found": ("thiếu khóa '{discriminator}' cho biết loại", "lacks the key '{discriminator}' that says which kind it is"),
}
_INVALID_PREFIXES: tuple[tuple[str, tuple[str, str]], ...] = (
    ("date", ("phải là một ngày dạng YYYY-MM-DD", "must be a date as YYYY-MM-DD")),
    ("datetime", ("phải là một ngày dạng YYYY-MM-DD", "must be a date as YYYY-MM-DD")),
)


def _clean_loc(tree: Any, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """Drop the union tags pydantic inserts into locations (e.g. 'threshold', 'compare'), keeping real keys."""
    path: list[str | int] = []
    node = tree
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and _is_tag(part):
            continue
        else:
            node = None
        path.append(part)
    return tuple(path)


def _is_tag(part: str) -> bool:
    from .model import declared_kind, indicator_models

    kinds = {declared_kind(cls) for cls in indicator_models()}  # the bundled kinds and any registered since
    return part in kinds or part in ("compare", "all", "any", "expr") or part.startswith(("function-", "Annotated", "union[", "tagged-union"))


def _allowed_keys(tree: Any, parent: tuple[str | int, ...]) -> list[str]:
    # A cheap, good-enough list for "did you mean": every key used at this level of the model.
    from . import model

    names: set[str] = set()
    classes: tuple[type[model.BaseModel], ...] = (model.Metadata, model.Classification, model.InputDef, model.Criterion, *model.indicator_models(), model.Recognition,
                                                  model.ThresholdLevel, model.ConditionLevel, model.Zoning, model.ZoneRule, model.Aggregation)
    for cls in classes:
        names.update(cls.model_fields)
    return sorted(names | set(_TOP_LEVEL)) if parent else list(_TOP_LEVEL)


def content_hash(ruleset: Ruleset) -> str:
    """sha256 of the resolved ruleset's canonical JSON: two files that resolve alike hash alike."""
    canonical = json.dumps(ruleset.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


__all__ = ["build_ruleset", "content_hash", "LocatedDict"]
