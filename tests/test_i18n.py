"""The visitor UI in English and Chinese: gettext catalogues compiled at start, complete, and used
for every visible string of every visitor page."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from catalogue import PROJECT_ROOT
from catalogue.i18n import TRANSLATIONS_DIR, compile_catalogues

PO_FILE = TRANSLATIONS_DIR / "zh" / "LC_MESSAGES" / "messages.po"
ATTRIBUTES = ("title", "alt", "placeholder", "aria-label", "data-type-exhibit", "data-type-enterprise",
              "data-msg-results", "data-msg-none", "data-label-list", "data-label-add", "data-label-remove")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def catalogue_entries() -> list:
    with PO_FILE.open("rb") as f:
        return [m for m in read_po(f) if m.id]


# Compiling


def test_catalogues_compile_when_missing_or_stale_and_not_otherwise(tmp_path):
    po = tmp_path / "zh" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(PO_FILE.read_bytes())
    assert compile_catalogues(tmp_path) == tmp_path
    mo = po.with_suffix(".mo")
    assert mo.stat().st_size > 1000 and oct(mo.stat().st_mode)[-3:] == "644"

    os.utime(mo, (1, 1))  # now older than the .po
    compile_catalogues(tmp_path)
    assert mo.stat().st_mtime > 1
    stamp = mo.stat().st_mtime_ns
    compile_catalogues(tmp_path)
    assert mo.stat().st_mtime_ns == stamp  # up to date: left alone


def test_an_unwritable_package_compiles_into_the_fallback(tmp_path, monkeypatch):
    source, fallback = tmp_path / "package", tmp_path / "fallback"
    po = source / "zh" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(PO_FILE.read_bytes())
    real_mkstemp = __import__("tempfile").mkstemp

    def read_only_package(*args, dir=None, **kwargs):
        if str(dir).startswith(str(source)):
            raise PermissionError(13, "Read-only file system")
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr("catalogue.i18n.tempfile.mkstemp", read_only_package)
    assert compile_catalogues(source, fallback) == fallback
    assert (fallback / "zh" / "LC_MESSAGES" / "messages.mo").exists()
    assert not po.with_suffix(".mo").exists()


def test_the_app_reads_the_compiled_catalogue(app):
    assert Path(app.config["BABEL_TRANSLATION_DIRECTORIES"], "zh", "LC_MESSAGES", "messages.mo").exists()


def test_mo_files_stay_out_of_the_repository():
    assert "*.mo" in (PROJECT_ROOT / ".gitignore").read_text().split()


# The catalogue is complete and in step with the templates


def test_every_extracted_string_has_a_chinese_translation():
    with (PROJECT_ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    extracted = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            PROJECT_ROOT, method_map, options_map, keywords={**DEFAULT_KEYWORDS, "_l": None})
    }
    entries = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalogue_entries()}
    assert extracted - set(entries) == set(), "run pybabel extract/update (docs/translations.md)"
    for msgid in extracted:
        entry = entries[msgid]
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert all(strings) and not entry.fuzzy, msgid
        placeholders = set(re.findall(r"%\(\w+\)[sd]", msgid))
        assert all(set(re.findall(r"%\(\w+\)[sd]", s)) <= placeholders for s in strings), msgid


# Every visitor page speaks one language


class VisibleText(HTMLParser):
    """The text a visitor sees or hears, leaving out parts marked as another language."""

    def __init__(self, page_lang: str):
        super().__init__()
        self.page_lang, self.stack, self.texts = page_lang, [], []

    def skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        other = "lang" in attrs and attrs["lang"] != self.page_lang
        if not (other or self.skipping()):
            self.texts += [attrs[name] for name in ATTRIBUTES if attrs.get(name)]
        if tag not in VOID:
            self.stack.append((tag, other or tag in ("script", "style", "code")))  # code: addresses, ids

    def handle_startendtag(self, tag, attrs):
        if not self.skipping():
            self.texts += [value for name, value in attrs if name in ATTRIBUTES and value]

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip() and not self.skipping():
            self.texts.append(data.strip())


def visible(html: str, lang: str) -> str:
    parser = VisibleText(lang)
    parser.feed(html)
    return "\n".join(parser.texts)


def fragments(text: str) -> list[str]:
    """The literal pieces of a message, without placeholders and markup."""
    return [p.strip(" .,:;()“”·—") for p in re.split(r"%\(\w+\)[sd]|<[^>]+>|\{n\}", text)]


def english_ui() -> set[str]:
    found = set()
    for m in catalogue_entries():
        for msgid in m.id if isinstance(m.id, tuple) else (m.id,):
            found |= {f for f in fragments(msgid) if re.search(r"[A-Za-z]{2}", f) and not re.search(r"[\u4e00-\u9fff]", f)}
    return found


def chinese_ui() -> set[str]:
    found = set()
    for m in catalogue_entries():
        for msgstr in m.string if isinstance(m.string, tuple) else (m.string,):
            found |= {f for f in fragments(msgstr) if len(re.findall(r"[\u4e00-\u9fff]", f)) >= 2}
    return found


@pytest.fixture(scope="module")
def demo_pages(demo_app):
    """Every kind of visitor page, with a plan of three items, rendered in both languages."""
    client = demo_app.test_client()
    client.set_cookie("plan", "x1.x2.e3")
    exhibit = re.search(r'href="/exhibits/(\d+)"', client.get("/exhibits?category=chips").get_data(as_text=True))
    urls = ["/", "/exhibits", "/exhibits?hall=N1&category=integrated-circuits", "/exhibits?page=99",
            f"/exhibits/{exhibit[1] if exhibit else 1}", "/exhibits/1", "/enterprises", "/enterprises/1",
            "/enterprises?hall=N2", "/categories/integrated-circuits", "/search", "/search?q=芯片",
            "/search?q=zzzqqq", "/about", "/halls/N1", "/halls/N1?q=chip", "/halls/N2?category=integrated-circuits",
            "/plan", "/enterprises/1/sign", "/no-such-page", "/exhibits/99999"]
    pages = {}
    for lang in ("en", "zh"):
        for url in urls:
            response = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
            assert response.status_code == (404 if url in ("/no-such-page", "/exhibits/99999") else 200), url
            pages[lang, url] = response.get_data(as_text=True)
    client.delete_cookie("plan")
    pages["zh", "/plan (empty)"] = client.get("/plan?lang=zh").get_data(as_text=True)
    pages["en", "/plan (empty)"] = client.get("/plan?lang=en").get_data(as_text=True)
    return pages


def test_chinese_pages_show_no_english_ui_string(demo_pages):
    words = english_ui()
    for (lang, url), html in demo_pages.items():
        if lang != "zh":
            continue
        assert '<html lang="zh-Hans">' in html, url
        text = visible(html, "zh-Hans")
        left = sorted(w for w in words if re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", text))
        assert left == [], f"{url}: {left}"


def test_english_pages_show_no_chinese_ui_string(demo_pages):
    phrases = chinese_ui()
    for (lang, url), html in demo_pages.items():
        if lang != "en":
            continue
        assert '<html lang="en">' in html, url
        text = visible(html, "en")
        left = sorted(p for p in phrases if p in text)
        assert left == [], f"{url}: {left}"


def test_every_page_has_the_language_switch_keeping_its_address(demo_pages):
    for (_lang, url), html in demo_pages.items():
        switch = re.search(r'<nav class="lang-switch".*?</nav>', html, re.S)
        assert switch, url
        assert 'lang=en"' in switch[0] and 'lang=zh"' in switch[0], url


def test_the_t_helper_is_gone(app):
    """Every page speaks through gettext: the old t("English", "中文") helper no longer exists."""
    from flask import render_template_string

    with app.test_request_context("/?lang=zh"):
        app.preprocess_request()
        assert render_template_string('{{ t is defined }} {{ _("Search") }}') == "False 搜索"
