"""The one YAML loader of chuanxa: safe, strict about duplicate keys, bounded, and keeping line numbers.

Mappings and sequences come back as `LocatedDict` / `LocatedList`, plain containers that also remember the
file and the line of each entry, so that semantic errors found much later (after `extends` merged two files)
can still name the line a health officer must edit.

Every file is bounded before it can cost much (defusedxml's approach to XML entity bombs): its size, how
deep it nests, how many aliases (`*name`) it uses, and how many entries and characters it grows to once
the aliases are expanded. A "billion laughs" file, an alias that contains itself or 5,000 nested brackets
are ordinary located errors (`yaml.too_large`), never a `RecursionError` or gigabytes of memory. The limits
are far above what any real ruleset or commune file needs (the largest bundled ruleset has about 1,000
entries, nests 10 deep and uses no alias).

Scanning and parsing run in libyaml (C) when PyYAML was built with it, about 12× faster than PyYAML's
pure-Python parser; the nodes are still composed here in Python, so that the bounds above hold (libyaml's own
composer, `yaml.CSafeLoader`'s, recurses in C without a limit and crashes the process on deep nesting), and
the same safe resolver and constructor build every value. PyYAML's pure-Python parser stays the reference: text
the two parsers read differently (`_REFERENCE_ONLY`, found by differential tests) goes to it, and so does any
file the fast path refuses, so that every error keeps its wording and line (libyaml words errors otherwise).
"""

from __future__ import annotations

import math
import re
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


#: Limits of one YAML file (see the module docstring).
MAX_BYTES = 5_000_000
MAX_DEPTH = 64
MAX_ALIASES = 1_000
MAX_NODES = 100_000
MAX_CHARS = 10_000_000


class _TooLarge(Exception):
    def __init__(self, en: str, vi: str, line: int | None) -> None:
        super().__init__(en)
        self.en, self.vi, self.line = en, vi, line


class _Bounded:
    """Composes at most `MAX_DEPTH` levels and `MAX_ALIASES` aliases (PyYAML's composer recurses once per level,
    so without the bound deep nesting ends in `RecursionError`). Mixed into a loader before its composer."""

    def _start_bounds(self) -> None:
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        line = self.peek_event().start_mark.line + 1  # type: ignore[attr-defined]
        if self.check_event(yaml.AliasEvent):  # type: ignore[attr-defined]
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _TooLarge(f"more than {MAX_ALIASES} aliases", f"dùng hơn {MAX_ALIASES} bí danh", line)
            return super().compose_node(parent, index)  # type: ignore[misc]
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _TooLarge(f"nested more than {MAX_DEPTH} levels deep", f"lồng nhau sâu hơn {MAX_DEPTH} cấp", line)
        try:
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1


