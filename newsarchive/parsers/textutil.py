"""Small plain-text helpers shared by the line-oriented parsers (digest, republished, generic)."""

from __future__ import annotations

import unicodedata

from newsarchive.textnorm import cjk_share

# Text whose letters are at least this share CJK is Chinese; mixed English/Chinese bodies are rare.
CHINESE_SHARE = 0.3


def stripped_lines(text: str) -> list[str]:
    """Every line with surrounding whitespace (incl. no-break spaces) removed; blank lines become "".

    A byte-order mark is not whitespace to Python, so it is dropped here before it can hide a first line.
    """
    return [line.strip() for line in text.lstrip("\ufeff").splitlines()]


def nonblank(lines: list[str]) -> list[str]:
    return [line for line in lines if line]


def is_chinese(text: str) -> bool:
    return cjk_share(text) >= CHINESE_SHARE


def guess_language(text: str) -> str:
    return "zh" if is_chinese(text) else "en"


def _is_wide(char: str) -> bool:
    """Chinese characters and full-width punctuation: Chinese text puts no spaces next to them."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def join_wrapped(lines: list[str]) -> str:
    """Rejoin a hard-wrapped paragraph: a space between words, none where a line meets Chinese text."""
    joined = ""
    for line in lines:
        if joined and not (_is_wide(joined[-1]) or _is_wide(line[0])):
            joined += " "
        joined += line
    return joined
