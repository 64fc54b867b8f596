"""Investment projects (招商项目): stage transitions allowed and refused with their dates, tranches and
the landed amount, landed funds above the plan, the production rate and its definition, totals that
match the listed rows, the board, scoping through every path (pages, htmx, export, API), the API."""

import csv
import datetime
import decimal
import io
import json
import os
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qiao.core.models import ChangeRecord
from qiao.projects import services
from qiao.projects.models import Project, ProjectPerson, Stage, StageChange, Tranche

D = datetime.date
Y = decimal.Decimal
PAST = D(2024, 3, 1)
PLAN = Y("500000000")


@pytest.fixture
def staff(network, make_user):
    return make_user("staff-a", network["a"], "staff")


@pytest.fixture
def manager(network, make_user):
    return make_user("manager-a", network["a"], "manager")


@pytest.fixture
def staff_b(network, make_user):
    return make_user("staff-b", network["b"], "staff")


@pytest.fixture
def investor(network, make_org):
    return make_org(network["a"], "香港恒达投资集团", kind="enterprise", region="HK")


@pytest.fixture
def make_project(network, staff, investor):
    def make(name="新能源电池增资扩产项目", unit=None, user=None, **fields):
        fields.setdefault("kind", "expansion")
        fields.setdefault("origin", "HK")
        fields.setdefault("stage_on", PAST)
        note = fields.pop("note", "")
        project = Project(unit=unit or network["a"], name=name, investor=fields.pop("investor", investor), **fields)
        return services.save_project(user or staff, project, note=note)

    return make


def _signed(make_project, staff, planned=PLAN, on=PAST, **fields):
    return make_project(planned_amount=planned, stage=Stage.SIGNED, stage_on=on, **fields)


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------- creating


def test_a_new_project_starts_at_a_stage_with_its_first_stage_change(make_project, staff):
    project = make_project(note="首次接洽")
    assert project.stage == Stage.LEAD and project.stage_on == PAST and project.landed_amount == 0
    change = StageChange.objects.get(project=project)
    assert (change.from_stage, change.to_stage, change.on, change.note, change.by) == (
        "",
        Stage.LEAD,
        PAST,
        "首次接洽",
        staff,
    )


def test_a_project_created_signed_needs_its_plan_and_is_dated_signed(make_project, staff):
    with pytest.raises(ValidationError) as error:
        make_project(stage=Stage.SIGNED)
    assert "planned_amount" in error.value.message_dict
    assert not Project.objects.exists()  # nothing half-saved
    project = _signed(make_project, staff)
    assert project.signed_on == PAST


@pytest.mark.parametrize("stage", [Stage.LANDED, Stage.PRODUCTION, Stage.DROPPED])
def test_a_new_project_cannot_start_landed_in_production_or_dropped(make_project, stage):
    with pytest.raises(ValidationError) as error:
        make_project(stage=stage, planned_amount=Y("100"))
    assert "stage" in error.value.message_dict
    assert not Project.objects.exists() and not StageChange.objects.exists()


@pytest.mark.parametrize("planned", [Y("-1"), Y("0"), Y("1000000000000.01")])
def test_negative_zero_and_absurd_plans_are_refused(make_project, planned):
    with pytest.raises(ValidationError) as error:
        make_project(planned_amount=planned)
    assert "planned_amount" in error.value.message_dict
    assert "Planned investment" in _message(error.value)


def test_overseas_capital_names_its_country(make_project):
    with pytest.raises(ValidationError) as error:
        make_project(origin="OVERSEAS")
    assert "origin_country" in error.value.message_dict
    assert make_project(origin="OVERSEAS", origin_country="新加坡").origin_country == "新加坡"


def test_links_must_be_records_the_user_may_see(make_project, network, make_org, make_person):
    foreign = make_org(network["b"], "乙方社团")
    with pytest.raises(ValidationError) as error:
        make_project(investor=foreign)
    assert "investor" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_project(referral_person=make_person(network["b"], "林美玲"))


def test_the_liaison_works_near_the_owning_unit(make_project, network, make_user):
    make_project(liaison=make_user("liaison-a1", network["a1"], "staff"))  # below: fine
    make_project(liaison=make_user("centre-staff", network["centre"], "staff"))  # above: fine
    with pytest.raises(ValidationError) as error:
        make_project(liaison=make_user("liaison-b", network["b"], "staff"))
    assert "liaison" in error.value.message_dict


def test_an_edit_keeps_the_stage_which_moves_only_by_move(make_project, staff):
    project = make_project()
    project.stage = Stage.SIGNED
    with pytest.raises(ValidationError) as error:
        services.save_project(staff, project)
    assert "Move" in _message(error.value)


# ---------------------------------------------------------------- moving


def test_moving_forward_may_skip_stages_and_records_each_move(make_project, staff):
    project = make_project()
    services.move(staff, project, Stage.NEGOTIATING, on=D(2024, 4, 1), note="第二次洽谈")
    project.refresh_from_db()
    assert project.stage == Stage.NEGOTIATING and project.stage_on == D(2024, 4, 1)
    changes = list(StageChange.objects.filter(project=project).values_list("from_stage", "to_stage", "on", "note"))
    assert changes == [("", "lead", PAST, ""), ("lead", "negotiating", D(2024, 4, 1), "第二次洽谈")]


