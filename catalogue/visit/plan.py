"""The visit plan: exhibits and enterprises a visitor chose, kept in a cookie (no account needed).

The cookie holds ids only, e.g. ``x12.e7.x40`` (x: exhibit, e: enterprise); anything else in it is
ignored, so a hand-edited or stale cookie can never break a page.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from catalogue.catalog.models import MAX_ID
from catalogue.catalog.rules import neutralise

COOKIE = "plan"
COOKIE_MAX_AGE = 365 * 24 * 3600
MAX_ITEMS = 200
KINDS = {"exhibit": "x", "enterprise": "e"}
_LETTER_KIND = {letter: kind for kind, letter in KINDS.items()}
_TOKEN = re.compile(r"([xe])([1-9][0-9]{0,17})")


@dataclass(frozen=True)
class Plan:
    """The chosen items, oldest first, as (kind, id) pairs."""

    items: tuple[tuple[str, int], ...] = ()

    def __len__(self) -> int:
        return len(self.items)

    def has(self, kind: str, item_id: int) -> bool:
        return (kind, item_id) in self.items

    def ids(self, kind: str) -> list[int]:
        return [item_id for k, item_id in self.items if k == kind]

    @property
    def full(self) -> bool:
        return len(self.items) >= MAX_ITEMS

    def add(self, kind: str, item_id: int) -> Plan:
        if self.has(kind, item_id) or self.full:
            return self
        return Plan((*self.items, (kind, item_id)))

    def remove(self, kind: str, item_id: int) -> Plan:
        return Plan(tuple(item for item in self.items if item != (kind, item_id)))

    def keep(self, exhibits: Iterable[int], enterprises: Iterable[int]) -> Plan:
        """The plan without the items that no longer exist."""
        alive = {("exhibit", i) for i in exhibits} | {("enterprise", i) for i in enterprises}
        return Plan(tuple(item for item in self.items if item in alive))

    def cookie_value(self) -> str:
        return ".".join(f"{KINDS[kind]}{item_id}" for kind, item_id in self.items)


def parse_plan(value: str | None) -> Plan:
    """The plan in a cookie value; invalid parts are dropped, duplicates and excess ignored."""
    items: dict[tuple[str, int], None] = {}
    for token in (value or "")[: MAX_ITEMS * 24].split("."):
        match = _TOKEN.fullmatch(token)
        if match and int(match[2]) <= MAX_ID:
            items.setdefault((_LETTER_KIND[match[1]], int(match[2])), None)
        if len(items) >= MAX_ITEMS:
            break
    return Plan(tuple(items))


def natural_key(text: str | None) -> tuple:
    """Sorts 'N1-A9' before 'N1-A10', and missing values last."""
    if not text:
        return (1,)
    return (0, *((0, int(part)) if part.isdigit() else (1, part.casefold())
                 for part in re.findall(r"\d+|\D+", text)))


@dataclass
class Stop:
    """One booth of the visit: the enterprise, whether it was chosen itself, its chosen exhibits."""

    enterprise: object
    chosen: bool = False
    exhibits: list = field(default_factory=list)


def visit_order(enterprises: Iterable, exhibits: Iterable) -> list[Stop]:
    """The chosen things as stops, ordered by hall, then booth, then name."""
    stops: dict[int, Stop] = {}
    for enterprise in enterprises:
        stops.setdefault(enterprise.id, Stop(enterprise)).chosen = True
    for exhibit in exhibits:
        stops.setdefault(exhibit.enterprise.id, Stop(exhibit.enterprise)).exhibits.append(exhibit)
    for stop in stops.values():
        stop.exhibits.sort(key=lambda e: e.id)
    return sorted(
        stops.values(),
        key=lambda s: (natural_key(s.enterprise.hall), natural_key(s.enterprise.booth),
                       natural_key(s.enterprise.name or s.enterprise.name_zh), s.enterprise.id),
    )


def csv_bytes(header: list[str], rows: Iterable[list[str]]) -> bytes:
    """UTF-8 CSV with a BOM (so spreadsheet programs read Chinese right), formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell or "") for cell in row])
    return out.getvalue().encode("utf-8-sig")
