"""Walk the build's inputs: single files, folders and tar archives read in place, every entry accounted for.

Each entry becomes one InputFile: its bytes, or why it could not be read (an error), or why it is not an
article file at all (skipped: folders, links, devices). Nothing here can hang or grow without bound:
files are opened without blocking and checked on the handle, folders are walked without recursion and
without ever handing the kernel a path longer than a few KB, archives are decompressed as a stream with
a cap on the bytes they may expand to.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import os
import stat
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

# Larger files are recorded as errors without reading them whole, so memory stays bounded: ten times the
# largest article in the shared corpus (443 KB); processing takes about 2 s and 150 MB per MB of text.
MAX_FILE_BYTES = 4 * 1024 * 1024
# Decompression bombs: an archive may expand to at most this much plus ARCHIVE_RATIO times its own size
# (the shared corpus expands 6.5 times; a 10 KB archive of zeros can hold gigabytes).
ARCHIVE_BASE_BYTES = 1024**3
ARCHIVE_RATIO = 50
# Pax and GNU long-name headers are read whole into memory; real ones are a few hundred bytes.
MAX_TAR_HEADER_BYTES = 1024 * 1024
ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2")
DECOMPRESSORS = [(b"\x1f\x8b", gzip.GzipFile), (b"\xfd7zXZ\x00", lzma.LZMAFile), (b"BZh", bz2.BZ2File)]
# Folders deeper than this many bytes of path are opened from an open ancestor (PATH_MAX is 4096).
MAX_RELATIVE_PATH = 2048
OPEN_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a file swapped for a named pipe after it was listed must not block the build.
OPEN_FILE = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
FILE_KINDS = [(stat.S_ISDIR, "folder"), (stat.S_ISFIFO, "named pipe"), (stat.S_ISCHR, "character device"),
              (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket")]
MEMBER_KINDS = {tarfile.DIRTYPE: "folder", tarfile.FIFOTYPE: "named pipe",
                tarfile.CHRTYPE: "character device", tarfile.BLKTYPE: "block device"}


@dataclass
class InputFile:
    input: str  # the key of the INPUT it came from (see Input)
    path: str  # relative to that INPUT; inside archives the member path; "" for the input itself
    data: bytes | None  # None when the file could not be read or was skipped
    error: str | None = None  # why there is no data
    size: int = 0
    skipped: bool = False  # not an article file by nature (folder, link, device): error says what it is


@dataclass(frozen=True)
class Input:
    """One INPUT argument and the key its files are stored under (``sources.input``)."""

    path: Path
    key: str
    location: str  # digest of the resolved real path: ties the key to one place across builds
    whole: bool  # every file under the key is read (a folder or archive), so files not seen are gone


def stored_name(name: str | bytes) -> str:
    """A file name as stored: itself when it is valid UTF-8; otherwise its undecodable bytes as \\xNN escapes
    with backslashes doubled, so two names never share a row and the bytes can be recovered."""
    if isinstance(name, str):
        try:
            name = name.encode("utf-8", errors="surrogateescape")  # bytes as the file system gave them
        except UnicodeEncodeError:
            name = name.encode("utf-8", errors="surrogatepass")
    try:
        return name.decode("utf-8")
    except UnicodeDecodeError:
        return name.replace(b"\\", b"\\\\").decode("utf-8", errors="backslashreplace")


def is_archive(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(ARCHIVE_SUFFIXES)


def _is_single_file(path: Path) -> bool:
    return os.path.lexists(path) and not path.is_dir() and not is_archive(path)


def resolve_inputs(paths: list[Path], known: dict[str, str | None]) -> list[Input]:
    """Key each INPUT by its folder or archive name, made longer with parent folders when that name already
    belongs to another place, so inputs with the same name never overwrite each other's rows.

    ``known`` maps the keys already in the database to the location they belong to (None for keys from
    before locations were recorded: the first input of that name adopts them). An input built before
    keeps its key.
    """
    owners = dict(known)
    resolved = []
    for path in paths:
        single = _is_single_file(path)  # keyed under its folder, as when that folder is the input
        home = os.path.realpath(path.parent if single else path)
        location = hashlib.sha256(os.fsencode(home)).hexdigest()[:16]
        key = next((k for k, owner in owners.items() if owner == location), None)
        if key is None:
            parts = [stored_name(part) for part in Path(home).parts if part != "/"] or ["/"]
            candidates = ["/".join(parts[-n:]) for n in range(1, len(parts) + 1)]
            key = next((k for k in candidates if owners.get(k) is None), f"{candidates[-1]}#{location}")
        owners[key] = location
        resolved.append(Input(path, key, location, whole=not single))
    return resolved


def iter_input_files(inputs: list[Input]) -> Iterator[InputFile]:
    """Every entry of every input, in a stable order; each comes with its bytes, an error or a skip reason."""
    for source in inputs:
        root = source.path
        if is_archive(root):
            yield from _iter_archive(root, source.key)
        elif root.is_dir():
            yield from _iter_folder(root, source.key)
        elif os.path.lexists(root):
            yield _read_file(root, source.key, stored_name(root.name))
        else:
            yield InputFile(source.key, "", None, f"input not found: {stored_name(str(root))}")


# --- files and folders -------------------------------------------------------------------------------

def _read_file(path: Path | bytes, key: str, shown: str, folder_fd: int | None = None) -> InputFile:
    """Regular files only (a named pipe would block, a device never ends), never more than the limit."""
    try:
        info = os.stat(path, dir_fd=folder_fd)
        if not stat.S_ISREG(info.st_mode):  # not opened at all: opening a device can have effects
            return _special(key, shown, info.st_mode)
        fd = os.open(path, OPEN_FILE, dir_fd=folder_fd)
    except FileNotFoundError:
        return InputFile(key, shown, None, "broken symbolic link or file vanished")
    except OSError as error:
        return InputFile(key, shown, None, f"cannot read file: {error.strerror or error}")
    try:
        info = os.fstat(fd)  # the file actually opened, which may have been swapped since the stat above
        if not stat.S_ISREG(info.st_mode):
            return _special(key, shown, info.st_mode)
        if info.st_size > MAX_FILE_BYTES:
            return InputFile(key, shown, None, _too_large(info.st_size), info.st_size)
        chunks, size = [], 0
        while chunk := os.read(fd, min(max(info.st_size - size, 0), MAX_FILE_BYTES) + 1):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_FILE_BYTES:  # grew while being read
                return InputFile(key, shown, None, _too_large(size), size)
        data = b"".join(chunks)
        return InputFile(key, shown, data, None, len(data))
    except OSError as error:
        return InputFile(key, shown, None, f"cannot read file: {error.strerror or error}")
    finally:
        os.close(fd)


def _special(key: str, shown: str, mode: int) -> InputFile:
    return _skipped(key, shown, next((name for test, name in FILE_KINDS if test(mode)), "special file"))


def _skipped(key: str, shown: str, kind: str) -> InputFile:
    return InputFile(key, shown, None, f"{kind}: not an article file, not read", skipped=True)


def _too_large(size: int) -> str:
    return f"file too large: {size} bytes (limit {MAX_FILE_BYTES})"


class _Anchor:
    """An open folder that the folders below it are opened from, closed when none is left to open."""

    def __init__(self, fd: int) -> None:
        self.fd, self.users = fd, 0

    def release(self) -> None:
        self.users -= 1
        if self.users == 0:
            os.close(self.fd)


def _iter_folder(root: Path, key: str) -> Iterator[InputFile]:
    """Depth first, files before subfolders, names sorted; with a stack, so any depth works."""
    try:
        top = _Anchor(os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
    except OSError as error:
        yield InputFile(key, "", None, f"cannot read folder: {error.strerror or error}")
        return
    top.users = 1
    # Each pending folder: the anchor it is opened from, its path from there, its path from the root.
    stack: list[tuple[_Anchor, bytes, bytes]] = [(top, b".", b"")]
    try:
        while stack:
            anchor, relative, shown = stack.pop()
            try:
                yield from _iter_one_folder(anchor, relative, shown, key, stack)
            finally:
                anchor.release()
    finally:  # stopped early: close what is still open
        for anchor, _, _ in stack:
            anchor.release()


def _iter_one_folder(anchor: _Anchor, relative: bytes, shown: bytes, key: str,
                     stack: list[tuple[_Anchor, bytes, bytes]]) -> Iterator[InputFile]:
    try:
        fd = os.open(relative, OPEN_DIRECTORY, dir_fd=anchor.fd)
    except OSError as error:
        yield InputFile(key, stored_name(shown), None, f"cannot read folder: {error.strerror or error}")
        return
    # Deep down, the folder itself becomes the anchor of its subfolders.
    below = _Anchor(fd) if len(relative) > MAX_RELATIVE_PATH else anchor
    base = b"" if below is not anchor else relative + b"/"
    subfolders = []
    try:
        for entry in sorted(os.scandir(fd), key=lambda entry: os.fsencode(entry.name)):
            name = os.fsencode(entry.name)
            path = shown + b"/" + name if shown else name
            if entry.is_dir(follow_symlinks=False):
                subfolders.append((below, base + name, path))
            elif entry.is_symlink() and _links_to_folder(name, fd):
                yield _skipped(key, stored_name(path), "symbolic link to a folder")
            else:
                yield _read_file(name, key, stored_name(path), fd)
    except OSError as error:
        yield InputFile(key, stored_name(shown), None, f"cannot read folder: {error.strerror or error}")
    finally:
        below.users += len(subfolders)
        stack.extend(reversed(subfolders))
        if below is anchor or below.users == 0:
            os.close(fd)


def _links_to_folder(name: bytes, folder_fd: int) -> bool:
    try:
        return stat.S_ISDIR(os.stat(name, dir_fd=folder_fd).st_mode)
    except OSError:  # dangling: reported when read as a file
        return False


# --- archives ----------------------------------------------------------------------------------------

class ArchiveError(Exception):
    """The archive is damaged or too large; what was read before still counts."""


# What a damaged, cut or oversized archive raises while being read.
ARCHIVE_ERRORS = (ArchiveError, tarfile.TarError, OSError, EOFError, lzma.LZMAError, zlib.error,
                  RecursionError)


class _Budget:
    """Decompressed bytes an archive may still expand to, over every pass that reads it."""

    def __init__(self, archive: Path) -> None:
        self.limit = ARCHIVE_BASE_BYTES + ARCHIVE_RATIO * archive.stat().st_size
        self.used = 0


class _Decompressed(io.RawIOBase):
    """A decompressed stream that only goes forward (seeking forward reads and drops, in large steps) and
    stops with ArchiveError once the archive's budget is spent. Going back would mean decompressing again
    from the start, so it is refused: reading stays linear in the archive's size."""

    SKIP_STEP = 1024 * 1024

    def __init__(self, stream: io.BufferedIOBase, budget: _Budget) -> None:
        super().__init__()
        self.stream, self.budget, self.position = stream, budget, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.position += len(data)
        self.budget.used += len(data)
        if self.budget.used > self.budget.limit:
            raise ArchiveError(f"stopped after decompressing {self.budget.limit} bytes (the limit for this "
                               f"archive: {ARCHIVE_BASE_BYTES} + {ARCHIVE_RATIO} times its size); "
                               "later members were not read")
        return data

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = offset + (self.position if whence == io.SEEK_CUR else 0)
        if whence == io.SEEK_END or target < self.position:
            raise ArchiveError("a compressed archive can only be read front to back")
        while self.position < target and self.read(min(target - self.position, self.SKIP_STEP)):
            pass
        return self.position


