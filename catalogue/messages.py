"""Messages made where there is no request (pure code, commands): English text that keeps its gettext
message id and parameters, so a page can show it in the UI language (catalogue/i18n.py `say`).

    reason = N_("is %(length)s characters long; the limit is %(limit)s", length="6,001", limit="5,000")
    str(reason)  # English, for logs and the command line; say(reason) on a page: the UI language

No Flask here; `pybabel extract` finds the ids through the N_ keyword."""

from __future__ import annotations


class Message(str):
    """A str holding the English text, plus the msgid and parameters to translate it later."""

    msgid: str
    params: dict

    def __new__(cls, msgid: str, **params: object) -> Message:
        text = msgid % {k: _english(v) for k, v in params.items()} if params else msgid
        made = super().__new__(cls, text)
        made.msgid, made.params = msgid, params
        return made

    def __reduce__(self):  # pickling (e.g. across processes) keeps the id and parameters
        return (_rebuild, (self.msgid, self.params))

    def to_data(self) -> dict:
        """JSON-ready form (nested messages included), read back by from_data."""
        return {"msgid": self.msgid, "params": {k: to_data(v) for k, v in self.params.items()}}


def _english(value: object) -> object:
    """A parameter for the English text: a number as it is (for %(n)d), a list (of reasons, say) as its
    items joined by spaces, anything else as text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return " ".join(map(str, value)) if isinstance(value, list) else str(value)


def _rebuild(msgid: str, params: dict) -> Message:
    return Message(msgid, **params)


def N_(msgid: str, **params: object) -> Message:  # noqa: N802 - the gettext convention for "translate later"
    """A message to translate when it is shown; str() of it is the English text."""
    return Message(msgid, **params)


def to_data(value: object) -> object:
    """A Message as a dict, other values as they are (for JSON)."""
    if isinstance(value, list):
        return [to_data(v) for v in value]
    return value.to_data() if isinstance(value, Message) else value


def from_data(value: object) -> object:
    """Undo to_data: dicts with a msgid become Messages again."""
    if isinstance(value, dict) and "msgid" in value:
        return Message(value["msgid"], **{k: from_data(v) for k, v in value.get("params", {}).items()})
    if isinstance(value, list):
        return [from_data(v) for v in value]
    return value
