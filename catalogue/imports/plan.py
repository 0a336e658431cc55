"""Plan an import: rows read from a file, against a snapshot of the catalogue -> changes and errors.

Pure: no database and no Flask, so every rule can be tested directly."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from catalogue.catalog.rules import (
    credit_code_problem,
    name_key,
    normalise_credit_code,
    normalise_website,
    split_tags,
    website_problem,
)
from catalogue.imports.categories import CategoryResolver, KnownCategory, NewCategory
from catalogue.imports.matching import KnownExhibit, Ref, StoredExhibits, coded_names
from catalogue.imports.sheet import Problem, Sheet, SourceRow
from catalogue.messages import N_

ENTERPRISE_FIELDS = {
    "enterprise_name": "name",
    "enterprise_name_zh": "name_zh",
    "credit_code": "credit_code",
    "hall": "hall",
    "booth": "booth",
    "website": "website",
    "enterprise_description": "description",
    "enterprise_description_zh": "description_zh",
}
EXHIBIT_FIELDS = {
    "exhibit_code": "exhibit_code",
    "exhibit_name": "name",
    "exhibit_name_zh": "name_zh",
    "exhibit_description": "description",
    "exhibit_description_zh": "description_zh",
    "tags": "tags",
}
NAME_ATTRS = {"name", "name_zh"}
# Enterprise values normalised, then checked, before use: attribute -> (normalise, why it is bad)
CHECKED = {
    "credit_code": (normalise_credit_code, credit_code_problem),
    "website": (normalise_website, website_problem),
}
@dataclass(frozen=True)
class KnownEnterprise:
    id: int
    values: dict  # attribute -> stored value (attributes of ENTERPRISE_FIELDS)


@dataclass
class Snapshot:
    """What the catalogue holds of the records a file may touch."""

    enterprises: list[KnownEnterprise] = field(default_factory=list)
    exhibits: list[KnownExhibit] = field(default_factory=list)
    categories: list[KnownCategory] = field(default_factory=list)


@dataclass
class Change:
    """One record to create or update (or left unchanged), with the attributes to set."""

    ref: Ref
    action: str  # create | update | unchanged
    values: dict
    rows: list[int]  # exhibits also carry "enterprise" and "category" (a Ref) in values
    shown: dict = field(default_factory=dict)  # update: attribute -> (stored value, new value) as text

    @property
    def changed(self) -> list[tuple[str, str, str]]:
        """(attribute, old, new) for each attribute an update sets, for people to read."""
        return [(attr, *self.shown.get(attr, ("", _text(self.values[attr])))) for attr in sorted(self.values)]


@dataclass
class RowOutcome:
    row: int
    label: str
    enterprise: str  # create | update | unchanged | error
    exhibit: str | None  # create | update | unchanged | error | None (enterprise-only row)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (attribute, old, new)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Plan:
    rows: list[RowOutcome]
    problems: list[Problem]
    categories: list[NewCategory]
    enterprises: list[Change]
    exhibits: list[Change]
    ignored_headers: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, dict[str, int]]:
        """Enterprises and exhibits to create, update and leave unchanged."""
        result = {}
        for kind, changes in (("enterprises", self.enterprises), ("exhibits", self.exhibits)):
            counter = Counter(change.action for change in changes)
            result[kind] = {a: counter.get(a, 0) for a in ("create", "update", "unchanged")}
        return result


class _Groups:
    """Union-find over the keys that say two rows are the same enterprise."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, keys: list[str]) -> str:
        roots = [self.find(k) for k in keys]
        for other in roots[1:]:
            self.parent[other] = roots[0]
        return roots[0]


