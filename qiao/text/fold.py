"""Folding keys: one spelling per text, whatever the script, width, case or spacing it was typed in.

`fold` keeps the words apart (it is the key for free text); `compact` also drops spaces and
punctuation (it is the key for names and codes). Traditional → Simplified is the only direction
used: it is safe for keys, the reverse is not (spec §1). The original text is never replaced by
its key; callers store both.
"""

from __future__ import annotations

import re
import threading
import unicodedata

# Invisible characters that only get in the way of a key: C0/C1 controls that are not whitespace,
# format characters (soft hyphen, zero-width space/joiners, bidi marks, BOM, tags), lone
# surrogates (OpenCC cannot encode them) and variation selectors (ideographic variation
# sequences mark glyph variants of the same character, e.g. 葛 + VS17).
INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ufe00-\ufe0f\ud800-\udfff"
    "\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef]+"
)
_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[\W_]+")
_NOT_LATIN_WORD = re.compile(r"[^a-z0-9]+")

# Letters that NFKD does not split into base + accent, folded by hand for Latin names.
_LATIN_EXTRA = str.maketrans(
    {"æ": "ae", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "œ": "oe", "ı": "i", "ŀ": "l", "ħ": "h"}
)

_CONFIGS = {"": "t2s", "hk": "hk2s", "mo": "hk2s", "tw": "tw2s"}
_converters: dict[str, object] = {}
_converters_lock = threading.Lock()

HAN_RANGES = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df\U0002a700-\U0002ebef\U00030000-\U0003134f\u3007"
)
HAN = re.compile(f"[{HAN_RANGES}]")


def _converter(source: str | None):
    """The OpenCC converter for a source region, created once per process."""
    config = _CONFIGS.get((source or "").lower(), "t2s")
    converter = _converters.get(config)
    if converter is None:
        with _converters_lock:
            converter = _converters.get(config)
            if converter is None:
                import opencc  # imported late: loading the dictionaries is only needed once

                converter = _converters[config] = opencc.OpenCC(config)
    return converter


def prefold(text: str) -> str:
    """NFKC and case fold, without invisible characters; no script conversion yet."""
    if not text:
        return ""
    text = INVISIBLE.sub("", str(text))
    text = unicodedata.normalize("NFKC", text).casefold()
    if not unicodedata.is_normalized("NFKC", text):  # case folding can undo NFKC (e.g. U+0345)
        text = unicodedata.normalize("NFKC", text)
    return text


def to_simplified(text: str, source: str | None = None) -> str:
    """OpenCC Traditional → Simplified (t2s, or hk2s / tw2s for source "hk", "mo", "tw")."""
    if not text:
        return ""
    return _converter(source).convert(text)


def fold(text: str, source: str | None = None) -> str:
    """The folding key: NFKC, case fold, one space between words, then Traditional → Simplified.

    `source` picks the OpenCC configuration: "hk" or "mo" → hk2s, "tw" → tw2s, anything else
    (None, "MAINLAND", ...) → t2s. Never raises on a str; empty input gives "".
    """
    text = _SPACES.sub(" ", prefold(text)).strip()
    return to_simplified(text, source)


def compact(text: str, source: str | None = None) -> str:
    """The folding key without whitespace and punctuation: letters of any script and digits only.

    "陳 大文" → "陈大文", "CHAN Tai-man" → "chantaiman". Separators are dropped before the script
    conversion, so OpenCC sees the same string whether or not the text was spaced.
    """
    text = _NOT_WORD.sub("", prefold(text))
    return _NOT_WORD.sub("", to_simplified(text, source))


def ascii_fold(text: str) -> str:
    """Lower case without accents, for Latin script: "José Lü" → "jose lu". Other scripts pass through."""
    text = prefold(text).translate(_LATIN_EXTRA)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def latin_tokens(text: str) -> list[str]:
    """Tokens of a romanised name, lower case, ASCII only; anything else separates tokens.

    "CHAN Tai-man" → ["chan", "tai", "man"]; "João O'Neill" → ["joao", "o", "neill"].
    """
    return [token for token in _NOT_LATIN_WORD.split(ascii_fold(text)) if token]


def has_han(text: str) -> bool:
    """Whether the text holds at least one Chinese character."""
    return bool(text) and HAN.search(text) is not None


def to_traditional(text: str) -> str:
    """OpenCC Simplified → Traditional with Hong Kong forms (s2hk), for text Qiao writes itself (a
    bulletin's narrative), never for keys: the direction is not safe for matching (spec §1)."""
    if not text:
        return ""
    converter = _converters.get("s2hk")
    if converter is None:
        with _converters_lock:
            import opencc

            converter = _converters.setdefault("s2hk", opencc.OpenCC("s2hk"))
    return converter.convert(text)
