"""`qiao synth --activities`: participations that copy their activity's unit and date, and figures
equal to the ground truth the generator counted on its own while writing them."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.db.models import F

from qiao.activities import services
from qiao.activities.models import Activity, Participation
from qiao.core.demo import synth, synth_activities
from qiao.core.models import Unit

D = datetime.date


@pytest.fixture
def generated(network, make_user):
    root = make_user("root", is_superuser=True)
    synth.organizations(20, seed=5)
    synth.people(400, seed=5, batch=200)
    truth = synth_activities.generate(80, participations=3000, seed=5, batch=30, today=D(2026, 11, 21))
    return root, truth


def _answers(truth):
    return [a for a in synth_activities.truth(truth) if a["period"] in ("all", "2019", "2023-2024", "2024Q3", "2026")]


def test_participations_copy_their_activity(generated):
    assert Participation.objects.count() == 3000
    assert not Participation.objects.exclude(unit=F("activity__unit"), date=F("activity__start_date")).exists()
    assert not Participation.objects.filter(date__gt=D(2026, 11, 21)).exclude(status="registered").exists()
    assert Activity.objects.filter(series__isnull=False).exists()
    assert Activity.objects.filter(partners__isnull=False).exists()
    assert Activity.objects.filter(target_groups__isnull=False).exists()
    assert Activity.objects.filter(programme__isnull=False).exists()


def test_figures_equal_the_ground_truth_for_a_superuser(generated):
    root, truth = generated
    answers = _answers(truth)
    assert any(a["first_timers"] for a in answers)
    for answer in answers:
        start, end = D.fromisoformat(answer["date_from"]), D.fromisoformat(answer["date_to"])
        unit = Unit.objects.get(code=answer["unit"]) if answer["unit"] else None
        rows = Activity.objects.filter(start_date__gte=start, start_date__lte=end)
        if unit is not None:
            rows = rows.filter(unit__path__startswith=unit.path)
        figures = services.figures(root, rows, since=start, unit=unit)
        got = {key: figures[key] for key in ("first_timers", "person_times", "batches")}
        assert got == {key: answer[key] for key in got}, answer


def test_figures_equal_the_ground_truth_for_a_base_and_a_centre_reader(generated, network, make_user):
    _root, truth = generated
    base_staff = make_user("staff-a", network["a"], "staff")
    centre = make_user("centre", network["centre"], "viewer")
    for answer in _answers(truth):
        start, end = D.fromisoformat(answer["date_from"]), D.fromisoformat(answer["date_to"])
        for user, unit in ((base_staff, "base-a"), (centre, "centre"), (centre, None)):
            if answer["unit"] != unit:
                continue
            rows = Activity.objects.restrict(user).filter(start_date__gte=start, start_date__lte=end)
            assert services.figures(user, rows, since=start)["first_timers"] == answer["first_timers"], answer


def test_the_command_writes_the_truth(network, tmp_path):
    from qiao.core.models import User

    User.objects.create_superuser("root", password="Qiao-root-pass-9")
    synth.people(200, seed=2, batch=200)
    path = tmp_path / "truth.json"
    call_command("synth", activities=30, participations=600, truth=str(path), verbosity=0)
    answers = json.loads(path.read_text(encoding="utf-8"))
    everything = next(a for a in answers if a["unit"] is None and a["period"] == "all")
    assert everything["batches"] == 30
    assert everything["person_times"] == Participation.objects.filter(status="attended").count()
