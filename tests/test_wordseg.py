"""The segmenter's windows: only the blocks holding the names to check are cut, with the same words there
as when the whole window around them is cut."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rjieba
import yaml

from newsarchive.textnorm import normalize
from newsarchive.wordseg import BLOCK_CHARACTERS, MARGIN, SEPARATOR, Segmenter, Words, _windows

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
    cut, reference = segmenter._cut(text, narrowed), segmenter._cut(text, whole)
    for start, end in narrowed:
        for position in range(start, end):
            assert cut.around(position) == reference.around(position), (text[start:end], position)
    words = segmenter.words(text, spans)
    for start, end in spans:
        assert words.fits(start, end) == reference.fits(start, end), text[start:end]


def test_the_checks_still_tell_words_from_strings_inside_words(segmenter: Segmenter) -> None:
    text = TEXTS[1]
    words = segmenter.words(text, _spans(text))
    fitting = {text[start:end] for start, end in _spans(text) if words.fits(start, end)}
    assert "拜登" in fitting
    assert "湖南" not in fitting and "国会" not in fitting  # 班公湖/南岸, 成员国/会


def test_words_of_joined_windows_answer_in_text_positions() -> None:
    """The boundaries stay in the joined string: questions about the text are moved there window by window;
    outside the windows the text has no words."""
    text = "美国国会。中间的文字不切。拜登上台"
    windows = [(0, 4), (13, 17)]
    joined = SEPARATOR.join(text[start:end] for start, end in windows)
    # 美国国会 one word (the head 美国 and its compound); then the separator, 拜登, 上台
    words = Words([0, 4, 5, 7, 9], joined, frozenset({"美国"}), windows)
    assert words.around(1) == (0, 4) and words.around(14) == (13, 15) and words.around(16) == (15, 17)
    assert words.around(8) == (8, 9) and words.around(4) == (4, 5)  # between the windows
    assert words.fits(0, 4) and words.fits(13, 15) and words.fits(15, 17) and words.fits(13, 17)
    assert words.fits(0, 2) and words.fits(2, 4)  # the head of a compound, its tail after the head
    assert not words.fits(1, 3) and not words.fits(14, 16)
    assert not Words([0, 4], "美国国会", frozenset()).fits(2, 4)  # one window, the text itself: no head


def test_transliteration_characters_are_cut_in_blocks() -> None:
    """Words.around() gives a position outside the cut windows as a word of its own. The matcher asks it
    only next to a short name, where such a position holds a character outside jieba's blocks; the answer
    is right because no such character can spell a transliterated name."""
    rules_file = Path(__file__).resolve().parents[1] / "data" / "name_rules.yml"
    rules = yaml.safe_load(rules_file.read_text(encoding="utf-8"))
    block = re.compile(f"[{BLOCK_CHARACTERS}]")
    characters = normalize(rules["transliteration_characters"])
    assert characters and all(block.match(char) for char in characters)