class Planner:
    def __init__(self, sheet: Sheet, snapshot: Snapshot):
        self.sheet = sheet
        self.problems: list[Problem] = list(sheet.problems)
        self.by_code = {e.values.get("credit_code"): e for e in snapshot.enterprises if e.values.get("credit_code")}
        self.by_name: dict[str, KnownEnterprise] = {}
        for e in snapshot.enterprises:
            for attr in ("name_zh", "name"):
                key = name_key(e.values.get(attr))
                if key:
                    self.by_name.setdefault(key, e)
        self.known_enterprises = {e.id: e for e in snapshot.enterprises}
        self.exhibits = StoredExhibits(snapshot.exhibits)
        self.categories = CategoryResolver(snapshot.categories)

    def problem(self, row: SourceRow, field_name: str | None, reason: str) -> Problem:
        column = self.sheet.column_label(field_name) if field_name in self.sheet.fields else None
        found = Problem(row.number, column, field_name, reason)
        self.problems.append(found)
        return found

    def plan(self) -> Plan:
        rows = self.sheet.rows
        entries = [self._enterprise_entry(row) for row in rows]
        groups = _Groups()
        for entry in entries:
            if entry["keys"]:
                entry["group"] = groups.union(entry["keys"])
        enterprise_changes, group_refs = self._enterprise_changes(rows, entries, groups)
        outcomes: list[RowOutcome] = []
        exhibit_changes: list[Change] = []
        seen_exhibits: dict[tuple, int] = {}
        change_of = {change.ref: change for change in enterprise_changes}
        refs = [group_refs.get(groups.find(e["group"])) if e.get("group") else None for e in entries]
        coded = coded_names(rows, refs)
        for row, ref in zip(rows, refs, strict=True):
            enterprise_change = change_of.get(ref)
            outcome = RowOutcome(
                row=row.number,
                label=_label(row),
                enterprise=enterprise_change.action if enterprise_change else "error",
                exhibit=None,
            )
            if _has_exhibit(row):
                change = self._exhibit_change(row, ref, seen_exhibits, coded)
                if change is not None:
                    exhibit_changes.append(change)
                    outcome.exhibit = change.action
                    outcome.changes = change.changed if change.action == "update" else []
                else:
                    outcome.exhibit = "error"
            if enterprise_change and enterprise_change.action == "update" and not outcome.changes:
                outcome.changes = enterprise_change.changed
            outcomes.append(outcome)
        by_row: dict[int, list[Problem]] = {}
        for p in self.problems:
            by_row.setdefault(p.row, []).append(p)
        for outcome in outcomes:
            outcome.problems = by_row.get(outcome.row, [])
            if any(p.field in ENTERPRISE_FIELDS or p.field is None for p in outcome.problems):
                outcome.enterprise = "error"
            if outcome.exhibit and any(p.field not in ENTERPRISE_FIELDS for p in outcome.problems):
                outcome.exhibit = "error"
        self.problems.sort(key=lambda p: (p.row or 0, self.sheet.fields.get(p.field or "", -1)))
        return Plan(
            rows=outcomes,
            problems=self.problems,
            categories=self.categories.created,
            enterprises=enterprise_changes,
            exhibits=exhibit_changes,
            ignored_headers=self.sheet.ignored_headers,
        )

    def _enterprise_entry(self, row: SourceRow) -> dict:
        """The row's enterprise values (blank cells left out) and the keys that identify it."""
        values: dict[str, str] = {}
        for source, attr in ENTERPRISE_FIELDS.items():
            text = row.values.get(source, "")
            if not text:
                continue
            if attr in CHECKED:
                normalise, problem_of = CHECKED[attr]
                text = normalise(text)
                reason = problem_of(text)
                if reason:
                    self.problem(row, source, N_("'%(value)s' %(reason)s", value=text, reason=reason))
                    continue
            values[attr] = text
        keys: list[str] = []
        known = None
        if "credit_code" in values:
            keys.append("code:" + values["credit_code"])
            known = self.by_code.get(values["credit_code"])
        for attr in ("name_zh", "name"):
            key = name_key(values.get(attr))
            if key:
                keys.append("name:" + key)
                if known is None and key in self.by_name:
                    candidate = self.by_name[key]
                    stored_code = candidate.values.get("credit_code")
                    if "credit_code" in values and stored_code and stored_code != values["credit_code"]:
                        self.problem(
                            row, "credit_code",
                            N_("'%(code)s' differs from the credit code %(stored)s stored for '%(name)s'; "
                               "correct the code or the name", code=values["credit_code"], stored=stored_code,
                               name=values.get(attr)),
                        )
                    else:
                        known = candidate
        if known is not None:
            keys.append(f"id:{known.id}")
        if not keys:
            self.problem(row, _name_field(self.sheet, "enterprise"),
                         N_("an enterprise name (English or Chinese) or a valid credit code is required"))
        return {"values": values, "keys": keys, "known": known}

    def _enterprise_changes(self, rows, entries, groups) -> tuple[list[Change], dict[str, Ref]]:
        merged: dict[str, dict] = {}
        for row, entry in zip(rows, entries, strict=True):
            if not entry.get("group"):
                continue
            group = merged.setdefault(groups.find(entry["group"]), {"values": {}, "from": {}, "rows": [], "known": None})
            group["rows"].append(row.number)
            if entry["known"] is not None:
                if group["known"] is not None and group["known"].id != entry["known"].id:
                    self.problem(row, "credit_code" if "credit_code" in entry["values"] else "enterprise_name",
                                 N_("names and credit codes on this row point to two different stored enterprises"))
                group["known"] = group["known"] or entry["known"]
            for attr, value in entry["values"].items():
                if attr not in group["values"]:
                    group["values"][attr], group["from"][attr] = value, row.number
                elif not _same(attr, group["values"][attr], value):
                    source = next(s for s, a in ENTERPRISE_FIELDS.items() if a == attr)
                    self.problem(
                        row, source,
                        N_("'%(value)s' conflicts with '%(other)s' given for the same enterprise in row %(row)s",
                           value=_short(value), other=_short(group["values"][attr]), row=group["from"][attr]),
                    )
        changes, refs = [], {}
        for n, (root, group) in enumerate(merged.items(), start=1):
            known = group["known"]
            if known is None:
                change = Change(f"new:{n}", "create", group["values"], group["rows"])
            else:
                diff = {a: v for a, v in group["values"].items() if not _equal_stored(a, known.values.get(a), v)}
                change = Change(known.id, "update" if diff else "unchanged", diff, group["rows"],
                                {a: (_text(known.values.get(a)), _text(v)) for a, v in diff.items()})
            refs[root] = change.ref
            changes.append(change)
        return changes, refs

    def _exhibit_change(self, row: SourceRow, enterprise: Ref | None, seen: dict[tuple, int],
                        coded: dict[tuple, tuple[int, str]]) -> Change | None:
        values: dict = {}
        for source, attr in EXHIBIT_FIELDS.items():
            text = row.values.get(source, "")
            if text:
                values[attr] = split_tags(text) if attr == "tags" else text
        category = None
        if row.values.get("category"):
            category, reason = self.categories.resolve(row.values["category"])
            if reason:
                self.problem(row, "category", reason)
        if enterprise is None:
            return None
        code = values.get("exhibit_code")
        names = [(attr, key) for attr in ("name_zh", "name") if (key := name_key(values.get(attr)))]
        if code:  # the code alone identifies a coded row within the file
            identity: list[tuple] = [("code", code)]
        else:
            identity = [(enterprise, key) for _, key in names]
            clash = next((coded[k] for k in identity if k in coded), None)
            if clash is not None:
                self.problem(row, _name_field(self.sheet, "exhibit"),
                             N_("this row has no exhibit code and names the same exhibit as row %(row)s (exhibit "
                                "code %(code)s); give it its exhibit code, or another name", row=clash[0], code=clash[1]))
                return None
        known, ambiguous = self.exhibits.find(values, enterprise, names, seen)
        if ambiguous:
            self.problem(row, _name_field(self.sheet, "exhibit"), ambiguous)
            return None
        if known is not None:
            identity.append(("id", known.id))
        repeated = next((key for key in identity if key in seen), None)
        if repeated is not None:
            field_name = "exhibit_code" if repeated[0] == "code" or code else _name_field(self.sheet, "exhibit")
            self.problem(row, field_name, N_("this exhibit is already listed in row %(row)s", row=seen[repeated]))
            return None
        seen.update(dict.fromkeys(identity, row.number))
        if known is None:
            if not names:
                self.problem(row, _name_field(self.sheet, "exhibit"),
                             N_("a new exhibit needs a name (English or Chinese)"))
                return None
            values["enterprise"] = enterprise
            if category is not None:
                values["category"] = category
            return Change(f"new:{row.number}", "create", values, [row.number])
        diff = {a: v for a, v in values.items() if not _equal_stored(a, known.values.get(a), v)}
        shown = {a: (_text(known.values.get(a)), _text(v)) for a, v in diff.items()}
        if known.enterprise_id != enterprise:
            diff["enterprise"] = enterprise
            shown["enterprise"] = (self._enterprise_name(known.enterprise_id), _label(row, ENTERPRISE_LABELS))
        if category is not None and category != known.category_id:
            diff["category"] = category
            old = self.categories.path(known.category_id) if known.category_id is not None else ""
            shown["category"] = (old, self.categories.path(category))
        return Change(known.id, "update" if diff else "unchanged", diff, [row.number], shown)

    def _enterprise_name(self, enterprise_id: int) -> str:
        known = self.known_enterprises.get(enterprise_id)
        return (known.values.get("name_zh") or known.values.get("name") or f"#{enterprise_id}") if known else ""


