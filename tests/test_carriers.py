"""Carriers (载体) and incubation: carriers with bad input, residencies and their rules (dates, founders,
origin, capacity), occupancy by date at its edges, exits and outcomes, the figures and their
definitions, and scoping across units (a residency is scoped through its carrier's unit)."""

import datetime
import decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qiao.carriers import services
from qiao.carriers.models import Carrier, ExitKind, Milestone, Residency
from qiao.core.models import ChangeRecord

D = datetime.date
ENTRY = datetime.date(2024, 3, 1)
Y = decimal.Decimal


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
def make_carrier(network, staff):
    def make(name="港澳青年创新创业基地", unit=None, user=None, **fields):
        fields.setdefault("kind", "incubator")
        carrier = Carrier(unit=unit or network["a"], name=name, **fields)
        return services.save_carrier(user or staff, carrier)

    return make


@pytest.fixture
def make_residency(staff):
    def make(carrier, name="智能硬件团队", entered_on=ENTRY, user=None, founders=None, **fields):
        fields.setdefault("kind", "team")
        fields.setdefault("origin", "HK")
        residency = Residency(carrier=carrier, name=name, entered_on=entered_on, **fields)
        return services.save_residency(user or staff, residency, founders=founders)

    return make


def _fields(error: ValidationError) -> set:
    return set(error.message_dict)


