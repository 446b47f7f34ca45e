"""The clue scan (entities._Clues): one pass over the lower-cased text finds where the candidate regexes'
titles start and which credit clues and organization heads occur, and each regex is then tried only at
those starts (_matches_at). The matches must be the ones a search over the whole text finds."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from newsarchive.entities import (
    ODD_CASE,
    _candidate_pattern_en,
    _candidate_pattern_zh,
    _Clues,
    _credit_pattern,
    _credit_spans,
    _matches_at,
    _utf16,
    fold,
)

RULES_FILE = Path(__file__).resolve().parents[1] / "data" / "name_rules.yml"
RULES = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
TITLES_EN = RULES["candidate_titles_en"]
TITLES_ZH = RULES["candidate_titles_zh"]
CREDITS = [_credit_pattern(entry) for entry in RULES["credit_patterns"]]
HEADS = RULES["organization_heads_en"]
ENGLISH = _candidate_pattern_en(TITLES_EN)
CHINESE = _candidate_pattern_zh(TITLES_ZH, RULES["candidate_followers_zh"])


def _clues() -> _Clues:
    return _Clues({"en": [f"{title} " for title in TITLES_EN], "zh": TITLES_ZH},
                  [*(clue for _, clues in CREDITS for clue in clues), *HEADS, *ODD_CASE])


def _spans(matches: object) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(match.span(), match.groups()) for match in matches]  # type: ignore[attr-defined]


def test_starts_are_found_in_any_case_and_present_strings_as_given() -> None:
    clues = _Clues({"titles": ["Minister ", "外长"]}, ["Photo", "/"])
    text = "MINISTER Ann Lee, minister Bo Li, 外长王明 (photo)"
    found = clues.scan(_utf16(fold(text)))
    assert found.starts == {"titles": [0, 18, 34]}
    assert found.present == {"Photo"}  # in another case: the caller checks the text itself


def test_a_text_without_a_title_tries_no_position() -> None:
    found = _clues().scan(_utf16(fold("Ann Lee and Bo Li met in Paris. 王明会见李华。")))
    assert found.starts == {"en": [], "zh": []}


def test_matches_at_the_starts_are_those_of_a_whole_search() -> None:
    # made-up sentences: titles in several cases, names that run on, Chinese titles and followers
    texts = ["Prime Minister Ann Lee met Foreign Minister Bo Li-Wang.",
             "the SECRETARY OF STATE Tom Fox said; national security adviser Ann Lee Fox Bo agreed",
             "Deputy Prime Minister Tom Fox, Secretary-General Ann Lee",
             "外交部长王明表示，总统约翰·史密斯在会见国家主席李华。"]
    clues = _clues()
    for text in texts:
        found = clues.scan(_utf16(fold(text)))
        assert _spans(_matches_at(ENGLISH, text, found.starts["en"])) == _spans(ENGLISH.finditer(text))
        assert _spans(_matches_at(CHINESE, text, found.starts["zh"])) == _spans(CHINESE.finditer(text))
    assert _spans(ENGLISH.finditer(texts[0])) == [((0, 22), ("Ann Lee",)), ((27, 54), ("Bo Li-Wang",))]


def test_odd_case_letters_are_reported() -> None:
    # ı matches i in the case-insensitive regex but lower-cases to itself: such a text is searched whole
    text = "Presıdent Ann Lee"
    found = _clues().scan(_utf16(fold(text)))
    assert "ı" in found.present and found.starts["en"] == []
    assert _spans(ENGLISH.finditer(text)) == [((0, 17), ("Ann Lee",))]


def test_random_texts_give_the_same_matches_credits_and_heads() -> None:
    rnd = random.Random(7)

    def cased(word: str) -> str:
        return rnd.choice([word, word.upper(), word.lower()])

    pieces = [lambda: cased(rnd.choice(TITLES_EN)) + rnd.choice([" ", " ", "", "\n"]),
              lambda: rnd.choice(TITLES_ZH),
              lambda: rnd.choice(["Ann ", "Lee", "Bo-", "Li ", "Of ", "The ", " ", "-", "\n", "said "]),
              lambda: rnd.choice(["王明", "约翰·史密斯", "表示", "说", "，", "李"]),
              lambda: rnd.choice(["/", "(", ")", "AP", "Photo", "photo", "图片", "摄", "K"]),
              lambda: cased(rnd.choice(HEADS)) + " "]
    clues = _clues()
    for _ in range(3000):
        text = "".join(rnd.choice(pieces)() for _ in range(rnd.randint(1, 12)))
        found = clues.scan(_utf16(fold(text)))
        assert found.present.isdisjoint(ODD_CASE)
        assert _spans(_matches_at(ENGLISH, text, found.starts["en"])) == _spans(ENGLISH.finditer(text))
        assert _spans(_matches_at(CHINESE, text, found.starts["zh"])) == _spans(CHINESE.finditer(text))
        assert _credit_spans(text, CREDITS, found.present) == _credit_spans(text, CREDITS)
        assert (any(head in found.present and head in text for head in HEADS)
                == any(head in text for head in HEADS))

