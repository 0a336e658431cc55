"""Account operations: create organizers, change roles, deactivate, check passwords.

Like every operation here they flush and never commit; the view or command commits."""

from __future__ import annotations

from functools import cache

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from catalogue.catalog.models import utcnow
from catalogue.catalog.rules import control_character
from catalogue.errors import CatalogueError
from catalogue.extensions import db
from catalogue.messages import N_
from catalogue.organizer.models import ROLES, Organizer, normalise_email
from catalogue.organizer.passwords import MAX_PASSWORD, MIN_PASSWORD, refusal, weakness

__all__ = ["MAX_PASSWORD", "MIN_PASSWORD"]  # the forms' length limits come from here

# scrypt with N=2^17, r=8, p=1: about 128 MiB and 0.4 s per hash, so guessing is expensive
PASSWORD_METHOD = "scrypt:131072:8:1"


class AccountRefused(CatalogueError):
    """A change to an account that is not allowed; the message is a Message (shown in the UI language)."""

    code = "account_refused"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


@cache
def _decoy_hash() -> str:
    return hash_password("not anyone's password")


def check_password_rules(password: str, email: str = "") -> None:
    """Refuse a short, long, common or trivially patterned password, saying why (in the UI language)."""
    problem = weakness(password, email)
    if problem is not None:
        raise AccountRefused(refusal(problem))


def password_matches(organizer: Organizer, password: str) -> bool:
    """Whether this is the organizer's password (no sign-in is recorded)."""
    return check_password_hash(organizer.password_hash, password)


def change_password(organizer: Organizer, new_password: str) -> None:
    """Store a new password (checked against the policy); every session of the account ends."""
    check_password_rules(new_password, organizer.email)
    organizer.password_hash = hash_password(new_password)
    organizer.end_sessions()
    db.session.flush()


def find_organizer(email: str) -> Organizer | None:
    return db.session.scalar(select(Organizer).where(Organizer.email == normalise_email(email)))


def authenticate(email: str, password: str) -> Organizer | None:
    """The active organizer with this email and password, else None (taking the same time either way)."""
    organizer = None if control_character(email) else find_organizer(email)
    if organizer is None or not organizer.active:
        check_password_hash(_decoy_hash(), password)
        return None
    if not check_password_hash(organizer.password_hash, password):
        return None
    organizer.last_login_at = utcnow()
    db.session.flush()
    return organizer


def create_organizer(email: str, password: str, role: str = "editor", name: str | None = None) -> Organizer:
    """A new active organizer; refuses a taken email, an unknown role or a short password."""
    email = normalise_email(email)
    if control_character(email) or control_character(name or ""):
        raise AccountRefused("The email and name must not contain control characters.",
                             "电子邮件和姓名不能包含控制字符。")
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise AccountRefused(N_("'%(email)s' is not an email address.", email=email))
    if role not in ROLES:
        raise AccountRefused(N_("Unknown role '%(role)s'; use admin or editor.", role=role))
    check_password_rules(password, email)
    if find_organizer(email) is not None:
        raise AccountRefused(
            N_("There is already an organizer with the email %(email)s; nothing was changed.", email=email),
        )
    organizer = Organizer(
        email=email, name=(name or "").strip() or None, role=role, password_hash=hash_password(password)
    )
    db.session.add(organizer)
    db.session.flush()
    return organizer


def change_role(organizer: Organizer, role: str, acting: Organizer) -> None:
    """Make the organizer an admin or an editor; nobody demotes themselves or the last admin."""
    if role not in ROLES:
        raise AccountRefused(N_("Unknown role '%(role)s'.", role=role))
    if role == organizer.role:
        return
    if organizer.role == "admin":
        _keep_an_admin(organizer, acting, "demote")
    organizer.role = role
    organizer.end_sessions()
    db.session.flush()


def set_active(organizer: Organizer, active: bool, acting: Organizer) -> None:
    """Deactivate (sign-in refused, sessions end) or reactivate; never yourself or the last admin."""
    if active == organizer.active:
        return
    if not active and organizer.role == "admin":
        _keep_an_admin(organizer, acting, "deactivate")
    elif not active and organizer.id == acting.id:
        raise AccountRefused(N_("You cannot deactivate your own account."))
    organizer.active = active
    organizer.end_sessions()  # also on reactivation: no cookie from before the deactivation works again
    db.session.flush()


def _keep_an_admin(organizer: Organizer, acting: Organizer, action: str) -> None:
    if organizer.id == acting.id:
        raise AccountRefused(N_("You cannot demote your own account.") if action == "demote"
                             else N_("You cannot deactivate your own account."))
    if active_admins() <= 1:
        raise AccountRefused(N_("You cannot demote the last active admin.") if action == "demote"
                             else N_("You cannot deactivate the last active admin."))


def active_admins() -> int:
    """How many active admins there are; on PostgreSQL their rows stay locked until the commit,
    so two admins demoting each other at once cannot leave none."""
    query = select(Organizer.id).where(Organizer.role == "admin", Organizer.active).with_for_update()
    return len(db.session.scalars(query).all())


def list_organizers() -> list[Organizer]:
    return list(db.session.scalars(select(Organizer).order_by(Organizer.active.desc(), Organizer.email)))