def plan_import(sheet: Sheet, snapshot: Snapshot) -> Plan:
    """Decide, row by row, what importing the sheet would create, update or refuse."""
    return Planner(sheet, snapshot).plan()


def _name_field(sheet: Sheet, kind: str) -> str | None:
    """The name column to point an error at: the Chinese one if the file has it, else the English."""
    return next((f for f in (f"{kind}_name_zh", f"{kind}_name") if f in sheet.fields), None)


def _has_exhibit(row: SourceRow) -> bool:
    return any(row.values.get(f) for f in (*EXHIBIT_FIELDS, "category"))


ENTERPRISE_LABELS = ("enterprise_name_zh", "enterprise_name", "credit_code")


def _label(row: SourceRow, sources=("exhibit_name_zh", "exhibit_name", "exhibit_code", *ENTERPRISE_LABELS)) -> str:
    for source in sources:
        if row.values.get(source):
            return row.values[source]
    return ""


def _same(attr: str, a: str, b: str) -> bool:
    return name_key(a) == name_key(b) if attr in NAME_ATTRS else a == b


def _equal_stored(attr: str, stored, new) -> bool:
    if attr == "tags":
        return list(stored or []) == list(new)
    return (stored or "") == new


def _text(value) -> str:
    """A stored or new value as the preview shows it (tags joined; nothing as an empty string)."""
    if isinstance(value, list | tuple):
        return ", ".join(value)
    return "" if value is None else str(value)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
