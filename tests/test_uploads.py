"""Every way a file comes in (activity attachments, case-action attachments on the web and the API,
policy documents, imports on the web and the API) refuses files that are too large or whose content is
not what their name says, with a 4xx naming the field, and never keeps a path the client sent."""

import datetime
import io
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from qiao.core.uploads import safe_name, sniff

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
PDF = b"%PDF-1.4\n%minutes\n"
WEB_PAGE = b"<html><script>alert(1)</script></html>"
CSV = "姓名,证件号码\n陳大文,\n".encode()


def docx_bytes() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def multipart(fields: dict, files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart body written by hand: the test client would strip the directories of a file name
    before sending it, a hostile client does not."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, data, content_type in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def staff(network, make_user):
    return make_user("staff-a", network["a"], "staff")


@pytest.fixture
def activity(network, make_user):
    from qiao.activities import services
    from qiao.activities.models import Activity, ActivityKind

    root = make_user("root", is_superuser=True)
    kind = ActivityKind.objects.get(code="exchange-visit")
    return services.save_activity(
        root, Activity(unit=network["a"], kind=kind, title="港澳青年交流团", start_date=datetime.date(2025, 5, 1))
    )


@pytest.fixture
def case(network, make_org, staff):
    from qiao.ledger import services
    from qiao.ledger.models import Case

    org = make_org(network["a"], "港青科技有限公司")
    return services.save_case(
        staff,
        Case(
            unit=network["a"], organization=org, category="approvals", title="厂房消防验收",
            raised_on=datetime.date.today() - datetime.timedelta(days=2),
        ),
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# The helpers


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\x.xlsx", "x.xlsx"),
        ("C:\\Users\\王\\合照.jpg", "合照.jpg"),
        ("/var/www/../../x.pdf", "x.pdf"),
        ("bad\x00name\r\n.pdf", "badname.pdf"),
        ("..", "file"),
        ("", "file"),
    ],
)
def test_a_client_file_name_is_reduced_to_a_plain_name(given, kept):
    """Guards: no directory part, no control character of a client's file name is ever kept."""
    assert safe_name(given) == kept


