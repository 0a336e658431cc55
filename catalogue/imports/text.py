"""Read text exhibitor lists: CSV (UTF-8 with or without BOM, GBK/GB18030; comma, tab or semicolon)
and JSON (an array of objects whose keys are headers)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Sequence

from catalogue.imports.headers import match_header
from catalogue.imports.sheet import (
    EXPECTED_HEADERS,
    SURROGATE,
    CellCounter,
    Limits,
    Rows,
    Sheet,
    UnreadableFile,
    build_sheet,
    column_label,
    find_header,
    no_header,
    quote,
    to_text,
    trim,
)
from catalogue.messages import N_


def read_csv(data: bytes, limits: Limits) -> Sheet:
    """Decode, sniff the delimiter, find the header row and read the records."""
    text, encoding = _decode(data)
    first_seen: Sequence[str] | None = None
    for delimiter in _delimiter_order(text):
        rows = _csv_rows(text, delimiter, limits.max_cells)
        header, first = find_header(rows)
        if first_seen is None:
            first_seen = first
        if header is not None:
            if encoding == MIXED:
                raise _mixed_encoding(header, rows)
            return build_sheet(header[0], header[1], rows, limits, encoding)
    if encoding == MIXED:
        raise _mixed_encoding(None, _csv_rows(text, _delimiter_order(text)[0], limits.max_cells))
    raise no_header(first_seen)


MIXED = "utf-8 with undecodable bytes"  # the encoding _decode reports for mostly-UTF-8 text
MAX_PLACES = 5  # places of undecodable bytes named in the refusal


def _decode(data: bytes) -> tuple[str, str]:
    """Decode strictly as UTF-8 (with or without BOM), then GB18030; refuse anything else.

    Text that is UTF-8 but for a few bytes (a GBK cell pasted into a UTF-8 file) is not guessed at:
    it comes back with those bytes as surrogate escapes and the encoding MIXED, for a refusal that
    names where they are."""
    bom = data.startswith(codecs.BOM_UTF8)
    if _mostly_utf8(data):
        return data.decode("utf-8-sig" if bom else "utf-8", "surrogateescape"), MIXED
    failures: list[tuple[int, int]] = []
    for encoding in ("utf-8-sig" if bom else "utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as error:
            offset = error.start + (len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0)
            failures.append((offset, data[offset] if offset < len(data) else 0))
    offset, byte = max(failures)
    line = data.count(b"\n", 0, offset) + 1
    raise UnreadableFile(N_(
        "The file is not UTF-8, GBK or GB18030 text (first undecodable byte %(byte)s at offset %(offset)s, "
        "line %(line)s); save it as UTF-8 CSV", byte=f"0x{byte:02X}", offset=offset, line=line)
    )


def _mostly_utf8(data: bytes) -> bool:
    """True when data is not UTF-8, yet UTF-8 but for a few bytes (bad ones, beside many good characters).

    "A few": the valid characters of three or four UTF-8 bytes (Chinese among them) are at least a
    quarter as many as the bad bytes, or all valid non-ASCII characters twice as many. Chinese saved as
    GBK/GB18030 and read as UTF-8 is far below both: over the demo catalogue 0.023 and 0.25 (at most
    0.065 and 0.53 in any one of its rows), so such a file is still read as GB18030."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", "surrogateescape")
    else:
        return False
    bad = len(_ESCAPED.findall(text))
    valid = sum(1 for char in text if char >= "\x80") - bad
    wide = sum(1 for char in text if char >= "\u0800") - bad
    return 4 * wide >= bad or valid >= 2 * bad


_ESCAPED = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, as errors="surrogateescape" decodes it


