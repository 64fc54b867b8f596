"""Internships: positions, applications, placements in batches; places; the batch's figures count
interns; outcomes; scoping through pages and API; every page in three languages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qiao.activities import services as activity_services
from qiao.activities.models import Activity, ActivityKind, Participation
from qiao.internships import services
from qiao.internships.models import InternshipApplication, InternshipPosition, Placement

D = datetime.date
ROLES = ["viewer", "staff", "manager", "admin"]
SUMMER_START, SUMMER_END = D(2024, 7, 1), D(2024, 8, 31)


@pytest.fixture
def root(make_user):
    return make_user("root", is_superuser=True)


@pytest.fixture
def staff(network, make_user):
    return make_user("staff-a", network["a"], "staff")


@pytest.fixture
def staff_b(network, make_user):
    return make_user("staff-b", network["b"], "staff")


@pytest.fixture
def make_batch(root):
    kind = ActivityKind.objects.get(code="internship-batch")

    def make(unit, number=1, start=SUMMER_START, end=SUMMER_END):
        activity = Activity(unit=unit, kind=kind, title=f"第{number}批香港青年惠州实习", start_date=start, end_date=end)
        return activity_services.save_activity(root, activity)

    return make


@pytest.fixture
def position(network, staff, make_org):
    org = make_org(network["a"], "惠州科技有限公司", kind="enterprise")
    return services.save_position(
        staff,
        InternshipPosition(
            unit=network["a"],
            organization=org,
            title="数据分析实习生",
            slots=2,
            start_date=D(2024, 7, 1),
            end_date=D(2024, 8, 31),
            place="惠州仲恺",
        ),
        skills=["数据分析", "Python"],
    )


def test_apply_shortlist_place_flow(network, staff, position, make_person, make_batch):
    batch = make_batch(network["a"])
    chan = make_person(network["a"], "陳大文", region="HK")
    application = services.apply(staff, position, chan, notes="港大三年级")
    assert application.status == "applied" and application.position == position
    services.shortlist(staff, application)
    application.refresh_from_db()
    assert application.status == "shortlisted"

    placement = services.place(staff, application, batch)
    application.refresh_from_db()
    assert application.status == "placed"
    assert (placement.start_date, placement.end_date) == (batch.start_date, batch.end_date)  # from the batch
    assert placement.outcome == "ongoing"
    participation = Participation.objects.get(activity=batch, person=chan)
    assert participation.role == "intern" and participation.status == "attended"

    # the batch's figures count the intern
    figures = activity_services.figures(staff, Activity.objects.filter(pk=batch.pk))
    assert figures["batches"] == 1 and figures["people"] == 1 and figures["person_times"] == 1
    assert figures["by_role"] == {"intern": 1} and figures["by_region"] == {"HK": 1}

    # applying twice is refused; placing twice too
    with pytest.raises(ValidationError):
        services.apply(staff, position, chan)
    with pytest.raises(ValidationError):
        services.place(staff, application, batch)
    assert position.skills.count() == 2


def test_the_places_of_a_position_limit_the_placements(network, staff, position, make_person, make_batch):
    batch = make_batch(network["a"])
    people = [make_person(network["a"], name) for name in ("陳大文", "李小龍", "何嘉欣")]
    applications = [services.apply(staff, position, person) for person in people]
    services.place(staff, applications[0], batch)
    services.place(staff, applications[1], batch)
    with pytest.raises(ValidationError) as refused:
        services.place(staff, applications[2], batch)
    assert "2 places" in " ".join(refused.value.messages)
    assert Placement.objects.count() == 2
    assert not Participation.objects.filter(person=people[2]).exists()  # nothing half-written

    # cancelling a placement frees the place and takes the intern off the batch
    services.cancel_placement(staff, applications[0].placement)
    applications[0].refresh_from_db()
    assert applications[0].status == "shortlisted"
    assert Participation.objects.get(activity=batch, person=people[0]).status == "cancelled"
    services.place(staff, applications[2], batch)
    assert activity_services.figures(staff, Activity.objects.filter(pk=batch.pk))["people"] == 2


def test_outcomes_and_batch_totals(network, staff, position, make_person, make_batch):
    position.slots = 10
    services.save_position(staff, position)
    first, second = make_batch(network["a"], 1), make_batch(network["a"], 2, D(2025, 1, 6), D(2025, 2, 28))
    people = [make_person(network["a"], name) for name in ("陳大文", "李小龍", "何嘉欣", "黃志明")]
    placements = []
    for person, batch in zip(people, (first, first, second, second), strict=True):
        placements.append(services.place(staff, services.apply(staff, position, person), batch))
    services.set_outcome(staff, placements[0], "completed")
    services.set_outcome(staff, placements[1], "left_early", end_date=D(2024, 7, 20), notes="回港读书")
    services.set_outcome(staff, placements[2], "offered_job")
    placements[1].refresh_from_db()
    assert placements[1].end_date == D(2024, 7, 20) and placements[1].notes == "回港读书"
    with pytest.raises(ValidationError):
        services.set_outcome(staff, placements[3], "vanished")
    with pytest.raises(ValidationError):
        services.set_outcome(staff, placements[0], "completed", end_date=D(2024, 6, 1))  # before the start

    totals = services.totals(Placement.objects.restrict(staff))
    assert totals["batches"] == 2 and totals["interns"] == 4 and totals["placements"] == 4
    assert {code: n for code, _label, n in totals["by_outcome"]} == {
        "ongoing": 1,
        "completed": 1,
        "left_early": 1,
        "offered_job": 1,
    }
    assert [row["interns"] for row in totals["by_batch"]] == [2, 2]
    # an intern who left early still took part: the figures of both batches count all four
    batches = Activity.objects.filter(pk__in=[first.pk, second.pk])
    assert activity_services.figures(staff, batches)["people"] == 4


def test_moving_a_placement_to_another_batch_moves_the_intern(network, staff, position, make_person, make_batch):
    first, second = make_batch(network["a"], 1), make_batch(network["a"], 2, D(2025, 1, 6), None)
    chan = make_person(network["a"])
    placement = services.place(staff, services.apply(staff, position, chan), first)
    services.update_placement(staff, placement, batch=second)
    assert Participation.objects.get(activity=first, person=chan).status == "cancelled"
    assert Participation.objects.get(activity=second, person=chan).status == "attended"


def test_status_rules(network, staff, position, make_person, make_batch, make_org):
    batch = make_batch(network["a"])
    chan = make_person(network["a"])
    application = services.apply(staff, position, chan)
    services.reject(staff, application)
    with pytest.raises(ValidationError):
        services.place(staff, application, batch)  # rejected: not placeable
    with pytest.raises(ValidationError):
        services.withdraw(staff, application)  # rejected → withdrawn is not a move
    with pytest.raises(ValidationError):
        services.set_status(staff, application, "placed")  # placing needs a batch
    services.set_status(staff, application, "applied")
    # a placed intern who withdraws: the placement is cancelled with them
    services.place(staff, application, batch)
    services.withdraw(staff, application)
    application.refresh_from_db()
    assert application.status == "withdrawn" and not Placement.objects.exists()
    assert Participation.objects.get(activity=batch, person=chan).status == "cancelled"
    # applying again reopens the withdrawn application
    assert services.apply(staff, position, chan).pk == application.pk
    application.refresh_from_db()
    assert application.status == "applied"
    # a batch must be an internship batch
    talk = activity_services.save_activity(
        staff,
        Activity(
            unit=network["a"], kind=ActivityKind.objects.get(code="talk"), title="学长说", start_date=D(2024, 7, 1)
        ),
    )
    with pytest.raises(ValidationError):
        services.place(staff, application, talk)
    # a closed position takes no new applications
    position.status = "closed"
    services.save_position(staff, position)
    with pytest.raises(ValidationError):
        services.apply(staff, position, make_person(network["a"], "李小龍"))


def test_history_of_applications_shows_on_the_position(network, staff, position, make_person, make_batch):
    from django.contrib.contenttypes.models import ContentType

    from qiao.core.models import ChangeRecord

    application = services.apply(staff, position, make_person(network["a"]))
    services.place(staff, application, make_batch(network["a"]))
    records = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(InternshipPosition), object_id=position.pk
    )
    last = records.order_by("-id").first()
    assert last.after["applications"][0]["status"] == "placed"
    assert last.after["applications"][0]["placement"]["outcome"] == "ongoing"


# ---------------------------------------------------------------- scoping


def test_base_b_cannot_see_or_place_base_a_applications(
    client, api, network, staff, staff_b, position, make_person, make_batch
):
    batch_a, batch_b = make_batch(network["a"]), make_batch(network["b"], 9)
    chan = make_person(network["a"])
    application = services.apply(staff, position, chan)
    with pytest.raises(PermissionDenied):
        services.place(staff_b, application, batch_b)
    with pytest.raises(PermissionDenied):
        services.shortlist(staff_b, application)
    with pytest.raises(PermissionDenied):
        services.apply(staff_b, position, make_person(network["b"], "李小龍"))
    # base A staff may not put their intern in base B's batch either
    with pytest.raises(PermissionDenied):
        services.place(staff, application, batch_b)
    placement = services.place(staff, application, batch_a)

    client.force_login(staff_b)
    assert position.title not in client.get("/internships/").content.decode()
    for url in (
        f"/internships/{position.pk}/",
        f"/internships/{position.pk}/edit/",
        f"/internships/applications/{application.pk}/place/",
        f"/internships/placements/{placement.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/internships/applications/{application.pk}/status/", {"status": "rejected"}).status_code == 404
    assert client.post(f"/internships/placements/{placement.pk}/cancel/").status_code == 404
    assert "陳大文" not in client.get("/internships/placements/").content.decode()
    application.refresh_from_db()
    assert application.status == "placed"

    b = api(staff_b)
    for resource in ("internship-positions", "internship-applications", "internship-placements"):
        assert b.get(f"/api/{resource}/").json()["count"] == 0, resource
    assert b.get(f"/api/internship-positions/{position.pk}/").status_code == 404
    assert b.get(f"/api/internship-applications/{application.pk}/").status_code == 404
    assert b.delete(f"/api/internship-placements/{placement.pk}/").status_code == 404
    response = b.post("/api/internship-applications/", {"position": position.pk, "person": chan.pk}, format="json")
    assert response.status_code == 400  # a position they cannot see does not exist for them
    assert Placement.objects.filter(pk=placement.pk).exists()


def test_viewers_read_but_do_not_change(client, network, make_user, position, staff, make_person):
    viewer = make_user("viewer-a", network["a"], "viewer")
    application = services.apply(staff, position, make_person(network["a"]))
    client.force_login(viewer)
    page = client.get(f"/internships/{position.pk}/").content.decode()
    assert "陳大文" in page and "add-applicant" not in page and 'data-action="place"' not in page
    assert client.post(f"/internships/applications/{application.pk}/status/", {"status": "rejected"}).status_code == 404
    assert client.get(f"/internships/applications/{application.pk}/place/").status_code == 403


# ---------------------------------------------------------------- pages


def test_the_pages_apply_shortlist_place_and_record_the_outcome(
    client, network, staff, position, make_person, make_batch
):
    batch = make_batch(network["a"])
    chan = make_person(network["a"])
    client.force_login(staff)
    response = client.post(f"/internships/{position.pk}/applicants/", {"person": chan.pk, "notes": "推荐"})
    assert response.status_code == 302
    application = InternshipApplication.objects.get(position=position, person=chan)
    page = client.get(f"/internships/{position.pk}/").content.decode()
    assert f'id="application-{application.pk}"' in page and 'data-action="shortlist"' in page
    client.post(f"/internships/applications/{application.pk}/status/", {"status": "shortlisted"})
    application.refresh_from_db()
    assert application.status == "shortlisted"
    # a second time: a clear message, no second application
    client.post(f"/internships/{position.pk}/applicants/", {"person": chan.pk})
    assert InternshipApplication.objects.filter(person=chan).count() == 1

    place_url = f"/internships/applications/{application.pk}/place/"
    assert client.get(place_url).status_code == 200
    response = client.post(place_url, {"batch": batch.pk, "start_date": "", "end_date": "", "outcome": "ongoing"})
    assert response.status_code == 302, response.content.decode()[:2000]
    placement = Placement.objects.get(application=application)
    assert placement.start_date == batch.start_date

    edit = f"/internships/placements/{placement.pk}/edit/"
    response = client.post(
        edit, {"batch": batch.pk, "start_date": "2024-07-01", "end_date": "2024-07-15", "outcome": "left_early"}
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.outcome == "left_early" and placement.end_date == D(2024, 7, 15)
    bad = client.post(edit, {"batch": batch.pk, "start_date": "2024-07-01", "end_date": "2024-06-01", "outcome": "x"})
    assert bad.status_code == 400

    page = client.get("/internships/placements/", {"batch": batch.pk}).content.decode()
    assert 'data-figure="interns">1<' in page and "陳大文" in page
    assert 'data-figure="batches">1<' in page
    page = client.get("/internships/", {"status": "open"}).content.decode()
    assert position.title in page


def test_slots_full_is_a_clear_message_on_the_page(client, network, staff, position, make_person, make_batch):
    position.slots = 1
    services.save_position(staff, position)
    batch = make_batch(network["a"])
    first = services.apply(staff, position, make_person(network["a"]))
    second = services.apply(staff, position, make_person(network["a"], "李小龍"))
    services.place(staff, first, batch)
    client.force_login(staff)
    response = client.post(f"/internships/applications/{second.pk}/place/", {"batch": batch.pk, "outcome": "ongoing"})
    assert response.status_code == 400
    assert "1 place and it is taken" in response.content.decode()


def test_positions_are_created_and_edited_through_the_form(client, network, staff, make_org):
    org = make_org(network["a"], "惠州科技有限公司")
    client.force_login(staff)
    data = {
        "organization": org.pk,
        "title": "软件开发实习生",
        "slots": "3",
        "start_date": "2024-07-01",
        "end_date": "2024-06-01",
        "place": "惠州",
        "work_mode": "hybrid",
        "status": "open",
        "unit": network["a"].pk,
        "description": "",
        "requirements": "本科在读",
        "skills_text": "软件，Python",
    }
    response = client.post("/internships/add/", data)
    assert response.status_code == 400 and "end date is before" in response.content.decode()
    data["end_date"] = "2024-08-31"
    assert client.post("/internships/add/", data).status_code == 302
    created = InternshipPosition.objects.get(title="软件开发实习生")
    assert sorted(t.name for t in created.skills.all()) == ["Python", "软件"]
    data["slots"] = "0"
    assert client.post(f"/internships/{created.pk}/edit/", data).status_code == 400


def test_managers_delete_and_restore_a_position(client, network, make_user, position):
    manager = make_user("manager-a", network["a"], "manager")
    client.force_login(manager)
    assert client.post(f"/internships/{position.pk}/delete/").status_code == 302
    link = f'href="/internships/{position.pk}/"'
    assert link not in client.get("/internships/").content.decode()
    assert f"/internships/{position.pk}/restore/" in client.get("/internships/deleted/").content.decode()
    assert client.post(f"/internships/{position.pk}/restore/").status_code == 302
    assert not InternshipPosition.all_objects.get(pk=position.pk).is_deleted


# ---------------------------------------------------------------- API


def test_api_apply_place_outcome_and_cancel(api, network, staff, position, make_person, make_batch):
    batch = make_batch(network["a"])
    chan = make_person(network["a"])
    client = api(staff)
    response = client.post("/api/internship-applications/", {"position": position.pk, "person": chan.pk}, format="json")
    assert response.status_code == 201, response.json()
    application = response.json()
    assert application["status"] == "applied" and application["placement"] is None
    again = client.post("/api/internship-applications/", {"position": position.pk, "person": chan.pk}, format="json")
    assert again.status_code == 400 and "person" in again.json()
    response = client.patch(
        f"/api/internship-applications/{application['id']}/", {"status": "shortlisted"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "shortlisted"
    bad = client.patch(f"/api/internship-applications/{application['id']}/", {"status": "placed"}, format="json")
    assert bad.status_code == 400

    response = client.post(
        "/api/internship-placements/", {"application": application["id"], "batch": batch.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    placement = response.json()
    assert placement["start_date"] == "2024-07-01" and placement["person"] == chan.pk
    response = client.patch(f"/api/internship-placements/{placement['id']}/", {"outcome": "offered_job"}, format="json")
    assert response.status_code == 200 and response.json()["outcome"] == "offered_job"
    positions = client.get("/api/internship-positions/").json()["results"]
    assert positions[0]["placed_count"] == 1 and positions[0]["applied_count"] == 1
    assert client.get("/api/internship-placements/", {"outcome": "offered_job"}).json()["count"] == 1
    assert client.get(f"/api/internship-applications/{application['id']}/").json()["placement"]["id"] == placement["id"]

    assert client.delete(f"/api/internship-placements/{placement['id']}/").status_code == 204
    assert not Placement.objects.exists()
    assert Participation.objects.get(activity=batch, person=chan).status == "cancelled"


def test_api_positions_create_and_refuse_bad_input(api, network, staff, make_org):
    org = make_org(network["a"], "惠州科技有限公司")
    client = api(staff)
    payload = {
        "title": "市场实习生",
        "organization": org.pk,
        "slots": 4,
        "start_date": "2024-07-01",
        "end_date": "2024-08-31",
        "work_mode": "on_site",
        "skills": ["市场营销"],
        "unit": network["a"].pk,
    }
    response = client.post("/api/internship-positions/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["skills"] == ["市场营销"] and response.json()["applied_count"] == 0
    for field, value in (("slots", 0), ("end_date", "2024-06-01"), ("work_mode", "moon"), ("unit", network["b"].pk)):
        bad = client.post("/api/internship-positions/", {**payload, field: value}, format="json")
        assert bad.status_code == 400 and field in bad.json(), (field, bad.json())


# ---------------------------------------------------------------- every page, every role, every language


@pytest.fixture
def site(network, make_user, make_person, make_org, make_batch):
    users = {role: make_user(f"{role}-a", network["a"], role) for role in ROLES}
    org = make_org(network["a"], "惠州科技有限公司")
    position = services.save_position(
        users["staff"], InternshipPosition(unit=network["a"], organization=org, title="数据分析实习生", slots=3)
    )
    person = make_person(network["a"])
    application = services.apply(users["staff"], position, person)
    other = services.apply(users["staff"], position, make_person(network["a"], "李小龍"))
    placement = services.place(users["staff"], application, make_batch(network["a"]))
    return {"users": users, "position": position, "application": other, "placement": placement}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_every_page_answers_without_error(client, site, role, language):
    position, application, placement = site["position"], site["application"], site["placement"]
    client.force_login(site["users"][role])
    urls = [
        "/internships/",
        "/internships/?organization=&status=open&date_from=2024-01-01&date_to=2025-12-31",
        "/internships/?export=csv",
        "/internships/?export=xlsx",
        "/internships/add/",
        "/internships/deleted/",
        f"/internships/{position.pk}/",
        f"/internships/{position.pk}/?status=placed",
        f"/internships/{position.pk}/edit/",
        f"/internships/{position.pk}/history/",
        f"/internships/{position.pk}/delete/",
        f"/internships/applications/{application.pk}/place/",
        "/internships/placements/",
        "/internships/placements/?outcome=ongoing&date_from=2024-01-01",
        "/internships/placements/?export=xlsx",
        f"/internships/placements/{placement.pk}/edit/",
        "/api/internship-positions/",
        "/api/internship-applications/",
        "/api/internship-placements/",
        f"/api/internship-positions/{position.pk}/history/",
        "/internships/999999/",
    ]
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
    page = client.get(f"/internships/{position.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    htmx = client.get("/internships/placements/", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE=language)
    assert htmx.status_code == 200 and b"placement-totals" in htmx.content
