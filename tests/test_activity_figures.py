"""The stored aggregates behind the activity figures (qiao/activities/aggregates.py): equal to a
recomputation from the participations after every kind of write, the same figures whether they
come from the stored rows of a whole scope or facet or from the participations, a deleted activity
counting nowhere, the rebuild command, and two writers of one person at the same moment."""

import datetime
import io
import threading
import types

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qiao.activities import aggregates, services
from qiao.activities.filtersets import ActivityFilterSet
from qiao.activities.models import (
    Activity,
    ActivityTally,
    Facet,
    FirstAttendance,
    Participation,
    Programme,
    TargetGroup,
)
from qiao.core import services as core_services
from qiao.people import merging
from tests import test_activities
from tests.test_activities import _brute_force, attend

# the fixtures of the activities' tests
root, kinds, make_activity, history = (
    test_activities.root,
    test_activities.kinds,
    test_activities.make_activity,
    test_activities.history,
)

D = datetime.date


def exact():
    assert aggregates.differences() == []


def snapshot():
    tallies = set(ActivityTally.objects.values_list("activity_id", "role", "registered", "attended", "declared_first"))
    firsts = set(FirstAttendance.objects.values_list("person_id", "unit_id", "facet", "value", "date"))
    return tallies, firsts


def test_every_write_path_keeps_the_stored_figures_exact(network, root, make_activity, make_person, make_org):
    people = [make_person(network["a" if i % 2 else "b"], f"人{i}", region=["HK", "MO"][i % 2]) for i in range(6)]
    old = make_activity(network["a"], D(2023, 3, 1))
    new = make_activity(network["b"], D(2024, 5, 1), kind="talk")
    # the participation services
    attend(root, old, *people[:3])
    attend(root, new, people[0], role="speaker")
    attend(root, new, people[3], status="registered", first_visit_declared=True)
    attend(root, new, people[4], status="absent")
    exact()
    listed = Participation.objects.get(activity=new, person=people[3])
    services.set_status(root, listed, "attended")
    exact()
    services.set_status(root, Participation.objects.get(activity=old, person=people[0]), "cancelled")
    exact()
    services.remove_participant(root, Participation.objects.get(activity=old, person=people[1]))
    exact()
    listed.role = "guest"  # the API's PATCH of a role or a declared first visit
    listed.first_visit_declared = False
    core_services.save(root, listed)
    exact()
    # the activity moves in time and to another unit, changes kind, joins a programme and a target group
    programme = Programme.objects.create(unit=network["centre"], name="万名青年到惠州")
    new.start_date, new.unit, new.programme = D(2022, 12, 1), network["a1"], programme
    new.kind = old.kind
    services.save_activity(root, new, target_groups=[TargetGroup.objects.get(code="hk-youth")])
    exact()
    assert not Participation.objects.filter(activity=new).exclude(date=D(2022, 12, 1), unit=network["a1"]).exists()
    other_group = TargetGroup.objects.exclude(code="hk-youth").first()
    other_group.activity_set.add(old, new)  # from the group's side
    new.target_groups.remove(other_group)
    exact()
    other_group.activity_set.clear()
    exact()
    new.target_groups.add(other_group)
    other_group.delete()  # a list entry removed by an administrator
    exact()
    # to the trash and back
    core_services.delete(root, old)
    exact()
    assert not FirstAttendance.objects.filter(person_id=people[2].pk).exists()  # she only came to the deleted one
    core_services.restore(root, Activity.all_objects.get(pk=old.pk))
    exact()
    # a merge: both records were on `new`
    attend(root, new, people[5], status="attended")
    merging.merge(root, people[0], people[5])
    exact()
    # a queryset deletion, and an activity deleted for good (the participations go with it)
    Participation.objects.filter(activity=old, person=people[2]).delete()
    exact()
    Activity.all_objects.filter(pk=old.pk).delete()
    exact()
    # after all that, a rebuild finds nothing to change
    before = snapshot()
    aggregates.rebuild()
    assert snapshot() == before


