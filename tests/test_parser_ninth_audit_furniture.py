"""Furniture found by the ninth blind audit, outlet by outlet: RFI's player titles repeating the headline,
the Economist's podcast and print-edition notes, CNA's captions of embedded media, 维权网's signed papers."""

from __future__ import annotations

from feed_pages import page


def test_rfi_player_title_repeating_the_headline_leaves() -> None:
    url = "https://www.rfi.fr/cn/%E5%9B%BD%E9%99%85/20210112-harbour"
    article = page(url, "<p>港口重新开放，请看视频报道：</p><p>港口重新开放</p>", title="港口重新开放")
    assert article.paragraphs == ["港口重新开放，请看视频报道："]


def test_economist_podcast_and_print_edition_lines_leave() -> None:
    html = ("<p>The harbour reopened.</p>"
            "<p>You can subscribe and listen to “Harbour Talk” on: Apple Podcasts | Spotify</p>"
            "<p>Editor’s note: this article first appeared in the Britain section of the print edition.</p>")
    article = page("https://www.economist.com/britain/2020/12/19/harbour", html, title="Harbour")
    assert article.paragraphs == ["The harbour reopened."]


def test_cna_caption_of_an_embedded_picture_leaves() -> None:
    html = "<p>（中央社台北5日電）港口重新開放。</p><p>▲工人在碼頭搬運貨物</p><p>市府表示，渡輪將恢復。</p>"
    article = page("https://www.cna.com.tw/news/aopl/202101050001.aspx", html)
    assert article.paragraphs == ["（中央社台北5日電）港口重新開放。", "市府表示，渡輪將恢復。"]


def test_weiquanwang_paper_signed_by_its_writer() -> None:
    html = ("<p>一、申请事项：请求依法公开审理。</p><p>二、事实与理由：略。</p>"
            "<p>代理人：林一木 2021年1月13日</p>")
    article = page("http://wqw2010.blogspot.com/2021/01/blog-post_13.html", html)
    assert article.authors == ["林一木"]
    assert article.paragraphs == ["一、申请事项：请求依法公开审理。", "二、事实与理由：略。"]
