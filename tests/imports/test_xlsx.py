"""Reading XLSX workbooks: cells as text, limits, and archives refused (other documents, zip bombs, lying sizes)."""

from __future__ import annotations

import datetime as dt
import struct
import time
import zipfile
from pathlib import Path

from catalogue.imports.read import Limits, read_table
from tests.imports.conftest import MIB, refused, save_xlsx

# --- XLSX -------------------------------------------------------------------------------


def test_xlsx_cells_become_text(tmp_path: Path) -> None:
    data = save_xlsx(
        tmp_path / "list.xlsx",
        [
            ["Exhibitor list 2024"],
            [],
            ["Enterprise", "Credit Code", "Exhibit Code", "Booth", "Hall", "Tags", "Category", "Website", "Exhibit"],
            ["Acme", "0012345", 12345, 3.0, 2.5, True, dt.date(2024, 5, 1), dt.datetime(2024, 5, 1, 9, 30), "=1+1"],
            [None, None, None, None, None, None, None, None, None],
            ["Beta", "91500000MA5U0XXX0X", None, "N1-A02", None, False, None, None, "'=SUM(A1)"],
        ],
        second_sheet=[["Enterprise", "Booth"], ["Hidden Co.", "Z9"]],
    )
    sheet = read_table(data, "list.xlsx")
    assert sheet.encoding is None
    assert [row.number for row in sheet.rows] == [4, 6]
    assert sheet.rows[0].values == {
        "enterprise_name": "Acme",
        "credit_code": "0012345",
        "exhibit_code": "12345",
        "booth": "3",
        "hall": "2.5",
        "tags": "TRUE",
        "category": "2024-05-01",
        "website": "2024-05-01T09:30:00",
        "exhibit_name": "=1+1",
    }
    assert sheet.rows[1].values["exhibit_name"] == "=SUM(A1)"
    assert sheet.rows[1].values["tags"] == "FALSE"
    assert all(row.values["enterprise_name"] != "Hidden Co." for row in sheet.rows)
    assert sheet.column_label("credit_code") == "B (Credit Code)"


def test_xlsx_control_character_problem(tmp_path: Path) -> None:
    # Excel stores control characters as _xHHHH_ escapes; openpyxl hands them over verbatim.
    rows = [["展商名称", "展位号", "展品简介"], ["甲公司_x0001_", "A1", "第一行_x000D_\n第二行 _x005F_x0041_"]]
    sheet = read_table(save_xlsx(tmp_path / "c.xlsx", rows), "c.xlsx")
    assert [str(problem) for problem in sheet.problems] == [
        "Row 2, column A (展商名称): contains a control character (U+0001)"
    ]
    assert sheet.rows[0].values["exhibit_description_zh"] == "第一行\n第二行 _x0041_"


def test_xlsx_without_header_row(tmp_path: Path) -> None:
    data = save_xlsx(tmp_path / "h.xlsx", [["Name", "Stand"], ["Acme", "A1"]])
    assert '"Name", "Stand"' in refused(data, "h.xlsx")


def test_xlsx_rows_over_the_limit(tmp_path: Path) -> None:
    data = save_xlsx(tmp_path / "r.xlsx", [["Enterprise", "Booth"]] + [[f"C{n}", "A"] for n in range(6)])
    assert "limit is 5" in refused(data, "r.xlsx", Limits(max_rows=5))


def test_docx_and_plain_zip_refused(tmp_path: Path) -> None:
    docx = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    plain = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("photo.txt", "hello")
    assert refused(docx.read_bytes(), "letter.xlsx") == "This is a Word document (.docx), not an Excel workbook"
    assert refused(plain.read_bytes(), "photos.xlsx") == "This is a ZIP archive but not an Excel workbook"


