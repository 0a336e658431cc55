"""Times on console pages: stored in UTC, shown in the expo's time zone (CATALOGUE_TIMEZONE), named."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from markupsafe import Markup, escape


def expo_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["CATALOGUE_TIMEZONE"])


def in_expo_zone(moment: datetime) -> datetime:
    """The moment in the expo's time zone (a naive value, as SQLite returns them, is UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(expo_zone())


def local_time(moment: datetime | None) -> Markup:
    """A <time> showing e.g. "2022-08-22 09:30 (Asia/Shanghai, UTC+08:00)"; empty for None."""
    if moment is None:
        return Markup("")
    local = in_expo_zone(moment)
    offset = local.strftime("%z")
    zone = f"{local.tzinfo}, UTC{offset[:3]}:{offset[3:]}"
    return Markup('<time datetime="{}">{} <span class="zone">({})</span></time>').format(
        local.isoformat(timespec="minutes"), local.strftime("%Y-%m-%d %H:%M"), escape(zone))
