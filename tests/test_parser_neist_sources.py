"""nei.st posts filed under no publication's category: a ?source= link to a known outlet's page credits it;
a page that stops at an empty numbered heading is an excerpt (ninth blind audit)."""

from __future__ import annotations

from feed_pages import page

NEIST = "https://nei.st/medium/harbour-essay"


def article_html(body: str, after: str = "") -> str:
    post = f"<article class='post hentry category-medium'><div class='entry-content'>{body}</div></article>"
    return post + after


def test_a_source_link_to_a_known_outlet_credits_it() -> None:
    link = ("<a href='https://nei.st/medium/che?source=https://www.voachinese.com/a/harbour/1.html'>"
            "<div></div></a>")
    article = page(NEIST, article_html("<p>港口重新开放。</p>", link))
    assert (article.outlet, article.via) == ("Voice of America", "Nei.st")
    assert article.original_url == "https://www.voachinese.com/a/harbour/1.html"


def test_without_a_known_source_the_post_stays_nei_st_s() -> None:
    link = "<a href='https://nei.st?source=https://blog.example.org/harbour'><div></div></a>"
    article = page(NEIST, article_html("<p>港口重新开放。</p>", link), author="Nei.st")
    assert article.via is None and article.outlet == "Nei.st"


def test_a_page_ending_at_a_numbered_heading_is_an_excerpt() -> None:
    cut = page(NEIST, article_html("<p>我们聊了港口的历史。</p><h2>01</h2>"))
    assert cut.is_excerpt and cut.paragraphs == ["我们聊了港口的历史。"]
    whole = page(NEIST, article_html("<h2>01</h2><p>我们聊了港口的历史。</p>"))
    assert not whole.is_excerpt
