"""The places mined from the corpus (regions.yml's places7 sections, place_rules.yml's city spellings):
rivers, other countries' provinces, short names of China's divisions, and the cases where a new name would
have sat inside another word, run through the real matcher."""

from __future__ import annotations

import pytest

from newsarchive.entities import Matcher


def places(matcher: Matcher, text: str) -> set[str]:
    return set(matcher.analyse("", None, text).counts().get("places", {}))


@pytest.mark.parametrize(("text", "expected"), [
    ("洪水沿着长江向下游推进。", "yangtze-river"),
    ("缅甸若开邦的难民营很拥挤。", "rakhine-state"),
    ("记者从山西晋中发回报道。", "jinzhong"),
    ("他出生在安徽寿县的一个村子。", "shou-county-huainan"),
    ("加拿大魁北克宣布宵禁。", "quebec-province"),
    ("清晨的安大略湖很安静。", "lake-ontario"),
    ("共机再次飞越海峡中线。", "taiwan-strait-median-line"),
    ("他们在北角警署外等候。", "north-point"),
])
def test_new_places_are_linked(real_matcher: Matcher, text: str, expected: str) -> None:
    assert expected in places(real_matcher, text)


@pytest.mark.parametrize(("text", "expected", "not_expected"), [
    ("南京秦淮河流域启动防汛响应。", "qinhuai-river", "huai-river"),  # not the Huai's basin
    ("哈萨克斯坦首都努尔苏丹下雪了。", "astana", "sudan"),
    ("索马里兰的代表抵达台北。", "somaliland", "maryland"),
    ("印度马哈拉什特拉省新增病例。", "maharashtra", "rasht"),
    ("军机越过台海中线。", "taiwan-strait", "taiwan-strait-median-line"),  # the line by 海峡中线 only
    ("湖南岳阳县的一家工厂停产。", "yueyang-county-yueyang", "yueyang"),  # the county is not the city
])
def test_a_longer_name_is_its_own_place(real_matcher: Matcher, text: str, expected: str,
                                         not_expected: str) -> None:
    found = places(real_matcher, text)
    assert expected in found and not_expected not in found


@pytest.mark.parametrize("text", [
    "审判长江某某宣读了判决。",  # a presiding judge surnamed 江
    "公司董事长江某某辞职。",
    "离岸风电运维港正在兴建。",  # an operations port, not 维港
    "清真寺西北角有一座塔。",  # a corner, not North Point
    "他们在村子里约了见面。",  # 里约 is not Rio here
])
def test_words_holding_a_new_name_are_no_place(real_matcher: Matcher, text: str) -> None:
    assert not places(real_matcher, text)


def test_inner_mongolia_is_not_cut_before_another_name(real_matcher: Matcher) -> None:
    # no 内蒙 alias: 内蒙古巴图 is Inner Mongolia, not 内蒙 plus 古巴 (Cuba)
    assert places(real_matcher, "他来自内蒙古巴图村。") == {"inner-mongolia"}
