"""Furniture and credits found by reading random pages next to their stored rows (seeds 9301 and 9302, and
the residual classes of the ninth audit): VOA's captions of players, its photographers' credits without
"摄", its "video:" titles and programme tails; BBC's embedded-post furniture and an editor's note; nei.st's
copies of Bloomberg charts drawn in a frame the page does not carry."""

from __future__ import annotations

from feed_pages import page

VOA = "https://www.voachinese.com/a/ferry-20201001/1.html"


def test_voa_caption_under_a_player_is_neither_text_nor_a_pictures_caption() -> None:
    html = ("<img src='https://gdb.example.com/pier.jpg'>"
            "<audio src='https://av.example.com/a.mp3'></audio><div><small>渡轮夜航的故事</small></div>"
            "<p>渡轮恢复运行后，乘客明显增多。</p>"
            "<video src='https://av.example.com/b.mp4'></video><div><small>码头工人讲述夜班</small></div>"
            "<p>市政府表示将增加班次。</p>")
    article = page(VOA, html, title="夜班渡轮恢复运行")
    assert article.paragraphs == ["渡轮恢复运行后，乘客明显增多。", "市政府表示将增加班次。"]
    assert [(image.caption, image.credit) for image in article.images] == [(None, None)]


def test_voa_photographer_and_web_page_credits_without_a_verb() -> None:
    html = ("<img src='https://gdb.example.com/a.jpg'><div><small>码头上的渡轮 (美国之音/林小华)</small>"
            "</div>"
            "<img src='https://gdb.example.com/b.jpg'><div><small>渡轮驶离码头。(美国之音陈大同)。</small></div>"
            "<img src='https://gdb.example.com/c.jpg'><div><small>港务局公布的时刻表（港务局网站）</small></div>"
            "<img src='https://gdb.example.com/d.jpg'><div><small>港务局长（Jane Roe）</small></div>"
            "<p>渡轮恢复运行。</p>")
    article = page(VOA, html)
    assert [(image.caption, image.credit) for image in article.images] == [
        ("码头上的渡轮", "美国之音/林小华"),
        ("渡轮驶离码头。", "美国之音陈大同"),
        ("港务局公布的时刻表", "港务局网站"),
        ("港务局长（Jane Roe）", None),
    ]


def test_voa_video_title_prefix_and_programme_tail_leave() -> None:
    html = ("<p>嘉宾谈渡轮恢复运行。</p><p>他说：“乘客明显增多。”</p>"
            "<p>本期时事大家谈完整版：<a href='https://video.example.com/v1'>渡轮为何恢复运行？</a></p>")
    article = page(VOA, html, title="video:渡轮为何恢复运行？")
    assert article.title == "渡轮为何恢复运行？"
    assert article.paragraphs == ["嘉宾谈渡轮恢复运行。", "他说：“乘客明显增多。”"]


def test_bbc_embedded_post_furniture_and_editors_note_leave() -> None:
    html = ("<p>Full Headline: 一座港口恢复运作，渡轮每半小时一班</p>"
            "<p>港口周一恢复运作。</p>"
            "<div><a class='SkipLink-sc-1 x' href='https://www.bbc.com/zhongwen/simp/world-1#skip-twitter-content-1'>"
            "跳过 Twitter 帖子, 1</a><div><p>无内容</p>"
            "<a href='https://x.example/p/1' aria-label='继续浏览 Twitter, 外部链接'>继续浏览 Twitter</a>"
            "<small>BBC对外部网站内容不负责任。</small></div>"
            "<p class='EndText-sc-2 y' id='skip-twitter-content-1'>结尾 Twitter 帖子, 1</p></div>"
            "<div><p><a href='https://port.example.org/a' aria-label='渡轮, 外部链接'>渡轮</a>"
            "每半小时开出一班。</p></div>"
            "<p>跳过 YouTube 帖子, 2</p>")
    article = page("https://www.bbc.com/zhongwen/simp/world-1", html, title="港口恢复运作")
    assert article.paragraphs == ["港口周一恢复运作。", "渡轮每半小时开出一班。"]


