"""Organizations of data/organization_families.yml made for every country (its foreign and defence
ministries, parliament, central bank, armed forces and services, Red Cross, customs, statistics office) and
for every province and city (lawyers' association, Red Cross, maritime safety administration, customs, party
daily, television). A curated body with one of the names takes the family's other names; a country whose
body has another name (China's central bank, the US State Department) gets none."""

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


def test_a_countrys_ministries_and_forces(matcher: Matcher) -> None:
    found = linked(matcher, "越南外交部回应;希腊国防部称;印度军方与印度陆军在边境;"
                            "瑞典议会表决;德国央行预测。")
    assert found == {"越南外交部": "organizations: Ministry of Foreign Affairs of Vietnam",
                     "希腊国防部": "organizations: Ministry of Defence of Greece",
                     "印度军方": "organizations: Armed Forces of India",
                     "印度陆军": "organizations: Army of India",
                     "瑞典议会": "organizations: Parliament of Sweden",
                     "德国央行": "organizations: Central Bank of Germany"}


def test_a_curated_body_takes_the_familys_other_names(matcher: Matcher) -> None:
    # 日本外务省 is curated: 日本外交部 joins it instead of making a second ministry
    found = linked(matcher, "日本外交部说;日本外务省说;英国海军与英国皇家海军。")
    assert found["日本外交部"] == found["日本外务省"]
    assert found["英国海军"] == found["英国皇家海军"] == "organizations: Royal Navy"


def test_countries_whose_bodies_have_other_names_get_none(matcher: Matcher) -> None:
    # China's central bank is the People's Bank (institutions.yml decides 央行); 关岛空军基地 is a US base
    found = linked(matcher, "中国央行宣布降准。美国外交部一词少见。关岛空军基地的飞机。")
    assert "Central Bank of China" not in found.values()
    assert not [name for name in found.values() if "Foreign Affairs of United States" in name]
    assert "关岛空军" not in found


def test_a_provinces_and_a_citys_bodies(matcher: Matcher) -> None:
    found = linked(matcher, "广西律协发布通知;北京市律师协会回应;海南海事局发布航行警告;"
                            "天津海关查获;《河北日报》报道。")
    assert found == {"广西律协": "organizations: Guangxi Lawyers Association",
                     "北京市律师协会": "organizations: Beijing Lawyers Association",
                     "海南海事局": "organizations: Hainan Maritime Safety Administration",
                     "天津海关": "organizations: Tianjin Customs",
                     "河北日报": "organizations: Hebei Daily"}


def test_a_local_red_cross_is_not_the_international_one(matcher: Matcher) -> None:
    found = linked(matcher, "武汉市红十字会收到捐赠,国际红十字会也表态。黎巴嫩红十字会救援。")
    assert found["武汉市红十字会"] == "organizations: Wuhan Red Cross Society"
    assert found["黎巴嫩红十字会"] == "organizations: Red Cross Society of Lebanon"
    assert found["国际红十字会"] != found["武汉市红十字会"]
