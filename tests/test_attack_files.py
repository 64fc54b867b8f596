"""Hostile files: names that climb out of the upload folder, files just over the limit, files that
lie about what they are, files built to exhaust memory, and a JSON body nested to blow the stack.

Each answer must be a clear 4xx (or, for the attachment forms, the page again with the error) and
nothing may be stored: no import batch, no attachment, no file outside the media folder."""

from __future__ import annotations

import io
import json
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.test_attack_world import media  # noqa: F401 - the `media` fixture

CSV = "姓名,电话\n陳大文,+85291234567\n".encode()
TRAVERSAL_NAMES = [
    "../../escaped.csv",
    "..\\..\\escaped.csv",
    "/etc/escaped.csv",
    "C:\\Windows\\escaped.csv",
    "escaped\x00.csv",
    "a" * 400 + ".csv",
    "....//....//escaped.csv",
]


def _xlsx(sheet_xml: bytes, *, compress=zipfile.ZIP_DEFLATED) -> bytes:
    """A minimal workbook whose one sheet holds `sheet_xml`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compress) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


def _bomb() -> bytes:
    """An xlsx of ~40 KB whose sheet unpacks to ~42 MB of XML: over 20 times the 1 MB limit the test sets."""
    head = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        base = _xlsx(b"")
        with zipfile.ZipFile(io.BytesIO(base)) as source:
            for item in source.infolist():
                if item.filename != "xl/worksheets/sheet1.xml":
                    archive.writestr(item, source.read(item))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head)
            row = b'<row r="1"><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
            for _ in range(40_000):
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def _malformed(case):
    if case == "zip bomb":
        return "people.xlsx", _bomb()
    good = _xlsx(
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData></sheetData></worksheet>"
    )
    return {
        "truncated xlsx": ("people.xlsx", good[: len(good) // 2]),
        "binary named .csv": ("people.csv", os.urandom(4096) + b"\x00\x01\x02"),
        "html named .xlsx": ("people.xlsx", b"<html><body><table><tr><td>=cmd</td></tr></table></body></html>"),
        "100k columns": (
            "people.csv",
            (",".join(f"c{i}" for i in range(100_000)) + "\n" + "x," * 99_999 + "x\n").encode(),
        ),
        "empty": ("people.csv", b""),
    }[case]


@pytest.fixture
def staff(network, make_user, media):  # noqa: F811 - media is a fixture
    return make_user("staff-a", network["a"], "staff")


def _files_outside(root, since) -> list[str]:
    """Files named like the attack's, anywhere under the test's temporary folder but not in media."""
    found = []
    for folder, _dirs, names in os.walk(os.path.dirname(root)):
        for name in names:
            if "escaped" in name and not os.path.join(folder, name).startswith(str(root)):
                found.append(os.path.join(folder, name))
    return found


@pytest.mark.parametrize("filename", TRAVERSAL_NAMES)
def test_an_import_keeps_only_a_plain_file_name(client, network, staff, media, filename):  # noqa: F811
    """Guards the import upload against path traversal: whatever the name sent, the batch keeps a
    plain name (no folder, no NUL) or the upload is refused, and no file lands outside the media folder."""
    from qiao.imports.models import ImportBatch

    client.force_login(staff)
    upload = SimpleUploadedFile(filename, CSV, content_type="text/csv")
    response = client.post("/imports/new/", {"kind": "people", "unit": network["a"].pk, "file": upload})
    assert response.status_code in (302, 400), response.status_code
    for batch in ImportBatch.objects.all():
        assert "/" not in batch.filename and "\\" not in batch.filename and "\x00" not in batch.filename
        assert ".." not in batch.filename.replace("....", "")
        assert len(batch.filename) <= 255
    assert not _files_outside(media, None)


@pytest.mark.parametrize(
    "case", ["zip bomb", "truncated xlsx", "binary named .csv", "html named .xlsx", "100k columns", "empty"]
)
def test_a_malformed_import_is_refused_and_nothing_is_written(client, network, staff, settings, case):
    """Guards the spreadsheet readers (qiao/imports/readers.py): a file that is not what it says, or
    is built to exhaust memory, gets a 4xx naming the file's problem and adds no person."""
    from qiao.people.models import Person

    settings.QIAO_IMPORT_MAX_BYTES = 2**20
    filename, content = _malformed(case)
    client.force_login(staff)
    before = Person.objects.count()
    response = client.post(
        "/api/imports/",
        {"kind": "people", "unit": network["a"].pk, "file": SimpleUploadedFile(filename, content)},
    )
    assert response.status_code in (400, 413, 422) or (
        response.status_code in (200, 201) and response.json().get("status") in ("failed", "rejected")
    ), (case, response.status_code, response.content[:300])
    if response.status_code >= 400:
        assert "file" in response.json() or "detail" in response.json()
    assert Person.objects.count() == before


