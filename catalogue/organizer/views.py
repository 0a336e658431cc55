"""Organizer console: login and logout, the dashboard, and (for admins) the organizer accounts."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import logout_user

from catalogue.extensions import db, limiter
from catalogue.i18n import say
from catalogue.organizer import accounts, nav, signin
from catalogue.organizer.auth import (
    admin_required,
    current_organizer,
    editor_required,
    safe_next,
    start_session,
)
from catalogue.organizer.dashboard import collect_dashboard
from catalogue.organizer.forms import (
    ActionForm,
    LoginForm,
    OrganizerForm,
    PasswordChangeForm,
    RoleForm,
)
from catalogue.organizer.models import Organizer

bp = Blueprint("organizer", __name__, url_prefix="/organizer")
nav.register(bp)

LOGIN_LIMITS = "5 per minute;20 per hour"
WRONG_LOGIN = _l("Email or password is incorrect.")
TOO_MANY = _l("Too many sign-in attempts. Please wait a minute and try again.")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMITS, methods=["POST"], error_message=lambda: str(TOO_MANY),
               on_breach=signin.log_address_throttled)
@limiter.limit(LOGIN_LIMITS, methods=["POST"], key_func=signin.account_key, error_message=lambda: str(TOO_MANY),
               deduct_when=signin.failed, exempt_when=signin.known_browser, on_breach=signin.log_account_throttled)
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
            start_session(organizer)
            return signin.remember_browser(redirect(target), organizer)
        db.session.rollback()
        error = WRONG_LOGIN
    return render_template("organizer/login.html", form=form, error=error)


@bp.post("/logout")
@editor_required
def logout():
    if ActionForm().validate_on_submit():
        current_organizer().end_sessions()  # a copy of this session's cookie is worth nothing now
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("You are signed out."))
    return redirect(url_for("organizer.login"))


def _own_account_key() -> str:
    organizer = current_organizer()
    return f"password:{organizer.id if organizer else request.remote_addr}"


@bp.route("/password", methods=["GET", "POST"])
@editor_required
@limiter.limit(LOGIN_LIMITS, methods=["POST"], key_func=_own_account_key, error_message=lambda: str(TOO_MANY))
def password():
    """Change one's own password: the current one, then the new one twice; other sessions end."""
    form = PasswordChangeForm()
    organizer = current_organizer()
    if form.validate_on_submit():
        if not accounts.password_matches(organizer, form.current.data):
            form.current.errors.append(_("The current password is not right."))
        else:
            try:
                accounts.change_password(organizer, form.password.data)
            except accounts.AccountRefused as refused:
                db.session.rollback()
                form.password.errors.append(say(refused.message))
            else:
                db.session.commit()
                current_app.logger.info("Organizer %s changed their password", organizer.email)
                start_session(organizer)  # this browser goes on, on a fresh session; the others end
                flash(_("Your password is changed. Your other sessions have ended."))
                return redirect(url_for("organizer.dashboard"))
        return render_template("organizer/password.html", form=form), 400
    return render_template("organizer/password.html", form=form), 400 if form.is_submitted() else 200


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


@bp.post("/organizers/<id:organizer_id>/role")
@admin_required
def change_role(organizer_id: int):
    form = RoleForm()
    if form.validate_on_submit():
        _apply(lambda o: accounts.change_role(o, form.role.data, current_organizer()), organizer_id)
    else:
        flash(_("Choose admin or editor."), "error")
    return redirect(url_for("organizer.organizers"))


@bp.post("/organizers/<id:organizer_id>/deactivate")
@admin_required
def deactivate(organizer_id: int):
    if ActionForm().validate_on_submit():
        _apply(lambda o: accounts.set_active(o, False, current_organizer()), organizer_id)
    return redirect(url_for("organizer.organizers"))


@bp.post("/organizers/<id:organizer_id>/reactivate")
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