@pytest.mark.parametrize(
    ("start", "target"),
    [(Stage.NEGOTIATING, Stage.VISITED), (Stage.SIGNED, Stage.LEAD), (Stage.NEGOTIATING, Stage.LEAD)],
)
def test_going_back_is_refused_with_a_clear_message(make_project, staff, start, target):
    project = make_project(stage=start, planned_amount=Y("1000000"))
    with pytest.raises(ValidationError) as error:
        services.move(staff, project, target, on=D(2024, 5, 1))
    assert "does not go back" in _message(error.value)
    project.refresh_from_db()
    assert project.stage == start and StageChange.objects.filter(project=project).count() == 1


def test_moving_to_the_same_stage_or_an_unknown_one_is_refused(make_project, staff):
    project = make_project()
    with pytest.raises(ValidationError, match="already"):
        services.move(staff, project, Stage.LEAD)
    with pytest.raises(ValidationError) as error:
        services.move(staff, project, "launched")
    assert "stage" in error.value.message_dict


def test_signing_needs_a_planned_investment_and_is_dated_by_the_move(make_project, staff):
    project = make_project(stage=Stage.NEGOTIATING)
    with pytest.raises(ValidationError) as error:
        services.move(staff, project, Stage.SIGNED, on=D(2024, 6, 1))
    assert "planned investment" in _message(error.value)
    project.planned_amount = Y("1391000000")
    services.save_project(staff, project)
    services.move(staff, project, Stage.SIGNED, on=D(2024, 6, 1))
    project.refresh_from_db()
    assert project.signed_on == D(2024, 6, 1) and project.stage_on == D(2024, 6, 1)


def test_landing_needs_a_tranche_and_production_needs_landed_funds(make_project, staff):
    project = _signed(make_project, staff)
    for target in (Stage.LANDED, Stage.PRODUCTION):
        with pytest.raises(ValidationError) as error:
            services.move(staff, project, target, on=D(2024, 7, 1))
        assert "tranche" in _message(error.value)
    services.add_tranche(staff, project, amount=Y("200000000"), on=D(2024, 7, 1))
    services.move(staff, project, Stage.LANDED, on=D(2024, 7, 1))
    services.move(staff, project, Stage.PRODUCTION, on=D(2024, 9, 1))
    project.refresh_from_db()
    assert project.stage == Stage.PRODUCTION and project.signed_on == PAST  # the first signing date is kept


def test_skipping_to_landed_sets_the_signing_date_to_the_move(make_project, staff):
    project = make_project(stage=Stage.NEGOTIATING, planned_amount=Y("300000000"))
    services.add_tranche(staff, project, amount=Y("100000000"), on=D(2024, 4, 1))
    services.move(staff, project, Stage.LANDED, on=D(2024, 4, 2))
    project.refresh_from_db()
    assert project.signed_on == D(2024, 4, 2) and project.stage == Stage.LANDED


def test_production_is_final(make_project, staff):
    project = _signed(make_project, staff)
    services.add_tranche(staff, project, amount=Y("1000"), on=PAST)
    services.move(staff, project, Stage.PRODUCTION, on=PAST)
    for target in (Stage.DROPPED, Stage.LANDED):
        with pytest.raises(ValidationError, match="final"):
            services.move(staff, project, target, on=PAST, reason="市场变化")


def test_dropping_needs_a_reason_and_reopens_only_where_it_was_dropped(make_project, staff):
    project = _signed(make_project, staff)
    with pytest.raises(ValidationError) as error:
        services.move(staff, project, Stage.DROPPED, on=D(2024, 5, 1))
    assert "reason" in error.value.message_dict
    services.move(staff, project, Stage.DROPPED, on=D(2024, 5, 1), reason="投资方资金链紧张", note="暂缓")
    project.refresh_from_db()
    assert (project.stage, project.dropped_from, project.dropped_reason) == ("dropped", "signed", "投资方资金链紧张")
    assert StageChange.objects.filter(project=project).last().note == "投资方资金链紧张\n暂缓"
    for other in (Stage.NEGOTIATING, Stage.LANDED):
        with pytest.raises(ValidationError, match="dropped from"):
            services.move(staff, project, other, on=D(2024, 6, 1))
    services.move(staff, project, Stage.SIGNED, on=D(2024, 6, 1), note="重新启动")
    project.refresh_from_db()
    assert (project.stage, project.dropped_from, project.dropped_reason) == ("signed", "", "")
    assert project.signed_on == PAST  # kept through dropping and reopening


def test_move_dates_are_kept_in_order_and_never_in_the_future(make_project, staff):
    project = make_project()
    services.move(staff, project, Stage.VISITED, on=D(2024, 5, 10))
    with pytest.raises(ValidationError) as error:
        services.move(staff, project, Stage.NEGOTIATING, on=D(2024, 5, 9))
    assert "before the project's previous stage change (2024-05-10)" in _message(error.value)
    tomorrow = services.local_today(staff) + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="future"):
        services.move(staff, project, Stage.NEGOTIATING, on=tomorrow)
    with pytest.raises(ValidationError, match="1980"):
        services.move(staff, project, Stage.NEGOTIATING, on=D(1979, 12, 31))
    services.move(staff, project, Stage.NEGOTIATING, on=D(2024, 5, 10))  # the same day is fine
    project.refresh_from_db()
    assert project.stage == Stage.NEGOTIATING
    assert StageChange.objects.filter(project=project).count() == 3


