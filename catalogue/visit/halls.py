"""Hall maps: booth codes (``N1-A03``: hall N1, row A, position 3) laid out on a grid.

The grid of a hall comes from the organizers' optional ``instance/halls.json``
(``{"N1": {"rows": ["A", "B"], "columns": 20, "title": "North hall 1", "title_zh": "北1馆"}}``),
else from the booth codes present. Pure functions: no database, no Flask.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

BOOTH = re.compile(r"(?:(?P<hall>[A-Za-z0-9]+)\s*[-–_ ]\s*)?(?P<row>[A-Za-z]{1,2})\s*-?\s*(?P<position>[0-9]{1,3})")
MAX_COLUMNS = 60
MAX_ROWS = 26

# Drawing units (the SVG scales to the page; these only fix the proportions).
CELL_W, CELL_H, GAP, LABEL_W, LABEL_H = 64, 48, 6, 30, 26


class InvalidHallLayout(ValueError):
    """halls.json is not what the format asks for."""


@dataclass(frozen=True)
class Spot:
    row: str
    position: int


@dataclass
class Layout:
    hall: str
    rows: list[str]
    columns: int
    title: str | None = None
    title_zh: str | None = None
    step: int = 1  # 2: booths are numbered 1, 3, 5… (or 2, 4, 6…), as along one side of an aisle

    @property
    def positions(self) -> list[int]:
        """The booth numbers of a row, left to right."""
        first = 2 if self.step == 2 and self.columns % 2 == 0 else 1
        return list(range(first, self.columns + 1, self.step))


@dataclass
class Booth:
    """One booth on the map: where it is drawn and who stands there."""

    code: str
    spot: Spot
    x: int
    y: int
    enterprises: list = field(default_factory=list)
    match: bool = False

    @property
    def label(self) -> str:
        return f"{self.spot.row}{self.spot.position:02d}"


@dataclass
class HallMap:
    layout: Layout
    width: int
    height: int
    booths: list[Booth]  # occupied booths
    free: list[Booth]  # empty places of the grid
    unplaced: list  # enterprises whose booth code does not fit the grid
    row_labels: list[tuple[str, int]]  # (row, y of its middle)
    column_labels: list[tuple[int, int]]  # (position, x of its middle)


def parse_booth(booth: str | None, hall: str) -> Spot | None:
    """The row and position of a booth code in this hall, or None when it does not parse."""
    match = BOOTH.fullmatch((booth or "").strip())
    if not match or (match["hall"] and match["hall"].casefold() != hall.casefold()):
        return None
    position = int(match["position"])
    return Spot(match["row"].upper(), position) if position > 0 else None


def read_layouts(path: Path) -> dict[str, dict]:
    """The organizers' hall layouts, or {} when there is no file; InvalidHallLayout when malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise InvalidHallLayout(f"{path.name}: {error}") from error
    if not isinstance(data, dict):
        raise InvalidHallLayout(f"{path.name}: expected an object of halls")
    for hall, spec in data.items():
        if not isinstance(spec, dict):
            raise InvalidHallLayout(f"{path.name}: hall {hall!r} is not an object")
        rows, columns = spec.get("rows"), spec.get("columns")
        if rows is not None and not (
            isinstance(rows, list) and all(isinstance(r, str) and r.strip() for r in rows)
        ):
            raise InvalidHallLayout(f"{path.name}: hall {hall!r}: rows must be a list of letters")
        if columns is not None and not (isinstance(columns, int) and 0 < columns <= MAX_COLUMNS):
            raise InvalidHallLayout(f"{path.name}: hall {hall!r}: columns must be 1 to {MAX_COLUMNS}")
    return data


def layout_for(hall: str, booths: Iterable[str | None], configured: dict | None = None) -> Layout:
    """The hall's grid: as configured, with what is missing derived from the booth codes present."""
    configured = configured or {}
    spots = [s for s in (parse_booth(b, hall) for b in booths) if s]
    rows = [r.strip().upper() for r in configured.get("rows") or []][:MAX_ROWS]
    if not rows:
        rows = sorted({s.row for s in spots}, key=lambda r: (len(r), r))[:MAX_ROWS]
    columns = configured.get("columns") or min(max((s.position for s in spots), default=1), MAX_COLUMNS)
    # derived from codes all odd (or all even): draw only those numbers, not a free booth between each
    numbers = {s.position for s in spots if s.position <= columns}
    step = 1 if configured.get("columns") or len(numbers) < 2 or len({n % 2 for n in numbers}) > 1 else 2
    if step == 2 and columns % 2 != max(numbers) % 2:
        columns = max(numbers)
    return Layout(hall, rows, columns, configured.get("title"), configured.get("title_zh"), step)


def hall_map(layout: Layout, enterprises: Iterable, matches: set[int] | None = None) -> HallMap:
    """Place each enterprise at its booth; those that do not fit are listed as unplaced."""
    row_index = {row: i for i, row in enumerate(layout.rows)}
    column = {position: i for i, position in enumerate(layout.positions)}
    placed: dict[Spot, Booth] = {}
    unplaced = []
    for enterprise in enterprises:
        spot = parse_booth(enterprise.booth, layout.hall)
        if spot is None or spot.row not in row_index or spot.position not in column:
            unplaced.append(enterprise)
            continue
        booth = placed.get(spot)
        if booth is None:
            x, y = _origin(row_index[spot.row], column[spot.position])
            booth = placed[spot] = Booth(enterprise.booth.strip(), spot, x, y)
        booth.enterprises.append(enterprise)
        booth.match = booth.match or (matches is not None and enterprise.id in matches)
    free = [
        Booth("", Spot(row, position), *_origin(r, c))
        for r, row in enumerate(layout.rows)
        for position, c in column.items()
        if Spot(row, position) not in placed
    ]
    return HallMap(
        layout,
        width=LABEL_W + len(column) * (CELL_W + GAP) + GAP,
        height=LABEL_H + len(layout.rows) * (CELL_H + GAP) + GAP,
        booths=sorted(placed.values(), key=lambda b: (row_index[b.spot.row], b.spot.position)),
        free=free,
        unplaced=unplaced,
        row_labels=[(row, _origin(r, 0)[1] + CELL_H // 2) for r, row in enumerate(layout.rows)],
        column_labels=[(p, _origin(0, c)[0] + CELL_W // 2) for p, c in column.items()],
    )


def _origin(row: int, column: int) -> tuple[int, int]:
    """The top left corner of the booth in the row and column (both counted from 0)."""
    return LABEL_W + GAP + column * (CELL_W + GAP), LABEL_H + GAP + row * (CELL_H + GAP)
