"""Which exhibit a row of an import names: by exhibit code, else by (enterprise, normalised name).

Rows with distinct exhibit codes are distinct exhibits, even when their names are the same."""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.catalog.rules import name_key
from catalogue.imports.sheet import SourceRow
from catalogue.messages import N_, Message

Ref = int | str  # an existing id, or "new:<n>" for a record this import creates


@dataclass(frozen=True)
class KnownExhibit:
    id: int
    enterprise_id: int
    category_id: int | None
    values: dict  # attribute -> stored value (attributes of EXHIBIT_FIELDS; tags as a list)


NAMES = ("name_zh", "name")


class StoredExhibits:
    """A snapshot's exhibits by exhibit code and by (enterprise id, name key)."""

    def __init__(self, exhibits: list[KnownExhibit]):
        self.by_code = {x.values["exhibit_code"]: x for x in exhibits if x.values.get("exhibit_code")}
        self.by_name: dict[tuple[int, str], list[KnownExhibit]] = {}
        for x in exhibits:
            for key in dict.fromkeys(name_key(x.values.get(attr)) for attr in NAMES):
                if key:
                    self.by_name.setdefault((x.enterprise_id, key), []).append(x)

    def find(self, values: dict, enterprise: Ref, names: list[tuple[str, str]], seen: dict) -> tuple:
        """(the stored exhibit a row updates, or None; why its name is ambiguous, or None).

        By exhibit code; else by the enterprise's exhibits of the Chinese name, else the English one,
        narrowed by the other name when two share it. A coded row only takes a stored exhibit without
        a code (giving it this code), and not one an earlier row of the file took (in `seen`)."""
        code = values.get("exhibit_code")
        if code and code in self.by_code:
            return self.by_code[code], None
        if not isinstance(enterprise, int):
            return None, None
        keys = {key for _, key in names}
        for attr, key in names:
            matches = self.by_name.get((enterprise, key), [])
            if code:
                matches = [x for x in matches if not x.values.get("exhibit_code") and ("id", x.id) not in seen]
            if len(matches) > 1:
                narrowed = [x for x in matches if keys <= {name_key(x.values.get(a)) for a in NAMES}]
                if len(narrowed) != 1:
                    return None, _ambiguous(values[attr], matches, code)
                matches = narrowed
            if matches:
                return matches[0], None
        return None, None


def coded_names(rows: list[SourceRow], refs: list[Ref | None]) -> dict[tuple, tuple[int, str]]:
    """(enterprise, name key) -> (row, exhibit code) of the first row with an exhibit code that names it."""
    coded: dict[tuple, tuple[int, str]] = {}
    for row, ref in zip(rows, refs, strict=True):
        code = row.values.get("exhibit_code")
        if ref is not None and code:
            for source in ("exhibit_name_zh", "exhibit_name"):
                key = name_key(row.values.get(source))
                if key:
                    coded.setdefault((ref, key), (row.number, code))
    return coded


def _ambiguous(name: str, matches: list[KnownExhibit], code: str | None) -> Message:
    if code:  # only stored exhibits without a code are candidates for a new code
        ids = ", ".join(f"#{x.id}" for x in matches)
        return N_("'%(name)s' matches %(num)s stored exhibits of this enterprise without an exhibit code (%(ids)s); "
                  "give each its code in the catalogue first", name=name, num=len(matches), ids=ids)
    codes = ", ".join(x.values.get("exhibit_code") or f"#{x.id} (no code)" for x in matches)
    return N_("'%(name)s' matches %(num)s exhibits of this enterprise (exhibit codes %(codes)s); give the exhibit "
              "code", name=name, num=len(matches), codes=codes)
