"""Reuters' closing credit lines: the line leaves the body; who filed, wrote or translated the story is read
from it (issue 9, ninth blind audit). Editors (审校) are stored nowhere."""

from __future__ import annotations

from feed_pages import page

REUTERS = "https://cn.reuters.com/article/harbour-idCNKBS000001"
LEAD = "<p>路透北京1月5日 - 一座港口的吞吐量回升。</p><p>码头工人说，渡轮每半小时开出一班。（完）</p>"


def test_the_filer_of_a_desk_story_is_its_author_and_the_line_leaves() -> None:
    article = page(REUTERS, LEAD + "<p>发稿 林一/王五；审校 赵六</p>")
    assert article.authors == ["林一", "王五"]
    assert article.paragraphs[-1].endswith("（完）")


def test_a_named_writer_wins_over_the_filer() -> None:
    article = page(REUTERS, LEAD + "<p>发稿 林一；撰写 王五；审校 赵六</p>")
    assert article.authors == ["王五"]


def test_a_translator_is_no_author_and_the_filer_after_a_translator_is_neither() -> None:
    article = page(REUTERS, LEAD + "<p>编译 钱七 发稿 孙八</p>")
    assert article.authors == [] and article.translators == ["钱七"]
    assert all("钱七" not in p for p in article.paragraphs)


def test_a_credit_written_at_the_end_of_the_last_paragraph_is_cut_from_it() -> None:
    article = page(REUTERS, "<p>路透北京1月5日 - 港口吞吐量回升。(完) (发稿 林一；审校 赵六)</p>")
    assert article.paragraphs == ["路透北京1月5日 - 港口吞吐量回升。(完)"]
    assert article.authors == ["林一"]
    credit = "(编译 钱七/孙八 审校 赵六)"
    translated = page(REUTERS, f"<p>路透北京1月5日 - 港口吞吐量回升。（完） {credit}</p>")
    assert translated.translators == ["钱七", "孙八"] and translated.authors == []


def test_story_codes_leave_the_sentence_they_end() -> None:
    article = page(REUTERS, "<p>路透北京1月5日 - 渡轮恢复运营[nL4S2AB12C]。码头重开。</p>")
    assert article.paragraphs == ["路透北京1月5日 - 渡轮恢复运营。码头重开。"]


def test_a_sentence_that_mentions_an_editor_of_a_website_stays() -> None:
    sentence = ("一位作家曾担任一家文学网编辑，后来因为在网上发表文章而被捕，"
                "他的家人多年来一直在为他奔走呼吁，希望有关部门能够依法公开审理此案。")
    article = page("https://www.rfa.org/mandarin/a.html", f"<p>导语。</p><p>{sentence}</p>")
    assert article.paragraphs == ["导语。", sentence]


def test_pointers_to_a_link_labelled_here_leave() -> None:
    html = ("<p>路透北京1月5日 - 港口吞吐量回升。报告原文请点选：<a href='https://data.example.org/r'>here</a></p>"
            "<p>欲览公告详情，请点击 <a href='https://data.example.org/n'>here</a></p>"
            "<p>渡轮每半小时一班。here</p>")
    article = page(REUTERS, html)
    assert article.paragraphs == ["路透北京1月5日 - 港口吞吐量回升。", "渡轮每半小时一班。"]
    # A pointer closing a sentence leaves its link with the paragraph; a pointer line takes its link along.
    assert [link.url for link in article.links] == ["https://data.example.org/r"]
