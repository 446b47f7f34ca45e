"""nei.st posts filed under no publication's category: a ?source= link to a known outlet's page credits it;
a page that stops at an empty numbered heading is an excerpt (ninth blind audit). The bar under a copied
post's summary gives its date and nothing else (tenth blind audit)."""

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


def test_the_bar_under_a_copied_post_gives_its_date_and_leaves() -> None:
    bar = ("<div class='entry-meta'><div class='entry-meta__avatars'>"
           "<img class='avatar avatar-60 photo' src='https://cdn.example.net/img/Harbour-logo.png'></div>"
           "<div class='entry-meta__text'><span class='byline'><a class='url fn' href='https://nei.st/'>"
           "Harbour</a><span aria-hidden='true'> / "
           "<time class='entry-date published updated'>September 10, 2020</time>"
           "<span aria-hidden='true'> / <span class='byline'>"
           "<a class='url fn' href='https://nei.st/medium/che'>Inside Premium Subscriptions</a>"
           "</span></span></span></span></div></div>")
    picture = ("<div class='container large img'>"
               "<img alt='Ferries at the pier at dusk.Photographer: Jane Roe/Bloomberg'"
               " src='https://cdn.example.net/img/pier.jpg'></div>")
    article = page(NEIST, article_html(f"<p class='blog-post__description'>渡轮恢复了。</p>{bar}{picture}"
                                       "<p>渡轮在黄昏时靠岸。</p>"))
    assert article.paragraphs == ["渡轮在黄昏时靠岸。"]
    assert [(image.src, image.caption, image.credit) for image in article.images] == [
        ("https://cdn.example.net/img/pier.jpg", "Ferries at the pier at dusk.", "Jane Roe/Bloomberg")]
    assert (article.published_date, article.date_source) == ("2020-09-10", "printed-date")
