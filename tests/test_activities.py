"""Activities and participations: first-timers at the edges, figures that equal the rows behind
them, merges counted once, scoping, pages and API."""

import datetime
import itertools
import types

import pytest

from qiao.activities import services
from qiao.activities.models import Activity, ActivityKind, Participation, Programme, Series, TargetGroup
from qiao.people import merging
from qiao.people.models import Person

D = datetime.date


@pytest.fixture
def kinds(db):
    from qiao.activities.defaults import ensure

    ensure()  # a transactional test before this one flushed the migrations' rows
    return {k.code: k for k in ActivityKind.objects.all()}


@pytest.fixture
def root(make_user):
    return make_user("root", is_superuser=True)


@pytest.fixture
def make_activity(root, kinds):
    def make(unit, day, kind="exchange-visit", title="", **fields):
        activity = Activity(unit=unit, kind=kinds[kind], title=title or f"{kind} {day}", start_date=day, **fields)
        return services.save_activity(root, activity)

    return make


def attend(root, activity, *people, status="attended", **extra):
    for person in people:
        services.add_participant(root, activity, person, status=status, **extra)


def test_first_timer_at_the_edges_of_the_period(network, root, make_activity, make_person):
    chan = make_person(network["a"], "陳大文")
    first = make_activity(network["a"], D(2024, 1, 1))
    later = make_activity(network["a"], D(2024, 3, 1))
    attend(root, first, chan)
    attend(root, later, chan)
    both = Activity.objects.filter(pk__in=[first.pk, later.pk])
    # the first attendance on the period's first day counts
    assert services.figures(root, both, since=D(2024, 1, 1))["first_timers"] == 1
    # a period starting the day after: he came before, so he is not a first-timer of it
    assert services.figures(root, both.filter(start_date__gte=D(2024, 1, 2)), since=D(2024, 1, 2))["first_timers"] == 0
    # an activity's own figures: first-timer at the first, not at the second
    assert services.figures(root, Activity.objects.filter(pk=first.pk))["first_timers"] == 1
    assert services.figures(root, Activity.objects.filter(pk=later.pk))["first_timers"] == 0


def test_absent_and_cancelled_do_not_count(network, root, make_activity, make_person):
    ho = make_person(network["a"], "何嘉欣")
    missed = make_activity(network["a"], D(2023, 5, 1))
    dropped = make_activity(network["a"], D(2023, 6, 1))
    came = make_activity(network["a"], D(2024, 5, 1))
    attend(root, missed, ho, status="absent")
    attend(root, dropped, ho, status="cancelled")
    attend(root, came, ho)
    figures = services.figures(root, Activity.objects.all(), since=D(2024, 1, 1))
    assert figures["first_timers"] == 1 and figures["person_times"] == 1 and figures["registered"] == 2
    assert services.figures(root, Activity.objects.filter(pk=missed.pk))["people"] == 0


def test_first_timers_depend_on_the_readers_scope(network, root, make_user, make_activity, make_person):
    lam = make_person(network["centre"], "林美玲")
    in_b = make_activity(network["b"], D(2023, 9, 1))
    in_a = make_activity(network["a"], D(2024, 4, 1))
    attend(root, in_b, lam)
    attend(root, in_a, lam)
    a_staff = make_user("staff-a", network["a"], "staff")
    centre = make_user("centre", network["centre"], "viewer")
    a_rows = Activity.objects.restrict(a_staff)
    assert services.figures(a_staff, a_rows, since=D(2024, 1, 1))["first_timers"] == 1  # new to base A
    centre_rows = Activity.objects.restrict(centre).filter(start_date__gte=D(2024, 1, 1))
    assert services.figures(centre, centre_rows, since=D(2024, 1, 1))["first_timers"] == 0  # not new to the centre
    # and the centre filtering on base A sees what base A sees
    assert services.figures(centre, centre_rows, since=D(2024, 1, 1), unit=network["a"])["first_timers"] == 1


