"""Organizer synonym groups: terms (Chinese, English, abbreviations) searched as one another.

They extend the shipped glossary (crosslang.py) for the documents built from the database. Saving,
deleting or importing groups flushes, never commits; it writes search-outbox rows for every exhibit
and enterprise whose names or tags mention a term of the old or new groups, so the index catches up
after the caller's commit."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import DateTime, Integer, Text, delete, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalogue.catalog.models import Enterprise, Exhibit, utcnow
from catalogue.errors import CatalogueError, NotFound
from catalogue.extensions import db
from catalogue.search import crosslang
from catalogue.search.outbox import PENDING, OutboxEntry

MAX_TERM_CHARS = 80
MAX_TERMS = 30
MAX_GROUPS = 5000
_SEPARATORS = re.compile(r"[;；]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
HEADER = "# zh terms | en terms | abbreviations  (terms separated by ;)"


class InvalidSynonyms(CatalogueError):
    code = "invalid_synonyms"
    status = 400


class SynonymGroup(db.Model):
    __tablename__ = "search_synonym_group"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zh: Mapped[str] = mapped_column(Text, default="")  # terms separated by ";"
    en: Mapped[str] = mapped_column(Text, default="")
    abbreviations: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def terms(self) -> list[str]:
        """Every term of the group: Chinese, English, abbreviations."""
        return [*split(self.zh), *split(self.en), *split(self.abbreviations)]

    def concept(self) -> crosslang.Concept:
        """The group as a glossary concept."""
        return crosslang.Concept(tuple(split(self.zh)), tuple(split(self.en)), tuple(split(self.abbreviations)))


@dataclass
class Terms:
    """A group's terms as checked: each column's terms, in order, without repeats."""

    zh: list[str]
    en: list[str]
    abbreviations: list[str]


def split(text: str | None) -> list[str]:
    """The terms of a column: separated by ";" (or the full-width "；"), trimmed."""
    return [t.strip() for t in _SEPARATORS.split(text or "") if t.strip()]


def check(zh: str | Iterable[str], en: str | Iterable[str], abbreviations: str | Iterable[str],
          where: str = "") -> Terms:
    """The group's terms, or InvalidSynonyms saying (prefixed with where) what is wrong."""
    columns = [split(c) if isinstance(c, str) else [t.strip() for t in c if t and t.strip()]
               for c in (zh, en, abbreviations)]
    columns = [list(dict.fromkeys(" ".join(t.split()) for t in c)) for c in columns]


    def refuse(message: str) -> InvalidSynonyms:
        return InvalidSynonyms(_("%(where)s: %(message)s", where=where, message=message) if where else message)

    for terms in columns:
        for term in terms:
            if len(term) > MAX_TERM_CHARS:
                raise refuse(_("the term “%(term)s…” is longer than %(max)d characters.",
                               term=term[:20], max=MAX_TERM_CHARS))
            if "|" in term:
                raise refuse(_("the term “%(term)s” contains “|”.", term=term))
    for term in columns[0]:
        if not _CJK.search(term) or len(term) < 2:
            raise refuse(_("the Chinese term “%(term)s” must be Chinese, two characters or more.", term=term))
    for term in columns[1] + columns[2]:
        if _CJK.search(term):
            raise refuse(_("“%(term)s” is Chinese: put it in the Chinese column.", term=term))
    if sum(map(len, columns)) < 2:
        raise refuse(_("a group needs at least two terms."))
    if sum(map(len, columns)) > MAX_TERMS:
        raise refuse(_("a group has at most %(max)d terms.", max=MAX_TERMS))
    return Terms(*columns)


def list_groups(session: Session | None = None) -> list[SynonymGroup]:
    """Every group, oldest first."""
    session = session or db.session
    return list(session.scalars(select(SynonymGroup).order_by(SynonymGroup.id)))


def concepts(session: Session) -> list[crosslang.Concept]:
    """Every group as a glossary concept."""
    return [group.concept() for group in list_groups(session)]


def glossary(session: Session) -> crosslang.Glossary:
    """The shipped glossary with the organizers' groups."""
    return crosslang.builtin().with_concepts(concepts(session))