class _Header(tarfile.TarInfo):
    """tarfile's header reading, made strict: a damaged header is an error instead of a silent end of the
    archive, and an extended header too large to be real is refused before it is read into memory."""

    @classmethod
    def fromtarfile(cls, tar: tarfile.TarFile) -> tarfile.TarInfo:
        try:
            return super().fromtarfile(tar)
        except tarfile.EOFHeaderError:
            raise
        except tarfile.EmptyHeaderError:
            raise ArchiveError("the archive ends without its end marker (cut short?)") from None
        except tarfile.HeaderError as error:
            raise ArchiveError(f"damaged member header at byte {tar.offset}: {error}") from None

    def _proc_member(self, tar: tarfile.TarFile) -> tarfile.TarInfo:
        extended = (tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK, tarfile.XHDTYPE, tarfile.XGLTYPE,
                    tarfile.SOLARIS_XHDTYPE)
        if self.type in extended and self.size > MAX_TAR_HEADER_BYTES:
            raise ArchiveError(f"extended header of {self.size} bytes at byte {self.offset}")
        return super()._proc_member(tar)


def _members(archive: Path, budget: _Budget) -> Iterator[tuple[tarfile.TarFile, tarfile.TarInfo]]:
    """Members front to back, decompressed as a stream: skipping a member costs what it holds, no more."""
    with open(archive, "rb") as raw:
        magic = raw.read(8)
        raw.seek(0)
        opener = next((opener for prefix, opener in DECOMPRESSORS if magic.startswith(prefix)), None)
        stream = _Decompressed(opener(raw), budget) if opener else raw
        with tarfile.open(fileobj=stream, mode="r:", tarinfo=_Header) as tar:
            while (member := tar.next()) is not None:
                tar.members.clear()  # read once, front to back: keeping every header would grow without bound
                yield tar, member


