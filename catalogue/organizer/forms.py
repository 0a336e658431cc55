"""The organizer console's forms; every one carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask import g
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import AnyOf, EqualTo, InputRequired, Length

from catalogue.organizer.accounts import MAX_PASSWORD, MIN_PASSWORD
from catalogue.organizer.models import ROLES


class Text:
    """A message in both languages that renders in the UI language of the request."""

    def __init__(self, english: str, chinese: str):
        self.english, self.chinese = english, chinese

    def __str__(self) -> str:
        return self.chinese if g.get("lang") == "zh" else self.english

    def __mod__(self, _values) -> Text:  # WTForms fills %(min)s-style fields in; ours has none
        return self


REQUIRED = Text("Please fill this in.", "请填写此项。")
# the role is a <select> written out in the templates; the form only checks the value
ROLE = [InputRequired(REQUIRED), AnyOf(ROLES, message=Text("Choose admin or editor.", "请选择管理员或编辑。"))]


class LoginForm(FlaskForm):
    email = StringField(validators=[InputRequired(REQUIRED), Length(max=254)])
    password = PasswordField(validators=[InputRequired(REQUIRED), Length(max=MAX_PASSWORD)])


class OrganizerForm(FlaskForm):
    email = StringField(validators=[InputRequired(REQUIRED), Length(max=254)])
    name = StringField(validators=[Length(max=200)])
    role = StringField(validators=ROLE, default="editor")
    password = PasswordField(validators=[
        InputRequired(REQUIRED),
        Length(min=MIN_PASSWORD, max=MAX_PASSWORD, message=Text(
            f"Use {MIN_PASSWORD} to {MAX_PASSWORD} characters.", f"请使用 {MIN_PASSWORD} 到 {MAX_PASSWORD} 个字符。"
        )),
    ])
    confirm = PasswordField(validators=[
        EqualTo("password", message=Text("The two passwords differ.", "两次输入的密码不一致。")),
    ])


class RoleForm(FlaskForm):
    role = StringField(validators=ROLE)


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
