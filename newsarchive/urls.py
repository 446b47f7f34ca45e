"""URLs as the parsers meet them: absolute http(s) links, hosts, image-proxy wrappers, cut-off URLs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit


def http_url(href: str | None) -> str | None:
    """An absolute http(s) URL with a usable host, or None. Protocol-relative ``//host/...`` becomes https."""
    if not href:
        return None
    href = href.strip()
    if href.startswith("//"):
        href = "https:" + href
    if not href.lower().startswith(("http://", "https://")):
        return None
    return href if url_host(href) else None


def url_host(url: str) -> str:
    """The lower-case host of a URL; "" when it has none or cannot be parsed (bad IPv6, bad port)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for an out-of-range port
    except ValueError:
        return ""
    return (parts.hostname or "").lower()


def unwrap_image_proxy(src: str | None) -> str | None:
    """The real image URL behind an images.weserv.nl proxy URL (``?url=host/path``), with https://."""
    src = http_url(src)
    if src is None or not url_host(src).endswith("weserv.nl"):
        return src
    target = parse_qs(urlsplit(src).query).get("url", [""])[0].strip()
    if target.startswith("//"):
        target = "https:" + target
    elif target and not target.lower().startswith(("http://", "https://")):
        target = "https://" + target
    return http_url(target)


def is_cut_off(url: str) -> bool:
    """A file URL that lost its extension on the way (``…/post-5ff866b9.``): it points at nothing."""
    return url.endswith(".")


def query_value(url: str, key: str) -> str | None:
    """The first value of one query parameter (``?source=https://…``), or None."""
    try:
        values = parse_qs(urlsplit(url).query).get(key)
    except ValueError:
        return None
    return values[0].strip() if values and values[0].strip() else None