def _member_path(name: str) -> str:
    return stored_name(name.removeprefix("./").rstrip("/") or ".")


def _iter_archive(archive: Path, key: str) -> Iterator[InputFile]:
    budget = _Budget(archive)
    links: dict[str, list[str]] = {}  # hard-link target -> the members that are links to it
    try:
        for tar, member in _members(archive, budget):
            path = _member_path(member.name)
            if member.isreg():
                yield _read_member(tar, member, key, path)
            elif member.islnk():
                links.setdefault(_member_path(member.linkname), []).append(path)
            elif member.issym():
                yield _skipped(key, path, f"symbolic link to {_member_path(member.linkname)}")
            else:
                kind = MEMBER_KINDS.get(member.type, f"member of type {member.type!r}")
                yield _skipped(key, path + "/" if member.isdir() else path, kind)
        if links:
            yield from _resolve_links(archive, key, budget, links)
    except ARCHIVE_ERRORS as error:
        yield InputFile(key, "", None, f"cannot read archive {stored_name(archive.name)}: {error}")
        for target, paths in links.items():
            yield from (InputFile(key, path, None, f"hard link to {target}: not resolved, the archive "
                                  "could not be read again") for path in paths)


def _read_member(tar: tarfile.TarFile, member: tarfile.TarInfo, key: str, path: str) -> InputFile:
    """The member's bytes; if the archive breaks inside them, the member says so (and the archive will)."""
    if member.size > MAX_FILE_BYTES:
        return InputFile(key, path, None, _too_large(member.size), member.size)
    try:
        handle = tar.extractfile(member)
        data = handle.read() if handle else b""
    except ARCHIVE_ERRORS as error:
        return InputFile(key, path, None, f"cannot read this member: {error}", member.size)
    return InputFile(key, path, data, None, len(data))


def _resolve_links(archive: Path, key: str, budget: _Budget, links: dict[str, list[str]]
                   ) -> Iterator[InputFile]:
    """Hard links (GNU tar stores a file's second name this way) get their target's content, read in a
    second pass over the archive: a stream cannot go back, and keeping every file in memory cannot last.
    Resolved links leave ``links``; what is left there when this stops is unresolved."""
    for tar, member in _members(archive, budget):
        paths = links.pop(_member_path(member.name), None) if member.isreg() else None
        if paths:
            content = _read_member(tar, member, key, "")
            yield from (replace(content, path=path) for path in paths)
        if not links:
            return
    for target in list(links):
        yield from (InputFile(key, path, None, f"hard link to {target}, which is not a file in the archive")
                    for path in links.pop(target))
