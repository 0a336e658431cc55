"""Snippets: a stored field shortened around the matched words, escaped, with <mark> as the only markup."""

from __future__ import annotations

import html
from collections import OrderedDict

from whoosh import highlight
from whoosh.analysis import Token

SNIPPET_CHARS = 200
MAX_ANALYSED = 2000  # descriptions whose analysis is kept for the highlighter


class MarkFormatter(highlight.HtmlFormatter):
    """Escaped text with matches in a bare <mark>; an ellipsis where the fragment is cut."""

    template = "<%(tag)s>%(t)s</%(tag)s>"

    def __init__(self):
        super().__init__(tagname="mark", between="\u2026")

    def _text(self, text):
        return html.escape(text, quote=False)

    def format_fragment(self, fragment, replace=False):
        body = super().format_fragment(fragment, replace)
        before = "\u2026" if fragment.startchar > 0 else ""
        after = "\u2026" if fragment.endchar < len(fragment.text) else ""
        return before + body + after


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SNIPPET_CHARS:
        return html.escape(text, quote=False)
    return html.escape(text[:SNIPPET_CHARS].rstrip(), quote=False) + "\u2026"


def snippet(schema, stored: dict, terms: dict[str, set[str]], matched=None,
            cache: dict | None = None, lang: str | None = None) -> str:
    """A highlighted extract of the description with the most matches (else the first one); with
    lang ("en"/"zh"), of that language's description, else of the other one.
    matched(fieldname), if given, says whether the document has any of the terms there (known
    from the postings: the highlighter is only run where it will mark something); cache, if
    given, keeps the analysis of the texts highlighted lately."""
    texts = [(f, stored.get(f) or "") for f in ("description", "description_zh")]
    if lang in ("en", "zh"):
        texts = [t for t in (texts[1], texts[0]) if t[1]] if lang == "zh" else [t for t in texts if t[1]]
        texts = texts[:1]
    best = ""
    for fieldname, text in texts:
        if text and terms.get(fieldname) and (matched is None or matched(fieldname)):
            fragmenter = highlight.ContextFragmenter(maxchars=150, surround=50)
            # highlight.highlight(text, terms, analyzer, fragmenter, MarkFormatter(), top=1,
            # mode="index"), with the tokens replayed from the cache, and of equally good
            # fragments the first (Whoosh's top_fragments breaks ties by memory address)
            tokens = highlight.set_matched_filter(_analysed(schema, cache, fieldname, text),
                                                  frozenset(terms[fieldname]))
            scorer = highlight.BasicFragmentScorer()
            top = max(fragmenter.fragment_tokens(text, tokens), key=scorer, default=None)
            marked = MarkFormatter()(text, [top] if top is not None and scorer(top) >= 1 else [])
            if marked.count("<mark>") > best.count("<mark>"):
                best = marked
    return best or _shorten(next((t for _f, t in texts if t), ""))


def _analysed(schema, cache: dict | None, fieldname: str, text: str):
    """The field analyzer's tokens of text (index mode, with characters), from the cache of the
    last MAX_ANALYSED texts when there; one Token object, reset for each token, as analyzers do."""
    store = cache.setdefault("analysed", OrderedDict()) if cache is not None else OrderedDict()
    key = (fieldname, text)
    found = store.get(key)
    if found is None:
        found = tuple((t.text, t.startchar, t.endchar) for t in schema[fieldname].analyzer(
            text, chars=True, mode="index", removestops=False))
        store[key] = found
        while len(store) > MAX_ANALYSED:
            store.popitem(last=False)
    else:
        store.move_to_end(key)
    token = Token(positions=False, chars=True, removestops=False, mode="index")
    for word, start, end in found:
        token.text, token.startchar, token.endchar = word, start, end
        token.boost, token.stopped = 1.0, False
        yield token
