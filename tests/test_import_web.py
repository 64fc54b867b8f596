"""Importing through the pages: upload → columns → dry run → commit, saved mappings, bad files,
background work through the database worker, and scoping of batches."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from qiao.core.models import ChangeRecord
from qiao.imports.models import BatchStatus, ImportBatch, ImportRow, SavedMapping
from qiao.people.models import DuplicateCandidate, Person

FIXTURES = Path(__file__).resolve().parents[1] / "qiao" / "imports" / "tests" / "fixtures"
HEADER = ["姓名", "性別", "出生日期", "證件號碼", "手機", "學歷", "畢業院校", "備註"]
GOOD = [
    ["陳大文", "男", "1990-05-04", "A123456(3)", "(852) 9123 4567", "碩士", "香港大學", ""],
    ["林美玲", "女", datetime.date(1993, 8, 20), "A123456789", "0912345678", "本科", "", "台北"],
]
BAD = ["李小明", "男", "1990-13-45", "A123456(4)", "call me", "", "", ""]


def xlsx(rows, header=HEADER, title="2024年港澳青年交流團名單") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def staff(network, make_user, client):
    user = make_user("staff-a", network["a"], "staff")
    client.force_login(user)
    return user


def upload(client, unit, data, name="list.xlsx", kind="people"):
    return client.post("/imports/new/", {"kind": kind, "unit": unit.pk, "file": SimpleUploadedFile(name, data)})


def mapping_form(batch, **changes):
    form = {f"column-{i}": m or "" for i, m in enumerate(batch.mapping)}
    form.update(changes)
    return form


def counts(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)', html)}


def test_upload_check_commit(client, staff, network):
    response = upload(client, network["a"], xlsx([*GOOD, BAD]))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.UPLOADED and batch.header_row == 2 and batch.row_count == 3
    assert batch.mapping[:5] == ["name", "gender", "birth_date", "document_number", "phone"]
    page = client.get(response["Location"]).content.decode()
    assert 'name="column-0"' in page and "陳大文" in page  # the columns with their first values

    response = client.post(f"/imports/{batch.pk}/check/", mapping_form(batch))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CHECKED and batch.counts == {"new": 2, "same": 0, "review": 0, "error": 1}
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert counts(page) == {"new": 2, "same": 0, "review": 0, "error": 1}
    assert "column C: not a date we can read" in page and "column D: the check digit is wrong" in page
    assert Person.objects.count() == 0  # the dry run wrote nothing

    response = client.post(f"/imports/{batch.pk}/commit/", {})
    assert response.status_code == 400 and "Some rows have problems" in response.content.decode()
    assert Person.objects.count() == 0
    response = client.post(f"/imports/{batch.pk}/commit/", {"skip_invalid": "on"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and batch.content is None
    assert batch.written == {"created": 2, "updated": 0, "unchanged": 0, "queued": 0, "skipped": 1}
    chan = Person.objects.get(name="陳大文")
    assert chan.unit == network["a"] and chan.phones == ["+85291234567"]
    assert [(e.degree, e.institution) for e in chan.education.all()] == [("master", "香港大學")]
    # a second commit of the same batch is refused; the same file again changes nothing
    assert client.post(f"/imports/{batch.pk}/commit/", {"skip_invalid": "on"}).status_code == 400
    upload(client, network["a"], xlsx(GOOD))
    again = ImportBatch.objects.latest("pk")
    client.post(f"/imports/{again.pk}/check/", mapping_form(again))
    again.refresh_from_db()
    assert again.counts == {"new": 0, "same": 2, "review": 0, "error": 0}
    client.post(f"/imports/{again.pk}/commit/", {})
    again.refresh_from_db()
    assert again.written["unchanged"] == 2 and Person.objects.count() == 2


def test_the_user_fixes_the_mapping_and_saves_it(client, staff, network):
    header = ["學員", "聯絡", "其他資料"]  # headers nobody would guess
    rows = [["陳大文", "91234567", "x"], ["何嘉欣", "+853 6612 3456", "y"]]
    upload(client, network["a"], xlsx(rows, header=header))
    batch = ImportBatch.objects.get()
    assert batch.mapping[0] is None
    response = client.post(f"/imports/{batch.pk}/check/", mapping_form(batch))
    assert response.status_code == 400 and "Choose the column that holds the name" in response.content.decode()
    fixed = mapping_form(batch, **{"column-0": "name", "column-1": "phone", "save_as": "學員名單"})
    assert client.post(f"/imports/{batch.pk}/check/", fixed).status_code == 302
    saved = SavedMapping.objects.get()
    assert saved.name == "學員名單" and saved.unit == network["a"]
    # two columns cannot both be the name
    twice = mapping_form(batch, **{"column-0": "name", "column-2": "name"})
    response = client.post(f"/imports/{batch.pk}/check/", twice)
    assert response.status_code == 400 and "more than one column" in response.content.decode()
    # the next file with the same headers gets the saved mapping at once
    upload(client, network["a"], xlsx(rows, header=header))
    assert ImportBatch.objects.latest("pk").mapping == ["name", "phone", None]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.xlsx", b"", "file is empty"),
        ("blank.csv", b"   \n\n", "no rows to import"),
        ("bad.xlsx", b"PK\x03\x04 not really a zip", "damaged"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "cannot be imported"),
        ("only-header.csv", "姓名,手機\n".encode(), "no rows to import"),
        ("locked.xlsx", (FIXTURES / "encrypted.xlsx").read_bytes(), "protected by a password"),
    ],
)
def test_bad_files_get_a_clear_answer_and_nothing_is_kept(client, staff, network, name, data, message):
    response = upload(client, network["a"], data, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_too_large_a_file(client, staff, network, settings):
    settings.QIAO_IMPORT_MAX_BYTES = 1024
    response = upload(client, network["a"], xlsx(GOOD * 50))
    assert response.status_code == 400 and "larger than the limit of" in response.content.decode()


def test_scoping_of_batches(client, network, make_user):
    a_staff = make_user("staff-a", network["a"], "staff")
    b_staff = make_user("staff-b", network["b"], "staff")
    viewer = make_user("viewer-a", network["a"], "viewer")
    client.force_login(a_staff)
    upload(client, network["a"], xlsx(GOOD))
    batch = ImportBatch.objects.get()
    # another base's staff cannot see, check or commit it, nor upload into base A
    client.force_login(b_staff)
    assert client.get(f"/imports/{batch.pk}/").status_code == 404
    assert client.post(f"/imports/{batch.pk}/check/", mapping_form(batch)).status_code == 404
    assert client.post(f"/imports/{batch.pk}/commit/", {}).status_code == 404
    assert "list.xlsx" not in client.get("/imports/").content.decode()
    assert upload(client, network["a"], xlsx(GOOD)).status_code == 400
    # a viewer of base A sees it but cannot act
    client.force_login(viewer)
    assert client.get(f"/imports/{batch.pk}/").status_code == 200
    assert client.post(f"/imports/{batch.pk}/check/", mapping_form(batch)).status_code == 403
    assert client.get("/imports/new/").status_code == 403


def test_matches_outside_the_readers_scope_are_not_named(client, network, make_user, make_person):
    centre = make_user("centre-staff", network["centre"], "staff")
    viewer = make_user("viewer-a", network["a"], "viewer")
    make_person(network["b"], "陳大文", documents=[{"kind": "hkid", "number": "A1234563"}])
    client.force_login(centre)
    upload(client, network["a"], xlsx(GOOD[:1]))
    batch = ImportBatch.objects.get()
    client.post(f"/imports/{batch.pk}/check/", mapping_form(batch))
    assert ImportRow.objects.get().outcome == "same"  # the centre sees base B's record
    client.force_login(viewer)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "a record you may not see" in page


def test_review_rows_are_queued(client, staff, network, make_person):
    known = make_person(network["a"], "陳大文", birth_date=datetime.date(1990, 5, 4))
    header = ["姓名", "出生日期"]
    upload(client, network["a"], xlsx([["陈大文", "1990-05-04"]], header=header))
    batch = ImportBatch.objects.get()
    client.post(f"/imports/{batch.pk}/check/", mapping_form(batch))
    batch.refresh_from_db()
    assert batch.counts["review"] == 1
    row = ImportRow.objects.get()
    assert row.matches[0]["id"] == known.pk and "name" in row.matches[0]["reasons"]
    page = client.get(f"/imports/{batch.pk}/?outcome=review").content.decode()
    assert "same name" in page and "same date of birth" in page
    client.post(f"/imports/{batch.pk}/commit/", {})
    assert DuplicateCandidate.objects.filter(other=known).count() == 1


def test_cancel_deletes_the_file(client, staff, network):
    upload(client, network["a"], xlsx(GOOD))
    batch = ImportBatch.objects.get()
    assert client.post(f"/imports/{batch.pk}/cancel/").status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CANCELLED and batch.content is None
    assert client.post(f"/imports/{batch.pk}/check/", mapping_form(batch)).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_large_files_go_to_the_worker(client, network, make_user, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.QIAO_IMPORT_INLINE_ROWS = 1
    client.force_login(make_user("staff-a", network["a"], "staff"))
    upload(client, network["a"], xlsx(GOOD))
    batch = ImportBatch.objects.get()
    client.post(f"/imports/{batch.pk}/check/", mapping_form(batch))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CHECKING  # queued: the page shows progress meanwhile
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert 'id="progress"' in page and "0 of 2 rows" in page
    assert client.get(f"/imports/{batch.pk}/?fragment=progress").status_code == 200
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CHECKED and batch.counts["new"] == 2
    fragment = client.get(f"/imports/{batch.pk}/?fragment=progress")
    assert fragment.status_code == 204 and fragment["HX-Refresh"] == "true"  # done: the page reloads
    client.post(f"/imports/{batch.pk}/commit/", {})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTING
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and Person.objects.count() == 2
    lin = Person.objects.get(name="林美玲")
    assert ChangeRecord.objects.filter(object_id=lin.pk, action="create", user_name="staff-a").exists()


def test_the_import_pages_in_chinese(client, staff, network):
    upload(client, network["a"], xlsx([*GOOD, BAD]))
    batch = ImportBatch.objects.get()
    client.post(f"/imports/{batch.pk}/check/", mapping_form(batch))
    staff.language = "zh-hant"
    staff.save()
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "C 欄：無法識別的日期" in page
    assert client.get("/imports/").status_code == 200
    assert client.get("/imports/new/").status_code == 200


# ---------------------------------------------------------------- the API


def api_upload(client, unit, data, name="list.xlsx", **extra):
    return client.post(
        "/api/imports/", {"file": SimpleUploadedFile(name, data), "unit": unit.pk, **extra}, format="multipart"
    )


def test_api_upload_check_rows_commit(network, make_user, api):
    client = api(make_user("staff-a", network["a"], "staff"))
    response = api_upload(client, network["a"], xlsx([*GOOD, BAD]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "checked" and body["counts"] == {"new": 2, "same": 0, "review": 0, "error": 1}
    assert body["mapping"][0] == "name" and body["headers"][0] == "姓名"
    rows = client.get(f"/api/imports/{body['id']}/rows/?outcome=error").json()
    assert rows["count"] == 1 and "row 5, column C: not a date we can read" in rows["results"][0]["problems"]
    assert client.get(f"/api/imports/{body['id']}/rows/?outcome=nonsense").status_code == 400
    refused = client.post(f"/api/imports/{body['id']}/commit/", {}, format="json")
    assert refused.status_code == 400 and "Some rows have problems" in str(refused.json())
    assert Person.objects.count() == 0
    done = client.post(f"/api/imports/{body['id']}/commit/", {"skip_invalid": True}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "committed"
    assert done.json()["written"]["created"] == 2 and Person.objects.count() == 2
    assert client.post(f"/api/imports/{body['id']}/commit/", {}, format="json").status_code == 400


def test_api_mapping_and_bad_input(network, make_user, api):
    client = api(make_user("staff-a", network["a"], "staff"))
    body = api_upload(client, network["a"], xlsx([["陳大文", "+852 9123 4567"]], header=["學員", "聯絡"])).json()
    assert body["status"] == "uploaded" and "name" in body["error"]  # no name column: waits for a mapping
    wrong = client.post(f"/api/imports/{body['id']}/check/", {"mapping": ["name"]}, format="json")
    assert wrong.status_code == 400 and "mapping" in wrong.json()
    unknown = client.post(f"/api/imports/{body['id']}/check/", {"mapping": ["name", "shoe_size"]}, format="json")
    assert unknown.status_code == 400 and "shoe_size" in str(unknown.json())
    good = client.post(f"/api/imports/{body['id']}/check/", {"mapping": ["name", "phone"]}, format="json")
    assert good.status_code == 200 and good.json()["counts"]["new"] == 1
    corrupt = api_upload(client, network["a"], b"PK\x03\x04garbage")
    assert corrupt.status_code == 400 and "file" in corrupt.json()
    assert api_upload(client, network["a"], xlsx(GOOD), kind="spaceships").status_code == 400


def test_api_scoping(network, make_user, api):
    a = api(make_user("staff-a", network["a"], "staff"))
    b = api(make_user("staff-b", network["b"], "staff"))
    viewer = api(make_user("viewer-a", network["a"], "viewer"))
    batch = api_upload(a, network["a"], xlsx(GOOD), check="false").json()
    assert batch["status"] == "uploaded"
    assert b.get(f"/api/imports/{batch['id']}/").status_code == 404
    assert b.get("/api/imports/").json()["count"] == 0
    assert b.post(f"/api/imports/{batch['id']}/check/", {}, format="json").status_code == 404
    assert api_upload(b, network["a"], xlsx(GOOD)).status_code == 403
    assert viewer.get(f"/api/imports/{batch['id']}/").status_code == 200
    assert viewer.post(f"/api/imports/{batch['id']}/check/", {}, format="json").status_code == 403
    assert a.post(f"/api/imports/{batch['id']}/cancel/").json()["status"] == "cancelled"


@pytest.mark.parametrize("fixture", ["people.xls", "people.ods"])
def test_old_excel_and_opendocument_files(client, staff, network, fixture):
    response = upload(client, network["a"], (FIXTURES / fixture).read_bytes(), name=fixture)
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.file_format == fixture.rsplit(".", 1)[1] and batch.row_count > 0
    client.post(f"/imports/{batch.pk}/check/", mapping_form(batch))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CHECKED and sum(batch.counts.values()) == batch.row_count


def test_traditional_chinese_csv_in_big5_and_gb18030(client, staff, network):
    text = "姓名,性別,手機,來源地\n陳大文,男,9123 4567,香港\n何嘉欣,女,6612 3456,澳門\n"
    for encoding in ("big5", "gb18030"):
        upload(client, network["a"], text.encode(encoding), name=f"list-{encoding}.csv")
        batch = ImportBatch.objects.latest("pk")
        assert batch.encoding and batch.headers[:2] == ["姓名", "性別"]
        client.post(f"/imports/{batch.pk}/check/", mapping_form(batch))
        batch.refresh_from_db()
        assert batch.counts["error"] == 0, ImportRow.objects.filter(batch=batch, outcome="error").values("problems")
    client.post(f"/imports/{batch.pk}/commit/", {})
    assert Person.objects.get(name="何嘉欣").phones == ["+85366123456"]


def test_organisations_through_the_pages(client, staff, network, make_org):
    known = make_org(network["a"], "香港青年聯會")
    header = ["機構名稱", "統一社會信用代碼", "類型", "地區"]
    rows = [
        ["香港青年联会", "", "社團", "香港"],
        ["惠州市某某科技有限公司", "91441300MA4UXXXX0X", "企業", "內地"],
        ["澳門青年協會", "", "社團", "澳門"],
    ]
    upload(client, network["a"], xlsx(rows, header=header), kind="organizations")
    batch = ImportBatch.objects.get()
    assert batch.kind == "organizations" and batch.mapping[:2] == ["name", "registration_number"]
    client.post(f"/imports/{batch.pk}/check/", mapping_form(batch))
    batch.refresh_from_db()
    assert batch.counts["same"] == 1 and batch.counts["error"] == 1  # the made-up USCC fails its check
    row = ImportRow.objects.get(batch=batch, number=3)
    assert row.matches[0]["id"] == known.pk
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "column B: not a valid registration number" in page
    client.post(f"/imports/{batch.pk}/commit/", {"skip_invalid": "on"})
    batch.refresh_from_db()
    assert batch.written["created"] == 1 and batch.written["updated"] == 1  # the known one gains its region
    assert "/organizations/" in client.get(f"/imports/{batch.pk}/").content.decode()


def test_a_delegation_list_into_an_activity(client, staff, network, make_person):
    from qiao.activities import services as activities
    from qiao.activities.models import Activity, ActivityKind, Participation

    known = make_person(network["a"], "陳大文", documents=[{"kind": "hkid", "number": "A1234563"}])
    activity = activities.save_activity(
        staff,
        Activity(
            unit=network["a"],
            kind=ActivityKind.objects.get(code="delegation"),
            title="香港青年交流團",
            start_date=datetime.date(2024, 5, 1),
        ),
    )
    activities.add_participant(staff, activity, known, status="registered")
    header = [*HEADER, "是否首次來惠"]
    rows = [[*GOOD[0], "否"], [*GOOD[1], "是"], [*BAD, "是"]]
    response = client.post(
        "/imports/new/",
        {
            "kind": "participations",
            "activity": activity.pk,
            "role": "participant",
            "status": "attended",
            "file": SimpleUploadedFile("團員名單.xlsx", xlsx(rows, header=header)),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.get()
    assert batch.kind == "participations" and batch.activity == activity and batch.unit == network["a"]
    assert batch.mapping[-1] == "first_visit"
    client.post(f"/imports/{batch.pk}/check/", mapping_form(batch))
    batch.refresh_from_db()
    assert batch.counts == {"new": 1, "same": 1, "review": 0, "error": 1}
    client.post(f"/imports/{batch.pk}/commit/", {})
    assert Participation.objects.count() == 1  # the bad row blocks: nothing half-added
    client.post(f"/imports/{batch.pk}/commit/", {"skip_invalid": "on"})
    batch.refresh_from_db()
    assert batch.status == "committed" and batch.written["added"] == 1 and batch.written["already"] == 1
    lin = Participation.objects.get(person__name="林美玲")
    assert lin.status == "attended" and lin.first_visit_declared is True and lin.source == "import"
    assert Participation.objects.get(person=known).status == "registered"  # already on the list: unchanged
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert activity.get_absolute_url() in page
    # another base's activity cannot be the target
    other = activities.save_activity(
        staff.__class__.objects.create_superuser("root2", password="x-very-long-1"),
        Activity(unit=network["b"], kind=activity.kind, title="乙", start_date=datetime.date(2024, 5, 1)),
    )
    assert client.get("/imports/new/", {"activity": other.pk}).status_code == 404
