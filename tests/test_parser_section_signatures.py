"""A section of a BBC article signed by its correspondent right after its "分析" heading: the signature leaves
the text and the correspondent is the author when the page names no other (ninth blind audit)."""

from __future__ import annotations

from feed_pages import page

BBC = "https://www.bbc.com/zhongwen/simp/world-10000001"
STORY = "<p>一座港口昨天重新开放。</p>"
ANALYSIS = "<p>港口的前景取决于航运公司是否回来。</p>"


def test_name_and_role_on_two_lines_after_the_heading() -> None:
    signature = "<p><b>林一（Lin Yi）</b></p><p><b>BBC驻北美记者</b></p>"
    html = STORY + "<h2>分析：港口能否复苏</h2>" + signature + ANALYSIS
    article = page(BBC, html)
    assert article.authors == ["林一"]
    assert article.paragraphs == ["一座港口昨天重新开放。", "分析：港口能否复苏",
                                  "港口的前景取决于航运公司是否回来。"]


def test_role_and_name_on_one_line_or_in_the_heading_itself() -> None:
    one_line = page(BBC, STORY + "<h2>分析</h2><h2>BBC驻北美记者王五（Wang Wu）</h2>" + ANALYSIS)
    assert one_line.authors == ["王五"] and "BBC驻北美记者王五（Wang Wu）" not in one_line.paragraphs
    in_heading = page(BBC, STORY + "<h2>分析 - BBC科技事务记者赵六（Zhao Liu）</h2>" + ANALYSIS)
    assert in_heading.authors == ["赵六"] and "分析" in in_heading.paragraphs


def test_a_bold_line_standing_for_the_heading() -> None:
    article = page(BBC, STORY + "<p><b>分析</b></p><p><b>BBC中文驻北美记者 林一</b></p>" + ANALYSIS)
    assert article.authors == ["林一"]
    assert article.paragraphs[1:] == ["分析", "港口的前景取决于航运公司是否回来。"]


def test_a_line_without_a_role_after_the_heading_is_text() -> None:
    article = page(BBC, STORY + "<h2>分析：港口能否复苏</h2><p>林一</p>" + ANALYSIS)
    assert article.authors == [] and "林一" in article.paragraphs
