"""Regenerates data/divisions.yml: every county-level division of mainland China (districts 区, counties
县, banners 旗, county-level cities 市), every township-level division of Taiwan (鄉, 鎮, 市, 區) and Hong
Kong's 18 districts, each with its parent city and province and a map point, so the matcher links 西夏区
or 贺兰县 as a place.

    pip install --target /tmp/divisions cpca==0.5.5 pypinyin   # data and romanisation, for this script only
    PYTHONPATH=/tmp/divisions python scripts/make_divisions.py TGOS_FILE

Sources (both public data, copied into no runtime code path):
- mainland: ``cpca`` 0.5.5 (MIT), its resources/adcodes.csv: the 12-digit administrative division codes
  with names and coordinates (2020 code table);
- Taiwan: TGOS_FILE, the TGOS (tgos.nat.gov.tw) list of the 371 three-digit postal areas, one per
  township or district, with its centre point (JSON rows with CityName, AreaName, Longitude, Latitude;
  a ``var x = [...]`` wrapper around the JSON is accepted);
- English names: ``pypinyin`` of the name without its suffix ("Xixia District, Yinchuan").

Only full names with their suffix are written (西夏区, never 西夏): short forms are common words or
other places. A name that two divisions share anywhere in the mainland, Taiwan, Hong Kong, Seoul or
Tokyo (城关区, 朝阳区, 中山区, 江南区) is left out, since nothing but the text's city could choose one;
so is a name of two characters (城区 and 新县 are words, 赵县长 is Mr Zhao the county head), a name
starting with 市 (台中市北区 is 台中市's 北区, not 市北区) and the few names that are ordinary words
(老城区, COMMON_WORDS). The loader merges a
division into a known place of its name nearby, or leaves it out when another place has its name.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from importlib.util import find_spec
from pathlib import Path

from pypinyin import lazy_pinyin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsarchive.textnorm import normalize  # noqa: E402

OUTPUT = ROOT / "data" / "divisions.yml"
NOT_DIVISIONS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
MUNICIPALITIES = {"11", "12", "31", "50"}  # Beijing, Tianjin, Shanghai, Chongqing
CLAIMED_ONLY = {"350527"}  # 金门县 of Quanzhou on the code table: the text's 金门县 is Taiwan's Kinmen
# Hong Kong's districts (the Basic Law's 18; 中西区 is also Tainan's, so both are left out), at Hong
# Kong's map point: named in the same stories as the mainland's and Taiwan's, and sharing their names.
HONG_KONG = {"中西区": "Central and Western", "湾仔区": "Wan Chai", "东区": "Eastern", "南区": "Southern",
             "油尖旺区": "Yau Tsim Mong", "深水埗区": "Sham Shui Po", "九龙城区": "Kowloon City",
             "黄大仙区": "Wong Tai Sin", "观塘区": "Kwun Tong", "荃湾区": "Tsuen Wan", "屯门区": "Tuen Mun",
             "元朗区": "Yuen Long", "北区": "North", "大埔区": "Tai Po", "西贡区": "Sai Kung",
             "沙田区": "Sha Tin", "葵青区": "Kwai Tsing", "离岛区": "Islands"}
HONG_KONG_POINT = (22.32, 114.17)
# Full names that are also ordinary words, read in the corpus: 老城区 "the old town", 港口区 "the port
# area" (贝鲁特港口区), 解放区 "liberated area", 城北区 "the north of town".
COMMON_WORDS = {"老城区", "古城区", "港口区", "解放区", "城东区", "城西区", "城北区", "新城乡"}
# Names that one division holds on the code table but the text also gives other places: 东城区 is
# Beijing's, and also what Dongguan's and Xuchang's 东城 (街道, 管委会) are called. Written only with the
# city before them (北京市东城区, 北京东城区), so the bare form stays unlinked.
CITY_NAMED = {"东城区"}
# Seoul's and Tokyo's wards, written with the same characters: a name shared with one (江南区 is Gangnam
# as well as a district of Nanning, 板桥区 Tokyo's Itabashi as well as New Taipei's Banqiao) is left out.
FOREIGN_NAMESAKES = [
    # Seoul
    "钟路区", "中区", "龙山区", "城东区", "广津区", "东大门区", "中浪区", "城北区", "江北区", "道峰区",
    "芦原区", "恩平区", "西大门区", "麻浦区", "阳川区", "江西区", "九老区", "衿川区", "永登浦区", "铜雀区",
    "冠岳区", "瑞草区", "江南区", "松坡区", "江东区",
    # Tokyo
    "千代田区", "中央区", "港区", "新宿区", "文京区", "台东区", "墨田区", "江东区", "品川区", "目黑区",
    "大田区", "世田谷区", "涩谷区", "中野区", "杉并区", "丰岛区", "北区", "荒川区", "板桥区", "练马区",
    "足立区", "葛饰区", "江户川区",
]
# suffix -> (kind written to the file, English word after the romanised stem)
SUFFIXES = [("自治县", "county", "Autonomous County"), ("自治旗", "county", "Autonomous Banner"),
            ("林区", "county", "Forestry District"), ("新区", "district", "New Area"),
            ("特区", "district", "Special District"), ("区", "district", "District"),
            ("县", "county", "County"), ("旗", "county", "Banner"), ("市", "county_city", ""),
            ("乡", "township", "Township"), ("镇", "township", "Township")]
# Taiwan's cities and counties by their established English names (the governments' own: Keelung,
# Hsinchu, Chiayi City and Chiayi County, Taitung, Kinmen), not the pinyin of their characters; a
# township-level city named like its county (台东市, 花莲市, 屏东市) takes the same spelling.
TAIWAN_ENGLISH = {"台北": "Taipei", "新北": "New Taipei", "基隆": "Keelung", "新竹": "Hsinchu",
                  "桃园": "Taoyuan", "苗栗": "Miaoli", "台中": "Taichung", "彰化": "Changhua",
                  "南投": "Nantou", "嘉义": "Chiayi", "云林": "Yunlin", "台南": "Tainan", "高雄": "Kaohsiung",
                  "屏东": "Pingtung", "宜兰": "Yilan", "花莲": "Hualien", "台东": "Taitung", "澎湖": "Penghu",
                  "金门": "Kinmen", "连江": "Lienchiang"}
FIRST_READINGS = {"长": "chang"}  # at the start of a place name (长阳, 长汀), not zhang
PARENT_SUFFIXES = ("自治州", "地区", "盟", "市", "省", "自治区", "县")
HEADER = """\
# GENERATED by scripts/make_divisions.py from cpca's division codes (mainland) and TGOS postal areas
# (Taiwan): do not edit by hand; rerun the script. Every county-level division of the mainland and
# township-level division of Taiwan, by its full name only (西夏区, never 西夏), minus names two divisions
# share (城关区, 朝阳区) and names of two characters (城区, 新县, 赵县). Fields as regions.yml, plus
# parent (city, province). The gazetteer skips divisions whose names it already has.
"""


def romanised(chinese: str) -> str:
    """Pinyin without tones, one capitalised word: 西夏 -> Xixia."""
    syllables = lazy_pinyin(chinese)
    if chinese and chinese[0] in FIRST_READINGS:
        syllables[0] = FIRST_READINGS[chinese[0]]
    return "".join(syllables).replace("ü", "u").replace("v", "u").capitalize()


def without_nationalities(name: str, nationalities: list[str]) -> str:
    """The name without the nationalities an autonomous division is named for: 长阳土家族 -> 长阳."""
    stripped = True
    while stripped:
        stripped = False
        for nationality in nationalities:
            if name.endswith(nationality) and len(name) > len(nationality):
                name, stripped = name[: -len(nationality)], True
    return name


def split_suffix(name: str, nationalities: list[str]) -> tuple[str, str, str]:
    """(stem, kind, English word) of a division's name."""
    for suffix, kind, word in SUFFIXES:
        if suffix == "林区" and len(name) < 5:
            continue  # 神农架林区 is a forestry district, 北林区 an ordinary one
        if name.endswith(suffix) and len(name) > len(suffix):
            return without_nationalities(name[: -len(suffix)], nationalities), kind, word
    return name, "district", ""


