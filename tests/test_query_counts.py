"""Every page and form of the load test's mix (bench/loadtest/locustfile.py) runs as many queries with 50 records as
with 5: a page whose queries grow with its list (an N+1) fails here before it slows down at 50,000 people.

Each case makes 5 records, asks the page once to fill caches, counts its queries, makes 45 more, asks once again,
and counts again."""

import datetime
import importlib.util
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

FORMS = Path(__file__).resolve().parents[1] / "bench" / "loadtest" / "forms.py"
GIVEN = "一乙二十丁七九了二人入八几儿力乃又三于干工土士才下寸大丈与万上小口山千乞川亿个么久勺丸夕凡及广亡门义之尸"


def load_forms():
    spec = importlib.util.spec_from_file_location("loadtest_forms", FORMS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def root(make_user):
    return make_user("root", is_superuser=True)


@pytest.fixture
def staff(client, network, make_user):
    user = make_user("staff-a", network["a"], "staff")
    client.force_login(user)
    return user


@pytest.fixture
def kinds(db):
    from qiao.activities.defaults import ensure
    from qiao.activities.models import ActivityKind

    ensure()
    return list(ActivityKind.objects.all())


def count(client, url, method="get", data=None, status=200) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data) if method == "post" else client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    return len(queries)


def same_for_5_and_50(client, url, grow, method="get", data=None, status=200):
    grow(0, 5)
    count(client, url, method, data() if data else None, status)  # caches filled
    at_5 = count(client, url, method, data() if data else None, status)
    grow(5, 50)
    count(client, url, method, data() if data else None, status)
    at_50 = count(client, url, method, data() if data else None, status)
    assert at_50 == at_5, f"{url}: {at_5} queries with 5 records, {at_50} with 50"
    return at_5


def make_activity(root, unit, kind, day, title):
    from qiao.activities import services
    from qiao.activities.models import Activity

    return services.save_activity(root, Activity(unit=unit, kind=kind, title=title, start_date=day))


def people(make_person, unit, first, last):
    names = [f"陈{GIVEN[i // len(GIVEN)]}{GIVEN[i % len(GIVEN)]}" for i in range(first, last)]
    return [make_person(unit, name, name_latin=f"CHAN {i}") for i, name in zip(range(first, last), names, strict=True)]


def test_searching_people(client, staff, network, make_person):
    """Guards the people list and its search (the load test's most frequent request)."""
    same_for_5_and_50(client, "/people/?q=陈", lambda a, b: people(make_person, network["a"], a, b))
    same_for_5_and_50(client, "/people/", lambda a, b: people(make_person, network["a"], 100 + a, 100 + b))


def test_a_person_with_many_activities(client, staff, network, root, make_person, kinds):
    """Guards the person page: its participations and organisations are read in a fixed number of queries."""
    from qiao.activities import services

    person = make_person(network["a"], "陳大文")

    def grow(first, last):
        for i in range(first, last):
            activity = make_activity(root, network["a"], kinds[i % len(kinds)], datetime.date(2024, 1, 1), f"团{i}")
            services.add_participant(root, activity, person, status="attended")

    same_for_5_and_50(client, f"/people/{person.pk}/", grow)


def test_listing_activities_with_filters(client, staff, network, root, kinds):
    """Guards the activity list with a date filter."""

    def grow(first, last):
        for i in range(first, last):
            day = datetime.date(2024, 1, 1) + datetime.timedelta(days=i)
            make_activity(root, network["a"], kinds[i % len(kinds)], day, f"交流团{i}")

    same_for_5_and_50(client, "/activities/?date_from=2024-01-01", grow)


