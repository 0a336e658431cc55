"""The organizer console's forms: accounts, enterprises, exhibits, categories and imports; every one
carries a CSRF token (Flask-WTF). The forms check shapes (lengths, choices); the catalogue's rules are
checked by catalog/operations.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, EqualTo, InputRequired, Length, Optional, ValidationError

from catalogue.catalog.operations import control_message
from catalogue.catalog.rules import control_character
from catalogue.i18n import say
from catalogue.organizer.accounts import MAX_PASSWORD, MIN_PASSWORD
from catalogue.organizer.models import ROLES


def no_control_characters(_form, field) -> None:
    """Refuse text holding a character no stored text may hold (the importer's rule, catalog/rules.py)."""
    bad = control_character(field.data or "")
    if bad is not None:
        raise ValidationError(say(control_message(bad)))


REQUIRED = _l("Please fill this in.")
# the role is a <select> written out in the templates; the form only checks the value
ROLE = [InputRequired(REQUIRED), AnyOf(ROLES, message=_l("Choose admin or editor."))]


class LoginForm(FlaskForm):
    email = StringField(validators=[InputRequired(REQUIRED), Length(max=254), no_control_characters])
    password = PasswordField(validators=[InputRequired(REQUIRED), Length(max=MAX_PASSWORD)])


class OrganizerForm(FlaskForm):
    email = StringField(validators=[InputRequired(REQUIRED), Length(max=254), no_control_characters])
    name = StringField(validators=[Length(max=200), no_control_characters])
    role = StringField(validators=ROLE, default="editor")
    password = PasswordField(validators=[
        InputRequired(REQUIRED),
        Length(min=MIN_PASSWORD, max=MAX_PASSWORD, message=_l("Use %(min)d to %(max)d characters.")),
    ])
    confirm = PasswordField(validators=[
        EqualTo("password", message=_l("The two passwords differ.")),
    ])


class RoleForm(FlaskForm):
    role = StringField(validators=ROLE)


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


NONE = 0  # the "no category" / "top level" choice of a select

DESCRIPTION = [Optional(), Length(max=20_000)]


def _text(limit: int) -> list:
    return [Optional(), Length(max=limit)]


class EnterpriseForm(FlaskForm):
    name = StringField("Name (English)", _text(300))
    name_zh = StringField("Name (Chinese)", _text(300))
    credit_code = StringField("Unified social credit code", _text(40))
    hall = StringField("Hall", _text(50))
    booth = StringField("Booth", _text(50))
    website = StringField("Website", _text(500))
    description = TextAreaField("Description (English)", DESCRIPTION)
    description_zh = TextAreaField("Description (Chinese)", DESCRIPTION)
    logo = FileField("Logo (PNG, JPEG, GIF or WebP; at most 5 MiB and 4096×4096 pixels)")
    remove_logo = BooleanField("Remove the logo")

    TEXT = ("name", "name_zh", "credit_code", "hall", "booth", "website", "description", "description_zh")


class ExhibitForm(FlaskForm):
    enterprise_id = SelectField("Enterprise", coerce=int)
    exhibit_code = StringField("Exhibit code", _text(100))
    name = StringField("Name (English)", _text(300))
    name_zh = StringField("Name (Chinese)", _text(300))
    category_id = SelectField("Category", coerce=int, default=NONE)
    description = TextAreaField("Description (English)", DESCRIPTION)
    description_zh = TextAreaField("Description (Chinese)", DESCRIPTION)
    tags = StringField("Tags (separated by commas)", _text(2000))
    image = FileField("Image (PNG, JPEG, GIF or WebP; at most 5 MiB and 4096×4096 pixels)")
    remove_image = BooleanField("Remove the image")

    TEXT = ("enterprise_id", "exhibit_code", "name", "name_zh", "category_id", "description",
            "description_zh", "tags")


class CategoryForm(FlaskForm):
    name = StringField("Name (English)", _text(200))
    name_zh = StringField("Name (Chinese)", _text(200))
    slug = StringField("Address (slug; made from the name when left blank)", _text(100))
    parent_id = SelectField("Parent category", coerce=int, default=NONE)

    TEXT = ("name", "name_zh", "slug", "parent_id")


class MoveExhibitsForm(FlaskForm):
    target_id = SelectField("Move all its exhibits to", coerce=int, default=NONE)


class UploadForm(FlaskForm):
    file = FileField("Exhibitor list (CSV, XLSX or JSON)", [FileRequired(_l("Choose a file to upload."))])


class ConfirmImportForm(FlaskForm):
    preview_id = HiddenField()  # the file, its name and its uploader come from the preview, not the form


def form_values(form: FlaskForm) -> dict:
    """The form's text fields as operation values; the 'none' choice becomes None."""
    values = {name: form[name].data for name in form.TEXT}
    for name, value in values.items():
        if name.endswith("_id") and value == NONE:
            values[name] = None
    return values


class PasswordChangeForm(FlaskForm):
    """The signed-in organizer's own password: the current one, and the new one twice."""

    current = PasswordField(validators=[InputRequired(REQUIRED), Length(max=MAX_PASSWORD)])
    password = PasswordField(validators=[InputRequired(REQUIRED), Length(max=MAX_PASSWORD)])
    confirm = PasswordField(validators=[
        EqualTo("password", message=_l("The two new passwords differ.")),
    ])
