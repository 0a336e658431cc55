"""The table read from an exhibitor list: limits, cell problems, rows, and the shared steps that turn
any format's rows into a Sheet (header row, column mapping, cell cleaning). Pure: no Flask, no database."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from catalogue.catalog.rules import control_character, formula_start, tidy_text
from catalogue.imports.headers import DESCRIPTION_FIELDS, match_header
from catalogue.messages import N_

MIB = 1024 * 1024
MAX_TITLE_ROWS = 10
MAX_COLUMNS = 1_000

# Surrounding whitespace removed from every cell (Unicode spaces, NBSP, ideographic space,
# zero-width no-break space); the other C0/C1 controls are reported (catalog/rules.py CONTROL).
_SPACE = (
    " \t\n\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff\u200b"
)
SURROGATE = re.compile("[\ud800-\udfff]")
EXPECTED_HEADERS = "Enterprise, 企业名称, Booth, 展位号, Exhibit, 展品名称"


@dataclass(frozen=True)
class Limits:
    """Configurable limits of one import file."""

    max_bytes: int = 20 * MIB
    max_rows: int = 50_000
    max_cell_chars: int = 5_000
    max_cells: int = 2_000_000  # rows x columns of the sheet, blank cells included


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Problem:
    """One cell-level error, shown to the user."""

    row: int | None
    column: str | None
    field: str | None
    reason: str

    def message(self) -> str:
        """"Row 7, column C (Credit Code): reason" as a Message, translatable where it is shown."""
        if self.row is not None and self.column is not None:
            return N_("Row %(row)s, column %(column)s: %(reason)s", row=self.row, column=self.column, reason=self.reason)
        if self.row is not None:
            return N_("Row %(row)s: %(reason)s", row=self.row, reason=self.reason)
        if self.column is not None:
            return N_("Column %(column)s: %(reason)s", column=self.column, reason=self.reason)
        return self.reason

    def __str__(self) -> str:
        """Render as "Row 7, column C (Credit Code): reason" (English)."""
        return str(self.message())


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
        return column_label(self.fields[field], self.headers)


class UnreadableFile(Exception):
    """A file-level refusal; str(error) is a message for the user."""


Rows = Iterator[tuple[int, Sequence[str]]]
T = TypeVar("T")


def too_many_cells(limit: int, found: int | None = None) -> UnreadableFile:
    """The refusal of a file with more than `limit` cells (`found`: the workbook's cells, counted ahead)."""
    if found is not None:
        return UnreadableFile(N_(
            "The workbook's sheets have %(found)s cells (rows × columns, blank cells included); the limit is "
            "%(limit)s. Delete the unused rows, columns and sheets (not just their contents), or save the list "
            "as CSV", found=f"{found:,}", limit=f"{limit:,}"))
    return UnreadableFile(N_(
        "The sheet has more than %(limit)s cells (rows × columns, blank cells included); the limit is "
        "%(limit)s. Delete the unused rows, columns and sheets (not just their contents), or save the list "
        "as CSV", limit=f"{limit:,}"))


class CellCounter:
    """Counts a sheet's cells (rows × columns as read, blank ones included) and refuses past the limit."""

    def __init__(self, limit: int):
        self.limit, self.total = limit, 0

    def add(self, cells: int) -> None:
        """Count one row's cells; raise UnreadableFile once the sheet holds more than the limit."""
        self.total += cells
        if self.total > self.limit:
            raise too_many_cells(self.limit)


def trim(cells: Sequence[T], number: int) -> Sequence[T]:
    """Drop blank cells beyond MAX_COLUMNS; refuse a row with values beyond it."""
    if len(cells) <= MAX_COLUMNS:
        return cells
    tail = cells[MAX_COLUMNS:]
    if tail.count(None) + tail.count("") != len(tail):
        raise UnreadableFile(N_("Row %(row)s has values beyond column %(column)s; the limit is %(limit)s columns",
                                row=number, column=_letter(MAX_COLUMNS - 1), limit=f"{MAX_COLUMNS:,}"))
    return cells[:MAX_COLUMNS]


def find_header(rows: Rows) -> tuple[tuple[int, Sequence[str]] | None, Sequence[str] | None]:
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


def no_header(first: Sequence[str] | None) -> UnreadableFile:
    """Build the refusal for a file without a recognisable header row."""
    if first is None:
        return UnreadableFile(N_("The file contains no rows"))
    found = [quote(cell.strip(_SPACE)) for cell in first if cell.strip(_SPACE)]
    shown = ", ".join(found[:10]) + (", …" if len(found) > 10 else "")
    return UnreadableFile(N_(
        "No header row found in the first %(rows)s rows; the first row has %(shown)s. "
        "Expected at least two headers such as %(expected)s", rows=MAX_TITLE_ROWS + 1, shown=shown,
        expected=EXPECTED_HEADERS)
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
            raise UnreadableFile(N_(
                "Columns %(first)s and %(second)s are both the %(field)s column; keep one of them",
                first=column_label(fields[field], headers), second=column_label(index, headers), field=field))
        else:
            fields[field] = index
    return fields, tuple(ignored)


def build_sheet(
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
    labels = {field: column_label(index, headers) for field, index in fields.items()}
    sheet_rows: list[SourceRow] = []
    problems: list[Problem] = []
    for number, cells in rows:
        if number <= header_number or _is_blank(cells):
            continue
        if len(sheet_rows) >= limits.max_rows:
            raise UnreadableFile(N_(
                "The file has more than %(limit)s rows of data; the limit is %(limit)s", limit=f"{limits.max_rows:,}")
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
        original = [SURROGATE.sub("\ufffd", cell) for cell in original]
    return tuple(original)


def _is_blank(cells: Sequence[str]) -> bool:
    """Tell whether every cell of a row is blank."""
    return all(not cell.strip(_SPACE) for cell in cells)


def _clean(raw: str, field: str, max_chars: int) -> tuple[str, list[str]]:
    """Clean one mapped cell; return the text and the reasons it is unacceptable."""
    value = raw
    if len(value) > 1 and value[0] == "'" and formula_start(value[1:]):
        value = value[1:]
    value = value.strip(_SPACE)
    reasons: list[str] = []
    if not value.isprintable():
        bad = control_character(value)
        if bad is not None:
            reasons.append(_bad_char_reason(bad))
        value = tidy_text(value, multiline=field in DESCRIPTION_FIELDS).strip(_SPACE)
    if len(value) > max_chars:
        reasons.append(N_("is %(length)s characters long; the limit is %(limit)s", length=f"{len(value):,}",
                          limit=f"{max_chars:,}"))
    return value, reasons


def _bad_char_reason(char: str) -> str:
    """Phrase the first unacceptable character of a cell."""
    if SURROGATE.match(char) or char in "\ufffe\uffff":
        return N_("contains an invalid character (%(char)s)", char=f"U+{ord(char):04X}")
    return N_("contains a control character (%(char)s)", char=f"U+{ord(char):04X}")


def to_text(value: object) -> str:
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
    return str(value)


def _letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_label(index: int, headers: Sequence[str]) -> str:
    """Return "C (Credit Code)": the column letter and its original header."""
    header = headers[index].strip(_SPACE) if index < len(headers) else ""
    return f"{_letter(index)} ({header})" if header else _letter(index)


def quote(text: str) -> str:
    """Quote a cell for a message, shortening long ones."""
    short = text if len(text) <= 40 else text[:39] + "…"
    return f'"{short}"'


def size_text(count: int) -> str:
    """Render a byte count: "20 MiB", "1.5 MiB", "300 KiB", "512 bytes"."""
    for unit, scale in (("GiB", 1024**3), ("MiB", MIB), ("KiB", 1024)):
        if count >= scale:
            return f"{count / scale:,.1f}".removesuffix(".0") + f" {unit}"
    return f"{count:,} bytes"


def why(error: BaseException) -> str:
    """Summarise an internal error for a message."""
    text = str(error).strip()
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__
