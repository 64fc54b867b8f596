"""Pages, exports and the API of the contact log and key contacts: forms that refuse bad input with a
message naming the field, prefilled "log a contact" links, lists with their figures, a bounded number
of queries, the home page's due key contacts and follow-ups, and the person's timeline."""

import csv
import datetime
import io
import zoneinfo

import pytest

from qiao.core.days import local_today
from qiao.relations import services
from qiao.relations.models import Interaction, KeyContact

D = datetime.date
HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=HK)


@pytest.fixture
def staff(network, make_user):
    return make_user("staff-a", network["a"], "staff", time_zone="Asia/Hong_Kong")


@pytest.fixture
def manager(network, make_user):
    return make_user("manager-a", network["a"], "manager")


@pytest.fixture
def person(network, make_person):
    return make_person(network["a"], "陳大文")


@pytest.fixture
def org(network, make_org):
    return make_org(network["a"], "香港恒达科技有限公司", kind="enterprise", region="HK")


def _log(user, unit, when, people=(), organizations=(), **fields):
    fields.setdefault("summary", "走访企业，了解用工需求")
    fields.setdefault("kind", "visit")
    return services.log_interaction(
        user, unit=unit, occurred_at=when, people=people, organizations=organizations, **fields
    )


# ---------------------------------------------------------------- forms


