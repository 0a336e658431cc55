"""Write operations on enterprises, exhibits and categories, with the importer's rules. They flush, never commit."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.catalog.queries import subtree_ids
from catalogue.catalog.rules import (
    control_character,
    credit_code_problem,
    name_key,
    normalise_credit_code,
    normalise_website,
    slugify,
    split_tags,
    tidy_text,
    website_problem,
)
from catalogue.errors import CatalogueError
from catalogue.extensions import db
from catalogue.messages import N_

ENTERPRISE_ATTRS = ("name", "name_zh", "credit_code", "hall", "booth", "website", "description",
                    "description_zh", "logo")
EXHIBIT_ATTRS = ("enterprise_id", "exhibit_code", "name", "name_zh", "category_id", "description",
                 "description_zh", "tags", "image")
CATEGORY_ATTRS = ("name", "name_zh", "slug", "parent_id")
MULTILINE_ATTRS = frozenset({"description", "description_zh"})  # may hold newlines and tabs


class InvalidRecord(CatalogueError):
    """Values that break the catalogue's rules; `errors` maps each field to its message."""

    code = "invalid_record"
    status = 400

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class CategoryInUse(CatalogueError):
    code = "category_in_use"
    status = 409


def save_enterprise(values: dict, enterprise: Enterprise | None = None) -> Enterprise:
    """Create an enterprise (enterprise=None) or update one from form values; raise InvalidRecord."""
    control: dict[str, str] = {}
    values = _clean(values, ENTERPRISE_ATTRS, control)
    errors = _lengths(Enterprise, values)
    if values.get("credit_code"):
        values["credit_code"] = normalise_credit_code(values["credit_code"])
        reason = credit_code_problem(values["credit_code"])
        if reason:
            errors["credit_code"] = N_("'%(value)s' %(reason)s.", value=values["credit_code"], reason=reason)
        elif _taken(Enterprise, Enterprise.credit_code == values["credit_code"], enterprise):
            errors["credit_code"] = N_("Another enterprise already has the credit code %(code)s.",
                                        code=values["credit_code"])
    if values.get("website"):
        values["website"] = normalise_website(values["website"])
        reason = website_problem(values["website"])
        if reason:
            errors["website"] = N_("The website %(reason)s.", reason=reason)
    _check_names(errors, values, "enterprise")
    for attr in ("name_zh", "name"):
        key = name_key(values.get(attr))
        if key and attr not in errors and _taken(
            Enterprise, or_(Enterprise.name_key == key, Enterprise.name_zh_key == key), enterprise
        ):
            errors[attr] = N_("Another enterprise is already called '%(name)s'; imports match enterprises by name.",
                              name=values[attr])
    return _save(Enterprise, enterprise, values, {**errors, **control})


def delete_enterprise(enterprise: Enterprise) -> None:
    """Delete an enterprise with its exhibits."""
    db.session.delete(enterprise)
    db.session.flush()


def save_exhibit(values: dict, exhibit: Exhibit | None = None) -> Exhibit:
    """Create or update an exhibit from form values; raise InvalidRecord."""
    control: dict[str, str] = {}
    values = _clean(values, EXHIBIT_ATTRS, control)
    if isinstance(values.get("tags"), str):
        values["tags"] = split_tags(values["tags"])
    if "tags" in values or exhibit is None:
        values["tags"] = list(values.get("tags") or [])
    errors = _lengths(Exhibit, values)
    owner = db.session.get(Enterprise, values["enterprise_id"]) if values.get("enterprise_id") else None
    if owner is None:
        errors["enterprise_id"] = N_("Choose the enterprise that shows this exhibit.")
    if values.get("category_id") and db.session.get(Category, values["category_id"]) is None:
        errors["category_id"] = N_("That category no longer exists.")
    code = values.get("exhibit_code")
    if code and _taken(Exhibit, Exhibit.exhibit_code == code, exhibit):
        errors["exhibit_code"] = N_("Another exhibit already has the exhibit code %(code)s.", code=code)
    _check_names(errors, values, "exhibit")
    for attr in ("name_zh", "name"):
        key = name_key(values.get(attr))
        if not key or owner is None or attr in errors:
            continue
        same_name = or_(Exhibit.name_key == key, Exhibit.name_zh_key == key) & (Exhibit.enterprise_id == owner.id)
        if code:  # exhibits with codes may share a name (two models): imports tell them apart by code
            same_name &= Exhibit.exhibit_code.is_(None)
        if _taken(Exhibit, same_name, exhibit):
            errors[attr] = (N_("This enterprise already has an exhibit called '%(name)s' without an exhibit code; "
                               "give that one its code first.", name=values[attr]) if code else
                            N_("This enterprise already has an exhibit called '%(name)s'; two exhibits of one name "
                               "need exhibit codes.", name=values[attr]))
    return _save(Exhibit, exhibit, values, {**errors, **control})


def delete_exhibit(exhibit: Exhibit) -> None:
    db.session.delete(exhibit)
    db.session.flush()


