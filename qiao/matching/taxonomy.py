"""The taxonomy as matching reads it: free text → fields, and how close two fields are.

Every name of a field (简体, 繁體, English and the synonyms) is tokenised by `qiao.text.terms` into a
phrase; a text names a field when its words contain one of the field's phrases, so 鋰電池, 锂电池,
"lithium batteries" and 动力电池 all name 锂电池. The Chinese names are added to the shared jieba
dictionary first, so that segmentation keeps them whole.

Closeness of a person's field to a demand's field, from `Field.path` (see docs/_matching_engine.md):
exact > a more specific field under the demand's (child) > sibling > a broader field above it
(parent) > same top branch. The values are `settings.MATCHING_CLOSENESS`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings

from qiao.text.terms import Terms, default_terms

RELATIONS = ("exact", "child", "sibling", "parent", "branch")


@dataclass
class Node:
    pk: int
    path: str
    parent: int | None
    names: dict  # {"zh-hans": …, "zh-hant": …, "en": …}
    ancestors: tuple[int, ...]  # from the top, without itself

    @property
    def top(self) -> int:
        return self.ancestors[0] if self.ancestors else self.pk


@dataclass
class Taxonomy:
    nodes: dict[int, Node]
    phrases: dict[tuple[str, ...], set[int]]
    longest: int  # words in the longest phrase
    signature: str
    terms: Terms
    starts: dict = field(default_factory=dict)  # first word → [(phrase, field ids)]
    _closeness: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        for phrase, pks in self.phrases.items():
            self.starts.setdefault(phrase[0], []).append((phrase, tuple(sorted(pks))))

    # -- text → fields -------------------------------------------------------------------------------
    def fields_in_words(self, words: list[str]) -> dict[int, int]:
        """Field id → times named, for a text's words (from `Terms.words`)."""
        found: dict[int, int] = {}
        starts = self.starts
        count = len(words)
        for start, word in enumerate(words):
            candidates = starts.get(word)
            if not candidates:
                continue
            for phrase, pks in candidates:
                size = len(phrase)
                if size == 1 or (start + size <= count and tuple(words[start : start + size]) == phrase):
                    for pk in pks:
                        found[pk] = found.get(pk, 0) + 1
        return found

    def fields_in_text(self, text: str) -> dict[int, int]:
        """Field id → times named in `text` (any script, or English)."""
        return self.fields_in_words(self.terms.words(text))

    # -- closeness -----------------------------------------------------------------------------------
    def relation(self, person_field: int, demand_field: int) -> str | None:
        """How `person_field` stands to `demand_field`: one of RELATIONS, or None (unrelated)."""
        a, b = self.nodes.get(person_field), self.nodes.get(demand_field)
        if a is None or b is None:
            return None
        if a.pk == b.pk:
            return "exact"
        if b.pk in a.ancestors:
            return "child"
        if a.parent is not None and a.parent == b.parent:
            return "sibling"
        if a.pk in b.ancestors:
            return "parent"
        if a.top == b.top:
            return "branch"
        return None

    def closeness(self, person_field: int, demand_field: int) -> float:
        key = (person_field, demand_field)
        value = self._closeness.get(key)
        if value is None:
            relation = self.relation(person_field, demand_field)
            value = float(settings.MATCHING_CLOSENESS.get(relation, 0.0)) if relation else 0.0
            self._closeness[key] = value
        return value

    def name(self, pk: int, language: str | None = None) -> str:
        node = self.nodes.get(pk)
        return pick_name(node.names, language) if node else ""


def pick_name(names: dict, language: str | None = None) -> str:
    """The name in the active language from a {"zh-hans", "zh-hant", "en"} dict (Simplified as fallback)."""
    if language is None:
        from django.utils.translation import get_language

        language = get_language() or ""
    language = language.lower()
    if language.startswith("en") and names.get("en"):
        return names["en"]
    if language in ("zh-hant", "zh-hk", "zh-tw", "zh-mo") and names.get("zh-hant"):
        return names["zh-hant"]
    return names.get("zh-hans") or names.get("en") or ""


_cached: Taxonomy | None = None
_checked_at = 0.0
_lock = threading.Lock()


def _rows():
    from .models import Field

    return list(
        Field.objects.order_by("path").values_list(
            "pk", "path", "parent_id", "name", "name_hant", "name_en", "synonyms"
        )
    )


def _signature(rows) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()


def get(*, fresh: bool = False) -> Taxonomy:
    """The taxonomy, re-read from the database when it changed (checked at most every
    MATCHING_REFRESH_SECONDS, or at once with `fresh`)."""
    global _cached, _checked_at
    now = time.monotonic()
    if _cached is not None and not fresh and now - _checked_at < settings.MATCHING_REFRESH_SECONDS:
        return _cached
    rows = _rows()
    signature = _signature(rows)
    with _lock:
        if _cached is None or _cached.signature != signature:
            _cached = build(rows, signature)
        _checked_at = now
    return _cached


def forget() -> None:
    """Re-read the taxonomy on next use (a field was saved in this process)."""
    global _checked_at
    _checked_at = 0.0


def build(rows, signature: str = "", terms: Terms | None = None) -> Taxonomy:
    from .models import Field

    terms = terms or default_terms()
    nodes: dict[int, Node] = {}
    names_of: dict[int, list[str]] = {}
    for pk, path, parent, name, name_hant, name_en, synonyms in rows:
        ancestors = tuple(int(part) for part in path.split(".") if part)[:-1]
        nodes[pk] = Node(
            pk, path, parent, {"zh-hans": name, "zh-hant": name_hant or name, "en": name_en or name}, ancestors
        )
        names_of[pk] = Field(name=name, name_hant=name_hant, name_en=name_en, synonyms=synonyms).names()
    terms.add_words(n for names in names_of.values() for n in names)
    phrases: dict[tuple[str, ...], set[int]] = {}
    for pk, names in names_of.items():
        for name in names:
            words = tuple(terms.words(name))
            if words:
                phrases.setdefault(words, set()).add(pk)
    longest = max((len(p) for p in phrases), default=1)
    return Taxonomy(nodes, phrases, longest, signature or _signature(rows), terms)
