"""Readings of Chinese characters without tones: pinyin (pypinyin), Jyutping (ToJyutping), and the
Hong Kong government style spelling derived from Jyutping.

pypinyin and ToJyutping load large dictionaries (ToJyutping takes about a second), so they are
imported on first use, not when `qiao.text` is imported.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from importlib import resources

_TONE_DIGITS = str.maketrans("", "", "0123456789")


@functools.cache
def _pypinyin():
    import pypinyin

    return pypinyin


@functools.cache
def _tojyutping():
    import ToJyutping

    return ToJyutping


@functools.lru_cache(maxsize=8192)
def toneless(syllable: str) -> str:
    """A syllable without tone marks or digits: "zhōng" → "zhong", "lǚ" → "lv" (as pypinyin's NORMAL
    style writes ü), "can4" → "can"."""
    decomposed = unicodedata.normalize("NFD", syllable.replace("ü", "v").replace("Ü", "v"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_TONE_DIGITS).lower()


@functools.cache
def pinyin_syllable_set() -> frozenset[str]:
    """Every toneless pinyin syllable (ü as "v"), from data/pinyin_syllables.txt."""
    text = resources.files(__package__).joinpath("data", "pinyin_syllables.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def split_in_two(reading: str) -> tuple[str, str] | None:
    """A two-syllable reading cut into its syllables: "ouyang" → ("ou", "yang"); None if it does not split."""
    syllables = pinyin_syllable_set()
    for cut in range(1, len(reading)):
        if reading[:cut] in syllables and reading[cut:] in syllables:
            return reading[:cut], reading[cut:]
    return None


@functools.lru_cache(maxsize=65536)
def char_pinyin(ch: str) -> tuple[str, ...]:
    """Toneless pinyin readings of one character, pypinyin's default first; () when unknown."""
    from pypinyin.pinyin_dict import pinyin_dict

    raw = pinyin_dict.get(ord(ch))
    if not raw:
        return ()
    return tuple(dict.fromkeys(toneless(reading) for reading in raw.split(",")))


@functools.lru_cache(maxsize=65536)
def pinyin_syllables(text: str) -> tuple[str, ...]:
    """Toneless pinyin of Chinese text, one syllable per character, using pypinyin's phrase
    dictionary for context; other characters (Latin, digits) come through as runs. Cached: given
    names repeat a great deal in a registry."""
    pypinyin = _pypinyin()
    readings = pypinyin.lazy_pinyin(text, style=pypinyin.Style.NORMAL, errors="default")
    return tuple(s for s in readings if s.strip())


@functools.lru_cache(maxsize=65536)
def jyutping_syllables(text: str) -> tuple[str | None, ...]:
    """Toneless Jyutping for each character of the text (ToJyutping's reading in context), None
    where a character has none."""
    return tuple(toneless(r) if r else None for _, r in _tojyutping().get_jyutping_list(text))


@functools.lru_cache(maxsize=4096)
def jyutping_candidates(text: str, per_char: int = 3) -> tuple[str, ...]:
    """Toneless Jyutping readings of a short text (a surname), ToJyutping's default first, at most
    `per_char` readings per character combined: 曾 → ("cang", "zang")."""
    options = []
    for _, readings in _tojyutping().get_jyutping_candidates(text):
        if not readings:
            return ()
        options.append(list(dict.fromkeys(toneless(r) for r in readings))[:per_char])
    return tuple("".join(combo) for combo in itertools.product(*options))


# Hong Kong government romanisation from Jyutping. Several spellings per syllable, the most common
# first: 陳 can → chan, 張 zoeng → cheung, 曾 zang → chang/tsang, 謝 ze → che/tse, 李 lei → lei/lee.
# fmt: off
_INITIALS = ("gw", "kw", "ng", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "w", "z", "c", "s", "j")
_HK_INITIAL = {
    "b": ("p",), "p": ("p",), "m": ("m",), "f": ("f",), "d": ("t",), "t": ("t",), "n": ("n",),
    "l": ("l",), "g": ("k",), "k": ("k",), "gw": ("kw",), "kw": ("kw",), "ng": ("ng",), "h": ("h",),
    "w": ("w",), "z": ("ch", "ts"), "c": ("ch", "ts"), "s": ("s", "sh"), "j": ("y",), "": ("",),
}
_HK_FINAL = {
    "aa": ("a", "ah"), "aai": ("ai",), "aau": ("au",), "aam": ("am",), "aan": ("an",), "aang": ("ang",),
    "aap": ("ap",), "aat": ("at",), "aak": ("ak",), "ai": ("ai",), "au": ("au", "ow"), "am": ("am", "um"),
    "an": ("an", "un"), "ang": ("ang",), "ap": ("ap",), "at": ("at",), "ak": ("ak",), "e": ("e",),
    "ei": ("ei", "ee"), "eu": ("eu",), "em": ("em",), "eng": ("eng",), "ep": ("ep",), "ek": ("ek",),
    "i": ("i", "ee"), "iu": ("iu",), "im": ("im",), "in": ("in",), "ing": ("ing",), "ip": ("ip",),
    "it": ("it",), "ik": ("ik",), "o": ("o", "aw"), "oi": ("oi", "oy"), "ou": ("o", "ou"), "on": ("on",),
    "ong": ("ong",), "ot": ("ot",), "ok": ("ok",), "oe": ("oe", "euh"), "oeng": ("eung",), "oek": ("euk",),
    "eoi": ("ui", "eui"), "eon": ("un", "eun"), "eot": ("ut", "eut"), "u": ("u", "oo"), "ui": ("ui", "ooi"),
    "un": ("un", "oon"), "ung": ("ung",), "ut": ("ut", "oot"), "uk": ("uk",),
    "yu": ("u",), "yun": ("uen",), "yut": ("uet",),
}
_HK_SPECIAL = {  # whole syllables the rules above would spell wrongly
    "m": ("m",), "ng": ("ng",), "ji": ("yi", "yee"), "jyu": ("yu", "yue"), "jyun": ("yuen", "yun"),
    "jyut": ("yuet", "yut"), "si": ("sze", "si", "see"), "zi": ("chi", "tsz", "tsze"),
    "ci": ("chi", "tsz", "tsze"), "syu": ("shu", "sue"), "zyu": ("chu", "chue"), "cyu": ("chu", "chue"),
    "jau": ("yau",), "jan": ("yan",), "jat": ("yat",), "jam": ("yam",), "jip": ("yip",),
}
# fmt: on


@functools.lru_cache(maxsize=4096)
def hk_spellings(jyutping: str) -> tuple[str, ...]:
    """Hong Kong government style spellings of one toneless Jyutping syllable, most common first;
    () when the syllable is not Jyutping."""
    if jyutping in _HK_SPECIAL:
        return _HK_SPECIAL[jyutping]
    initial = next((i for i in _INITIALS if jyutping.startswith(i) and len(jyutping) > len(i)), "")
    final = jyutping[len(initial) :]
    if final.startswith("yu") and initial in ("", "j"):
        finals = ("y" + f for f in _HK_FINAL.get(final, ()))
        return tuple(dict.fromkeys(finals))
    if final not in _HK_FINAL or initial not in _HK_INITIAL:
        return ()
    spellings = (i + f for i in _HK_INITIAL[initial] for f in _HK_FINAL[final])
    return tuple(dict.fromkeys(spellings))[:3]