def test_a_person_merged_after_the_fact_counts_once(network, root, make_activity, make_person):
    first = make_person(network["a"], "陳大文", birth_date=D(1990, 5, 4))
    second = make_person(network["a"], "陈大文", birth_date=D(1990, 5, 4))
    old = make_activity(network["a"], D(2023, 1, 10))
    new = make_activity(network["a"], D(2024, 2, 10))
    attend(root, old, second)
    attend(root, new, first)
    attend(root, new, second, status="registered")  # both records on the same list
    everything = Activity.objects.all()
    before = services.figures(root, everything.filter(start_date__gte=D(2024, 1, 1)), since=D(2024, 1, 1))
    assert before["first_timers"] == 1 and before["people"] == 1  # the second record is only registered
    merging.merge(root, first, second)
    after = services.figures(root, everything.filter(start_date__gte=D(2024, 1, 1)), since=D(2024, 1, 1))
    assert after["people"] == 1 and after["first_timers"] == 0  # he came in 2023 as his other record
    assert Participation.objects.filter(person=first).count() == 2  # one per activity, the better status kept
    assert Participation.objects.get(person=first, activity=new).status == "attended"
    assert services.figures(root, everything)["people"] == 1


@pytest.fixture
def history(network, root, make_activity, make_person, kinds):
    """Three years of activities over two bases, with repeat visitors, partners and target groups."""
    from qiao.orgs.models import Organization

    partner = Organization.objects.create(unit=network["centre"], name="香港青年聯會")
    hk_youth = TargetGroup.objects.get(code="hk-youth")
    people = [
        make_person(network["a" if i % 2 else "b"], f"人{i}", region=["HK", "MO", "TW", ""][i % 4]) for i in range(12)
    ]
    activities = []
    for n, (unit, day, kind) in enumerate(
        itertools.product(
            (network["a"], network["b"], network["a1"]),
            (D(2023, 3, 1), D(2024, 1, 1), D(2024, 6, 30), D(2025, 1, 1)),
            ("exchange-visit", "talk"),
        )
    ):
        activity = make_activity(unit, day, kind, title=f"活动{n}")
        if n % 3 == 0:
            activity.partners.add(partner)
            activity.target_groups.add(hk_youth)
        for i, person in enumerate(people):
            if (i + n) % 3 == 0:
                attend(root, activity, person, role="speaker" if i == 0 else "participant")
            elif (i + n) % 5 == 0:
                attend(root, activity, person, status=["registered", "absent", "cancelled"][n % 3])
        activities.append(activity)
    return {"partner": partner, "hk_youth": hk_youth, "people": people, "activities": activities}


FILTERS = [
    {},
    {"kind": "talk"},
    {"date_from": "2024-01-01"},
    {"date_from": "2024-01-01", "date_to": "2024-06-30"},
    {"date_to": "2023-12-31"},
    {"unit": "a"},
    {"unit": "a", "kind": "exchange-visit", "date_from": "2024-06-30"},
    {"partner": True},
    {"target_group": True, "date_from": "2024-01-01"},
    {"q": "活动1"},
]


