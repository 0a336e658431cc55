"""The UI's translations: Flask-Babel with the locale from ?lang / cookie / Accept-Language, and
.po catalogues compiled to .mo at start-up (no manual step, nothing compiled in the repository)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, has_request_context
from flask_babel import get_translations, refresh

from catalogue.extensions import babel
from catalogue.messages import Message, from_data
from catalogue.web import pick_language

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


def compile_catalogues(source: Path = TRANSLATIONS_DIR, fallback: Path | None = None) -> Path:
    """Compile every <lang>/LC_MESSAGES/*.po under source whose .mo is missing or older.

    The .mo files go next to their .po; when that directory is not writable, all of them go under
    fallback (default: a per-user temporary directory) instead. Returns the directory to load from.
    """
    sources = sorted(source.glob("*/LC_MESSAGES/*.po"))
    try:
        for po in sources:
            _compile(po, po.with_suffix(".mo"))
        return source
    except OSError:
        target = fallback or _temporary_dir()
        for po in sources:
            _compile(po, target / po.relative_to(source).with_suffix(".mo"))
        return target


def _compile(po: Path, mo: Path) -> None:
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return
    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parent.parent.name)
    mo.parent.mkdir(parents=True, exist_ok=True)
    # Write aside, then rename: several workers starting at once never read half a file.
    fd, partial = tempfile.mkstemp(dir=mo.parent, prefix=".messages-", suffix=".mo")
    try:
        with os.fdopen(fd, "wb") as f:
            write_mo(f, catalog)
        os.chmod(partial, 0o644)
        os.replace(partial, mo)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _temporary_dir() -> Path:
    """A directory of this user's own under the system's temporary directory."""
    path = Path(tempfile.gettempdir()) / f"expo-catalogue-{os.getuid()}" / "translations"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_uid != os.getuid():  # someone else made it: do not trust it
        return Path(tempfile.mkdtemp(prefix="expo-catalogue-translations-"))
    return path


def current_locale() -> str:
    """The UI language of this request (the same choice the pages make: see web.pick_language)."""
    return pick_language() if has_request_context() else "en"


def init_app(app: Flask) -> None:
    if "BABEL_TRANSLATION_DIRECTORIES" not in app.config:
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compile_catalogues())
    babel.init_app(app, default_locale="en", locale_selector=current_locale)
    # Flask-Babel caches the locale on `g`, which outlives a request when an app context is
    # already pushed (as in tests and commands): choose afresh for every request.
    app.before_request(refresh)
    app.add_template_filter(say, "say")


def say(value: object) -> str:
    """A Message (or its stored data) in the UI language; other values as text."""
    value = from_data(value)
    if isinstance(value, list):
        return " ".join(say(v) for v in value)
    if not isinstance(value, Message):
        return "" if value is None else str(value)
    text = get_translations().ugettext(value.msgid)
    params = {k: v if isinstance(v, int | float) and not isinstance(v, bool) else say(v)
              for k, v in value.params.items()}  # numbers stay numbers, for %(n)d
    return text % params if value.params else text