def test_neist_chart_drawn_in_a_missing_frame_leaves_its_labels_out() -> None:
    html = ("<article class='post category-bloomberg'><div class='entry-content'>"
            "<p>渡轮客运量回升。</p>"
            "<div class='container img toaster'><h3 class='chart__title'>Ferry Traffic</h3>"
            "<p class='chart__subtitle'>Passengers per week</p><div class='toaster-iframe'></div>"
            "<p class='chart__source'>Source: Harbour board</p></div>"
            "<p>港务局预计明年继续增长。</p></div></article>")
    article = page("https://nei.st/medium/bloomberg/ferries", html)
    assert article.paragraphs == ["渡轮客运量回升。", "港务局预计明年继续增长。"]


def test_neist_medium_bar_under_a_copied_post_leaves_text_and_pictures() -> None:
    html = ("<article class='post category-caixin'><div class='entry-content'>"
            "<span id='more-7'></span><div class='fr'><img alt='周刊' src='https://cdn.example.net/logo.jpg'>"
            "<a href='https://nei.st/medium/caixin'>财新</a><div class='hm'>Oct 25 · 2019</div></div>"
            "<p>港口周一恢复运作。</p></div></article>")
    article = page("https://nei.st/medium/caixin/harbour", html)
    assert article.paragraphs == ["港口周一恢复运作。"]
    assert article.images == []


def test_subscription_and_pointer_lines_leave() -> None:
    dw = page("https://www.dw.com/zh/a-1", "<p>请欣赏一段渡轮之歌。</p><p>Feed-URL:</p><p>iTunes:</p>")
    assert dw.paragraphs == ["请欣赏一段渡轮之歌。"]
    reuters = page("https://cn.reuters.com/article/harbour-idCN1",
                   "<p>港口公司周一称将扩建码头。（完）</p><p>欲浏览港口公司的公告，请点选:(here)</p>")
    assert reuters.paragraphs == ["港口公司周一称将扩建码头。（完）"]
    cdt = page("https://chinadigitaltimes.net/chinese/2020/10/harbour",
               "<p>网友评论渡轮停运。</p><p>请点击购买一本小说：渡轮</p><p>CDS档案｜渡轮</p>")
    assert cdt.paragraphs == ["网友评论渡轮停运。"]
    epoch = page("https://www.epochtimes.com/gb/20/10/10/n1.htm",
                 "<p>【大纪元2020年10月10日讯】本期节目谈渡轮。</p>"
                 "<p>欢迎订阅YouTube频道：https://www.youtube.com/c/example</p><p>节目内容如下。</p>")
    assert epoch.paragraphs == ["【大纪元2020年10月10日讯】本期节目谈渡轮。", "节目内容如下。"]
    bbc = page("https://www.bbc.com/zhongwen/simp/world-2",
               "<p>你的器材不支持播放多媒体材料</p><p>渡轮复航。</p>")
    assert bbc.paragraphs == ["渡轮复航。"]


def test_cdt_embedded_post_card_and_voa_episode_pointer_leave() -> None:
    html = ("<p>网友评论渡轮停运。</p><blockquote class='wp-embedded-content'><p>"
            "<a href='https://chinadigitaltimes.net/chinese/2020/07/ferry/'>CDT导览 | 渡轮往事</a>"
            "</p></blockquote>"
            "<p>渡轮公司回应称将复航。</p>")
    cdt = page("https://chinadigitaltimes.net/chinese/2020/08/ferry-2", html)
    assert cdt.paragraphs == ["网友评论渡轮停运。", "渡轮公司回应称将复航。"]
    voa = page(VOA, "<p>嘉宾谈渡轮。</p><p>焦点对话本集全部内容请看：渡轮为何停运？</p>")
    assert voa.paragraphs == ["嘉宾谈渡轮。"]