def test_logging_a_contact_through_the_form(client, network, staff, person, org):
    client.force_login(staff)
    page = client.get(f"/relations/interactions/add/?person={person.pk}&organization={org.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{person.pk}" selected>' in html and f'<option value="{org.pk}" selected>' in html
    response = client.post(
        "/relations/interactions/add/",
        {
            "kind": "visit",
            "occurred_at": "2024-03-01T23:30",
            "people": [person.pk],
            "organizations": [org.pk],
            "staff": [staff.pk],
            "summary": "上门走访",
            "follow_up": "寄送人才政策",
            "follow_up_on": "2024-03-10",
            "unit": network["a"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    interaction = Interaction.objects.get()
    assert interaction.occurred_on == D(2024, 3, 1)  # 23:30 typed in Hong Kong time
    assert interaction.occurred_at == at(2024, 3, 1, 23).replace(minute=30)
    assert client.get(interaction.get_absolute_url()).status_code == 200
    assert client.get(f"/relations/interactions/{interaction.pk}/history/").status_code == 200
    assert client.get(f"/relations/interactions/{interaction.pk}/edit/").status_code == 200
    response = client.post(f"/relations/interactions/{interaction.pk}/follow-up/", {"on": "2024-03-09"})
    assert response.status_code == 302
    interaction.refresh_from_db()
    assert interaction.follow_up_done_on == D(2024, 3, 9)


def test_the_form_refuses_a_contact_with_nobody(client, network, staff):
    client.force_login(staff)
    response = client.post(
        "/relations/interactions/add/",
        {"kind": "call", "occurred_at": "2024-03-01T10:00", "summary": "电话", "unit": network["a"].pk},
    )
    assert response.status_code == 400
    assert "at least one person or organisation" in response.content.decode()
    assert not Interaction.all_objects.exists()


def test_the_form_refuses_a_cadence_of_zero(client, network, staff, person):
    client.force_login(staff)
    page = client.get(f"/relations/key-contacts/add/?person={person.pk}")
    assert page.status_code == 200 and f'<option value="{person.pk}" selected>' in page.content.decode()
    data = {
        "person": person.pk,
        "kind": "key",
        "unit": network["a"].pk,
        "cadence_days": "0",
        "responsible": staff.pk,
        "since": "2024-01-01",
    }
    response = client.post("/relations/key-contacts/add/", data)
    assert response.status_code == 400
    assert "at least 1" in response.content.decode()
    assert not KeyContact.objects.exists()
    data["cadence_days"] = "60"
    response = client.post("/relations/key-contacts/add/", data)
    assert response.status_code == 302
    kc = KeyContact.objects.get()
    assert kc.due_on == D(2024, 3, 1)
    assert client.get(kc.get_absolute_url()).status_code == 200
    response = client.post(f"/relations/key-contacts/{kc.pk}/end/", {"reason": "已退休"})
    kc.refresh_from_db()
    assert kc.ended_on == local_today(staff)


def test_deleting_through_the_page_recomputes(client, network, staff, manager, person):
    kc = services.mark_key_contact(staff, unit=network["a"], person=person, responsible=staff, since=D(2024, 1, 1))
    interaction = _log(staff, network["a"], at(2024, 3, 1), [person])
    client.force_login(manager)
    assert client.post(f"/relations/interactions/{interaction.pk}/delete/").status_code == 302
    kc.refresh_from_db()
    assert kc.last_contact_on is None
    assert client.post(f"/relations/interactions/{interaction.pk}/restore/").status_code == 302
    kc.refresh_from_db()
    assert kc.last_contact_on == D(2024, 3, 1)


# ---------------------------------------------------------------- lists, figures, exports, queries


def test_lists_with_figures_and_exports(client, network, staff, person, org, make_person, make_org):
    other = make_person(network["a"], "李小明")
    enterprise = make_org(network["a"], "澳门新濠电子有限公司", kind="enterprise", region="MO")
    _log(staff, network["a"], at(2024, 3, 1), [person, other], [org])
    _log(staff, network["a"], at(2024, 3, 2), [person], kind="call")
    services.mark_key_contact(staff, unit=network["a"], person=person, responsible=staff, since=D(2024, 1, 1))
    services.mark_key_contact(
        staff, unit=network["a"], organization=enterprise, responsible=staff, kind="liaison", since=local_today(staff)
    )
    figures = services.interaction_figures(Interaction.objects.all())
    assert figures["count"] == 2 and figures["people"] == 2 and figures["organizations"] == 1
    assert figures["by_kind"]["visit"] == 1 and figures["by_kind"]["call"] == 1 and figures["by_kind"]["letter"] == 0
    client.force_login(staff)
    html = client.get("/relations/interactions/").content.decode()
    assert 'data-figure="count">2<' in html and 'data-figure="people">2<' in html
    html = client.get("/relations/key-contacts/?overdue=1").content.decode()
    assert 'data-figure="overdue">1<' in html and "陳大文" in html and "澳门新濠电子有限公司" not in html
    html = client.get("/relations/key-contacts/?responsible=mine&party=organization&kind=liaison").content.decode()
    assert "澳门新濠电子有限公司" in html and 'data-figure="liaisons">1<' in html
    rows = list(csv.reader(io.StringIO(client.get("/relations/interactions/?export=csv").content.decode("utf-8-sig"))))
    assert len(rows) == 3 and any("陳大文" in cell for cell in rows[1])
    rows = list(csv.reader(io.StringIO(client.get("/relations/key-contacts/?export=csv").content.decode("utf-8-sig"))))
    assert len(rows) == 3
    response = client.get("/relations/key-contacts/?export=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_list_pages_and_api_take_a_bounded_number_of_queries(
    client, api, network, staff, person, org, make_person, django_assert_max_num_queries
):
    people = [make_person(network["a"], f"人员{n}") for n in range(12)]
    for n, someone in enumerate(people):
        _log(staff, network["a"], at(2024, 3, 1 + n), [someone], [org])
        services.mark_key_contact(staff, unit=network["a"], person=someone, responsible=staff, since=D(2024, 1, 1))
    client.force_login(staff)
    for url in ("/relations/interactions/", "/relations/key-contacts/"):
        client.get(url)
        with django_assert_max_num_queries(30):
            assert client.get(url).status_code == 200
    for url in ("/api/interactions/", "/api/key-contacts/"):
        with django_assert_max_num_queries(20):
            assert api(staff).get(url).json()["count"] == 12


# ---------------------------------------------------------------- API


def test_the_api(api, network, staff, person, org):
    client = api(staff)
    response = client.post(
        "/api/key-contacts/",
        {"person": person.pk, "unit": network["a"].pk, "cadence_days": 0, "responsible": staff.pk},
        format="json",
    )
    assert response.status_code == 400 and "cadence_days" in response.json()
    response = client.post(
        "/api/key-contacts/",
        {
            "person": person.pk,
            "unit": network["a"].pk,
            "cadence_days": 30,
            "responsible": staff.pk,
            "since": "2024-01-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    kc = response.json()
    assert kc["due_on"] == "2024-01-31" and kc["overdue"] is True
    response = client.post(
        "/api/interactions/",
        {"kind": "call", "occurred_at": "2024-03-01T10:00:00+08:00", "summary": "电话", "unit": network["a"].pk},
        format="json",
    )
    assert response.status_code == 400 and "people" in response.json()
    response = client.post(
        "/api/interactions/",
        {
            "kind": "call",
            "occurred_at": "2024-03-01T23:30:00+08:00",
            "summary": "电话回访",
            "people": [person.pk],
            "unit": network["a"].pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["occurred_on"] == "2024-03-01" and created["staff"] == [staff.pk]
    kc = client.get(f"/api/key-contacts/{kc['id']}/").json()
    assert kc["last_contact_on"] == "2024-03-01" and kc["due_on"] == "2024-03-31"
    assert client.get(f"/api/interactions/?person={person.pk}").json()["count"] == 1
    assert client.get("/api/interactions/figures/?kind=call").json()["count"] == 1
    assert client.get("/api/interactions/figures/?kind=visit").json()["count"] == 0
    figures = client.get("/api/key-contacts/figures/").json()
    assert figures["active"] == 1 and figures["by_unit"][0]["unit"] == network["a"].pk
    assert figures["overdue"] == 1 and client.get("/api/key-contacts/figures/?kind=liaison").json()["active"] == 0
    response = client.patch(f"/api/key-contacts/{kc['id']}/", {"cadence_days": 0}, format="json")
    assert response.status_code == 400 and "cadence_days" in response.json()
    assert client.patch(f"/api/key-contacts/{kc['id']}/", {"cadence_days": 10}, format="json").json()["due_on"] == (
        "2024-03-11"
    )
    assert client.delete(f"/api/key-contacts/{kc['id']}/").status_code in (403, 405)
    assert client.post(f"/api/key-contacts/{kc['id']}/end/", {}, format="json").json()["ended_on"]
    assert client.get("/api/key-contacts/").json()["count"] == 0
    assert client.get("/api/key-contacts/?status=all").json()["count"] == 1
    assert client.delete(f"/api/interactions/{created['id']}/").status_code == 403  # staff do not delete


# ---------------------------------------------------------------- the home page and the record pages


def test_the_home_page_lists_what_is_due(client, network, staff, manager, person, org):
    today = local_today(staff)
    kc = services.mark_key_contact(
        staff, unit=network["a"], person=person, responsible=staff, cadence_days=1, since=today - datetime.timedelta(5)
    )
    soon = services.mark_key_contact(
        staff, unit=network["a"], organization=org, responsible=staff, cadence_days=2, since=today
    )
    interaction = _log(staff, network["a"], at(2024, 3, 1), [person], follow_up="回访", follow_up_on=D(2024, 3, 5))
    client.force_login(staff)
    html = client.get("/").content.decode()
    assert f'data-key-contact="{kc.pk}" data-overdue="1"' in html
    assert f'data-key-contact="{soon.pk}" data-overdue="0"' in html
    assert f'data-follow-up="{interaction.pk}" data-overdue="1"' in html
    client.force_login(manager)
    html = client.get("/").content.decode()
    assert f'data-lapsed-unit="{network["a"].pk}"' in html and 'data-lapsed="1"' in html


def test_the_person_and_organisation_pages_show_status_and_timeline(client, network, staff, person, org):
    kc = services.mark_key_contact(staff, unit=network["a"], person=person, responsible=staff, since=D(2024, 1, 1))
    for n in range(25):
        _log(staff, network["a"], at(2024, 1, 1 + n), [person], [org], summary=f"第{n}次联络")
    client.force_login(staff)
    html = client.get(person.get_absolute_url()).content.decode()
    assert f'data-key-contact="{kc.pk}"' in html and 'id="timeline"' in html
    assert f"/relations/interactions/add/?person={person.pk}" in html
    first = client.get(f"/relations/timeline/person/{person.pk}/").content.decode()
    assert first.count("data-timeline=") == 20 and "第24次联络" in first and "offset=20" in first
    assert 'data-timeline="change"' in first  # the record's own history, newest first
    rest = client.get(f"/relations/timeline/person/{person.pk}/?offset=20").content.decode()
    assert "第0次联络" in rest and "timeline-more" not in rest
    assert (first + rest).count('data-timeline="interaction"') == 25
    html = client.get(org.get_absolute_url()).content.decode()
    assert 'id="assign-liaison"' in html
    assert "第24次联络" in client.get(f"/relations/timeline/organization/{org.pk}/").content.decode()
