"""Read an exhibitor list (CSV, XLSX or JSON bytes) into rows of cleaned text.

Pure: no Flask, no database. Any bytes either give a `Sheet` or raise `UnreadableFile`.
"""

from __future__ import annotations

import codecs
import copy
import csv
import datetime as dt
import io
import json
import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import defusedxml  # noqa: F401  (openpyxl parses XML safely only when defusedxml is installed)
import openpyxl
from openpyxl.worksheet.formula import ArrayFormula

from catalogue.imports.headers import DESCRIPTION_FIELDS, match_header

if not openpyxl.DEFUSEDXML:
    raise ImportError("openpyxl is not using defusedxml; install it and unset OPENPYXL_DEFUSEDXML")

MIB = 1024 * 1024
XLSX_MAX_MEMBERS = 10_000
XLSX_MAX_UNCOMPRESSED = 256 * MIB
XLSX_MAX_RATIO = 200
XLSX_RATIO_MIN_BYTES = 1 * MIB
MAX_TITLE_ROWS = 10
MAX_COLUMNS = 1_000
_CHUNK = 64 * 1024
_SNIFF_BYTES = 8 * 1024

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

# Surrounding whitespace removed from every cell (Unicode spaces, NBSP, ideographic space,
# zero-width no-break space); the other C0/C1 controls are reported, not stripped.
_SPACE = (
    " \t\n\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff\u200b"
)
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_FOLD = re.compile(r"\s*[\t\n\r]\s*")
_OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")
_UNNEUTRALISE = frozenset("=+-@\t\r")
_EXPECTED = "Enterprise, 企业名称, Booth, 展位号, Exhibit, 展品名称"


@dataclass(frozen=True)
class Limits:
    """Configurable limits of one import file."""

    max_bytes: int = 20 * MIB
    max_rows: int = 50_000
    max_cell_chars: int = 5_000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Problem:
    """One cell-level error, shown to the user."""

    row: int | None
    column: str | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        """Render as "Row 7, column C (Credit Code): reason"."""
        place = []
        if self.row is not None:
            place.append(f"Row {self.row}")
        if self.column is not None:
            place.append(f"column {self.column}")
        if not place:
            return self.reason
        prefix = ", ".join(place)
        return f"{prefix[0].upper()}{prefix[1:]}: {self.reason}"


@dataclass(frozen=True)
class SourceRow:
    """One data row: its spreadsheet number, cleaned mapped values and original cells."""

    number: int
    values: dict[str, str]
    cells: tuple[str, ...]


@dataclass
class Sheet:
    """The table read from a file: headers, their fields, data rows and cell problems."""

    headers: tuple[str, ...]
    fields: dict[str, int]
    rows: list[SourceRow]
    problems: list[Problem]
    encoding: str | None
    ignored_headers: tuple[str, ...]

    def column_label(self, field: str) -> str:
        """Return the human label of a field's column, e.g. "C (Credit Code)"."""
        return _label(self.fields[field], self.headers)


class UnreadableFile(Exception):
    """A file-level refusal; str(error) is a message for the user."""


Rows = Iterator[tuple[int, Sequence[str]]]
T = TypeVar("T")