def test_a_move_defaults_to_the_users_own_today(make_project, staff, make_user, network, monkeypatch):
    # 2026-01-02 00:30 in Shanghai is still 2026-01-01 in Vancouver
    instant = datetime.datetime(2026, 1, 2, 0, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr(timezone, "now", lambda: instant)
    vancouver = make_user("staff-van", network["a"], "staff", time_zone="America/Vancouver")
    hong_kong = make_user("staff-hk", network["a"], "staff", time_zone="Asia/Hong_Kong")
    assert services.local_today(vancouver) == D(2026, 1, 1)
    assert services.local_today(hong_kong) == D(2026, 1, 2)
    assert services.local_today(staff) == D(2026, 1, 2)  # no zone of their own: settings.TIME_ZONE (Shanghai)
    project = make_project()
    with pytest.raises(ValidationError, match="future"):
        services.move(vancouver, project, Stage.VISITED, on=D(2026, 1, 2))
    services.move(vancouver, project, Stage.VISITED)
    project.refresh_from_db()
    assert project.stage_on == D(2026, 1, 1)


def test_a_viewer_or_another_base_cannot_move(make_project, network, make_user, staff_b):
    project = make_project()
    viewer = make_user("viewer-a", network["a"], "viewer")
    for user in (viewer, staff_b):
        with pytest.raises(PermissionDenied):
            services.move(user, project, Stage.VISITED, on=PAST)
    project.refresh_from_db()
    assert project.stage == Stage.LEAD


def test_a_move_is_on_the_projects_history(make_project, staff):
    from qiao.core import context

    project = make_project()
    with context.acting(user=staff, source="test"):
        services.move(staff, project, Stage.VISITED, on=D(2024, 4, 1), note="实地走访")
    record = ChangeRecord.objects.filter(object_id=project.pk, content_type__model="project").order_by("-id").first()
    assert record.user == staff and record.after["stage"] == "visited" and record.before["stage"] == "lead"
    assert record.after["stage_changes"][-1]["to_stage"] == "visited"


# ---------------------------------------------------------------- tranches


def test_the_landed_amount_is_the_exact_sum_of_the_tranches(make_project, staff):
    project = _signed(make_project, staff, planned=Y("1000"))
    first = services.add_tranche(staff, project, amount=Y("0.1"), on=D(2024, 4, 1))
    services.add_tranche(staff, project, amount=Y("0.2"), on=D(2024, 4, 2))
    services.add_tranche(staff, project, amount=Y("333.33"), on=D(2024, 4, 3))
    project.refresh_from_db()
    assert project.landed_amount == Y("333.63")  # 0.1 + 0.2 is 0.3 here, not 0.30000000000000004
    services.change_tranche(staff, first, amount=Y("100.07"))
    project.refresh_from_db()
    assert project.landed_amount == Y("433.60")
    services.delete_tranche(staff, first)
    project.refresh_from_db()
    assert (
        project.landed_amount
        == Y("333.53")
        == sum(Tranche.objects.filter(project=project).values_list("amount", flat=True))
    )


@pytest.mark.parametrize(
    ("amount", "on", "field"),
    [
        (Y("0"), PAST, "amount"),
        (Y("-100"), PAST, "amount"),
        (Y("1000000000000.01"), PAST, "amount"),
        (Y("100"), D(1979, 12, 31), "on"),
        (Y("100"), D(2999, 1, 1), "on"),
    ],
)
def test_bad_tranches_are_refused_and_nothing_is_written(make_project, staff, amount, on, field):
    project = _signed(make_project, staff)
    with pytest.raises(ValidationError) as error:
        services.add_tranche(staff, project, amount=amount, on=on)
    assert field in error.value.message_dict
    project.refresh_from_db()
    assert project.landed_amount == 0 and not Tranche.objects.exists()


def test_landed_above_the_plan_needs_a_confirmation_and_a_note(make_project, staff):
    staff.amount_unit = "wan"
    project = _signed(make_project, staff, planned=Y("10000000"))  # 1,000万元
    services.add_tranche(staff, project, amount=Y("8000000"), on=D(2024, 4, 1))
    with pytest.raises(ValidationError) as error:
        services.add_tranche(staff, project, amount=Y("2500000"), on=D(2024, 4, 2))
    assert "above the planned investment" in _message(error.value)
    assert "50 × 10k yuan" in _message(error.value)  # by how much, in the user's unit (50万元)
    with pytest.raises(ValidationError) as error:
        services.add_tranche(staff, project, amount=Y("2500000"), on=D(2024, 4, 2), confirm=True)
    assert "note" in error.value.message_dict
    project.refresh_from_db()
    assert project.landed_amount == Y("8000000") and Tranche.objects.count() == 1  # nothing half-saved
    services.add_tranche(staff, project, amount=Y("2500000"), on=D(2024, 4, 2), confirm=True, note="追加设备投资")
    project.refresh_from_db()
    assert project.landed_amount == Y("10500000") and project.over_plan == Y("500000")


def test_the_excess_is_written_in_the_users_own_unit(make_project, staff):
    staff.amount_unit = "yi"
    project = _signed(make_project, staff, planned=Y("13910000000"))
    with pytest.raises(ValidationError) as error:
        services.add_tranche(staff, project, amount=Y("15000000000"), on=PAST)
    assert "10.9 × 100M yuan" in _message(error.value)


def test_lowering_the_plan_below_the_landed_funds_needs_a_confirmation(make_project, staff):
    project = _signed(make_project, staff, planned=Y("10000000"))
    services.add_tranche(staff, project, amount=Y("8000000"), on=PAST)
    project.refresh_from_db()
    project.planned_amount = Y("6000000")
    with pytest.raises(ValidationError) as error:
        services.save_project(staff, project)
    assert "planned_amount" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.save_project(staff, project, confirm_over_plan=True)
    assert "over_plan_note" in error.value.message_dict
    services.save_project(staff, project, confirm_over_plan=True, over_plan_note="规划调整，实际投入更多")
    project.refresh_from_db()
    assert project.planned_amount == Y("6000000") and project.over_plan_note == "规划调整，实际投入更多"


def test_a_signed_project_keeps_its_plan(make_project, staff):
    project = _signed(make_project, staff)
    project.planned_amount = None
    with pytest.raises(ValidationError) as error:
        services.save_project(staff, project)
    assert "planned_amount" in error.value.message_dict


def test_a_landed_project_keeps_at_least_one_tranche(make_project, staff):
    project = _signed(make_project, staff)
    tranche = services.add_tranche(staff, project, amount=Y("1000"), on=PAST)
    services.move(staff, project, Stage.LANDED, on=PAST)
    with pytest.raises(ValidationError, match="only tranche"):
        services.delete_tranche(staff, tranche)
    assert Tranche.objects.filter(pk=tranche.pk).exists()


def test_another_base_cannot_touch_the_tranches(make_project, staff, staff_b):
    project = _signed(make_project, staff)
    tranche = services.add_tranche(staff, project, amount=Y("1000"), on=PAST)
    with pytest.raises(PermissionDenied):
        services.add_tranche(staff_b, project, amount=Y("1000"), on=PAST)
    with pytest.raises(PermissionDenied):
        services.change_tranche(staff_b, tranche, amount=Y("1"))
    with pytest.raises(PermissionDenied):
        services.delete_tranche(staff_b, tranche)
    project.refresh_from_db()
    assert project.landed_amount == Y("1000")


# ---------------------------------------------------------------- figures


def _in_production(make_project, staff, name, **fields):
    project = _signed(make_project, staff, name=name, **fields)
    services.add_tranche(staff, project, amount=Y("100"), on=PAST)
    services.move(staff, project, Stage.PRODUCTION, on=PAST)
    return project


def test_the_production_rate_is_in_production_over_ever_signed(make_project, staff):
    """投产率 = projects in production ÷ projects ever signed (with a signing date, whatever their stage
    now; dropped after signing included), rounded half up to one decimal: "投产率80%"."""
    for n in range(4):
        _in_production(make_project, staff, f"投产项目{n}")
    dropped = _signed(make_project, staff, name="签约后放弃")
    services.move(staff, dropped, Stage.DROPPED, on=PAST, reason="选址变化")
    make_project(name="线索")  # never signed: not counted
    never = make_project(name="未签约即放弃")
    services.move(staff, never, Stage.DROPPED, on=PAST, reason="无意向")
    assert services.production_rate(Project.objects.all()) == Y("80.0")
    assert services.production_rate(Project.objects.filter(stage=Stage.LEAD)) is None  # nothing signed


def test_the_production_rate_rounds_half_up(make_project, staff):
    _in_production(make_project, staff, "投产")
    for n in range(15):
        _signed(make_project, staff, name=f"签约{n}")
    assert services.production_rate(Project.objects.all()) == Y("6.3")  # 1 ÷ 16 = 6.25 % → 6.3 (not 6.2)


def test_totals_are_one_query(make_project, staff, django_assert_num_queries):
    _signed(make_project, staff, planned=Y("13910000000"))
    make_project(name="b", planned_amount=Y("0.01"))
    with django_assert_num_queries(1):
        figures = services.totals(Project.objects.all())
    assert figures["count"] == 2 and figures["planned"] == Y("13910000000.01") and figures["landed"] == 0
    assert figures["signed"] == 1 and figures["in_production"] == 0 and figures["production_rate"] == Y("0.0")


# ---------------------------------------------------------------- pages


@pytest.fixture
def pipeline(make_project, staff, network, make_org):
    """A few projects of base A at several stages, and one of base B."""
    from qiao.matching.models import Field

    energy = Field.objects.filter(parent__isnull=True).first()
    child = Field.objects.filter(parent=energy).first() or energy
    lead = make_project(name="储能电站项目", planned_amount=Y("123456789.12"), industry=child)
    signed = _signed(make_project, staff, name="港资电子厂增资扩产", planned=Y("13910000000"), on=D(2024, 2, 1))
    services.add_tranche(staff, signed, amount=Y("11113000000"), on=D(2024, 3, 1))
    services.move(staff, signed, Stage.LANDED, on=D(2024, 3, 2))
    production = _in_production(make_project, staff, "澳门食品加工厂", origin="MO")
    b_org = make_org(network["b"], "乙方投资公司")
    other = services.save_project(
        staff_b_user(network),
        Project(unit=network["b"], name="乙基地项目", investor=b_org, kind="new", origin="TW", stage_on=PAST),
    )
    return {"lead": lead, "signed": signed, "production": production, "other": other, "field": energy}


def staff_b_user(network):
    from qiao.core.models import Membership, User

    user = User.objects.filter(username="maker-b").first()
    if user is None:
        user = User.objects.create_user("maker-b", password="Qiao-test-pass-9")
        Membership.objects.create(user=user, unit=network["b"], role="staff")
    return user


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("query", ["", "origin=HK", "stage=landed&stage=lead", "period_on=signed&date_from=2024-01-01"])
def test_the_totals_are_those_of_exactly_the_listed_rows(client, staff, pipeline, query):
    client.force_login(staff)
    page = client.get(f"/projects/?{query}")
    assert page.status_code == 200
    totals = page.context["totals"]
    rows = _csv(client.get(f"/projects/?{query}&export=csv"))
    header, body = rows[0], rows[1:]
    planned = header.index("Planned investment (yuan)")
    landed = header.index("Landed amount (yuan)")
    assert totals["count"] == len(body) == page.context["table"].paginator.count
    assert totals["planned"] == sum((Y(r[planned]) for r in body if r[planned]), Y(0))
    assert totals["landed"] == sum((Y(r[landed]) for r in body if r[landed]), Y(0))
    assert "乙基地项目" not in page.content.decode()


def test_the_list_shows_amounts_in_the_users_unit_and_exports_exact_yuan(client, staff, pipeline):
    staff.amount_unit = "yi"
    staff.save()
    client.force_login(staff)
    page = client.get("/projects/", HTTP_ACCEPT_LANGUAGE="zh-hans", headers={"Accept-Language": "zh-hans"})
    text = page.content.decode()
    assert "139.1" in text and "111.13" in text
    rows = _csv(client.get("/projects/?export=csv"))
    header = rows[0]
    signed_row = next(r for r in rows if r[header.index("Name")] == "港资电子厂增资扩产")
    assert signed_row[header.index("Planned investment (yuan)")] == "13910000000"
    lead_row = next(r for r in rows if r[header.index("Name")] == "储能电站项目")
    assert lead_row[header.index("Planned investment (yuan)")] == "123456789.12"


def test_list_filters(client, staff, pipeline, make_person, network):
    client.force_login(staff)

    def names(query):
        return {p.name for p in client.get(f"/projects/?{query}").context["table"].data}

    assert names(f"industry={pipeline['field'].pk}") == {"储能电站项目"}  # the field's subtree
    assert names("origin=MO") == {"澳门食品加工厂"}
    assert names("stage=in_production") == {"澳门食品加工厂"}
    assert names("period_on=signed&date_from=2024-02-01&date_to=2024-02-01") == {"港资电子厂增资扩产"}
    assert names(f"unit={network['a'].pk}") == {"储能电站项目", "港资电子厂增资扩产", "澳门食品加工厂"}
    adviser = make_person(network["a"], "梁志強")
    project = pipeline["lead"]
    project.referral_person = adviser
    services.save_project(staff, project)
    assert names(f"referral_person={adviser.pk}") == {"储能电站项目"}


def test_the_project_page_shows_timeline_tranches_and_people(client, staff, pipeline, make_person, network):
    project = pipeline["signed"]
    person = make_person(network["a"], "陳大文")
    client.force_login(staff)
    response = client.post(f"/projects/{project.pk}/people/", {"person": person.pk, "role": "投资方代表"})
    assert response.status_code == 302
    assert ProjectPerson.objects.filter(project=project, person=person, role="投资方代表").exists()
    page = client.get(f"/projects/{project.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "陳大文" in text and "投资方代表" in text
    kinds = [event["kind"] for event in page.context["events"]]
    assert kinds[0] == "stage" and "tranche" in kinds  # newest first: landed on 03-02, tranche on 03-01
    assert [e["on"] for e in page.context["events"]] == sorted((e["on"] for e in page.context["events"]), reverse=True)
    link = ProjectPerson.objects.get(project=project, person=person)
    assert client.post(f"/projects/people/{link.pk}/remove/").status_code == 302
    assert not ProjectPerson.objects.filter(pk=link.pk).exists()


def test_the_project_page_lists_the_projects_cases(client, staff, pipeline, investor):
    from qiao.ledger.models import Case

    project = pipeline["signed"]
    Case.objects.create(
        unit=project.unit,
        organization=investor,
        project=project,
        category="land",
        title="用地指标未落实",
        raised_on=PAST,
    )
    client.force_login(staff)
    page = client.get(f"/projects/{project.pk}/")
    assert any(e["kind"] == "case" and e["title"] == "用地指标未落实" for e in page.context["events"])


def test_adding_a_tranche_through_htmx_gives_the_new_total(client, staff, pipeline):
    project = pipeline["lead"]
    client.force_login(staff)
    response = client.post(
        f"/projects/{project.pk}/tranches/",
        {"amount": "500", "amount_unit": "wan", "on": "2024-04-01", "note": "首期"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.landed_amount == Y("5000000")
    text = response.content.decode()
    assert 'id="landed-total" hx-swap-oob="true"' in text and 'id="timeline" hx-swap-oob="true"' in text
    bad = client.post(
        f"/projects/{project.pk}/tranches/",
        {"amount": "abc", "amount_unit": "wan", "on": "2024-04-01"},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 400 and "is not an amount" in bad.content.decode()
    over = client.post(
        f"/projects/{project.pk}/tranches/",
        {"amount": "2亿", "amount_unit": "wan", "on": "2024-04-01"},
        headers={"HX-Request": "true"},
    )
    assert over.status_code == 400 and "above the planned investment" in over.content.decode()
    project.refresh_from_db()
    assert project.landed_amount == Y("5000000")


def test_correcting_and_deleting_a_tranche_on_the_page(client, staff, pipeline):
    project = pipeline["lead"]
    tranche = services.add_tranche(staff, project, amount=Y("1000"), on=PAST)
    client.force_login(staff)
    response = client.post(
        f"/projects/tranches/{tranche.pk}/edit/", {"amount": "1500", "amount_unit": "yuan", "on": "2024-03-01"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.landed_amount == Y("1500")
    assert client.post(f"/projects/tranches/{tranche.pk}/delete/").status_code == 302
    project.refresh_from_db()
    assert project.landed_amount == 0


def test_the_move_endpoint_answers_json_for_the_board(client, staff, pipeline):
    project = pipeline["lead"]
    client.force_login(staff)
    ok = client.post(
        f"/projects/{project.pk}/move/",
        {"stage": "visited", "on": "2024-04-01", "note": "走访"},
        headers={"Accept": "application/json"},
    )
    assert ok.status_code == 200 and ok.json()["ok"] and ok.json()["stage"] == "visited"
    refused = client.post(
        f"/projects/{project.pk}/move/", {"stage": "lead", "on": "2024-04-02"}, headers={"Accept": "application/json"}
    )
    assert refused.status_code == 400 and "does not go back" in refused.json()["message"]
    plain = client.post(f"/projects/{project.pk}/move/", {"stage": "dropped", "on": "2024-04-02"})
    assert plain.status_code == 302  # the page's form: back to the project with the message
    project.refresh_from_db()
    assert project.stage == "visited"


def test_the_board_counts_every_project_and_shows_the_latest_cards(client, staff, pipeline, make_project, monkeypatch):
    from qiao.projects import views

    for n in range(4):
        make_project(name=f"线索{n}", planned_amount=Y("10000"))
    monkeypatch.setattr(views, "BOARD_CARDS", 3)
    client.force_login(staff)
    page = client.get("/projects/board/")
    assert page.status_code == 200
    columns = {c["stage"]: c for c in page.context["columns"]}
    assert list(columns) == ["lead", "visited", "negotiating", "signed", "landed", "in_production", "dropped"]
    assert columns["lead"]["figures"]["count"] == 5 and len(columns["lead"]["cards"]) == 3
    assert columns["lead"]["figures"]["planned"] == Y("123456789.12") + 4 * Y("10000")
    assert columns["landed"]["figures"]["landed"] == Y("11113000000")
    assert "stage=lead" in columns["lead"]["list_url"]
    assert "乙基地项目" not in page.content.decode()
    filtered = client.get("/projects/board/?origin=MO")
    assert {c["stage"]: c["figures"]["count"] for c in filtered.context["columns"]}["in_production"] == 1
    assert sum(c["figures"]["count"] for c in filtered.context["columns"]) == 1
    partial = client.get("/projects/board/", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and b'id="board-columns"' in partial.content and b"<html" not in partial.content


def test_the_board_costs_a_bounded_number_of_queries(
    client, staff, pipeline, make_project, django_assert_max_num_queries
):
    for n in range(10):
        make_project(name=f"线索{n}")
    client.force_login(staff)
    client.get("/projects/board/")
    with django_assert_max_num_queries(20):
        client.get("/projects/board/")


def test_creating_and_editing_through_the_form(client, staff, investor, network):
    client.force_login(staff)
    response = client.post(
        "/projects/add/",
        {
            "name": "港资智能制造基地",
            "investor": investor.pk,
            "kind": "new",
            "origin": "HK",
            "planned_amount": "3.2",
            "planned_amount_unit": "yi",
            "stage": "signed",
            "stage_on": "2024-05-01",
            "unit": network["a"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(name="港资智能制造基地")
    assert project.planned_amount == Y("320000000") and project.signed_on == D(2024, 5, 1)
    edit = client.get(f"/projects/{project.pk}/edit/")
    assert edit.status_code == 200 and 'name="stage"' not in edit.content.decode()
    bad = client.post(
        f"/projects/{project.pk}/edit/",
        {"name": "港资智能制造基地", "investor": investor.pk, "kind": "new", "origin": "HK", "unit": network["a"].pk,
         "planned_amount": "-3", "planned_amount_unit": "yi"},
    )  # fmt: skip
    assert bad.status_code == 400 and "cannot be negative" in bad.content.decode()
    project.refresh_from_db()
    assert project.planned_amount == Y("320000000")


def test_trash_restore_and_bulk_delete(client, manager, staff, pipeline):
    client.force_login(manager)
    ids = [pipeline["lead"].pk, pipeline["signed"].pk]
    assert client.post("/projects/delete/", {"pk": ids}).status_code == 302
    assert Project.objects.filter(pk__in=ids).count() == 0
    trash = client.get("/projects/deleted/")
    assert trash.status_code == 200 and "储能电站项目" in trash.content.decode()
    assert client.get(f"/projects/{ids[0]}/").status_code == 404
    assert client.post(f"/projects/{ids[0]}/restore/").status_code == 302
    assert Project.objects.filter(pk=ids[0]).exists()
    client.force_login(staff)
    assert client.post("/projects/delete/", {"pk": [ids[0]]}).status_code == 404  # staff cannot delete


@pytest.mark.parametrize("role", ["viewer", "staff", "manager", "admin"])
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_every_page_answers_in_three_languages_for_every_role(client, network, make_user, pipeline, language, role):
    user = make_user(f"{role}-{language}", network["a"], role, language=language)
    client.force_login(user)
    pk = pipeline["signed"].pk
    for url in [
        "/projects/",
        "/projects/board/",
        "/projects/add/",
        f"/projects/{pk}/",
        f"/projects/{pk}/edit/",
        f"/projects/{pk}/history/",
        "/projects/deleted/",
        "/projects/?export=xlsx",
        f"/projects/{pk}/delete/",
    ]:
        status = client.get(url).status_code
        if role == "viewer" and ("edit" in url or "add" in url or "export" in url):
            assert status == 403, url
        elif url.endswith(("deleted/", "delete/")) and role in ("viewer", "staff"):
            assert status in (200, 404), url  # the trash is empty for them; delete is not theirs
        else:
            assert status == 200, (url, status)


# ---------------------------------------------------------------- scoping


def test_another_bases_user_reaches_nothing_of_the_project(client, api, staff, staff_b, pipeline):
    project = pipeline["signed"]
    tranche = Tranche.objects.filter(project=project).first()
    client.force_login(staff_b)
    assert project.name not in client.get("/projects/").content.decode()
    assert project.name not in client.get("/projects/board/").content.decode()
    assert project.name not in client.get("/projects/?export=csv").content.decode("utf-8-sig")
    for url in (f"/projects/{project.pk}/", f"/projects/{project.pk}/edit/", f"/projects/{project.pk}/history/"):
        assert client.get(url).status_code == 404, url
    posts = {
        f"/projects/{project.pk}/move/": {"stage": "in_production", "on": "2024-05-01"},
        f"/projects/{project.pk}/tranches/": {"amount": "1", "amount_unit": "yuan", "on": "2024-05-01"},
        f"/projects/{project.pk}/people/": {"person": ""},
        f"/projects/tranches/{tranche.pk}/edit/": {"amount": "1", "on": "2024-05-01"},
        f"/projects/tranches/{tranche.pk}/delete/": {},
        f"/projects/{project.pk}/delete/": {},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code in (403, 404), url
    rest = api(staff_b)
    assert rest.get(f"/api/projects/{project.pk}/").status_code == 404
    assert project.pk not in [p["id"] for p in rest.get("/api/projects/").json()["results"]]
    assert rest.get("/api/projects/totals/").json()["count"] == 1  # only base B's own project
    assert rest.post(f"/api/projects/{project.pk}/move/", {"stage": "in_production"}, format="json").status_code == 404
    assert (
        rest.post(
            f"/api/projects/{project.pk}/tranches/", {"amount": "1", "on": "2024-05-01"}, format="json"
        ).status_code
        == 404
    )
    assert rest.get(f"/api/projects/{project.pk}/tranches/").status_code == 404
    assert rest.patch(f"/api/tranches/{tranche.pk}/", {"amount": "1"}, format="json").status_code == 404
    assert rest.delete(f"/api/tranches/{tranche.pk}/").status_code == 404
    assert rest.patch(f"/api/projects/{project.pk}/", {"name": "x"}, format="json").status_code == 404
    project.refresh_from_db()
    assert project.stage == Stage.LANDED and project.landed_amount == Y("11113000000") and project.name != "x"


def test_a_viewer_sees_but_cannot_change(client, api, network, make_user, pipeline):
    viewer = make_user("viewer-a", network["a"], "viewer")
    project = pipeline["lead"]
    client.force_login(viewer)
    page = client.get(f"/projects/{project.pk}/")
    assert page.status_code == 200 and page.context["tranche_form"] is None and page.context["move_form"] is None
    assert client.post(f"/projects/{project.pk}/move/", {"stage": "visited"}).status_code == 404
    assert api(viewer).post(f"/api/projects/{project.pk}/move/", {"stage": "visited"}, format="json").status_code == 403


def test_a_forged_unit_cannot_pull_a_project_across(client, staff, pipeline, network, investor):
    project = pipeline["lead"]
    client.force_login(staff)
    response = client.post(
        f"/projects/{project.pk}/edit/",
        {"name": project.name, "investor": investor.pk, "kind": "new", "origin": "HK", "unit": network["b"].pk},
    )
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.unit == network["a"]


# ---------------------------------------------------------------- API


def test_api_create_move_tranches_and_totals(api, staff, investor, network):
    rest = api(staff)
    created = rest.post(
        "/api/projects/",
        {
            "name": "港资新材料项目",
            "investor": investor.pk,
            "kind": "expansion",
            "origin": "HK",
            "planned_amount": "13910000000.00",
            "unit": network["a"].pk,
            "stage": "negotiating",
            "stage_on": "2024-01-05",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (
        body["planned_amount"] == "13910000000.00"
        and body["landed_amount"] == "0.00"
        and body["stage"] == "negotiating"
    )
    pk = body["id"]
    moved = rest.post(
        f"/api/projects/{pk}/move/", {"stage": "signed", "on": "2024-02-01", "note": "签约仪式"}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["signed_on"] == "2024-02-01"
    refused = rest.post(f"/api/projects/{pk}/move/", {"stage": "landed", "on": "2024-02-02"}, format="json")
    assert refused.status_code == 400 and "tranche" in json.dumps(refused.json(), ensure_ascii=False)
    added = rest.post(f"/api/projects/{pk}/tranches/", {"amount": "11113000000", "on": "2024-03-01"}, format="json")
    assert added.status_code == 201 and added.json()["amount"] == "11113000000.00"
    over = rest.post(f"/api/projects/{pk}/tranches/", {"amount": "3000000000", "on": "2024-03-02"}, format="json")
    assert over.status_code == 400 and "amount" in over.json()
    listed = rest.get(f"/api/projects/{pk}/tranches/").json()
    assert [t["amount"] for t in listed] == ["11113000000.00"]
    tranche = listed[0]["id"]
    assert rest.patch(f"/api/tranches/{tranche}/", {"amount": "11113000000.50"}, format="json").status_code == 200
    detail = rest.get(f"/api/projects/{pk}/").json()
    assert detail["landed_amount"] == "11113000000.50"
    assert (
        rest.post(f"/api/projects/{pk}/move/", {"stage": "landed", "on": "2024-03-02"}, format="json").status_code
        == 200
    )
    totals = rest.get("/api/projects/totals/?stage=landed").json()
    assert totals == {
        "count": 1,
        "planned": "13910000000.00",
        "landed": "11113000000.50",
        "signed": 1,
        "in_production": 0,
        "production_rate": "0.0",
    }
    assert rest.get("/api/projects/?stage=landed").json()["count"] == 1
    assert rest.get(f"/api/projects/{pk}/history/").status_code == 200


def test_api_bad_input_names_the_field(api, staff, investor, network, make_project):
    rest = api(staff)
    base = {"name": "x", "investor": investor.pk, "kind": "new", "origin": "HK", "unit": network["a"].pk}
    for field, value in [("planned_amount", "-5"), ("planned_amount", "abc"), ("planned_amount", "2万亿"),
                         ("stage", "landed"), ("stage_on", "2999-01-01"), ("kind", "other")]:  # fmt: skip
        response = rest.post("/api/projects/", {**base, field: value}, format="json")
        assert response.status_code == 400, (field, value)
        assert field in response.json(), (field, response.json())
    project = make_project()
    response = rest.patch(f"/api/projects/{project.pk}/", {"stage": "signed"}, format="json")
    assert response.status_code == 400 and "stage" in response.json()
    response = rest.post(f"/api/projects/{project.pk}/move/", {"stage": "dropped"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = rest.post(f"/api/projects/{project.pk}/tranches/", {"amount": "1", "on": "1970-01-01"}, format="json")
    assert response.status_code == 400 and "on" in response.json()
    assert not Tranche.objects.exists() and Project.objects.count() == 1


def test_api_tranche_deletes_need_only_the_right_to_change(api, staff, make_project):
    project = _signed(make_project, staff)
    tranche = services.add_tranche(staff, project, amount=Y("1000"), on=PAST)
    assert api(staff).delete(f"/api/tranches/{tranche.pk}/").status_code == 204
    project.refresh_from_db()
    assert project.landed_amount == 0


def test_the_schema_documents_the_projects_api(client, staff):
    client.force_login(staff)
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/projects/", "/api/projects/{id}/move/", "/api/projects/{id}/tranches/", "/api/projects/totals/",
                 "/api/tranches/{id}/"):  # fmt: skip
        assert path in schema, path


# ---------------------------------------------------------------- fuzzing the projects API


@pytest.fixture
def keep_test_connection():
    """Calling the WSGI app directly sends request signals that would close the test's connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_no_input_makes_the_projects_api_fail(pipeline, make_user, network, keep_test_connection):
    """Schemathesis sends generated input, valid and invalid, to every projects and tranches
    operation, with {id} pointing at real records: the answer is never a server error."""
    import schemathesis
    from drf_spectacular.generators import SchemaGenerator
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.checks import not_a_server_error

    from qiao.core.models import ApiToken
    from qiao.wsgi import application

    token = ApiToken.issue(make_user("fuzzer", network["a"], "admin"), "fuzzer")
    ids = {"projects": pipeline["signed"].pk, "tranches": Tranche.objects.filter(project=pipeline["signed"]).first().pk}
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().path.startswith(("/api/projects/", "/api/tranches/"))
    ]
    assert len(operations) >= 10
    for operation in operations:
        for mode in schemathesis.GenerationMode:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=int(os.environ.get("QIAO_FUZZ", "12")), deadline=None, database=None,
                      suppress_health_check=list(HealthCheck), derandomize="QIAO_FUZZ" not in os.environ)  # fmt: skip
            def answers_without_error(case):
                resource = case.path.strip("/").split("/")[1]
                if case.path_parameters and "id" in case.path_parameters:
                    case.path_parameters["id"] = ids[resource]
                response = case.call(app=application, headers={"Authorization": f"Token {token}"})
                case.validate_response(response, checks=[not_a_server_error])

            try:
                answers_without_error()
            except Unsatisfiable:
                if mode != schemathesis.GenerationMode.NEGATIVE:
                    raise
