"""The statistics pages (dashboard, catalogue, a metric's page, the records behind a figure, the xlsx
export) on the network counted by hand (tests/reports_data.py): the numbers shown are the hand counts,
every number links to as many records as it says, a base sees only its own figures and is refused
another base's unit, the export reads back with its headers, values and definitions, and bad input
gets a message and a 4xx, never a 500."""

import io
import re
from decimal import Decimal
from html import unescape

import openpyxl
import pytest

from qiao.core.models import ActionLog, Membership, User
from qiao.reports import metrics
from tests import reports_data
from tests.reports_data import EXPECTED

PERIOD = {"from": "2025-11-01", "to": "2026-01-31"}  # reports_data.PERIOD
DASHBOARD_KEYS = [
    "activities.batches",
    "activities.person_times",
    "activities.people",
    "activities.first_timers",
    "internships.interns",
    "matching.agreed",
    "projects.signed",
    "projects.planned_amount",
    "projects.landed_amount",
    "projects.production_rate",
    "cases.opened",
    "cases.resolved",
    "cases.median_days",
    "services.records",
]  # and cases.overdue, counted as of today (the hand counts read it on another day)


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    yield from reports_data.kept(django_db_blocker)


@pytest.fixture
def d(built, db):
    return built


@pytest.fixture
def staff_a(d):
    user = User.objects.create_user("staff-a", password=None)
    Membership.objects.create(user=user, unit=d.a, role="staff")
    return user


def html(response) -> str:
    return response.content.decode()


def numbers(page: str) -> list[tuple[str, str, str]]:
    """(url, metric, value) of every number on a page that links to its records."""
    found = re.findall(r'<a [^>]*href="([^"]+)"[^>]*data-metric="([^"]+)"[^>]*data-value="([^"]*)"', page)
    return [(unescape(url), key, value) for url, key, value in found]


def cards(page: str) -> dict[str, str]:
    return {key: value for url, key, value in numbers(page) if "by=" not in url}


def same(value: str, expected) -> bool:
    if expected is None:
        return value == ""
    return Decimal(value) == Decimal(expected)


