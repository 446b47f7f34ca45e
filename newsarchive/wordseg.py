"""Word boundaries in Chinese text, so a gazetteer name found inside other words is not a mention.

Chinese puts no spaces between words: 湖南 (Hunan) is a substring of 班公湖南岸 (the south shore of Pangong
Lake) and 国会 (Congress) of 各成员国会继续 (member states will continue). A maintained segmenter, jieba (its
Rust port, through rjieba), cuts the text into words using its dictionary plus every Chinese name of the
gazetteer, and a name counts only where the cut agrees with it:

- both ends of the name are word boundaries (拜登 / 上台);
- or the name begins a longer dictionary word, a compound built on it (美国人, 中国政府, 民主党籍);
- or it ends one after another gazetteer name or a word of `heads` (美国纽约, 北加州, 美国会);

and it does not count where a word crosses one of its ends (巩固 / 原有 for 固原), where it sits in the
middle of a longer word (发展中国家 for 中国) or at the end of another word (复合肥, 中南海, 出海口).

Names get one fixed dictionary frequency (NAME_FREQUENCY): high enough that a name wins against rare
accidental splits (拜 / 登上 / 台), low enough that common words around it still win (巩固 / 原有). The
segmenter runs without its HMM guesser, which would glue unknown neighbours onto names (脸书上).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate

import rjieba

from newsarchive.textnorm import CJK_CHAR

# Dictionary frequency given to every gazetteer name (jieba's dictionary totals about 60 million; an
# ordinary common word has thousands). Chosen on the cases in tests/test_entities.py.
NAME_FREQUENCY = 10000
# Only the text around the names to check is cut, this many characters on each side: the cut of a word
# depends on its neighbours, not on the far end of the sentence.
MARGIN = 12
# Joins the windows of one text for one call of the segmenter. jieba cuts each run of Chinese characters,
# Latin letters and digits on its own and gives any other character (save spaces) as a word of one
# character, so the windows are cut as if one by one.
SEPARATOR = "\x00"
# What jieba cuts as Chinese (its is_han_default): CJK ideographs, ASCII letters and digits, +#&._%-.
# It cuts each run of these, a block, on its own, and gives any other character as a word by itself.
BLOCK_CHARACTERS = ("\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df\U0002a700-\U0002ebef"
                    "\U0002f800-\U0002fa1fa-zA-Z0-9+#&._%\\-")
# The rest of a block from a position on, provided the character before the position is in a block.
_BLOCK_BEFORE = re.compile(f"(?<=[{BLOCK_CHARACTERS}])[{BLOCK_CHARACTERS}]*")


class Segmenter:
    """jieba with the gazetteer's names added; says whether a span of a text is a whole word."""

    def __init__(self, names: Iterable[str], heads: Iterable[str] = ()) -> None:
        self._jieba = rjieba.Jieba()
        self._names = frozenset(name for name in names if CJK_CHAR.search(name))
        for name in self._names:
            self._jieba.add_word(name, NAME_FREQUENCY, None)
        self._heads = self._names | frozenset(heads)

    def words(self, text: str, spans: list[tuple[int, int]]) -> Words:
        """Word boundaries of the text around the given (start, end) spans (sorted by start)."""
        return self._cut(text, _windows(text, spans))

    def _cut(self, text: str, windows: list[tuple[int, int]]) -> Words:
        """The words of the windows (sorted, apart) of the text; only dictionary words, no HMM guessing.
        One call of the segmenter for all windows, joined by SEPARATOR."""
        joined = SEPARATOR.join([text[start:end] for start, end in windows])
        offsets = list(accumulate(map(len, self._jieba.cut(joined, hmm=False)), initial=0))
        return Words(offsets, joined, self._heads, windows)


