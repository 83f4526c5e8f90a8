"""What a table reader tells the officer about an officer's table (the header row taken, rows skipped and why,
columns read as fractions), as records of codes and numbers; the words are `chuanxa.wording`'s."""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

#: What a table reader tells the officer, each a catalogue key (its sentence: `chuanxa.wording.table_notice_text`).
NOTICE_CODES: Final = frozenset({"notice.header_row", "notice.header_rows", "notice.title_rows", "notice.numbering_row", "notice.totals_row",
                                  "notice.no_commune_row", "notice.notes_row", "notice.after_end", "notice.stopped", "notice.fraction_column"})


def check_catalogue(codes: frozenset[str] = NOTICE_CODES) -> None:
    """Refuse (at import) a notice code the message catalogue has no words for in both languages."""
    from chuanxa.messages import CATALOGUE, LANGS

    missing = sorted(c for c in codes if not all(CATALOGUE.get(c, {}).get(lang) for lang in LANGS))
    if missing:
        raise LookupError(f"table notice codes without words in chuanxa/messages.py: {', '.join(missing)}")


check_catalogue()


class TableNotice(BaseModel):
    """Something the reader did that the officer should know (which row was the header, which rows were skipped
    and why), as a code with where it is and its numbers. Its sentence is `chuanxa.wording.table_notice_text`; the
    batch documents write it beside the record (`message_vi`, `message_en`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=lambda s: _words_in_json(s, ("message_vi", "message_en")))

    code: str  #: catalogue key (`notice.*` in chuanxa/messages.py)
    sheet: str | None = None
    rows: tuple[int, ...] = ()
    params: dict[str, Any] = {}

    @classmethod
    def of(cls, code: str, sheet: str | None, rows: tuple[int, ...] = (), params: dict[str, Any] | None = None) -> "TableNotice":
        """The notice `code` at `rows` of `sheet`, with the numbers its sentence names."""
        return cls(code=code, sheet=sheet, rows=rows, params=params or {})

    @field_validator("code")
    @classmethod
    def _known(cls, code: str) -> str:
        if code not in NOTICE_CODES:  # a new notice needs its words in the catalogue and its code registered above
            raise ValueError(f"unknown table notice code {code!r} (known: {', '.join(sorted(NOTICE_CODES))})")
        return code

    @model_validator(mode="before")
    @classmethod
    def _rendered_text_is_not_data(cls, data: Any) -> Any:
        # read back from JSON: the sentences are rebuilt from the code when shown
        if isinstance(data, dict) and ("message_vi" in data or "message_en" in data):
            data = {k: v for k, v in data.items() if k not in ("message_vi", "message_en")}
        return data


def _words_in_json(schema: dict[str, Any], names: tuple[str, ...]) -> None:
    # Declared so that the published schema matches the JSON, which carries the sentences the record does not hold.
    properties = schema.setdefault("properties", {})
    for name in names:
        properties[name] = {"title": name.replace("_", " ").capitalize(), "type": "string",
                            "description": "The sentence, written from the other fields (" + name[-2:] + ")."}


__all__ = ["NOTICE_CODES", "TableNotice", "check_catalogue"]
