"""Ranking quality on the labelled set of `qiao synth --profiles N --demands M --eval FILE.json`.

Usage:
    DATABASE_URL=... python bench/matching_quality.py FILE.json [--limit 20]

For every demand of the set: nDCG@10 (gains 2^grade − 1) and recall@20 (people graded 2 or 3 in the top
20, out of at most 20), averaged over the demands that have such people, for:

- the engine (`qiao.matching.engine.candidates`, as a superuser);
- plain BM25 on raw text: jieba's default dictionary, no script folding, no stemming, no taxonomy, over
  the same text the engine reads (profile, skills, job title, employer, field of study) and the same
  query (title, skills, description), with the engine's hard conditions applied so that only
  relevance is compared;
- BM25 with Qiao's terms (folding, taxonomy words in the dictionary, stemming) but no taxonomy
  closeness and no other parts: where the gain comes from.
"""

import argparse
import json
import math
import os
import re
import statistics
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

import django  # noqa: E402

django.setup()

from qiao.core.models import User  # noqa: E402
from qiao.matching import engine, taxonomy  # noqa: E402
from qiao.matching.models import DEGREE_RANK, Demand, TalentProfile  # noqa: E402
from qiao.people.models import Education  # noqa: E402

LATIN = re.compile(r"[A-Za-z0-9]+")


def raw_tokens(value: str) -> list[str]:
    import jieba

    found = []
    for token in jieba.cut(value or "", HMM=False):
        token = token.strip().lower()
        if token and (LATIN.fullmatch(token) or not token.isascii()) and not re.fullmatch(r"\W+", token):
            found.append(token)
    return found


class BM25:
    def __init__(self, docs: dict[int, list[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.postings: dict[str, list[tuple[int, int]]] = {}
        self.length = {pk: len(tokens) for pk, tokens in docs.items()}
        self.average = (sum(self.length.values()) / len(docs)) if docs else 1.0
        for pk, tokens in docs.items():
            for term, tf in Counter(tokens).items():
                self.postings.setdefault(term, []).append((pk, tf))
        self.count = len(docs)

    def top(self, query: list[str], k: int) -> list[int]:
        scores: Counter = Counter()
        for term, qtf in Counter(query).items():
            postings = self.postings.get(term, [])
            if not postings:
                continue
            idf = math.log(1 + (self.count - len(postings) + 0.5) / (len(postings) + 0.5))
            for pk, tf in postings:
                norm = self.k1 * (1 - self.b + self.b * self.length[pk] / self.average)
                scores[pk] += qtf * idf * tf * (self.k1 + 1) / (tf + norm)
        return [pk for pk, _s in sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]]


def ndcg(ranked: list[int], grades: dict[int, int], k: int = 10) -> float:
    gains = [(2 ** grades.get(pk, 0) - 1) / math.log2(i + 2) for i, pk in enumerate(ranked[:k])]
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return sum(gains) / best if best else 0.0


def recall(ranked: list[int], grades: dict[int, int], k: int = 20) -> float:
    relevant = {pk for pk, g in grades.items() if g >= 2}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / min(k, len(relevant))


def profiles_text():
    """The text of every person with a talent profile who may be proposed, and their highest degree."""
    study: dict[int, list[str]] = {}
    degree: dict[int, int] = {}
    for person, value, field in Education.objects.values_list("person_id", "degree", "field"):
        degree[person] = max(degree.get(person, 0), DEGREE_RANK.get(value, 0))
        if field:
            study.setdefault(person, []).append(field)
    rows = TalentProfile.objects.filter(
        contact_consent=True, person__deleted_at__isnull=True, person__merged_into__isnull=True
    ).exclude(availability="unavailable")
    texts = {}
    for person, profile, skills, title, employer in rows.values_list(
        "person_id", "person__profile", "skills", "person__title", "person__employer"
    ):
        texts[person] = " ".join([profile, skills, title, employer, *study.get(person, [])])
    return texts, degree


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("labels")
    parser.add_argument("--demands", type=int, default=0, help="Use only the first N demands of the set.")
    args = parser.parse_args()
    with open(args.labels, encoding="utf-8") as handle:
        items = json.load(handle)["demands"]
    if args.demands:
        items = items[: args.demands]
    user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-root")
    demands = Demand.objects.in_bulk([item["demand"] for item in items])

    started = time.monotonic()
    texts, degree = profiles_text()
    raw = BM25({pk: raw_tokens(value) for pk, value in texts.items()})
    terms = taxonomy.get(fresh=True).terms
    folded = BM25({pk: terms.tokens(value) for pk, value in texts.items()})
    print(f"baselines indexed: {len(texts):,} profiles in {time.monotonic() - started:.1f} s")

    results = {"engine": ([], []), "bm25 raw": ([], []), "bm25 folded": ([], [])}
    engine_ms = []
    for item in items:
        grades = {int(pk): g for pk, g in item["grades"].items()}
        if not any(g >= 2 for g in grades.values()):
            continue
        demand = demands[item["demand"]]
        began = time.perf_counter()
        ranked = [r.pk for r in engine.candidates(demand, user, limit=20)]
        engine_ms.append((time.perf_counter() - began) * 1000)
        query = " ".join([demand.title, demand.skills, demand.description])
        minimum = DEGREE_RANK.get(demand.min_degree, 0) if demand.degree_required else 0

        def allowed(pk, minimum=minimum):
            return degree.get(pk, 0) >= minimum

        lists = {
            "engine": ranked,
            "bm25 raw": [pk for pk in raw.top(raw_tokens(query), 200) if allowed(pk)][:20],
            "bm25 folded": [pk for pk in folded.top(terms.tokens(query), 200) if allowed(pk)][:20],
        }
        for name, found in lists.items():
            results[name][0].append(ndcg(found, grades))
            results[name][1].append(recall(found, grades))

    count = len(results["engine"][0])
    print(f"demands with relevant people: {count} of {len(items)}")
    print("| ranking | nDCG@10 | recall@20 |")
    print("|---|---:|---:|")
    for name, (ndcgs, recalls) in results.items():
        print(f"| {name} | {statistics.mean(ndcgs):.3f} | {statistics.mean(recalls):.3f} |")
    if engine_ms:
        engine_ms.sort()
        print(f"engine per demand: median {statistics.median(engine_ms):.1f} ms (first call builds the index)")


if __name__ == "__main__":
    main()
