"""Least privilege for personal data: identity numbers, phones, e-mails and dates of birth are masked
everywhere (pages, forms, the API, exports, history, review screens) unless the reader's role in the
unit owning the person allows seeing them (`view_sensitive`: managers); staff may reveal one person's
values on request (`reveal`), which is logged; viewers never; a share never grants either. Every
detail view, reveal and export is logged, and administrators read the log (访问日志) for their units.

Base A owns 陳大文 (HKID, phone, e-mail, date of birth), shared with base B.
"""

import codecs
import csv
import datetime
import io

import pytest
from django.test import Client

from qiao.core import sensitive
from qiao.core.models import ActionLog

FULL = ("A123456(3)", "+85291234567", "chan.tai.man@example.org", "1990-05-17")
SECRETS = ("A123456", "A1234563", "91234567", "9123 4567", "chan.tai.man", "1990-05-17")
MASKED = ("A123***(*)", "+852 ****4567", "c***@example.org")


def hidden(text: str) -> bool:
    return not any(secret in text for secret in SECRETS)


def shows_all(text: str) -> bool:
    return all(value in text for value in ("A123456(3)", "+85291234567", "chan.tai.man@example.org", "1990-05-17"))


@pytest.fixture
def world(network, make_user, make_person):
    from qiao.people.models import PersonShare

    chan = make_person(
        network["a"],
        "陳大文",
        region="HK",
        title="工程师",
        birth_date=datetime.date(1990, 5, 17),
        phones=["+85291234567"],
        emails=["chan.tai.man@example.org"],
        documents=[{"kind": "hkid", "number": "A1234563"}],
    )
    PersonShare.objects.create(person=chan, unit=network["b"], access="change")
    users = {
        "viewer": make_user("viewer-a", network["a"], "viewer"),
        "staff": make_user("staff-a", network["a"], "staff"),
        "manager": make_user("manager-a", network["a"], "manager"),
        "manager_b": make_user("manager-b", network["b"], "manager"),
        "staff_b": make_user("staff-b", network["b"], "staff"),
        "admin_a": make_user("admin-a", network["a"], "admin"),
        "admin_b": make_user("admin-b", network["b"], "admin"),
        "centre_manager": make_user("manager-centre", network["centre"], "manager"),
    }
    return {"chan": chan, **users, **network}


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# ---------------------------------------------------------------- the rule


def test_the_rule_is_per_record_for_the_owning_unit(world):
    """Guards the one decision: managers of the owning unit (or above) see in full; staff and viewers
    do not; a manager of a unit the person is merely shared with does not; staff may reveal, viewers
    and the shared unit may not."""
    chan = world["chan"]
    assert sensitive.can_see(world["manager"], chan) and sensitive.can_see(world["centre_manager"], chan)
    assert not sensitive.can_see(world["staff"], chan) and not sensitive.can_see(world["viewer"], chan)
    assert not sensitive.can_see(world["manager_b"], chan)
    assert sensitive.can_reveal(world["staff"], chan) and sensitive.can_reveal(world["manager"], chan)
    assert not sensitive.can_reveal(world["viewer"], chan)
    assert not sensitive.can_reveal(world["manager_b"], chan) and not sensitive.can_reveal(world["staff_b"], chan)
    values = sensitive.masked_person_values(world["staff"], chan)
    assert values.masked and values.birth_date is None and values.birth_year == 1990
    assert values.phones == ["+852 ****4567"] and values.emails == ["c***@example.org"]
    assert [d.number for d in values.documents] == ["A123***(*)"]


# ---------------------------------------------------------------- the person's page and the reveal


def test_the_page_masks_for_staff_viewers_and_shared_units_and_shows_managers_in_full(client, world):
    """Guards the detail page: full values only for a manager of the owning unit."""
    url = world["chan"].get_absolute_url()
    for name in ("staff", "viewer", "manager_b", "staff_b"):
        text = page(client, world[name], url)
        assert hidden(text), name
        assert all(masked in text for masked in MASKED) and "1990" in text, name
    assert shows_all(page(client, world["manager"], url))
    assert 'id="reveal-sensitive"' in page(client, world["staff"], url)
    assert 'id="reveal-sensitive"' not in page(client, world["viewer"], url)
    assert 'id="reveal-sensitive"' not in page(client, world["manager_b"], url)
    assert 'id="reveal-sensitive"' not in page(client, world["manager"], url)  # nothing to reveal


