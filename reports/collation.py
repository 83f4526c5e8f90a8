"""Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y.

Letters compare first (so "Dương" < "Đông" and "An" < "Ă…" < "Ân"); tone marks only break ties, in the
customary order: none, huyền, hỏi, ngã, sắc, nặng. Case never matters. No ICU is needed.
"""

from __future__ import annotations

import unicodedata

_ALPHABET = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"]
_RANK = {letter: i + 20 for i, letter in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng
_SHAPES = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter, not a tone


def vietnamese_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """A sort key giving Vietnamese alphabetical order."""
    letters: list[int] = []
    tones: list[int] = []
    for char in str(text).lower():
        parts = unicodedata.normalize("NFD", char)
        base = parts[0]
        shape = "".join(p for p in parts[1:] if p in _SHAPES)
        tone = next((_TONES[p] for p in parts[1:] if p in _TONES), 0)
        letter = unicodedata.normalize("NFC", base + shape)
        if letter in _RANK:
            letters.append(_RANK[letter])
        elif letter.isdigit():
            letters.append(10 + int(letter) % 10)
        elif letter.isspace():
            letters.append(1)
        else:
            letters.append(2)
        tones.append(tone)
    return tuple(letters), tuple(tones), str(text)


def sort_vietnamese(items: list, key=lambda x: x) -> list:  # type: ignore[no-untyped-def]
    """`items` in Vietnamese alphabetical order of `key(item)`."""
    return sorted(items, key=lambda item: vietnamese_key(key(item)))
