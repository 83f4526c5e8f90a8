"""Typed errors. Each carries where the problem is (file, line, path into the data) and a catalogue key,
so the message is built from those fields in Vietnamese or English."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .messages import Lang, render


@dataclass(frozen=True, kw_only=True)
class Location:
    """Where a problem is: a ruleset file position or a commune data cell."""

    file: str | None = None
    line: int | None = None
    path: tuple[str | int, ...] = ()
    row: int | None = None
    column: str | None = None
    commune: str | None = None
    indicator: str | None = None
    #: A workbook cell as Excel names it, e.g. `Bảng điểm!E12` (an imported score sheet).
    cell: str | None = None

    def describe(self, lang: Lang = "en") -> str:
        words = _WORDS[lang]
        parts: list[str] = []
        if self.file:
            parts.append(Path(self.file).name if len(self.file) > 60 else self.file)
        if self.cell:
            parts.append(self.cell)
        if self.line is not None:
            parts.append(f"{words['line']} {self.line}")
        if self.row is not None:
            parts.append(f"{words['row']} {self.row}")
        if self.column:
            parts.append(f"{words['column']} '{self.column}'")
        if self.commune:
            parts.append(f"{words['commune']} {self.commune}")
        if self.indicator:
            parts.append(f"{words['indicator']} {self.indicator}")
        if self.path and not self.column:  # a table cell is named by its column, not by an internal path
            parts.append(format_path(self.path))
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if v not in (None, ())}
        if "path" in data:
            data["path"] = format_path(self.path)
        return data


_WORDS: dict[Lang, dict[str, str]] = {
    "vi": {"line": "dòng", "row": "hàng", "column": "cột", "commune": "xã", "indicator": "chỉ tiêu"},
    "en": {"line": "line", "row": "row", "column": "column", "commune": "commune", "indicator": "indicator"},
}


def format_path(path: tuple[str | int, ...]) -> str:
    """`('criteria', 0, 'max_points')` → `criteria[0].max_points`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass(kw_only=True)
class ChuanxaError(Exception):
    """Base of every error chuanxa raises on purpose.

    `message(lang)` gives the human sentence; `location` says where; `key` is the stable catalogue key.
    """

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    location: Location = field(default_factory=Location)
    #: Every problem found in the same pass, this one first (a ruleset or a row may have several).
    related: list["ChuanxaError"] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "en") -> str:
        """The sentence in `lang`, prefixed by where the problem is."""
        where = self.location.describe(lang)
        text = render(self.key, lang, self.params)
        return f"{where}: {text}" if where else text

    def __str__(self) -> str:
        return self.message("en")

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        return {
            "error": type(self).__name__,
            "code": self.key,
            "message": render(self.key, lang, self.params),
            "location": self.location.to_dict(),
        }


class RulesetError(ChuanxaError):
    """A ruleset file is malformed or inconsistent."""


class RulesetNotFoundError(ChuanxaError):
    """No ruleset matches a reference such as `qd1300@2023-03-20`."""


class NoRulesetInForceError(RulesetNotFoundError):
    """No version of the family is in force on the date asked."""


class ExpressionError(RulesetError):
    """An expression in a ruleset uses a forbidden construct, an unknown name or the wrong types."""


class CommuneDataError(ChuanxaError):
    """Commune data cannot be read or a value breaks its input's type or bounds."""


class CostsFileError(ChuanxaError):
    """A planning costs file that cannot be used (syntax, unknown key, unknown indicator or input)."""


class OutputError(ChuanxaError):
    """An output file cannot be written (full disk, no permission, a device or read-only file); the previous
    file, if any, is left as it was."""


class StateFileError(ChuanxaError):
    """A `watch` state file that cannot be used (damaged, or in use by another watcher)."""


class EngineUnavailableError(ChuanxaError):
    """An optional engine (durable-rules) is not installed."""


def close_matches(name: object, candidates: Any) -> list[str]:
    """Up to three known names close to `name`, for a "did you mean" hint."""
    import difflib

    return difflib.get_close_matches(str(name), [str(c) for c in candidates], n=3, cutoff=0.6)


def file_problem(exc: BaseException) -> dict[str, str]:
    """`detail` / `detail_vi` parameters for a file that cannot be opened or read, in words a user knows."""
    import errno

    code = getattr(exc, "errno", None)
    words = {
        errno.ENOENT: ("không tồn tại", "it does not exist"),
        errno.EACCES: ("không có quyền đọc tệp này", "permission denied"),
        errno.EISDIR: ("đây là một thư mục, không phải tệp", "it is a folder, not a file"),
    }.get(code)  # type: ignore[arg-type]
    if words is not None:
        return {"detail_vi": words[0], "detail": words[1]}
    if isinstance(exc, UnicodeDecodeError):
        return {"detail_vi": "tệp không phải văn bản UTF-8 (hãy lưu lại dạng UTF-8)", "detail": "the file is not UTF-8 text (save it as UTF-8)"}
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return {"detail_vi": f"tệp hỏng hoặc không đúng định dạng ({text})", "detail": text}
