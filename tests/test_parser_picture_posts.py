"""Posts whose whole content is pictures (a photo of the day, a cartoon, a scanned document, a gallery whose
text is its captions) are kept with their pictures and no text, and so are stubs (ninth blind audit)."""

from __future__ import annotations

import pytest
from feed_pages import page

from newsarchive.ingest import Pipeline
from newsarchive.inputs import InputFile
from newsarchive.model import ParseError

CDT = "https://chinadigitaltimes.net/chinese/2021/01/photo-harbour/"
DW_GALLERY = (
    "<div><img src='https://static.dw.com/image/1_303.jpg'><br><b>渡轮复航</b>：每半小时一班，乘客明显增多。</div>"
    "<div><img src='https://static.dw.com/image/2_303.jpg'><br><b>码头重开</b>：工人回来了，集装箱又堆满了码头。</div>"
)
PHOTO = ("<div class='wp-caption'><img src='https://chinadigitaltimes.net/files/harbour.jpg' alt=''>"
         "<p class='wp-caption-text'>Harbour at dusk, by Jane Roe (CC BY 2.0)</p></div>")


def test_a_photo_post_keeps_its_picture_caption_and_credit_and_is_a_stub() -> None:
    article = page(CDT, PHOTO, title="Photo: Harbour at dusk, by Jane Roe", author="Some Editor")
    assert article.paragraphs == []
    [image] = article.images
    assert (image.caption, image.credit) == ("Harbour at dusk", "Jane Roe (CC BY 2.0)")
    assert article.authors == []  # the account that posted it wrote nothing


def test_a_video_post_without_text_is_still_an_error() -> None:
    with pytest.raises(ParseError, match="video"):
        page(CDT, "<iframe src='https://video.example.com/v'></iframe>" + PHOTO)


def test_dw_gallery_captions_on_the_line_after_each_picture_belong_to_the_pictures() -> None:
    article = page("https://www.dw.com/zh/gallery/g-1", DW_GALLERY, title="两张图看港口")
    assert article.paragraphs == []
    assert [i.caption for i in article.images] == [
        "渡轮复航：每半小时一班，乘客明显增多。", "码头重开：工人回来了，集装箱又堆满了码头。"]


def test_a_photo_is_a_stub_but_a_gallery_whose_captions_tell_the_story_is_not(
        real_pipeline: Pipeline) -> None:
    pipeline = real_pipeline

    def stored(url: str, html: str, title: str) -> bool:
        text = f"<!--1600000000000-->\n[{title}]({url})\n------\n<div>{html}</div>"
        result = pipeline.process(InputFile("in", "post.md", text.encode()))
        assert result.status == "ok"
        return result.is_stub

    assert stored(CDT, PHOTO, "Photo: Harbour at dusk, by Jane Roe")
    assert not stored("https://www.dw.com/zh/gallery/g-1", DW_GALLERY, "两张图看港口")
