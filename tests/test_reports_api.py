"""/api/stats/: the metric catalogue, and any metric for a period and scope with a breakdown and
comparisons, against the network counted by hand (tests/reports_data.py); bad input answered with a
400 naming the field, never a 500; a base's readers never get another base's records; no figures
without signing in."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from qiao.reports import metrics
from tests import reports_data
from tests.reports_data import EXPECTED, M

PERIOD = {"from": "2025-11-01", "to": "2026-01-31"}


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    yield from reports_data.kept(django_db_blocker)


@pytest.fixture
def d(built, db):
    return built


@pytest.fixture
def client_of(d):
    def client(who="root"):
        api = APIClient()
        api.force_authenticate(d.root if who == "root" else d.readers[who])
        return api

    return client


def get(client, key, **params):
    answer = client.get(f"/api/stats/{key}/", params)
    assert answer.status_code == 200, answer.content
    return answer.json()


def number(value):
    """A figure as the API writes it: integers as numbers, amounts, rates and days as decimal strings."""
    return str(value) if isinstance(value, Decimal) else value


def same(found, expected) -> bool:
    if isinstance(expected, Decimal):
        return found is not None and Decimal(found) == expected
    return found == expected


def test_the_catalogue_names_every_metric_with_its_breakdowns(d, client_of):
    answer = client_of("b").get("/api/stats/")
    assert answer.status_code == 200
    body = answer.json()
    assert [m["key"] for m in body["metrics"]] == list(metrics.CATALOGUE)
    for item in body["metrics"]:
        metric = metrics.CATALOGUE[item["key"]]
        assert item["breakdowns"] == metrics.breakdowns(metric)
        assert item["label"] and item["definition"] and item["group_label"]
        assert item["measure"] == metric.measure and item["period_independent"] == metric.snapshot
    assert set(body["breakdowns"]) == {"region", "unit", "kind", "month", "industry"}
    assert {"ytd", "month", "quarter", "year", "range", "since"} <= set(body["periods"])


@pytest.mark.parametrize("key", list(metrics.CATALOGUE))
def test_every_metric_for_each_reader(d, client_of, key):
    """The network's readers get the whole; a base's readers get their base, whatever metric."""
    for who, column in (("root", "total"), ("centre", "total"), ("a", "a"), ("b", "b")):
        body = get(client_of(who), key, **PERIOD)
        assert body["metric"] == key and body["period"]["from"] == "2025-11-01" and body["period"]["to"] == "2026-01-31"
        assert same(body["total"], EXPECTED[key][column]), (who, body["total"])
        assert body["rows"] == [] and body["by"] is None


def test_amounts_and_rates_are_decimal_strings(d, client_of):
    client = client_of()
    assert Decimal(get(client, "projects.planned_amount", **PERIOD)["total"]) == 460 * M
    assert isinstance(get(client, "projects.planned_amount", **PERIOD)["total"], str)
    assert get(client, "projects.production_rate", **PERIOD)["total"] == "33.3"
    assert get(client, "cases.median_days", **PERIOD)["total"] == "30.0"
    assert get(client, "activities.people", **PERIOD)["total"] == 9


def test_a_breakdown_and_its_rows(d, client_of):
    body = get(client_of(), "activities.person_times", by="region", **PERIOD)
    assert body["by"] == "region"
    assert {r["key"]: r["value"] for r in body["rows"]} == {
        "HK": 5, "MO": 1, "TW": 2, "OVERSEAS": 1, "MAINLAND": 1, metrics.NONE: 1
    }  # fmt: skip
    assert all(r["label"] for r in body["rows"])
    body = get(client_of(), "projects.landed_amount", by="month", **PERIOD)
    assert [(r["key"], Decimal(r["value"])) for r in body["rows"]] == [
        ("2025-11", 50 * M),
        ("2025-12", 70 * M),
        ("2026-01", 50 * M),
    ]


def test_comparisons_with_last_year_and_the_period_before(d, client_of):
    body = get(client_of(), "activities.batches", compare="last_year,previous", **PERIOD)
    last_year, previous = body["comparisons"]
    assert last_year == {
        "name": "last_year", "from": "2024-11-01", "to": "2025-01-31", "total": 1, "change_percent": "400.0"
    }  # fmt: skip
    assert previous == {
        "name": "previous", "from": "2025-08-01", "to": "2025-10-31", "total": 3, "change_percent": "66.7"
    }  # fmt: skip
    overdue = get(client_of(), "cases.overdue", compare="previous", **PERIOD)["comparisons"][0]
    assert overdue["total"] is None and overdue["change_percent"] is None  # as of today: nothing to compare


@pytest.mark.parametrize(
    ("params", "kind", "start", "end", "batches"),
    [
        ({"period": "month", "month": "2025-12"}, "month", "2025-12-01", "2025-12-31", 2),  # X4 X2 (XD in the trash)
        ({"month": "2026-1"}, "month", "2026-01-01", "2026-01-31", 1),  # X3
        ({"period": "quarter", "quarter": "2025Q4"}, "quarter", "2025-10-01", "2025-12-31", 5),  # + E- (31 Oct)
        ({"quarter": "2025-q3"}, "quarter", "2025-07-01", "2025-09-30", 2),  # B0 IB0
        ({"period": "year", "year": "2025"}, "year", "2025-01-01", "2025-12-31", 7),
        ({"period": "range", "from": "2025-10-31", "to": "2026-02-01"}, "range", "2025-10-31", "2026-02-01", 7),
        ({"from": "2025-11-02", "to": "2026-01-30"}, "range", "2025-11-02", "2026-01-30", 3),  # IB X4 X2
    ],
)
def test_periods_asked_for_in_every_way(d, client_of, params, kind, start, end, batches):
    body = get(client_of(), "activities.batches", **params)
    assert (body["period"]["kind"], body["period"]["from"], body["period"]["to"]) == (kind, start, end)
    assert body["period"]["label"]
    assert body["total"] == batches


def test_a_running_total_since_a_date_and_this_year_so_far(d, client_of):
    today = datetime.date.today()  # the server's day (Asia/Shanghai) is at most one day off UTC's
    body = get(client_of(), "activities.batches", period="since", **{"from": "2025-11-01"})
    assert body["period"]["kind"] == "since" and body["period"]["from"] == "2025-11-01"
    assert abs(datetime.date.fromisoformat(body["period"]["to"]) - today) <= datetime.timedelta(days=1)
    assert body["total"] == 6  # X1 IB X4 X2 X3 E+
    body = get(client_of(), "activities.batches")  # nothing asked: this year so far
    assert body["period"]["kind"] == "ytd" and body["period"]["from"].endswith("-01-01")


def test_a_unit_and_everything_below_it(d, client_of):
    client = client_of()
    for unit in (d.a.pk, "base-a"):
        body = get(client, "activities.batches", unit=unit, by="unit", **PERIOD)
        assert body["total"] == 3 and body["scope"] == {"unit": d.a.pk, "name": d.a.name}
        assert {r["key"]: r["value"] for r in body["rows"]} == {str(d.a.pk): 2, str(d.a1.pk): 1}
    assert get(client_of("a"), "activities.batches", unit="office-a1", **PERIOD)["total"] == 1
    office = client_of("a1")  # a reader of the office sees the office, not the base above it
    assert get(office, "activities.batches", **PERIOD)["total"] == 1
    assert get(office, "activities.person_times", **PERIOD)["total"] == 3
    assert office.get("/api/stats/activities.batches/", {"unit": "base-a", **PERIOD}).status_code == 400


def test_a_base_reader_never_gets_the_other_base(d, client_of):
    client = client_of("a")
    for key in metrics.CATALOGUE:
        for by in metrics.breakdowns(metrics.CATALOGUE[key]):
            body = get(client, key, by=by, **PERIOD)
            if by == "unit":
                assert {r["key"] for r in body["rows"]} <= {str(d.a.pk), str(d.a1.pk)}, key
            assert same(body["total"], EXPECTED[key]["a"]), (key, by)
    for unit in (d.b.pk, "base-b", d.centre.pk, "centre"):
        answer = client.get("/api/stats/activities.batches/", {"unit": unit, **PERIOD})
        assert answer.status_code == 400 and list(answer.json()) == ["unit"], unit


@pytest.mark.parametrize(
    ("key", "params", "field"),
    [
        ("activities.nonsense", {}, "metric"),
        ("activities.batches", {"from": "2026-01-31", "to": "2025-11-01"}, "from"),  # inverted
        ("activities.batches", {"from": "2025-11-31", "to": "2026-01-31"}, "from"),  # no such day
        ("activities.batches", {"from": "yesterday", "to": "2026-01-31"}, "from"),
        ("activities.batches", {"from": "2025-11-01", "to": "soon"}, "to"),
        ("activities.batches", {"period": "range", "from": "2025-11-01"}, "to"),
        ("activities.batches", {"period": "range"}, "from"),
        ("activities.batches", {"from": "1979-12-31", "to": "2026-01-31"}, "from"),  # before 1980
        ("activities.batches", {"from": "2999-01-01", "to": "2999-12-31"}, "from"),  # after today
        ("activities.batches", {"from": "2020-01-01", "to": "9999-12-31", "compare": "previous"}, "to"),
        ("activities.batches", {"period": "year", "year": "99999"}, "year"),  # absurd years
        ("activities.batches", {"period": "year", "year": "1200"}, "year"),
        ("activities.batches", {"period": "year", "year": "9999"}, "year"),
        ("activities.batches", {"period": "year", "year": "-2025"}, "year"),
        ("activities.batches", {"period": "year", "year": "二〇二五"}, "year"),
        ("activities.batches", {"period": "month", "month": "2025-13"}, "month"),
        ("activities.batches", {"period": "month", "month": "0000-01"}, "month"),
        ("activities.batches", {"period": "month", "month": "9999-12"}, "month"),
        ("activities.batches", {"period": "quarter", "quarter": "2025Q5"}, "quarter"),
        ("activities.batches", {"period": "quarter", "quarter": "0000Q1"}, "quarter"),
        ("activities.batches", {"period": "quarter", "quarter": "9999Q4"}, "quarter"),
        ("activities.batches", {"period": "fortnight"}, "period"),
        ("activities.batches", {"unit": "no-such-unit"}, "unit"),
        ("activities.batches", {"unit": "99999"}, "unit"),
        ("activities.batches", {"unit": "99999999999999999999999"}, "unit"),
        ("activities.batches", {"by": "colour"}, "by"),
        ("activities.batches", {"by": "industry"}, "by"),  # a breakdown this metric does not take
        ("activities.first_timers", {"by": "month"}, "by"),
        ("cases.overdue", {"by": "month"}, "by"),
        ("activities.batches", {"compare": "yesterday"}, "compare"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(d, client_of, key, params, field):
    answer = client_of().get(f"/api/stats/{key}/", params)
    assert answer.status_code == 400, answer.content
    body = answer.json()
    assert list(body) == [field], body
    assert all(isinstance(text, str) and text for text in body[field])


@pytest.mark.parametrize("url", ["/api/stats/", "/api/stats/activities.batches/"])
def test_no_figures_without_signing_in(d, url):
    answer = APIClient().get(url)
    assert answer.status_code in (401, 403)
    assert "total" not in answer.json() and "metrics" not in answer.json()
