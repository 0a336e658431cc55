"""The Whoosh fields of a catalogue document: pinyin, category phrases, suggestion keys. No Whoosh here."""

from __future__ import annotations

from catalogue.search.analysis import (
    CJK_RUN,
    ENTERPRISE_CATEGORY_BOOST,
    char_pinyin,
    code_key,
    is_cjk,
    normalise,
    pinyin_terms,
    runs,
    segment,
)
from catalogue.search.crosslang import fold

_MAX_PHRASE_TOKENS = 12


# --- Pinyin and category phrases ------------------------------------------------------------

def pinyin_words(text: str, dict_id: str | None) -> set[str]:
    """The joined pinyin of every word of two characters or more in the CJK parts of text (looked
    up word by word: a catalogue's descriptions share their words, so the cache serves most)."""
    found = set()
    for run, _start, _end, cjk in runs(normalise(text)):
        if cjk:
            for word, s, e in segment(run, dict_id, search=True):
                if e - s >= 2:
                    syllables = char_pinyin(word)
                    if all(syllables):
                        found.add("".join(syllables))
    return found


def _phrase_tokens(text: str) -> list[tuple[str, bool]]:
    """(word, is_cjk) of text: jieba's precise cut of its (simplified) CJK runs, Latin words
    case-folded and made singular."""
    tokens = []
    for run, _start, _end, cjk in runs(normalise(text)):
        if cjk:
            # the plain dictionary: the user dictionary holds each category name as one word
            tokens.extend((w, True) for w, _s, _e in segment(run, None, False))
        else:
            tokens.append((fold(run), False))
    return tokens


def _joined(tokens: list[tuple[str, bool]]) -> str:
    out = ""
    for i, (word, cjk) in enumerate(tokens):
        out += word if i == 0 or (cjk and tokens[i - 1][1]) else " " + word
    return out


def phrase_key(text: str, dict_id: str | None) -> str:
    """How a category name, and a query compared with it, is keyed: Chinese words run together,
    Latin words folded and spaced."""
    return _joined(_phrase_tokens(text))


def phrase_parts(text: str, dict_id: str | None) -> set[str]:
    """The keys of every run of two or more words of text, but not the whole of it."""
    tokens = _phrase_tokens(text)[:_MAX_PHRASE_TOKENS]
    return {_joined(tokens[i:j]) for i in range(len(tokens)) for j in range(i + 2, len(tokens) + 1)
            if j - i < len(tokens)}


# --- Documents ------------------------------------------------------------------------------

MARKER_ID = "__marker__"
_KEY_CHARS = 64
_MAX_KEY_STARTS = 30


def _key_starts(text: str, dict_id: str | None) -> list[int]:
    starts = {0}
    for run, start, _end, cjk in runs(text):
        starts.add(start)
        if cjk:
            starts.update(start + s for _w, s, _e in segment(run, dict_id, search=True))
    return sorted(starts)[:_MAX_KEY_STARTS]


def suggest_keys(name: str | None, name_zh: str | None, dict_id: str | None) -> set[str]:
    """Prefix keys "<rank><lang>|<text>": rank 0 from the start of a name, 1 from a later word;
    lang e/z says which name to show. Chinese parts also give full pinyin and initials."""
    keys = set()
    for lang, name_text in (("e", name), ("z", name_zh)):
        text = normalise(name_text or "")
        if not text:
            continue
        full, initial = [], []
        for char in text:
            full.append(char if char.isalnum() and not is_cjk(char) else "")
            initial.append(full[-1])
        for run, start, end, cjk in runs(text):
            if cjk:
                per_char = char_pinyin(run)
                full[start:end] = per_char
                initial[start:end] = [p[:1] for p in per_char]
        has_cjk = bool(CJK_RUN.search(text))
        for start in _key_starts(text, dict_id):
            rank = "0" if start == 0 else "1"
            keys.add(f"{rank}{lang}|{text[start:start + _KEY_CHARS].strip()}")
            if has_cjk:
                keys.add(f"{rank}{lang}|{''.join(full[start:])[:_KEY_CHARS]}")
                keys.add(f"{rank}{lang}|{''.join(initial[start:])[:_KEY_CHARS]}")
    return {k for k in keys if not k.endswith("|")}


def index_fields(doc: dict, dict_id: str | None) -> dict:
    """The Whoosh fields of a catalogue document (its shape: the engine module's docstring)."""
    name, name_zh = doc.get("name") or "", doc.get("name_zh") or ""
    enterprise = doc.get("enterprise_name") or ""
    tags = [t for t in (doc.get("tags") or []) if t]
    descriptions = [doc.get("description") or "", doc.get("description_zh") or ""]
    joined, syllables, initials = pinyin_terms(f"{name}\n{name_zh}", dict_id)
    translated = [t for t in (doc.get("translations") or []) if t]
    labels = [n for n in doc.get("category_labels") or [] if n]
    more_joined, _more_syllables, more_initials = pinyin_terms(
        "\n".join([*tags, doc.get("category_names") or "", enterprise, *translated]), dict_id)
    more = more_joined | more_initials | pinyin_words("\n".join(descriptions), dict_id)
    fields_ = {
        "id": doc["id"], "type": doc["type"], "db_id": int(doc["db_id"]),
        "fingerprint": doc.get("fingerprint") or "",
        "name": doc.get("name") or None, "name_zh": doc.get("name_zh") or None,
        "enterprise_name": enterprise, "tags": "\n".join(tags),
        "description": descriptions[0] or None, "description_zh": descriptions[1] or None,
        "grams": "\n".join([name, name_zh, *tags]), "enterprise_grams": enterprise,
        "pinyin": "\n".join(sorted(joined)), "syllables": "\n".join(sorted(syllables)),
        "initials": "\n".join(sorted(initials)),
        "pinyin_more": "\n".join(sorted(more - joined - initials)) or None,
        "translated": "\n".join(translated) or None,
        "category_labels": "\n".join(sorted({phrase_key(n, dict_id) for n in labels} - {""})) or None,
        "category_parts": "\n".join(sorted(set().union(*(phrase_parts(n, dict_id) for n in labels)))) or None,
        "category_names": doc.get("category_names") or None,
        "codes": "\n".join(sorted({code_key(c) for c in doc.get("codes") or [] if c} - {""})) or None,
        "spell": "\n".join([name, name_zh, enterprise, *tags, doc.get("category_names") or "",
                            *descriptions, *translated]),
        "suggest": "\n".join(sorted(suggest_keys(name, name_zh, dict_id))),
        "category_slugs": ",".join(doc.get("category_slugs") or []),
        "category_slug": doc.get("category_slug") or None,
        "hall": doc.get("hall") or None, "booth": doc.get("booth") or None,
    }
    if doc.get("type") == "enterprise" and fields_["category_names"]:
        fields_["_category_names_boost"] = ENTERPRISE_CATEGORY_BOOST
    return {k: v for k, v in fields_.items() if v is not None}
