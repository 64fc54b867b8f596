"""Importing people from a real spreadsheet: dry run, row/column problems, all-or-nothing commit,
idempotent re-import, linkage to known people across scripts, and scoping."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from qiao.core.models import ActionLog
from qiao.imports import headers, readers, services
from qiao.people.models import Person

HEADER = ["姓名", "英文姓名", "性別", "出生日期", "證件類型", "證件號碼", "手機", "電郵", "來源地"]


def workbook(rows, title="2024年港澳青年交流團名單") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [
    [
        "陈大文",
        "Tai Man CHAN",
        "男",
        datetime.date(1990, 5, 4),
        "香港身份證",
        "A123456(3)",
        "(852) 9123 4567",
        "",
        "香港",
    ],
    [
        "林美玲",
        "LIN Mei-ling",
        "女",
        "1993年8月20日",
        "台灣身分證",
        "A123456789",
        "0912345678",
        "ml@example.org",
        "臺灣",
    ],
    ["何嘉欣", "HO Ka Yan", "女", 35000, "回鄉證", "M12345678", "853-6612-3456", "", "澳門"],
]


@pytest.fixture
def known(network, make_person):
    return make_person(
        network["a"],
        "陳大文",
        name_latin="CHAN Tai Man",
        birth_date=datetime.date(1990, 5, 4),
        documents=[{"kind": "hkid", "number": "A1234563"}],
        region="HK",
    )


def run(user, data):
    sheet = readers.read_table(data, "list.xlsx", isolate=False)
    return services.plan(user, sheet, headers.guess_mapping(sheet.headers, "people"))


def test_dry_run_links_known_people_and_writes_nothing(network, make_user, known):
    staff = make_user("staff-a", network["a"], "staff")
    before = Person.all_objects.count()
    plan = run(staff, workbook(GOOD))
    assert plan.counts() == {"new": 2, "same": 1, "review": 0, "error": 0}
    assert plan.rows[0].target == known and plan.rows[0].number == 3
    assert Person.all_objects.count() == before


def test_commit_is_all_or_nothing_and_reimport_changes_nothing(network, make_user, known):
    staff = make_user("staff-a", network["a"], "staff")
    written = services.commit(staff, network["a"], run(staff, workbook(GOOD)), source="list.xlsx")
    assert written["created"] == 2 and written["updated"] == 1  # the known person gains a phone
    known.refresh_from_db()
    assert "+85291234567" in known.phones
    lin = Person.objects.get(name="林美玲")
    assert lin.birth_date == datetime.date(1993, 8, 20) and lin.phones == ["+886912345678"]
    assert Person.objects.get(name="何嘉欣").phones == ["+85366123456"]
    again = services.commit(staff, network["a"], run(staff, workbook(GOOD)))
    assert again == {"created": 0, "updated": 0, "unchanged": 3, "queued": 0, "skipped": 0}
    assert ActionLog.objects.filter(action="qiao.import.committed").count() == 2


def test_problems_name_row_and_column_and_block_the_commit(network, make_user, known):
    staff = make_user("staff-a", network["a"], "staff")
    rows = [*GOOD, ["張三", "", "男", "1990-13-45", "香港身份證", "A123456(4)", "call me", "", "香港"]]
    plan = run(staff, workbook(rows))
    problems = plan.problems()
    assert "row 6, column D: not a date we can read" in problems
    assert "row 6, column F: the check digit is wrong" in problems
    assert "row 6, column G: not a phone number we can read" in problems
    before = Person.all_objects.count()
    with pytest.raises(ValueError):
        services.commit(staff, network["a"], plan)
    assert Person.all_objects.count() == before  # nothing half-written
    written = services.commit(staff, network["a"], plan, skip_invalid=True)
    assert written["skipped"] == 1 and written["created"] == 2


def test_known_people_of_another_base_are_not_revealed(network, make_user, known):
    b_staff = make_user("staff-b", network["b"], "staff")
    plan = run(b_staff, workbook(GOOD[:1]))
    assert plan.counts()["new"] == 1  # base B cannot see base A's 陳大文, so the row is a new person for B


def test_import_command(network, make_user, known, tmp_path):
    make_user("admin", network["centre"], "admin", is_superuser=True)
    path = tmp_path / "list.xlsx"
    path.write_bytes(workbook(GOOD))
    out = io.StringIO()
    call_command("import", "people", str(path), "--unit", "base-a", "--dry-run", stdout=out)
    assert "rows: 2 new, 1 already known, 0 to review, 0 with problems" in out.getvalue()
    assert Person.objects.count() == 1
    call_command("import", "people", str(path), "--unit", "base-a", stdout=out)
    assert Person.objects.count() == 3
    with pytest.raises(CommandError):
        call_command("import", "people", str(tmp_path / "missing.xlsx"), "--unit", "base-a", stdout=out)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a spreadsheet")
    with pytest.raises(CommandError):
        call_command("import", "people", str(bad), "--unit", "base-a", stdout=out)


def test_problems_come_in_the_users_language(network, make_user, known):
    from django.utils import translation

    staff = make_user("staff-a", network["a"], "staff")
    plan = run(staff, workbook([["張三", "", "男", "1990-13-45", "", "", "", "", "香港"]]))
    with translation.override("zh-hans"):
        assert plan.problems() == ["第 3 行，D 列：无法识别的日期"]
    with translation.override("zh-hant"):
        assert plan.problems() == ["第 3 行，D 欄：無法識別的日期"]


def test_a_thin_row_imported_twice_is_one_person(network, make_user, make_person):
    """A row with only a common name cannot be linked by evidence; the second import of the same row
    still finds the person the first one created, and a merge keeps the trace."""
    staff = make_user("staff-a", network["a"], "staff")
    namesake = make_person(network["a"], "陳偉")
    rows = [["陈伟", "", "", "", "", "", "", "", ""], ["李明", "", "", "", "", "", "", "", "香港"]]
    first = services.commit(staff, network["a"], run(staff, workbook(rows)))
    assert first["created"] == 2  # 陈伟 goes to review beside the known 陳偉, or is new: either way created
    again = run(staff, workbook(rows))
    assert again.counts() == {"new": 0, "same": 2, "review": 0, "error": 0}
    assert [m.reasons for row in again.rows for m in row.matches] == [["imported"], ["imported"]]
    assert services.commit(staff, network["a"], again)["created"] == 0
    # a reordered file with the same content is the same rows
    assert run(staff, workbook(list(reversed(rows)))).counts()["same"] == 2
    # merging the created 陈伟 into the known one keeps the row pointing at a live person
    from qiao.people import merging

    created = Person.objects.exclude(pk=namesake.pk).get(name="陈伟")
    merging.merge(staff.__class__.objects.get(is_superuser=True), namesake, created)
    third = run(staff, workbook(rows))
    assert third.rows[0].target == namesake and third.counts()["same"] == 2


def test_the_same_person_twice_in_one_file_is_reported(network, make_user):
    staff = make_user("staff-a", network["a"], "staff")
    twice = [GOOD[0], ["陳大文", "CHAN Tai Man", "男", "", "香港身份證", "A123456(3)", "", "", "香港"]]
    plan = run(staff, workbook(twice))
    assert plan.problems() == ["row 4, column F: the same identity document is in a row above: the same person twice?"]
    written = services.commit(staff, network["a"], plan, skip_invalid=True)
    assert written["created"] == 1 and Person.objects.filter(name="陈大文").count() == 1


def test_an_import_that_changes_a_talent_tells_the_matching_index(network, make_user, known):
    """The bulk write path bypasses the models' signals; it tells the index itself (people_changed)."""
    from qiao.matching.models import IndexChange, TalentProfile

    TalentProfile.objects.create(person=known)
    IndexChange.objects.all().delete()
    staff = make_user("staff-a", network["a"], "staff")
    services.commit(staff, network["a"], run(staff, workbook(GOOD)), source="list.xlsx")
    changed = set(IndexChange.objects.values_list("person_id", flat=True))
    assert changed == {known.pk}  # the known talent gained a phone; the new people have no profile


def test_an_overseas_person_needs_a_country_as_in_the_form(network, make_user, client):
    """The person form refuses an overseas person without a country (people.services.check_origin); an import of
    one is reported with its row and column, not written for the form to refuse later (found by the load test)."""
    staff = make_user("staff-a", network["a"], "staff")
    rows = [
        ["黃小明", "WONG Siu Ming", "男", "", "", "", "", "", "海外"],
        ["黃大明", "WONG Tai Ming", "男", "", "", "", "", "", "加拿大"],
    ]
    plan = run(staff, workbook(rows))
    assert plan.problems() == [
        "row 3, column I: an overseas person needs the country they live in (a country in 来源地 will do)"
    ]
    written = services.commit(staff, network["a"], plan, skip_invalid=True)
    assert written["created"] == 1 and written["skipped"] == 1
    person = Person.objects.get(name="黃大明")
    assert (person.region, person.country) == ("OVERSEAS", "加拿大")
    client.force_login(staff)  # and the form saves what the import wrote
    page = client.get(f"/people/{person.pk}/edit/")
    assert page.status_code == 200
