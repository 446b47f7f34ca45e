"""Organizations of data/organization_families.yml named after a university or a county-level place: a
university's schools (马里兰大学医学院 is the medical school, not the university), the county-level bodies
named with their city or by their stem alone (深圳市公安局盐田分局, 盐田看守所), detention centres and
prisons, and countries' missions to the United Nations. A stem that is also a prefecture's name, or two
divisions', or a word, names nothing by itself."""

from __future__ import annotations

import pytest

from newsarchive.entities import Matcher


@pytest.fixture(scope="module")
def matcher(real_matcher: Matcher) -> Matcher:
    return real_matcher


def linked(matcher: Matcher, text: str) -> dict[str, str]:
    """Linked span -> kind and the English name of its entity."""
    analysis = matcher.analyse("", None, text)
    entities = matcher.gazetteer.entities
    return {analysis.text[mention.start:mention.end]:
            f"{mention.kind}: {entities[mention.kind][mention.slug].name}"
            for mention in analysis.mentions if mention.kind in entities}


def test_a_universitys_school_is_not_the_university(matcher: Matcher) -> None:
    found = linked(matcher, "马里兰大学医学院的团队说。哈佛大学公共卫生学院另有研究。")
    assert found == {"马里兰大学医学院": "organizations: University of Maryland School of Medicine",
                     "哈佛大学公共卫生学院": "organizations: Harvard University School of Public Health"}


def test_a_district_body_with_its_city_or_by_its_stem(matcher: Matcher) -> None:
    found = linked(matcher, "他先在深圳盐田看守所,案由深圳市公安局盐田分局侦办;盐田看守所拒绝会见。")
    assert found["深圳盐田看守所"] == found["盐田看守所"]
    assert found["深圳盐田看守所"].startswith("organizations: Yantian") and "Detention" in found["盐田看守所"]
    assert found["深圳市公安局盐田分局"].startswith("organizations: Yantian")
    assert not [span for span, name in found.items() if name.startswith("places")]


def test_numbered_detention_centres_and_prisons(matcher: Matcher) -> None:
    found = linked(matcher, "从沈阳市第一看守所转到辽宁女子监狱。")
    assert found == {"沈阳市第一看守所": "organizations: Shenyang No. 1 Detention Center",
                     "辽宁女子监狱": "organizations: Liaoning Women's Prison"}


def test_unsafe_stems_name_nothing(matcher: Matcher) -> None:
    # 白银 is the prefecture too (白银区 of 白银市); 公安 is a county (公安县) and the word for police
    for text in ("白银法院审理此案。", "公安看守所里有人。"):
        assert not [name for name in linked(matcher, text).values() if name.startswith("organizations")], text


def test_missions_to_the_united_nations(matcher: Matcher) -> None:
    found = linked(matcher, "中国常驻联合国代表团回应;美国驻日内瓦代表团发表声明。")
    assert found == {
        "中国常驻联合国代表团": "organizations: Permanent Mission of China to the United Nations",
        "美国驻日内瓦代表团": "organizations: Permanent Mission of United States in Geneva"}


def test_a_prefecture_named_like_a_province_has_no_short_name(matcher: Matcher) -> None:
    # 海南 is Qinghai's 海南藏族自治州 too: 海南中级人民法院 is never that prefecture's court
    found = linked(matcher, "他进入海南中级人民法院工作。武汉中级法院宣判。")
    assert "Qinghai" not in " ".join(found.values())
    assert found["武汉中级法院"] == "organizations: Wuhan Intermediate People's Court"