def _text(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------- carriers


def test_a_carrier_is_created_with_its_facts_and_history(make_carrier, staff):
    carrier = make_carrier(floor_area=Y("1200.5"), capacity=30, address="惠州市仲恺区")
    assert carrier.floor_area == Y("1200.50") and carrier.capacity == 30
    assert ChangeRecord.objects.filter(object_id=carrier.pk, object_repr=carrier.name).exists()


@pytest.mark.parametrize("area", [Y("-5"), Y("0"), Y("0.00")])
def test_a_negative_or_zero_floor_area_is_refused_naming_the_field(make_carrier, area):
    with pytest.raises(ValidationError) as error:
        make_carrier(floor_area=area)
    assert _fields(error.value) == {"floor_area"}
    assert "Floor area" in _text(error.value)
    assert not Carrier.all_objects.exists()


@pytest.mark.parametrize("capacity", [0, -1])
def test_a_zero_capacity_is_refused(make_carrier, capacity):
    with pytest.raises(ValidationError) as error:
        make_carrier(capacity=capacity)
    assert _fields(error.value) == {"capacity"}


def test_a_carrier_needs_a_name_and_a_kind(make_carrier):
    with pytest.raises(ValidationError) as error:
        make_carrier(name="  ", kind="castle")
    assert _fields(error.value) == {"name", "kind"}


def test_capacity_cannot_fall_below_the_residents_hosted_today(make_carrier, make_residency, staff):
    carrier = make_carrier(capacity=5)
    make_residency(carrier, "甲")
    make_residency(carrier, "乙")
    carrier.capacity = 1
    with pytest.raises(ValidationError) as error:
        services.save_carrier(staff, carrier)
    assert _fields(error.value) == {"capacity"} and "2" in _text(error.value)
    carrier.capacity = 2
    services.save_carrier(staff, carrier)


def test_a_staff_member_cannot_put_a_carrier_in_another_unit(make_carrier, network, staff):
    with pytest.raises(PermissionDenied):
        make_carrier(unit=network["b"])
    assert not Carrier.all_objects.exists()


def test_deleting_is_soft_for_managers_and_restorable(make_carrier, staff, manager):
    carrier = make_carrier()
    with pytest.raises(PermissionDenied):
        services.delete_carrier(staff, carrier)
    services.delete_carrier(manager, carrier)
    assert not Carrier.objects.filter(pk=carrier.pk).exists()
    services.restore_carrier(manager, Carrier.all_objects.get(pk=carrier.pk))
    assert Carrier.objects.filter(pk=carrier.pk).exists()


def test_a_deleted_carrier_takes_no_residents(make_carrier, make_residency, manager):
    carrier = make_carrier()
    services.delete_carrier(manager, carrier)
    with pytest.raises(ValidationError) as error:
        make_residency(carrier)
    assert _fields(error.value) == {"carrier"}


# ---------------------------------------------------------------- residencies


def test_a_team_is_added_with_its_founders(make_carrier, make_residency, make_person, network):
    carrier = make_carrier()
    founder = make_person(network["a"], "陳大文")
    residency = make_residency(carrier, founders=[founder], origin="MO")
    assert list(residency.founders.all()) == [founder]
    assert residency.exited_on is None and residency.is_present


def test_the_entry_date_is_not_in_the_future(make_carrier, make_residency):
    tomorrow = services.local_today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        make_residency(make_carrier(), entered_on=tomorrow)
    assert _fields(error.value) == {"entered_on"} and "future" in _text(error.value)
    assert not Residency.objects.exists()


def test_the_origin_is_required_and_overseas_names_its_country(make_carrier, make_residency):
    carrier = make_carrier()
    with pytest.raises(ValidationError) as error:
        make_residency(carrier, origin="")
    assert _fields(error.value) == {"origin"}
    with pytest.raises(ValidationError) as error:
        make_residency(carrier, origin="OVERSEAS")
    assert _fields(error.value) == {"origin_country"}
    assert make_residency(carrier, origin="OVERSEAS", origin_country="新加坡").origin_country == "新加坡"


def test_founders_and_organisation_must_be_visible_to_the_user(
    make_carrier, make_residency, make_person, make_org, network
):
    carrier = make_carrier()
    stranger = make_person(network["b"], "李四")
    foreign_org = make_org(network["b"], "乙方公司")
    with pytest.raises(ValidationError) as error:
        make_residency(carrier, founders=[stranger], organization=foreign_org)
    assert _fields(error.value) == {"founders", "organization"}
    assert not Residency.objects.exists()


def test_a_residency_without_organisation_is_fine(make_carrier, make_residency):
    assert make_residency(make_carrier()).organization is None


# ---------------------------------------------------------------- occupancy


def test_occupancy_counts_the_entry_day_and_not_the_exit_day(make_carrier, make_residency, staff):
    carrier = make_carrier()
    team = make_residency(carrier, entered_on=D(2024, 3, 10))
    services.exit_residency(staff, team, ExitKind.GRADUATED, D(2024, 3, 20))
    assert services.occupancy(carrier, D(2024, 3, 9)) == 0
    assert services.occupancy(carrier, D(2024, 3, 10)) == 1  # entry day counts
    assert services.occupancy(carrier, D(2024, 3, 19)) == 1
    assert services.occupancy(carrier, D(2024, 3, 20)) == 0  # exit day does not


def test_a_stay_entered_and_left_on_one_day_is_hosted_on_no_day(make_carrier, make_residency, staff):
    carrier = make_carrier()
    team = make_residency(carrier, entered_on=D(2024, 3, 10))
    services.exit_residency(staff, team, ExitKind.LEFT, D(2024, 3, 10))
    assert services.occupancy(carrier, D(2024, 3, 10)) == 0


def test_the_occupancy_series_follows_entries_and_exits(make_carrier, make_residency, staff):
    carrier = make_carrier()
    first = make_residency(carrier, "甲", entered_on=D(2024, 1, 2))
    make_residency(carrier, "乙", entered_on=D(2024, 1, 4))
    services.exit_residency(staff, first, ExitKind.LEFT, D(2024, 1, 5))
    series = services.occupancy_series(carrier, D(2024, 1, 1), D(2024, 1, 6))
    assert [count for _day, count in series] == [0, 1, 1, 2, 1, 1]
    assert series[0][0] == D(2024, 1, 1) and series[-1][0] == D(2024, 1, 6)
    for day, count in series:
        assert services.occupancy(carrier, day) == count
    months = services.occupancy_by_month(carrier, D(2024, 2, 10), months=2)
    assert [(m["month"], m["hosted"], m["peak"], m["entered"], m["exited"]) for m in months] == [
        (D(2024, 1, 1), 1, 2, 2, 1),
        (D(2024, 2, 1), 1, 1, 0, 0),
    ]


# ---------------------------------------------------------------- capacity


def test_an_entry_beyond_capacity_is_refused_with_the_date_and_numbers(make_carrier, make_residency, staff):
    carrier = make_carrier(capacity=2)
    make_residency(carrier, "甲", entered_on=D(2024, 1, 1))
    make_residency(carrier, "乙", entered_on=D(2024, 2, 1))
    with pytest.raises(ValidationError) as error:
        make_residency(carrier, "丙", entered_on=D(2024, 3, 1))
    text = _text(error.value)
    assert _fields(error.value) == {"entered_on"}
    assert "2024-03-01" in text and "2 of its capacity of 2" in text
    assert Residency.objects.count() == 2


def test_capacity_is_checked_on_every_day_of_the_stay(make_carrier, make_residency, staff):
    """Room at the entry date but full later on (someone entered after): refused at that later day."""
    carrier = make_carrier(capacity=1)
    later = make_residency(carrier, "乙", entered_on=D(2024, 5, 1))
    with pytest.raises(ValidationError) as error:
        make_residency(carrier, "甲", entered_on=D(2024, 1, 1))
    assert "2024-05-01" in _text(error.value)
    # a stay that ended before the later entry fits: the exit day frees the place
    services.exit_residency(staff, later, ExitKind.LEFT, D(2024, 6, 1))
    early = make_residency(carrier, "丙", entered_on=D(2024, 6, 1))
    assert early.pk


def test_undoing_an_exit_checks_the_capacity_again(make_carrier, make_residency, staff, manager):
    carrier = make_carrier(capacity=1)
    first = make_residency(carrier, "甲", entered_on=D(2024, 1, 1))
    services.exit_residency(staff, first, ExitKind.LEFT, D(2024, 2, 1))
    make_residency(carrier, "乙", entered_on=D(2024, 3, 1))
    with pytest.raises(ValidationError) as error:
        services.undo_exit(manager, first)
    assert "2024-03-01" in _text(error.value)
    first.refresh_from_db()
    assert first.exited_on == D(2024, 2, 1) and first.milestones.filter(kind="left").exists()


def test_moving_the_entry_earlier_checks_the_capacity(make_carrier, make_residency, staff):
    carrier = make_carrier(capacity=1)
    first = make_residency(carrier, "甲", entered_on=D(2024, 1, 1))
    services.exit_residency(staff, first, ExitKind.LEFT, D(2024, 2, 1))
    second = make_residency(carrier, "乙", entered_on=D(2024, 2, 1))
    second.entered_on = D(2024, 1, 15)
    with pytest.raises(ValidationError):
        services.save_residency(staff, second)
    assert Residency.objects.get(pk=second.pk).entered_on == D(2024, 2, 1)


def test_no_capacity_means_no_limit(make_carrier, make_residency):
    carrier = make_carrier(capacity=None)
    for index in range(3):
        make_residency(carrier, f"团队{index}")
    assert services.occupancy(carrier, services.local_today()) == 3


# ---------------------------------------------------------------- exits and outcomes


def test_graduating_writes_the_milestone_in_the_same_transaction(make_carrier, make_residency, staff):
    team = make_residency(make_carrier())
    services.exit_residency(staff, team, ExitKind.GRADUATED, D(2024, 9, 1), note="出孵")
    team.refresh_from_db()
    assert (team.exited_on, team.exit_kind) == (D(2024, 9, 1), "graduated")
    milestone = Milestone.objects.get(residency=team)
    assert (milestone.kind, milestone.on, milestone.note) == ("graduated", D(2024, 9, 1), "出孵")


def test_exit_before_entry_is_refused_naming_the_field(make_carrier, make_residency, staff):
    team = make_residency(make_carrier(), entered_on=D(2024, 3, 1))
    with pytest.raises(ValidationError) as error:
        services.exit_residency(staff, team, ExitKind.LEFT, D(2024, 2, 28))
    assert _fields(error.value) == {"on"} and "before the day it entered" in _text(error.value)
    team.refresh_from_db()
    assert team.exited_on is None and not Milestone.objects.exists()


def test_exit_in_the_future_and_twice_are_refused(make_carrier, make_residency, staff):
    team = make_residency(make_carrier())
    with pytest.raises(ValidationError) as error:
        services.exit_residency(staff, team, ExitKind.LEFT, services.local_today() + datetime.timedelta(days=3))
    assert _fields(error.value) == {"on"}
    services.exit_residency(staff, team, ExitKind.LEFT, D(2024, 4, 1))
    with pytest.raises(ValidationError) as error:
        services.exit_residency(staff, team, ExitKind.GRADUATED, D(2024, 5, 1))
    assert _fields(error.value) == {"kind"}
    assert Milestone.objects.count() == 1


def test_undo_exit_is_for_managers(make_carrier, make_residency, staff, manager):
    team = make_residency(make_carrier())
    services.exit_residency(staff, team, ExitKind.GRADUATED, D(2024, 4, 1))
    with pytest.raises(PermissionDenied):
        services.undo_exit(staff, team)
    services.undo_exit(manager, team)
    team.refresh_from_db()
    assert team.exited_on is None and team.exit_kind == "" and not team.milestones.exists()


def test_outcomes_registered_and_funded(make_carrier, make_residency, make_org, staff, network):
    team = make_residency(make_carrier(), entered_on=D(2024, 3, 1))
    company = make_org(network["a"], "惠州智造科技有限公司")
    services.add_milestone(staff, team, "registered", D(2024, 4, 1), organization=company)
    team.refresh_from_db()
    assert team.organization == company  # the company the team registered
    services.add_milestone(staff, team, "funded", D(2024, 5, 1), amount=Y("2000000"))
    assert team.milestones.get(kind="funded").amount == Y("2000000.00")
    with pytest.raises(ValidationError) as error:
        services.add_milestone(staff, team, "registered", D(2024, 6, 1))
    assert _fields(error.value) == {"kind"}


@pytest.mark.parametrize("amount", [None, Y("0"), Y("-10"), "abc"])
def test_funding_needs_an_amount_above_zero(make_carrier, make_residency, staff, amount):
    team = make_residency(make_carrier())
    with pytest.raises(ValidationError) as error:
        services.add_milestone(staff, team, "funded", D(2024, 5, 1), amount=amount)
    assert _fields(error.value) == {"amount"}
    assert not Milestone.objects.exists()


def test_an_outcome_is_not_dated_before_the_entry(make_carrier, make_residency, staff):
    team = make_residency(make_carrier(), entered_on=D(2024, 3, 1))
    with pytest.raises(ValidationError) as error:
        services.add_milestone(staff, team, "registered", D(2024, 2, 1))
    assert _fields(error.value) == {"on"}
    with pytest.raises(ValidationError) as error:
        services.add_milestone(staff, team, "graduated", D(2024, 4, 1))
    assert _fields(error.value) == {"kind"}


def test_the_entry_cannot_move_after_an_outcome_or_the_exit(make_carrier, make_residency, staff):
    team = make_residency(make_carrier(), entered_on=D(2024, 3, 1))
    services.add_milestone(staff, team, "funded", D(2024, 4, 1), amount=Y("100"))
    team.entered_on = D(2024, 4, 2)
    with pytest.raises(ValidationError) as error:
        services.save_residency(staff, team)
    assert _fields(error.value) == {"entered_on"}


def test_exit_and_outcomes_are_in_the_residency_history(make_carrier, make_residency, staff):
    team = make_residency(make_carrier())
    services.exit_residency(staff, team, ExitKind.GRADUATED, D(2024, 9, 1))
    latest = ChangeRecord.objects.filter(object_id=team.pk, object_repr=team.name).order_by("-id").first()
    assert latest.after["exit_kind"] == "graduated"
    assert latest.after["milestones"][0]["kind"] == "graduated"


# ---------------------------------------------------------------- scoping


def test_a_residency_is_scoped_through_its_carriers_unit(
    make_carrier, make_residency, network, staff, staff_b, make_user
):
    carrier_a = make_carrier("甲基地")
    carrier_b = make_carrier("乙基地", unit=network["b"], user=staff_b)
    team_a = make_residency(carrier_a, "甲团队")
    team_b = make_residency(carrier_b, "乙团队", user=staff_b)
    centre = make_user("centre-viewer", network["centre"], "viewer")
    a1 = make_user("a1-staff", network["a1"], "staff")
    assert list(Residency.objects.restrict(staff)) == [team_a]
    assert list(Residency.objects.restrict(staff_b)) == [team_b]
    assert set(Residency.objects.restrict(centre)) == {team_a, team_b}  # the tree rolls up
    assert not Residency.objects.restrict(a1).exists()  # a unit below sees nothing above
    assert not Residency.objects.restrict(centre, "change").exists()
    assert list(Milestone.objects.restrict(staff)) == []


def test_a_user_cannot_add_or_change_residents_of_another_units_carrier(
    make_carrier, make_residency, network, staff, staff_b
):
    carrier_b = make_carrier("乙基地", unit=network["b"], user=staff_b)
    team_b = make_residency(carrier_b, "乙团队", user=staff_b)
    with pytest.raises(ValidationError) as error:
        make_residency(carrier_b, "闯入者", user=staff)
    assert _fields(error.value) == {"carrier"}
    with pytest.raises(PermissionDenied):
        services.exit_residency(staff, team_b, ExitKind.LEFT, D(2024, 4, 1))
    with pytest.raises(PermissionDenied):
        services.add_milestone(staff, team_b, "funded", D(2024, 4, 1), amount=Y("1"))
    team_b.name = "改名"
    with pytest.raises(PermissionDenied):
        services.save_residency(staff, team_b)
    # moving one's own team into a foreign carrier is refused too
    own = make_residency(make_carrier("甲基地"), "甲团队")
    own.carrier = carrier_b
    with pytest.raises(ValidationError):
        services.save_residency(staff, own)
    assert Residency.objects.get(pk=own.pk).carrier.name == "甲基地"


# ---------------------------------------------------------------- figures


@pytest.fixture
def hosted(make_carrier, make_residency, staff, network):
    """An incubator with: a HK team (entered 2023-06, graduated 2024-02, registered, funded 300万),
    a MO team (entered 2024-01, left 2024-03), a TW enterprise (entered 2024-02, landed 2024-02,
    funded 100万) and an overseas team (entered 2024-05, still there)."""
    carrier = make_carrier(capacity=10, floor_area=Y("500"))
    hk = make_residency(carrier, "港队", entered_on=D(2023, 6, 1), origin="HK")
    services.add_milestone(staff, hk, "registered", D(2023, 12, 1))
    services.add_milestone(staff, hk, "funded", D(2024, 1, 10), amount=Y("3000000"))
    services.exit_residency(staff, hk, ExitKind.GRADUATED, D(2024, 2, 1))
    mo = make_residency(carrier, "澳队", entered_on=D(2024, 1, 15), origin="MO")
    services.exit_residency(staff, mo, ExitKind.LEFT, D(2024, 3, 1))
    tw = make_residency(carrier, "台企", kind="enterprise", entered_on=D(2024, 2, 1), origin="TW")
    services.add_milestone(staff, tw, "registered", D(2024, 2, 20))
    services.add_milestone(staff, tw, "funded", D(2024, 4, 1), amount=Y("1000000"))
    os_team = make_residency(carrier, "星洲队", entered_on=D(2024, 5, 1), origin="OVERSEAS", origin_country="新加坡")
    return {"carrier": carrier, "hk": hk, "mo": mo, "tw": tw, "os": os_team}


def test_figures_follow_their_definitions(hosted, django_assert_max_num_queries):
    rows = Residency.objects.all()
    with django_assert_max_num_queries(6):
        figures = services.figures(rows, on=D(2024, 6, 30), start=D(2024, 1, 1), end=D(2024, 6, 30))
    assert figures["in_incubation"] == 2  # the TW enterprise and the overseas team
    assert figures["ever_hosted"] == 4
    assert figures["entered"] == 3  # the HK team entered in 2023
    assert figures["graduated"] == 1 and figures["graduated_ever"] == 1 and figures["left"] == 1
    assert figures["enterprises_introduced"] == 1
    assert figures["landed"] == 1  # the HK team registered in 2023, outside the period
    assert figures["funded"] == 2 and figures["funding_total"] == Y("4000000.00")
    assert figures["by_origin"]["HK"]["graduated"] == 1
    assert figures["by_origin"]["TW"]["landed"] == 1
    assert figures["by_origin"]["TW"]["funding_total"] == Y("1000000.00")
    assert figures["by_origin"]["MAINLAND"]["ever_hosted"] == 0
    assert figures["by_kind"]["enterprise"]["in_incubation"] == 1
    assert sum(row["ever_hosted"] for row in figures["by_origin"].values()) == figures["ever_hosted"]


def test_figures_on_a_date_use_the_occupancy_definition(hosted):
    rows = Residency.objects.all()
    assert services.figures(rows, on=D(2024, 2, 1))["in_incubation"] == 2  # HK left that day; MO, TW in
    assert services.figures(rows, on=D(2024, 1, 31))["in_incubation"] == 2  # HK, MO
    everything = services.figures(rows, on=D(2024, 6, 30))
    assert everything["entered"] == everything["ever_hosted"] == 4
    assert everything["landed"] == 2 and everything["funding_total"] == Y("4000000.00")
    assert services.figures(Residency.objects.none())["ever_hosted"] == 0


def test_residents_of_deleted_carriers_do_not_count(hosted, manager):
    services.delete_carrier(manager, hosted["carrier"])
    assert services.figures(Residency.objects.all(), on=D(2024, 6, 30))["ever_hosted"] == 0


def test_carrier_figures(hosted, make_carrier, network):
    make_carrier("众创空间", kind="maker_space", floor_area=Y("250.25"))
    figures = services.carrier_figures(Carrier.objects.all(), on=D(2024, 6, 30))
    assert figures["count"] == 2 and figures["by_kind"]["incubator"] == 1 and figures["by_kind"]["maker_space"] == 1
    assert figures["floor_area"] == Y("750.25") and figures["capacity"] == 10
    assert figures["hosted"] == 2 and figures["occupancy_rate"] == Y("20.0")
