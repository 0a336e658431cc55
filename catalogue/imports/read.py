"""Read an exhibitor list (CSV, XLSX or JSON bytes) into rows of cleaned text.

Pure: no Flask, no database. Any bytes either give a `Sheet` or raise `UnreadableFile`.
"""

from __future__ import annotations

import codecs
import importlib.util
import os

from catalogue.imports.sheet import (
    DEFAULT_LIMITS,
    Limits,
    Problem,
    Sheet,
    SourceRow,
    UnreadableFile,
    size_text,
)
from catalogue.imports.text import read_csv, read_json
from catalogue.messages import N_, Message

__all__ = ["Limits", "Problem", "Sheet", "SourceRow", "UnreadableFile", "read_table"]

_SNIFF_BYTES = 8 * 1024


def require_safe_xml() -> None:
    """Refuse to start where openpyxl would parse workbooks without defusedxml (it is missing, or
    OPENPYXL_DEFUSEDXML turns it off): what catalogue/imports/xlsx.py checks when it is imported,
    asked at start-up without importing openpyxl (which a serving process never loads)."""
    if importlib.util.find_spec("defusedxml") is None or os.environ.get("OPENPYXL_DEFUSEDXML", "True") != "True":
        raise RuntimeError("openpyxl would not use defusedxml; install it and unset OPENPYXL_DEFUSEDXML")


_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", N_("a PDF document")),
    (b"\x89PNG\r\n\x1a\n", N_("a PNG image")),
    (b"GIF87a", N_("a GIF image")),
    (b"GIF89a", N_("a GIF image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"\x1f\x8b", N_("a gzip archive")),
    (b"Rar!\x1a\x07", N_("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", N_("a 7-Zip archive")),
    (b"{\\rtf", N_("an RTF document")),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def read_table(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Sheet:
    """Read CSV, XLSX or JSON bytes into a Sheet, or raise UnreadableFile."""
    if not data:
        raise UnreadableFile(N_("The file is empty"))
    if len(data) > limits.max_bytes:
        raise UnreadableFile(N_("The file is %(size)s; the limit is %(limit)s", size=size_text(len(data)),
                                            limit=size_text(limits.max_bytes)))
    kind = _detect(data, filename)
    if kind == "xlsx":
        from catalogue.imports.xlsx import read_xlsx  # openpyxl (8 MB) only when a workbook arrives

        return read_xlsx(data, limits)
    if kind == "json":
        return read_json(data, limits)
    return read_csv(data, limits)



def _detect(data: bytes, filename: str) -> str:
    """Return 'xlsx', 'json' or 'csv' from the content, or refuse a known non-spreadsheet."""
    head = data[:_SNIFF_BYTES]
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(_OLE2):
        raise UnreadableFile(_ole2_message(data))
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            raise UnreadableFile(N_("The file looks like %(what)s, not a spreadsheet", what=what))
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise UnreadableFile(N_("The file is UTF-32 text; save it as UTF-8 CSV"))
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(head):
        raise UnreadableFile(N_("The file is UTF-16 text; save it as UTF-8 CSV"))
    start = head.removeprefix(codecs.BOM_UTF8).lstrip()
    markup = _markup_kind(start[:512].lower())
    if markup:
        raise UnreadableFile(N_("The file looks like %(what)s, not a spreadsheet; save it as .xlsx or CSV", what=markup))
    if b"\x00" in head:
        raise UnreadableFile(N_("The file contains binary data (NUL bytes), not CSV text"))
    if filename.lower().endswith(".json") and start[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def _ole2_message(data: bytes) -> Message:
    """Name the kind of old Office (OLE2) file."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return N_("The workbook is password-protected; remove the password, save it and upload it again")
    if "WordDocument".encode("utf-16-le") in data:
        return N_("The file looks like an old Word (.doc) document, not a spreadsheet")
    return N_("This is an old Excel 97–2003 (.xls) file; save it as .xlsx or CSV")


def _looks_utf16(head: bytes) -> bool:
    """Guess UTF-16 without a BOM: NUL bytes at nearly every even or every odd offset."""
    if len(head) < 4 or b"\x00" not in head:
        return False
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return max(even, odd) > len(head) * 0.15 and min(even, odd) * 10 < max(even, odd)


def _markup_kind(start: bytes) -> str | None:
    """Name HTML or XML content (web pages and XML spreadsheets saved with a spreadsheet name)."""
    if start.startswith((b"<!doctype html", b"<html", b"<table")):
        return N_("an HTML web page")
    if start.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in start:
            return N_("an Excel 2003 XML spreadsheet")
        return N_("an XML document")
    return None