def test_staff_reveal_one_person_and_the_reveal_is_logged(client, world):
    """Guards the reveal: a POST by staff of the owning unit returns the full values (htmx: the block
    only) and writes one qiao.person.revealed row naming the fields and the unit."""
    chan = world["chan"]
    client.force_login(world["staff"])
    response = client.post(f"/people/{chan.pk}/reveal/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = response.content.decode()
    assert shows_all(text) and 'id="person-sensitive"' in text and "<html" not in text
    log = ActionLog.objects.get(action="qiao.person.revealed")
    assert log.user == world["staff"] and log.object_id == chan.pk
    assert log.data["fields"] == list(sensitive.FIELDS) and log.data["unit"] == world["a"].pk
    assert log.request_id
    # without htmx, a page of its own
    full_page = client.post(f"/people/{chan.pk}/reveal/").content.decode()
    assert shows_all(full_page) and "<html" in full_page


def test_viewers_and_shared_units_cannot_reveal(client, world):
    """Guards the permission on the reveal: 403 and nothing logged for a viewer and for a manager of a
    unit the person is shared with; 404 for a unit that cannot see the person at all; GET refused."""
    chan = world["chan"]
    for name in ("viewer", "manager_b", "staff_b"):
        client.force_login(world[name])
        response = client.post(f"/people/{chan.pk}/reveal/")
        assert response.status_code == 403, name
        assert hidden(response.content.decode())
    client.force_login(world["staff"])
    assert client.get(f"/people/{chan.pk}/reveal/").status_code == 405
    assert not ActionLog.objects.filter(action="qiao.person.revealed").exists()


def test_the_reveal_needs_the_csrf_token(world):
    """Guards against a cross-site POST revealing values: without the token, 403."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["staff"])
    assert client.post(f"/people/{world['chan'].pk}/reveal/").status_code == 403
    assert not ActionLog.objects.filter(action="qiao.person.revealed").exists()


def test_each_detail_view_is_logged_and_list_views_are_not(client, world):
    """Guards the access log's source: one qiao.person.viewed per detail page, with unit and request id;
    a list page logs nothing per person."""
    chan = world["chan"]
    page(client, world["staff"], "/people/")
    page(client, world["staff"], "/people/?q=陳大文")
    assert not ActionLog.objects.filter(action="qiao.person.viewed").exists()
    page(client, world["staff"], chan.get_absolute_url())
    page(client, world["manager"], chan.get_absolute_url())
    logs = list(ActionLog.objects.filter(action="qiao.person.viewed").order_by("id"))
    assert [(log.user_name, log.data["masked"], log.data["source"]) for log in logs] == [
        ("staff-a", True, "web"),
        ("manager-a", False, "web"),
    ]
    assert all(log.object_id == chan.pk and log.data["unit"] == world["a"].pk and log.request_id for log in logs)
    assert logs[0].request_id != logs[1].request_id


def test_history_masks_like_the_page(client, world):
    """Guards the history tab and the API history: before → after of phones and documents masked."""
    from qiao.people.services import save_person

    chan = world["chan"]
    chan.phones = ["+85261234567"]
    save_person(world["manager"], chan, documents=[{"kind": "passport", "number": "E12345678"}])
    url = f"/people/{chan.pk}/history/"
    text = page(client, world["staff"], url)
    assert hidden(text) and "61234567" not in text and "E12345678" not in text
    assert "+852 ****4567" in text and "E1*****78" in text
    text = page(client, world["manager"], url)
    assert "+85291234567" in text and "E12345678" in text
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world["staff"])
    body = api.get(f"/api/people/{chan.pk}/history/").content.decode()
    assert hidden(body) and "61234567" not in body and "E12345678" not in body


# ---------------------------------------------------------------- the edit form


def test_the_edit_form_shows_masked_values_and_keeps_them_unless_changed(client, world):
    """Guards the edit form: staff see placeholders, not the values; sending the form back unchanged
    keeps every stored value (no stars written), a changed value replaces its stored one."""
    from qiao.people.models import Person

    chan = world["chan"]
    text = page(client, world["staff"], f"/people/{chan.pk}/edit/")
    assert hidden(text) and "+852 ****4567" in text and "c***@example.org" in text and "A123***(*)" in text
    form = {
        "name": "陳大文",
        "name_latin": "CHAN Tai Man",
        "region": "HK",
        "unit": world["a"].pk,
        "title": "总工程师",
        "birth_date": "",
        "phones_text": "+852 ****4567\n+852 6123 4567",
        "emails_text": "c***@example.org",
        "doc-TOTAL_FORMS": "2",
        "doc-INITIAL_FORMS": "1",
        "doc-0-kind": "hkid",
        "doc-0-number": "A123***(*)",
        "doc-1-kind": "",
        "doc-1-number": "",
        "edu-TOTAL_FORMS": "0",
        "edu-INITIAL_FORMS": "0",
    }
    response = client.post(f"/people/{chan.pk}/edit/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    chan = Person.objects.get(pk=chan.pk)
    assert chan.title == "总工程师"
    assert chan.phones == ["+85291234567", "+85261234567"]
    assert chan.emails == ["chan.tai.man@example.org"]
    assert chan.birth_date == datetime.date(1990, 5, 17)
    assert [(d.kind, d.number) for d in chan.documents.all()] == [("hkid", "A1234563")]


def test_the_edit_form_refuses_a_masked_value_that_matches_nothing_and_does_not_leak(client, world):
    """Guards against stars being stored, and against the form showing stored values when it comes back."""
    from qiao.people.models import Person

    chan = world["chan"]
    client.force_login(world["staff"])
    form = {
        "name": "陳大文",
        "region": "HK",
        "unit": world["a"].pk,
        "phones_text": "+852 ****9999",
        "emails_text": "x***@example.org",
        "doc-TOTAL_FORMS": "1",
        "doc-INITIAL_FORMS": "1",
        "doc-0-kind": "hkid",
        "doc-0-number": "A123***(*)",
        "edu-TOTAL_FORMS": "0",
        "edu-INITIAL_FORMS": "0",
    }
    response = client.post(f"/people/{chan.pk}/edit/", form)
    assert response.status_code == 400
    text = response.content.decode()
    assert "****9999" in text and "x***@example.org" in text and hidden(text)
    assert Person.objects.get(pk=chan.pk).phones == ["+85291234567"]


def test_managers_edit_the_full_values(client, world):
    """Guards that the masking of the form is the reader's, not everyone's."""
    text = page(client, world["manager"], f"/people/{world['chan'].pk}/edit/")
    assert "+85291234567" in text and "chan.tai.man@example.org" in text and "1990-05-17" in text


# ---------------------------------------------------------------- the API


@pytest.fixture
def api_for():
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def test_the_api_masks_with_the_same_field_names(world, api_for):
    """Guards the API contract: the same fields, masked values, birth_date null with birth_year and
    masked: true; in full for a manager of the owning unit, not for one of the shared unit."""
    chan = world["chan"]
    for name in ("staff", "viewer", "manager_b"):
        body = api_for(world[name]).get(f"/api/people/{chan.pk}/").json()
        assert body["masked"] is True and body["birth_date"] is None and body["birth_year"] == 1990, name
        assert body["phones"] == ["+852 ****4567"] and body["emails"] == ["c***@example.org"]
        assert body["documents"] == [{"kind": "hkid", "number": "A123***(*)", "country": ""}]
        listing = api_for(world[name]).get("/api/people/").content.decode()
        assert hidden(listing) and "****4567" in listing
    body = api_for(world["manager"]).get(f"/api/people/{chan.pk}/").json()
    assert body["masked"] is False and body["birth_date"] == "1990-05-17" and body["birth_year"] == 1990
    assert body["phones"] == ["+85291234567"] and body["documents"][0]["number"] == "A1234563"


def test_an_api_retrieve_is_logged_a_list_is_not(world, api_for):
    """Guards the access log for the API."""
    client = api_for(world["staff"])
    client.get("/api/people/")
    assert not ActionLog.objects.filter(action="qiao.person.viewed").exists()
    client.get(f"/api/people/{world['chan'].pk}/")
    log = ActionLog.objects.get(action="qiao.person.viewed")
    assert log.data["source"] == "api" and log.data["masked"] is True and log.user == world["staff"]


def test_the_api_reveal(world, api_for):
    """Guards POST /api/people/{id}/reveal/: full values for staff, logged; 403 for a viewer and for the
    shared unit, nothing logged."""
    chan = world["chan"]
    response = api_for(world["staff"]).post(f"/api/people/{chan.pk}/reveal/")
    assert response.status_code == 200
    body = response.json()
    assert body["masked"] is False and body["birth_date"] == "1990-05-17" and body["phones"] == ["+85291234567"]
    assert body["documents"] == [{"kind": "hkid", "number": "A1234563", "country": ""}]
    assert ActionLog.objects.filter(action="qiao.person.revealed", user=world["staff"]).count() == 1
    for name in ("viewer", "manager_b"):
        response = api_for(world[name]).post(f"/api/people/{chan.pk}/reveal/")
        assert response.status_code == 403, name
        assert hidden(response.content.decode())
    assert ActionLog.objects.filter(action="qiao.person.revealed").count() == 1


def test_echoing_masked_values_back_through_the_api_keeps_the_stored_ones(world, api_for):
    """Guards writes: a client that GETs masked values and PUTs them back unchanged does not erase or
    overwrite anything; a masked entry beside a new one keeps the stored value; an unknown masked
    e-mail is refused (400) rather than stored with stars."""
    from qiao.people.models import Person

    chan = world["chan"]
    client = api_for(world["staff"])
    body = client.get(f"/api/people/{chan.pk}/").json()
    body["title"] = "总工程师"
    for name in ("url", "id", "created", "updated", "birth_year", "masked"):
        body.pop(name)
    response = client.put(f"/api/people/{chan.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["masked"] is True and hidden(response.content.decode())
    stored = Person.objects.get(pk=chan.pk)
    assert stored.title == "总工程师" and stored.birth_date == datetime.date(1990, 5, 17)
    assert stored.phones == ["+85291234567"] and stored.emails == ["chan.tai.man@example.org"]
    assert [(d.kind, d.number) for d in stored.documents.all()] == [("hkid", "A1234563")]

    patch = {"phones": ["+852 ****4567", "+852 6123 4567"], "birth_date": None}
    assert client.patch(f"/api/people/{chan.pk}/", patch, format="json").status_code == 200
    stored = Person.objects.get(pk=chan.pk)
    assert stored.phones == ["+85291234567", "+85261234567"] and stored.birth_date == datetime.date(1990, 5, 17)

    response = client.patch(f"/api/people/{chan.pk}/", {"emails": ["x***@example.org"]}, format="json")
    assert response.status_code == 400 and "emails" in response.json()
    assert Person.objects.get(pk=chan.pk).emails == ["chan.tai.man@example.org"]
    # a manager who sees the date may clear it
    manager = api_for(world["manager"])
    assert manager.patch(f"/api/people/{chan.pk}/", {"birth_date": None}, format="json").status_code == 200
    assert Person.objects.get(pk=chan.pk).birth_date is None


def test_the_openapi_schema_documents_masking_and_the_reveal(world, api_for):
    """Guards the documented contract."""
    schema = api_for(world["staff"]).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    person = schema["components"]["schemas"]["Person"]["properties"]
    assert {"birth_year", "masked", "birth_date", "phones", "emails", "documents"} <= set(person)
    assert "/api/people/{id}/reveal/" in schema["paths"]
    assert "post" in schema["paths"]["/api/people/{id}/reveal/"]


# ---------------------------------------------------------------- exports, duplicates, review, search


def read_csv(response):
    return list(csv.DictReader(io.StringIO(codecs.decode(response.content, "utf-8-sig"))))


def test_exports_mask_unless_the_role_allows_and_are_logged(client, world):
    """Guards the export path: masked for staff and for a manager of the shared unit, full for the
    owning unit's manager; each export logged with its filter and row count."""
    for name in ("staff", "manager_b", "manager"):
        client.force_login(world[name])
        text = str(read_csv(client.get("/people/?export=csv&q=陳大文")))
        if name == "manager":
            assert all(v in text for v in ("A123456(3)", "+852 9123 4567", "chan.tai.man@example.org", "1990-05-17"))
        else:
            assert hidden(text) and "A123***(*)" in text and "+852 ****4567" in text, name
    logs = ActionLog.objects.filter(action="qiao.export").order_by("id")
    assert [log.data["rows"] for log in logs] == [1, 1, 1] and logs[0].data["query"] == "q=%E9%99%B3%E5%A4%A7%E6%96%87"


def test_duplicate_review_masks_for_staff(client, world, make_person):
    """Guards the duplicate comparison page: both records' sensitive values masked for staff who may
    change both; in full for the manager."""
    from qiao.people.models import DuplicateCandidate

    chan = world["chan"]
    twin = make_person(
        world["a"],
        "陈大文",
        birth_date=datetime.date(1990, 5, 17),
        phones=["+85261234567"],
        documents=[{"kind": "passport", "number": "E12345678"}],
    )
    pair = DuplicateCandidate.objects.create(person=chan, other=twin, score="0.9", reasons=[], unit=world["a"])
    text = page(client, world["staff"], f"/people/duplicates/{pair.pk}/")
    assert hidden(text) and "61234567" not in text and "E12345678" not in text
    assert "+852 ****4567" in text and "E1*****78" in text
    text = page(client, world["manager"], f"/people/duplicates/{pair.pk}/")
    assert "+85291234567" in text and "E12345678" in text


def test_search_and_autocomplete_never_show_the_values(client, world):
    """Guards the search page, its popup and the pickers' autocomplete."""
    assert "陳大文" in page(client, world["staff"], "/search/?q=陳大文")
    for url in ("/search/?q=陳大文", "/autocomplete/people/?q=陳大文", "/search/?q=CHAN"):
        assert hidden(page(client, world["staff"], url))
    client.force_login(world["staff"])
    assert hidden(client.get("/search/?q=陳大文", HTTP_HX_REQUEST="true").content.decode())


def test_the_profile_review_masks_the_registry_values(client, world, settings):
    """Guards the review of a talent profile received through a public form: the person found in the
    registry is shown with masked values for staff (the form's own values are shown as sent)."""
    from django.core.cache import cache

    from qiao.matching.models import Intake, ProfileSubmission
    from tests.test_matching_intake import profile_form, url

    settings.QIAO_REGISTRATION_MIN_SECONDS = 0
    cache.clear()
    intake = Intake.objects.create(unit=world["a"], kind="profile", title="港澳人才登记", active=True)
    sent = profile_form(intake, phone="6123 4567", email="new@example.com")  # the same HKID as 陳大文
    assert client.post(url(intake), sent).status_code == 302
    submission = ProfileSubmission.objects.get()
    text = page(client, world["staff"], f"/matching/submissions/profiles/{submission.pk}/")
    assert "1995-03-02" in text and "+85261234567" in text  # what the form says
    assert f'value="{world["chan"].pk}"' in text  # the registry's candidate
    registry = ("91234567", "9123 4567", "chan.tai.man", "1990-05-17")  # the form did not send these
    assert not any(value in text for value in registry)
    assert "+852 ****4567" in text and "c***@example.org" in text
    text = page(client, world["manager"], f"/matching/submissions/profiles/{submission.pk}/")
    assert "+85291234567" in text and "1990-05-17" in text


def test_the_import_dry_run_report_names_matches_without_their_values(client, world):
    """Guards the import report: a row recognised as a registry person names them, never their
    stored phone or document."""
    from qiao.imports.models import ImportBatch, ImportRow

    batch = ImportBatch.objects.create(
        unit=world["a"], kind="people", status="checked", row_count=1, counts={"same": 1}, created_by=world["staff"]
    )
    ImportRow.objects.create(
        batch=batch,
        number=2,
        outcome="same",
        label="陈大文",
        matches=[{"id": world["chan"].pk, "label": "陳大文", "score": 1, "reasons": ["document"]}],
    )
    text = page(client, world["staff"], f"/imports/{batch.pk}/")
    assert "陳大文" in text and hidden(text)


# ---------------------------------------------------------------- the access log


@pytest.fixture
def events(client, world, make_person):
    """A view and a reveal of 陳大文 (base A) by base A staff, an export by base A staff, and a view of a
    base B person by base B staff."""
    lee = make_person(world["b"], "李四", phones=["+85291112222"])
    page(client, world["staff"], world["chan"].get_absolute_url())
    client.post(f"/people/{world['chan'].pk}/reveal/")
    client.get("/people/?export=csv")
    page(client, world["staff_b"], lee.get_absolute_url())
    return {"lee": lee}


def rows_of(text):
    return text.count("<tr data-action=")


def test_the_access_log_is_for_administrators_only(client, world):
    """Guards the page's permission: staff and managers get 403, the nav entry is for administrators."""
    for name in ("staff", "manager", "viewer"):
        client.force_login(world[name])
        assert client.get("/audit/").status_code == 403
        assert 'id="nav-access-log"' not in client.get("/").content.decode()
    assert 'id="nav-access-log"' in page(client, world["admin_a"], "/")


def test_an_administrator_reads_the_events_of_their_units_only(client, world, events):
    """Guards the log's scoping: base A's administrator sees the view, reveal and export by base A
    staff, not base B's view of a base B person; base B's administrator the reverse, plus nothing
    about 陳大文 but what base B users did."""
    text = page(client, world["admin_a"], "/audit/")
    assert rows_of(text) == 3 and "staff-a" in text and "staff-b" not in text and "李四" not in text
    assert "qiao.person.revealed" in text and "qiao.export" in text
    text = page(client, world["admin_b"], "/audit/")
    assert rows_of(text) == 1 and "staff-b" in text and "staff-a" not in text
    # an event by a base B user about a base A person is visible to both
    page(client, world["manager_b"], world["chan"].get_absolute_url())
    assert rows_of(page(client, world["admin_a"], "/audit/")) == 4
    assert rows_of(page(client, world["admin_b"], "/audit/")) == 2
    from qiao.core.models import User

    assert rows_of(page(client, User.objects.get(username="root"), "/audit/")) == 5  # a superuser: everything


def test_the_access_log_filters(client, world, events):
    """Guards the filters: user, action, person by id and by name in the other script, dates; a bad
    date range is a 400 naming the field."""
    admin = world["admin_a"]
    chan = world["chan"]
    assert rows_of(page(client, admin, "/audit/?action=qiao.person.revealed")) == 1
    assert rows_of(page(client, admin, "/audit/?action=qiao.export")) == 1
    assert rows_of(page(client, admin, "/audit/?user=staff-a")) == 3
    assert rows_of(page(client, admin, "/audit/?user=nobody")) == 0
    assert rows_of(page(client, admin, f"/audit/?person={chan.pk}")) == 2
    assert rows_of(page(client, admin, "/audit/?person=陈大文")) == 2
    today = datetime.date.today()
    assert rows_of(page(client, admin, f"/audit/?date_from={today}&date_to={today}")) == 3
    yesterday = today - datetime.timedelta(days=1)
    assert rows_of(page(client, admin, f"/audit/?date_to={yesterday}")) == 0
    client.force_login(admin)
    response = client.get(f"/audit/?date_from={today}&date_to={yesterday}")
    assert response.status_code == 400 and "The end date is before the start date." in response.content.decode()


def test_the_access_log_exports_csv_and_logs_it(client, world, events):
    """Guards the CSV export of the filtered log and its own log row."""
    client.force_login(world["admin_a"])
    response = client.get("/audit/?action=qiao.person.viewed&export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert len(rows) == 1 and rows[0]["Person"] == str(world["chan"].pk) and rows[0]["User"] == "staff-a"
    log = ActionLog.objects.filter(action="qiao.export", user=world["admin_a"]).get()
    assert log.data["model"] == "core.ActionLog" and log.data["rows"] == 1
    assert "action=qiao.person.viewed" in log.data["query"]


def test_the_access_log_page_runs_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    """Guards the page's cost: the same few queries for 3 events or 60 (a page of 50)."""
    from qiao.core.context import acting

    chan = world["chan"]
    client.force_login(world["admin_a"])
    client.get("/audit/")  # warm the content type cache

    def log(count):
        with acting(user=world["staff"], source="web"):
            for _ in range(count):
                sensitive.log_view(chan, source="web", masked=True)

    log(3)
    with django_assert_max_num_queries(12) as small:
        assert rows_of(client.get("/audit/").content.decode()) == 3
    log(57)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert rows_of(client.get("/audit/").content.decode()) == 50
