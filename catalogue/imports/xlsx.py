"""Read the first worksheet of an XLSX workbook: the archive checked against zip bombs first, then
openpyxl in read-only mode (formulas kept as text, never run)."""

from __future__ import annotations

import copy
import io
import re
import warnings
import zipfile
from typing import Any

import defusedxml  # noqa: F401  (openpyxl parses XML safely only when defusedxml is installed)
import openpyxl
from openpyxl.worksheet.formula import ArrayFormula

from catalogue.imports.sheet import (
    MIB,
    CellCounter,
    Limits,
    Rows,
    Sheet,
    UnreadableFile,
    build_sheet,
    find_header,
    no_header,
    size_text,
    to_text,
    too_many_cells,
    trim,
    why,
)
from catalogue.messages import N_, Message

if not openpyxl.DEFUSEDXML:
    raise ImportError("openpyxl is not using defusedxml; install it and unset OPENPYXL_DEFUSEDXML")

XLSX_MAX_MEMBERS = 10_000
XLSX_MAX_UNCOMPRESSED = 256 * MIB
XLSX_MAX_RATIO = 200
XLSX_RATIO_MIN_BYTES = 1 * MIB
_CHUNK = 64 * 1024
_OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
# a cell element <c …>, <c/>, <c> (not <col>, <cols>, <cfRule>): what openpyxl parses one by one
_CELL_TAGS = (b"<c ", b"<c>", b"<c/", b"<c\t", b"<c\n", b"<c\r")


def read_xlsx(data: bytes, limits: Limits) -> Sheet:
    """Check the archive, then read the first worksheet with openpyxl (read-only, no formulas run)."""
    cells = _check_zip(data)
    if cells > limits.max_cells:  # before openpyxl, which parses every sheet without a stated size on opening
        raise too_many_cells(limits.max_cells, cells)
    with warnings.catch_warnings():
        # openpyxl warns about features it drops (extensions, default styles); irrelevant here.
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        try:
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
        except Exception as error:  # openpyxl raises many types on damaged workbooks
            raise UnreadableFile(N_("The Excel workbook could not be opened (%(why)s)", why=why(error))) from error
        try:
            if not workbook.worksheets:
                raise UnreadableFile(N_("The Excel workbook has no worksheet"))
            rows = _guarded(_xlsx_rows(workbook.worksheets[0], CellCounter(limits.max_cells)))
            header, first = find_header(rows)
            if header is None:
                raise no_header(first)
            return build_sheet(header[0], header[1], rows, limits, None)
        finally:
            workbook.close()


def _check_zip(data: bytes) -> int:
    """Refuse archives that are not workbooks or that unpack too far (zip bombs, lying sizes).

    Returns how many cell elements (<c …>) its worksheets hold in all, counted while unpacking."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as error:  # zipfile raises many types on crafted archives
        raise UnreadableFile(N_("The file looks like a ZIP/Excel file but is damaged (%(why)s)", why=why(error))) from error
    with archive:
        infos = archive.infolist()
        if len(infos) > XLSX_MAX_MEMBERS:
            raise UnreadableFile(N_("The workbook has %(parts)s parts; the limit is %(limit)s",
                                    parts=f"{len(infos):,}", limit=f"{XLSX_MAX_MEMBERS:,}"))
        names = {info.filename.lower() for info in infos}
        if "xl/workbook.xml" not in names:
            raise UnreadableFile(_not_workbook_message(names))
        declared = sum(info.file_size for info in infos)
        if declared > XLSX_MAX_UNCOMPRESSED:
            raise UnreadableFile(N_("The workbook unpacks to %(size)s; the limit is %(limit)s",
                                    size=size_text(declared), limit=size_text(XLSX_MAX_UNCOMPRESSED)))
        for info in infos:
            _check_member(info)
        total = cells = 0
        for info in infos:
            total, counted = _drain(archive, info, total, _WORKSHEET.fullmatch(info.filename) is not None)
            cells += counted
        return cells


def _not_workbook_message(names: set[str]) -> Message:
    """Name a ZIP that is some other document."""
    if "word/document.xml" in names:
        return N_("This is a Word document (.docx), not an Excel workbook")
    if "ppt/presentation.xml" in names:
        return N_("This is a PowerPoint presentation (.pptx), not an Excel workbook")
    if "mimetype" in names and "content.xml" in names:
        return N_("This is an OpenDocument file (.ods/.odt), not an Excel workbook; save it as .xlsx or CSV")
    return N_("This is a ZIP archive but not an Excel workbook")


def _check_member(info: zipfile.ZipInfo) -> None:
    """Refuse a member with an unusual compression method or a bomb-like compression ratio."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UnreadableFile(N_("The workbook part %(part)s uses an unsupported compression method",
                                part=repr(info.filename)))
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > XLSX_RATIO_MIN_BYTES and ratio > XLSX_MAX_RATIO:
        raise UnreadableFile(N_(
            "The workbook part %(part)s is compressed %(ratio)s times (the limit is %(limit)s); it looks like a zip bomb",
            part=repr(info.filename), ratio=f"{ratio:,.0f}", limit=XLSX_MAX_RATIO))