def test_imports_internships_and_registration_keep_them_exact(network, root, make_person, make_org, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qiao.activities import registration_services
    from qiao.activities.models import ActivityKind
    from qiao.imports.models import ImportBatch
    from qiao.internships import services as internships
    from qiao.internships.models import InternshipPosition
    from tests.test_import_web import GOOD, HEADER, mapping_form, xlsx

    staff = root
    client.force_login(staff)
    known = make_person(network["a"], "陳大文", documents=[{"kind": "hkid", "number": "A1234563"}])
    delegation = services.save_activity(
        staff,
        Activity(
            unit=network["a"],
            kind=ActivityKind.objects.get(code="delegation"),
            title="交流團",
            start_date=D(2024, 5, 1),
        ),
    )
    file = SimpleUploadedFile("團員名單.xlsx", xlsx(GOOD, header=HEADER))
    client.post(
        "/imports/new/",
        {
            "kind": "participations",
            "activity": delegation.pk,
            "role": "participant",
            "status": "attended",
            "file": file,
        },
    )
    batch = ImportBatch.objects.get()
    client.post(f"/imports/{batch.pk}/check/", mapping_form(batch))
    client.post(f"/imports/{batch.pk}/commit/", {"skip_invalid": "on"})
    assert Participation.objects.filter(activity=delegation, status="attended").count() == 2
    exact()
    # an internship placement, moved to another batch, then cancelled
    kind = ActivityKind.objects.get(code="internship-batch")
    first_batch, second_batch = (
        services.save_activity(staff, Activity(unit=network["a"], kind=kind, title=f"第{n}批", start_date=day))
        for n, day in ((1, D(2024, 7, 1)), (2, D(2025, 7, 1)))
    )
    position = internships.save_position(
        staff,
        InternshipPosition(unit=network["a"], organization=make_org(network["a"], "惠州科技"), title="实习生", slots=3),
    )
    placement = internships.place(staff, internships.apply(staff, position, known), first_batch)
    exact()
    placement = internships.update_placement(staff, placement, batch=second_batch)
    exact()
    internships.cancel_placement(staff, placement)
    exact()
    # a public registration
    soon = datetime.date.today() + datetime.timedelta(days=30)
    coming = services.save_activity(
        staff, Activity(unit=network["a"], kind=kind, title="报名", start_date=soon, registration_open=True)
    )
    data = {"name": "新人", "name_latin": "", "phones": ["91234567"], "emails": [], "documents": [],
            "first_visit": True}  # fmt: skip
    assert registration_services.register(coming.pk, data, statement="…") == registration_services.REGISTERED
    exact()


def test_a_deleted_activity_counts_nowhere(network, root, make_activity, make_person):
    chan = make_person(network["a"], "陳大文")
    mistake = make_activity(network["a"], D(2023, 1, 1))
    later = make_activity(network["a"], D(2024, 1, 1))
    attend(root, mistake, chan)
    attend(root, later, chan)
    assert services.figures(root, Activity.objects.filter(pk=later.pk))["first_timers"] == 0
    core_services.delete(root, mistake)
    # the list in the trash was a mistake: his first visit is the later one
    assert services.figures(root, Activity.objects.filter(pk=later.pk))["first_timers"] == 1
    figures = services.figures(root, Activity.objects.all())
    assert figures["batches"] == 1 and figures["people"] == 1 and figures["person_times"] == 1
    # asked for with the trash, the deleted list counts in the set's own figures (not as an earlier visit)
    figures = services.figures(root, Activity.all_objects.all())
    assert figures["batches"] == 2 and figures["person_times"] == 2
    assert figures["people"] == 1 and figures["first_timers"] == 1 and figures["by_region"] == {"": 1}


FACET_FILTERS = [
    {},
    {"kind": "talk"},
    {"date_from": "2024-01-01", "date_to": "2024-12-31"},
    {"unit": "a"},
    {"target_group": True},
    {"programme": True},
    {"kind": "exchange-visit", "date_from": "2024-06-30"},
]


@pytest.mark.parametrize("lookup", [100_000, 0], ids=["look-up", "join"])
@pytest.mark.parametrize("who", ["root", "centre", "a"])
def test_whole_scopes_and_facets_give_the_figures_of_the_rows(
    network, make_user, history, kinds, who, lookup, monkeypatch
):
    """With every set large enough to be looked at (WHOLE = 1), the sets that are all of a scope or
    of a facet take their people from the stored rows; the others look their people's stored rows
    up one by one, or join them all (LOOKUP = 0): the figures still equal the rows."""
    programme = Programme.objects.create(unit=network["a"], name="万名青年到惠州")
    Activity.objects.filter(kind__code="talk", start_date__year=2024).update(programme=programme)
    monkeypatch.setattr(services, "WHOLE", 1)
    monkeypatch.setattr(services, "LOOKUP", lookup)
    aggregates.rebuild()  # the programme was set with a queryset update
    user = {
        "root": make_user("root2", is_superuser=True),
        "centre": make_user("viewer-centre", network["centre"], "viewer"),
        "a": make_user("viewer-a", network["a"], "viewer"),
    }[who]
    picked = []
    whole = services._whole
    monkeypatch.setattr(services, "_whole", lambda *args: picked.append(whole(*args)) or picked[-1])
    for params in FACET_FILTERS:
        query = {}
        for key, value in params.items():
            query[key] = {
                "kind": lambda v: [kinds[v].pk],
                "unit": lambda v: network[v].pk,
                "target_group": lambda v: [history["hk_youth"].pk],
                "programme": lambda v: programme.pk,
            }.get(key, lambda v: v)(value)
        reader = types.SimpleNamespace(user=user)
        filterset = ActivityFilterSet(query, queryset=Activity.objects.restrict(user), request=reader)
        assert filterset.is_valid(), filterset.errors
        shown = list(filterset.qs)
        data = filterset.form.cleaned_data
        since = data.get("date_from")
        figures = services.figures(user, filterset.qs, since=since, unit=data.get("unit"))
        expected = _brute_force(
            user,
            shown,
            since or min((a.start_date for a in shown), default=None),
            data["unit"].path if data.get("unit") else None,
        )
        assert {k: figures[k] for k in expected} == expected, (params, picked[-1])
        regions = {}
        for person in {p.person for p in Participation.objects.filter(activity__in=shown, status="attended")}:
            regions[person.region] = regions.get(person.region, 0) + 1
        assert figures["by_region"] == regions, params
    # a set reaching out of the reader's scope (no list does that; the function allows it)
    everything = list(Activity.objects.all())
    figures = services.figures(user, Activity.objects.all())
    expected = _brute_force(user, everything, min(a.start_date for a in everything))
    assert {k: figures[k] for k in expected} == expected
    facets = {facet for facet, _value in filter(None, picked)}
    assert Facet.ANY in facets  # everything, and base A's subtree
    if who != "a":  # the facets are stored for the whole network
        assert {Facet.KIND, Facet.YEAR, Facet.GROUP, Facet.PROGRAMME} <= facets


def test_the_command_checks_and_rebuilds(network, root, make_activity, make_person):
    chan = make_person(network["a"], "陳大文")
    attend(root, make_activity(network["a"], D(2024, 1, 1)), chan)
    call_command("activity_figures", "--check", stdout=io.StringIO())
    FirstAttendance.objects.filter(person_id=chan.pk, unit__isnull=True, facet=Facet.ANY).update(date=D(2020, 1, 1))
    ActivityTally.objects.update(attended=7)
    with pytest.raises(CommandError):
        call_command("activity_figures", "--check", stdout=io.StringIO())
    call_command("activity_figures", "--rebuild", "--check", stdout=io.StringIO())
    exact()


@pytest.mark.skipif(
    "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
    reason="a real race needs row locks (PostgreSQL); SQLite serialises every write anyway",
)
@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_person_at_the_same_moment(network, make_user, make_person, kinds):
    """Two check-ins of one person at two activities, in two threads (two connections): the stored
    first attendances are those of both, not of whichever transaction wrote last."""
    from django.db import connections, transaction

    root = make_user("root", is_superuser=True)
    chan = make_person(network["a"], "陳大文")
    activities = [
        services.save_activity(root, Activity(unit=network[u], kind=kinds["talk"], title=u, start_date=day))
        for u, day in (("a", D(2024, 3, 1)), ("b", D(2024, 2, 1)))
    ]
    barrier, errors = threading.Barrier(2), []

    def check_in(activity):
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                services.add_participant(root, activity, chan, status="attended")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=check_in, args=(a,)) for a in activities]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    exact()
    assert FirstAttendance.objects.get(person_id=chan.pk, unit__isnull=True, facet=Facet.ANY).date == D(2024, 2, 1)
    assert connection.vendor == "postgresql"


