"""The surname table (data/surnames.tsv): splitting a Chinese name, surname readings, romanisations.

pypinyin has no surname mode (單 would be "dan", 曾 "ceng", 區 "qu"), so the surname position is
read from this table first; the given name is left to pypinyin.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

from .fold import HAN, HAN_RANGES, INVISIBLE, prefold, to_simplified

SCHEMES = ("pinyin", "hk", "mo", "tw")
_MIDDLE_DOTS = "·•・‧"
_LEADING_HAN = re.compile(f"[{HAN_RANGES}]+")

# Compound surnames whose first character is also a common surname on its own, so that 張簡明
# may be 張簡 明 or 張 簡明: name keys cover both readings.
AMBIGUOUS_COMPOUNDS = frozenset(
    {"張簡", "张简", "范姜", "夏侯", "鍾離", "钟离", "梁丘", "左丘", "單于", "单于", "申屠", "宗政"}
)


@dataclass(frozen=True)
class Surname:
    traditional: str
    simplified: str
    pinyin: tuple[str, ...]
    hk: tuple[str, ...]
    mo: tuple[str, ...]
    tw: tuple[str, ...]


def _values(cell: str) -> tuple[str, ...]:
    return tuple(value.strip() for value in cell.split(",") if value.strip())


@functools.cache
def _table() -> dict[str, Surname]:
    """Surnames by their traditional and their simplified spelling (the first row wins a clash)."""
    by_spelling: dict[str, Surname] = {}
    text = resources.files(__package__).joinpath("data", "surnames.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for line in lines[1:]:  # the first line names the columns
        traditional, simplified, pinyin, hk, mo, tw = line.split("\t")
        surname = Surname(traditional, simplified, _values(pinyin), _values(hk), _values(mo), _values(tw))
        by_spelling.setdefault(traditional, surname)
        by_spelling.setdefault(simplified, surname)
    return by_spelling


@functools.cache
def _compounds() -> frozenset[str]:
    return frozenset(spelling for spelling in _table() if len(spelling) == 2)


@functools.lru_cache(maxsize=4096)
def lookup(surname: str) -> Surname | None:
    """The table row for a surname in either script (also for variant forms OpenCC folds)."""
    surname = "".join(prefold(surname).split())
    table = _table()
    return table.get(surname) or table.get(to_simplified(surname))


def _clean(name: str) -> str:
    """NFKC without invisible characters, whitespace or middle dots: the name as one string."""
    name = unicodedata.normalize("NFKC", INVISIBLE.sub("", str(name or "")))
    return "".join(name.split()).strip(_MIDDLE_DOTS)


def surname_splits(name: str) -> list[tuple[str, str]]:
    """Plausible (surname, given) splits of a Chinese name, most likely first (at most two).

    A compound surname (歐陽, 司徒, 万俟 …) wins when the name has at least three characters; for
    the compounds in AMBIGUOUS_COMPOUNDS (張簡, 夏侯, 鍾離, 單于 …) the single-character split
    follows as the second reading.
    """
    name = _clean(name)
    if not name:
        return []
    if len(name) >= 3 and HAN.match(name):
        head = name[:2]
        if head in _compounds() or to_simplified(head) in _compounds():
            if head in AMBIGUOUS_COMPOUNDS:
                return [(head, name[2:]), (name[0], name[1:])]
            return [(head, name[2:])]
    return [(name[0], name[1:])]


def surname_of(name: str) -> tuple[str, str]:
    """Split a Chinese name into (surname, given name) using the compound-surname table.

    "歐陽震華" → ("歐陽", "震華"), "陳大文" → ("陳", "大文"), "陳 大文 CHAN Tai Man" → ("陳", "大文").
    Characters come back as written (NFKC, no script conversion); only the leading run of Chinese
    characters counts. A name that does not start with a Chinese character, or a transliterated
    name written with a middle dot (阿依古丽·买买提), gives ("", name).
    """
    cleaned = _clean(name)
    chinese = _LEADING_HAN.match(cleaned)
    if chinese is None or any(dot in cleaned for dot in _MIDDLE_DOTS):
        return "", (name or "").strip()
    return surname_splits(chinese.group())[0]


def surname_pinyin(surname: str) -> tuple[str, ...]:
    """Toneless pinyin readings of a surname from the table (曾 → ("zeng",)); () when unknown."""
    row = lookup(surname)
    return row.pinyin if row else ()


def surname_romanisations(surname: str) -> dict[str, list[str]]:
    """Spellings of a surname: {"pinyin": [...], "hk": [...], "mo": [...], "tw": [...]}.

    Most common first; every list is empty for a surname the table does not hold.
    黃 → {"pinyin": ["huang"], "hk": ["WONG"], "mo": ["VONG", "WONG"], "tw": ["HUANG", "HWANG"]}.
    """
    row = lookup(surname)
    if row is None:
        return {scheme: [] for scheme in SCHEMES}
    return {scheme: list(getattr(row, scheme)) for scheme in SCHEMES}


def known_surnames() -> list[Surname]:
    """Every row of the table, once each, in file order."""
    return list(dict.fromkeys(_table().values()))
