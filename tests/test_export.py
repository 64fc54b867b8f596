"""Exports of filtered lists: scoping, per-record masking of personal data, the file formats, the log.

Base A holds 陳大文 (HKID, phone, e-mail, birth date) and, in its office A1, 黃小明; base B holds a
namesake 陳大文 and 李四, who is shared with base A.
"""

import codecs
import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from qiao.core.models import ActionLog, Membership

FULL_A = {
    "Identity documents": "Hong Kong Identity Card A123456(3)",
    "Phones": "+852 9123 4567",
    "E-mails": "chan@example.org",
    "Date of birth": "1990-05-17",
}
MASKED_A = {
    "Identity documents": "Hong Kong Identity Card A123***(*)",
    "Phones": "+852 ****4567",
    "E-mails": "c***@example.org",
    "Date of birth": "1990",
}
SECRETS_A = ("A123456", "A1234563", "91234567", "9123 4567", "chan@", "1990-05-17")
FULL_B = {
    "Identity documents": "Passport E12345678",
    "Phones": "+853 6612 3456",
    "E-mails": "wong@example.net",
    "Date of birth": "1985-01-02",
}
MASKED_B = {
    "Identity documents": "Passport E1*****78",
    "Phones": "+853 ****3456",
    "E-mails": "w***@example.net",
    "Date of birth": "1985",
}


@pytest.fixture
def world(network, make_user, make_person, make_org):
    from qiao.people.models import PersonShare

    a = make_person(
        network["a"],
        "陳大文",
        region="HK",
        birth_date=datetime.date(1990, 5, 17),
        phones=["+85291234567"],
        emails=["chan@example.org"],
        documents=[{"kind": "hkid", "number": "A1234563"}],
    )
    a1 = make_person(network["a1"], "黃小明", name_latin="WONG Siu Ming", region="MO", phones=["+85366123457"])
    b = make_person(
        network["b"],
        "陳大文",
        region="MO",
        birth_date=datetime.date(1985, 1, 2),
        phones=["+85366123456"],
        emails=["wong@example.net"],
        documents=[{"kind": "passport", "number": "E12345678"}],
    )
    shared = make_person(
        network["b"],
        "李四",
        name_latin="LEE Sze",
        birth_date=datetime.date(1970, 3, 4),
        phones=["+85291112222"],
        emails=["lee@example.com"],
    )
    PersonShare.objects.create(person=shared, unit=network["a"], access="view")
    make_org(network["a"], "香港惠州社團聯合總會", kind="association", phone="+85223456789")
    make_org(network["b"], "澳門青年聯合會", kind="association")
    users = {role: make_user(f"{role}-a", network["a"], role) for role in ("viewer", "staff", "manager")}
    users["manager-b"] = make_user("manager-b", network["b"], "manager")
    mixed = make_user("mixed", network["a"], "manager")
    Membership.objects.create(user=mixed, unit=network["b"], role="staff")
    users["mixed"] = mixed
    return {"a": a, "a1": a1, "b": b, "shared": shared, "users": users, "network": network}


def export(client, url="/people/", fmt="csv", **params):
    response = client.get(url, {**params, "export": fmt})
    assert response.status_code == 200, response.status_code
    return response


def csv_rows(response):
    assert response.content.startswith(codecs.BOM_UTF8)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(body, newline="")))
    return body, [dict(zip(header, row, strict=True)) for row in rows]


def by_unit(rows):
    """Rows keyed by (name, owning unit)."""
    return {(row["Full name"], row["Owning unit"]): row for row in rows}


def sensitive(row):
    return {key: row[key] for key in FULL_A}


def test_staff_export_masks_personal_data(client, world):
    client.force_login(world["users"]["staff"])
    body, rows = csv_rows(export(client))
    rows = by_unit(rows)
    assert sensitive(rows[("陳大文", "基地甲")]) == MASKED_A
    assert rows[("黃小明", "A1办事处")]["Phones"] == "+853 ****3457"
    for secret in SECRETS_A:
        assert secret not in body


def test_manager_export_shows_personal_data_in_full(client, world):
    client.force_login(world["users"]["manager"])
    _body, rows = csv_rows(export(client))
    rows = by_unit(rows)
    assert sensitive(rows[("陳大文", "基地甲")]) == FULL_A
    assert rows[("黃小明", "A1办事处")]["Phones"] == "+853 6612 3457"  # the office below the base too


