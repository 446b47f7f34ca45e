"""Walk the build's inputs: single files, folders (recursively) and tar archives read in place."""

from __future__ import annotations

import os
import stat
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Larger files are recorded as errors without reading them whole, so memory stays bounded.
MAX_FILE_BYTES = 20 * 1024 * 1024
ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2")


@dataclass
class InputFile:
    input: str  # the INPUT it came from (folder, archive or file name)
    path: str  # relative to that INPUT; inside archives the member path
    data: bytes | None  # None when the file could not be read
    error: str | None = None
    size: int = 0


def is_archive(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(ARCHIVE_SUFFIXES)


def input_name(path: Path) -> str:
    return path.resolve().name or str(path)


def iter_input_files(inputs: list[Path]) -> Iterator[InputFile]:
    """Every file of every input, in a stable order; unreadable ones come with an error instead of data."""
    for root in inputs:
        if is_archive(root):
            yield from _iter_archive(root)
        elif root.is_dir():
            yield from _iter_folder(root)
        elif root.exists():
            yield _read_file(root, input_name(root.parent), root.name)
        else:
            yield InputFile(input_name(root), "", None, f"input not found: {root}")


def _display(path: str) -> str:
    """File names that are not valid UTF-8 keep their bytes visible as escapes."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def _iter_folder(root: Path) -> Iterator[InputFile]:
    name = input_name(root)
    unreadable: list[OSError] = []
    for directory, subdirs, files in os.walk(root, onerror=unreadable.append):
        subdirs.sort()
        for file_name in sorted(files):
            full = Path(directory) / file_name
            yield _read_file(full, name, _display(str(full.relative_to(root))))
    for error in unreadable:  # a folder we could not list still gets a row, so nothing is silently lost
        folder = Path(error.filename or root)
        yield InputFile(name, _display(str(folder.relative_to(root))), None,
                        f"cannot read folder: {error.strerror or error}")


def _read_file(full: Path, input_label: str, relative: str) -> InputFile:
    """Regular files only (a named pipe would block, a device never ends), and never more than the limit."""
    try:
        info = full.stat()
        if not stat.S_ISREG(info.st_mode):
            return InputFile(input_label, relative, None, "not a regular file (pipe, device or socket)")
        if info.st_size > MAX_FILE_BYTES:
            return InputFile(input_label, relative, None, _too_large(info.st_size), info.st_size)
        with open(full, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return InputFile(input_label, relative, None, _too_large(len(data)), len(data))
        return InputFile(input_label, relative, data, None, len(data))
    except FileNotFoundError:
        return InputFile(input_label, relative, None, "broken symbolic link or file vanished")
    except OSError as error:
        return InputFile(input_label, relative, None, f"cannot read file: {error.strerror or error}")


def _too_large(size: int) -> str:
    return f"file too large: {size} bytes (limit {MAX_FILE_BYTES})"


def _iter_archive(archive: Path) -> Iterator[InputFile]:
    name = input_name(archive)
    try:
        # Stream mode reads compressed archives front to back without seeking.
        with tarfile.open(archive, mode="r|*") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                path = _display(member.name.removeprefix("./"))
                if member.size > MAX_FILE_BYTES:
                    yield InputFile(name, path, None, _too_large(member.size), member.size)
                    continue
                handle = tar.extractfile(member)
                data = handle.read() if handle else b""
                yield InputFile(name, path, data, None, len(data))
    except (tarfile.TarError, OSError, EOFError) as error:
        yield InputFile(name, "", None, f"cannot read archive {archive.name}: {error}")
