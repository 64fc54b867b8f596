"""The metric catalogue against a network counted by hand (tests/reports_data.py): every metric's
total for a period, its edges (the first and last days in, the days before and after out, in the
offices' time zone), scope roll-up (the centre is its bases; a base never counts another's records),
every breakdown it takes, its comparisons, the records behind each figure and row (as many as the
figure says), merged people counted once, and records in the trash, cancelled or absent not counted."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from qiao.activities import aggregates
from qiao.activities.models import Activity, ActivityKind, Participation
from qiao.core import services as core
from qiao.ledger.models import ServiceKind
from qiao.people.models import Person
from qiao.reports import metrics
from qiao.reports.periods import Period
from tests import reports_data
from tests.reports_data import AFTER, BEFORE, EXPECTED, FIRST, LAST, LAST_YEAR, PERIOD, PREVIOUS, TODAY, M

KEYS = list(metrics.CATALOGUE)
DAYS = {"first": FIRST, "last": LAST, "before": BEFORE, "after": AFTER}
ZERO = {"count": 0, "people": 0, "amount": Decimal(0), "percent": None, "days": None}


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    yield from reports_data.kept(django_db_blocker)


@pytest.fixture
def d(built, db):
    return built


def where(d, unit=None, reader=None):
    return metrics.scope(reader or d.root, unit, today=TODAY)


def figure(d, key, period=PERIOD, unit=None, reader=None, **options):
    scope = where(d, unit, reader)
    return metrics.compute(scope.user, key, period, scope_=scope, **options)


def additive(metric) -> bool:
    """Counts of records and sums: a set's figure is the sum of its parts' (not so for distinct people,
    distinct batches, rates and medians)."""
    return metric.measure in ("count", "amount") and not metric.distinct


def behind(metric, records):
    """What the records behind a figure add up to: how many, or their sum."""
    if metric.measure == "amount" or metric.summed:
        return sum((getattr(r, metric.summed) for r in records), Decimal(0))
    return records.count()


# ---------------------------------------------------------------- the hand counts


def test_every_metric_has_a_hand_count():
    assert set(EXPECTED) == set(metrics.CATALOGUE)
    assert all(set(row) == set(reports_data.EXPECTED_COLUMNS) for row in EXPECTED.values())


def test_the_dataset_keeps_its_stored_aggregates_exact(d):
    assert aggregates.differences() == []


@pytest.mark.parametrize("key", KEYS)
def test_total_of_the_period(d, key):
    assert figure(d, key).total == EXPECTED[key]["total"]


@pytest.mark.parametrize("key", KEYS)
def test_the_first_and_last_days_are_in_and_the_days_around_out(d, key):
    metric = metrics.CATALOGUE[key]
    expected = EXPECTED[key]
    for column, day in DAYS.items():
        assert figure(d, key, Period(day, day)).total == expected[column], column
    if not additive(metric) or metric.snapshot:
        return
    total = expected["total"]
    assert figure(d, key, Period(BEFORE, AFTER)).total == total + expected["before"] + expected["after"]
    one_day = datetime.timedelta(days=1)
    assert figure(d, key, Period(FIRST + one_day, LAST)).total == total - expected["first"]
    assert figure(d, key, Period(FIRST, LAST - one_day)).total == total - expected["last"]


def test_a_day_is_the_offices_day_not_utc():
    """Records stamped near midnight in Asia/Shanghai are on another day in UTC: the dataset's demand
    of AFTER 00:01 is on 31 January in UTC, and counts on 1 February (not in the period)."""
    moment = reports_data.local(AFTER, 0, 1)
    assert moment.astimezone(datetime.UTC).date() == LAST
    assert EXPECTED["matching.demands"]["after"] == 1


def test_a_reader_in_another_time_zone_counts_by_their_own_days(d):
    """Records dated by the moment they were recorded fall on the reader's local days: for a reader in
    London, hk1 (added FIRST 00:30 in Shanghai) was added on 31 October, os (AFTER 00:01) on 31 January;
    the first match was agreed on 31 October, the fourth (AFTER 00:10) on 31 January."""
    from qiao.core.models import User

    london = User.objects.create_user("london", password=None, time_zone="Europe/London", is_superuser=True)
    added = figure(d, "registry.people", reader=london, by="month")
    assert set(metrics.CATALOGUE["registry.people"].listing(added.scope, PERIOD)) == {d.tw, d.os, d.dup1}
    assert {row.key: row.value for row in added.rows} == {"2025-12": 1, "2026-01": 2}
    agreed = metrics.CATALOGUE["matching.agreed"].listing(where(d, reader=london), PERIOD)
    assert set(agreed) == {d.m2, d.m4, d.m5, d.m6, d.m7}


# ---------------------------------------------------------------- scope


@pytest.mark.parametrize("key", KEYS)
def test_scope_rolls_up_and_a_base_never_counts_another(d, key):
    metric = metrics.CATALOGUE[key]
    expected = EXPECTED[key]
    assert figure(d, key, unit=d.a).total == expected["a"]
    assert figure(d, key, unit=d.b).total == expected["b"]
    # a base's own readers see their base's figures, whatever they ask for
    assert figure(d, key, reader=d.readers["a"]).total == expected["a"]
    assert figure(d, key, reader=d.readers["b"]).total == expected["b"]
    assert figure(d, key, reader=d.readers["centre"]).total == expected["total"]
    assert figure(d, key, unit=d.hk).total == ZERO[metric.measure]  # nothing recorded there
    if additive(metric):
        assert expected["total"] == expected["a"] + expected["b"]


def test_a_base_reader_may_not_ask_for_another_base(d):
    for unit in (d.b, d.b.pk, "base-b", "no-such-unit", "99999"):
        with pytest.raises(ValidationError) as refused:
            where(d, unit, d.readers["a"])
        assert "unit" in refused.value.message_dict
    assert where(d, "office-a1", d.readers["a"]).unit == d.a1


def test_first_timers_depend_on_the_scope(d):
    """moved came to base B before the period: new to base A, not to the centre; dup1 came to base A
    last year (as dup2): not new to base A, new to its office A1."""
    people = metrics.CATALOGUE["activities.first_timers"]
    centre = set(people.listing(where(d), PERIOD))
    base_a = set(people.listing(where(d, d.a), PERIOD))
    office = set(people.listing(where(d, d.a1), PERIOD))
    assert centre == {d.hk1, d.mo, d.ml, d.os, d.hk2, d.tw}
    assert base_a == {d.hk1, d.mo, d.moved, d.ml, d.os}
    assert office == {d.hk1, d.os, d.dup1}
    assert figure(d, "activities.first_timers", unit=d.a1).total == 3


# ---------------------------------------------------------------- comparisons


@pytest.mark.parametrize("key", KEYS)
def test_comparisons_with_last_year_and_the_period_before(d, key):
    found = figure(d, key, compare=("last_year", "previous"))
    last_year, previous = found.comparisons
    assert (last_year.name, last_year.period.start, last_year.period.end) == (
        "last_year",
        LAST_YEAR.start,
        LAST_YEAR.end,
    )
    assert (previous.name, previous.period.start, previous.period.end) == ("previous", PREVIOUS.start, PREVIOUS.end)
    assert last_year.total == EXPECTED[key]["last_year"]
    assert previous.total == EXPECTED[key]["previous"]


def test_the_change_in_percent(d):
    batches = figure(d, "activities.batches", compare=("last_year", "previous"))
    last_year, previous = batches.comparisons
    assert last_year.change(batches.total) == Decimal("400.0")  # 1 → 5
    assert previous.change(batches.total) == Decimal("66.7")  # 3 → 5
    proposals = figure(d, "proposals.adopted", compare=("last_year",))
    assert proposals.comparisons[0].change(proposals.total) is None  # nothing last year: no percentage


def test_comparisons_are_refused_when_unknown(d):
    with pytest.raises(ValidationError) as refused:
        figure(d, "activities.batches", compare=("yesterday",))
    assert "compare" in refused.value.message_dict


# ---------------------------------------------------------------- the records behind the figures


@pytest.mark.parametrize("key", KEYS)
def test_the_records_behind_a_figure_make_the_figure(d, key):
    metric = metrics.CATALOGUE[key]
    for unit, column in ((None, "total"), (d.a, "a"), (d.b, "b")):
        listed = metric.listing(where(d, unit), PERIOD)
        assert listed.model is metric.listed_model()
        if metric.measure in ("count", "people", "amount"):
            assert behind(metric, listed) == EXPECTED[key][column], column
        elif key == "projects.production_rate":  # the projects signed
            assert listed.count() == EXPECTED["projects.signed"][column]
        else:  # the median of the cases resolved
            assert listed.count() == EXPECTED["cases.resolved"][column]


# ---------------------------------------------------------------- breakdowns


@pytest.mark.parametrize(
    ("key", "by"), [(key, by) for key, metric in metrics.CATALOGUE.items() for by in metrics.breakdowns(metric)]
)
def test_every_breakdown_adds_up_and_each_row_lists_its_records(d, key, by):
    metric = metrics.CATALOGUE[key]
    found = figure(d, key, by=by)
    assert found.by == by and found.total == EXPECTED[key]["total"]
    keys = [row.key for row in found.rows]
    assert len(keys) == len(set(keys)) and all(row.label for row in found.rows)
    if additive(metric) or (metric.measure == "people" and by == "region"):  # parts that do not overlap
        assert sum(row.value for row in found.rows) == found.total
    if by == "unit":
        assert set(keys) <= {str(u.pk) for u in (d.centre, d.a, d.b, d.hk)}
    for row in found.rows:
        listed = metric.listing(found.scope, PERIOD, by, row.key)
        if metric.measure in ("count", "people", "amount"):
            assert behind(metric, listed) == row.value, row
        else:
            assert listed.count() >= 1, row


def test_breakdowns_counted_by_hand(d):
    kinds = {code: str(pk) for code, pk in ActivityKind.objects.values_list("code", "pk")}
    services = {code: str(pk) for code, pk in ServiceKind.objects.values_list("code", "pk")}
    a, b = str(d.a.pk), str(d.b.pk)
    talk, intern, visit = kinds["talk"], kinds["internship-batch"], kinds["exchange-visit"]
    regions = {"HK": 3, "MO": 1, "TW": 2, "OVERSEAS": 1, "MAINLAND": 1, "-": 1}
    expected = {
        ("activities.batches", "unit"): {a: 3, b: 2},
        ("activities.batches", "kind"): {talk: 3, intern: 1, visit: 1},
        ("activities.batches", "month"): {"2025-11": 2, "2025-12": 2, "2026-01": 1},
        ("activities.person_times", "region"): {**regions, "HK": 5},
        ("activities.person_times", "unit"): {a: 8, b: 3},
        ("activities.person_times", "kind"): {talk: 9, intern: 1, visit: 1},
        ("activities.person_times", "month"): {"2025-11": 5, "2025-12": 4, "2026-01": 2},
        ("activities.people", "region"): regions,
        ("activities.people", "unit"): {a: 7, b: 2},
        ("activities.first_timers", "region"): {"HK": 2, "MO": 1, "TW": 1, "OVERSEAS": 1, "MAINLAND": 1},
        ("activities.first_timers", "unit"): {a: 4, b: 2},
        ("activities.speakers", "unit"): {a: 1, b: 1},
        ("activities.editions", "kind"): {str(d.series.pk): 3},
        ("internships.interns", "region"): {"MAINLAND": 1, "HK": 1},
        ("internships.interns", "industry"): {"电子信息": 1, "新能源": 1},
        ("internships.batches", "month"): {"2025-11": 1, "2026-01": 1},
        ("matching.demands", "kind"): {"job": 1, "internship": 1},
        ("matching.demands", "region"): {"HK": 1, "MO": 1},
        ("matching.demands", "industry"): {"电子信息": 1, "新能源": 1},
        ("matching.agreed", "region"): {"HK": 4, "OVERSEAS": 1},
        ("matching.agreed", "kind"): {"job": 3, "internship": 2},
        ("matching.talents", "region"): {"HK": 3, "OVERSEAS": 1},
        ("matching.talents", "unit"): {a: 3, b: 2},
        ("projects.signed", "kind"): {"new": 1, "expansion": 2},
        ("projects.signed", "industry"): {str(d.f1.pk): 1, str(d.f2.pk): 1, "-": 1},
        ("projects.planned_amount", "region"): {"HK": 340 * M, "MO": 120 * M},
        ("projects.planned_amount", "unit"): {a: 340 * M, b: 120 * M},
        ("projects.landed_amount", "region"): {"HK": 120 * M, "MO": 20 * M, "TW": 30 * M},
        ("projects.landed_amount", "month"): {"2025-11": 50 * M, "2025-12": 70 * M, "2026-01": 50 * M},
        ("projects.in_production", "region"): {"HK": 2},
        ("projects.production_rate", "region"): {"HK": Decimal("50.0"), "MO": Decimal("0.0")},
        ("cases.opened", "kind"): {"land": 2, "approvals": 1, "policy": 1, "other": 1, "customs": 1},
        ("cases.opened", "region"): {"HK": 2, "MO": 4},
        ("cases.opened", "month"): {"2025-11": 2, "2025-12": 3, "2026-01": 1},
        ("cases.resolved", "kind"): {"land": 1, "financing": 1, "policy": 1},
        ("cases.overdue", "unit"): {a: 2, b: 1},
        ("cases.median_days", "unit"): {a: Decimal("15.5"), b: Decimal("57.0")},
        ("services.records", "kind"): {services["policy-consultation"]: 2, services["visit"]: 1},
        ("services.people_served", "kind"): {services["policy-consultation"]: 5, services["visit"]: 5},
        ("registry.people", "region"): {"HK": 2, "TW": 1},
        ("registry.organizations", "kind"): {"enterprise": 2},
        ("registry.organizations", "region"): {"HK": 1, "MO": 1},
        ("relations.interactions", "kind"): {"visit": 1, "call": 1, "meeting": 1},
        ("agreements.signed", "kind"): {"strategic": 1, "joint_lab": 1},
        ("carriers.entered", "region"): {"HK": 1, "MO": 1},
        ("carriers.entered", "industry"): {str(d.f1.pk): 1, str(d.f2.pk): 1},
        ("proposals.submitted", "kind"): {"proposal": 1, "motion": 1},
        ("proposals.adopted", "unit"): {a: 2},
    }
    assert {key for key, _by in expected} == set(metrics.CATALOGUE)  # every metric, once at least
    for (key, by), rows in expected.items():
        found = figure(d, key, by=by)
        assert {row.key: row.value for row in found.rows} == rows, (key, by)


def test_months_follow_each_other_across_the_new_year(d):
    rows = figure(d, "activities.batches", by="month").rows
    assert [row.key for row in rows] == ["2025-11", "2025-12", "2026-01"]
    assert [row.label for row in rows] == ["2025-11", "2025-12", "2026-01"]


def test_a_base_is_broken_down_into_its_own_records_and_its_offices(d):
    rows = figure(d, "activities.batches", unit=d.a, by="unit").rows
    assert {row.key: row.value for row in rows} == {str(d.a.pk): 2, str(d.a1.pk): 1}
    rows = figure(d, "activities.person_times", reader=d.readers["a"], by="unit").rows
    assert {row.key: row.value for row in rows} == {str(d.a.pk): 5, str(d.a1.pk): 3}


def test_the_people_without_a_region_have_their_row(d):
    people = metrics.CATALOGUE["activities.people"]
    row = {r.key: r for r in figure(d, "activities.people", by="region").rows}[metrics.NONE]
    assert row.value == 1 and row.label
    assert list(people.listing(where(d), PERIOD, "region", metrics.NONE)) == [d.old]


@pytest.mark.parametrize(
    ("key", "by"),
    [("activities.batches", "industry"), ("activities.first_timers", "month"), ("cases.overdue", "month"),
     ("activities.batches", "colour")],
)  # fmt: skip
def test_a_breakdown_a_metric_does_not_take_is_refused(d, key, by):
    with pytest.raises(ValidationError) as refused:
        figure(d, key, by=by)
    assert "by" in refused.value.message_dict


def test_an_unknown_metric_is_refused(d):
    with pytest.raises(ValidationError) as refused:
        figure(d, "activities.nonsense")
    assert "metric" in refused.value.message_dict


# ---------------------------------------------------------------- merged, deleted, cancelled


def test_merged_people_count_once(d):
    """dup1 and dup2 were one person recorded twice (both on X2's list, dup2 also last year and in a
    match): merged, they are one person-time at X2, one person, no first-timer, one talent placed."""
    merged = Person.all_objects.get(pk=d.dup2.pk)
    assert merged.is_deleted and merged.merged_into_id == d.dup1.pk
    assert Participation.objects.filter(activity=d.x2).filter(person__in=[d.dup1, d.dup2]).count() == 1
    for key in ("activities.people", "matching.talents", "registry.people"):
        listed = list(metrics.CATALOGUE[key].listing(where(d), PERIOD))
        assert listed.count(d.dup1) == 1 and d.dup2 not in listed, key
    assert d.dup1 not in metrics.CATALOGUE["activities.first_timers"].listing(where(d), PERIOD)
    assert figure(d, "activities.people", period=LAST_YEAR).total == 2  # old and dup1 (as dup2)


def test_records_in_the_trash_count_nowhere(d):
    trashed = {
        "activities.batches": d.xd,
        "matching.demands": d.d5,
        "projects.signed": d.pj5,
        "cases.opened": d.c8,
        "services.records": d.s6,
        "registry.people": d.trash,
        "relations.interactions": d.i6,
        "agreements.signed": d.ag5,
        "carriers.entered": d.r5,  # its carrier is in the trash
        "proposals.submitted": d.pr5,
        "proposals.adopted": d.pr5,
    }
    for key, record in trashed.items():
        assert record.pk not in metrics.CATALOGUE[key].listing(where(d), PERIOD).values_list("pk", flat=True), key
    people = metrics.CATALOGUE["activities.people"].listing(where(d), PERIOD)
    assert d.gone not in people  # cancelled at X1, came only to XD in the trash
    assert d.intern5 not in metrics.CATALOGUE["internships.interns"].listing(where(d), PERIOD)  # position in the trash
    assert d.d6 not in metrics.CATALOGUE["matching.demands"].listing(where(d), PERIOD)  # organisation in the trash
    tranches = metrics.CATALOGUE["projects.landed_amount"].listing(where(d), PERIOD)
    assert not tranches.filter(project=d.pj5).exists()


def test_an_activity_back_from_the_trash_counts_again(d):
    """The exclusion is what makes the figures: restored, XD counts (gone is new; mo came anyway)."""
    core.restore(d.root, Activity.all_objects.get(pk=d.xd.pk))
    assert figure(d, "activities.batches").total == 6
    assert figure(d, "activities.person_times").total == 13
    assert figure(d, "activities.people").total == 10
    assert figure(d, "activities.first_timers").total == 7
    assert aggregates.differences() == []


def test_registered_absent_and_cancelled_are_not_counted(d):
    on_the_list = Participation.objects.filter(activity=d.x1)
    assert on_the_list.count() == 7 and figure(d, "activities.person_times", Period(FIRST, FIRST)).total == 4
    listed = metrics.CATALOGUE["activities.person_times"].listing(where(d), PERIOD)
    assert set(listed.values_list("status", flat=True)) == {"attended"}
    people = set(metrics.CATALOGUE["activities.people"].listing(where(d), Period(FIRST, FIRST)))
    assert people == {d.hk1, d.mo, d.old, d.moved}  # not tw (absent), gone (cancelled), waiting (registered)
    assert d.tw in metrics.CATALOGUE["activities.people"].listing(where(d), PERIOD)  # came to X3 later