def test_a_region_changed_in_bulk_sql_follows_into_the_stored_rows(network, root, make_activity, make_person):
    """The people import updates people with bulk SQL, not through save(): the database trigger keeps
    the stored regions equal to the people's, and a lost trigger comes back after `migrate`."""
    from django.db import connection

    from qiao.people.models import Person

    chan = make_person(network["a"], "陳大文", region="HK")
    attend(root, make_activity(network["a"], D(2024, 1, 1)), chan)
    assert set(FirstAttendance.objects.values_list("region", flat=True)) == {"HK"}
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_person SET region = %s WHERE id = %s", ["MO", chan.pk])
    assert set(FirstAttendance.objects.values_list("region", flat=True)) == {"MO"}
    Person.objects.filter(pk=chan.pk).update(region="TW")
    exact()
    assert services.figures(root, Activity.objects.all())["by_region"] == {"TW": 1}
    # SQLite drops a table's triggers when a migration rebuilds the table: after migrate it is back
    with connection.cursor() as cursor:
        for sql in aggregates.DROP_TRIGGER_SQL[connection.vendor]:
            cursor.execute(sql)
    Person.objects.filter(pk=chan.pk).update(region="HK")
    assert aggregates.differences()  # the copies fell behind
    assert aggregates.ensure_region_trigger() is True
    exact()
    assert aggregates.ensure_region_trigger() is False  # there already


