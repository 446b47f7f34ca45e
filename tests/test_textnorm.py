"""The matching form shared by search, entities and duplicate detection (newsarchive.textnorm)."""

from __future__ import annotations

import unicodedata

import pytest

from newsarchive.textnorm import cjk_share, conversion_pairs, count_cjk, is_cjk, nfkc, normalize


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("計畫", "计划"),  # word level: character by character this would be 计画
        ("回覆", "回复"),
        ("答覆", "答复"),
        ("反覆", "反复"),
        ("憑藉", "凭借"),
        ("瞭解", "了解"),
        ("隨著", "随着"),
        ("國務卿", "国务卿"),
        ("瀋陽", "沈阳"),
    ],
)
def test_traditional_words_meet_their_simplified_spelling(traditional: str, simplified: str) -> None:
    assert normalize(traditional) == normalize(simplified) == simplified


@pytest.mark.parametrize("text", ["打坏了", "沈阳", "一坏事"])
def test_simplified_text_is_not_rewritten_by_phrase_rules(text: str) -> None:
    # OpenCC's t2s has 打坏→打坯 (坏 pī, "unfired brick"); in simplified text 坏 is 壞 ("bad").
    assert normalize(text) == text


def test_conversion_keeps_lengths_and_unifies_name_dots() -> None:
    text = "國務卿布林肯‧安東尼・Ｂlinken，計畫"
    assert len(normalize(text)) == len(text)
    assert normalize(text) == "国务卿布林肯·安东尼·Blinken,计划"
    assert all(len(source) == len(target) for source, target in conversion_pairs().items())


def test_broken_text_with_lone_surrogates_is_converted_around_them() -> None:
    # A lone surrogate (escaped JSON in a broken file) cannot be searched as UTF-8; it stays as it is.
    assert normalize("計畫\ud800國務卿‧計畫") == "计划\ud800国务卿·计划"


def test_fast_nfkc_equals_unicodedata() -> None:
    for text in ["ＡＢＣ，（中）", "ﬁ①㈱", "Ｅ\u0301", "plain", "豈"]:
        assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_cjk_helpers_count_chinese_characters_of_every_plane() -> None:
    assert [is_cjk(c) for c in "中A。𠀀豈"] == [True, False, False, True, True]
    assert count_cjk("王毅 met Blinken。𠀀") == 3
    assert cjk_share("王毅 met") == 2 / 5
    assert cjk_share("123 !") == 0.0