def save_category(values: dict, category: Category | None = None) -> Category:
    """Create or update a category (the slug is made from the name when left blank); raise InvalidRecord."""
    control: dict[str, str] = {}
    values = _clean(values, CATEGORY_ATTRS, control)
    errors = _lengths(Category, values)
    _check_names(errors, values, "category")
    parent_id = values.get("parent_id")
    if parent_id:
        if db.session.get(Category, parent_id) is None:
            errors["parent_id"] = N_("That parent category no longer exists.")
        elif category is not None and parent_id in subtree_ids(category.id):
            errors["parent_id"] = N_("A category cannot be placed under itself or one of its sub-categories.")
    for attr in ("name", "name_zh"):
        key = name_key(values.get(attr))
        if key and attr not in errors and _sibling_named(key, parent_id, category):
            errors[attr] = N_("'%(name)s' already exists at this level; category paths must be unambiguous.",
                              name=values[attr])
    if values.get("slug"):
        values["slug"] = slugify(values["slug"])
        if _taken(Category, Category.slug == values["slug"], category):
            errors["slug"] = N_("Another category already uses the address /categories/%(slug)s.", slug=values["slug"])
    elif category is None:
        values["slug"] = _free_slug(values.get("name") or values.get("name_zh") or "category", None)
    else:
        values.pop("slug", None)  # a blank slug on an edit keeps the category's address
    return _save(Category, category, values, {**errors, **control})


def delete_category(category: Category) -> None:
    """Delete a category that has no exhibits and no sub-categories; raise CategoryInUse otherwise."""
    exhibits = _count(Exhibit, Exhibit.category_id == category.id)
    children = _count(Category, Category.parent_id == category.id)
    if exhibits or children:
        name = category.name or category.name_zh
        if exhibits and children:
            raise CategoryInUse(N_("'%(name)s' still has %(exhibits)s exhibit(s) and %(children)s sub-categor(ies); "
                                   "move them to another category first.", name=name, exhibits=exhibits,
                                   children=children))
        if exhibits:
            raise CategoryInUse(N_("'%(name)s' still has %(exhibits)s exhibit(s); move them to another category "
                                   "first.", name=name, exhibits=exhibits))
        raise CategoryInUse(N_("'%(name)s' still has %(children)s sub-categor(ies); move them to another category "
                               "first.", name=name, children=children))
    db.session.delete(category)
    db.session.flush()


def move_exhibits(source: Category, target: Category | None) -> int:
    """Move every exhibit of a category (not of its sub-categories) to another one; returns how many."""
    if target is not None and target.id == source.id:
        raise InvalidRecord({"target_id": N_("Choose a different category to move the exhibits to.")})
    exhibits = db.session.scalars(select(Exhibit).where(Exhibit.category_id == source.id)).all()
    for exhibit in exhibits:  # one by one through the ORM, so versions and the search outbox follow
        exhibit.category_id = target.id if target is not None else None
    db.session.flush()
    return len(exhibits)


def move_exhibit(exhibit: Exhibit, target: Category | None) -> None:
    exhibit.category_id = target.id if target is not None else None
    db.session.flush()


# --- helpers ----------------------------------------------------------------------------------


def _clean(values: dict, attrs: tuple[str, ...], errors: dict[str, str]) -> dict:
    """Keep the known attributes; tidy and strip text, blanks to None; control characters go into `errors`."""
    cleaned = {}
    for attr in attrs:
        if attr in values:
            value = values[attr]
            if isinstance(value, str):
                bad = control_character(value)
                if bad is not None:
                    errors[attr] = control_message(bad)
                value = tidy_text(value, multiline=attr in MULTILINE_ATTRS).strip()
            cleaned[attr] = value if attr == "tags" else (value or None)
    return cleaned


def control_message(char: str) -> str:
    """The message for text holding a character no stored text may hold (catalog/rules.py CONTROL)."""
    return N_("Contains an invisible control character (U+%(code)s) that cannot be stored; remove it.",
              code=f"{ord(char):04X}")


def _lengths(model, values: dict) -> dict[str, str]:
    errors = {}
    for attr, value in values.items():
        limit = getattr(model.__table__.c[attr].type, "length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            errors[attr] = N_("At most %(limit)s characters (this is %(length)s).", limit=limit, length=len(value))
    return errors


def _check_names(errors: dict, values: dict, what: str) -> None:
    if not (values.get("name") or values.get("name_zh")):
        errors.setdefault("name", {
            "enterprise": N_("Give the enterprise a name in English or Chinese (or both)."),
            "exhibit": N_("Give the exhibit a name in English or Chinese (or both)."),
            "category": N_("Give the category a name in English or Chinese (or both)."),
        }[what])


def _taken(model, condition, current) -> bool:
    query = select(model.id).where(condition)
    if current is not None and current.id is not None:
        query = query.where(model.id != current.id)
    return db.session.scalar(query.limit(1)) is not None


def _count(model, condition) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(condition))


def _sibling_named(key: str, parent_id: int | None, current: Category | None) -> bool:
    siblings = db.session.scalars(select(Category).where(
        Category.parent_id == parent_id if parent_id else Category.parent_id.is_(None)
    )).all()
    return any(
        key in {name_key(c.name), name_key(c.name_zh)}
        for c in siblings if current is None or c.id != current.id
    )


def _free_slug(text: str, current: Category | None) -> str:
    base = slug = slugify(text)
    n = 2
    while _taken(Category, Category.slug == slug, current):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _save(model, record, values: dict, errors: dict):
    if errors:
        raise InvalidRecord(errors)
    if record is None:
        record = model(**values)
        db.session.add(record)
    else:
        for attr, value in values.items():
            if getattr(record, attr) != value:
                setattr(record, attr, value)
    db.session.flush()
    return record

