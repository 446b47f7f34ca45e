"""Text normalisation shared by entity matching and search: NFKC, traditional→simplified, name dots."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc

# Interpuncts used between parts of transliterated names (安东尼·布林肯, 安東尼‧布林肯, 安东尼・布林肯 ...).
NAME_DOTS = "·‧・•∙⋅･"


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    """Character-level traditional→simplified map from OpenCC's dictionary (fast via str.translate)."""
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        if len(trad) == 1 and simp:
            table[ord(trad)] = simp.split()[0]
    for dot in NAME_DOTS:
        table[ord(dot)] = "·"
    return table


def to_simplified(text: str) -> str:
    """Traditional characters to simplified, one character at a time; name dots unified to '·'."""
    return text.translate(_t2s_table())


def normalize(text: str) -> str:
    """NFKC (full-width to half-width, compatibility forms), then simplified Chinese."""
    return to_simplified(unicodedata.normalize("NFKC", text))


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2EBEF
        or 0xF900 <= code <= 0xFAFF
    )


def cjk_share(text: str) -> float:
    """Share of CJK characters among the letters of text (0 when there are none)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if is_cjk(c)) / len(letters)
