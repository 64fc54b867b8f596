"""The stored counts of live cases by unit and status (qiao/ledger/tally.py): kept exact by database
triggers on every write path (services, queryset and raw SQL updates, soft and hard deletes,
restores, the bulk generator), read by the case list's unfiltered totals and the manager's ledger,
rebuilt and checked by `qiao ledger_tally`."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qiao.core import services as core_services
from qiao.core.demo import synth, synth_projects
from qiao.ledger import services, tally
from qiao.ledger.models import Case, CaseStatus, CaseTally

pytestmark = pytest.mark.django_db


def today():
    return services.local_today(None)


def real_counts() -> dict[tuple[int, str], int]:
    counted = {}
    for unit, status in Case.objects.values_list("unit_id", "status"):
        counted[unit, status] = counted.get((unit, status), 0) + 1
    return counted


def stored_counts() -> dict[tuple[int, str], int]:
    return {(t.unit_id, t.status): t.n for t in CaseTally.objects.all() if t.n}


def assert_exact():
    assert stored_counts() == real_counts()
    assert tally.differences() == []


@pytest.fixture
def root(make_user):
    return make_user("root", is_superuser=True)


@pytest.fixture
def org(network, make_org):
    return make_org(network["a"], "惠州精密制造有限公司", kind="enterprise")


@pytest.fixture
def make_case(network, org, root):
    def make(unit=None, **fields):
        values = {
            "unit": unit or network["a"],
            "organization": org,
            "category": "approvals",
            "title": "厂房消防验收迟迟未办结",
            "raised_on": today() - datetime.timedelta(days=3),
            **fields,
        }
        return services.save_case(root, Case(**values))

    return make


def test_every_write_path_keeps_the_tally_exact(network, root, make_case):
    first, second = make_case(), make_case()
    make_case(unit=network["b"])
    assert stored_counts() == {(network["a"].pk, "open"): 2, (network["b"].pk, "open"): 1}
    assert_exact()
    services.set_status(root, first, CaseStatus.IN_PROGRESS, "联系中")  # a status change
    assert_exact()
    second.unit = network["a1"]  # moved to another unit
    services.save_case(root, second)
    assert stored_counts()[network["a1"].pk, "open"] == 1
    assert_exact()
    core_services.delete(root, first)  # soft delete: out of the counts
    assert (network["a"].pk, "in_progress") not in stored_counts()
    assert_exact()
    core_services.restore(root, Case.all_objects.get(pk=first.pk))  # back in
    assert stored_counts()[network["a"].pk, "in_progress"] == 1
    assert_exact()
    Case.objects.filter(pk=second.pk).update(status=CaseStatus.CLOSED, unit=network["hk"])  # queryset update
    assert_exact()
    with connection.cursor() as cursor:  # raw SQL
        cursor.execute("UPDATE ledger_case SET status = 'resolved' WHERE id = %s", [first.pk])
    assert_exact()
    Case.objects.filter(pk=second.pk).update(title="只改标题")  # neither unit, status nor trash: no change
    assert_exact()
    Case.all_objects.filter(pk=second.pk).delete()  # hard delete of a live case
    soft = make_case()
    core_services.delete(root, soft)
    Case.all_objects.filter(pk=soft.pk).delete()  # hard delete of a case in the trash: nothing to take off
    assert_exact()


def test_bulk_generator_leaves_it_exact(network):
    synth.organizations(30, seed=5)
    synth.people(40, seed=5, batch=20)
    synth_projects.projects(40, seed=5, batch=20)
    synth_projects.cases(60, tasks=100, actions=50, seed=5, batch=25)
    assert Case.objects.count() == 60
    assert_exact()


def test_the_command_rebuilds_and_checks(network, make_case, capsys):
    make_case()
    make_case(unit=network["b"])
    CaseTally.objects.all().delete()  # lost
    with pytest.raises(CommandError):
        call_command("ledger_tally", check=True)
    call_command("ledger_tally", rebuild=True, check=True)
    assert "equal" in capsys.readouterr().out
    assert_exact()
    with pytest.raises(CommandError):
        call_command("ledger_tally")


def test_the_triggers_come_back_when_lost(network, make_case):
    tally.uninstall(connection)
    make_case()  # not counted while the triggers are gone
    assert tally.differences()
    assert tally.ensure_triggers() is True
    assert_exact()
    assert tally.ensure_triggers() is False
    make_case()
    assert_exact()


def test_counts_of_units_and_statuses(network, make_case, root):
    make_case()
    services.set_status(root, make_case(unit=network["a1"]), CaseStatus.IN_PROGRESS)
    make_case(unit=network["b"])
    assert tally.counts()["open"] == 2
    assert tally.counts([network["a"].pk, network["a1"].pk]) == {
        **dict.fromkeys(CaseStatus.values, 0),
        "open": 1,
        "in_progress": 1,
    }
    assert tally.counts([network["b"].pk], ["in_progress"]) == {"in_progress": 0}


# ---------------------------------------------------------------- the pages read it


@pytest.fixture
def cases_everywhere(network, make_case, root):
    past = today() - datetime.timedelta(days=1)
    for unit, status in [("a", "open"), ("a", "in_progress"), ("a1", "open"), ("b", "open"), ("hk", "closed")]:
        case = make_case(unit=network[unit], raised_on=today() - datetime.timedelta(days=20), due_date=past)
        Case.objects.filter(pk=case.pk).update(status=status)
    core_services.delete(root, make_case(unit=network["a"]))  # in the trash: never counted


def _totals(client, query=""):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/ledger/cases/?{query}")
    assert response.status_code == 200
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"] and '"ledger_case"' in q["sql"]]
    return response.context["totals"], response.context["table"].paginator.count, grouped


@pytest.mark.parametrize(
    "query",
    ["", "status=open", "status=active", "unit={a}", "unit={a}&status=open&status=closed", "unit={hk}", "page=1"],
)
@pytest.mark.parametrize("who", ["root", "manager-a", "staff-b"])
def test_list_totals_from_the_tally_equal_the_rows(client, network, make_user, cases_everywhere, query, who):
    user = {
        "root": lambda: make_user("root2", is_superuser=True),
        "manager-a": lambda: make_user("manager-a", network["a"], "manager"),
        "staff-b": lambda: make_user("staff-b", network["b"], "staff"),
    }[who]()
    client.force_login(user)
    query = query.format(a=network["a"].pk, hk=network["hk"].pk)
    totals, count, grouped = _totals(client, query)
    assert grouped == []  # no count of the cases by status: the tally answered
    rows = Case.objects.restrict(user)
    for _key, values in [p.split("=") for p in query.split("&") if p.startswith("unit=")]:
        rows = rows.filter(unit__path__startswith=network["a"].__class__.objects.get(pk=values).path)
    statuses = [p.split("=")[1] for p in query.split("&") if p.startswith("status=")]
    if statuses:
        wanted = {s for v in statuses for s in (["open", "in_progress"] if v == "active" else [v])}
        rows = rows.filter(status__in=wanted)
    assert totals["total"] == count == rows.count()
    for status in CaseStatus.values:
        assert totals[status] == rows.filter(status=status).count()
    assert totals["overdue"] == rows.filter(services.overdue_q(today())).count()


@pytest.mark.parametrize("query", ["q=消防", "category=approvals", "overdue=1", "status=open&priority=normal"])
def test_other_filters_count_the_rows(client, network, make_user, cases_everywhere, query):
    user = make_user("manager-a", network["a"], "manager")
    client.force_login(user)
    totals, count, grouped = _totals(client, query)
    assert grouped  # counted from the cases
    assert totals["total"] == count


@pytest.mark.parametrize("query", ["unit=abc", "status=nonsense", "unit=999999"])
def test_an_invalid_filter_counts_nothing(client, network, make_user, cases_everywhere, query):
    client.force_login(make_user("manager-a", network["a"], "manager"))
    totals, count, _grouped = _totals(client, query)
    assert totals["total"] == count == 0


def test_overview_reads_the_tally(client, network, make_user, cases_everywhere):
    user = make_user("manager-a", network["a"], "manager")
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/ledger/overview/")
    assert response.status_code == 200
    by_status = [q["sql"] for q in queries.captured_queries if 'GROUP BY "ledger_case"."status"' in q["sql"]]
    assert by_status == []
    (ledger,) = response.context["ledgers"]
    assert {value: n for value, _label, n in ledger["by_status"]} == {
        **dict.fromkeys(CaseStatus.values, 0),
        "open": 2,
        "in_progress": 1,
    }
    assert ledger["active"] == 3