def test_masking_is_decided_per_record(client, world):
    """Manager of base A and staff of base B: A's rows in full, B's rows masked."""
    client.force_login(world["users"]["mixed"])
    _body, rows = csv_rows(export(client))
    rows = by_unit(rows)
    assert sensitive(rows[("陳大文", "基地甲")]) == FULL_A
    assert sensitive(rows[("陳大文", "基地乙")]) == MASKED_B
    entry = ActionLog.objects.get(action="qiao.export")
    assert entry.data["masked"] is True
    assert entry.data["masked_rows"] == 2 and entry.data["rows"] == 4  # B's namesake and 李四


def test_shared_records_stay_masked_unless_manager_of_the_owning_unit(client, world):
    client.force_login(world["users"]["manager"])
    _body, rows = csv_rows(export(client))
    shared = by_unit(rows)[("李四", "基地乙")]
    assert shared["Phones"] == "+852 ****2222" and shared["Date of birth"] == "1970"
    client.force_login(world["users"]["manager-b"])
    _body, rows = csv_rows(export(client))
    rows = by_unit(rows)
    assert rows[("李四", "基地乙")]["Phones"] == "+852 9111 2222"
    assert sensitive(rows[("陳大文", "基地乙")]) == FULL_B


def test_superusers_export_everything_in_full(client, world):
    from qiao.core.models import User

    client.force_login(User.objects.get(username="root"))
    _body, rows = csv_rows(export(client))
    rows = by_unit(rows)
    assert sensitive(rows[("陳大文", "基地甲")]) == FULL_A and sensitive(rows[("陳大文", "基地乙")]) == FULL_B


def test_viewers_cannot_export(client, world):
    client.force_login(world["users"]["viewer"])
    for url in ("/people/", "/organizations/"):
        for fmt in ("csv", "xlsx"):
            assert client.get(url, {"export": fmt}).status_code == 403
    assert not ActionLog.objects.filter(action="qiao.export").exists()
    page = client.get("/people/").content.decode()
    assert "export=csv" not in page


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_exports_hold_no_other_base_rows_with_filters_and_search(client, world, role):
    client.force_login(world["users"][role])
    _body, rows = csv_rows(export(client))
    assert set(by_unit(rows)) == {("陳大文", "基地甲"), ("黃小明", "A1办事处"), ("李四", "基地乙")}  # 李四: shared
    _body, rows = csv_rows(export(client, q="陈大文"))
    assert set(by_unit(rows)) == {("陳大文", "基地甲")}  # not B's namesake
    _body, rows = csv_rows(export(client, q="chan tai man", region="MO"))
    assert rows == []  # B's 陳大文 is from Macao, but out of scope
    _body, rows = csv_rows(export(client, region="MO"))
    assert set(by_unit(rows)) == {("黃小明", "A1办事处")}
    _body, rows = csv_rows(export(client, unit=world["network"]["a1"].pk))
    assert set(by_unit(rows)) == {("黃小明", "A1办事处")}
    # base B is not a unit this user may pick: the filter is invalid and nothing is exported
    _body, rows = csv_rows(export(client, unit=world["network"]["b"].pk))
    assert rows == []


def test_organisation_exports_follow_scoping_and_have_nothing_to_mask(client, world):
    client.force_login(world["users"]["staff"])
    _body, rows = csv_rows(export(client, "/organizations/"))
    assert [row["Name"] for row in rows] == ["香港惠州社團聯合總會"]
    entry = ActionLog.objects.get(action="qiao.export")
    assert entry.data["model"] == "orgs.Organization"
    assert entry.data["masked"] is False and entry.data["masked_rows"] == 0 and entry.data["sensitive_columns"] == []
    page = client.get("/organizations/").content.decode()
    assert "export=csv" in page and "data-export-masking" not in page


