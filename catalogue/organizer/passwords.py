"""Password policy: long enough, not one of the most common passwords, not a trivial pattern.

common_passwords.txt (package data, lower case, one a line) holds some 600 of the passwords and
password stems that head the published lists of leaked passwords (English and Chinese ones:
`123456`, `password`, `qwerty`, `woaini1314`, keyboard walks…). A password is refused when it, or it
without the digits, symbols and spaces around it ("password12" → "password"), is on the list."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

from catalogue.messages import N_, Message

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MIN_DISTINCT = 5
COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
PADDING = string.digits + string.punctuation + string.whitespace


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(line.strip("\n") for line in COMMON_FILE.read_text("utf-8").splitlines() if line)


def weakness(password: str, email: str = "") -> str | None:
    """Why the password is refused (a key of messages()), or None if it is fine."""
    if len(password) < MIN_PASSWORD:
        return "short"
    if len(password) > MAX_PASSWORD:
        return "long"
    lowered = password.lower()
    if {lowered, lowered.strip(), lowered.strip(PADDING), "".join(lowered.split())} & common_passwords():
        return "common"
    if len(set(password)) < MIN_DISTINCT:
        return "few"
    if password.isdigit():
        return "digits"
    if _repeats(password) or _runs(password):
        return "pattern"
    name = email.partition("@")[0].lower()
    if len(name) >= 4 and name in lowered:
        return "email"
    return None


def refusal(key: str) -> Message:
    """What a weakness (a key from weakness()) tells the organizer, shown in the UI language by say()."""
    return {
        "short": lambda: N_("The password must be at least %(min)d characters long.", min=MIN_PASSWORD),
        "long": lambda: N_("The password must be at most %(max)d characters long.", max=MAX_PASSWORD),
        "common": lambda: N_("This is one of the most common passwords; choose one that is harder to guess."),
        "few": lambda: N_("The password needs at least %(distinct)d different characters.", distinct=MIN_DISTINCT),
        "digits": lambda: N_("A password of digits only is too easy to guess; add letters or other characters."),
        "pattern": lambda: N_("The password is a simple pattern (such as abcdefghij or 1212121212); choose another."),
        "email": lambda: N_("The password must not contain the name of your email address."),
    }[key]()


def _repeats(password: str) -> bool:
    """A short unit said again and again: abcabcabca, 1212121212, 密码密码密码."""
    for size in range(1, len(password) // 2 + 1):
        unit = password[:size]
        if (unit * (len(password) // size + 1))[: len(password)] == password:
            return True
    return False


def _runs(password: str) -> bool:
    """One straight run of characters, up or down: abcdefghij, 9876543210."""
    steps = {ord(b) - ord(a) for a, b in zip(password, password[1:], strict=False)}
    return steps in ({1}, {-1})
