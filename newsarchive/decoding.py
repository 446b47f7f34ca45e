"""Bytes to text: BOMs, UTF-8, UTF-16, GB18030/GBK and Big5, with clear errors for empty and binary files."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Encodings our sources actually use; restricting the detector keeps it fast and stops exotic guesses.
CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16_le", "utf_16_be", "cp1252", "shift_jis", "euc_kr"]
CONTROL_BYTES = bytes(sorted(set(range(0, 32)) - {9, 10, 12, 13}))


class DecodeError(Exception):
    """The bytes are not text we can read (empty, binary, unknown encoding)."""


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Return (text, encoding name, warnings). Raises DecodeError for empty or binary input."""
    if not data.strip():
        raise DecodeError("empty file" if not data else "file holds only whitespace")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _decode_lenient(data, encoding)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _decode_lenient(data, utf16)
    if _looks_binary(data):
        raise DecodeError("binary file (control bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3 and error.reason == "unexpected end of data":
            warning = "truncated: file ends inside a UTF-8 character"
            return data[: error.start].decode("utf-8"), "utf-8", [warning]
    return _detect(data)


def _decode_lenient(data: bytes, encoding: str) -> tuple[str, str, list[str]]:
    try:
        return data.decode(encoding), encoding, []
    except UnicodeDecodeError as error:
        text = data.decode(encoding, errors="replace")
        return text, encoding, [f"invalid {encoding} bytes at offset {error.start}; replaced"]


def _utf16_without_bom(data: bytes) -> str | None:
    """Text that would look binary (NULs, control bytes) may be UTF-16 without a BOM."""
    if len(data) % 2 or not _looks_binary(data):
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data[:8000].decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(1 for char in text if char.isprintable() or char in "\n\r\t")
        if printable / len(text) > 0.98:
            return encoding
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8000]
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))  # counted in C, not byte by byte
    return b"\x00" in sample or controls / len(sample) > 0.05


def _detect(data: bytes) -> tuple[str, str, list[str]]:
    best = from_bytes(data, cp_isolation=CANDIDATES).best()
    if best is None:
        raise DecodeError("unknown text encoding (not UTF-8, UTF-16, GB18030 or Big5)")
    encoding = best.encoding
    if encoding in ("gb2312", "gbk"):
        encoding = "gb18030"  # a superset: decodes every GBK file and more
    return data.decode(encoding, errors="replace"), encoding, []