def test_an_import_just_over_the_limit_is_refused(client, network, staff, settings):
    """Guards the import size limit (web and API): one byte over QIAO_IMPORT_MAX_BYTES is refused with
    a 4xx naming the limit, and no batch is stored."""
    from qiao.imports.models import ImportBatch

    settings.QIAO_IMPORT_MAX_BYTES = 4096
    client.force_login(staff)
    content = CSV + b"x" * (4096 + 1 - len(CSV))
    web = client.post(
        "/imports/new/", {"kind": "people", "unit": network["a"].pk, "file": SimpleUploadedFile("p.csv", content)}
    )
    assert web.status_code in (400, 413)
    api = client.post(
        "/api/imports/", {"kind": "people", "unit": network["a"].pk, "file": SimpleUploadedFile("p.csv", content)}
    )
    assert api.status_code in (400, 413)
    assert not ImportBatch.objects.exists()


@pytest.fixture
def activity(network):
    import datetime

    from qiao.activities.models import Activity, ActivityKind

    return Activity.objects.create(
        unit=network["a"], kind=ActivityKind.objects.first(), title="交流团", start_date=datetime.date(2025, 3, 1)
    )


@pytest.mark.parametrize("filename", TRAVERSAL_NAMES)
def test_an_attachment_is_stored_inside_the_media_folder(client, staff, activity, media, filename):  # noqa: F811
    """Guards attachment storage against path traversal: the stored file sits under MEDIA_ROOT with a
    plain name, whatever name the browser sent."""
    from qiao.activities.models import Attachment

    client.force_login(staff)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    name = filename.replace(".csv", ".pdf")
    client.post(f"/activities/{activity.pk}/attachments/", {"file": SimpleUploadedFile(name, pdf), "caption": "x"})
    for attachment in Attachment.objects.all():
        path = os.path.realpath(attachment.file.path)
        assert path.startswith(os.path.realpath(media) + os.sep), path
        assert "\x00" not in attachment.file.name and "\\" not in attachment.file.name
    assert not _files_outside(media, None)


@pytest.mark.parametrize(
    "case",
    ["html named .pdf", "just over the limit", "program named .docx"],
)
def test_a_hostile_attachment_is_refused_and_not_stored(client, staff, activity, settings, case):
    """Guards the attachment checks (type read from the content, size limit): a web page renamed .pdf,
    a program renamed .docx or a file one byte over QIAO_ATTACHMENT_MAX_MB is refused and not stored."""
    from qiao.activities.models import Attachment

    settings.QIAO_ATTACHMENT_MAX_MB = 1
    files = {
        "html named .pdf": ("report.pdf", b"<html><script>alert(1)</script></html>"),
        "just over the limit": ("report.pdf", b"%PDF-1.4\n" + b"0" * (2**20 + 1 - 9)),
        "program named .docx": ("report.docx", b"MZ\x90\x00" + os.urandom(2048)),
    }
    name, content = files[case]
    client.force_login(staff)
    response = client.post(
        f"/activities/{activity.pk}/attachments/", {"file": SimpleUploadedFile(name, content), "caption": "x"}
    )
    assert response.status_code in (302, 400, 413)
    assert not Attachment.objects.exists(), case


def test_a_deeply_nested_json_body_gets_a_400(client, staff):
    """Guards the API's JSON parser: a body nested deeper than Python's recursion limit is a 400,
    not a RecursionError turned 500."""
    from qiao.people.models import Person

    client.force_login(staff)
    depth = 100_000
    body = '{"name": ' + "[" * depth + "]" * depth + "}"
    response = client.post("/api/people/", data=body, content_type="application/json")
    assert response.status_code == 400, response.status_code
    assert "detail" in response.json()
    shallow = json.dumps({"name": {"a": {"b": {"c": "x"}}}})
    assert client.post("/api/people/", data=shallow, content_type="application/json").status_code == 400
    assert not Person.objects.exists()
