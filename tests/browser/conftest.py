"""Browser tests: the real app (demo catalogue, a temporary instance) served by werkzeug in a thread,
driven by Playwright through Debian's Chromium. Skipped, saying how to enable them, when either is missing."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ENABLE = "apt-get install chromium && pip install -e '.[test]'"
AXE_DEFAULT = Path(__file__).resolve().parents[2] / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


@pytest.fixture(scope="session")
def live_server(demo_app):
    """The demo app on 127.0.0.1 at a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if sync_playwright is None:
        pytest.skip(f"the playwright package is not installed: {ENABLE}")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is not installed: {ENABLE}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh browser contexts (own cookies), e.g. new_page(java_script_enabled=False)."""
    contexts = []

    def open_page(**options):
        options = {"base_url": live_server, "viewport": {"width": 1280, "height": 800}, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    path = Path(os.environ.get("AXE_CORE_PATH") or AXE_DEFAULT)
    if not path.is_file():
        pytest.skip(f"axe-core is not installed at {path}: npm install --prefix .cache/axe axe-core@4 "
                    "(or set AXE_CORE_PATH to axe.min.js)")
    return path
