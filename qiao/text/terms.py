"""Terms of free text for ranking: the same words whatever the script, width or case they were typed in.

`Terms.tokens("從事鋰電池研發 Lithium batteries")` → ["从事", "锂电池", "电池", "研发", "lithium", "battery"]:

- NFKC (full-width → half-width), invisible characters dropped, then OpenCC Traditional →
  Simplified (`fold.to_simplified`), so 鋰電池 and 锂电池 give one term;
- runs of Chinese characters are segmented with jieba (precise mode, no HMM guessing of new words),
  words of more than two characters also give the dictionary words inside them (锂离子电池 → 锂离子,
  电池, …: a profile saying 锂离子电池 matches a demand asking for 电池); extra words (the
  taxonomy's names and synonyms) are added with `add_words`;
- Latin words are lower-cased and lightly stemmed (batteries → battery, engineering → engineer);
  an acronym typed in capitals (IT, AI, EV) is kept even when its lower-case form is a stopword;
- stopwords of both languages and punctuation are dropped.

Pure Python, no Django. jieba and OpenCC load on first use; segmenting a run of Chinese text is
memoised (free text repeats its phrases), so a million profiles are read in minutes.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable

from .fold import HAN_RANGES, INVISIBLE, to_simplified

# One run of Chinese characters, or one Latin/digit word (with inner hyphens, dots, plus signs: c++, 5g, li-ion).
_RUNS = re.compile(f"([{HAN_RANGES}]+)|([A-Za-z0-9]+(?:[-+.#][A-Za-z0-9+#]+)*\\+*)")
_ACRONYM = re.compile(r"^[A-Z0-9]{2,6}$")

_EN = """a about above after again all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each etc few for from further had has have having he her here
hers him his how i if in into is it its itself just me more most my no nor not of off on once only or other our ours
out over own per same she should so some such than that the their them then there these they this those through to
too under until up very via was we were what when where which while who whom why will with would you your yours
years year experience experienced work worked working"""
_ZH = """的 了 和 与 及 或 在 是 有 为 于 对 等 并 也 而 以 之 其 由 从 向 将 被 把 就 都 又 及其 以及 并且 或者
一个 一些 这个 那个 我们 你们 他们 本人 我 你 他 她 它 这 那 个 位 名 年 多 余 具有 具备 拥有 能够 可以 相关
方面 工作 经验 负责 曾 曾经 目前 现 担任 熟悉 擅长 希望 寻找 需要 要求 优先 欢迎 以上 左右 不限 若干"""
STOPWORDS_EN = frozenset(_EN.split())
STOPWORDS_ZH = frozenset(_ZH.split())
_PUNCTUATION = frozenset("-+.#")


def stem(word: str) -> str:
    """A light English stemmer: plurals, -ing, -ed and a final -e, so that battery/batteries,
    engineer/engineering and manufacture/manufacturing meet. Words of four letters or fewer stay."""
    if len(word) <= 4 or not word.isalpha():
        return word
    if word.endswith("'s"):
        word = word[:-2]
    if word.endswith("ies") and len(word) > 5:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "ches", "shes", "xes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 6:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 5:
        word = word[:-2]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


class Terms:
    """A tokenizer with its own jieba dictionary (the default one plus `add_words`)."""

    def __init__(self, words: Iterable[str] = (), cache_size: int = 200_000) -> None:
        self._lock = threading.Lock()
        self._jieba = None
        self._extra: set[str] = set()
        self._pending: list[str] = []
        self._cache: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._texts: dict[str, tuple[list[str], list[str]]] = {}  # short texts (titles, skills) repeat; shared lists
        self._cache_size = cache_size
        self.add_words(words)

    # -- dictionary -----------------------------------------------------------------------------------
    def add_words(self, words: Iterable[str]) -> int:
        """Add words (any script; folded here) to the segmentation dictionary. Returns how many were new."""
        added = 0
        with self._lock:
            for word in words:
                for run in _han_runs(word):
                    if len(run) >= 2 and run not in self._extra:
                        self._extra.add(run)
                        self._pending.append(run)
                        added += 1
            if added:
                self._cache.clear()
                self._texts.clear()
        return added

    def _segmenter(self):
        if self._jieba is None or self._pending:
            with self._lock:
                if self._jieba is None:
                    import logging

                    import jieba

                    jieba.setLogLevel(logging.WARNING)
                    tokenizer = jieba.Tokenizer()
                    tokenizer.initialize()
                    self._jieba = tokenizer
                for word in self._pending:
                    # a frequency high enough that the word wins over the default dictionary's cuts
                    self._jieba.add_word(word, freq=max(self._jieba.suggest_freq(word, tune=False), 2000))
                self._pending = []
        return self._jieba

    @property
    def extra_words(self) -> frozenset[str]:
        return frozenset(self._extra)

    # -- tokens ---------------------------------------------------------------------------------------
    def tokens(self, text: str, source: str | None = None) -> list[str]:
        """The terms of `text`: its words in order, then the dictionary words found inside longer ones."""
        words, parts = self.analyse(text, source)
        return [*words, *parts]

    def words(self, text: str, source: str | None = None) -> list[str]:
        """The words of `text` in order, without the parts of longer words (for finding phrases)."""
        return list(self.analyse(text, source)[0])

    def analyse(self, text: str, source: str | None = None) -> tuple[list[str], list[str]]:
        """(words in order, parts of longer Chinese words) of `text`. The lists may be shared: do not change them."""
        words: list[str] = []
        parts: list[str] = []
        if not text:
            return words, parts
        short = len(text) <= 80 and source is None
        if short:
            cached = self._texts.get(text)
            if cached is not None:
                return cached
        original = text
        text = unicodedata.normalize("NFKC", INVISIBLE.sub("", str(text)))
        text = to_simplified(text, source)
        for han, latin in _RUNS.findall(text):
            if han:
                run_words, run_parts = self._han(han)
                words.extend(run_words)
                parts.extend(run_parts)
            else:
                word = _LATIN_CACHE.get(latin)
                if word is None:
                    word = _latin(latin)
                    if len(_LATIN_CACHE) < 500_000:
                        _LATIN_CACHE[latin] = word
                if word:
                    words.append(word)
        if short:
            if len(self._texts) >= self._cache_size:
                self._texts.clear()
            self._texts[original] = (words, parts)
        return words, parts

    def _han(self, run: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        cached = self._cache.get(run)
        if cached is not None:
            return cached
        segmenter = self._segmenter()
        freq = segmenter.FREQ
        words: list[str] = []
        parts: list[str] = []
        for word in segmenter.cut(run, HMM=False):
            if len(word) > 2:
                for size in (2, 3):
                    for start in range(len(word) - size + 1):
                        part = word[start : start + size]
                        if part != word and freq.get(part) and part not in STOPWORDS_ZH:
                            parts.append(part)
            if word not in STOPWORDS_ZH:
                words.append(word)
        result = (tuple(words), tuple(parts))
        if len(self._cache) >= self._cache_size:
            self._cache.clear()
        self._cache[run] = result
        return result

    def counts(self, text: str, source: str | None = None) -> dict[str, int]:
        """How many times each term occurs in `text`."""
        counts: dict[str, int] = {}
        for term in self.tokens(text, source):
            counts[term] = counts.get(term, 0) + 1
        return counts


def _han_runs(text: str) -> list[str]:
    text = to_simplified(unicodedata.normalize("NFKC", str(text or "")))
    return [han for han, _latin in _RUNS.findall(text) if han]


_LATIN_CACHE: dict[str, str] = {}


def _latin(word: str) -> str:
    """One Latin/digit word as a term, or "" for a stopword."""
    if _ACRONYM.match(word) and not word.isdigit():
        return word.lower()  # IT, AI, EV, 5G: kept whatever their lower-case form means
    lowered = word.casefold().strip("".join(_PUNCTUATION - {"+", "#"}))
    if not lowered or lowered in STOPWORDS_EN:
        return ""
    if lowered.isdigit() and len(lowered) > 4:
        return ""  # long numbers (phones, ids) are not terms
    stemmed = stem(lowered)
    return "" if stemmed in STOPWORDS_EN else stemmed


_default: Terms | None = None
_default_lock = threading.Lock()


def default_terms() -> Terms:
    """The process's shared tokenizer (the matching engine adds the taxonomy's words to it)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Terms()
    return _default


def terms(text: str, source: str | None = None) -> list[str]:
    """The terms of `text` with the shared tokenizer."""
    return default_terms().tokens(text, source)
