"""Search keys for people and organisations, and the forms of a query to match against them.

The search box prefix-matches every form of the query (`query_forms`) against every key of a
record (`name_keys`, `org_keys`); an exact key hit ranks first. For 陳大文 with the Latin name
"CHAN Tai Man" the keys are:

    陈大文                          folded, compact (Traditional and Simplified agree)
    chendawen dawenchen cdw dwc     pinyin, surname first and given name first, and initials
    candaaiman daaimancan cdm       Jyutping (ToJyutping), both orders, and initials
    chantaiman taimanchan …         the Latin name in every token order
    …                               alternatives: other readings of the given name (heteronyms),
                                    other Jyutping readings of the surname, lv/lu/lyu for ü,
                                    the Hong Kong style spelling derived from Jyutping (for
                                    records without a Latin name), the single-character split
                                    of an ambiguous compound surname (張簡, 夏侯 …)

The surname position is read from the surname table (曾 zeng, 單 shan, 區 ou, 尉遲 yuchi …),
never guessed by pypinyin. A name has at most MAX_KEYS keys; alternatives are dropped first.

Throughput, `python -m qiao.text.benchmark [COUNT]` (2026-11-21, Python 3.11, one process, names of
two to four characters from the surname table and common given-name characters, two in three
with a Latin name of two to four tokens, ~21 keys per name, after warm-up): 10,000 names in
0.83 s (about 12,000 names/s, 85 µs a name); 100,000 names in 10.2 s (about 9,800 names/s), so a
million names key in under two minutes. Readings of given names and of whole names are cached
(bounded LRU caches), which real registries with repeated given names benefit from. Loading is
lazy: pypinyin on first use (~0.4 s), ToJyutping (~1.3 s), OpenCC once per configuration.
"""

from __future__ import annotations

import itertools

from .fold import HAN, ascii_fold, compact, latin_tokens
from .romanise import (
    char_pinyin,
    hk_spellings,
    jyutping_candidates,
    jyutping_syllables,
    pinyin_syllables,
    split_in_two,
)
from .surnames import lookup, surname_splits

MAX_KEYS = 64
MAX_PERMUTED_TOKENS = 4
_HETERONYM_COMBINATIONS = 6
_HK_COMBINATIONS = 4


class _Keys:
    """Keys in order of importance; adding stops at the cap."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.keys: dict[str, None] = {}

    def add(self, *keys: str) -> None:
        for key in keys:
            if key and len(self.keys) < self.cap:
                self.keys.setdefault(key)

    def result(self) -> set[str]:
        return set(self.keys)


def _initials(syllables) -> str:
    return "".join(s[0] for s in syllables if s)


def _u_variants(key: str) -> tuple[str, ...]:
    """ü is "v" in pypinyin's output; people also type "u" and passports write "yu" (LYU)."""
    if "v" not in key:
        return ()
    return key.replace("v", "u"), key.replace("v", "yu")


def _latin_orders(tokens: list[str]) -> list[str]:
    """The tokens joined in every order (up to MAX_PERMUTED_TOKENS tokens), else original,
    reversed and sorted order. Short names give the same set whatever order they came in."""
    if not tokens:
        return []
    if len(tokens) <= MAX_PERMUTED_TOKENS:
        return ["".join(order) for order in dict.fromkeys(itertools.permutations(sorted(tokens)))]
    return ["".join(tokens), "".join(reversed(tokens)), "".join(sorted(tokens))]


def _given_pinyin_alternatives(given: str, default: list[str]) -> list[str]:
    """Other readings of the given name (heteronyms), a few combinations, default excluded."""
    if len(given) != len(default):  # pypinyin skipped or merged characters: no alignment
        return []
    options = [
        [reading] + [r for r in char_pinyin(ch)[:3] if r != reading] for ch, reading in zip(given, default, strict=True)
    ]
    combos = itertools.islice(itertools.product(*options), 1, 1 + _HETERONYM_COMBINATIONS)
    return ["".join(combo) for combo in combos]


def _surname_pinyin(surname: str) -> list[str]:
    """Readings of the surname: the table's (曾 → zeng), else pypinyin's first two."""
    row = lookup(surname)
    if row is not None and row.pinyin:
        return list(row.pinyin)
    readings = [char_pinyin(ch)[:2] for ch in surname]
    if not all(readings):
        return []
    return ["".join(combo) for combo in itertools.product(*readings)][:2]


def _surname_initials(surname: str, reading: str) -> str:
    if len(surname) == 2:
        syllables = split_in_two(reading)
        if syllables:
            return _initials(syllables)
    return reading[:1]


def _hk_surnames(surname: str, jyutping: list[str]) -> list[str]:
    """Hong Kong spellings of the surname, from the table, else derived from its Jyutping."""
    row = lookup(surname)
    if row is not None and row.hk:
        return [spelling.replace(" ", "").replace("-", "").lower() for spelling in row.hk]
    spellings = [hk_spellings(s)[:1] for s in jyutping]
    return ["".join(s[0] for s in spellings)] if spellings and all(spellings) else []


