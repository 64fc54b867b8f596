"""A large people file is planned in two processes (PostgreSQL, outside a transaction); the plan must
be the plan one process makes, row for row: outcome, problems, data and proposals."""

import pytest
from django.db import connection

from qiao.imports.kinds import people as kind

from .test_import_bulk import ROWS, make_plan

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def known(network, make_person):
    import datetime

    return make_person(
        network["a"],
        "陳大文",
        name_latin="CHAN Tai Man",
        birth_date=datetime.date(1990, 5, 4),
        documents=[{"kind": "hkid", "number": "A1234563"}],
        region="HK",
    )


def described(plan):
    return [
        (
            row.number,
            row.outcome,
            row.problems,
            {k: v for k, v in row.data.items() if k != "fingerprint"},
            [(m.target.pk, m.score, m.reasons, m.labels) for m in row.matches],
        )
        for row in plan.rows
    ]


def test_two_processes_plan_what_one_plans(network, make_user, known, settings, monkeypatch):
    staff = make_user("staff-a", network["a"], "staff")
    rows = ROWS * 3  # the documents of the first copy come back below: "the same person twice?"
    monkeypatch.setattr(kind, "PARALLEL_ROWS", 4)
    split = []
    parallel_plan = kind._parallel
    monkeypatch.setattr(kind, "_parallel", lambda *args: split.append(parallel_plan(*args)) or split[-1])
    settings.QIAO_IMPORT_PROCESSES = 2
    parallel = make_plan(staff, rows)
    settings.QIAO_IMPORT_PROCESSES = 1
    single = make_plan(staff, rows)
    assert described(parallel) == described(single)
    outcomes = [row.outcome for row in single.rows]
    assert outcomes[:5] == ["same", "same", "new", "new", "review"]
    assert outcomes.count("error") == 8  # the second and third copies of the four rows with documents
    # PostgreSQL: the first plan was made in two processes, the second in one; SQLite: one only
    assert split == [connection.vendor == "postgresql", False]


def test_a_failed_second_process_leaves_its_rows_to_the_first(network, make_user, known, settings, monkeypatch):
    staff = make_user("staff-a", network["a"], "staff")

    def failing(sender, *args):
        sender.send("RuntimeError: boom")
        sender.close()

    monkeypatch.setattr(kind, "PARALLEL_ROWS", 4)
    monkeypatch.setattr(kind, "_link_half", failing)
    settings.QIAO_IMPORT_PROCESSES = 2
    parallel = make_plan(staff, ROWS * 2)
    settings.QIAO_IMPORT_PROCESSES = 1
    assert described(parallel) == described(make_plan(staff, ROWS * 2))


def test_inside_a_transaction_one_process_plans(network, make_user, known, settings, monkeypatch):
    from django.db import transaction

    staff = make_user("staff-a", network["a"], "staff")
    monkeypatch.setattr(kind, "PARALLEL_ROWS", 4)
    monkeypatch.setattr(kind, "_link_half", None)  # would fail if called
    with transaction.atomic():
        plan = make_plan(staff, ROWS * 2)
    assert [row.outcome for row in plan.rows][:5] == ["same", "same", "new", "new", "review"]


def test_a_failure_here_stops_the_other_process(network, make_user, known, settings, monkeypatch):
    import multiprocessing

    staff = make_user("staff-a", network["a"], "staff")
    monkeypatch.setattr(kind, "PARALLEL_ROWS", 4)
    settings.QIAO_IMPORT_PROCESSES = 2
    link = kind._link
    calls = []

    def failing_here(rows, visible, progress=None):
        calls.append(len(rows))
        if progress is not None:  # this process's half (the other process's has no progress)
            raise RuntimeError("boom")
        return link(rows, visible, progress)

    monkeypatch.setattr(kind, "_link", failing_here)
    with pytest.raises(RuntimeError):
        make_plan(staff, ROWS * 2)
    assert not multiprocessing.active_children()