def test_content_is_recognised_from_the_first_bytes():
    assert sniff(PNG) == "png" and sniff(PDF) == "pdf" and sniff(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff(docx_bytes()[:64]) == "zip" and sniff(WEB_PAGE) is None and sniff(b"MZ\x90\x00") is None


def test_the_limits_are_set_explicitly():
    """Guards: the request limits are Qiao's choice, not a framework default that may change."""
    import qiao.settings as configured

    assert configured.DATA_UPLOAD_MAX_MEMORY_SIZE == 5 * 2**20
    assert configured.DATA_UPLOAD_MAX_NUMBER_FIELDS == 5000
    assert configured.FILE_UPLOAD_MAX_MEMORY_SIZE == 2621440
    assert configured.FILE_UPLOAD_HANDLERS[0] == "qiao.core.uploads.RequestSizeLimit"


# ---------------------------------------------------------------------------------------------------------
# Activity attachments


def test_an_activity_attachment_keeps_no_client_path(client, staff, activity, media):
    """Guards: "../../etc/passwd.png" and "..\\x.pdf" are stored as plain names under the media folder."""
    client.force_login(staff)
    for filename, data, content_type in (
        ("../../etc/passwd.png", PNG, "image/png"),
        ("..\\x.pdf", PDF, "application/pdf"),
    ):
        body, content_type_header = multipart({"caption": "合照"}, [("file", filename, data, content_type)])
        response = client.generic("POST", f"/activities/{activity.pk}/attachments/", body, content_type_header)
        assert response.status_code == 302
    stored = sorted(a.file.name for a in activity.attachments.all())
    assert [Path(name).name for name in stored] == ["passwd.png", "x.pdf"]
    for name in stored:
        assert ".." not in name and "\\" not in name and name.startswith("activities/")
        assert (media / name).resolve().is_relative_to(media.resolve())
    assert not (media.parent / "etc").exists()


@pytest.mark.parametrize(
    ("filename", "data", "words"),
    [
        ("photo.jpg", WEB_PAGE, "not a jpg"),  # a web page under an image's name
        ("report.pdf", b"MZ\x90\x00 a program", "not a pdf"),
        ("notes.docx", b"PK\x03\x04 not really a zip", "not a docx"),
        ("page.html", WEB_PAGE, "PDF or Office"),
    ],
)
def test_an_activity_attachment_of_the_wrong_type_is_refused(client, staff, activity, media, filename, data, words):
    """Guards: the content decides, not the name (a script renamed .jpg is not stored)."""
    client.force_login(staff)
    upload = SimpleUploadedFile(filename, data, content_type="image/jpeg")
    response = client.post(f"/activities/{activity.pk}/attachments/", {"file": upload})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Photo or document" in text and words in text
    assert not activity.attachments.exists()


def test_real_documents_are_accepted(client, staff, activity, media):
    client.force_login(staff)
    upload = SimpleUploadedFile("协议.docx", docx_bytes())
    assert client.post(f"/activities/{activity.pk}/attachments/", {"file": upload}).status_code == 302
    assert activity.attachments.count() == 1


def test_an_activity_attachment_over_the_limit_is_refused(client, staff, activity, media, settings):
    settings.QIAO_ATTACHMENT_MAX_MB = 0.001
    client.force_login(staff)
    upload = SimpleUploadedFile("big.png", PNG + b"0" * 5000)
    response = client.post(f"/activities/{activity.pk}/attachments/", {"file": upload})
    assert response.status_code == 400 and "limit" in response.content.decode()
    assert not activity.attachments.exists()


# ---------------------------------------------------------------------------------------------------------
# Attachments of case actions (web and API)


def test_a_case_attachment_whose_content_lies_is_refused_on_the_web_and_the_api(client, staff, case, media):
    """Guards: the service ledger's attachments go through the same content check."""
    client.force_login(staff)
    upload = SimpleUploadedFile("回复函.pdf", WEB_PAGE, content_type="application/pdf")
    response = client.post(
        f"/ledger/cases/{case.pk}/actions/", {"kind": "reply", "note": "回复", "attachment": upload},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert response.status_code == 400 and "not a pdf" in response.content.decode()
    api = APIClient()
    api.force_authenticate(staff)
    upload = SimpleUploadedFile("回复函.pdf", WEB_PAGE, content_type="application/pdf")
    answer = api.post("/api/case-actions/", {"case": case.pk, "kind": "reply", "note": "x", "attachment": upload})
    assert answer.status_code == 400 and "not a pdf" in str(answer.json()["attachment"])
    assert not case.actions.filter(kind="reply").exists()


def test_a_case_attachment_keeps_no_client_path(staff, case, media):
    api = APIClient()
    api.force_authenticate(staff)
    body, content_type = multipart(
        {"case": case.pk, "kind": "reply", "note": "x"}, [("attachment", "..\\..\\纪要.pdf", PDF, "application/pdf")]
    )
    answer = api.generic("POST", "/api/case-actions/", body, content_type)
    assert answer.status_code == 201, answer.content
    action = case.actions.get(kind="reply")
    assert action.attachment_name == "纪要.pdf"
    assert action.attachment.name == f"cases/{case.pk}/纪要.pdf"


# ---------------------------------------------------------------------------------------------------------
# Policy documents


def test_a_policy_document_is_checked(client, network, make_user, media):
    """Guards: the policy form's file field (it had no check at all) takes PDF or Office documents only."""
    client.force_login(make_user("manager-a", network["a"], "manager"))
    data = {"title": "人才安居办法", "unit": network["a"].pk}
    refused = client.post("/policies/add/", {**data, "source_file": SimpleUploadedFile("办法.pdf", WEB_PAGE)})
    assert refused.status_code == 400 and "source_file" in refused.context["form"].errors
    refused = client.post("/policies/add/", {**data, "source_file": SimpleUploadedFile("办法.exe", b"MZ")})
    assert refused.status_code == 400 and "source_file" in refused.context["form"].errors
    accepted = client.post("/policies/add/", {**data, "source_file": SimpleUploadedFile("../办法.pdf", PDF)})
    assert accepted.status_code == 302
    from qiao.policies.models import Policy

    assert Path(Policy.objects.get().source_file.name).name == "办法.pdf"


# ---------------------------------------------------------------------------------------------------------
# Imports (web and API)


def test_an_import_whose_content_is_not_a_spreadsheet_is_refused(client, network, staff):
    """Guards: imports read the bytes, not the name: a picture named .xlsx is refused on the file field."""
    client.force_login(staff)
    upload = SimpleUploadedFile("名单.xlsx", PNG)
    response = client.post("/imports/new/", {"kind": "people", "unit": network["a"].pk, "file": upload})
    assert response.status_code == 400 and "file" in response.context["form"].errors
    api = APIClient()
    api.force_authenticate(staff)
    answer = api.post(
        "/api/imports/", {"kind": "people", "unit": network["a"].pk, "file": SimpleUploadedFile("名单.xlsx", PNG)},
        format="multipart",
    )  # fmt: skip
    assert answer.status_code == 400 and "file" in answer.json()


def test_an_import_over_the_limit_is_refused(client, network, staff, settings):
    settings.QIAO_IMPORT_MAX_BYTES = 100
    client.force_login(staff)
    upload = SimpleUploadedFile("名单.csv", CSV * 20)
    response = client.post("/imports/new/", {"kind": "people", "unit": network["a"].pk, "file": upload})
    assert response.status_code == 400 and "limit" in str(response.context["form"].errors["file"])


def test_an_import_keeps_no_client_path(client, network, staff):
    from qiao.imports.models import ImportBatch

    client.force_login(staff)
    body, content_type = multipart(
        {"kind": "people", "unit": network["a"].pk}, [("file", "../../tmp/..\\名单.csv", CSV, "text/csv")]
    )
    response = client.generic("POST", "/imports/new/", body, content_type)
    assert response.status_code == 302, response.content[:500]
    assert ImportBatch.objects.get().filename == "名单.csv"


# ---------------------------------------------------------------------------------------------------------
# Whole requests


def test_a_request_larger_than_any_upload_may_be_is_refused_with_413(client, staff, activity, media, settings):
    """Guards: a huge body is refused before it is written to a temporary file (qiao.core.uploads.RequestSizeLimit)."""
    settings.QIAO_UPLOAD_MAX_BYTES = 2000
    client.force_login(staff)
    upload = SimpleUploadedFile("big.png", PNG + b"0" * 5000)
    response = client.post(f"/activities/{activity.pk}/attachments/", {"file": upload})
    assert response.status_code == 413 and "larger than the limit" in response.content.decode()
    api = APIClient()
    api.force_authenticate(staff)
    answer = api.post(
        "/api/imports/", {"kind": "people", "file": SimpleUploadedFile("名单.csv", CSV * 500)}, format="multipart"
    )
    assert answer.status_code == 413 and "larger than the limit" in answer.json()["detail"]
    assert not activity.attachments.exists()


def test_a_form_with_too_many_fields_is_refused(client, staff, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client.force_login(staff)
    response = client.post("/preferences/", {f"field{n}": "x" for n in range(20)})
    assert response.status_code == 400 and "too many fields" in response.content.decode()
