"""The one YAML loader of chuanxa: safe, strict about duplicate keys, and keeping line numbers.

Mappings and sequences come back as `LocatedDict` / `LocatedList`, plain containers that also remember the
file and the line of each entry, so that semantic errors found much later (after `extends` merged two files)
can still name the line a health officer must edit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from chuanxa.errors import Location, RulesetError, file_problem


class LocatedDict(dict[str, Any]):
    """A dict that knows where it and each of its keys were written."""

    file: str | None = None
    line: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines: dict[str, tuple[str | None, int]] = {}


class LocatedList(list[Any]):
    """A list that knows where it and each of its items were written."""

    file: str | None = None
    line: int | None = None

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.lines: list[tuple[str | None, int]] = []


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def load_yaml_text(text: str, file: str | None = None, error_cls: type[RulesetError] = RulesetError) -> Any:
    """Parse YAML text safely into located containers; raise `error_cls` on syntax or duplicate keys."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        detail = str(getattr(exc, "problem", None) or exc)
        raise error_cls(key="yaml.syntax", params={"detail": detail, "detail_vi": yaml_problem_vi(detail)}, location=Location(file=file, line=line)) from None
    if node is None:
        return None
    return _build(node, file, (), error_cls)


def load_yaml_file(path: Path, error_cls: type[RulesetError] = RulesetError) -> Any:
    """Read and parse a YAML file (UTF-8, BOM tolerated)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise error_cls(key="file.unreadable", params=file_problem(exc), location=Location(file=str(path))) from None
    return load_yaml_text(text, str(path), error_cls)


_YAML_PROBLEMS_VI: tuple[tuple[str, str], ...] = (
    ("found character '\\t'", "có ký tự Tab; YAML chỉ thụt lề bằng dấu cách"),
    ("mapping values are not allowed here", "dấu ':' đặt sai chỗ (thường do thụt lề sai hoặc thiếu dấu nháy quanh một câu có ':')"),
    ("could not find expected ':'", "thiếu dấu ':' sau một khóa"),
    ("expected ',' or ']'", "danh sách [ … ] chưa đóng đúng (thiếu ',' hoặc ']')"),
    ("expected ',' or '}'", "bảng { … } chưa đóng đúng (thiếu ',' hoặc '}')"),
    ("found unexpected end of stream", "tệp kết thúc khi một chuỗi trong dấu nháy chưa đóng"),
    ("expected the node content", "thiếu giá trị (tệp hoặc khối kết thúc quá sớm)"),
    ("did not find expected key", "thụt lề không khớp với các dòng trên"),
    ("expected <block end>", "thụt lề không khớp: một dòng thụt vào sâu hơn hoặc ít hơn các dòng cùng cấp"),
    ("did not find expected '-' indicator", "thụt lề của danh sách '- ' không khớp"),
    ("found undefined alias", "dùng bí danh '*' chưa được định nghĩa"),
)


def yaml_problem_vi(detail: str) -> str:
    """PyYAML's description of a syntax problem, in Vietnamese where it is a common one (else as given)."""
    for english, vietnamese in _YAML_PROBLEMS_VI:
        if english in detail:
            return vietnamese
    return detail


_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def _build(node: yaml.Node, file: str | None, path: tuple[str | int, ...], error_cls: type[RulesetError]) -> Any:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
        # Rules are data: a tag such as !!python/object would build objects from YAML, so it is refused.
        raise error_cls(key="yaml.syntax", params={"detail": f"the tag {node.tag} is not allowed (rules are data: no tags that build objects)",
                                                 "detail_vi": f"không được dùng thẻ {node.tag} (bộ tiêu chí chỉ là dữ liệu)"}, location=Location(file=file, line=line, path=path))
    if isinstance(node, yaml.MappingNode):
        result = LocatedDict()
        result.file, result.line = file, line
        for key_node, value_node in node.value:
            key = _scalar_key(key_node, file, path, error_cls)
            if key in result:
                raise error_cls(
                    key="yaml.duplicate_key",
                    params={"key": key, "first_line": result.lines[key][1]},
                    location=Location(file=file, line=key_node.start_mark.line + 1, path=path + (key,)),
                )
            result[key] = _build(value_node, file, path + (key,), error_cls)
            result.lines[key] = (file, key_node.start_mark.line + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = LocatedList()
        items.file, items.line = file, line
        for index, item in enumerate(node.value):
            items.append(_build(item, file, path + (index,), error_cls))
            items.lines.append((file, item.start_mark.line + 1))
        return items
    try:
        return _CONSTRUCTOR.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        detail = str(getattr(exc, "problem", None) or exc)
        raise error_cls(key="yaml.syntax", params={"detail": detail, "detail_vi": yaml_problem_vi(detail)}, location=Location(file=file, line=line, path=path)) from None
    except (ValueError, OverflowError) as exc:
        # A scalar that looks like a date or number but is not one, e.g. `2023-02-30`.
        key = "yaml.bad_date" if node.tag == "tag:yaml.org,2002:timestamp" else "yaml.bad_scalar"
        raise error_cls(key=key, params={"text": node.value, "detail": str(exc)}, location=Location(file=file, line=line, path=path)) from None


def _scalar_key(node: yaml.Node, file: str | None, path: tuple[str | int, ...], error_cls: type[RulesetError]) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:merge":
        raise error_cls(
            key="yaml.syntax",
            params={"detail": "keys must be plain names (no merge keys '<<' or complex keys)", "detail_vi": "khóa phải là tên đơn giản (không dùng '<<' hay khóa phức hợp)"},
            location=Location(file=file, line=node.start_mark.line + 1, path=path),
        )
    # Keys are always text: `35:` and `"35":` name the same indicator.
    return str(_CONSTRUCTOR.construct_object(node))


def locate(tree: Any, path: tuple[str | int, ...]) -> tuple[str | None, int | None]:
    """The file and line of the deepest entry along `path` that has a recorded position."""
    file, line = getattr(tree, "file", None), getattr(tree, "line", None)
    node = tree
    for part in path:
        if isinstance(node, LocatedDict) and isinstance(part, str) and part in node:
            file, line = node.lines.get(part, (file, line))
            node = node[part]
        elif isinstance(node, LocatedList) and isinstance(part, int) and 0 <= part < len(node):
            file, line = node.lines[part] if part < len(node.lines) else (file, line)
            node = node[part]
        else:
            break
    return file, line


def strip(tree: Any) -> Any:
    """Plain dicts and lists (positions dropped), e.g. for dumping back to YAML or JSON."""
    if isinstance(tree, dict):
        return {k: strip(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [strip(v) for v in tree]
    return tree