def _query(params, history, network, kinds):
    query = {}
    for key, value in params.items():
        if key == "kind":
            query["kind"] = kinds[value].pk
        elif key == "unit":
            query["unit"] = network[value].pk
        elif key == "partner":
            query["partner"] = history["partner"].pk
        elif key == "target_group":
            query["target_group"] = history["hk_youth"].pk
        else:
            query[key] = value
    return query


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: ",".join(p) or "all")
def test_list_reads_the_tallies_by_their_own_columns_when_it_can(client, network, make_user, history, kinds, params):
    """Filtered by period, unit and kind only, the list's role sums come from the tallies' own copies of those (the
    test above checks the figures); filtered by anything else or searched, through the listed activities."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_user("viewer-a", network["a"], "viewer"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/activities/", _query(params, history, network, kinds))
    assert response.status_code == 200
    sums = [q["sql"] for q in queries.captured_queries if 'SUM("activities_activitytally"."registered")' in q["sql"]]
    assert len(sums) == (1 if response.context["table"].paginator.count else 0)  # an empty list sums nothing
    own = set(params) <= {"date_from", "date_to", "unit", "kind"}
    assert all(('"activities_activitytally"."activity_id" IN (' not in sql) == own for sql in sums)


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: ",".join(p) or "all")
@pytest.mark.parametrize("who", ["centre", "a"])
def test_list_figures_equal_the_rows_behind_them(client, network, make_user, history, kinds, params, who):
    user = make_user(f"viewer-{who}", network["centre" if who == "centre" else "a"], "viewer")
    client.force_login(user)
    query = _query(params, history, network, kinds)
    response = client.get("/activities/", {**query, "per_page": 500})
    assert response.status_code == 200
    context = response.context
    figures = context["figures"]
    shown = list(context["table"].data.data)
    # recompute from the rows with plain Python
    rows = Participation.objects.filter(activity__in=[a.pk for a in shown])
    attended = [p for p in rows if p.status == "attended"]
    assert figures["batches"] == len(shown) == context["table"].paginator.count
    assert figures["person_times"] == len(attended)
    assert figures["people"] == len({p.person_id for p in attended})
    assert figures["registered"] == len([p for p in rows if p.status != "cancelled"])
    since = (
        D.fromisoformat(params["date_from"])
        if "date_from" in params
        else min((a.start_date for a in shown), default=None)
    )
    visible_units = {a.unit_id for a in Activity.objects.restrict(user)}
    if "unit" in params:
        from qiao.core.models import Unit

        visible_units &= set(
            Unit.objects.filter(path__startswith=network[params["unit"]].path).values_list("pk", flat=True)
        )
    everyone = Participation.objects.filter(
        status="attended", unit__in=visible_units, activity__deleted_at__isnull=True
    )
    first = {
        p.person_id
        for p in attended
        if since and p.date >= since and not everyone.filter(person=p.person_id, date__lt=since).exists()
    }
    assert figures["first_timers"] == len(first)
    by_region = {}
    for person_id in {p.person_id for p in attended}:
        region = Person.objects.get(pk=person_id).region
        by_region[region] = by_region.get(region, 0) + 1
    assert sum(n for _label, n in figures["by_region"]) == figures["people"]
    assert sorted(n for _label, n in figures["by_region"]) == sorted(by_region.values())
    # the API gives the same figures for the same filter
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user)
    answer = api.get("/api/activities/figures/", query)
    if answer.status_code == 400:  # a filter on a record the reader may not see: the page shows nothing
        assert figures["batches"] == 0 and "partner" in answer.json()
        return
    body = answer.json()
    assert {k: body[k] for k in ("batches", "person_times", "people", "first_timers")} == {
        k: figures[k] for k in ("batches", "person_times", "people", "first_timers")
    }


def test_scoping_of_activities_and_participations(client, network, make_user, make_activity, make_person, api):
    a_activity = make_activity(network["a"], D(2024, 5, 1))
    b_person = make_person(network["b"], "李四")
    b_staff = make_user("staff-b", network["b"], "staff")
    a_staff = make_user("staff-a", network["a"], "staff")
    client.force_login(b_staff)
    assert client.get(f"/activities/{a_activity.pk}/").status_code == 404
    assert a_activity.title not in client.get("/activities/").content.decode()
    assert client.post(f"/activities/{a_activity.pk}/participants/", {"person": b_person.pk}).status_code == 404
    # base A staff cannot put a person they cannot see on their list
    client.force_login(a_staff)
    response = client.post(
        f"/activities/{a_activity.pk}/participants/",
        {"person": b_person.pk, "role": "participant", "status": "attended"},
    )
    assert Participation.objects.count() == 0 and response.status_code == 302
    b_api = api(b_staff)
    assert b_api.get(f"/api/activities/{a_activity.pk}/").status_code == 404
    assert b_api.get("/api/participations/").json()["count"] == 0
    created = b_api.post("/api/participations/", {"activity": a_activity.pk, "person": b_person.pk}, format="json")
    assert created.status_code == 400  # the activity does not exist for base B


def test_add_check_in_and_figures_through_the_pages(client, network, make_user, make_activity, make_person):
    staff = make_user("staff-a", network["a"], "staff")
    activity = make_activity(network["a"], D(2024, 5, 1), "delegation", title="香港青年交流團")
    chan = make_person(network["a"], "陳大文", region="HK")
    client.force_login(staff)
    response = client.post(
        f"/activities/{activity.pk}/participants/", {"person": chan.pk, "role": "participant", "status": "registered"}
    )
    assert response.status_code == 302
    participation = Participation.objects.get()
    assert participation.unit == network["a"] and participation.date == D(2024, 5, 1)
    page = client.get(f"/activities/{activity.pk}/")
    assert page.context["figures"]["registered"] == 1 and page.context["figures"]["people"] == 0
    client.post(f"/activities/participations/{participation.pk}/status/", {"status": "attended"})
    participation.refresh_from_db()
    assert participation.status == "attended" and participation.checked_in_at is not None
    page = client.get(f"/activities/{activity.pk}/")
    assert page.context["figures"]["people"] == 1 and page.context["figures"]["first_timers"] == 1
    # moving the activity moves its participations' copies of date and unit
    activity.start_date = D(2024, 5, 2)
    services.save_activity(staff, activity)
    participation.refresh_from_db()
    assert participation.date == D(2024, 5, 2)


def test_series_programme_and_speakers(client, network, make_user, make_activity, make_person, root):
    series = Series.objects.create(unit=network["a"], name="学长说")
    programme = Programme.objects.create(unit=network["a"], name="万名青年到惠州", goal=10000)
    speaker = make_person(network["a"], "黃子華")
    for edition in (19, 20):
        talk = make_activity(
            network["a"], D(2024, edition - 10, 1), "talk", title="学长说", series=series, edition=edition,
            programme=programme,
        )  # fmt: skip
        attend(root, talk, speaker, role="speaker")
    staff = make_user("staff-a", network["a"], "staff")
    client.force_login(staff)
    page = client.get(f"/activities/series/{series.pk}/")
    assert page.status_code == 200 and list(page.context["speakers"])[0]["times"] == 2
    assert "学长说（第 20 期）" in str(Activity.objects.get(edition=20)) or "20" in str(
        Activity.objects.get(edition=20)
    )
    page = client.get(f"/activities/programmes/{programme.pk}/")
    assert page.context["figures"]["batches"] == 2 and page.context["figures"]["people"] == 1
    pool = client.get("/activities/speakers/", {"q": "wong tsz wah"})
    assert [s["person"] for s in pool.context["speakers"]] == [speaker.pk]


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
@pytest.mark.parametrize("role", ["viewer", "staff", "manager"])
def test_every_activity_page_renders(client, network, make_user, make_activity, make_person, root, language, role):
    user = make_user(f"{role}-a", network["a"], role, language=language)
    activity = make_activity(network["a"], D(2024, 5, 1))
    attend(root, activity, make_person(network["a"], "陳大文"))
    series = Series.objects.create(unit=network["a"], name="学长说")
    programme = Programme.objects.create(unit=network["a"], name="万名青年到惠州")
    client.force_login(user)
    pages = [
        "/activities/",
        f"/activities/{activity.pk}/",
        f"/activities/{activity.pk}/history/",
        "/activities/series/",
        f"/activities/series/{series.pk}/",
        "/activities/programmes/",
        f"/activities/programmes/{programme.pk}/",
        "/activities/speakers/",
        f"/activities/{activity.pk}/check-in/",
        f"/activities/{activity.pk}/sign-in-sheet/",
    ]
    if role != "viewer":
        pages += ["/activities/add/", f"/activities/{activity.pk}/edit/", "/activities/series/add/"]
    for url in pages:
        assert client.get(url).status_code == 200, url
    if role == "viewer":
        assert client.get("/activities/add/").status_code == 403


def test_create_an_activity_through_the_form(client, network, make_user, kinds):
    staff = make_user("staff-a", network["a"], "staff")
    client.force_login(staff)
    form = {
        "kind": kinds["delegation"].pk,
        "title": "澳門青年交流團",
        "start_date": "2024-07-01",
        "end_date": "2024-06-30",
        "unit": network["a"].pk,
    }
    response = client.post("/activities/add/", form)
    assert response.status_code == 400 and "before the start date" in response.content.decode()
    form["end_date"] = "2024-07-03"
    assert client.post("/activities/add/", form).status_code == 302
    assert Activity.objects.get().title == "澳門青年交流團"


def test_check_in_by_search_and_by_code_and_the_sign_in_sheet(client, network, make_user, make_activity, make_person):
    staff = make_user("staff-a", network["a"], "staff")
    activity = make_activity(network["a"], D(2024, 5, 1), "event", title="学长说")
    chan = make_person(network["a"], "陳大文", name_latin="CHAN Tai Man")
    ho = make_person(network["a"], "何嘉欣", name_latin="HO Ka Yan")
    for person in (chan, ho):
        services.add_participant(staff, activity, person)
    client.force_login(staff)
    page = client.get(f"/activities/{activity.pk}/check-in/", {"q": "陈大文"}, HTTP_HX_REQUEST="true")
    assert "陳大文" in page.content.decode() and "何嘉欣" not in page.content.decode()
    chan_row = Participation.objects.get(person=chan)
    client.post(f"/activities/{activity.pk}/check-in/", {"participation": chan_row.pk})
    chan_row.refresh_from_db()
    assert chan_row.status == "attended"
    ho_row = Participation.objects.get(person=ho)
    code = services.checkin_code(ho_row)
    assert services.participation_id(code) == ho_row.pk
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    assert services.participation_id(wrong) is None
    assert client.get(f"/activities/check-in/{wrong}/").status_code == 404
    # typing the code in the search box finds the person too
    assert "何嘉欣" in client.get(f"/activities/{activity.pk}/check-in/", {"q": code}).content.decode()
    assert client.post(f"/activities/check-in/{code}/").status_code == 302
    ho_row.refresh_from_db()
    assert ho_row.status == "attended"
    sheet = client.get(f"/activities/{activity.pk}/sign-in-sheet/").content.decode()
    assert "<svg" in sheet and code in sheet and "陳大文" in sheet
    # the person's page lists the activity
    assert "学长说" in client.get(f"/people/{chan.pk}/").content.decode()
    # another base cannot check in through a code
    client.force_login(make_user("staff-b", network["b"], "staff"))
    assert client.post(f"/activities/check-in/{code}/").status_code == 404


def test_a_new_edition_starts_from_its_series(client, network, make_user, make_activity, kinds):
    series = Series.objects.create(unit=network["a"], name="学长说", kind=kinds["talk"])
    make_activity(network["a"], D(2024, 5, 1), "talk", title="学长说", series=series, edition=19)
    client.force_login(make_user("staff-a", network["a"], "staff"))
    form = client.get("/activities/add/", {"series": series.pk}).context["form"]
    assert form.initial["edition"] == 20 and form.initial["title"] == "学长说"
    assert client.get("/activities/").status_code == 200


def test_opening_registration_from_the_form_gives_a_public_link(client, network, make_user, kinds):
    client.force_login(make_user("staff-a", network["a"], "staff"))
    form = {
        "kind": kinds["event"].pk,
        "title": "港澳青年创业分享会",
        "start_date": "2099-07-01",
        "unit": network["a"].pk,
        "registration_open": "on",
        "registration_fields": ["name", "phone", "first_visit"],
        "capacity": 50,
    }
    assert client.post("/activities/add/", form).status_code == 302
    activity = Activity.objects.get()
    assert activity.registration_token and activity.registration_fields == ["name", "phone", "first_visit"]
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert f"/register/{activity.registration_token}/" in page
    client.logout()
    public = client.get(f"/register/{activity.registration_token}/")
    assert public.status_code == 200 and "港澳青年创业分享会" in public.content.decode()


def test_attachments_are_served_only_to_readers(client, network, make_user, make_activity, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    activity = make_activity(network["a"], D(2024, 5, 1))
    client.force_login(make_user("staff-a", network["a"], "staff"))
    photo = SimpleUploadedFile("合照.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", content_type="image/jpeg")
    client.post(f"/activities/{activity.pk}/attachments/", {"file": photo, "caption": "合照"})
    attachment = activity.attachments.get()
    assert client.get(f"/activities/attachments/{attachment.pk}/").status_code == 200
    script = SimpleUploadedFile("evil.html", b"<script>", content_type="text/html")
    client.post(f"/activities/{activity.pk}/attachments/", {"file": script})
    assert activity.attachments.count() == 1
    client.force_login(make_user("staff-b", network["b"], "staff"))
    assert client.get(f"/activities/attachments/{attachment.pk}/").status_code == 404
    assert client.post(f"/activities/attachments/{attachment.pk}/").status_code == 404
    client.force_login(make_user("manager-a", network["a"], "manager"))
    client.post(f"/activities/attachments/{attachment.pk}/")
    assert activity.attachments.count() == 0


def _brute_force(user, shown, since, unit_path=None):
    """The figures recomputed from the rows in plain Python, as a person with a spreadsheet would."""
    from qiao.core.models import Unit

    rows = list(Participation.objects.filter(activity__in=[a.pk for a in shown]).select_related("person"))
    attended = [p for p in rows if p.status == "attended"]
    scope = {a.unit_id for a in Activity.objects.restrict(user)} | {
        u for u in Unit.objects.values_list("pk", flat=True) if user.is_superuser
    }
    if unit_path:
        scope &= set(Unit.objects.filter(path__startswith=unit_path).values_list("pk", flat=True))
    everyone = Participation.objects.filter(status="attended", unit__in=scope, activity__deleted_at__isnull=True)
    everyone = list(everyone.values_list("person", "date"))
    first = {
        p.person_id
        for p in attended
        if since and p.date >= since and not any(q == p.person_id and d < since for q, d in everyone)
    }
    return {
        "batches": len(shown),
        "person_times": len(attended),
        "people": len({p.person_id for p in attended}),
        "registered": len([p for p in rows if p.status != "cancelled"]),
        "first_timers": len(first),
    }


@pytest.mark.parametrize("who", ["centre", "a"])
def test_figures_for_every_combination_of_filters(network, make_user, history, kinds, who):
    """Every subset of {kind, period, unit, partner, target group}: the figures equal the rows."""
    from qiao.activities.filtersets import ActivityFilterSet

    user = make_user(f"viewer-{who}", network["centre" if who == "centre" else "a"], "viewer")
    options = {
        "kind": [kinds["talk"].pk],
        "date_from": "2024-01-01",
        "date_to": "2024-12-31",
        "unit": network["a"].pk,
        "partner": history["partner"].pk,
        "target_group": [history["hk_youth"].pk],
    }
    reader = types.SimpleNamespace(user=user)
    checked = 0
    for size in range(len(options) + 1):
        for names in itertools.combinations(options, size):
            query = {name: options[name] for name in names}
            filterset = ActivityFilterSet(query, queryset=Activity.objects.restrict(user), request=reader)
            if not filterset.is_valid():  # a partner the reader may not see: the list shows nothing
                continue
            shown = list(filterset.qs)
            since = D.fromisoformat(query["date_from"]) if "date_from" in query else None
            data = filterset.form.cleaned_data
            figures = services.figures(user, filterset.qs, since=since, unit=data.get("unit"))
            expected = _brute_force(
                user,
                shown,
                since or min((a.start_date for a in shown), default=None),
                data["unit"].path if data.get("unit") else None,
            )
            assert {k: figures[k] for k in expected} == expected, query
            checked += 1
    assert checked == (64 if who == "centre" else 32)  # base A cannot see the centre's partner


def test_list_changes_are_in_the_activitys_history(client, network, make_user, make_activity, make_person):
    staff = make_user("staff-a", network["a"], "staff")
    activity = make_activity(network["a"], D(2024, 5, 1))
    from qiao.core.context import acting
    from qiao.core.models import ChangeRecord

    person = make_person(network["a"], "陳大文")
    with acting(user=staff, source="web"):
        participation, _created = services.add_participant(staff, activity, person)
        services.set_status(staff, participation, "attended")

    mine = ChangeRecord.objects.filter(content_type__model="participation", object_id=participation.pk)
    assert [r.action for r in mine.order_by("time", "id")] == ["create", "update"]
    assert mine.order_by("-time", "-id")[0].user_name == "staff-a"
    client.force_login(staff)
    changes = list(client.get(f"/activities/{activity.pk}/history/").context["changes"])
    assert {c.object_id for c in changes if c.content_type.model == "participation"} == {participation.pk}
    client.force_login(make_user("staff-b", network["b"], "staff"))
    assert client.get(f"/activities/{activity.pk}/history/").status_code == 404
