"""Text normalisation for Qiao: folding keys, name and organisation search keys, surname
romanisations, noise cleanup, amount parsing and the terms of free text for ranking (`terms`). Pure Python, no Django.

See spec/text-and-identity.md §1. Importing this package is cheap: OpenCC, pypinyin and
ToJyutping are loaded on first use.
"""

from .amounts import parse_amount
from .fold import ascii_fold, compact, fold, has_han, latin_tokens, to_simplified
from .names import MAX_KEYS, name_keys, org_keys, query_forms
from .noise import is_pinyin_gloss, looks_like_mojibake, strip_pinyin_noise
from .surnames import known_surnames, surname_of, surname_romanisations, surname_splits
from .terms import STOPWORDS_EN, STOPWORDS_ZH, Terms, default_terms, stem, terms

__all__ = [
    "STOPWORDS_EN",
    "STOPWORDS_ZH",
    "Terms",
    "default_terms",
    "stem",
    "terms",
    "MAX_KEYS",
    "ascii_fold",
    "compact",
    "fold",
    "has_han",
    "is_pinyin_gloss",
    "known_surnames",
    "latin_tokens",
    "looks_like_mojibake",
    "name_keys",
    "org_keys",
    "parse_amount",
    "query_forms",
    "strip_pinyin_noise",
    "surname_of",
    "surname_romanisations",
    "surname_splits",
    "to_simplified",
]