def records_say(client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    page = html(response)
    said = {"total": re.search(r'data-total="(\d+)"', page).group(1)}
    for name in ("sum", "figure"):
        found = re.search(rf'data-{name}="([^"]*)"', page)
        if found:
            said[name] = found.group(1)
    return said


def behind(said: dict, metric) -> str:
    """What the records page says the figure is: how many records, their sum, or the figure itself
    (a rate or a median, over those records)."""
    if metric.summed:
        return said["sum"]
    if metric.measure in ("count", "people"):
        return said["total"]
    return said["figure"]


# ---------------------------------------------------------------- what the pages show


@pytest.mark.parametrize("who, column", [("root", "total"), ("a", "a"), ("b", "b")])
def test_the_dashboard_shows_the_hand_counts(client, d, who, column):
    client.force_login(d.root if who == "root" else d.readers[who])
    response = client.get("/reports/", PERIOD)
    assert response.status_code == 200
    shown = cards(html(response))
    assert set(shown) == set(DASHBOARD_KEYS) | {"cases.overdue"}
    for key in DASHBOARD_KEYS:
        assert same(shown[key], EXPECTED[key][column]), key


def test_the_dashboard_compares_with_last_year_and_the_period_before(client, d):
    client.force_login(d.root)
    page = html(client.get("/reports/", PERIOD))
    # the page shows the figures at once and fetches their comparisons after (hx-get … part=comparisons)
    assert "data-comparisons-loader" in page and "data-comparing" in page
    part = html(client.get("/reports/", {**PERIOD, "part": "comparisons"}))
    signed = re.search(r'id="comparisons-projectssigned".*?</span>\n', part, re.S).group(0)
    # 3 projects signed; 1 in the same months a year earlier (+200 %), 2 in the 92 days before (+50 %)
    assert 'data-compare="last_year" data-change="200.0"' in signed
    assert 'data-compare="previous" data-change="50.0"' in signed
    assert part.count('hx-swap-oob="true"') == len(DASHBOARD_KEYS) + 1  # every card (and overdue cases)
    quiet = html(client.get("/reports/", {**PERIOD, "compare": "none"}))
    assert "data-compare=" not in quiet and "data-comparisons-loader" not in quiet


def test_the_page_and_the_api_agree(client, d):
    client.force_login(d.readers["a"])
    shown = cards(html(client.get("/reports/", {**PERIOD, "period": "range"})))
    for key in ("activities.people", "projects.landed_amount", "projects.production_rate"):
        api = client.get(f"/api/stats/{key}/", PERIOD).json()
        assert same(shown[key], api["total"]), key


@pytest.mark.parametrize("who", ["root", "a"])
def test_every_number_opens_as_many_records_as_it_says(client, d, who):
    client.force_login(d.root if who == "root" else d.readers[who])
    page = html(client.get("/reports/", PERIOD))
    linked = numbers(page)
    assert len(linked) > 25  # the cards, and the rows of the charts' breakdowns
    assert {key for url, key, value in linked if "by=" in url} >= {
        "activities.batches",
        "activities.person_times",
        "activities.people",
        "projects.signed",
    }
    for url, key, value in linked:
        assert url.startswith(f"/reports/metrics/{key}/records/?"), url
        said = records_say(client, url)
        assert same(behind(said, metrics.CATALOGUE[key]), value or None), (url, said, value)


@pytest.mark.parametrize(
    "key, by",
    [
        ("activities.person_times", "region"),
        ("activities.first_timers", "region"),
        ("internships.interns", "industry"),
        ("matching.talents", "unit"),
        ("projects.planned_amount", "kind"),
        ("services.people_served", "kind"),
        ("registry.people", "month"),
        ("proposals.adopted", "unit"),
        ("carriers.entered", "industry"),
    ],
)
def test_a_metric_page_breaks_the_figure_down_and_links_every_row(client, d, key, by):
    client.force_login(d.root)
    response = client.get(f"/reports/metrics/{key}/", {**PERIOD, "by": by})
    assert response.status_code == 200
    page = html(response)
    metric = metrics.CATALOGUE[key]
    total = [value for url, k, value in numbers(page) if "by=" not in url]
    assert len(total) == 1 and same(total[0], EXPECTED[key]["total"])
    rows = [(url, value) for url, k, value in numbers(page) if f"by={by}" in url]
    figure = metrics.compute(d.root, key, reports_data.PERIOD, by=by)
    assert len(rows) == len(figure.rows)
    assert 'id="report-charts"' in page and f"/reports/metrics/{key}/export.xlsx?" in page
    for url, value in rows:
        assert same(behind(records_say(client, url), metric), value), url


def test_the_catalogue_lists_every_metric_with_its_page(client, d):
    client.force_login(d.readers["b"])
    response = client.get("/reports/metrics/")
    assert response.status_code == 200
    page = html(response)
    listed = re.findall(r'data-catalogue-metric="([^"]+)"', page)
    assert listed == [key for group in metrics.GROUPS for key, m in metrics.CATALOGUE.items() if m.group == group]
    for key in metrics.CATALOGUE:
        assert f'href="/reports/metrics/{key}/"' in page
    assert str(metrics.CATALOGUE["activities.first_timers"].definition) in unescape(page)


def test_the_pages_speak_chinese(client, d, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(d.readers["a"])
    for url in ("/reports/", "/reports/metrics/", "/reports/metrics/activities.people/"):
        response = client.get(url, PERIOD)
        assert response.status_code == 200 and '<html lang="zh-hans">' in html(response), url
    assert "亿元" in html(client.get("/reports/", PERIOD))  # amounts as offices write them


# ---------------------------------------------------------------- the records behind


def test_the_records_page_says_which_figure_period_scope_and_row(client, d):
    client.force_login(d.root)
    response = client.get(
        "/reports/metrics/activities.people/records/", {**PERIOD, "unit": d.a.pk, "by": "region", "value": "HK"}
    )
    page = unescape(html(response))
    heading = re.search(r'id="records-heading">(.*?)</h1>', page, re.S).group(1)
    assert "People" in heading and "Hong Kong" in heading
    assert "基地甲" in page and "2025-11-01 – 2026-01-31" in page
    # hk1 and dup1 (dup2 merged into dup1) came from Hong Kong to base A's activities
    assert re.search(r'data-total="2"', page) and "陳大文" in page and "梁家辉" in page


@pytest.mark.parametrize("who, column", [("centre", "total"), ("a", "a")])
@pytest.mark.parametrize("key", list(metrics.CATALOGUE))
def test_every_metric_lists_the_records_behind_it(client, d, key, who, column):
    client.force_login(d.readers[who])
    metric = metrics.CATALOGUE[key]
    said = records_say(client, f"/reports/metrics/{key}/records/?from={PERIOD['from']}&to={PERIOD['to']}")
    if not metric.snapshot:  # cases overdue are counted on another day than the hand counts'
        assert same(behind(said, metric), EXPECTED[key][column]), said


def test_records_of_other_units_are_counted_not_shown(client, d):
    client.force_login(d.readers["a"])
    page = html(client.get("/reports/metrics/activities.people/records/", PERIOD))
    # base A's 7 people include 吴立行 (moved), who is base B's: counted, not listed
    assert 'data-total="7"' in page and 'data-hidden="1"' in page
    assert "吴立行" not in page and f"/people/{d.moved.pk}/" not in page
    assert "陳大文" in page


@pytest.mark.parametrize(
    "key, by, value",
    [
        ("activities.batches", "month", "2025-10"),  # a month of the trend without any: a 0 on the chart
        ("activities.batches", "unit", "abc"),
        ("activities.batches", "kind", "abc"),
        ("projects.signed", "industry", "99999999999999999999"),
        ("activities.people", "region", "ZZ"),
        ("projects.production_rate", "region", "-"),
    ],
)
def test_a_row_without_records_lists_nothing(client, d, key, by, value):
    client.force_login(d.root)
    response = client.get(f"/reports/metrics/{key}/records/", {**PERIOD, "by": by, "value": value})
    assert response.status_code == 200 and 'data-total="0"' in html(response)


def test_a_sum_lists_the_records_it_adds_up(client, d):
    client.force_login(d.root)
    page = html(client.get("/reports/metrics/projects.landed_amount/records/", PERIOD))
    # pj1's two tranches, pj3's and pj2's: 170 million yuan
    assert 'data-total="4"' in page and Decimal(re.search(r'data-sum="([^"]+)"', page).group(1)) == 170_000_000


# ---------------------------------------------------------------- export


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_export_has_the_table_and_its_definitions(client, d, staff_a):
    client.force_login(staff_a)
    response = client.get("/reports/metrics/activities.people/export.xlsx", {**PERIOD, "by": "region"})
    book = workbook(response)
    assert book.sheetnames == ["Figure", "Definitions"]
    rows = list(book["Figure"].iter_rows(values_only=True))
    assert rows[0] == ("Breakdown", "Row", "People（people）")
    assert rows[1][0] == "Total" and rows[1][2] == EXPECTED["activities.people"]["a"] == 7
    regions = {row[1]: row[2] for row in rows if row[0] == "Region of origin"}
    assert regions == {
        "Hong Kong": 2,
        "Macao": 1,
        "Overseas": 1,
        "Mainland (returnee)": 1,
        "Taiwan": 1,
        "Not recorded": 1,
    }
    comparisons = [row for row in rows if row[0] and row[0].startswith("vs ")]
    assert len(comparisons) == 4  # last year and the period before: their totals and the changes
    assert all(cell.data_type != "f" for row in book["Figure"].iter_rows() for cell in row)
    definitions = {row[0]: row[1] for row in book["Definitions"].iter_rows(values_only=True)}
    assert definitions["Key"] == "activities.people"
    assert definitions["Definition"] == str(metrics.CATALOGUE["activities.people"].definition)
    assert "2025-11-01" in definitions["Period"] and "2026-01-31" in definitions["Period"]
    assert definitions["Scope"].startswith("基地甲")  # the base's own units: A with A1
    assert definitions["Breakdown"] == "Region of origin" and definitions["Made by"] == "staff-a"
    assert "by=region" in definitions["Filters"] and definitions["Made at"][:2] == "20"
    log = ActionLog.objects.filter(action="qiao.export").latest("pk")
    assert log.data["metric"] == "activities.people" and log.data["format"] == "xlsx"


def test_an_export_without_a_breakdown_has_every_breakdown(client, d, staff_a):
    client.force_login(staff_a)
    book = workbook(client.get("/reports/metrics/projects.planned_amount/export.xlsx", PERIOD))
    rows = list(book["Figure"].iter_rows(values_only=True))
    assert rows[1][2] == 340_000_000  # yuan, a number
    metric = metrics.CATALOGUE["projects.planned_amount"]
    assert {row[0] for row in rows[2:] if not row[0].startswith("vs ")} == {
        str(metrics.BREAKDOWNS[by]) for by in metrics.breakdowns(metric)
    }


def test_a_viewer_may_not_export(client, d):
    client.force_login(d.readers["a"])
    assert client.get("/reports/metrics/activities.people/export.xlsx", PERIOD).status_code == 403
    assert "export.xlsx" not in html(client.get("/reports/metrics/activities.people/", PERIOD))


# ---------------------------------------------------------------- scope and bad input


@pytest.mark.parametrize(
    "url",
    [
        "/reports/",
        "/reports/metrics/activities.people/",
        "/reports/metrics/activities.people/records/",
        "/reports/metrics/activities.people/export.xlsx",
    ],
)
def test_another_bases_unit_is_refused(client, d, staff_a, url):
    client.force_login(staff_a)
    response = client.get(url, {**PERIOD, "unit": d.b.pk})
    assert response.status_code == 400
    assert f"there is no unit “{d.b.pk}” that you may see" in unescape(html(response))
    assert client.get(url, {**PERIOD, "unit": d.a1.pk}).status_code == 200  # an office below base A


@pytest.mark.parametrize(
    "url, params, field, message",
    [
        ("/reports/", {"from": "2026-01-31", "to": "2025-11-01"}, "from", "starts (2026-01-31) after it ends"),
        ("/reports/", {"period": "decade"}, "period", "“decade” is not one of"),
        ("/reports/", {"period": "month", "month": "2025-13"}, "month", "write it as 2026-05"),
        ("/reports/", {"from": "2025-02-30", "to": "2025-03-01"}, "from", "“2025-02-30” is not a date"),
        ("/reports/", {"period": "year", "year": "1970"}, "year", "before 1980"),
        ("/reports/", {"unit": "nowhere"}, "unit", "there is no unit “nowhere”"),
        ("/reports/", {"compare": "tomorrow"}, "compare", "compare:"),
        ("/reports/metrics/activities.people/", {"by": "colour"}, "by", "cannot be broken down by “colour”"),
        ("/reports/metrics/activities.first_timers/", {"by": "month"}, "by", "cannot be broken down by “month”"),
        ("/reports/metrics/activities.people/records/", {"by": "industry", "value": "x"}, None, "broken down"),
        ("/reports/metrics/activities.people/records/", {"by": "region"}, None, "value:"),
        ("/reports/metrics/registry.people/records/", {"by": "month", "value": "2025-13"}, None, "value:"),
        ("/reports/metrics/activities.people/export.xlsx", {"by": "colour"}, "by", "cannot be broken down"),
    ],
)
def test_bad_input_is_refused_with_its_message(client, d, staff_a, url, params, field, message):
    client.force_login(staff_a)
    response = client.get(url, {**PERIOD, **params} if "from" not in params else params)
    assert response.status_code == 400
    page = unescape(html(response))
    assert message in page
    if field:
        assert f'data-error="{field}"' in page


@pytest.mark.parametrize(
    "url", ["/reports/metrics/nope/", "/reports/metrics/nope/records/", "/reports/metrics/nope/export.xlsx"]
)
def test_an_unknown_metric_is_a_404_that_says_so(client, d, url):
    client.force_login(d.root)
    response = client.get(url)
    assert response.status_code == 404 and "There is no metric “nope”" in unescape(html(response))


def test_the_pages_need_a_login(client, d):
    for url in ("/reports/", "/reports/metrics/", "/reports/metrics/activities.people/records/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
