"""The segmenter's windows: only the blocks holding the names to check are cut, with the same words there
as when the whole window around them is cut."""

from __future__ import annotations

import re

import pytest
import rjieba

from newsarchive.wordseg import BLOCK_CHARACTERS, MARGIN, Segmenter, Words, _windows

NAMES = ["美国", "中国", "北京", "国务卿", "外交部", "外交部长", "固原", "湖南", "国会", "拜登", "布林肯",
         "安东尼·布林肯", "G20"]
TEXTS = [
    "昨天，美国国务卿在北京会见了中国外交部长，双方同意巩固原有合作。",
    "班公湖南岸的部队后撤；各成员国会继续观察。拜登说：“好。”",
    "安东尼·布林肯抵达北京，G20峰会前与中国官员会谈，美国国会议员随行。",
    "美国\r\n中国 北京.G20 外交部长拜登上台，湖南省的国会",
]


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter(NAMES)


def _spans(text: str) -> list[tuple[int, int]]:
    return sorted({(found.start(), found.end())
                   for name in NAMES for found in re.finditer(re.escape(name), text)})


def _whole_windows(size: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The windows before they were narrowed to the spans' blocks: MARGIN characters around each span."""
    windows: list[tuple[int, int]] = []
    for start, end in spans:
        low, high = max(0, start - MARGIN), min(size, end + MARGIN)
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], high))
        else:
            windows.append((low, high))
    return windows


def test_block_characters_are_the_ones_jieba_cuts_together() -> None:
    """A character jieba keeps in a block joins a copy of itself into one dictionary word; any other
    character stays a word of its own (every character of the BMP, and the edges of the rest)."""
    jieba = rjieba.Jieba.empty()
    block = re.compile(f"[{BLOCK_CHARACTERS}]")
    others = [0x1F600, 0x20000, 0x2A6DF, 0x2A6E0, 0x2A700, 0x2EBEF, 0x2EBF0, 0x2F800, 0x2FA1F, 0x2FA20]
    for code in [*range(0x21, 0xD800), *range(0xE000, 0x10000), *others]:
        char = chr(code)
        jieba.add_word(char * 2, 10, None)
        assert (len(jieba.cut(char * 2, hmm=False)) == 1) == bool(block.match(char)), hex(code)


@pytest.mark.parametrize("text", TEXTS)
def test_narrowed_windows_have_the_words_of_whole_windows(segmenter: Segmenter, text: str) -> None:
    spans = _spans(text)
    narrowed = _windows(text, spans)
    whole = _whole_windows(len(text), spans)
    assert sum(end - start for start, end in narrowed) <= sum(end - start for start, end in whole)
    cut = set(segmenter._cut(text, narrowed))
    reference = set(segmenter._cut(text, whole))
    for start, end in narrowed:
        for position in range(start, end + 1):
            assert (position in cut) == (position in reference), (text[start:end], position)
    words, reference_words = segmenter.words(text, spans), Words(sorted(reference), text, frozenset(NAMES))
    for start, end in spans:
        assert words.fits(start, end) == reference_words.fits(start, end), text[start:end]


def test_the_checks_still_tell_words_from_strings_inside_words(segmenter: Segmenter) -> None:
    text = TEXTS[1]
    words = segmenter.words(text, _spans(text))
    fitting = {text[start:end] for start, end in _spans(text) if words.fits(start, end)}
    assert "拜登" in fitting
    assert "湖南" not in fitting and "国会" not in fitting  # 班公湖/南岸, 成员国/会
