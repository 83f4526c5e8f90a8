"""Column headers as officers write them, matched to where their values go.

A header matches an input id, its Vietnamese or English label, or a commune field's words, ignoring case,
diacritics, line breaks, a trailing colon, punctuation and hyphen spacing ("kinh tế-xã hội"), and a unit written
in any bracket at the end ("(%)", "[hộ]") or after a final comma or dash ("Dân số của xã, người", "… y tế - %").
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chuanxa.errors import close_matches

from .values import fold, is_blank

if TYPE_CHECKING:
    from chuanxa.criteria.model import Ruleset

Place = tuple[str, ...]

#: Commune fields and the header words that name them (folded: no case, no diacritics).
COMMUNE_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("code", "ma xa", "ma", "ma don vi", "commune code", "ma xa phuong", "ma xa phuong thi tran", "ma dvhc", "ma don vi hanh chinh"),
    "name": ("name", "ten xa", "xa", "ten", "commune", "commune name", "ten don vi", "ten xa phuong", "ten xa phuong thi tran", "xa phuong",
             "xa phuong thi tran", "don vi"),
    "province": ("province", "tinh", "tinh/thanh pho", "tinh thanh pho"),
    "district": ("district", "huyen", "quan/huyen", "quan huyen", "huyen thi xa thanh pho"),
    "former_district": ("former district", "huyen cu", "huyen (cu)", "quan/huyen cu"),
    "former_province": ("former province", "tinh cu", "tinh (cu)", "tinh truoc sap nhap"),
    "unit_type": ("unit type", "loai don vi", "loai", "xa/phuong"),
    "former": ("former communes", "xa cu", "cac xa cu", "don vi cu", "xa truoc sap nhap"),
    "sites": ("sites", "diem tram", "cac diem tram"),
    "region": ("region", "vung kinh te xa hoi", "vung kinh te - xa hoi", "vung kt-xh", "socio-economic region"),
    "terrain": ("terrain", "dia hinh"),
    "distance_km": ("distance km", "distance", "khoang cach", "khoang cach km", "khoang cach den benh vien"),
    "difficult_terrain": ("difficult terrain", "dia hinh dac biet kho khan"),
    "zone": ("zone", "vung", "vung (1/2/3)"),
    "as_of": ("as of", "nam", "nam danh gia", "ngay danh gia", "year", "assessment date"),
}
#: Headers of columns that hold no data to score (an ordinal); known, so never reported as unknown.
IGNORED = ("stt", "tt", "so tt", "so thu tu", "thu tu", "no", "#")
_ASSESSED = re.compile(r"^(?:assessed|diem tham dinh|diem chi tieu|chi tieu|diem ct|ct)\s*[:.#]?\s*([0-9]+[a-z]?|[a-z][0-9]*)(?:\s.*)?$")
_ASSESSED_NOTE = re.compile(r"^(?:assessed note|ghi chu chi tieu|ghi chu ct|ghi chu|note)\s*[:.#]?\s*([0-9]+[a-z]?|[a-z][0-9]*)(?:\s.*)?$")
_BRACKET_END = re.compile(r"\s*[(\[{][^()\[\]{}]*[)\]}]\s*$")
_UNIT_AFTER = re.compile(r"\s*(?:,|\s-\s?|\s?-\s|–|—)\s*(?:%|[^\s,\-–—]+(?:\s[^\s,\-–—]+)?)\s*$")
_PUNCT = re.compile(r"[^0-9a-z%]+")


def header_keys(text: object) -> tuple[str, ...]:
    """The keys a header is looked up by, best first: the whole header, then without its unit."""
    folded = fold(str(text)).rstrip(" :")
    keys = [folded]
    bare = folded
    while _BRACKET_END.search(bare):
        bare = _BRACKET_END.sub("", bare).rstrip(" :")
        keys.append(bare)
    stripped = _UNIT_AFTER.sub("", bare)
    if stripped and stripped != bare:
        keys.append(stripped)
    out = [" ".join(_PUNCT.sub(" ", k).split()) for k in keys]
    return tuple(dict.fromkeys(k for k in out if k))


def label_key(text: object) -> str:
    """The key of a known label (as written in a ruleset or in the word lists above)."""
    return header_keys(text)[0] if header_keys(text) else ""


@dataclass(frozen=True)
class HeaderMatcher:
    """Known names of one ruleset's columns, by key."""

    names: dict[str, Place]
    indicators: frozenset[str]
    labels_vi: dict[str, str]  # key → the Vietnamese label a "did you mean" shows
    _seen: dict[str, Place | None] = field(default_factory=dict, compare=False, repr=False)  # header search meets the same texts often

    @classmethod
    def for_ruleset(cls, ruleset: "Ruleset") -> "HeaderMatcher":
        from .templates import COMMUNE_COLUMNS

        names: dict[str, Place] = {}
        labels: dict[str, str] = {}
        for field_name, words in COMMUNE_HEADERS.items():
            place: Place = ("as_of",) if field_name == "as_of" else ("commune", field_name)
            for word in words + (field_name,):
                names[label_key(word)] = place
        for field_name, vi, en in COMMUNE_COLUMNS:
            place = ("as_of",) if field_name == "as_of" else ("commune", field_name)
            for word in (vi, en):
                names.setdefault(label_key(word), place)
            labels[label_key(vi)] = vi
        for input_id, spec in ruleset.inputs.items():
            for word in (input_id, spec.label.vi, spec.label.en):
                names[label_key(word)] = ("values", input_id)
            labels[label_key(spec.label.vi)] = spec.label.vi
        for word in IGNORED:
            names[label_key(word)] = ("ignored",)
        return cls(names, frozenset(ind.id for ind in ruleset.indicators), labels)

    def match(self, text: object) -> Place | None:
        """Where the values of a column with this header go, or None when it names nothing known."""
        key = str(text)
        if key not in self._seen:
            if len(self._seen) > 20_000:
                self._seen.clear()
            self._seen[key] = self._match(text)
        return self._seen[key]

    def _match(self, text: object) -> Place | None:
        keys = header_keys(text)
        for key in keys:
            found = self.names.get(key)
            if found is not None:
                return found
        for key in keys:
            for pattern, part in ((_ASSESSED, "points"), (_ASSESSED_NOTE, "note")):
                hit = pattern.match(key)
                if hit and hit.group(1) in self.indicators:
                    return ("assessed", hit.group(1), part)
        return None

    def hints(self, text: str) -> list[str]:
        """Known headers (Vietnamese labels, as the template writes them) that an unknown header resembles."""
        keys = header_keys(text)
        if not keys:
            return []
        for key in keys:
            for pattern in (_ASSESSED, _ASSESSED_NOTE):
                found = pattern.match(key)
                if found:  # e.g. "Diem tham dinh 3a": the assessed column of an indicator the ruleset does not have
                    word = text[: text.lower().find(found.group(1))].rstrip() if found.group(1) in text.lower() else text
                    return [f"{word} {close}" for close in close_matches(found.group(1), sorted(self.indicators))[:2]]
        found_keys: list[str] = []
        for key in keys:
            found_keys += [k for k in difflib.get_close_matches(key, list(self.labels_vi), n=2, cutoff=0.55) if k not in found_keys]
        return [self.labels_vi[k] for k in found_keys[:2]]


def match_headers(header: list[str], matcher: HeaderMatcher) -> tuple[dict[int, Place], list[str]]:
    """Column index → where its value goes (e.g. ('values', 'latrine_rate')); and the unknown headers."""
    mapping: dict[int, Place] = {}
    unknown: list[str] = []
    for index, text in enumerate(header):
        if is_blank(text):
            continue
        target = matcher.match(text)
        if target is None:
            unknown.append(str(text))
        elif target != ("ignored",):
            mapping[index] = target
    return mapping, unknown
