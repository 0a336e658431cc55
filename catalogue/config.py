"""Configuration: defaults, then instance/config.py, then CATALOGUE_* environment variables."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask

BOOLEAN_KEYS = {"CATALOGUE_DEMO", "CATALOGUE_SECURE_COOKIES"}
INT_KEYS = {"IMPORT_MAX_BYTES", "IMPORT_MAX_ROWS", "IMPORT_MAX_CELL_CHARS", "IMPORT_MAX_CELLS", "PER_PAGE",
            "MAX_PER_PAGE", "CATALOGUE_PROXY_HOPS", "CATALOGUE_SEARCH_LOG_DAYS",
            "CATALOGUE_SEARCH_CACHE", "CATALOGUE_PAGE_CACHE"}
LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

DEFAULTS: dict[str, object] = {
    "CATALOGUE_DATABASE_URL": None,  # sqlite:///<instance>/catalogue.sqlite3
    "CATALOGUE_INDEX_DIR": None,  # <instance>/search-index
    "CATALOGUE_SECRET_KEY": None,  # generated once into <instance>/secret_key
    "CATALOGUE_DEMO": True,
    "CATALOGUE_REDIS_URL": None,
    "CATALOGUE_BASE_URL": None,  # the public address QR codes and printed signs point to
    "CATALOGUE_SECURE_COOKIES": None,  # None: Secure cookies exactly when the request is https
    # the expo, named on the home page (the demo's; "" leaves a line out)
    "CATALOGUE_EXPO_NAME": "2022 Smart China Expo",
    "CATALOGUE_EXPO_NAME_ZH": "2022中国国际智能产业博览会",
    "CATALOGUE_EXPO_DATES": "2022-08-22/2022-08-24",  # ISO: first/last day, or one day
    "CATALOGUE_EXPO_VENUE": "Western China (Chongqing) Science City pavilion, Chongqing",
    "CATALOGUE_EXPO_VENUE_ZH": "重庆 · 中国西部（重庆）科学城展馆",
    "CATALOGUE_TRUSTED_HOSTS": None,  # comma-separated; None: LOCAL_HOSTS plus CATALOGUE_BASE_URL's host
    "CATALOGUE_PROXY_HOPS": 0,  # reverse proxies in front of the app whose X-Forwarded-* are believed
    "CATALOGUE_TIMEZONE": "Asia/Shanghai",  # the expo's time zone: console times are shown in it
    "IMPORT_MAX_BYTES": 20 * 1024 * 1024,
    "IMPORT_MAX_ROWS": 50_000,
    "IMPORT_MAX_CELL_CHARS": 5_000,
    # rows x columns of one sheet, blank cells included: 50,000 rows of 40 columns (the 15 import
    # fields with room for extra ones); parsing costs about 4-13 microseconds a cell
    "IMPORT_MAX_CELLS": 2_000_000,
    "CATALOGUE_SEARCH_LOG_DAYS": 30,  # raw search-log rows kept; older ones become per-day totals
    # search responses each worker keeps for repeated searches, until the index next changes (0: none)
    "CATALOGUE_SEARCH_CACHE": 500,
    # rendered /search results kept for every worker of this node, until the index next changes (0: none)
    "CATALOGUE_PAGE_CACHE": 2000,
    "PER_PAGE": 20,
    "MAX_PER_PAGE": 100,
}


def _coerce(key: str, value: str) -> object:
    if key in BOOLEAN_KEYS:
        return value.strip().lower() not in {"0", "false", "no", "off", ""}
    if key in INT_KEYS:
        return int(value)
    return value


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill app.config from defaults, the instance file, the environment and test_config."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    for key in DEFAULTS:
        if key in os.environ:
            app.config[key] = _coerce(key, os.environ[key])
    if test_config:
        app.config.from_mapping(test_config)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config["CATALOGUE_DATABASE_URL"]:
        app.config["CATALOGUE_DATABASE_URL"] = f"sqlite:///{instance / 'catalogue.sqlite3'}"
    if not app.config["CATALOGUE_INDEX_DIR"]:
        app.config["CATALOGUE_INDEX_DIR"] = str(instance / "search-index")
    if not app.config["CATALOGUE_SECRET_KEY"]:
        app.config["CATALOGUE_SECRET_KEY"] = _instance_secret(instance / "secret_key")

    try:
        ZoneInfo(app.config["CATALOGUE_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RuntimeError(f"CATALOGUE_TIMEZONE: {app.config['CATALOGUE_TIMEZONE']!r} is not a time zone "
                           "name such as Asia/Shanghai") from error
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["CATALOGUE_DATABASE_URL"]
    app.config["SECRET_KEY"] = app.config["CATALOGUE_SECRET_KEY"]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    app.config["MAX_CONTENT_LENGTH"] = app.config["IMPORT_MAX_BYTES"] + 1024 * 1024
    app.config["CATALOGUE_HOSTS"] = trusted_hosts(app.config)  # checked by security.TrustedHosts
    _organizer_session_config(app)
    app.json.ensure_ascii = False
    app.json.sort_keys = False


def trusted_hosts(config) -> list[str] | None:
    """The Host names requests may carry (others get 400): CATALOGUE_TRUSTED_HOSTS (a list, or a
    comma-separated string; "*" trusts any), else the local names; always CATALOGUE_BASE_URL's host."""
    configured = config.get("CATALOGUE_TRUSTED_HOSTS")
    if isinstance(configured, str):
        configured = [name.strip() for name in configured.split(",") if name.strip()]
    if configured and "*" in configured:
        return None
    hosts = list(configured or LOCAL_HOSTS)
    base = urlsplit(config.get("CATALOGUE_BASE_URL") or "")
    if base.hostname:
        hosts.append(f"[{base.hostname}]" if ":" in base.hostname else base.hostname)
    return hosts


def _instance_secret(path: Path) -> str:
    """Read the generated secret key, creating it (mode 600) on first use."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker won the race
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def _organizer_session_config(app: Flask) -> None:
    """Session cookies, login sessions and the login rate limiter's storage."""
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if app.config["CATALOGUE_SECURE_COOKIES"] is not None:  # else security.py decides per request
        app.config["SESSION_COOKIE_SECURE"] = bool(app.config["CATALOGUE_SECURE_COOKIES"])
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=8)
    # Redis when configured (shared by every node), else a file all workers of this node share
    shared_file = f"catalogue-sqlite:///{Path(app.instance_path) / 'ratelimits.sqlite3'}"
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["CATALOGUE_REDIS_URL"] or shared_file)
    app.config.setdefault("RATELIMIT_STRATEGY", "fixed-window")  # the strategy ratelimits.py supports
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
