"""Organizer console: login and logout, the dashboard, and (for admins) the organizer accounts."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user

from catalogue.extensions import db, limiter
from catalogue.i18n import say
from catalogue.organizer import accounts, nav
from catalogue.organizer.auth import admin_required, current_organizer, editor_required, safe_next
from catalogue.organizer.dashboard import collect_dashboard
from catalogue.organizer.forms import ActionForm, LoginForm, OrganizerForm, RoleForm
from catalogue.organizer.models import Organizer, normalise_email

bp = Blueprint("organizer", __name__, url_prefix="/organizer")
nav.register(bp)

LOGIN_LIMITS = "5 per minute;20 per hour"
WRONG_LOGIN = _l("Email or password is incorrect.")
TOO_MANY = _l("Too many sign-in attempts. Please wait a minute and try again.")


def _account_key() -> str:
    """The rate-limit key for the account being signed in to: the submitted email."""
    return "account:" + normalise_email(request.form.get("email", ""))[:254]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMITS, methods=["POST"], error_message=lambda: str(TOO_MANY))
@limiter.limit(LOGIN_LIMITS, methods=["POST"], key_func=_account_key, error_message=lambda: str(TOO_MANY))
def login():
    target = safe_next(request.args.get("next")) or url_for("organizer.dashboard")
    if current_organizer() is not None:
        return redirect(target)
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        organizer = accounts.authenticate(form.email.data, form.password.data)
        if organizer is not None:
            db.session.commit()
            session.clear()  # a fresh session (and CSRF token) for the signed-in organizer
            login_user(organizer, remember=False)
            session.permanent = True  # PERMANENT_SESSION_LIFETIME: 8 hours
            return redirect(target)
        db.session.rollback()
        error = WRONG_LOGIN
    return render_template("organizer/login.html", form=form, error=error)


@bp.post("/logout")
@editor_required
def logout():
    if ActionForm().validate_on_submit():
        logout_user()
        session.clear()
        flash(_("You are signed out."))
    return redirect(url_for("organizer.login"))


@bp.get("/")
@editor_required
def dashboard():
    return render_template("organizer/dashboard.html", board=collect_dashboard(g.get("lang", "en")))


@bp.get("/organizers")
@admin_required
def organizers():
    return _organizers_page(OrganizerForm())


@bp.post("/organizers")
@admin_required
def create_organizer():
    form = OrganizerForm()
    if form.validate_on_submit():
        try:
            created = accounts.create_organizer(form.email.data, form.password.data, form.role.data, form.name.data)
        except accounts.AccountRefused as refused:
            db.session.rollback()
            flash(say(refused.message), "error")
        else:
            db.session.commit()
            flash(_("Created %(email)s (%(role)s).", email=created.email, role=_("admin") if created.role == "admin"
                    else _("editor")))
            return redirect(url_for("organizer.organizers"))
    return _organizers_page(form), 400


@bp.post("/organizers/<int:organizer_id>/role")
@admin_required
def change_role(organizer_id: int):
    form = RoleForm()
    if form.validate_on_submit():
        _apply(lambda o: accounts.change_role(o, form.role.data, current_organizer()), organizer_id)
    else:
        flash(_("Choose admin or editor."), "error")
    return redirect(url_for("organizer.organizers"))


@bp.post("/organizers/<int:organizer_id>/deactivate")
@admin_required
def deactivate(organizer_id: int):
    if ActionForm().validate_on_submit():
        _apply(lambda o: accounts.set_active(o, False, current_organizer()), organizer_id)
    return redirect(url_for("organizer.organizers"))


@bp.post("/organizers/<int:organizer_id>/reactivate")
@admin_required
def reactivate(organizer_id: int):
    if ActionForm().validate_on_submit():
        _apply(lambda o: accounts.set_active(o, True, current_organizer()), organizer_id)
    return redirect(url_for("organizer.organizers"))


def _apply(change, organizer_id: int) -> None:
    """Run an account change on one organizer, commit it, and tell the admin how it went."""
    organizer = db.get_or_404(Organizer, organizer_id)
    try:
        change(organizer)
    except accounts.AccountRefused as refused:
        db.session.rollback()
        flash(say(refused.message), "error")
        return
    db.session.commit()
    flash(_("Saved the changes to %(email)s.", email=organizer.email))


def _organizers_page(form: OrganizerForm) -> str:
    return render_template(
        "organizer/organizers.html",
        organizers=accounts.list_organizers(),
        form=form,
        role_form=RoleForm(),
        action_form=ActionForm(),
    )