def test_part_of_a_year_holding_all_its_attendance_is_the_years_people(
    network, root, make_activity, make_person, monkeypatch
):
    """This year so far (今年以来): the year's later activities have registrations but nobody has come
    yet, so the set's person-times are the year's, and its people the year's stored rows."""
    monkeypatch.setattr(services, "WHOLE", 1)
    old, hk, mo = (make_person(network["a"], name, region=r) for name, r in (("旧", "HK"), ("港", "HK"), ("澳", "MO")))
    attend(root, make_activity(network["a"], D(2023, 5, 1)), old)
    attend(root, make_activity(network["a"], D(2024, 2, 1)), old, hk)
    attend(root, make_activity(network["b"], D(2024, 3, 1)), mo)
    attend(root, make_activity(network["b"], D(2024, 12, 1)), hk, mo, status="registered")
    attend(root, make_activity(network["a"], D(2025, 3, 1)), old)  # (so not "everything from a day on")
    picked = []
    whole = services._whole
    monkeypatch.setattr(services, "_whole", lambda *args: picked.append(whole(*args)) or picked[-1])
    chosen = Activity.objects.filter(start_date__range=(D(2024, 1, 1), D(2024, 6, 30)))
    figures = services.figures(root, chosen, since=D(2024, 1, 1))
    assert picked[-1] == (Facet.YEAR, 2024)
    assert (figures["people"], figures["first_timers"], figures["by_region"]) == (3, 2, {"HK": 2, "MO": 1})
    later = Participation.objects.get(activity__start_date=D(2024, 12, 1), person=hk)
    services.set_status(root, later, "attended")  # someone came later in the year
    figures = services.figures(root, chosen, since=D(2024, 1, 1))
    assert picked[-1] is None
    assert (figures["people"], figures["first_timers"]) == (3, 2)