def save_group(group_id: int | None, terms: Terms) -> SynonymGroup:
    """Create (group_id None) or replace a group; flushes and queues the reindexing."""
    if group_id is None:
        group = SynonymGroup()
        db.session.add(group)
        old: list[str] = []
    else:
        group = db.session.get(SynonymGroup, group_id)
        if group is None:
            raise NotFound(_("There is no synonym group %(id)d.", id=group_id))
        old = group.terms()
    group.zh, group.en = ";".join(terms.zh), ";".join(terms.en)
    group.abbreviations = ";".join(terms.abbreviations)
    db.session.flush()
    touch([*old, *group.terms()])
    return group


def delete_group(group_id: int) -> None:
    """Delete a group; flushes and queues the reindexing."""
    group = db.session.get(SynonymGroup, group_id)
    if group is None:
        raise NotFound(_("There is no synonym group %(id)d.", id=group_id))
    terms = group.terms()
    db.session.delete(group)
    db.session.flush()
    touch(terms)


def parse_file(text: str) -> list[Terms]:
    """The groups of an exported file ("zh | en | abbreviations" lines, # comments); all or none."""
    groups = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        columns = line.split("|")
        if len(columns) > 3:
            raise InvalidSynonyms(_("line %(number)d: more than three columns (zh | en | abbreviations).",
                                    number=number))
        columns += [""] * (3 - len(columns))
        groups.append(check(*columns, where=_("line %(number)d", number=number)))
    if len(groups) > MAX_GROUPS:
        raise InvalidSynonyms(_("%(count)d groups: at most %(max)d.", count=len(groups), max=MAX_GROUPS))
    return groups


def import_groups(text: str) -> tuple[int, int]:
    """Replace every group with the file's; returns (groups before, groups now). Flushes."""
    groups = parse_file(text)
    old = list_groups()
    before = {tuple(g.terms()) for g in old}
    after = {(*t.zh, *t.en, *t.abbreviations) for t in groups}
    db.session.execute(delete(SynonymGroup))
    db.session.add_all(SynonymGroup(zh=";".join(t.zh), en=";".join(t.en), abbreviations=";".join(t.abbreviations))
                       for t in groups)
    db.session.flush()
    changed = before ^ after  # only the groups that came or went need their documents reindexed
    touch([term for terms in changed for term in terms])
    return len(old), len(groups)


def export_groups() -> str:
    """Every group as the text that import_groups reads back."""
    lines = [HEADER]
    for group in list_groups():
        lines.append(" | ".join([group.zh, group.en, group.abbreviations]).rstrip(" |"))
    return "\n".join(lines) + "\n"


def _matcher(terms: Iterable[str]):
    """A test for "does this text mention one of the terms" (Chinese: anywhere, in simplified
    form; Latin: a whole word, case ignored)."""
    chinese = {crosslang.simplified(t) for t in terms if _CJK.search(t)}
    latin = [re.escape(t) for t in terms if not _CJK.search(t)]
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(latin) + r")(?![\w])", re.IGNORECASE) if latin else None

    def mentions(text: str) -> bool:
        if not text:
            return False
        simple = crosslang.simplified(text)
        return any(t in simple for t in chinese) or bool(pattern and pattern.search(text))

    return mentions


def touch(terms: Iterable[str]) -> int:
    """Queue the reindexing (outbox rows) of every exhibit and enterprise whose names or tags
    mention one of the terms; returns how many."""
    terms = [t for t in dict.fromkeys(terms) if t]
    if not terms:
        return 0
    mentions = _matcher(terms)
    rows = []
    for exhibit_id, owner, name, name_zh, tags in db.session.execute(
            select(Exhibit.id, Exhibit.enterprise_id, Exhibit.name, Exhibit.name_zh, Exhibit.tags)):
        if mentions("\n".join(t for t in (name, name_zh, *(tags or [])) if t)):
            rows.append({"kind": "exhibit", "record_id": exhibit_id, "enterprise_id": owner})
    for enterprise_id, name, name_zh in db.session.execute(
            select(Enterprise.id, Enterprise.name, Enterprise.name_zh)):
        if mentions("\n".join(t for t in (name, name_zh) if t)):
            rows.append({"kind": "enterprise", "record_id": enterprise_id, "enterprise_id": None})
    if rows:
        now = utcnow()
        db.session.execute(insert(OutboxEntry), [{**row, "created_at": now} for row in rows])
        db.session.info[PENDING] = True  # the index catches up after the commit
    return len(rows)


def also_searched_as() -> list[tuple[str, list[str]]]:
    """For the help page: each group's first term and the others it is searched as."""
    found = []
    for group in list_groups():
        terms = group.terms()
        if len(terms) > 1:
            found.append((terms[0], terms[1:]))
    return found
