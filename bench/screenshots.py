"""Screenshots of the main visitor pages and of the organizer console, in English and Chinese, at phone
and desktop width.

    python bench/screenshots.py [--out docs/screenshots] [--chromium /usr/bin/chromium]

Serves the app with the demo catalogue from a temporary instance folder, drives Debian's Chromium
through Playwright, and writes palette PNGs (small enough to keep in the repository). Needs a
Chinese font for the zh pages: apt-get install -y fonts-noto-cjk (or fonts-wqy-microhei).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import threading
import time
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalogue import create_app  # noqa: E402
from catalogue.extensions import db  # noqa: E402
from catalogue.organizer.accounts import create_organizer  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZES = {"phone": (390, 844), "desktop": (1366, 800)}
PLAN = "x3.x5.x11.e20.x40"  # a few exhibits and an enterprise in the visit plan


def pages(client) -> dict[str, str]:
    """name -> address; the exhibit is the demo's first chip."""
    html = client.get("/categories/chips?lang=en").get_data(as_text=True)
    start = html.index('href="/exhibits/') + len('href="')
    exhibit = html[start: html.index('"', start)]
    return {
        "home": "/",
        "exhibits": "/exhibits",
        "exhibit": exhibit,
        "search": "/search?q=芯片",
        "plan": "/plan",
        "hall": "/halls/N1?q=chip",
    }


CONSOLE = {"console-dashboard": "/organizer/", "console-imports": "/organizer/imports/"}
ORGANIZER = ("screenshots@example.org", "Screen-shot 2022 expo")
# An exhibitor list with a column that looks like the category column but is not one (the preview warns)
LIST = ("企业名称,展位号,展品名称,展品类型\n重庆示例科技有限公司,N1-A30,车规级MCU芯片,芯片\n"
        "重庆示例科技有限公司,N1-A30,4D毫米波雷达,传感器\n").encode()


def console(page, lang: str) -> dict[str, bytes]:
    """Sign in, then the console's dashboard, import history and an import preview with a warning."""
    page.goto("/organizer/login")
    page.fill("input[name=email]", ORGANIZER[0])
    page.fill("input[name=password]", ORGANIZER[1])
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url("**/organizer/")
    shots = {}
    for name, address in CONSOLE.items():
        page.goto(address)
        page.wait_for_load_state("networkidle")
        shots[name] = page.screenshot(full_page=False)
    page.goto("/organizer/imports/new")
    page.set_input_files("input[type=file]", files=[{"name": f"list-{lang}.csv", "mimeType": "text/csv",
                                                     "buffer": LIST}])
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_selector(".warning")
    shots["console-preview"] = page.screenshot(full_page=False)
    return shots


def shrink(png: bytes) -> bytes:
    """The screenshot as a 256-colour PNG (a third of the size, no visible loss for a UI)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, "PNG", optimize=True)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"INSTANCE_PATH": instance, "CATALOGUE_DEMO": True})
        with app.app_context():
            create_organizer(*ORGANIZER, role="admin")
            db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        addresses = pages(app.test_client())
        total, started = 0, time.perf_counter()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            for size, (width, height) in SIZES.items():
                for lang in ("en", "zh"):
                    context = browser.new_context(viewport={"width": width, "height": height}, base_url=base,
                                                  locale="zh-CN" if lang == "zh" else "en-GB")
                    context.add_cookies([{"name": "plan", "value": PLAN, "url": base},
                                         {"name": "lang", "value": lang, "url": base}])
                    page = context.new_page()
                    shots = {}
                    for name, address in addresses.items():
                        page.goto(address)
                        page.wait_for_load_state("networkidle")
                        shots[name] = page.screenshot(full_page=False)
                    shots.update(console(page, lang))
                    for name, png in shots.items():
                        data = shrink(png)
                        path = args.out / f"{name}-{lang}-{size}.png"
                        path.write_bytes(data)
                        total += len(data)
                        print(f"{path.relative_to(ROOT)}  {len(data) / 1024:6.1f} KiB")
                    context.close()
            browser.close()
        server.shutdown()
    print(f"{total / 1024 / 1024:.2f} MiB in all (budget: 5 MiB), {time.perf_counter() - started:.1f} s")
    return 0 if total < 5 * 1024 * 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
