"""Traditional Chinese read as simplified (OpenCC t2s), for the analyzers, queries and glossary."""

from __future__ import annotations

import functools
import re
import threading

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_converter_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _converter():
    try:
        import opencc
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    with _converter_lock:
        return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=20_000)
def simplified(text: str) -> str:
    """text with traditional characters converted to simplified (OpenCC t2s); the same length."""
    if not text or not _CJK_RUN.search(text):
        return text
    converter = _converter()
    if converter is None:
        return text
    converted = converter.convert(text)
    return converted if len(converted) == len(text) else text