def read_table(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Sheet:
    """Read CSV, XLSX or JSON bytes into a Sheet, or raise UnreadableFile."""
    if not data:
        raise UnreadableFile("The file is empty")
    if len(data) > limits.max_bytes:
        raise UnreadableFile(f"The file is {_size(len(data))}; the limit is {_size(limits.max_bytes)}")
    kind = _detect(data, filename)
    if kind == "xlsx":
        return _read_xlsx(data, limits)
    if kind == "json":
        return _read_json(data, limits)
    return _read_csv(data, limits)


# --- format detection -------------------------------------------------------------------


def _detect(data: bytes, filename: str) -> str:
    """Return 'xlsx', 'json' or 'csv' from the content, or refuse a known non-spreadsheet."""
    head = data[:_SNIFF_BYTES]
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(_OLE2):
        raise UnreadableFile(_ole2_message(data))
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            raise UnreadableFile(f"The file looks like {what}, not a spreadsheet")
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise UnreadableFile("The file is UTF-32 text; save it as UTF-8 CSV")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(head):
        raise UnreadableFile("The file is UTF-16 text; save it as UTF-8 CSV")
    start = head.removeprefix(codecs.BOM_UTF8).lstrip()
    markup = _markup_kind(start[:512].lower())
    if markup:
        raise UnreadableFile(f"The file looks like {markup}, not a spreadsheet; save it as .xlsx or CSV")
    if b"\x00" in head:
        raise UnreadableFile("The file contains binary data (NUL bytes), not CSV text")
    if filename.lower().endswith(".json") and start[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def _ole2_message(data: bytes) -> str:
    """Name the kind of old Office (OLE2) file."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "The workbook is password-protected; remove the password, save it and upload it again"
    if "WordDocument".encode("utf-16-le") in data:
        return "The file looks like an old Word (.doc) document, not a spreadsheet"
    return "This is an old Excel 97–2003 (.xls) file; save it as .xlsx or CSV"


def _looks_utf16(head: bytes) -> bool:
    """Guess UTF-16 without a BOM: NUL bytes at nearly every even or every odd offset."""
    if len(head) < 4 or b"\x00" not in head:
        return False
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return max(even, odd) > len(head) * 0.15 and min(even, odd) * 10 < max(even, odd)


def _markup_kind(start: bytes) -> str | None:
    """Name HTML or XML content (web pages and XML spreadsheets saved with a spreadsheet name)."""
    if start.startswith((b"<!doctype html", b"<html", b"<table")):
        return "an HTML web page"
    if start.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in start:
            return "an Excel 2003 XML spreadsheet"
        return "an XML document"
    return None


# --- CSV --------------------------------------------------------------------------------


def _read_csv(data: bytes, limits: Limits) -> Sheet:
    """Decode, sniff the delimiter, find the header row and read the records."""
    text, encoding = _decode(data)
    first_seen: Sequence[str] | None = None
    for delimiter in _delimiter_order(text):
        rows = _csv_rows(text, delimiter)
        header, first = _find_header(rows)
        if first_seen is None:
            first_seen = first
        if header is not None:
            return _build_sheet(header[0], header[1], rows, limits, encoding)
    raise _no_header(first_seen)


def _decode(data: bytes) -> tuple[str, str]:
    """Decode strictly as UTF-8 (with or without BOM), then GB18030; refuse anything else."""
    bom = data.startswith(codecs.BOM_UTF8)
    failures: list[tuple[int, int]] = []
    for encoding in ("utf-8-sig" if bom else "utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as error:
            offset = error.start + (len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0)
            failures.append((offset, data[offset] if offset < len(data) else 0))
    offset, byte = max(failures)
    line = data.count(b"\n", 0, offset) + 1
    raise UnreadableFile(
        "The file is not UTF-8, GBK or GB18030 text "
        f"(first undecodable byte 0x{byte:02X} at offset {offset}, line {line}); save it as UTF-8 CSV"
    )


def _delimiter_order(text: str) -> tuple[str, ...]:
    """Comma first, unless the first delimited line has no comma but a tab or semicolon."""
    for line in io.StringIO(text[:65536]):
        if "," in line:
            break
        if "\t" in line:
            return ("\t", ",", ";")
        if ";" in line:
            return (";", ",", "\t")
    return (",", "\t", ";")


def _csv_rows(text: str, delimiter: str) -> Rows:
    """Yield (record number, cells); a quoted multi-line cell is still one record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise UnreadableFile(f"The CSV file is malformed at line {reader.line_num}: {_csv_reason(error)}") from error
        number += 1
        yield number, _trim(cells, number)


def _csv_reason(error: csv.Error) -> str:
    """Phrase a csv module error for a person."""
    text = str(error)
    if "field larger than field limit" in text:
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    return text


# --- XLSX -------------------------------------------------------------------------------


def _read_xlsx(data: bytes, limits: Limits) -> Sheet:
    """Check the archive, then read the first worksheet with openpyxl (read-only, no formulas run)."""
    _check_zip(data)
    with warnings.catch_warnings():
        # openpyxl warns about features it drops (extensions, default styles); irrelevant here.
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        try:
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
        except Exception as error:  # openpyxl raises many types on damaged workbooks
            raise UnreadableFile(f"The Excel workbook could not be opened ({_why(error)})") from error
        try:
            if not workbook.worksheets:
                raise UnreadableFile("The Excel workbook has no worksheet")
            rows = _guarded(_xlsx_rows(workbook.worksheets[0]))
            header, first = _find_header(rows)
            if header is None:
                raise _no_header(first)
            return _build_sheet(header[0], header[1], rows, limits, None)
        finally:
            workbook.close()


def _check_zip(data: bytes) -> None:
    """Refuse archives that are not workbooks or that unpack too far (zip bombs, lying sizes)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as error:  # zipfile raises many types on crafted archives
        raise UnreadableFile(f"The file looks like a ZIP/Excel file but is damaged ({_why(error)})") from error
    with archive:
        infos = archive.infolist()
        if len(infos) > XLSX_MAX_MEMBERS:
            raise UnreadableFile(
                f"The workbook has {len(infos):,} parts; the limit is {XLSX_MAX_MEMBERS:,}"
            )
        names = {info.filename.lower() for info in infos}
        if "xl/workbook.xml" not in names:
            raise UnreadableFile(_not_workbook_message(names))
        declared = sum(info.file_size for info in infos)
        if declared > XLSX_MAX_UNCOMPRESSED:
            raise UnreadableFile(
                f"The workbook unpacks to {_size(declared)}; the limit is {_size(XLSX_MAX_UNCOMPRESSED)}"
            )
        for info in infos:
            _check_member(info)
        total = 0
        for info in infos:
            total = _drain(archive, info, total)


def _not_workbook_message(names: set[str]) -> str:
    """Name a ZIP that is some other document."""
    if "word/document.xml" in names:
        return "This is a Word document (.docx), not an Excel workbook"
    if "ppt/presentation.xml" in names:
        return "This is a PowerPoint presentation (.pptx), not an Excel workbook"
    if "mimetype" in names and "content.xml" in names:
        return "This is an OpenDocument file (.ods/.odt), not an Excel workbook; save it as .xlsx or CSV"
    return "This is a ZIP archive but not an Excel workbook"


def _check_member(info: zipfile.ZipInfo) -> None:
    """Refuse a member with an unusual compression method or a bomb-like compression ratio."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UnreadableFile(f"The workbook part {info.filename!r} uses an unsupported compression method")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > XLSX_RATIO_MIN_BYTES and ratio > XLSX_MAX_RATIO:
        raise UnreadableFile(
            f"The workbook part {info.filename!r} is compressed {ratio:,.0f} times "
            f"(the limit is {XLSX_MAX_RATIO}); it looks like a zip bomb"
        )


def _drain(archive: zipfile.ZipFile, info: zipfile.ZipInfo, total: int) -> int:
    """Decompress one member in chunks, refusing it past its declared size or the total cap."""
    probe = copy.copy(info)
    # Let zipfile read past the declared size, so a lying size shows up in our count.
    probe.file_size = info.file_size + 2 * _CHUNK
    produced = 0
    try:
        with archive.open(probe) as member:
            while chunk := member.read(_CHUNK):
                produced += len(chunk)
                total += len(chunk)
                if produced > info.file_size:
                    raise UnreadableFile(
                        f"The workbook part {info.filename!r} unpacks to more than its declared "
                        "size; the file is damaged or malicious"
                    )
                if total > XLSX_MAX_UNCOMPRESSED:
                    raise UnreadableFile(
                        f"The workbook unpacks to more than {_size(XLSX_MAX_UNCOMPRESSED)}"
                    )
    except UnreadableFile:
        raise
    except Exception as error:  # bad CRC, encrypted member, corrupt deflate stream, ...
        raise UnreadableFile(
            f"The workbook part {info.filename!r} is damaged ({_why(error)})"
        ) from error
    return total


def _xlsx_rows(worksheet: Any) -> Rows:
    """Yield (row number, cells as text) of a read-only worksheet, ignoring its stated size."""
    worksheet.reset_dimensions()  # a wrong stored size would otherwise drop or invent rows
    for number, cells in enumerate(worksheet.iter_rows(), start=1):
        values = tuple(_shown_value(cell) for cell in cells)
        yield number, [_ooxml_unescape(_to_text(value)) for value in _trim(values, number)]


def _shown_value(cell: Any) -> object:
    """A cell's value; a whole number formatted with leading zeros (format "000") as Excel shows it."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        pattern = getattr(cell, "number_format", "") or ""
        if _ZERO_PADDED.fullmatch(pattern) and value >= 0:
            return str(int(value)).zfill(len(pattern))
    return value


_ZERO_PADDED = re.compile(r"0+")


def _ooxml_unescape(text: str) -> str:
    """Decode Excel's _xHHHH_ escapes (e.g. _x000D_ for a carriage return), as Excel shows them."""
    if "_x" not in text:
        return text
    return _OOXML_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


def _guarded(rows: Rows) -> Rows:
    """Pass rows through, turning any reader error into UnreadableFile."""
    while True:
        try:
            item = next(rows)
        except StopIteration:
            return
        except UnreadableFile:
            raise
        except Exception as error:  # openpyxl raises many types on damaged worksheets
            raise UnreadableFile(f"The worksheet could not be read ({_why(error)})") from error
        yield item


def _to_text(value: object) -> str:
    """Render a cell value as text; formulas stay as their "=..." text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, ArrayFormula):
        return value.text or ""
    return str(value)


# --- JSON -------------------------------------------------------------------------------


def _read_json(data: bytes, limits: Limits) -> Sheet:
    """Read a JSON array of objects (or {"rows": [...]}) whose keys are headers."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"The JSON file is not UTF-8 text (offset {error.start})") from error
    try:
        document = json.loads(text)
    except RecursionError as error:
        raise UnreadableFile("The JSON file is nested too deeply") from error
    except ValueError as error:
        raise UnreadableFile(f"The file is not valid JSON ({error})") from error
    items = document.get("rows") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise UnreadableFile('The JSON file must be an array of objects, or an object with a "rows" array')
    keys: dict[str, None] = {}
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise UnreadableFile(f"Item {position} of the JSON rows is not an object")
        keys.update(dict.fromkeys(item))
    if not keys:
        raise UnreadableFile("The JSON file contains no rows")
    headers = _trim([_SURROGATE.sub("\ufffd", key) for key in keys], 1)
    if not any(match_header(header) for header in headers):
        found = ", ".join(_quote(header) for header in headers[:10])
        raise UnreadableFile(f"No JSON key is a known header (found {found}); expected keys such as {_EXPECTED}")
    rows = _json_rows(items, list(keys)[: len(headers)])
    return _build_sheet(1, headers, rows, limits, None, repair_cells=True)


def _json_rows(items: list[dict[str, object]], keys: list[str]) -> Rows:
    """Yield (row number, cells) with item k as row k + 1 (the header is row 1)."""
    for position, item in enumerate(items, start=1):
        number = position + 1
        yield number, [_json_text(item.get(key), number, key) for key in keys]


def _json_text(value: object, number: int, key: str) -> str:
    """Render a JSON value as text: strings, numbers, booleans, null; lists of those are joined."""
    if isinstance(value, list) and all(not isinstance(v, list | dict) for v in value):
        return ", ".join(_to_text(v) for v in value if v is not None)
    if isinstance(value, list | dict):
        raise UnreadableFile(f"Row {number}, key {_quote(key)}: a nested JSON object is not allowed")
    return _to_text(value)


# --- the table --------------------------------------------------------------------------


def _trim(cells: Sequence[T], number: int) -> Sequence[T]:
    """Drop blank cells beyond MAX_COLUMNS; refuse a row with values beyond it."""
    if len(cells) <= MAX_COLUMNS:
        return cells
    tail = cells[MAX_COLUMNS:]
    if tail.count(None) + tail.count("") != len(tail):
        raise UnreadableFile(f"Row {number} has values beyond column {_letter(MAX_COLUMNS - 1)}; the limit is {MAX_COLUMNS:,} columns")
    return cells[:MAX_COLUMNS]


def _find_header(rows: Rows) -> tuple[tuple[int, Sequence[str]] | None, Sequence[str] | None]:
    """Return the first row naming at least two fields (after up to 10 title rows) and the first non-blank row."""
    first: Sequence[str] | None = None
    for _ in range(MAX_TITLE_ROWS + 1):
        item = next(rows, None)
        if item is None:
            break
        number, cells = item
        if first is None and not _is_blank(cells):
            first = cells
        matched = {match_header(cell) for cell in cells if cell.strip(_SPACE)}
        matched.discard(None)
        if len(matched) >= 2:
            return (number, cells), first
    return None, first


def _no_header(first: Sequence[str] | None) -> UnreadableFile:
    """Build the refusal for a file without a recognisable header row."""
    if first is None:
        return UnreadableFile("The file contains no rows")
    found = [_quote(cell.strip(_SPACE)) for cell in first if cell.strip(_SPACE)]
    shown = ", ".join(found[:10]) + (", …" if len(found) > 10 else "")
    return UnreadableFile(
        f"No header row found in the first {MAX_TITLE_ROWS + 1} rows; the first row has {shown}. "
        f"Expected at least two headers such as {_EXPECTED}"
    )


def _map_headers(headers: Sequence[str]) -> tuple[dict[str, int], tuple[str, ...]]:
    """Map header cells to fields; refuse two columns for one field."""
    fields: dict[str, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        if not header.strip(_SPACE):
            continue
        field = match_header(header)
        if field is None:
            ignored.append(header.strip(_SPACE))
        elif field in fields:
            raise UnreadableFile(
                f"Columns {_label(fields[field], headers)} and {_label(index, headers)} "
                f"are both the {field} column; keep one of them"
            )
        else:
            fields[field] = index
    return fields, tuple(ignored)


def _build_sheet(
    header_number: int,
    header_cells: Sequence[str],
    rows: Rows,
    limits: Limits,
    encoding: str | None,
    repair_cells: bool = False,
) -> Sheet:
    """Read the data rows under a header row into a Sheet."""
    headers = _strip_trailing_blanks(header_cells)
    fields, ignored = _map_headers(headers)
    labels = {field: _label(index, headers) for field, index in fields.items()}
    sheet_rows: list[SourceRow] = []
    problems: list[Problem] = []
    for number, cells in rows:
        if number <= header_number or _is_blank(cells):
            continue
        if len(sheet_rows) >= limits.max_rows:
            raise UnreadableFile(
                f"The file has more than {limits.max_rows:,} rows of data; the limit is {limits.max_rows:,}"
            )
        values: dict[str, str] = {}
        for field, index in fields.items():
            raw = cells[index] if index < len(cells) else ""
            values[field], reasons = _clean(raw, field, limits.max_cell_chars)
            problems.extend(Problem(number, labels[field], field, reason) for reason in reasons)
        original = _row_cells(cells, len(headers), repair_cells)
        sheet_rows.append(SourceRow(number=number, values=values, cells=original))
    return Sheet(
        headers=headers,
        fields=fields,
        rows=sheet_rows,
        problems=problems,
        encoding=encoding,
        ignored_headers=ignored,
    )


def _strip_trailing_blanks(cells: Sequence[str]) -> tuple[str, ...]:
    """Drop blank cells at the end of a row."""
    end = len(cells)
    while end and not cells[end - 1].strip(_SPACE):
        end -= 1
    return tuple(cells[:end])


def _row_cells(cells: Sequence[str], width: int, repair: bool) -> tuple[str, ...]:
    """Return a row's original cells, padded to the header width, without empty ones beyond it."""
    original = list(cells)
    while len(original) > width and not original[-1]:
        original.pop()
    original.extend([""] * (width - len(original)))
    if repair:
        original = [_SURROGATE.sub("\ufffd", cell) for cell in original]
    return tuple(original)


def _is_blank(cells: Sequence[str]) -> bool:
    """Tell whether every cell of a row is blank."""
    return all(not cell.strip(_SPACE) for cell in cells)


def _clean(raw: str, field: str, max_chars: int) -> tuple[str, list[str]]:
    """Clean one mapped cell; return the text and the reasons it is unacceptable."""
    value = raw
    if len(value) > 1 and value[0] == "'" and value[1] in _UNNEUTRALISE:
        value = value[1:]
    value = value.strip(_SPACE)
    reasons: list[str] = []
    if not value.isprintable():
        bad = _BAD_CHAR.search(value)
        if bad is not None:
            reasons.append(_bad_char_reason(bad.group()))
            value = _BAD_CHAR.sub("", value).strip(_SPACE)
        if field in DESCRIPTION_FIELDS:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        else:
            value = _FOLD.sub(" ", value)
    if len(value) > max_chars:
        reasons.append(f"is {len(value):,} characters long; the limit is {max_chars:,}")
    return value, reasons


def _bad_char_reason(char: str) -> str:
    """Phrase the first unacceptable character of a cell."""
    if _SURROGATE.match(char):
        return f"contains an invalid character (U+{ord(char):04X})"
    return f"contains a control character (U+{ord(char):04X})"


# --- small helpers ----------------------------------------------------------------------


def _letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _label(index: int, headers: Sequence[str]) -> str:
    """Return "C (Credit Code)": the column letter and its original header."""
    header = headers[index].strip(_SPACE) if index < len(headers) else ""
    return f"{_letter(index)} ({header})" if header else _letter(index)


def _quote(text: str) -> str:
    """Quote a cell for a message, shortening long ones."""
    short = text if len(text) <= 40 else text[:39] + "…"
    return f'"{short}"'


def _size(count: int) -> str:
    """Render a byte count: "20 MiB", "1.5 MiB", "300 KiB", "512 bytes"."""
    for unit, scale in (("GiB", 1024**3), ("MiB", MIB), ("KiB", 1024)):
        if count >= scale:
            return f"{count / scale:,.1f}".removesuffix(".0") + f" {unit}"
    return f"{count:,} bytes"


def _why(error: BaseException) -> str:
    """Summarise an internal error for a message."""
    text = str(error).strip()
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__
