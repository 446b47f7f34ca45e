"""Text normalisation shared by entity matching and search: NFKC, traditional→simplified, name dots."""

from __future__ import annotations

import re
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


# The one definition of "Chinese character" (CJK unified ideographs, extension A, compatibility
# ideographs, supplementary planes B–F). Every module uses these instead of its own ranges.
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
# Chinese characters plus CJK and full-width punctuation: text that puts no spaces between words.
CJK_WIDE_CLASS = "\u3000-\u303f\uff00-\uffef" + CJK_CLASS
CJK_CHAR = re.compile(f"[{CJK_CLASS}]")
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_LETTER = re.compile(r"[^\W\d_]")


def is_cjk(char: str) -> bool:
    """Whether one character is a Chinese character (see CJK_CLASS)."""
    return CJK_CHAR.match(char) is not None


def count_cjk(text: str) -> int:
    """Number of Chinese characters in text."""
    return len(CJK_CHAR.findall(text))


def cjk_share(text: str) -> float:
    """Share of CJK characters among the letters of text (0 when there are none)."""
    letters = len(_LETTER.findall(text))
    return count_cjk(text) / letters if letters else 0.0
