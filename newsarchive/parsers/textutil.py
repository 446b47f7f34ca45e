"""Small plain-text helpers shared by the line-oriented parsers (digest, republished, generic)."""

from __future__ import annotations

from newsarchive.textnorm import cjk_share, is_cjk

# Text whose letters are at least this share CJK is Chinese; mixed English/Chinese bodies are rare.
CHINESE_SHARE = 0.3


def stripped_lines(text: str) -> list[str]:
    """Every line with surrounding whitespace (incl. no-break spaces) removed; blank lines become ""."""
    return [line.strip() for line in text.splitlines()]


def nonblank(lines: list[str]) -> list[str]:
    return [line for line in lines if line]


def is_chinese(text: str) -> bool:
    return cjk_share(text) >= CHINESE_SHARE


def guess_language(text: str) -> str:
    return "zh" if is_chinese(text) else "en"


def join_wrapped(lines: list[str]) -> str:
    """Rejoin a hard-wrapped paragraph: a space between words, nothing between Chinese characters."""
    joined = ""
    for line in lines:
        if joined and not (is_cjk(joined[-1]) and is_cjk(line[0])):
            joined += " "
        joined += line
    return joined
