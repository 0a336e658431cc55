"""The organizer console in a real browser at phone (390 px) and desktop (1366 px) widths: the import
history readable as cards, dashboard chart labels at a readable size, edit forms in the page's font."""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image
from werkzeug.serving import make_server

from catalogue.extensions import db
from tests.conftest import ORGANIZER_PASSWORD, close_app, make_app
from tests.imports.conftest import csv_bytes, row

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed: "
                    "apt-get install chromium && pip install -e '.[test]'")

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 900}
ROWS = [row(enterprise_zh="重庆芯联微电子有限公司", enterprise="Chongqing Xinlian Microelectronics Co., Ltd.",
            hall="N1", booth="N1-A01", code=f"EX-{n}", exhibit_zh=f"车规级MCU芯片{n}",
            category="集成电路 > 车规级功率半导体与传感器芯片", exhibit_description_zh="面向新能源汽车的车规级芯片。")
        for n in range(1, 4)]


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """A served app with an admin, two imports and an exhibit with an image; yields (base URL, exhibit id)."""
    from werkzeug.security import generate_password_hash

    from catalogue.catalog.images import store_image
    from catalogue.catalog.models import Exhibit
    from catalogue.organizer.models import Organizer

    directory = tmp_path_factory.mktemp("console")
    app = make_app(directory)
    source = directory / "list.csv"
    with app.app_context():
        source.write_bytes(csv_bytes(ROWS))
        assert app.test_cli_runner().invoke(args=["import", str(source)]).exit_code == 0
        source.write_bytes(csv_bytes([*ROWS, row(enterprise_zh="重庆雷视科技有限公司", hall="N2", code="EX-9",
                                                 exhibit_zh="4D毫米波雷达", category="传感器")]))
        assert app.test_cli_runner().invoke(args=["import", str(source)]).exit_code == 0
        db.session.add(Organizer(email="admin@example.org", role="admin",
                                 password_hash=generate_password_hash(ORGANIZER_PASSWORD, method="scrypt:1024:8:1")))
        exhibit = db.session.scalar(db.select(Exhibit).limit(1))
        picture = io.BytesIO()
        Image.new("RGB", (1200, 800), (10, 74, 138)).save(picture, "PNG")
        exhibit.image = store_image(picture.getvalue())
        db.session.commit()
        exhibit_id = exhibit.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", exhibit_id
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    close_app(app)


@pytest.fixture(scope="module")
def admin_state(browser, console):
    """The admin's signed-in cookies, from one real sign-in (the login form is rate limited)."""
    context = browser.new_context(base_url=console[0])
    page = context.new_page()
    page.goto("/organizer/login")
    page.fill("#email", "admin@example.org")
    page.fill("#password", ORGANIZER_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/organizer/")
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def signed_in(browser, console, admin_state):
    """open(path, viewport) -> a page signed in as the admin, at that viewport."""
    contexts = []

    def open_page(path: str, viewport: dict):
        context = browser.new_context(base_url=console[0], viewport=viewport, storage_state=admin_state)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_import_history_is_a_readable_card_per_import_on_a_phone(signed_in, lang):
    page = signed_in(f"/organizer/imports/?lang={lang}", PHONE)
    assert no_sideways_scroll(page)
    cells = page.locator(".import-history tbody td")
    widths = [box["width"] for box in (cells.nth(i).bounding_box() for i in range(cells.count()))]
    assert len(widths) == 14 and min(widths) > 300  # a column is never squeezed to a character's width
    when = page.locator(".import-history tbody tr").first.locator("td").nth(1)
    assert "Asia/Shanghai" in when.inner_text() and ("时间" if lang == "zh" else "When") in page.evaluate(
        "el => getComputedStyle(el, '::before').content", when.element_handle())


def test_the_import_history_stays_a_table_on_a_desktop(signed_in):
    page = signed_in("/organizer/imports/?lang=zh", DESKTOP)
    assert page.locator(".import-history thead").is_visible()
    first_row = page.locator(".import-history tbody tr").first.locator("td")
    tops = {round(first_row.nth(i).bounding_box()["y"]) for i in range(first_row.count())}
    assert len(tops) == 1  # one line of cells per import


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_dashboard_chart_labels_are_readable(signed_in, viewport):
    page = signed_in("/organizer/?lang=zh", viewport)
    labels = page.locator(".chart .bar-label")
    assert labels.count() >= 3
    for i in range(labels.count()):
        size = float(page.evaluate("el => getComputedStyle(el).fontSize", labels.nth(i).element_handle())[:-2])
        # the text's rendered size: a scaled-down SVG (the old chart) shrank 13px labels to ~8px at 390 px
        scale = page.evaluate("el => el.getBoundingClientRect().height / (el.offsetHeight || el.getBBox().height)",
                              labels.nth(i).element_handle())
        assert size * scale >= 12, (i, size, scale)
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_edit_forms_use_the_page_font_and_keep_the_remove_box_with_the_image(signed_in, console, viewport):
    _, exhibit_id = console
    page = signed_in(f"/organizer/exhibits/{exhibit_id}?lang=zh", viewport)
    area = page.locator("#description_zh").element_handle()
    family, size = page.evaluate("el => [getComputedStyle(el).fontFamily, getComputedStyle(el).fontSize]", area)
    assert "monospace" not in family and float(size[:-2]) >= 16
    fieldset = page.locator("fieldset.image-field")
    assert fieldset.locator("img.console-image").count() == 1 and fieldset.locator("#image").count() == 1
    box = fieldset.locator("label.check", has_text="删除图片")
    checkbox = box.locator("#remove_image").bounding_box()
    label = box.bounding_box()
    assert label["y"] <= checkbox["y"] and checkbox["y"] + checkbox["height"] <= label["y"] + label["height"] + 1
    assert checkbox["x"] - label["x"] < 5  # the box starts its line, next to its words
    assert no_sideways_scroll(page)
