"""The curated outlets list and how names, URLs and digest lines resolve against it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsarchive.outlets import DEFAULT_PATH, KINDS, load_outlets


@pytest.fixture(scope="module")
def outlets():
    return load_outlets(DEFAULT_PATH)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("路透", "reuters"),
        ("路透社", "reuters"),
        ("美国之音", "voice-of-america"),
        ("美國之音", "voice-of-america"),
        ("法广", "rfi"),
        ("法国国际广播电台", "rfi"),
        ("德国之声", "deutsche-welle"),
        ("(臺)中央社CNA", "central-news-agency"),
        ("（臺）中央社ＣＮＡ", "central-news-agency"),  # full-width forms
        ("联合早报", "lianhe-zaobao"),
        ("大纪元", "the-epoch-times"),
        ("自由亚洲电台", "radio-free-asia"),
        ("RTI 中央廣播電臺", "rti"),
        ("RTI中央广播电台", "rti"),  # spacing and script do not matter
        ("经济学人en", "the-economist"),
        ("纽约时报", "the-new-york-times-chinese"),
        ("纽约时报中文网", "the-new-york-times-chinese"),
        ("The New York Times", "the-new-york-times"),
        ("the washington post", "the-washington-post"),
        ("AP", "associated-press"),
        ("CBS News", "cbs-news"),
        ("BBC News 中文", "bbc"),
        ("金融时报", "ft-chinese"),
        ("FT中文网", "ft-chinese"),
        ("Solidot", "solidot"),
        ("Nei.st", "nei-st"),
        ("中国数字时代", "china-digital-times"),
        ("维权网", "weiquanwang"),
        ("CCTV新闻联播", "cctv-xinwen-lianbo"),
        ("寒冬", "bitter-winter"),
        ("Bitter Winter", "bitter-winter"),
        ("真相集中营", "zhenxiang-jizhongying"),
        ("ProsperityStream Academy", "prosperitystream-academy"),
    ],
)
def test_names_resolve(outlets, name: str, slug: str) -> None:
    assert outlets.resolve(name).slug == slug


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://cn.nytimes.com/china/20230714/x/", "the-new-york-times-chinese"),
        ("https://www.nytimes.com/2023/07/13/world/x.html", "the-new-york-times"),
        ("http://www.rfi.fr//cn/x", "rfi"),
        ("https://www.bbc.co.uk/zhongwen/simp/x", "bbc"),
        ("https://cn.ft.com/story/1", "ft-chinese"),
        ("https://www.ft.com/content/1", "financial-times"),
        ("https://WQW2010.blogspot.com/2020/x.html", "weiquanwang"),
        ("https://cn.govopendata.com/xinwenlianbo/20201010/", "cctv-xinwen-lianbo"),
    ],
)
def test_urls_resolve_by_most_specific_host(outlets, url: str, slug: str) -> None:
    assert outlets.resolve(None, url).slug == slug


def test_name_wins_over_url_and_unknowns_give_none(outlets) -> None:
    assert outlets.resolve("路透", "https://www.bbc.com/x").slug == "reuters"
    assert (
        outlets.resolve("some contributor", "https://chinadigitaltimes.net/x").slug == "china-digital-times"
    )
    assert outlets.resolve("Nobody Gazette") is None
    assert outlets.resolve(None, "https://blogspot.com/x") is None
    assert outlets.resolve(None, "not a url") is None
    assert outlets.resolve(None, None) is None


def test_curated_entries_are_complete(outlets) -> None:
    assert len(outlets) >= 30
    for outlet in outlets:
        assert outlet.kind in KINDS
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", outlet.slug)
        assert outlet.name.strip()
        assert outlets.by_slug(outlet.slug) is outlet
        assert all(host == host.lower() and "/" not in host for host in outlet.hosts)
    assert outlets.resolve("真相集中营").kind == "aggregator"
    assert outlets.resolve("ProsperityStream Academy").kind == "republisher"
    assert outlets.resolve("纽约时报中文网").name == "The New York Times Chinese"


@pytest.mark.parametrize(
    ("line", "slug", "prefix", "rest"),
    [
        ("The Washington Post-Title here", "the-washington-post", "The Washington Post", "Title here"),
        (
            "纽约时报中文网 - 英文原版-英Title here",
            "the-new-york-times",
            "纽约时报中文网 - 英文原版-英",
            "Title here",
        ),
        ("纽约时报中文网-标题", "the-new-york-times-chinese", "纽约时报中文网", "标题"),
        ("Agence France-Presse-Port re-opens", "afp", "Agence France-Presse", "Port re-opens"),
        ("AP - Title", "associated-press", "AP", "Title"),
    ],
)
def test_split_prefix_takes_the_longest_known_name(outlets, line, slug, prefix, rest) -> None:
    found = outlets.split_prefix(line)
    assert (found.outlet.slug, found.prefix, found.rest) == (slug, prefix, rest)


@pytest.mark.parametrize("line", ["APEC leaders meet", "内蒙古新闻", "Reutersville-Title", "A plain title"])
def test_split_prefix_does_not_cut_words(outlets, line: str) -> None:
    assert outlets.split_prefix(line) is None


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "outlets.yml"
    path.write_text(body, encoding="utf-8")
    return path


def test_alias_of_two_outlets_is_a_data_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "outlets:\n"
        "  - {slug: a, name: A News, kind: publisher, aliases: [Same]}\n"
        "  - {slug: b, name: B News, kind: publisher, aliases: [same]}\n",
    )
    with pytest.raises(ValueError, match="belongs to both 'a' and 'b'"):
        load_outlets(path)


def test_explicit_alias_beats_another_outlets_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "outlets:\n"
        "  - {slug: paper, name: Paper, name_zh: 报纸, kind: publisher}\n"
        "  - {slug: paper-cn, name: Paper Chinese, kind: publisher, aliases: [报纸]}\n",
    )
    assert load_outlets(path).resolve("报纸").slug == "paper-cn"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("outlets:\n  - {slug: a, name: A, kind: blog}\n", "kind 'blog'"),
        ("outlets:\n  - {slug: a, kind: publisher}\n", "lacks name"),
        (
            "outlets:\n  - {slug: a, name: A, kind: publisher}\n  - {slug: a, name: B, kind: publisher}\n",
            "duplicate",
        ),
    ],
)
def test_bad_entries_are_rejected(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_outlets(write(tmp_path, body))