def test_an_activity_with_many_participants(client, staff, network, root, make_person, kinds):
    """Guards the activity page (where participants are added) and adding one more participant."""
    from qiao.activities import services

    activity = make_activity(root, network["a"], kinds[0], datetime.date(2024, 5, 1), "港澳青年交流团")

    def grow(first, last):
        for person in people(make_person, network["a"], first, last):
            services.add_participant(root, activity, person, status="registered")

    same_for_5_and_50(client, f"/activities/{activity.pk}/", grow)
    newcomer = make_person(network["a"], "林美玲", name_latin="LAM Mei Ling")
    more = people(make_person, network["a"], 200, 245)
    with CaptureQueriesContext(connection) as first:
        client.post(f"/activities/{activity.pk}/participants/", {"person": newcomer.pk, "role": "participant",
                                                                 "status": "registered"})  # fmt: skip
    for person in more:
        services.add_participant(root, activity, person, status="registered")
    other = make_person(network["a"], "黃志明", name_latin="WONG Chi Ming")
    with CaptureQueriesContext(connection) as second:
        response = client.post(f"/activities/{activity.pk}/participants/", {"person": other.pk, "role": "participant",
                                                                            "status": "registered"})  # fmt: skip
    assert response.status_code == 302
    assert len(second) == len(first), f"adding a participant: {len(first)} queries, then {len(second)} with 45 more"


def test_a_demands_candidates(client, staff, network, make_person, make_org):
    """Guards the candidates of a demand: each candidate's profile, fields and reasons come in fixed queries."""
    from qiao.matching import services
    from qiao.matching.models import Demand, Field, TalentProfile
    from qiao.people.models import Education

    lithium = Field.objects.get(code="lithium-battery")
    org = make_org(network["a"], "惠州储能科技有限公司", kind="enterprise")
    demand = services.save_demand(
        staff,
        Demand(unit=network["a"], organization=org, title="储能系统工程师", description="锂电池储能系统", headcount=1),
        fields=[lithium],
    )

    def grow(first, last):
        for person in people(make_person, network["a"], first, last):
            Education.objects.create(person=person, degree="master", field="材料科學")
            profile = TalentProfile(person=person, contact_consent=True, experience_years=5, skills="鋰電池")
            services.save_profile(staff, profile, fields=[lithium])

    same_for_5_and_50(client, f"/matching/demands/{demand.pk}/candidates/", grow)


def test_the_dashboard(client, network, make_user, root, make_person, kinds):
    """Guards /reports/: its figures are aggregates, whatever the number of activities and participations."""
    from qiao.activities import services

    client.force_login(make_user("manager-c", network["centre"], "manager"))

    def grow(first, last):
        for i, person in zip(range(first, last), people(make_person, network["a"], first, last), strict=True):
            day = datetime.date.today() - datetime.timedelta(days=i)
            activity = make_activity(root, network["a"], kinds[i % len(kinds)], day, f"活动{i}")
            services.add_participant(root, activity, person, status="attended")

    same_for_5_and_50(client, "/reports/", grow)


def test_saving_a_person(client, staff, network, root, make_person, kinds):
    """Guards the person form sent back (the load test's edit): the same queries with 5 or 50 participations and
    colleagues in the unit."""
    from qiao.activities import services

    forms = load_forms()
    person = make_person(network["a"], "陳大文")
    url = f"/people/{person.pk}/edit/"

    def grow(first, last):
        for i, other in zip(range(first, last), people(make_person, network["a"], first, last), strict=True):
            activity = make_activity(root, network["a"], kinds[i % len(kinds)], datetime.date(2024, 3, 1), f"团{i}")
            services.add_participant(root, activity, person, status="attended")
            services.add_participant(root, activity, other, status="attended")

    def data():
        form = next(f for f in forms.post_forms(client.get(url).content.decode()) if "name" in dict(f["fields"]))
        fields = form["fields"]
        notes = dict(fields).get("notes", "")
        sent = {}
        for name, value in fields:
            sent.setdefault(name, []).append((notes + "·") if name == "notes" else value)
        return sent

    same_for_5_and_50(client, url, grow, method="post", data=data, status=302)


def test_a_list_is_counted_once(client, staff, network):
    """The table pages a list; Django's ListView paging it as well counted every list twice (issue 10)."""
    from qiao.people.models import Person

    for index in range(3):
        Person.objects.create(name=f"陈{GIVEN[index]}", unit=network["a"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/people/?q=陈").status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT COUNT")]
    assert len([sql for sql in counts if "people_person" in sql]) == 1, counts