def _drain(archive: zipfile.ZipFile, info: zipfile.ZipInfo, total: int, worksheet: bool) -> tuple[int, int]:
    """Decompress one member in chunks, refusing it past its declared size or the total cap.

    Returns the new total and, for a worksheet part, how many cell elements it holds."""
    probe = copy.copy(info)
    # Let zipfile read past the declared size, so a lying size shows up in our count.
    probe.file_size = info.file_size + 2 * _CHUNK
    produced = cells = 0
    tail = b""
    try:
        with archive.open(probe) as member:
            while chunk := member.read(_CHUNK):
                if worksheet:  # a cell tag split across two chunks is counted once: tags are 3 bytes
                    window = tail + chunk
                    cells += sum(window.count(tag) for tag in _CELL_TAGS)
                    tail = chunk[-2:]
                produced += len(chunk)
                total += len(chunk)
                if produced > info.file_size:
                    raise UnreadableFile(N_(
                        "The workbook part %(part)s unpacks to more than its declared size; the file is damaged "
                        "or malicious", part=repr(info.filename)))
                if total > XLSX_MAX_UNCOMPRESSED:
                    raise UnreadableFile(N_("The workbook unpacks to more than %(limit)s",
                                            limit=size_text(XLSX_MAX_UNCOMPRESSED)))
    except UnreadableFile:
        raise
    except Exception as error:  # bad CRC, encrypted member, corrupt deflate stream, ...
        raise UnreadableFile(N_("The workbook part %(part)s is damaged (%(why)s)", part=repr(info.filename),
                                why=why(error))) from error
    return total, cells


def _xlsx_rows(worksheet: Any, counter: CellCounter) -> Rows:
    """Yield (row number, cells as text) of a read-only worksheet, ignoring its stated size.

    Rows come padded to their last cell, so a far-right blank cell costs a whole row: the counter
    refuses the sheet once rows × columns pass the limit, whatever the cell elements count was."""
    worksheet.reset_dimensions()  # a wrong stored size would otherwise drop or invent rows
    for number, cells in enumerate(worksheet.iter_rows(), start=1):
        counter.add(len(cells))
        values = tuple(_shown_value(cell) for cell in cells)
        yield number, [_ooxml_unescape(_cell_text(value)) for value in trim(values, number)]


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
            raise UnreadableFile(N_("The worksheet could not be read (%(why)s)", why=why(error))) from error
        yield item


def _cell_text(value: object) -> str:
    """A worksheet value as text; an array formula as its "{=...}" text."""
    if isinstance(value, ArrayFormula):
        return value.text or ""
    return to_text(value)
