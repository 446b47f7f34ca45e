"""Organizations of data/organization_families.yml made for every country (its foreign and defence
ministries, parliament, central bank, armed forces and services, Red Cross, customs, statistics office) and
for every province and city (lawyers' association, Red Cross, maritime safety administration, customs, party
daily, television). A curated body with one of the names takes the family's other names; a country whose
body has another name (China's central bank, the US State Department) gets none."""

from __future__ import annotations

import pytest
from test_school_and_county_families import linked

from newsarchive.entities import Matcher

# Each text with the organizations it names, by the English names the families give them.
BODIES = {
    "越南外交部回应;希腊国防部称;印度军方与印度陆军在边境;瑞典议会表决;德国央行预测。": {
        "越南外交部": "Ministry of Foreign Affairs of Vietnam", "希腊国防部": "Ministry of Defence of Greece",
        "印度军方": "Armed Forces of India", "印度陆军": "Army of India", "瑞典议会": "Parliament of Sweden",
        "德国央行": "Central Bank of Germany"},
    "广西律协发布通知;北京市律师协会回应;海南海事局发布航行警告;天津海关查获;《河北日报》报道。": {
        "广西律协": "Guangxi Lawyers Association", "北京市律师协会": "Beijing Lawyers Association",
        "海南海事局": "Hainan Maritime Safety Administration", "天津海关": "Tianjin Customs",
        "河北日报": "Hebei Daily"},
}


@pytest.mark.parametrize("text", list(BODIES))
def test_a_countrys_and_a_provinces_bodies(real_matcher: Matcher, text: str) -> None:
    expected = {span: f"organizations: {name}" for span, name in BODIES[text].items()}
    assert linked(real_matcher, text) == expected


def test_a_curated_body_takes_the_familys_other_names(real_matcher: Matcher) -> None:
    # 日本外务省 is curated: 日本外交部 joins it instead of making a second ministry
    found = linked(real_matcher, "日本外交部说;日本外务省说;英国海军与英国皇家海军。")
    assert found["日本外交部"] == found["日本外务省"]
    assert found["英国海军"] == found["英国皇家海军"] == "organizations: Royal Navy"


def test_countries_whose_bodies_have_other_names_get_none(real_matcher: Matcher) -> None:
    # China's central bank is the People's Bank (institutions.yml decides 央行); 关岛空军基地 is a US base
    found = linked(real_matcher, "中国央行宣布降准。美国外交部一词少见。关岛空军基地的飞机。")
    assert "Central Bank of China" not in found.values()
    assert not [name for name in found.values() if "Foreign Affairs of United States" in name]
    assert "关岛空军" not in found


def test_a_local_red_cross_is_not_the_international_one(real_matcher: Matcher) -> None:
    found = linked(real_matcher, "武汉市红十字会收到捐赠,国际红十字会也表态。黎巴嫩红十字会救援。")
    assert found["武汉市红十字会"] == "organizations: Wuhan Red Cross Society"
    assert found["黎巴嫩红十字会"] == "organizations: Red Cross Society of Lebanon"
    assert found["国际红十字会"] != found["武汉市红十字会"]
