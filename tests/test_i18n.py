"""The site in Chinese and English: a complete catalogue, the language choice, and pages in each language."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from selectolax.lexbor import LexborHTMLParser

REPO = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%\(\w+\)s")
TAG = re.compile(r"</?\w+")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}


def load_plugin(name: str):
    spec = importlib.util.spec_from_file_location(f"site_plugin_{name}", REPO / "plugins" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


i18n = load_plugin("i18n")


def catalogue():
    with (REPO / "locales" / "zh" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale="zh")


def template_messages() -> set[tuple[str | None, str]]:
    """(context, msgid) of every message marked in the templates, as `make messages` extracts them."""
    found = set()
    method_map = [("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    for _, _, message, _, context in extract_from_dir(str(REPO), method_map, options, keywords={**KEYWORDS}):
        msgid = message[0] if isinstance(message, tuple) else message
        found.add((context, msgid))
    return found


def test_every_message_in_the_templates_has_a_chinese_translation():
    translated = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalogue() if m.id}
    missing = [m for m in template_messages() if m not in translated or not translated[m].string]
    assert missing == []


def test_translations_keep_placeholders_and_markup():
    for message in catalogue():
        if not message.id:
            continue
        source = message.id[-1] if isinstance(message.id, tuple) else message.id
        for text in message.string if isinstance(message.string, tuple) else [message.string]:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(set(PLACEHOLDER.findall(source))) or (
                isinstance(message.id, tuple)
                and set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(source))
            ), message.id
            assert sorted(TAG.findall(text)) == sorted(TAG.findall(source)), message.id


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("en", "zh", "zh-CN", "en"),  # the link wins
        (None, "en", "zh-CN,zh;q=0.9", "en"),  # then the remembered choice
        (None, None, "zh-TW,zh;q=0.9,en;q=0.8", "zh"),
        (None, None, "en-GB,en;q=0.9,zh;q=0.5", "en"),
        (None, None, "fr-FR,fr;q=0.9,en;q=0.6,zh;q=0.7", "zh"),  # by weight, not by position
        (None, None, "de-DE", "zh"),  # neither: the archive's main language
        ("xx", "yy", "", "zh"),  # nonsense values are no preference
    ],
)
def test_choose_language(query, cookie, accept, expected):
    assert i18n.choose_language(query, cookie, accept) == expected


def html(response) -> LexborHTMLParser:
    assert response.status_code == 200, response.text[:300]
    return LexborHTMLParser(response.text)


def test_browser_language_is_the_default_and_the_switch_is_remembered(client):
    english = client.get("/", headers={"accept-language": "en-US,en;q=0.8"})
    assert html(english).css_first("html").attributes["lang"] == "en"
    assert "set-cookie" not in english.headers
    assert set(english.headers["vary"].split(", ")) >= {"Accept-Language", "Cookie"}
    chinese = client.get("/", headers={"accept-language": "zh-CN"})
    assert html(chinese).css_first("html").attributes["lang"] == "zh-Hans"
    assert html(chinese).css_first("h1").text() == "中美新闻档案"
    switched = client.get("/archive/people?_name=Wang&lang=en", headers={"accept-language": "zh-CN"})
    assert html(switched).css_first("html").attributes["lang"] == "en"
    assert switched.headers["set-cookie"].startswith("lang=en;")
    remembered = client.get("/", headers={"accept-language": "zh-CN"}, cookies={"lang": "en"})
    assert html(remembered).css_first("html").attributes["lang"] == "en"


def test_language_switch_links_keep_the_page_and_its_arguments(client):
    tree = html(client.get("/archive/people?_name=Wang&lang=zh"))
    switch = {a.attributes["hreflang"]: a for a in tree.css("nav.language-switch a")}
    assert switch["en"].attributes["href"] == "/archive/people?_name=Wang&lang=en"
    assert switch["zh-Hans"].attributes.get("aria-current") == "true"
    assert switch["en"].attributes["lang"] == "en" and switch["zh-Hans"].attributes["lang"] == "zh-Hans"


def test_lang_is_not_taken_for_a_column_filter(client):
    """Datasette treats unknown arguments on a table page as column filters: ?lang= must never reach it."""
    response = client.get("/archive/articles.json?lang=en&_size=1")
    assert response.status_code == 200
    assert "lang" not in response.json()["human_description_en"]


PAGES = ["/", "/archive/articles", "/archive/people", "/archive/places_map", "/research", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_chinese_pages_have_no_english_site_text(client, path):
    """Every catalogue message that is a whole text of the English page is translated on the Chinese one."""
    shown_en = text_nodes(html_any(client, path, "en"))
    shown_zh_nodes = text_nodes(html_any(client, path, "zh"))
    shown_zh = " ".join(shown_zh_nodes)
    for message in catalogue():
        if message.id and not isinstance(message.id, tuple) and message.id in shown_en:
            assert message.string in shown_zh, (path, message.id)
    # Apart from names and formats, no text of the English page is left on the Chinese one.
    assert shown_en & shown_zh_nodes <= {"CSV", "JSON", "SHA-256", "Datasette", "English", "中文"}


def html_any(client, path: str, lang: str) -> LexborHTMLParser:
    response = client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    assert response.status_code in (200, 404)
    return LexborHTMLParser(response.text)


def text_nodes(tree: LexborHTMLParser) -> set[str]:
    """The page's own words, one text node each: data (titles, names; marked with lang) left out."""
    data = "script, style, code, svg, [lang]:not(html), .article-list, table.entity-rows tbody"
    for node in tree.css(data):
        node.decompose()
    texts = (
        " ".join(node.text(deep=False).split())
        for node in tree.body.traverse(include_text=True)
        if node.tag == "-text"
    )
    return {text.strip(" ·:→←()") for text in texts if re.search(r"[A-Za-z\u4e00-\u9fff]", text)}
