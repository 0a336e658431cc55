"""Console words for values stored in English: record kinds, actions, row states and attribute names."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

KINDS = {"enterprise": _l("Enterprise"), "exhibit": _l("Exhibit"), "category": _l("Category")}
ACTIONS = {"create": _l("created"), "update": _l("updated"), "delete": _l("deleted"), "restore": _l("restored")}
STATES = {"create": _l("create"), "update": _l("update"), "unchanged": _l("unchanged"), "error": _l("error")}
FIELDS = {
    "name": _l("Name (English)"), "name_zh": _l("Name (Chinese)"), "credit_code": _l("Unified social credit code"),
    "hall": _l("Hall"), "booth": _l("Booth"), "website": _l("Website"),
    "description": _l("Description (English)"), "description_zh": _l("Description (Chinese)"),
    "exhibit_code": _l("Exhibit code"), "tags": _l("Tags"), "category": _l("Category"),
    "category_id": _l("Category"), "enterprise": _l("Enterprise"), "enterprise_id": _l("Enterprise"),
    "slug": _l("Address (slug)"), "parent_id": _l("Parent category"), "logo": _l("Logo"), "image": _l("Image"),
}
# the importer's fields (catalogue/imports/headers.py FIELDS)
COLUMNS = {
    "enterprise_name": _l("enterprise name (English)"), "enterprise_name_zh": _l("enterprise name (Chinese)"),
    "credit_code": _l("credit code"), "hall": _l("hall"), "booth": _l("booth"), "website": _l("website"),
    "enterprise_description": _l("enterprise description (English)"),
    "enterprise_description_zh": _l("enterprise description (Chinese)"), "exhibit_code": _l("exhibit code"),
    "exhibit_name": _l("exhibit name (English)"), "exhibit_name_zh": _l("exhibit name (Chinese)"),
    "category": _l("category"), "exhibit_description": _l("exhibit description (English)"),
    "exhibit_description_zh": _l("exhibit description (Chinese)"), "tags": _l("tags"),
}


def column_label(field: str) -> str:
    return str(COLUMNS.get(field, field))
# who made an import when no organizer did (catalogue/imports/history.py, catalogue/demo)
ACTORS = {"command line": _l("command line"), "demo catalogue": _l("demo catalogue")}


def actor_label(actor: str) -> str:
    return str(ACTORS.get(actor, actor))


def record_label(kind: str, record_id: int | None = None) -> str:
    """"Exhibit #12" in the UI language."""
    name = str(KINDS.get(kind, kind))
    return _("%(kind)s #%(id)s", kind=name, id=record_id) if record_id is not None else name


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def state_label(state: str | None) -> str:
    return str(STATES.get(state, state or "—"))


def field_label(attr: str) -> str:
    return str(FIELDS.get(attr, attr))


HELPERS = {"record_label": record_label, "action_label": action_label, "state_label": state_label,
           "field_label": field_label, "column_label": column_label, "actor_label": actor_label}
