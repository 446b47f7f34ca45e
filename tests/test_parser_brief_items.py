"""NYT Chinese morning briefs: every item is kept (an item mentioning 时报 is no writer's bio), and the label
of the link to the other language's version leaves the item (ninth blind audit)."""

from __future__ import annotations

from feed_pages import page

BRIEF = "https://cn.nytimes.com/morning-brief/20200810/harbour/"


def test_the_last_item_that_cites_the_times_is_kept() -> None:
    last = "• 聚焦港口：市政府已表示将选择一家公司运营渡轮，时报分析了几家候选公司。"
    article = page(BRIEF, f"<p>• 第一条：渡轮复航。</p><p>{last}</p>")
    assert article.paragraphs == ["• 第一条：渡轮复航。", last]


def test_a_bio_closing_a_story_still_leaves() -> None:
    article = page("https://cn.nytimes.com/world/20200810/harbour/",
                   "<p>渡轮复航。</p><p>王五是《纽约时报》驻北京记者。</p>")
    assert article.paragraphs == ["渡轮复航。"]


def test_the_other_language_link_label_leaves_and_its_link_stays() -> None:
    html = ("<p>• 渡轮复航。码头重开。（<a href='https://cn.nytimes.com/world/20200807/ferry/'>阅读本文中文版</a>）</p>"
            "<p>• 第二条。(<a href='https://www.nytimes.com/2020/08/07/ferry.html'>Read in English</a>)</p>")
    article = page(BRIEF, html)
    assert article.paragraphs == ["• 渡轮复航。码头重开。", "• 第二条。"]
    assert [link.url for link in article.links] == [
        "https://cn.nytimes.com/world/20200807/ferry/", "https://www.nytimes.com/2020/08/07/ferry.html"]
