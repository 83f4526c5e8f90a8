"""The shape of a planning note: a code and only what that code names (its sentence comes from `chuanxa.wording`
and is written into the JSON beside the record as `vi` and `en`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer, model_validator

from chuanxa.criteria.model import Text


class CodedNote(BaseModel):
    """A note as data: `code` and the fields its code names; the others stay unset and are not written."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _rendered_text_is_not_data(cls, data: Any) -> Any:
        if isinstance(data, dict) and ("vi" in data or "en" in data):  # read back from JSON: the sentence is rebuilt when shown
            data = {k: v for k, v in data.items() if k not in ("vi", "en")}
        return data

    @model_serializer(mode="wrap")
    def _what_it_names(self, handler: SerializerFunctionWrapHandler) -> Any:
        return {k: v for k, v in handler(self).items() if k == "code" or v not in (None, (), [], False)}  # only what this code names


def with_note_words(data: Any, notes: Sequence[CodedNote], words: Callable[[Any], Text]) -> Any:
    """A record's JSON `data` with each of its `notes` followed by its sentence's `vi` and `en` (all that notes had
    before they were records), added at write time by the record's serializer."""
    if isinstance(data, dict) and isinstance(data.get("notes"), (list, tuple)):
        data["notes"] = [{**item, **words(note).model_dump()} for item, note in zip(data["notes"], notes)]
    return data


__all__ = ["CodedNote", "with_note_words"]