class _BoundedLoader(_Bounded, yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, bounded: the reference behaviour, and the one that words errors."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._start_bounds()


try:
    from yaml.cyaml import CParser as _CParser  # libyaml's parser, the one `yaml.CSafeLoader` is built on
except ImportError:  # PyYAML built without libyaml: the pure-Python parser does everything
    _CParser = None

_FastLoader: type[Any] | None = None
if _CParser is not None:

    class _CBoundedLoader(_Bounded, yaml.composer.Composer, _CParser, yaml.resolver.Resolver):  # type: ignore[misc]
        """libyaml's scanner and parser (C) under the bounded Python composer above and PyYAML's safe resolver
        (the same events and marks as the pure-Python parser's)."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._start_bounds()

    _FastLoader = _CBoundedLoader


#: Where the two parsers disagree, found by differential testing: libyaml accepts a tab inside a plain scalar,
#: a `?` inside a plain scalar in brackets and a comment right after a block scalar's `|` or `>`, which PyYAML
#: refuses (any `?` is sent, as telling brackets apart takes a parser); it drops a byte-order mark at
#: the start of a line, which PyYAML keeps as text; and it reads an empty scalar tagged `!` as text where PyYAML
#: reads null (a `!` alone, not one ending a sentence). Text with any of them goes straight to the pure-Python
#: parser (rare in a ruleset; only the speed differs).
_REFERENCE_ONLY = re.compile(r"[\t\ufeff?]|[|>][-+0-9]*#|(?:^|(?<=[\s,\[{]))!(?=[\s,\[\]{}]|\Z)")


def _run(loader_cls: type[Any], text: str) -> Any:
    loader = loader_cls(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


class _Budget:
    """What building the containers may still spend once aliases are expanded, and the nodes being built
    (an alias inside its own anchor would otherwise be expanded forever)."""

    def __init__(self) -> None:
        self.nodes = MAX_NODES
        self.chars = MAX_CHARS
        self.open: set[int] = set()
        self.constructor = yaml.constructor.SafeConstructor()  # one per file: it caches every node it built


def _too_large(exc: _TooLarge, file: str | None, error_cls: type[RulesetError], path: tuple[str | int, ...] = ()) -> RulesetError:
    return error_cls(key="yaml.too_large", params={"detail": exc.en, "detail_vi": exc.vi}, location=Location(file=file, line=exc.line, path=path))


def load_yaml_text(text: str, file: str | None = None, error_cls: type[RulesetError] = RulesetError) -> Any:
    """Parse YAML text safely into located containers; raise `error_cls` on syntax, duplicate keys or a
    file beyond the limits above."""
    if len(text) > MAX_BYTES:
        raise _too_large(_TooLarge(f"{len(text):,} characters, more than {MAX_BYTES:,}", f"{len(text):,} ký tự, quá {MAX_BYTES:,}", None), file, error_cls)
    if _FastLoader is not None and not _REFERENCE_ONLY.search(text):
        try:
            return _load(text, file, error_cls, _FastLoader)
        except error_cls:  # a commune or costs file's error class too, not only a ruleset's
            pass  # loaded again below, so that the error (wording, line) is the pure-Python parser's, as always
    return _load(text, file, error_cls, _BoundedLoader)


def _load(text: str, file: str | None, error_cls: type[RulesetError], loader_cls: type[Any]) -> Any:
    try:
        node = _run(loader_cls, text)
    except _TooLarge as exc:
        raise _too_large(exc, file, error_cls) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        detail = str(getattr(exc, "problem", None) or exc)
        raise error_cls(key="yaml.syntax", params={"detail": detail, "detail_vi": yaml_problem_vi(detail)}, location=Location(file=file, line=line)) from None
    if node is None:
        return None
    try:
        return _build(node, file, (), error_cls, _Budget())
    except _TooLarge as exc:
        raise _too_large(exc, file, error_cls) from None


def load_yaml_file(path: Path, error_cls: type[RulesetError] = RulesetError) -> Any:
    """Read and parse a YAML file (UTF-8; UTF-16 or UTF-32 with a byte-order mark are read too)."""
    return load_yaml_text(read_text_file(path, error_cls), str(path), error_cls)


def load_json_text(text: str, file: str | None = None, error_cls: type[RulesetError] = RulesetError) -> Any:
    """Parse JSON text with the same bounds as YAML: a syntax error, nesting deeper than `MAX_DEPTH` or a
    number too large for a float is a located error, never a `RecursionError`."""
    import json

    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise error_cls(key="yaml.syntax", params={"detail": f"{exc.msg} (column {exc.colno})", "detail_vi": f"JSON sai cú pháp ở cột {exc.colno}"},
                        location=Location(file=file, line=exc.lineno)) from None
    except RecursionError:
        raise error_cls(key="yaml.too_large", params={"detail": f"nested more than {MAX_DEPTH} levels deep", "detail_vi": f"lồng nhau sâu hơn {MAX_DEPTH} cấp"},
                        location=Location(file=file)) from None
    except ValueError as exc:  # NaN, Infinity, or an integer of thousands of digits
        raise error_cls(key="yaml.syntax", params={"detail": str(exc), "detail_vi": f"có giá trị không phải số JSON hợp lệ ({exc})"}, location=Location(file=file)) from None
    if _depth(data) > MAX_DEPTH:
        raise error_cls(key="yaml.too_large", params={"detail": f"nested more than {MAX_DEPTH} levels deep", "detail_vi": f"lồng nhau sâu hơn {MAX_DEPTH} cấp"},
                        location=Location(file=file))
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _depth(value: Any) -> int:
    """How deep `value` nests (iteratively, so that depth itself cannot exhaust the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def read_text_file(path: Path, error_cls: type[RulesetError] = RulesetError, limit: int = MAX_BYTES) -> str:
    """The text of a YAML or JSON file: UTF-8 (a BOM tolerated), or UTF-16/32 announced by a byte-order mark.
    Another encoding (latin-1, Windows-1258, TCVN3, UTF-16 without a mark) or a file larger than `limit`
    bytes is a clear error naming the file and the line of the first bad byte."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise error_cls(key="file.unreadable", params=file_problem(exc), location=Location(file=str(path))) from None
    if len(data) > limit:
        raise _too_large(_TooLarge(f"larger than {limit:,} bytes", f"lớn hơn {limit:,} byte", None), str(path), error_cls)
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8-sig")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        utf16 = b"\x00" in data[:200]
        params = ({"encoding": "UTF-16 without a byte-order mark", "encoding_vi": "UTF-16 không có dấu BOM"} if utf16 else
                  {"encoding": "a legacy encoding such as Windows-1258, TCVN3 or latin-1", "encoding_vi": "một bảng mã cũ như Windows-1258, TCVN3 hoặc latin-1"})
        raise error_cls(key="yaml.encoding", params=params, location=Location(file=str(path), line=line)) from None


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


def _build(node: yaml.Node, file: str | None, path: tuple[str | int, ...], error_cls: type[RulesetError], budget: _Budget) -> Any:
    line = node.start_mark.line + 1
    budget.nodes -= 1
    if budget.nodes < 0:
        raise _TooLarge(f"more than {MAX_NODES:,} entries once its aliases are expanded", f"hơn {MAX_NODES:,} mục sau khi mở rộng các bí danh", line)
    if isinstance(node, yaml.ScalarNode):
        budget.chars -= len(node.value)
        if budget.chars < 0:
            raise _TooLarge(f"more than {MAX_CHARS:,} characters once its aliases are expanded", f"hơn {MAX_CHARS:,} ký tự sau khi mở rộng các bí danh", line)
        return _scalar(node, file, path, error_cls, budget)
    if id(node) in budget.open:
        raise _TooLarge("an alias refers to the entry that contains it (it would never end)", "một bí danh trỏ vào chính mục chứa nó (lặp vô tận)", line)
    budget.open.add(id(node))
    try:
        return _container(node, file, path, error_cls, budget)
    finally:
        budget.open.discard(id(node))


def _container(node: yaml.Node, file: str | None, path: tuple[str | int, ...], error_cls: type[RulesetError], budget: _Budget) -> Any:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
        # Rules are data: a tag such as !!python/object would build objects from YAML, so it is refused.
        raise error_cls(key="yaml.syntax", params={"detail": f"the tag {node.tag} is not allowed (rules are data: no tags that build objects)",
                                                 "detail_vi": f"không được dùng thẻ {node.tag} (bộ tiêu chí chỉ là dữ liệu)"}, location=Location(file=file, line=line, path=path))
    if isinstance(node, yaml.MappingNode):
        result = LocatedDict()
        result.file, result.line = file, line
        for key_node, value_node in node.value:
            key = _scalar_key(key_node, file, path, error_cls, budget)
            if key in result:
                raise error_cls(
                    key="yaml.duplicate_key",
                    params={"key": key, "first_line": result.lines[key][1]},
                    location=Location(file=file, line=key_node.start_mark.line + 1, path=path + (key,)),
                )
            result[key] = _build(value_node, file, path + (key,), error_cls, budget)
            result.lines[key] = (file, key_node.start_mark.line + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = LocatedList()
        items.file, items.line = file, line
        for index, item in enumerate(node.value):
            items.append(_build(item, file, path + (index,), error_cls, budget))
            items.lines.append((file, item.start_mark.line + 1))
        return items
    return None  # unreachable: only mappings and sequences come here


def _scalar(node: yaml.ScalarNode, file: str | None, path: tuple[str | int, ...], error_cls: type[RulesetError], budget: _Budget) -> Any:
    line = node.start_mark.line + 1
    try:
        value = budget.constructor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        detail = str(getattr(exc, "problem", None) or exc)
        raise error_cls(key="yaml.syntax", params={"detail": detail, "detail_vi": yaml_problem_vi(detail)}, location=Location(file=file, line=line, path=path)) from None
    except (ValueError, OverflowError) as exc:
        # A scalar that looks like a date or number but is not one, e.g. `2023-02-30`.
        key = "yaml.bad_date" if node.tag == "tag:yaml.org,2002:timestamp" else "yaml.bad_scalar"
        raise error_cls(key=key, params={"text": node.value[:80], "detail": str(exc)}, location=Location(file=file, line=line, path=path)) from None
    if isinstance(value, float) and not math.isfinite(value) and node.value.strip().lstrip("+-").lower() not in (".inf", ".nan"):
        # `1.0e400` overflows to infinity: no real count or rate is that large, so say so here.
        raise error_cls(key="yaml.bad_scalar", params={"text": node.value[:80], "detail": "the number is too large"}, location=Location(file=file, line=line, path=path))
    return value


def _scalar_key(node: yaml.Node, file: str | None, path: tuple[str | int, ...], error_cls: type[RulesetError], budget: _Budget) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:merge":
        raise error_cls(
            key="yaml.syntax",
            params={"detail": "keys must be plain names (no merge keys '<<' or complex keys)", "detail_vi": "khóa phải là tên đơn giản (không dùng '<<' hay khóa phức hợp)"},
            location=Location(file=file, line=node.start_mark.line + 1, path=path),
        )
    # Keys are always text: `35:` and `"35":` name the same indicator. Built as values are, so that a tag that
    # builds objects or a date that does not exist is a located error here too.
    budget.chars -= len(node.value)
    return str(_scalar(node, file, path, error_cls, budget))


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


def copy_tree(tree: Any) -> Any:
    """A deep copy of a located tree: new containers with their positions, the same scalars (YAML scalars are
    immutable: text, numbers, dates, booleans). Several times faster than `copy.deepcopy` of the same tree."""
    if isinstance(tree, LocatedDict):
        mapping = LocatedDict({key: copy_tree(value) for key, value in tree.items()})
        mapping.__dict__.update(tree.__dict__)
        mapping.lines = dict(tree.lines)
        return mapping
    if isinstance(tree, LocatedList):
        items = LocatedList(copy_tree(value) for value in tree)
        items.__dict__.update(tree.__dict__)
        items.lines = list(tree.lines)
        return items
    if isinstance(tree, dict):
        return {key: copy_tree(value) for key, value in tree.items()}
    if isinstance(tree, list):
        return [copy_tree(value) for value in tree]
    return tree


def strip(tree: Any) -> Any:
    """Plain dicts and lists (positions dropped), e.g. for dumping back to YAML or JSON."""
    if isinstance(tree, dict):
        return {k: strip(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [strip(v) for v in tree]
    return tree
