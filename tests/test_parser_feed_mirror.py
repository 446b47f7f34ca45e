"""Feed-mirror files: seed 003 against the golden file, and one fixture per layout family we handle."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from golden_fields import golden_entry, golden_sources, seed_text
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.html_text import clean_text, html_paragraphs, parse_html, text_blocks
from newsarchive.ingest import utc_iso
from newsarchive.model import ParsedArticle, ParseError
from newsarchive.outlets import default_directory
from newsarchive.parsers import digest, feed_mirror, republished
from newsarchive.parsers.curated import default_parser_data
from newsarchive.parsers.feed_mirror import bylines, images
from newsarchive.urls import unwrap_image_proxy

FIXTURES = Path(__file__).parent / "fixtures" / "feed_mirror"


def parse_fixture(name: str) -> ParsedArticle:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert feed_mirror.detect(text)
    return feed_mirror.parse(text, name)


# --- the seed -------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", golden_sources("feed-mirror"))
def test_seed_matches_golden(source: str) -> None:
    text = seed_text(source)
    expected = golden_entry(source)
    assert feed_mirror.detect(text)
    assert not any(parser.detect(text) for parser in (digest, republished))
    article = feed_mirror.parse(text, source)
    outlet = default_directory().resolve(article.outlet, article.url)
    assert outlet is not None and {outlet.name, outlet.name_zh} & set(expected["outlet"])
    assert article.format == expected["format"]
    assert article.title == expected["title"]
    assert article.url == expected["url"]
    assert article.original_url == expected["original_url"]
    assert article.language == expected["language"]
    published_at, published_date = utc_iso(article)  # as the builder stores them
    assert published_at is not None and published_at.startswith(expected["published_at_prefix"])
    assert published_date == expected["published_date"]
    assert article.authors == expected["authors"]
    assert len(article.paragraphs) == expected["paragraphs"]
    assert article.body.startswith(expected["body_prefix"])
    assert article.body.endswith(expected["body_suffix"])
    for excluded in expected["body_excludes"]:
        assert excluded not in article.body
    got_images = [
        {"src": i.src, "width": i.width, "height": i.height, "caption": i.caption, "credit": i.credit}
        for i in article.images
    ]
    assert got_images == expected["images"]
    assert [link.url for link in article.links] == expected["links"]
    assert article.warnings == []


# --- layout families ------------------------------------------------------------------------------


def test_2023_address_and_beijing_time_element() -> None:
    article = parse_fixture("nyt_2023_address_time.md")
    assert article.outlet is None  # no front matter: the builder falls back to the URL's host
    assert article.authors == ["Marta Olsen", "Luca Bianchi"]
    assert article.published_at == datetime(2023, 11, 14, 13, 30, 5, tzinfo=UTC)
    assert article.date_source == "time-element"
    assert article.original_url == "https://www.nytimes.com/2023/11/13/world/asia/harbor-night-ferry.html"
    assert [(i.src, i.width, i.height, i.caption, i.credit) for i in article.images] == [
        (
            "https://static01.example.com/images/2023/11/14/ferry-master1050.jpg",
            1050,
            700,
            "周二晚间，一艘渡轮驶离码头。",
            "Ana Ruiz for The New York Times",
        )
    ]
    assert [(link.url, link.text) for link in article.links] == [
        ("https://cn.nytimes.com/asia/20231101/harbor-plan/", "市政府此前宣布"),
        ("https://www.example.org/report.pdf", "一份报告"),
    ]
    assert len(article.paragraphs) == 3
    for leaked in ("never in text", "color:red", "iframe text", "翻译", "报道贡献", "Twitter", "英文版"):
        assert leaked not in article.body
    assert article.language == "zh"


def test_2020_italic_byline_caps_duplicates_and_footer_lines() -> None:
    article = parse_fixture("nyt_2020_italic_byline.md")
    assert article.title == "图书馆延长开放时间，学生欢迎新安排"  # the link text was cut with "..."
    assert article.outlet == "纽约时报"
    assert article.authors == ["John O'Reilly-Smith"]
    assert article.published_at == datetime(2020, 11, 17, 8, 5, 35, tzinfo=UTC)  # Beijing time
    assert article.date_source == "byline"
    assert article.original_url == "https://www.nytimes.com/2020/11/15/books/library-hours.html"
    assert article.paragraphs == [
        "市立图书馆周一宣布，将把晚间开放时间延长两个小时。",
        "馆长说，这项安排参考了读者调查。",
    ]
    assert [i.src for i in article.images] == [
        "https://static01.example.com/images/2020/11/15/library-articleLarge.jpg"
    ]
    assert article.images[0].caption == "周一，学生在阅览室里学习。"
    assert article.images[0].width is None  # width="100%" is not a pixel size
    assert [link.url for link in article.links] == ["https://www.example.org/library/hours"]


def test_reuters_utc_byline_without_author_and_credit_lines() -> None:
    article = parse_fixture("reuters_iso_byline.md")
    assert article.authors == []
    assert article.published_at == datetime(2020, 10, 24, 0, 49, 21, tzinfo=UTC)
    assert article.paragraphs[-1].endswith("(完)")
    assert "审校" not in article.body and "信任原则" not in article.body
    assert len(article.paragraphs) == 2


def test_voa_rfc2822_byline_and_program_note() -> None:
    article = parse_fixture("voa_rfc2822_byline.md")
    assert article.published_at == datetime(2020, 7, 18, 23, 46, 42, tzinfo=UTC)
    assert article.paragraphs == ["市政府星期六开放了沿河的新自行车道。"]
    assert [(i.caption, i.credit) for i in article.images] == [("骑车人经过新铺设的车道", "资料照")]


def test_dw_author_with_role_and_trailing_agency_credit() -> None:
    article = parse_fixture("dw_fraction_byline.md")
    assert article.authors == ["Jana Weber"]
    assert article.published_at == datetime(2020, 10, 5, 5, 50, 20, 277000, tzinfo=UTC)
    assert article.language == "en"
    assert article.paragraphs[-1] == "Traffic will return to both lanes on Wednesday morning."
    assert len(article.paragraphs) == 2


def test_rfi_byline_is_paris_time_even_after_a_broken_wrapper() -> None:
    article = parse_fixture("rfi_paris_byline.md")
    assert article.published_at == datetime(2020, 8, 28, 9, 19, tzinfo=UTC)  # CEST is UTC+2
    assert article.date_source == "byline"
    assert article.paragraphs == [
        "一家博物馆宣布在八月底前延长开放时间。",
        "博物馆表示，晚间参观需要提前预约。",
    ]


def test_cna_picture_info_credit_and_inserted_boxes() -> None:
    article = parse_fixture("cna_picinfo.md")
    assert [(i.src, i.caption, i.credit) for i in article.images] == [
        (
            "https://imgcdn.example.tw/www/WebPhotos/1024/market.jpg",
            "市集攤商整理蔬果。",
            "中央社記者林小華攝",
        )
    ]
    assert article.paragraphs == [
        "（中央社記者林小華台北27日電）河濱市集本週末重新開張，攤商希望人潮逐步回流。",
        "主辦單位表示，今年新增了二十個攤位。",
    ]
    assert article.links == []
    assert article.date_source == "epoch"
    assert article.published_at == datetime(2020, 10, 27, 11, 57, 2, tzinfo=UTC)


def test_zaobao_figcaption_after_the_image_box_and_ad_slots() -> None:
    article = parse_fixture("zaobao_figcaption.md")
    assert [(i.src, i.caption, i.credit) for i in article.images] == [
        ("https://www.example.sg/images/park.jpg", "翻新后的公园步道。", "档案照片")
    ]
    assert article.paragraphs == ["一座社区公园经过半年翻新后重新开放。", "园方说，新步道适合轮椅通行。"]


def test_bbc_person_list_heading_relative_time_and_related_tail() -> None:
    article = parse_fixture("bbc_person_list.md")
    assert article.authors == ["周小雨"]
    assert article.paragraphs == ["一座停用多年的灯塔周末重新点亮。", "镇长说，修复工作由志愿者完成。"]
    assert article.date_source == "epoch"  # "23 分钟前" is not a date
    # The figure's caption element is empty: the page shows no caption, so the hidden alt text is none.
    assert [(i.src, i.caption) for i in article.images] == [
        ("https://ichef.example.co.uk/news/640/lighthouse.jpg", None)
    ]
    assert article.links == []


def test_economist_small_caps_join_and_print_footnote_leaves() -> None:
    article = parse_fixture("economist_aside.md")
    assert article.paragraphs[0].startswith("SMALL HARBOURS along the coast")
    assert article.paragraphs[-1] == "Whether the boom lasts is another matter.■"
    assert "print edition" not in article.body and "Jan 9th" not in article.body
    assert article.published_at == datetime(2021, 1, 7, 17, 9, 46, tzinfo=UTC)  # epoch beats a print date
    assert article.language == "en"
    assert article.images[0].src == "https://www.example.com/img/harbour.jpg"


def test_neist_without_epoch_or_link_pretty_printed_wordpress() -> None:
    article = parse_fixture("neist_pretty_printed.md")
    assert article.url == "https://nei.st/medium/example/cable-car-decade"
    assert article.title == "山城的缆车十年"
    assert article.published_at == datetime(2019, 7, 26, 12, 17, 47, tzinfo=UTC)
    assert article.date_source == "front-matter"
    assert article.summary == "一条缆车线路如何改变了一座山城的通勤。"
    assert article.paragraphs == [
        "十年前，第一条缆车线路在山城开通。",
        "如今每天有 3000 名乘客使用它上下班。",
        "缆车公司计划明年增开一条线路。",  # the text's second part sits in a section; the sidebar's does not
    ]
    assert [(i.src, i.caption, i.credit) for i in article.images] == [
        (
            "https://cdn.example.net/img/cable-car.jpg",
            "Cable cars above the old town at dusk.",
            "Photograph by Example Person",
        )
    ]


def test_solidot_bare_text_keeps_link_and_skips_topic_icon() -> None:
    article = parse_fixture("solidot_bare_text.md")
    assert article.paragraphs == ["一个开源文本编辑器发布了 2.0 版本，新增了插件系统。"]
    assert [(link.url, link.text) for link in article.links] == [
        ("https://editor.example.org/news/2.0", "发布了")
    ]
    assert article.images == []


def test_rti_teaser_more_link_leaves_and_alt_becomes_caption() -> None:
    article = parse_fixture("rti_teaser.md")
    assert article.paragraphs == ["一所山區小學今天啟用屋頂太陽能板，預計可供應校內一半用電。校長表示..."]
    assert article.links == []
    assert [(i.caption, i.credit, i.width) for i in article.images] == [("屋頂上的太陽能板", "示意圖", 360)]


def test_cdt_author_line_and_feed_footers() -> None:
    article = parse_fixture("cdt_author_line.md")
    assert article.outlet is None  # a blog account, not an outlet: the URL's host names the outlet
    assert article.authors == ["林一木"]  # the author line in the text beats the posting account
    assert article.tags == []
    assert article.paragraphs == ["冬天的早晨，我把旧书重新读了一遍。", "书页里夹着一张多年前的车票。"]
    assert article.links == []


def test_rfa_related_list_and_credit_line_give_the_reporter() -> None:
    article = parse_fixture("rfa_credit_line.md")
    assert article.authors == ["高山"]
    assert article.paragraphs == [
        "一项河流治理计划本周公布，沿岸居民对搬迁安排意见不一。",
        "一位居民对本台说，他希望得到更多补偿。",
    ]
    assert article.links == []


def test_epoch_times_reporters_in_the_dateline_and_tag_links_skipped() -> None:
    article = parse_fixture("epoch_text_byline.md")
    assert article.authors == ["张晴", "李明"]
    assert article.paragraphs[0].startswith("【大纪元2020年11月19日讯】")
    assert "责任编辑" not in article.body
    assert [link.url for link in article.links] == ["https://weather.example.org/report"]


@pytest.mark.parametrize(
    ("author", "url", "outlet", "authors"),
    [
        ("法广", "http://www.rfi.fr/cn/a", "法广", []),
        ("Jane Poster", "https://chinadigitaltimes.net/chinese/2021/01/a/", None, ["Jane Poster"]),
        ("unknown", "https://chinadigitaltimes.net/chinese/2021/01/b/", None, []),
        ("Some Newsletter", "https://unknown-host.example/a", "Some Newsletter", []),
    ],
)
def test_front_matter_author_is_an_outlet_or_a_blog_poster(
    author: str, url: str, outlet: str | None, authors: list[str]
) -> None:
    front = f'---\ntitle: "T"\nauthor: {author}\nfrom: {url}\n---\n'
    text = f"{front}<!--1600000000000-->\n[T]({url})\n------\n<p>Body.</p>"
    article = feed_mirror.parse(text, "a.md")
    assert (article.outlet, article.authors) == (outlet, authors)


# --- broken and empty input -----------------------------------------------------------------------


def test_truncated_html_keeps_the_text_and_warns() -> None:
    article = parse_fixture("truncated_html.md")
    assert article.paragraphs == [
        "The first paragraph arrived in full.",
        "The second paragraph was cut off in the mid",
    ]
    assert article.warnings == ["HTML looks truncated (no closing tag at the end)"]


def test_image_only_post_is_kept_with_its_picture_and_no_text() -> None:
    text = (FIXTURES / "image_only.md").read_text(encoding="utf-8")
    article = feed_mirror.parse(text, "image_only.md")
    assert article.paragraphs == [] and article.title == "Cartoon of the week"
    assert [image.src for image in article.images] == ["https://www.example.com/img/cartoon.jpg"]


def test_empty_html_is_a_parse_error() -> None:
    text = "<!--1600000000000-->\n[Nothing here](https://example.com/a)\n------\n\n<div>\n\n</div>\n"
    assert feed_mirror.detect(text)
    with pytest.raises(ParseError, match="no article text"):
        feed_mirror.parse(text, "empty.md")


def test_pathologically_deep_html_is_flattened_with_a_warning() -> None:
    html = "<div>" * 5000 + "<p>Deep text.</p>" + "</div>" * 5000
    text = f"<!--1600000000000-->\n[Deep](https://example.com/deep)\n------\n\n{html}\n"
    article = feed_mirror.parse(text, "deep.md")
    assert article.paragraphs == ["Deep text."]
    assert any("nested" in w for w in article.warnings)


@pytest.mark.parametrize(
    "text",
    [
        "A plain line of text.\n\nAnother line.",
        "---\ntitle: no url here\n---\nJust prose, no HTML.",
        "[a link](https://example.com)\n------\nplain text after the rule",
    ],
)
def test_detect_rejects_other_shapes(text: str) -> None:
    assert not feed_mirror.detect(text)


def test_front_matter_quotes_and_escapes() -> None:
    front = feed_mirror.parse_front_matter('title: "a \\"quoted\\" word"\nauthor: 法广\ntags: [ 法广 ]')
    assert front == {"title": 'a "quoted" word', "author": "法广", "tags": "[ 法广 ]"}


# --- shared HTML helpers ----------------------------------------------------------------------------


def test_text_blocks_split_on_blocks_and_br_and_keep_links_with_their_line() -> None:
    root = parse_html(
        "<div>lead<br>second <a href='https://a.example/x'>line</a><p>para <b>bold</b></p>"
        "<a href='/relative'>rel</a><a href='//cdn.example/y'>proto</a></div>"
    ).body
    blocks = text_blocks(root)
    assert [b.text for b in blocks] == ["lead", "second line", "para bold", "relproto"]
    assert [[(link.url, link.text) for link in b.links] for b in blocks] == [
        [],
        [("https://a.example/x", "line")],
        [],
        [("https://cdn.example/y", "proto")],
    ]


def test_clean_text_joins_layout_line_breaks_between_cjk_but_keeps_typed_spaces() -> None:
    assert (
        clean_text("十年前，\n    第一条\n   线路 开通\u00a0 in  2010 ") == "十年前，第一条线路 开通 in 2010"
    )


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("https://images.weserv.nl/?url=static.example.com/a.jpg", "https://static.example.com/a.jpg"),
        ("https://images.weserv.nl?url=gdb.example.com/b.jpg&w=900", "https://gdb.example.com/b.jpg"),
        ("https://images.weserv.nl/?url=http://old.example.com/c.jpg", "http://old.example.com/c.jpg"),
        ("https://images.weserv.nl/?w=10", None),
        ("//cdn.example.com/d.jpg", "https://cdn.example.com/d.jpg"),
        ("data:image/png;base64,AAAA", None),
        ("/relative.png", None),
        ("https://[::1/broken.jpg", None),
        ("http://example.com:99999/port.jpg", None),
        ("https://images.weserv.nl/?url=javascript:alert(1)", None),
    ],
)
def test_unwrap_image_proxy(src: str, expected: str | None) -> None:
    assert unwrap_image_proxy(src) == expected


def test_html_paragraphs_never_include_scripts_styles_or_iframes() -> None:
    html = "<p>kept</p><script>bad()</script><style>p{}</style><iframe>frame</iframe><noscript>ns</noscript>"
    assert html_paragraphs(html) == ["kept"]


HTML_PIECES = st.sampled_from(
    [
        "<div>",
        "</div>",
        "<p>",
        "</p>",
        "<br>",
        "<i>",
        "</i>",
        "<a href='https://x.example/'>",
        "</a>",
        "<img src='https://images.weserv.nl/?url=a.example/i.jpg' width='9'>",
        "<figure>",
        "<figcaption>",
        "<cite>",
        "<address>",
        "<time pudate='2023-01-01 10:00:00'>",
        "<footer>",
        "点击查看本文英文版",
        "<script>",
        "文字",
        "text",
        "&amp;",
        "<",
        ">",
        "\n",
        "2020-10-24T00:49:21Z",
        "28/08/2020 - 11:19",
    ]
)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(HTML_PIECES, max_size=40))
def test_any_html_gives_an_article_or_a_parse_error(pieces: list[str]) -> None:
    text = "<!--1600000000000-->\n[T](https://example.com/a)\n------\n\n" + "".join(pieces)
    try:
        article = feed_mirror.parse(text, "fuzz.md")
    except ParseError:
        return
    # Text, or a picture post: pictures and no text at all.
    assert article.paragraphs or article.images
    assert all(p.strip() for p in article.paragraphs)
    assert all("<script" not in p for p in article.paragraphs)


# --- issue 9: furniture, dates and attribution, outlet by outlet -----------------------------------


def stored_dates(article: ParsedArticle) -> tuple[str | None, str | None]:
    return utc_iso(article)


def test_rfi_title_suffix_logo_and_a_local_date_after_utc_midnight() -> None:
    article = parse_fixture("rfi_title_logo_night.md")
    assert article.title == "湖畔音乐节延期到秋天"
    assert article.images == []  # the social-card logo is not the article's
    assert stored_dates(article) == ("2020-08-14T22:40:00Z", "2020-08-15")  # 00:40 in Paris
    assert article.page_published_at == "2020-08-15T00:40:00+02:00"
    assert article.paragraphs == [
        "一个湖畔音乐节的主办方宣布，活动将延期到秋天举行。",
        "主办方说，已售出的门票仍然有效。",
    ]


def test_cna_reporters_from_the_dateline_video_tag_newsletter_icon_and_taipei_date() -> None:
    article = parse_fixture("cna_dateline_reporter.md")
    assert article.title == "夜市攤商試賣新口味 排隊人潮湧現"
    assert article.authors == ["林小華", "陳大同"]
    assert article.images == []
    assert stored_dates(article) == ("2020-12-16T16:30:00Z", "2020-12-17")  # 00:30 in Taipei
    assert article.paragraphs[0].startswith("（中央社記者林小華、陳大同台南17日電）")
    assert "訂閱" not in article.body


def test_cdt_repost_credits_the_original_and_drops_a_cut_off_image() -> None:
    article = parse_fixture("cdt_repost_cut_image.md")
    assert (article.title, article.outlet, article.via) == (
        "一座港口城市的夜班渡轮恢复运行", "德国之声", "China Digital Times")
    assert article.authors == []  # the CDT account that reposted it did not write it
    assert article.images == []  # no usable URL, and "img" says nothing
    assert article.paragraphs == ["停运半年的夜班渡轮本周恢复运行。", "市政府说，渡轮将每半小时开出一班。"]


def test_neist_repost_credits_initium_with_its_own_date_and_url() -> None:
    article = parse_fixture("neist_initium_repost.md")
    assert (article.outlet, article.via) == ("Initium Media", "Nei.st")
    assert article.original_url == "https://theinitium.com/article/20191204-cable-car-last/"
    assert stored_dates(article) == (None, "2019-12-04")  # the repost's own time is not the story's
    assert article.date_source == "printed-date"
    assert article.page_published_at == "2020-02-20T13:24:05+00:00"
    assert article.paragraphs == ["缆车在傍晚六点开出最后一班。", "乘客们在车厢里拍照留念。"]
    assert article.images == [] and article.links == []


def test_reuters_update_note_title_suffix_and_dateline_date() -> None:
    article = parse_fixture("reuters_update_note.md")
    assert article.title == "港口吞吐量连续三个月回升"
    assert article.paragraphs[0].startswith("路透上海1月8日 - ")
    assert stored_dates(article) == ("2021-01-07T23:30:00Z", "2021-01-08")


def test_epoch_times_printed_date_wins_over_the_feed_time() -> None:
    article = parse_fixture("epoch_printed_date.md")
    assert stored_dates(article) == ("2020-12-18T12:10:00Z", "2020-12-17")  # 07:10 on the 18th in New York
    assert article.date_source == "printed-date"
    assert article.authors == ["王小雨"]
    assert article.paragraphs[-1] == "负责人说，欢迎居民前来散步。"  # the closing "#" is the site's end mark


def test_bbc_headline_repeated_as_first_paragraph_and_grey_line() -> None:
    article = parse_fixture("bbc_headline_repeat.md")
    assert article.paragraphs == ["一座停用多年的灯塔周末重新点亮。", "镇长说，修复工作由志愿者完成。"]
    assert article.images == []
    assert stored_dates(article)[1] == "2020-10-18"


@pytest.mark.parametrize(
    ("url", "title", "expected"),
    [
        ("https://www.rti.org.tw/news/view/id/1", "[國際] 山區小學啟用太陽能板", "山區小學啟用太陽能板"),
        ("http://www.rfi.fr/cn/a", "大&amp;#22338;直美退赛 – 法国国际广播电台 - RFI", "大坂直美退赛"),
        ("https://www.dw.com/zh/a", "特朗普：&quot;投票给我&quot;，", "特朗普：\"投票给我\""),
    ],
)
def test_title_furniture_and_escaped_entities(url: str, title: str, expected: str) -> None:
    text = f"<!--1600000000000-->\n[{title}]({url})\n------\n<div><p>正文第一段。</p></div>"
    assert feed_mirror.parse(text, "t.md").title == expected


def mirror(url: str, html: str, title: str = "标题", front: str = "") -> ParsedArticle:
    text = f"{front}<!--1600000000000-->\n[{title}]({url})\n------\n<div>{html}</div>"
    return feed_mirror.parse(text, "t.md")


def test_voa_programme_captions_under_video_and_audio_are_not_the_body() -> None:
    title = "时事大家谈：一座城市的夜班渡轮"
    html = (
        f"<video src='https://av.example.com/a.mp4'></video><div><small>{title}</small></div>"
        f"<audio src='https://av.example.com/a.mp3'></audio><div><small>{title}</small></div>"
        "<p>渡轮恢复运行后，乘客明显增多。</p>"
    )
    article = mirror("https://www.voachinese.com/a/ferry/1.html", html, title)
    assert article.paragraphs == ["渡轮恢复运行后，乘客明显增多。"]


def test_dw_gallery_text_becomes_the_pictures_captions() -> None:
    html = (
        "<p>(德国之声中文网) 一篇关于面包的报道。</p>"
        "<div><img src='https://static.example.com/image/1_303.jpg'><b>爱面包</b>：德国有上千种面包。</div>"
        "<div><img src='https://static.example.com/image/2_303.jpg'><b>爱啤酒</b>：啤酒排第二。</div>"
    )
    article = mirror("https://www.dw.com/zh/bread/a-1", html)
    assert article.paragraphs == ["(德国之声中文网) 一篇关于面包的报道。"]
    assert [i.caption for i in article.images] == ["爱面包：德国有上千种面包。", "爱啤酒：啤酒排第二。"]


def test_epoch_times_host_and_caption_credits() -> None:
    html = (
        "<p>【大纪元2020年09月29日讯】大家好，欢迎收看《夜间新闻》，我是林一。</p><p>今天聊一座桥。</p>"
        "<figure><img src='https://i.example.com/bridge.jpg'><figcaption>一座新桥。(Shutterstock)</figcaption></figure>"
    )
    article = mirror("https://www.epochtimes.com/gb/20/9/29/n1.htm", html)
    assert article.authors == ["林一"]
    assert [(i.caption, i.credit) for i in article.images] == [("一座新桥。", "Shutterstock")]


def test_ft_chinese_author_opening_the_standfirst() -> None:
    html = "<div class='story-lead'>林一木：今年经济要看三个关键词。</div><p>第一个关键词是消费。</p>"
    article = mirror("https://cn.ft.com/story/001", html)
    assert (article.authors, article.summary) == (["林一木"], "今年经济要看三个关键词。")


def test_cdt_repost_from_an_unknown_source_keeps_its_name_as_the_outlet() -> None:
    cdt = "https://chinadigitaltimes.net/chinese/2020/12/"
    article = mirror(cdt + "a/", "<p>一段正文。</p>", "某公众号｜一篇文章")
    assert (article.outlet, article.via, article.title) == ("某公众号", "China Digital Times", "一篇文章")
    assert mirror(cdt + "b/", "<p>正文。</p>", "综合｜一组新闻").via is None  # a CDT roundup label


def test_cdt_title_naming_a_writer_credits_the_writer_not_an_outlet() -> None:
    # 维舟 is listed in data/feed_mirror.yml as a writer whose own posts CDT reposts
    cdt = "https://chinadigitaltimes.net/chinese/2020/12/"
    article = mirror(cdt + "w/", "<p>一段正文。</p>", "维舟｜一座城的冬天")
    assert (article.outlet, article.via, article.title, article.authors) == (
        None, None, "一座城的冬天", ["维舟"])


def test_author_line_with_a_source_or_without_a_colon() -> None:
    cdt = "https://chinadigitaltimes.net/chinese/2020/08/"
    html = "<p>作者： 林一木     来源：某某公众号</p><p>正文一段。</p>"
    article = mirror(cdt + "s/", html, "某某公众号｜一篇文章")
    assert (article.authors, article.paragraphs) == (["林一木"], ["正文一段。"])
    reuters = mirror("https://cn.reuters.com/article/x", "<p>作者 林一</p><p>路透北京7月17日 - 正文。</p>")
    assert reuters.authors == ["林一"]
    assert reuters.paragraphs[0].startswith("路透北京")


def test_bracketed_picture_sources_are_credits() -> None:
    html = ("<figure><img src='https://img.example.com/a.jpg'><figcaption>一座新桥。(圖/臉書)</figcaption>"
            "</figure><figure><img src='https://img.example.com/b.jpg'><figcaption>夜里的港口。 (RT/達志影像)"
            "</figcaption></figure><p>正文。</p>")
    article = mirror("https://www.rti.org.tw/news/view/id/1", html)
    assert [(i.caption, i.credit) for i in article.images] == [
        ("一座新桥。", "圖/臉書"), ("夜里的港口。", "RT/達志影像")]


def test_cna_page_with_a_second_story_loses_every_credit_and_the_helpline_notice() -> None:
    html = ("<p>（中央社記者林小華台南3日電）河濱市集本週末重新開張。</p>"
            "<p>攤商說，人潮比預期多。（編輯：王小明）1090803</p>"
            "<h2>高雄渡輪恢復運行</h2>"
            "<p>（中央社記者陳大同高雄3日電）高雄的渡輪恢復運行。（編輯：李四）1090803</p>"
            "<p>珍惜生命，自殺不能解決問題，生命一定可以找到出路。</p>")
    article = mirror("https://www.cna.com.tw/news/aloc/202008030001.aspx", html)
    assert article.paragraphs == [
        "（中央社記者林小華台南3日電）河濱市集本週末重新開張。", "攤商說，人潮比預期多。",
        "高雄渡輪恢復運行", "（中央社記者陳大同高雄3日電）高雄的渡輪恢復運行。"]


def test_feed_time_after_the_capture_is_the_outlets_clock_written_as_utc() -> None:
    def zaobao(captured: str, epoch_ms: int) -> ParsedArticle:
        text = (f"---\ntitle: 标题\ndate: {captured}\n---\n<!--{epoch_ms}-->\n"
                "[标题](https://www.zaobao.com/realtime/china/story20200728-1)\n------\n<div><p>正文。</p></div>")
        return feed_mirror.parse(text, "t.md")

    # 16:36 "UTC" on a page captured at 10:30 UTC: 16:36 in Singapore, 08:36 UTC
    article = zaobao("2020-07-28T10:30:14.527Z", 1595954160000)
    assert article.published_at.isoformat() == "2020-07-28T16:36:00+08:00"
    # still after the capture on the outlet's clock: the feed time is unknown, the capture dates it
    late = zaobao("2020-07-28T01:00:00Z", 1595954160000)
    assert late.date_source == "front-matter"
    assert late.published_at.isoformat() == "2020-07-28T09:00:00+08:00"
    # before the capture: as written
    on_time = zaobao("2020-07-28T10:30:14Z", 1595925360000)
    assert on_time.published_at.isoformat() == "2020-07-28T16:36:00+08:00"


def test_page_ending_at_a_paywall_is_an_excerpt() -> None:
    html = ("<article class='post hentry category-initium'><p>第一段。</p><p>第二段。</p>"
            "<div class='BarrierFailsafe__fullBarrier___2bFWd'><h1>You hit the wall.</h1></div></article>")
    article = mirror("https://nei.st/medium/abc/", html)
    assert (article.is_excerpt, article.outlet) == (True, "Initium Media")
    assert article.paragraphs == ["第一段。", "第二段。"]
    assert not mirror("https://nei.st/medium/abd/", "<p>第一段。</p>").is_excerpt


def test_dw_credit_line_names_writers_and_after_the_slash_the_editor() -> None:
    def credited(line: str) -> list[str]:
        return mirror("https://www.dw.com/zh/a-1", f"<p>渡轮恢复运行。</p><p>{line}</p>").authors

    assert credited("林一、王二（摘译）") == ["林一", "王二"]
    assert credited("林一/王二（法新社）") == ["林一"]
    assert credited("林一、张三/王二（法新社、路透社）") == ["林一", "张三"]


def test_audio_player_label_data_link_and_related_headline_lines_leave() -> None:
    html = "<p>渡轮恢复运行。</p><p>听新闻：</p><p>（听更多新闻请至“听纪元”平台）</p><p>乘客增多。</p>"
    epoch = mirror("https://www.epochtimes.com/gb/20/12/1/n1.htm", html)
    assert epoch.paragraphs == ["渡轮恢复运行。", "乘客增多。"]
    html = "<p>出口增长。</p><p>欲览更多详情，请点击海关总署链接：here</p>"
    reuters = mirror("https://cn.reuters.com/article/x", html)
    assert reuters.paragraphs == ["出口增长。"]
    dw = mirror("https://www.dw.com/zh/a-2", "<p>出口增长。</p><p>延展阅读：另一篇报道</p><p>进口下降。</p>")
    assert dw.paragraphs == ["出口增长。", "进口下降。"]


def test_cdt_repost_byline_line_and_picture_credit() -> None:
    html = ("<p>某城晨报记者林一</p><figure><img src='https://img.example.com/a.jpg'>"
            "<figcaption>码头上的渡轮。图/受访者提供</figcaption></figure><p>渡轮恢复运行。</p>")
    article = mirror("https://chinadigitaltimes.net/chinese/2020/08/x/", html, "某城晨报｜渡轮恢复运行")
    assert (article.authors, article.paragraphs) == (["林一"], ["渡轮恢复运行。"])
    assert [(i.caption, i.credit) for i in article.images] == [("码头上的渡轮。", "图/受访者提供")]


def test_bbc_related_list_leaves_but_a_list_of_other_sites_stays() -> None:
    html = (
        "<p>灯塔重新点亮。</p>"
        "<ul><li><a href='https://www.bbc.com/zhongwen/simp/world-1'>另一篇报道</a></li>"
        "<li><a href='https://www.bbc.com/zhongwen/simp/world-2'>第二篇报道</a></li></ul>"
        "<ul><li><a href='https://example.org/report'>一份报告</a></li></ul>"
    )
    article = mirror("https://www.bbc.com/zhongwen/simp/world-0", html)
    assert article.paragraphs == ["灯塔重新点亮。", "一份报告"]


def test_rfi_carrying_an_agency_dispatch_credits_the_agency_via_rfi() -> None:
    article = parse_fixture("rfi_afp_wire.md")
    assert (article.outlet, article.via) == ("Agence France-Presse", "RFI")
    assert article.authors == []


def test_dw_slash_byline_link_label_chart_caption_and_another_storys_gallery_leave() -> None:
    article = parse_fixture("dw_slash_byline_gallery.md")
    # a contributor's credit line names an author too; 赵六 after the slash is the editor
    assert article.authors == ["孙七", "王五"]
    assert article.paragraphs == ["停运半年的夜班渡轮本周恢复运行。", "市政府说，渡轮将每半小时开出一班。"]
    assert article.images == [] and article.links == []


def test_rfa_reporter_line_with_place_and_editors_and_video_label() -> None:
    article = parse_fixture("rfa_reporter_dateline.md")
    assert article.authors == ["林小山"]  # the editors (责编, 网编) wrote nothing; 华盛顿 is the dateline
    assert article.paragraphs == [
        "一所山区学校本周迎来了两辆新校车。",
        "一位家长对本台说，孩子上学的路程缩短了一半。",
    ]


def test_cna_closing_credits_link_label_and_two_part_caption_credit() -> None:
    article = parse_fixture("cna_caption_credits.md")
    assert article.authors == ["林小華"]
    assert article.paragraphs == [
        "（中央社記者林小華台南12日電）一座港口舊倉庫改建為市集，首批攤商今天進駐。",
        "市場自治會表示，週末將有音樂表演。",
    ]
    assert [(i.caption, i.credit) for i in article.images] == [
        ("舊倉庫改建後的外觀", "市場自治會提供 / 中央社記者林小華傳真")
    ]
    assert parse_fixture("cna_dateline_reporter.md").paragraphs[-1] == "攤商表示，新口味使用在地水果製作。"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("早\u200c安\u200b。", "早安。"),
        ("价格上涨 3% 。", "价格上涨 3%。"),
        ("\ufeffA\u00adB \u2066C\u2069", "AB C"),
        ("👩\u200d💻", "👩\u200d💻"),  # the joiner draws an emoji: it stays
    ],
)
def test_clean_text_drops_invisible_characters_and_spaces_before_wide_marks(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_names_that_are_never_a_persons_are_no_authors() -> None:
    data = default_parser_data()
    rules = data.feed_mirror.outlet("deutsche-welle")
    names = ["ARD", "Jana Weber", "某某经济研究所", "JANA WEBER", "林小山"]
    assert bylines.clean_authors(names, "Deutsche Welle", data.outlets, rules) == ["Jana Weber", "林小山"]


def test_reuters_unmarked_byline_time_is_utc_and_the_dateline_gives_the_date() -> None:
    text = (
        "<!--1596246841000-->\n[港口夜班恢复](https://cn.reuters.com/article/port-night-idCNKBN1)\n------\n"
        "<div><div><i>2020-08-01T01:24:57</i></div><p>路透纽约7月31日 - 一座港口恢复夜班作业。</p></div>"
    )
    article = feed_mirror.parse(text, "t.md")
    assert stored_dates(article) == ("2020-08-01T01:24:57Z", "2020-07-31")  # captured 29 minutes later
    assert article.page_published_at == "2020-08-01T01:24:57+00:00"


def test_a_feed_teaser_cut_off_by_the_outlet_is_an_excerpt() -> None:
    assert parse_fixture("rti_teaser.md").is_excerpt
    assert not parse_fixture("cna_picinfo.md").is_excerpt


def test_rti_byline_inside_the_teaser_splits_it_and_the_item_code_leaves_the_title() -> None:
    article = parse_fixture("rti_inline_byline.md")
    assert article.title == "山城圖書館延長開放時間"
    assert article.authors == ["林小華"]
    assert article.paragraphs == [
        "山城圖書館宣布暑假期間延長開放到晚上九點。",
        "館方表示，晚間將增派志工協助借還書...",
    ]
    assert article.is_excerpt


def test_text_repeated_by_the_page_markdown_bold_and_graphics_links_leave() -> None:
    article = parse_fixture("reuters_repeated_run.md")
    assert article.paragraphs == [
        "路透上海9月10日 - 一座港口宣布第二期自动化码头投入使用。",
        "新码头的规模",
        "新码头有十二台自动化起重机。",
        "港口说，夜间作业将不再需要人工值守。",
        "分析师认为，运营成本将因此下降。",
        "码头明年还将扩建。",
        "港口说，夜间作业将不再需要人工值守。",  # one line said again is the writer's, not the page's slip
    ]


def test_a_name_in_brackets_in_a_cna_caption_stays_in_the_caption() -> None:
    rules = default_parser_data().feed_mirror.outlet("central-news-agency")
    caption = "研發疫苗的公司創辦人林一（Lin Yi）。中央社記者林小華柏林攝 109年12月23日"
    assert images.split_credit(caption, rules) == (
        "研發疫苗的公司創辦人林一（Lin Yi）。",
        "中央社記者林小華柏林攝",
    )


def test_cdt_repost_of_an_old_article_is_dated_by_the_date_it_prints() -> None:
    text = (
        "<!--1596412800000-->\n[【旧闻重温】某报｜一篇旧评论](https://chinadigitaltimes.net/chinese/2020/08/old/)\n"
        "------\n<div><p>发布时间：2014年12月30日 来源：某报</p><p>一篇多年前的评论又被人想起。</p></div>"
    )
    article = feed_mirror.parse(text, "t.md")
    assert (article.outlet, article.via) == ("某报", "China Digital Times")
    assert stored_dates(article) == (None, "2014-12-30")
    assert article.date_source == "printed-date"


def test_an_ai2html_chart_gives_one_picture_and_no_label_paragraphs() -> None:
    chart = (
        "<div class='ai2html-boards'><div class='g-show-16u ai2html-artboard'><div class='g-artboard'>"
        "<img class='g-aiImg' src='https://img.example.com/savings-large.jpg'>"
        "<div class='g-GFX g-aiAbs g-aiPointText'><p class='g-pstyle0'>30</p></div>"
        "<div class='g-GFX g-aiAbs g-aiPointText'><p class='g-pstyle1'>Savings as a share of income</p></div>"
        "</div></div><div class='g-show-4u ai2html-artboard'><div class='g-artboard'>"
        "<img class='g-aiImg' src='https://img.example.com/savings-small.jpg'>"
        "<div class='g-GFX g-aiAbs g-aiPointText'><p class='g-pstyle1'>Forecasts</p></div></div></div></div>"
    )
    text = (
        "<!--1600000000000-->\n[储蓄率的变化](https://nei.st/medium/wsj/savings)\n------\n"
        f"<div>{chart}<p>一国的储蓄率多年来保持高位。</p><p>分析人士预计它将缓慢下降。</p></div>"
    )
    article = feed_mirror.parse(text, "t.md")
    assert article.paragraphs == ["一国的储蓄率多年来保持高位。", "分析人士预计它将缓慢下降。"]
    assert [image.src for image in article.images] == ["https://img.example.com/savings-large.jpg"]


# --- fifth round: layouts found by reading ---------------------------------------------------------


def test_cna_wire_story_names_its_translators_apart_from_authors() -> None:
    article = parse_fixture("cna_wire_translator.md")
    assert article.authors == []  # a translator is not an author
    assert article.translators == ["林小華", "陳大同"]  # the editor (核稿) is neither
    assert article.paragraphs[-1] == "船長表示，新渡輪在冬季也能照常航行。"


def test_cna_column_box_names_the_correspondent_and_the_day() -> None:
    article = parse_fixture("cna_column_box.md")
    assert article.authors == ["林小華"]
    assert stored_dates(article) == ("2020-12-23T02:00:00Z", "2020-12-22")  # the day the box prints
    assert article.date_source == "printed-date"
    assert "特派員" not in article.body


def test_nyt_closing_bios_make_every_writer_an_author_but_not_contributors() -> None:
    article = parse_fixture("nyt_closing_bios.md")
    assert article.authors == ["Jane Roe", "林一木"]  # the byline's, then the co-writer named in a bio
    assert article.translators == ["陈大同"]
    assert article.paragraphs == [
        "停航半年后，港口城市的夜班渡轮周四恢复运行。", "一名乘客说，她每天都要坐渡轮上班。"]


def test_voa_photo_date_stays_in_the_caption() -> None:
    first, second = parse_fixture("voa_caption_date.md").images
    assert (first.caption, first.credit) == ("码头上的起重机。（2019年3月1日资料照）", "美联社")
    assert (second.caption, second.credit) == ("港口的夜景（2020年9月30日资料照片）", None)


def test_rfa_bracketed_source_is_the_credit_and_a_name_in_brackets_stays() -> None:
    first, second = parse_fixture("rfa_caption_bracket.md").images
    assert (first.caption, first.credit) == ("学校屋顶上的太阳能板。", "图/某基金会脸书")
    assert (second.caption, second.credit) == ("镇长林一木（Mu Lin）", None)


def test_cdt_source_line_naming_an_outlet_credits_it() -> None:
    article = parse_fixture("cdt_source_line.md")
    assert (article.outlet, article.via) == ("Xinhua News Agency", "China Digital Times")


def test_cdt_source_line_naming_no_outlet_leaves_the_post_alone() -> None:
    text = (FIXTURES / "cdt_source_line.md").read_text(encoding="utf-8")
    text = text.replace("来源：新华社", "来源：某某读书会")
    article = feed_mirror.parse(text, "cdt_source_line.md")
    assert article.via is None and article.paragraphs[0].startswith("来源：某某读书会")


def test_economist_aside_byline_and_closing_picture_credit() -> None:
    article = parse_fixture("economist_aside_byline.md")
    assert article.authors == ["Jane Roe", "John Doe"]  # the place after "|" is no author
    assert article.paragraphs == ["The lamp was lit every night for a hundred years.",
                                  "This winter it will be lit by a timer."]


def test_cctv_digest_title_is_the_date_and_programme_not_run_on_headlines() -> None:
    article = parse_fixture("cctv_digest_title.md")
    assert article.title == "2020-12-26 新闻联播 文字版"
    assert article.paragraphs == ["一座港口恢复运作", "一条铁路全线通车", "又一批新能源公交车上路"]


def test_epoch_times_repost_line_credits_the_original_outlet() -> None:
    article = parse_fixture("epoch_repost_line.md")
    assert (article.outlet, article.via) == ("Voice of America", "The Epoch Times")
    assert article.paragraphs[-1] == "（转自美国之音，有删节）"  # the page's own note stays in the text


def test_zaobao_source_after_the_caption_is_the_credit_and_a_position_stays() -> None:
    first, second = parse_fixture("zaobao_caption_bracket.md").images
    assert (first.caption, first.credit) == ("渡轮驶离码头。", "某某新闻")
    assert (second.caption, second.credit) == ("船长（左）与乘客交谈。", None)


@pytest.mark.parametrize(
    ("byline", "bios", "expected"),
    [
        (["林一木"], [("Jane Roe", None)], ["林一木", "Jane Roe"]),  # a co-writer named only in a bio
        (["王五"], [("王五", "Wang Wu")], ["王五"]),
        (["Wang Wu"], [("王五", "Wang Wu")], ["Wang Wu"]),  # the bio's other form of the byline's name
        (["罗杰·陈"], [("Roger Chen", None)], ["罗杰·陈"]),  # a transliterated byline's own bio in Latin
        (["Janet Robertson"], [("Janet Roberts", None)], ["Janet Robertson"]),  # a bio's cut-off name
    ],
)
def test_bio_writers_join_the_byline_once(byline: list[str], bios: list, expected: list[str]) -> None:
    assert bylines.with_bio_authors(byline, bios) == expected
