"""The organizer console in English and Chinese: every page, flash and import message in one language."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.imports.conftest import HEADERS, csv_bytes, row, xlsx_bytes
from tests.imports.test_undo import BASE, EDITED, web_import
from tests.organizer.test_imports import BAD_CODE, CHIP, preview_of, upload
from tests.test_i18n import chinese_ui, english_ui, visible


def console_pages(client, lang: str) -> dict[str, str]:
    """Every console page kind, with flashes, errors and warnings on it, rendered in one language."""
    client.set_cookie("lang", lang)
    pages = {}
    batch = web_import(client, BASE, "base.csv")
    pages["flash: imported"] = client.get(f"/organizer/imports/{batch.id}").get_data(as_text=True)
    web_import(client, EDITED, "edited.csv")
    _, pages["preview: errors"] = preview_of(client, upload(client, xlsx_bytes([CHIP, BAD_CODE]), "bad.xlsx"))
    headers = [h if h != "Category" else "展品类型" for h in HEADERS] + ["联系人"]
    lookalike = csv_bytes([[*row(enterprise_zh="重庆新企业", exhibit_zh="新展品", category="芯片"), "张三"]], headers)
    _, pages["preview: warning"] = preview_of(client, upload(client, lookalike, "look.csv"))
    _, pages["preview: changes"] = preview_of(client, upload(client, csv_bytes(
        [row(enterprise_zh="重庆芯联微电子有限公司", booth="N1-A10", code="EX-001", exhibit_zh="车规级MCU芯片",
             tags="MCU")]), "changes.csv"))
    token = csrf_token(client, "/organizer/enterprises/new")
    saved = client.post("/organizer/enterprises/new", data={"csrf_token": token, "name_zh": "重庆测试科技有限公司"})
    pages["flash: saved"] = client.get(saved.headers["Location"]).get_data(as_text=True)
    enterprise = int(saved.headers["Location"].rsplit("/", 1)[1])
    refused = client.post("/organizer/enterprises/new", data={"csrf_token": token, "credit_code": "123"})
    pages["form errors"] = refused.get_data(as_text=True)
    pages["delete confirmation"] = client.get(f"/organizer/enterprises/{enterprise}/delete").get_data(as_text=True)
    deleted = client.post(f"/organizer/enterprises/{enterprise}/delete", data={"csrf_token": token})
    pages["flash: deleted"] = client.get(deleted.headers["Location"]).get_data(as_text=True)
    exhibit = re.search(r'href="/organizer/exhibits/(\d+)"', client.get("/organizer/exhibits").get_data(as_text=True))[1]
    category = re.search(r'href="/organizer/categories/(\d+)"', client.get("/organizer/categories").get_data(as_text=True))[1]
    for url in ("/organizer/", "/organizer/imports/", "/organizer/imports/new", "/organizer/enterprises",
                "/organizer/enterprises/1", "/organizer/enterprises/new", "/organizer/exhibits",
                f"/organizer/exhibits/{exhibit}", f"/organizer/exhibits/{exhibit}/delete", "/organizer/exhibits/new",
                "/organizer/categories", f"/organizer/categories/{category}", "/organizer/organizers",
                "/organizer/deletions/", "/organizer/password", "/organizer/synonyms"):
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.get_data(as_text=True)
    refused = client.post(f"/organizer/categories/{category}/delete", data={"csrf_token": token})
    pages["category in use"] = refused.get_data(as_text=True)
    return pages


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_console_page_speaks_one_language(admin_client, lang):
    pages = console_pages(admin_client, lang)
    html_lang = "zh-Hans" if lang == "zh" else "en"
    words, phrases = english_ui(), chinese_ui()
    for name, html in pages.items():
        assert f'<html lang="{html_lang}">' in html, name
        text = re.sub(r"\S+@\S+", "", visible(html, html_lang))  # e-mail addresses are data, and so are
        for header in (*HEADERS, "“Errors”", "MiB"):  # the file's headers, the report's column, a unit
            text = text.replace(header, "")
        if lang == "zh":
            left = sorted(w for w in words if re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", text))
        else:
            left = sorted(p for p in phrases if p in text)
        assert left == [], f"{name}: {left}"


def test_import_errors_keep_their_place_and_are_translated(admin_client):
    admin_client.set_cookie("lang", "zh")
    _, page = preview_of(admin_client, upload(admin_client, xlsx_bytes([CHIP, BAD_CODE]), "bad.xlsx"))
    assert "第 3 行，C (Credit Code) 列：“91350100M000100Y44”校验码错误：最后一位应为 3，而不是 4" in page
    assert "变更" not in page or "category" not in visible(page, "zh-Hans")


def test_the_command_line_stays_in_english(runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([BAD_CODE]))
    result = runner.invoke(args=["import", "--dry-run", str(path)])
    assert "Row 2, column C (Credit Code): '91350100M000100Y44' has a wrong check digit" in result.output


def test_an_unreadable_file_is_refused_in_the_page_language(admin_client):
    admin_client.set_cookie("lang", "zh")
    response = upload(admin_client, b"%PDF-1.7 not a list", "list.csv")
    preview_id = re.search(r"/previews/([0-9a-f]{32})", response.headers["Location"])[1]
    from catalogue.imports import uploads

    uploads.wait_for_preview(preview_id, 30)
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "文件看起来是PDF 文档，不是电子表格" in page and "未导入任何内容。" in page
    english = admin_client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "The file looks like a PDF document, not a spreadsheet" in english
