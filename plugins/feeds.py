"""Atom feeds: any query returning ``atom_id``, ``atom_title`` and ``atom_updated`` renders as ``.atom``.

The canned queries ``search_feed``, ``person_feed`` and ``outlet_feed`` (metadata.yml) are the site's feeds.
Optional columns: ``atom_link`` (a path is made absolute), ``atom_content`` (text), ``atom_author_name``.
Same column contract as the datasette-atom plugin, which we do not use: its 0.9 release fails with a 500
on an empty result (``max()`` of no rows: a search without hits) and pulls in bleach, feedgen and lxml
for what is a few lines of XML here. Everything is text content, escaped by ElementTree.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from datasette import hookimpl
from datasette.utils.asgi import Response

ATOM = "http://www.w3.org/2005/Atom"
REQUIRED = {"atom_id", "atom_title", "atom_updated"}
# Feed entries are ids in our own namespace: tag URIs stay valid whatever host serves the site.
TAG_PREFIX = "tag:us-china-news-archive,2020:"


def rfc3339(value: str | None) -> str:
    """A date or ISO timestamp as RFC 3339 (a bare date is midnight UTC); unknown dates become the epoch."""
    text = (value or "").strip()
    if len(text) == 10:
        return f"{text}T00:00:00Z"
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return "1970-01-01T00:00:00Z"
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def absolute(base: str, link: str) -> str:
    return base + link if link.startswith("/") else link


def atom_xml(title: str, self_url: str, base: str, rows: list[dict]) -> bytes:
    """The Atom document for the rows (newest first as given)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = TAG_PREFIX + self_url.removeprefix(base)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    updated = max((rfc3339(row["atom_updated"]) for row in rows), default="1970-01-01T00:00:00Z")
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = title
    for row in rows:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = TAG_PREFIX + str(row["atom_id"])
        ET.SubElement(entry, f"{{{ATOM}}}title").text = str(row["atom_title"] or "")
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = rfc3339(row["atom_updated"])
        if row.get("atom_link"):
            ET.SubElement(entry, f"{{{ATOM}}}link", href=absolute(base, str(row["atom_link"])))
        if row.get("atom_author_name"):
            author = ET.SubElement(entry, f"{{{ATOM}}}author")
            ET.SubElement(author, f"{{{ATOM}}}name").text = str(row["atom_author_name"])
        if row.get("atom_content"):
            ET.SubElement(entry, f"{{{ATOM}}}content", type="text").text = str(row["atom_content"])
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def render_atom(datasette, request, columns, rows, database, query_name) -> Response:
    if not REQUIRED.issubset(columns):
        return Response.text(f"A feed needs the columns {', '.join(sorted(REQUIRED))}.", status=400)
    title = (datasette.metadata("queries", database=database) or {}).get(query_name or "", {}).get("title")
    base = datasette.absolute_url(request, "/").rstrip("/")
    body = atom_xml(
        title or "US–China news archive",
        request.url,
        base,
        [dict(zip(columns, row, strict=True)) for row in rows],
    )
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@hookimpl
def register_output_renderer(datasette):
    return {
        "extension": "atom",
        "render": render_atom,
        "can_render": lambda columns: REQUIRED.issubset(columns),
    }