def test_every_export_is_logged_with_who_when_what_filter_and_how_many(client, world):
    staff = world["users"]["staff"]
    client.force_login(staff)
    before = datetime.datetime.now(datetime.UTC)
    export(client, fmt="xlsx", q="陈大文", region="HK")
    entry = ActionLog.objects.get(action="qiao.export")
    assert entry.user == staff and entry.user_name == "staff-a" and entry.time >= before - datetime.timedelta(1)
    assert entry.data["model"] == "people.Person" and entry.data["page"] == "/people/"
    assert entry.data["format"] == "xlsx" and entry.data["rows"] == 1
    assert entry.data["filters"] == {"q": ["陈大文"], "region": ["HK"]}
    assert entry.data["query"] == "q=%E9%99%88%E5%A4%A7%E6%96%87&region=HK"
    assert entry.data["masked"] is True and entry.data["masked_rows"] == 1
    assert entry.data["sensitive_columns"] == ["birth_date", "documents", "phones", "emails"]
    client.force_login(world["users"]["manager"])
    export(client, region="HK")
    entry = ActionLog.objects.filter(action="qiao.export").first()
    assert entry.data["format"] == "csv" and entry.data["rows"] == 1
    assert entry.data["masked"] is False and entry.data["masked_rows"] == 0


def test_csv_is_utf8_with_bom_and_guards_formulas(client, world, make_person):
    make_person(world["network"]["a"], '=HYPERLINK("http://evil")', name_latin="@SUM(1)")
    client.force_login(world["users"]["staff"])
    response = export(client)
    assert response["Content-Disposition"].startswith('attachment; filename="people-')
    assert response["Content-Disposition"].endswith('.csv"')
    _body, rows = csv_rows(response)
    names = {row["Full name"]: row for row in rows}
    assert '\'=HYPERLINK("http://evil")' in names
    assert names['\'=HYPERLINK("http://evil")']["Name in Latin letters"] == "'@SUM(1)"
    assert names["陳大文"]["Updated"][:4].isdigit()  # 2026-01-02 09:30


def test_xlsx_opens_with_real_dates_numbers_and_text(client, world, make_person):
    make_person(world["network"]["a"], "=1+2")
    client.force_login(world["users"]["mixed"])
    response = export(client, fmt="xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["Full name", "Name in Latin letters"]
    column = {name: index for index, name in enumerate(header)}
    rows = {
        (row[column["Full name"]].value, row[column["Owning unit"]].value): row for row in sheet.iter_rows(min_row=2)
    }

    own = rows[("陳大文", "基地甲")]  # manager of A: in full
    birth = own[column["Date of birth"]]
    assert birth.is_date and birth.value == datetime.datetime(1990, 5, 17) and birth.number_format == "yyyy-mm-dd"
    updated = own[column["Updated"]]
    assert updated.is_date and isinstance(updated.value, datetime.datetime)
    assert own[column["Identity documents"]].value == "Hong Kong Identity Card A123456(3)"
    assert own[column["Phones"]].value == "+852 9123 4567"  # no apostrophe needed in xlsx
    assert own[column["E-mails"]].data_type == "s"

    other = rows[("陳大文", "基地乙")]  # staff of B: masked, the year as a number
    year = other[column["Date of birth"]]
    assert year.value == 1985 and year.data_type == "n" and not year.is_date
    assert other[column["Phones"]].value == "+853 ****3456"

    formula_like = rows[("=1+2", "基地甲")][column["Full name"]]
    assert formula_like.data_type == "s" and formula_like.value == "=1+2"  # text, never a formula


def test_list_page_says_when_the_export_will_be_masked(client, world, network, make_user):
    from qiao.core.models import User

    client.force_login(world["users"]["staff"])
    page = client.get("/people/").content.decode()
    assert 'data-export-masking="all"' in page and "your role does not allow exporting them in full" in page
    client.force_login(world["users"]["mixed"])
    page = client.get("/people/").content.decode()
    assert 'data-export-masking="some"' in page and "including records shared with your unit" in page
    client.force_login(world["users"]["manager"])  # 李四 is shared with base A from base B
    assert 'data-export-masking="some"' in client.get("/people/").content.decode()
    client.force_login(make_user("manager-hk", network["hk"], "manager"))  # manages every record it may export
    assert "data-export-masking" not in client.get("/people/").content.decode()
    client.force_login(User.objects.get(username="root"))
    assert "data-export-masking" not in client.get("/people/").content.decode()


def test_the_number_of_queries_does_not_grow_with_the_rows(client, world, make_person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["users"]["mixed"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            export(client)
        return len(queries)

    before = count()
    for index in range(5):
        make_person(
            world["network"]["b"], f"新人{index}", documents=[{"kind": "passport", "number": f"E1234567{index}"}]
        )
    assert count() == before
