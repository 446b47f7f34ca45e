"""CDT reposts titled "WRITER：title": the writer is the author when the name is a curated writer's or signs
the end of the text; any other name before a colon is a speaker and credits nobody (ninth blind audit)."""

from __future__ import annotations

from feed_pages import page

CDT = "https://chinadigitaltimes.net/chinese/2020/11/a-post/"


def test_a_curated_writer_before_the_colon_is_the_author_not_the_posting_account() -> None:
    article = page(CDT, "<p>那年春天，港口重新开放。</p>", title="许纪霖：港口的春天", author="某编辑账号")
    assert article.authors == ["许纪霖"] and article.title == "许纪霖：港口的春天"


def test_a_curated_writer_after_a_source_is_the_author_of_the_repost() -> None:
    article = page(CDT, "<p>那年春天，港口重新开放。</p>", title="某公众号｜刘瑜：港口的春天",
                   author="中国数字时代")
    assert (article.outlet, article.via, article.authors) == ("某公众号", "China Digital Times", ["刘瑜"])


def test_a_name_that_signs_the_text_is_its_writer() -> None:
    html = "<p>那年春天，港口重新开放。</p><p>林一木2020年10月6日于海边</p>"
    article = page(CDT, html, title="林一木：港口的春天", author="中国数字时代")
    assert article.authors == ["林一木"]


def test_a_speaker_before_the_colon_credits_nobody() -> None:
    article = page(CDT, "<p>他在会上说，港口将重新开放。</p>", title="王市长：港口将重新开放",
                   author="中国数字时代")
    assert article.authors == []