def taiwan_english(name: str) -> str:
    """A Taiwan city's or county's English name: 台东县 -> Taitung County, 嘉义市 -> Chiayi City."""
    stem = name[:-1]
    return f'{TAIWAN_ENGLISH.get(stem) or romanised(stem)} {"County" if name.endswith("县") else "City"}'


def parent_english(name: str, nationalities: list[str]) -> str:
    for suffix in PARENT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return romanised(without_nationalities(name, nationalities))


def code_table(path: Path) -> dict[str, dict]:
    """cpca's rows by their 6-digit division code (the trailing zeros of the 12-digit code dropped)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["adcode"][:6]: row for row in csv.DictReader(handle)}


def mainland(path: Path) -> list[dict]:
    rows = code_table(path)
    found = []
    for code, row in sorted(rows.items()):
        if (code.endswith("00") or row["name"] in NOT_DIVISIONS or code.startswith(("71", "81", "82"))
                or code in CLAIMED_ONLY):
            continue  # provinces, prefectures, placeholders; Taiwan, Hong Kong and Macau come elsewhere
        province = rows.get(code[:2] + "0000")
        prefecture = rows.get(code[:4] + "00")
        if prefecture is None or prefecture["name"] in NOT_DIVISIONS:
            prefecture = province
        point = row if row["latitude"] else prefecture
        found.append({"zh": row["name"], "parent": prefecture["name"], "province": province["name"],
                      "latitude": float(point["latitude"]), "longitude": float(point["longitude"]),
                      "country": "CN"})
    return found


def upper_levels(path: Path, nationalities: list[str]) -> list[dict]:
    """The mainland's provinces, autonomous regions and municipalities, and its prefecture-level cities,
    prefectures and autonomous prefectures, each with its short name (陕西, 武汉, 恩施) and other full forms
    (广西自治区, 恩施州): the places of the organization families (data/organization_families.yml)."""
    rows = code_table(path)
    found = []
    for code, row in sorted(rows.items()):
        name = row["name"]
        if not code.endswith("00") or name in NOT_DIVISIONS or code.startswith(("71", "81", "82")):
            continue
        province = rows[code[:2] + "0000"]
        if code.endswith("0000"):
            kind = "municipality" if code[:2] in MUNICIPALITIES else "province"
        else:
            kind = "prefecture"
        short, forms = name, [name]
        for suffix in ("自治区", "自治州", "地区", "省", "市", "盟"):
            if name.endswith(suffix):
                short = without_nationalities(name[: -len(suffix)], nationalities)
                if suffix in ("自治区", "自治州") and short != name[: -len(suffix)]:
                    forms.append(short + suffix[-1] if suffix == "自治州" else short + suffix)
                break
        parent = name if kind != "prefecture" else province["name"]
        english = romanised(short) + ("" if kind != "prefecture" or name.endswith("市") else " Prefecture")
        found.append({"name": f"{english}, {parent_english(province['name'], nationalities)}"
                      if kind == "prefecture" else english, "name_zh": name, "aliases": forms[1:],
                      "kind": kind, "country_code": "CN", "parent": [parent, province["name"]],
                      "latitude": round(float(row["latitude"]), 5),
                      "longitude": round(float(row["longitude"]), 5), "short": short})
    return found


def taiwan(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    rows = json.loads(text[text.index("["): text.rindex("]") + 1])
    return [{"zh": row["AreaName"].strip(), "hant": row["AreaName"].strip(),
             "parent": row["CityName"].strip(), "province": "台湾",
             "latitude": round(float(row["Latitude"]), 5), "longitude": round(float(row["Longitude"]), 5),
             "country": "TW"} for row in rows]


def taiwan_counties(path: Path) -> list[dict]:
    """Taiwan's special municipalities, cities and counties (the TGOS rows' CityName), with their short
    names (台北, 屏东): the places of Taiwan's organization families; the map point is the first area's."""
    text = path.read_text(encoding="utf-8")
    found: dict[str, dict] = {}
    for row in json.loads(text[text.index("["): text.rindex("]") + 1]):
        name = normalize(row["CityName"].strip())
        if name[-1] not in "市县" or name in found:
            continue  # 南海诸岛: no county
        county = name.endswith("县")
        found[name] = {"name": taiwan_english(name), "name_zh": name,
                       "aliases": [], "kind": "tw_county" if county else "tw_city", "country_code": "TW",
                       "parent": [name, "台湾"], "short": name[:-1],
                       "latitude": round(float(row["Latitude"]), 5),
                       "longitude": round(float(row["Longitude"]), 5)}
    return list(found.values())


def hong_kong() -> list[dict]:
    latitude, longitude = HONG_KONG_POINT
    return [{"zh": name, "english": f"{english} District, Hong Kong", "parent": "香港", "province": "香港",
             "latitude": latitude, "longitude": longitude, "country": "HK"}
            for name, english in HONG_KONG.items()]


def entries(divisions: list[dict], nationalities: list[str]) -> tuple[list[dict], list[str]]:
    """The entries to write, and the names left out (with why)."""
    shared = Counter(normalize(division["zh"]) for division in divisions)
    shared.update(set(FOREIGN_NAMESAKES))
    kept, dropped = [], []
    for division in divisions:
        name = normalize(division["zh"])
        stem, kind, word = split_suffix(name, nationalities)
        if shared[name] > 1:
            dropped.append(f"{name}\tshared by {shared[name]} divisions here or in Seoul or Tokyo")
            continue
        if len(name) < 3:
            dropped.append(f"{name}\ttwo characters")  # 城区, 新县 (新县城), 赵县 (赵县长): words or titles
            continue
        if name[-1] not in "区县旗市乡镇":
            dropped.append(f"{name}\tno division suffix (西沙群岛, 阿里山, TGOS's 太麻里)")
            continue
        if name.startswith("市") or name in COMMON_WORDS:
            dropped.append(f"{name}\ta word or read across a city's 市 (台中市北区)")
            continue
        parent = normalize(division["parent"])
        taiwanese = division["country"] == "TW"
        stem_en = (taiwanese and TAIWAN_ENGLISH.get(stem)) or romanised(stem)
        english = " ".join(part for part in (stem_en, word or (taiwanese and "City")) if part)
        parent_en = taiwan_english(parent) if taiwanese else parent_english(parent, nationalities)
        entry = {"name": division.get("english") or f"{english}, {parent_en}",
                 "name_zh": name}
        hant = division.get("hant")
        entry["aliases"] = [hant] if hant and hant != name else []
        if name in CITY_NAMED:
            entry["name_zh"], entry["aliases"] = parent + name, [parent.removesuffix("市") + name]
        entry.update({"kind": "township" if division["country"] == "TW" and kind != "district" else kind,
                      "country_code": division["country"],
                      "parent": [parent, normalize(division["province"])],
                      "latitude": round(division["latitude"], 5),
                      "longitude": round(division["longitude"], 5)})
        kept.append(entry)
    return kept, dropped


def flow(entry: dict) -> str:
    """One entry as a YAML flow mapping on one line, like regions.yml."""
    aliases = ", ".join(entry["aliases"])
    parent = ", ".join(entry["parent"])
    short = f', short: {entry["short"]}' if entry.get("short") else ""
    return (f'- {{name: "{entry["name"]}", name_zh: {entry["name_zh"]}, aliases: [{aliases}], '
            f'kind: {entry["kind"]}, country_code: {entry["country_code"]}, parent: [{parent}]{short}, '
            f'latitude: {entry["latitude"]}, longitude: {entry["longitude"]}}}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tgos", type=Path, help="TGOS postal-area centres of Taiwan (JSON)")
    parser.add_argument("--adcodes", type=Path, help="cpca's adcodes.csv (default: the installed cpca's)")
    parser.add_argument("--dropped", type=Path, help="write the names left out here, with why")
    args = parser.parse_args()
    spec = find_spec("cpca")  # located, not imported: cpca itself would load pandas and jieba
    adcodes = args.adcodes or Path(spec.submodule_search_locations[0]) / "resources" / "adcodes.csv"
    names = (adcodes.parent / "56_nations.csv").read_text(encoding="utf-8").split()
    # 土家族 and its short form 土家 (长阳土家族自治县), longest first so 哈萨克族 goes before 克族
    forms = {form for name in names for form in (name, name.removesuffix("族")) if len(form) > 1}
    nationalities = sorted(forms, key=len, reverse=True)
    kept, dropped = entries(mainland(adcodes) + taiwan(args.tgos) + hong_kong(), nationalities)
    kept = upper_levels(adcodes, nationalities) + taiwan_counties(args.tgos) + kept
    OUTPUT.write_text(HEADER + "\n".join(map(flow, kept)) + "\n", encoding="utf-8")
    if args.dropped:
        args.dropped.write_text("\n".join(dropped) + "\n", encoding="utf-8")
    print(f"{len(kept)} divisions written to {OUTPUT.relative_to(ROOT)}, {len(dropped)} names left out")


if __name__ == "__main__":
    main()