def _reading_keys(han: str, surname: str, given: str) -> tuple[list[str], list[str], list[str]]:
    """Keys for one (surname, given) reading of a Chinese name: (main, variants, alternatives)."""
    main: list[str] = []
    variants: list[str] = []
    alternatives: list[str] = []

    def both_orders(surname_part: str, given_part: str) -> list[str]:
        return [surname_part + given_part, given_part + surname_part] if given_part else [surname_part]

    # Pinyin: the surname from the table, the given name from pypinyin.
    given_syllables = pinyin_syllables(given) if given else []
    given_reading = "".join(given_syllables)
    given_initials = _initials(given_syllables)
    for n, reading in enumerate(_surname_pinyin(surname)):
        initials = _surname_initials(surname, reading)
        keys = both_orders(reading, given_reading) + both_orders(initials, given_initials)
        (main if n == 0 else variants).extend(keys)
        variants.extend(variant for key in keys for variant in _u_variants(key))
        if n == 0:
            for alternative in _given_pinyin_alternatives(given, given_syllables):
                alternatives.extend(both_orders(reading, alternative))

    # Jyutping: ToJyutping reads the whole name in context; other surname readings as alternatives.
    jyutping = jyutping_syllables(han)
    surname_jyutping = [s for s in jyutping[: len(surname)] if s]
    given_jyutping = [s for s in jyutping[len(surname) :] if s]
    given_reading = "".join(given_jyutping)
    if len(surname_jyutping) == len(surname):
        default = "".join(surname_jyutping)
        main.extend(both_orders(default, given_reading))
        main.append(_initials(surname_jyutping) + _initials(given_jyutping))
        for candidate in jyutping_candidates(surname):
            if candidate != default:
                alternatives.extend(both_orders(candidate, given_reading))
                alternatives.append(candidate[:1] + _initials(given_jyutping))

    # Hong Kong style spelling, for records that have no Latin name: 陳大文 → chantaiman.
    hk_surnames = _hk_surnames(surname, surname_jyutping)
    hk_given = [hk_spellings(s) for s in given_jyutping]
    if hk_surnames and all(hk_given):
        combos = itertools.islice(itertools.product(*hk_given), _HK_COMBINATIONS)
        for n, combo in enumerate(combos):
            reading = "".join(combo)
            (variants if n == 0 else alternatives).extend(both_orders(hk_surnames[0], reading))
            for other in hk_surnames[1:]:
                alternatives.extend(both_orders(other, reading))
    return main, variants, alternatives


def name_keys(name: str, latin: str = "") -> set[str]:
    """Every search key for a person's name (see the module docstring), at most MAX_KEYS.

    `name` is the name as written (any script, may be Latin only); `latin` the romanised name as
    on a document. With an empty `name`, the keys come from the Latin name alone.
    """
    keys = _Keys(MAX_KEYS)
    folded = compact(name)
    keys.add(folded)

    tokens = latin_tokens(latin) if latin and latin.strip() else latin_tokens(name)
    latin_keys = _latin_orders(tokens)

    han = "".join(HAN.findall(folded))
    main: list[str] = []
    variants: list[str] = []
    alternatives: list[str] = []
    for index, (surname, given) in enumerate(surname_splits(han) if han else []):
        reading_main, reading_variants, reading_alternatives = _reading_keys(han, surname, given)
        if index == 0:
            main, variants, alternatives = reading_main, reading_variants, reading_alternatives
        else:  # the second split of an ambiguous compound surname comes last
            alternatives += reading_main + reading_variants + reading_alternatives
    keys.add(*main)
    keys.add(*latin_keys)
    keys.add(*variants)
    keys.add(*alternatives)
    return keys.result()


def org_keys(name: str, latin: str = "") -> set[str]:
    """Search keys for an organisation: the compact name, its full pinyin, the pinyin initials and
    the compact Latin name (at most six keys)."""
    keys = _Keys(6)
    folded = compact(name)
    keys.add(folded)
    if HAN.search(folded):
        syllables = pinyin_syllables(folded)
        full = "".join(syllables)
        keys.add(full, _initials(syllables))
        keys.add(*_u_variants(full)[:1])
    if latin and latin.strip():
        keys.add(compact(latin), "".join(latin_tokens(latin)))
    return keys.result()


def query_forms(q: str) -> list[str]:
    """The forms of a search text to prefix-match against keys: compact(q), and the same without
    accents or tone digits when they differ ("chén dàwén" → "chendawen", "lü" → "lu",
    "chen2 da4 wen2" → "chendawen"). Empty for blank or punctuation-only input."""
    form = compact(q)
    if not form:
        return []
    forms = [form]
    plain = "".join(ascii_fold(form).split())
    if plain and plain.isascii():
        forms.append(plain)
        toneless = _strip_tone_digits(plain)
        if toneless:
            forms.append(toneless)
    return list(dict.fromkeys(forms))


def _strip_tone_digits(form: str) -> str:
    """Tone digits removed ("chen2da4wen2" → "chendawen"); "" unless every digit is a single tone
    digit 1-5 right after a letter."""
    if not any(ch.isdigit() for ch in form) or not form[0].isalpha():
        return ""
    previous = ""
    for ch in form:
        if ch.isdigit() and (ch not in "12345" or not previous.isalpha()):
            return ""
        previous = ch
    return "".join(ch for ch in form if not ch.isdigit())
