"""The database download as a static file: Content-Length, byte ranges (resume, progress bars), a gzip copy.

Datasette 0.65 streams ``/archive.db`` chunked, without a usable length and without Range support, so a
1.3 GB download shows no progress and cannot resume. This plugin answers ``/<database>.db`` itself (plugin
routes come before Datasette's) the way a static file server does, and ``/<database>.db.gz``, the
compressed copy the release step (scripts/release.py) writes next to the file:

- ``Content-Length``, ``Accept-Ranges: bytes``, ``Last-Modified`` and an ``ETag`` in nginx's format
  (so a download resumes across the single process and the nginx recipe);
- ``Range: bytes=a-b`` (also ``a-`` and ``-n``) answers 206 with ``Content-Range``; several ranges get the
  whole file (allowed by RFC 9110); a range past the end is 416; ``If-Range`` with another validator gets
  the whole file; HEAD answers the headers only.

Same rules as Datasette's own download: immutable files only, ``allow_download`` on, the
``view-database-download`` permission. The template function ``archive_downloads()`` gives the facts for
the home page (see its docstring). The SHA-256 comes from the release step's ``.sha256`` file when it is
newer than the database, or else from Datasette's own hash of the file, computed once in a thread.
"""

from __future__ import annotations

import asyncio
import os
import re
from email.utils import formatdate
from pathlib import Path

from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import Base400, Forbidden, NotFound

CHUNK_BYTES = 256 * 1024
SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CONTENT_TYPES = {"": "application/octet-stream", ".gz": "application/gzip"}


class RangeNotSatisfiable(Base400):
    status = 416

    def __init__(self, size: int) -> None:
        super().__init__(f"The requested range is outside the file ({size:,} bytes).")
        self.headers = {"Content-Range": f"bytes */{size}"}


def release_file(database_path: str, suffix: str) -> Path | None:
    """The release step's ``<file><suffix>`` next to the served file (symlinks resolved), if up to date."""
    real = Path(database_path).resolve()
    candidate = real.with_name(real.name + suffix)
    try:
        fresh = candidate.stat().st_mtime >= real.stat().st_mtime
    except FileNotFoundError:
        return None
    return candidate if fresh else None


def etag(stat: os.stat_result) -> str:
    """nginx's ETag: hex modification time and hex size."""
    return f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'


def byte_range(header: str | None, if_range: str | None, validator: str, size: int) -> tuple[int, int] | None:
    """The (first, last) bytes to send, or None for the whole file; raises 416 for a range past the end."""
    match = SINGLE_RANGE.match((header or "").replace(" ", ""))
    if not match or match.groups() == ("", "") or (if_range and if_range != validator):
        return None
    first, last = match.groups()
    if first == "":  # the last n bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        raise RangeNotSatisfiable(size)
    return start, end


async def send_file(send, path: Path, filename: str, content_type: str, request) -> None:
    """Send ``path`` (or the requested range of it) as a download."""
    stat = path.stat()
    validator = etag(stat)
    headers = {
        "content-type": content_type,
        "content-disposition": f'attachment; filename="{filename}"',
        "accept-ranges": "bytes",
        "etag": validator,
        "last-modified": formatdate(stat.st_mtime, usegmt=True),
        "cache-control": "public, max-age=3600",
    }
    wanted = byte_range(request.headers.get("range"), request.headers.get("if-range"), validator,
                        stat.st_size)
    start, end = wanted or (0, stat.st_size - 1)
    status = 206 if wanted else 200
    if wanted:
        headers["content-range"] = f"bytes {start}-{end}/{stat.st_size}"
    headers["content-length"] = str(end - start + 1)
    await send({"type": "http.response.start", "status": status,
                "headers": [(name.encode(), value.encode()) for name, value in headers.items()]})
    if request.method == "HEAD":
        await send({"type": "http.response.body", "body": b""})
        return
    with path.open("rb") as handle:
        handle.seek(start)
        left = end - start + 1
        more = True
        while more:
            chunk = await asyncio.to_thread(handle.read, min(CHUNK_BYTES, left)) if left else b""
            left -= len(chunk)
            more = left > 0 and bool(chunk)  # a file that shrank under us ends the response short
            await send({"type": "http.response.body", "body": chunk, "more_body": more})


async def download(datasette, request, send) -> None:
    name = tilde_decode(request.url_vars["database"])
    suffix = request.url_vars["suffix"] or ""
    try:
        db = datasette.get_database(route=name)
    except KeyError:
        raise NotFound("No such database.") from None
    await datasette.ensure_permissions(
        request.actor, [("view-database-download", name), ("view-database", name), "view-instance"])
    if db.is_memory or not db.path:
        raise NotFound("This database cannot be downloaded.")
    if not datasette.setting("allow_download") or db.is_mutable:
        raise Forbidden("Database download is forbidden.")
    path = Path(db.path).resolve() if not suffix else release_file(db.path, suffix)
    if path is None:
        raise NotFound("There is no compressed copy of this database yet.")
    await send_file(send, path, f"{name}.db{suffix}", CONTENT_TYPES[suffix], request)


@hookimpl
def register_routes() -> list:
    return [(r"^/(?P<database>[^/.]+)\.db(?P<suffix>\.gz)?$", download)]


def sidecar_sha256(database_path: str) -> str | None:
    """The SHA-256 the release step recorded for the file, if its record is up to date."""
    record = release_file(database_path, ".sha256")
    return record.read_text().split()[0] if record else None


async def file_sha256(db) -> str:
    """The file's SHA-256: the release record when up to date, else Datasette's ``db.hash``.

    Datasette computes ``db.hash`` once, on first use, inside the event loop (its home page view needs
    it): seeding it from the record, or computing it here in a thread, keeps the loop free.
    """
    if db.cached_hash is None:
        db.cached_hash = sidecar_sha256(db.path)
    if db.cached_hash is None:
        await asyncio.to_thread(lambda: db.hash)
    return db.cached_hash


_background: set[asyncio.Task] = set()  # a task needs a reference until it is done


@hookimpl
def startup(datasette) -> None:
    for db in datasette.databases.values():
        if db.path and not db.is_mutable and not db.is_memory:
            task = asyncio.ensure_future(file_sha256(db))
            _background.add(task)
            task.add_done_callback(_background.discard)


@hookimpl
def extra_template_vars(datasette) -> dict:
    async def archive_downloads(database: str = "archive") -> dict | None:
        """The download's facts for a page, or None when it cannot be downloaded::

            {"url": "/archive.db", "filename": "archive.db", "bytes": 1344208896,
             "sha256": "64 hex digits",
             "compressed": {"url": "/archive.db.gz", "filename": "archive.db.gz", "bytes": 401234567}
                           or None when the release step has not written one}
        """
        db = datasette.databases.get(database)
        if db is None or db.is_memory or db.is_mutable or not datasette.setting("allow_download"):
            return None
        url = datasette.urls.database(database) + ".db"
        gz = release_file(db.path, ".gz")
        return {
            "url": url,
            "filename": f"{database}.db",
            "bytes": db.size,
            "sha256": await file_sha256(db),
            "compressed": {"url": url + ".gz", "filename": f"{database}.db.gz", "bytes": gz.stat().st_size}
            if gz else None,
        }

    return {"archive_downloads": archive_downloads}