def _mixed_encoding(header: tuple[int, Sequence[str]] | None, rows: Rows) -> UnreadableFile:
    """The refusal of mostly-UTF-8 text, naming the rows and columns that hold the other bytes."""
    headers = header[1] if header else ()
    places: list[tuple[int, str, str]] = []
    count = 0
    for number, cells in ([header] if header else []) + list(rows):
        for index, cell in enumerate(cells):
            found = list(_ESCAPED.finditer(cell))
            if found:
                count += 1
                if len(places) < MAX_PLACES:
                    start = len(cell[: found[0].start()].encode("utf-8", "surrogateescape"))
                    end = len(cell[: found[-1].end()].encode("utf-8", "surrogateescape"))
                    raw = cell.encode("utf-8", "surrogateescape")[start:end]
                    shown = " ".join(f"{byte:02X}" for byte in raw[:12]) + (" …" if len(raw) > 12 else "")
                    places.append((number, column_label(index, headers), shown))
    listed = [N_("row %(row)s, column %(column)s (bytes %(bytes)s);", row=r, column=c, bytes=b) for r, c, b in places]
    if listed:  # the last place without the separator
        listed[-1] = N_("row %(row)s, column %(column)s (bytes %(bytes)s)", row=places[-1][0],
                        column=places[-1][1], bytes=places[-1][2])
    if count > len(places):
        listed.append(N_("and %(count)s more cell(s)", count=count - len(places)))
    return UnreadableFile(N_(
        "The file is UTF-8 text except for bytes that are not UTF-8 (perhaps text pasted from a GBK file) in "
        "%(places)s. Retype those cells, or save the whole file as UTF-8 CSV again", places=listed))


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


def _csv_rows(text: str, delimiter: str, max_cells: int) -> Rows:
    """Yield (record number, cells); a quoted multi-line cell is still one record."""
    counter = CellCounter(max_cells)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise UnreadableFile(N_("The CSV file is malformed at line %(line)s: %(reason)s",
                                                line=reader.line_num, reason=_csv_reason(error))) from error
        number += 1
        counter.add(len(cells))
        yield number, trim(cells, number)


def _csv_reason(error: csv.Error) -> str:
    """Phrase a csv module error for a person."""
    text = str(error)
    if "field larger than field limit" in text:
        return N_("a cell is longer than %(limit)s characters", limit=f"{csv.field_size_limit():,}")
    return text


def read_json(data: bytes, limits: Limits) -> Sheet:
    """Read a JSON array of objects (or {"rows": [...]}) whose keys are headers."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(N_("The JSON file is not UTF-8 text (offset %(offset)s)", offset=error.start)) from error
    try:
        document = json.loads(text)
    except RecursionError as error:
        raise UnreadableFile(N_("The JSON file is nested too deeply")) from error
    except ValueError as error:
        raise UnreadableFile(N_("The file is not valid JSON (%(why)s)", why=error)) from error
    items = document.get("rows") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise UnreadableFile(N_('The JSON file must be an array of objects, or an object with a "rows" array'))
    keys: dict[str, None] = {}
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise UnreadableFile(N_("Item %(position)s of the JSON rows is not an object", position=position))
        keys.update(dict.fromkeys(item))
    if not keys:
        raise UnreadableFile(N_("The JSON file contains no rows"))
    headers = trim([SURROGATE.sub("\ufffd", key) for key in keys], 1)
    if not any(match_header(header) for header in headers):
        found = ", ".join(quote(header) for header in headers[:10])
        raise UnreadableFile(N_("No JSON key is a known header (found %(found)s); expected keys such as %(expected)s",
                                   found=found, expected=EXPECTED_HEADERS))
    rows = _json_rows(items, list(keys)[: len(headers)])
    return build_sheet(1, headers, rows, limits, None, repair_cells=True)


def _json_rows(items: list[dict[str, object]], keys: list[str]) -> Rows:
    """Yield (row number, cells) with item k as row k + 1 (the header is row 1)."""
    for position, item in enumerate(items, start=1):
        number = position + 1
        yield number, [_json_text(item.get(key), number, key) for key in keys]


def _json_text(value: object, number: int, key: str) -> str:
    """Render a JSON value as text: strings, numbers, booleans, null; lists of those are joined."""
    if isinstance(value, list) and all(not isinstance(v, list | dict) for v in value):
        return ", ".join(to_text(v) for v in value if v is not None)
    if isinstance(value, list | dict):
        raise UnreadableFile(N_("Row %(row)s, key %(key)s: a nested JSON object is not allowed", row=number,
                                   key=quote(key)))
    return to_text(value)
