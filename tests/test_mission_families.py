"""Organizations generated from data/organization_families.yml beyond the place families: embassies and
consulates named by a country's short form, capital or city, Taiwan's representative offices, parliaments'
chambers with their country, and the mainland's provincial departments and city bureaus. Each is linked as
the whole name, not as the country or city inside it."""

from __future__ import annotations

import pytest

from newsarchive.entities import Matcher


@pytest.fixture(scope="module")
def matcher(real_matcher: Matcher) -> Matcher:
    return real_matcher


def organizations(matcher: Matcher, text: str) -> dict[str, str]:
    """Linked span -> the English name of its organization; fails if a place was linked too."""
    analysis = matcher.analyse("", None, text)
    entities = matcher.gazetteer.entities["organizations"]
    assert not [mention for mention in analysis.mentions if mention.kind == "places"], text
    return {analysis.text[mention.start:mention.end]: entities[mention.slug].name
            for mention in analysis.mentions if mention.kind == "organizations"}


def organization_names(matcher: Matcher, text: str) -> list[str]:
    """English names of every organization linked in the text (places may be linked too)."""
    entities = matcher.gazetteer.entities["organizations"]
    return [entities[mention.slug].name for mention in matcher.analyse("", None, text).mentions
            if mention.kind == "organizations"]


def test_embassies_by_short_form_and_capital(matcher: Matcher) -> None:
    found = organizations(matcher, "中国驻英使馆回应,中国驻伦敦使馆发言人说,美驻华使馆也发了声明。")
    assert found["中国驻英使馆"] == found["中国驻伦敦使馆"] == "Chinese Embassy in United Kingdom"
    assert found["美驻华使馆"] == organizations(matcher, "美国驻华大使馆说。")["美国驻华大使馆"]


def test_a_date_before_a_short_form_is_no_country(matcher: Matcher) -> None:
    # 日 after a date is not Japan: 15日驻华使馆 is not Japan's embassy (日 leads no name)
    assert not [name for name in organization_names(matcher, "美国15日驻华使馆发声明。") if "Japan" in name]


def test_consulates_with_and_without_their_country(matcher: Matcher) -> None:
    found = organizations(matcher, "美国驻成都总领事馆关闭,美驻成都总领馆降旗;"
                                   "中国驻休士顿总领事馆和驻休斯敦总领馆是一处。")
    chengdu = "Consulate General of United States in Chengdu"
    assert found["美国驻成都总领事馆"] == found["美驻成都总领馆"] == chengdu
    assert found["中国驻休士顿总领事馆"] == found["驻休斯敦总领馆"] == "Consulate General of China in Houston"


def test_taiwans_offices_are_one_organization_per_country(matcher: Matcher) -> None:
    found = organizations(matcher, "台湾驻斐济代表处举行酒会,驻斐济代表处人员受伤。驻日代表处设签名处。")
    assert found["台湾驻斐济代表处"] == found["驻斐济代表处"] == "Taipei Representative Office in Fiji"
    assert found["驻日代表处"] == "Taipei Representative Office in Japan"
    # the bare form is only for the countries where the corpus uses it for Taiwan's alone
    assert not [name for name in organization_names(matcher, "世卫组织驻印度代表处说。") if "Taipei" in name]


def test_chambers_with_their_country(matcher: Matcher) -> None:
    found = organizations(matcher, "英国议会上议院辩论,英国下议院表决,加拿大众议院通过动议,"
                                   "美国国会众议院也通过。")
    assert found["英国议会上议院"] == "House of Lords of United Kingdom"
    assert found["英国下议院"] == "House of Commons of United Kingdom"
    assert found["加拿大众议院"] == "House of Commons of Canada"
    assert found["美国国会众议院"] == "United States House of Representatives"  # the curated one, more names


def test_provincial_departments_and_city_bureaus(matcher: Matcher) -> None:
    found = organizations(matcher, "北京市商务局发文,四川省司法厅吊销执照,"
                                   "中共北京市委宣传部和湖南省国家安全厅也在场。")
    assert found["北京市商务局"] == "Beijing Bureau of Commerce"
    assert found["四川省司法厅"] == "Sichuan Department of Justice"
    assert found["中共北京市委宣传部"] == "Chinese Communist Party Beijing Propaganda Department"
    assert found["湖南省国家安全厅"] == "Hunan Department of State Security"
