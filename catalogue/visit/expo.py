"""The expo this catalogue is for: its name, dates and venue (instance config), and its halls with
their titles (instance/halls.json) and counts, as the home page shows them. Pure: no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_interval

DATE_LOCALES = {"en": "en_GB", "zh": "zh_Hans_CN"}  # 22–24 Aug 2022 / 2022年8月22日–24日


class InvalidExpoDates(ValueError):
    """CATALOGUE_EXPO_DATES is not an ISO date or date interval."""


@dataclass
class Expo:
    name: str  # in the page's language (else the other)
    other_name: str  # in the other language, when it differs
    dates: str  # formatted for the page's language; "" when not configured
    venue: str


@dataclass
class HallSummary:
    hall: str
    title: str | None  # from halls.json, in the page's language (else the other)
    enterprises: int
    exhibits: int


def parse_dates(text: str) -> tuple[date, date] | None:
    """'2022-08-22/2022-08-24' (or one day) as (first, last); None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    first, _, last = text.partition("/")
    try:
        start, end = date.fromisoformat(first.strip()), date.fromisoformat((last or first).strip())
    except ValueError as error:
        raise InvalidExpoDates(f"CATALOGUE_EXPO_DATES: {error}; write e.g. 2022-08-22/2022-08-24") from None
    if end < start:
        raise InvalidExpoDates("CATALOGUE_EXPO_DATES: the last day is before the first")
    return start, end


def pick(lang: str, english: str | None, chinese: str | None) -> tuple[str, str]:
    """(the text in lang, else the other; the other language's text when it says something else)."""
    english, chinese = (english or "").strip(), (chinese or "").strip()
    shown, other = (chinese, english) if lang == "zh" else (english, chinese)
    shown = shown or other
    return shown, ("" if other == shown else other)


def expo(config: dict, lang: str) -> Expo:
    """The expo as configured, for a page in lang ("en" or "zh")."""
    name, other_name = pick(lang, config.get("CATALOGUE_EXPO_NAME"), config.get("CATALOGUE_EXPO_NAME_ZH"))
    venue, _ = pick(lang, config.get("CATALOGUE_EXPO_VENUE"), config.get("CATALOGUE_EXPO_VENUE_ZH"))
    days = parse_dates(config.get("CATALOGUE_EXPO_DATES") or "")
    dates = format_interval(*days, "yMMMd", locale=DATE_LOCALES.get(lang, "en_GB")) if days else ""
    return Expo(name, other_name, dates, venue)


def hall_summaries(counts: dict[str, tuple[int, int]], layouts: dict[str, dict], lang: str) -> list[HallSummary]:
    """Each hall with enterprises or a layout: its title and (enterprises, exhibits) counts."""
    summaries = []
    for hall in sorted(set(counts) | set(layouts)):
        layout = layouts.get(hall) or {}
        title, _ = pick(lang, layout.get("title"), layout.get("title_zh"))
        enterprises, exhibits = counts.get(hall, (0, 0))
        summaries.append(HallSummary(hall, title or None, enterprises, exhibits))
    return summaries