def test_corrupt_zip_refused(tmp_path: Path) -> None:
    data = save_xlsx(tmp_path / "ok.xlsx", [["Enterprise", "Booth"], ["Acme", "A1"]])
    assert "damaged" in refused(data[: len(data) // 2], "ok.xlsx")
    assert "damaged" in refused(b"PK\x03\x04" + b"\x00" * 100, "ok.xlsx")


def write_zeros(archive: zipfile.ZipFile, name: str, mebibytes: int) -> None:
    """Stream a member of zeros into an archive without holding it in memory."""
    chunk = bytes(MIB)
    with archive.open(name, "w", force_zip64=True) as member:
        for _ in range(mebibytes):
            member.write(chunk)


def workbook_with_member(tmp_path: Path, name: str, mebibytes: int, level: int) -> Path:
    """Return a real workbook with an extra member of zeros appended."""
    path = tmp_path / "bomb.xlsx"
    save_xlsx(path, [["Enterprise", "Booth"], ["Acme", "A1"]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        write_zeros(archive, name, mebibytes)
    return path


def test_zip_bomb_refused_quickly(tmp_path: Path) -> None:
    path = workbook_with_member(tmp_path, "xl/media/zeros.bin", 300, level=1)
    assert path.stat().st_size < 2 * MIB
    started = time.perf_counter()
    message = refused(path.read_bytes(), "bomb.xlsx")
    assert time.perf_counter() - started < 1
    assert message == "The workbook unpacks to 300 MiB; the limit is 256 MiB"


def test_highly_compressed_member_refused(tmp_path: Path) -> None:
    path = workbook_with_member(tmp_path, "xl/media/zeros.bin", 20, level=9)
    message = refused(path.read_bytes(), "bomb.xlsx")
    assert "'xl/media/zeros.bin' is compressed" in message and "zip bomb" in message


def shrink_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Patch the central directory so that one member claims a smaller uncompressed size."""
    patched = bytearray(data)
    position = patched.find(b"PK\x01\x02")
    while position != -1:
        (name_length,) = struct.unpack_from("<H", patched, position + 28)
        if patched[position + 46 : position + 46 + name_length] == name.encode():
            struct.pack_into("<I", patched, position + 24, size)
            return bytes(patched)
        position = patched.find(b"PK\x01\x02", position + 4)
    raise AssertionError(f"{name} not in the archive")


def test_member_lying_about_its_size_refused(tmp_path: Path) -> None:
    path = workbook_with_member(tmp_path, "xl/media/zeros.bin", 50, level=9)
    data = shrink_declared_size(path.read_bytes(), "xl/media/zeros.bin", 1000)
    with zipfile.ZipFile(path) as archive:  # the honest archive is fine for zipfile itself
        assert archive.getinfo("xl/media/zeros.bin").file_size == 50 * MIB
    started = time.perf_counter()
    message = refused(data, "bomb.xlsx")
    assert time.perf_counter() - started < 1
    assert "'xl/media/zeros.bin' unpacks to more than its declared size" in message


def test_sheet_lying_about_its_size_refused(tmp_path: Path) -> None:
    data = save_xlsx(tmp_path / "s.xlsx", [["Enterprise", "Booth"]] + [[f"C{n}", "A"] for n in range(50)])
    message = refused(shrink_declared_size(data, "xl/worksheets/sheet1.xml", 100), "s.xlsx")
    assert "'xl/worksheets/sheet1.xml' unpacks to more than its declared size" in message


def test_xlsx_numbers_formatted_with_leading_zeros_keep_them(tmp_path):
    from openpyxl import Workbook

    from catalogue.imports.read import read_table

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Enterprise", "Exhibit Code", "Exhibit"])
    sheet.append(["Zero Ltd", 7, "Padded"])
    sheet.append(["Zero Ltd", 42, "Plain"])
    sheet["B2"].number_format = "000"  # Excel shows 007
    path = tmp_path / "codes.xlsx"
    workbook.save(path)
    rows = read_table(path.read_bytes(), "codes.xlsx").rows
    assert [r.values["exhibit_code"] for r in rows] == ["007", "42"]


def test_the_app_refuses_to_start_where_openpyxl_would_not_use_defusedxml(tmp_path: Path, monkeypatch) -> None:
    """Workbooks are parsed only through defusedxml. A serving process never imports openpyxl, so
    create_app() asks what openpyxl would decide (OPENPYXL_DEFUSEDXML) before anything else."""
    import pytest

    from catalogue import create_app

    monkeypatch.setenv("OPENPYXL_DEFUSEDXML", "False")
    with pytest.raises(RuntimeError, match="defusedxml"):
        create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "CATALOGUE_SECRET_KEY": "x"})
    assert not (tmp_path / "instance").exists()  # refused before anything was created