@pytest.mark.parametrize("who", ["root", "a"])
def test_everything_from_a_day_on_is_the_people_with_a_later_last_day(
    network, root, make_user, make_activity, make_person, monkeypatch, who
):
    """A running total to today (累计) or this year so far: every activity of the scope from a day on,
    the later ones (ahead) with registrations only; the people are the stored rows whose last day is on
    or after it: the same figures as counted from the participations."""
    monkeypatch.setattr(services, "WHOLE", 1)
    reader = root if who == "root" else make_user("viewer-a", network["a"], "viewer")
    old, hk, mo = (make_person(network["a"], name, region=r) for name, r in (("旧", "HK"), ("港", "HK"), ("澳", "MO")))
    attend(root, make_activity(network["a"], D(2022, 5, 1)), old, hk)
    attend(root, make_activity(network["a"], D(2023, 2, 1)), hk)
    attend(root, make_activity(network["a"], D(2024, 3, 1)), mo, old)
    attend(root, make_activity(network["b"], D(2024, 4, 1)), hk)
    attend(root, make_activity(network["a"], D(2025, 12, 1)), hk, mo, status="registered")
    picked = []
    whole = services._whole
    monkeypatch.setattr(services, "_whole", lambda *args: picked.append(whole(*args)) or picked[-1])
    chosen = Activity.objects.restrict(reader).filter(start_date__gte=D(2023, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        figures = services.figures(reader, chosen, since=D(2023, 1, 1))
    assert picked[-1] == (services.TAIL, D(2023, 2, 1))
    if who == "a":  # base A and everything below it: its subtree rows, one per person, as the network's
        assert any(f"value = {aggregates.SUBTREE} AND unit_id = " in query["sql"] for query in queries.captured_queries)
    # base A's reader does not see base B's activity, but 港 came to A in 2023 too: the same figures
    assert (figures["people"], figures["first_timers"], figures["by_region"]) == (3, 1, {"HK": 2, "MO": 1})
    monkeypatch.setattr(services, "WHOLE", 10**6)  # the same from the participations
    again = services.figures(reader, chosen, since=D(2023, 1, 1))
    assert {k: again[k] for k in ("people", "first_timers", "by_region")} == {
        k: figures[k] for k in ("people", "first_timers", "by_region")
    }
    later = Participation.objects.get(activity__start_date=D(2025, 12, 1), person=hk)
    services.set_status(root, later, "attended")  # someone came after: no longer the stored rows
    monkeypatch.setattr(services, "WHOLE", 1)
    services.figures(reader, chosen.filter(start_date__lte=D(2024, 12, 31)), since=D(2023, 1, 1))
    assert picked[-1] is None


def test_a_base_with_its_offices_is_counted_from_its_subtree_rows(network, root, make_user, make_activity, make_person):
    """A base's people (its own activities and its offices') are one stored row each (aggregates.SUBTREE), kept
    exact on every write and when an office moves to another base; the figures equal a count of the rows."""
    hk, mo = make_person(network["a"], "港", region="HK"), make_person(network["a1"], "澳", region="MO")
    attend(root, make_activity(network["a"], D(2024, 3, 1)), hk)
    attend(root, make_activity(network["a1"], D(2024, 5, 1)), hk, mo)
    attend(root, make_activity(network["b"], D(2024, 6, 1)), mo)
    exact()
    rows = FirstAttendance.objects.filter(facet=0, value=aggregates.SUBTREE)
    assert set(rows.filter(unit=network["a"]).values_list("person_id", "date")) == {
        (hk.pk, D(2024, 3, 1)),
        (mo.pk, D(2024, 5, 1)),
    }
    assert set(rows.filter(unit=network["centre"]).values_list("person_id", flat=True)) == {hk.pk, mo.pk}
    reader = make_user("viewer-a", network["a"], "viewer")
    assert services.subtree_rows(services.scope_units(reader, None)) is not None
    figures = services.figures(reader, Activity.objects.restrict(reader))
    assert (figures["people"], figures["by_region"]) == (2, {"HK": 1, "MO": 1})
    office = network["a1"]
    office.parent = network["b"]  # the office moves to base B: its people count there now
    office.save()
    exact()
    assert set(rows.filter(unit=network["b"]).values_list("person_id", flat=True)) == {hk.pk, mo.pk}
    assert set(rows.filter(unit=network["a"]).values_list("person_id", flat=True)) == {hk.pk}


def test_a_closed_period_of_a_base_joins_its_attendees_with_its_subtree_rows(
    network, root, make_user, make_activity, make_person, monkeypatch
):
    """A base's activities of a closed period (neither all of them nor all from a day on) are many people: their
    distinct attendees are joined with the base's subtree rows (one per person, no grouping by person) for their
    region and first day there; the same figures as looked up one by one."""
    reader = make_user("viewer-a", network["a"], "viewer")
    old, hk, mo = (make_person(network["a"], name, region=r) for name, r in (("旧", "HK"), ("港", "HK"), ("澳", "MO")))
    attend(root, make_activity(network["a1"], D(2023, 2, 1)), old)
    attend(root, make_activity(network["a"], D(2024, 3, 1)), old, hk)
    attend(root, make_activity(network["a1"], D(2024, 5, 1)), hk, mo)
    attend(root, make_activity(network["a"], D(2025, 1, 1)), mo)
    chosen = Activity.objects.restrict(reader).filter(start_date__range=(D(2024, 1, 1), D(2024, 12, 31)))
    monkeypatch.setattr(services, "LOOKUP", 0)
    with CaptureQueriesContext(connection) as queries:
        joined = services.figures(reader, chosen, since=D(2024, 1, 1))
    assert any(f"value = {aggregates.SUBTREE} AND f.unit_id = " in query["sql"] for query in queries.captured_queries)
    assert (joined["people"], joined["first_timers"], joined["by_region"]) == (3, 2, {"HK": 2, "MO": 1})
    monkeypatch.setattr(services, "LOOKUP", 10**6)
    looked_up = services.figures(reader, chosen, since=D(2024, 1, 1))
    keys = ("people", "first_timers", "by_region", "first_by_region")
    assert {k: looked_up[k] for k in keys} == {k: joined[k] for k in keys}