def _windows(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The text within MARGIN characters of the spans (sorted by start), as sorted (start, end) windows
    (overlapping ones merged), each without what lies beyond the blocks of its outer spans.

    jieba cuts each block (a run of BLOCK_CHARACTERS) on its own and gives every other character as a word
    of one character: the words of the blocks that hold a window's spans are the same whether the window
    has the blocks before and after them or not, and its edges are word boundaries either way. Leaving
    those blocks out cuts about a quarter fewer characters."""
    windows: list[tuple[int, int]] = []
    size = len(text)
    reverse = text[::-1]  # the start of a block is the end of a run in the reversed text
    low = high = first = last = -1  # the window so far, its first span's start, its spans' furthest end
    for start, end in spans:
        around_start = start - MARGIN if start > MARGIN else 0
        around_end = end + MARGIN if end + MARGIN < size else size
        if around_start <= high:  # overlaps the window so far: widen it
            if around_end > high:
                high = around_end
            if end > last:
                last = end
            continue
        if high >= 0:
            windows.append(_within_blocks(text, reverse, (low, high), first, last))
        low, high, first, last = around_start, around_end, start, end
    if high >= 0:
        windows.append(_within_blocks(text, reverse, (low, high), first, last))
    return windows


def _within_blocks(text: str, reverse: str, window: tuple[int, int], first: int,
                   last: int) -> tuple[int, int]:
    """The window from the start of the block at position first to the end of the block before position
    last (no further than the window's own ends)."""
    low, high = window
    size = len(text)
    run = _BLOCK_BEFORE.match(reverse, size - first, size - low)  # text[first - n:first], read backwards
    start = first - (run.end() - run.start()) if run else first
    run = _BLOCK_BEFORE.match(text, last, high)
    return start, run.end() if run else last


class Words:
    """Word boundaries of parts of one text: the words of a string cut by the segmenter, the text's windows
    joined by a separator. The boundaries stay in the joined string's offsets (one per word: mapping each
    back to the text would cost more than the few questions asked); a question's text positions are moved
    there by the shift of the window holding them."""

    def __init__(self, offsets: list[int], cut: str, heads: frozenset[str],
                 windows: list[tuple[int, int]] | None = None) -> None:
        """offsets: the sorted positions in cut where its words start (and where the last one ends);
        windows: where in the text the parts of cut come from, in order, joined by one character (by
        default cut is the text itself)."""
        windows = windows if windows is not None else [(0, len(cut))]
        self._offsets = offsets
        self._boundaries = frozenset(offsets)  # fits() asks about two offsets per name: set lookups
        self._cut = cut
        self._heads = heads  # what may come before a name inside one word
        self._starts = [start for start, _ in windows]
        self._ends = [end for _, end in windows]
        self._shifts: list[int] = []  # position in cut minus position in text, for each window
        position = 0
        for start, end in windows:
            self._shifts.append(position - start)
            position += end - start + 1  # past the separator, where the next window starts

    def around(self, position: int) -> tuple[int, int]:
        """(start, end) of the word that holds the character at position; (position, position + 1) outside
        the windows (where the text was not cut)."""
        window = bisect_right(self._starts, position) - 1
        if window < 0 or position >= self._ends[window]:
            return position, position + 1
        shift = self._shifts[window]
        index = bisect_right(self._offsets, position + shift) - 1
        return self._offsets[index] - shift, self._offsets[index + 1] - shift

    def fits(self, start: int, end: int) -> bool:
        """Whether text[start:end] (inside one window) is a word, a group of words, or the head of one
        compound word, or its tail after a name or a head word."""
        shift = self._shifts[bisect_right(self._starts, start) - 1]
        start += shift
        end += shift
        starts_word = start in self._boundaries
        ends_word = end in self._boundaries
        if starts_word and ends_word:
            return True
        if starts_word == ends_word:
            return False  # both ends fall inside words: a crossing or the middle of a longer word
        index = bisect_right(self._offsets, start if ends_word else end - 1) - 1
        word_start, word_end = self._offsets[index], self._offsets[index + 1]
        if starts_word:
            return word_start == start
        return word_end == end and self._cut[word_start:start] in self._heads
