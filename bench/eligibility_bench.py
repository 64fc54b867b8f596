"""Eligibility for one person over 1,000 benefits (issue 5's figure: under 50 ms).

    DATABASE_URL=sqlite:////tmp/eligibility.sqlite3 python bench/eligibility_bench.py [--count 1000] [--repeat 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qiao_eligibility python bench/eligibility_bench.py

Run it on a scratch database: it migrates it, then replaces the policies whose titles start with
"[bench] " by `--count` benefits (ten per policy) with varied rules — every attribute and operator,
nested any / not, ages on fixed dates, fields of the taxonomy — of which about 85 % are in force on
2026-11-21 (the others expired or not yet in force). The person has a full record: region, date
of birth, education, a talent profile with fields and languages, an employer, attended activities.

Timed, after one cold call (rules compiled): `services.benefits_for(person, on=…)`, what the API
and the page call — the person's values read (a handful of queries), the in-force benefits listed,
every rule evaluated — `--repeat` times; then "page": the same plus loading the eligible and nearly
eligible benefits and formatting every reason of those, as the person's benefits partial does.
Milliseconds: median and 99th percentile of the wall-clock time, and of this process's CPU time
(which other jobs on a shared machine do not inflate; the database server's time is not in it).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

TITLE_PREFIX = "[bench] "
ON = datetime.date(2026, 11, 21)

REGIONS = ["HK", "MO", "TW", "OVERSEAS", "MAINLAND"]
DEGREES = ["secondary", "associate", "bachelor", "master", "doctor"]
FIELDS = [
    "new-energy",
    "lithium-battery",
    "electronics",
    "semiconductors",
    "ai",
    "finance",
    "fintech",
    "law",
    "biomedicine",
]
LANGUAGES = ["mandarin", "cantonese", "english", "portuguese", "japanese"]
STATUSES = ["employed", "self_employed", "student", "seeking"]
CITIES = ["惠州", "深圳", "广州", "东莞", "香港"]
KINDS = [
    "housing-subsidy",
    "rent-subsidy",
    "startup-funding",
    "talent-award",
    "internship-allowance",
    "employment-subsidy",
    "tax-relief",
]


def _condition(rng: random.Random) -> dict:
    pick = rng.randrange(18)
    if pick == 0:
        return {"attr": "region", "op": rng.choice(["in", "not_in"]), "value": rng.sample(REGIONS, rng.randint(1, 3))}
    if pick == 1:
        return {"attr": "region", "op": rng.choice(["eq", "ne"]), "value": rng.choice(REGIONS)}
    if pick == 2:
        low = rng.randint(16, 40)
        return {"attr": "age", "op": "between", "value": [low, low + rng.randint(5, 20)]}
    if pick == 3:
        condition = {"attr": "age", "op": rng.choice(["le", "lt", "ge", "gt"]), "value": rng.randint(18, 50)}
        if rng.random() < 0.3:
            condition["at"] = f"{rng.randint(2024, 2027)}-12-31"
        return condition
    if pick == 4:
        return {"attr": "degree", "op": rng.choice(["ge", "gt", "le", "eq"]), "value": rng.choice(DEGREES[1:-1])}
    if pick == 5:
        return {"attr": "field", "op": rng.choice(["eq", "in", "not_in"]), "value": rng.choice(FIELDS)}
    if pick == 6:
        return {"attr": "experience_years", "op": rng.choice(["ge", "lt"]), "value": rng.randint(1, 10)}
    if pick == 7:
        return {"attr": "languages", "op": rng.choice(["eq", "in"]), "value": rng.choice(LANGUAGES)}
    if pick == 8:
        return {"attr": "employment_status", "op": rng.choice(["eq", "ne"]), "value": rng.choice(STATUSES)}
    if pick == 9:
        return {"attr": "residence", "op": rng.choice(["contains", "eq"]), "value": rng.choice(CITIES)}
    if pick == 10:
        return {"attr": "signed_local_employer", "op": rng.choice(["is_true", "is_false", "is_known"])}
    if pick == 11:
        return {"attr": "employer_location", "op": "contains", "value": rng.choice(CITIES)}
    if pick == 12:
        return {"attr": "employer_kind", "op": "eq", "value": rng.choice(["enterprise", "university", "research"])}
    if pick == 13:
        return {"attr": "consent", "op": rng.choice(["is_true", "is_false"])}
    if pick == 14:
        return {"attr": "attended_activities", "op": "ge", "value": rng.randint(0, 5)}
    if pick == 15:
        return {"attr": "study_field", "op": "contains", "value": rng.choice(["材料", "金融", "法律", "计算机"])}
    if pick == 16:
        return {"attr": "birth_date", "op": rng.choice(["lt", "ge"]), "value": f"{rng.randint(1975, 2005)}-01-01"}
    return {"attr": "gender", "op": "eq", "value": rng.choice(["M", "F"])}


def _value_fix(condition: dict) -> dict:
    if condition["attr"] == "field" and condition["op"] in ("in", "not_in"):
        condition["value"] = [condition["value"]]
    if condition["attr"] == "languages" and condition["op"] == "in":
        condition["value"] = [condition["value"]]
    return condition


def make_rule(rng: random.Random) -> dict:
    """A rule of 1 to 6 conditions, sometimes with a nested any or a not."""
    parts = [_value_fix(_condition(rng)) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.35:
        parts.append({"any": [_value_fix(_condition(rng)) for _ in range(2)]})
    if rng.random() < 0.2:
        parts.append({"not": _value_fix(_condition(rng))})
    if rng.random() < 0.03:
        return {}
    return {"all": parts}


def populate(count: int = 1000, seed: int = 1):
    """Replace the bench policies by `count` benefits with varied rules; return the bench person."""
    from qiao.activities.models import Activity, ActivityKind, Participation
    from qiao.core.models import Unit
    from qiao.matching import defaults as taxonomy_defaults
    from qiao.matching.models import Field, TalentProfile
    from qiao.orgs.models import Organization
    from qiao.people.models import Education, Person
    from qiao.policies import defaults, rules
    from qiao.policies.attributes import taxonomy_ancestors
    from qiao.policies.models import Benefit, BenefitKind, Policy

    rng = random.Random(seed)
    defaults.ensure()
    taxonomy_defaults.ensure()
    unit = Unit.objects.filter(code="bench-policies").first() or Unit.objects.create(
        name="政策基准", code="bench-policies"
    )
    Policy.all_objects.filter(title__startswith=TITLE_PREFIX).delete()
    kinds = {kind.code: kind for kind in BenefitKind.objects.all()}
    taxonomy = taxonomy_ancestors()
    policies = []
    for number in range((count + 9) // 10):
        roll = rng.random()
        if roll < 0.85:
            start, end = (
                ON - datetime.timedelta(days=rng.randint(0, 900)),
                ON + datetime.timedelta(days=rng.randint(0, 900)),
            )
        elif roll < 0.95:
            start, end = ON - datetime.timedelta(days=1200), ON - datetime.timedelta(days=rng.randint(1, 300))
        else:
            start, end = ON + datetime.timedelta(days=rng.randint(1, 300)), None
        policies.append(
            Policy(
                unit=unit,
                title=f"{TITLE_PREFIX}惠州市人才政策第{number + 1}号",
                region="惠州市",
                effective_from=start,
                effective_to=end,
            )
        )
    Policy.objects.bulk_create(policies)
    policies = list(Policy.objects.filter(title__startswith=TITLE_PREFIX).order_by("id"))
    benefits = []
    for index in range(count):
        rule = make_rule(rng)
        while rules.check(rule, taxonomy=taxonomy):
            rule = make_rule(rng)
        benefits.append(
            Benefit(
                policy=policies[index // 10],
                kind=kinds[rng.choice(KINDS)],
                name=f"补贴 {index + 1}",
                amount=rng.choice([None, 1000, 3000, 5000]),
                rule=rule,
            )
        )
    Benefit.objects.bulk_create(benefits, batch_size=500)

    person = Person.objects.filter(unit=unit, name="陳大文").first()
    if person is None:
        employer = Organization.objects.create(
            unit=unit,
            name="惠州亿纬锂能股份有限公司",
            kind="enterprise",
            region="MAINLAND",
            address="广东省惠州市仲恺高新区",
        )
        person = Person.objects.create(
            unit=unit,
            name="陳大文",
            name_latin="CHAN Tai Man",
            region="HK",
            gender="M",
            birth_date=datetime.date(1994, 5, 1),
            employer_org=employer,
            consent_date=datetime.date(2025, 3, 1),
        )
        Education.objects.create(person=person, degree="bachelor", field="化学")
        Education.objects.create(person=person, degree="master", field="材料工程")
        talent = TalentProfile.objects.create(
            person=person,
            experience_years=6,
            languages=["cantonese", "english", "mandarin"],
            employment_status="employed",
            residence="惠州",
            signed_local_employer=True,
        )
        talent.fields.set(Field.objects.filter(code__in=["lithium-battery", "semiconductors"]))
        kind = ActivityKind.objects.order_by("position").first()
        for number in range(3):
            activity = Activity.objects.create(unit=unit, kind=kind, title=f"交流团第{number + 1}批", start_date=ON)
            Participation.objects.create(activity=activity, person=person, status="attended")
    return person


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98] if len(values) > 1 else values[0]


def measure(person, repeat: int = 200, on: datetime.date = ON) -> dict:
    from qiao.policies import services
    from qiao.policies.models import Benefit

    services._COMPILED.clear()
    start = time.perf_counter()
    found = services.benefits_for(person, on=on)
    cold = time.perf_counter() - start
    with CaptureQueriesContext(connection) as queries:
        services.benefits_for(person, on=on)
    warm, page, cpu = [], [], []
    for _ in range(repeat):
        start, started_cpu = time.perf_counter(), time.process_time()
        found = services.benefits_for(person, on=on)
        warm.append(time.perf_counter() - start)
        cpu.append(time.process_time() - started_cpu)
    for _ in range(repeat):
        start = time.perf_counter()
        shown = services.person_benefits(None, person, on=on)
        for item in shown["eligible"] + shown["nearly"]:
            _ = [result.reason for result in item.conditions] + [m.requirement for m in item.missing]
        page.append(time.perf_counter() - start)
    in_force = Benefit.objects.filter(services.in_force(on, "policy__"), policy__deleted_at__isnull=True).count()
    return {
        "benefits": len(found),
        "in_force": in_force,
        "statuses": dict(Counter(item.status for item in found)),
        "queries": len(queries),
        "cold_ms": _ms(cold),
        "median_ms": _ms(statistics.median(warm)),
        "cpu_median_ms": _ms(statistics.median(cpu)),
        "cpu_p99_ms": _ms(_p99(cpu)),
        "p99_ms": _ms(_p99(warm)),
        "page_median_ms": _ms(statistics.median(page)),
        "page_p99_ms": _ms(_p99(page)),
    }


def verify(person, on: datetime.date = ON) -> int:
    """Check the cached evaluation against each stored rule evaluated from scratch; return the count."""
    from qiao.policies import attributes, rules, services
    from qiao.policies.models import Benefit

    facts = attributes.facts_for(person, on=on)
    stored = dict(Benefit.objects.values_list("id", "rule"))
    found = services.benefits_for(person, on=on)
    for item in found:
        fresh = rules.evaluate(stored[item.benefit_id], facts)
        assert fresh.verdict is item.verdict, (item.benefit_id, fresh.verdict, item.verdict)
        assert fresh.status == item.status, item.benefit_id
        assert [r.outcome for r in fresh.results] == [r.outcome for r in item.conditions]
    return len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="benefits to create (default 1000)")
    parser.add_argument("--repeat", type=int, default=200, help="timed evaluations (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    person = populate(args.count, args.seed)
    print(f"populated {args.count} benefits in {time.perf_counter() - started:.1f} s")
    result = measure(person, args.repeat)
    verify(person)
    vendor = connection.vendor
    version = ".".join(str(v) for v in connection.Database.sqlite_version_info) if vendor == "sqlite" else ""
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("show server_version")
            version = cursor.fetchone()[0]
    print(f"database: {vendor} {version}; Python {sys.version.split()[0]}")
    print(
        f"benefits in force on {ON}: {result['in_force']} of {args.count}; statuses {result['statuses']}; "
        f"{result['queries']} queries per call"
    )
    print(f"cold (rules compiled): {result['cold_ms']} ms")
    print(f"benefits_for, {args.repeat} runs: median {result['median_ms']} ms, p99 {result['p99_ms']} ms")
    print(f"  of which this process's CPU: median {result['cpu_median_ms']} ms, p99 {result['cpu_p99_ms']} ms")
    print(f"load average during the run: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"page (with benefits loaded and reasons), {args.repeat} runs: "
          f"median {result['page_median_ms']} ms, p99 {result['page_p99_ms']} ms")  # fmt: skip


if __name__ == "__main__":
    main()
