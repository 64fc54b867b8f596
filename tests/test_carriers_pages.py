"""Carriers through the pages and the API: lists with filters, totals and export, bounded queries, the
carrier's and the residency's pages, bad input answered with field messages and nothing half-saved,
scoping across units through every path (list, detail, export, guessed URLs, API), the figures API."""

import csv
import datetime
import decimal
import io

import pytest
from django.urls import reverse

from qiao.carriers import services
from qiao.carriers.models import Carrier, ExitKind, Milestone, Residency

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
def carrier(network, staff):
    return services.save_carrier(
        staff, Carrier(unit=network["a"], name="仲恺港澳青年创业孵化基地", kind="incubator", capacity=3)
    )


@pytest.fixture
def carrier_b(network, staff_b):
    return services.save_carrier(staff_b, Carrier(unit=network["b"], name="乙方众创空间", kind="maker_space"))


def _resident(user, carrier, name, entered_on=ENTRY, **fields):
    fields.setdefault("kind", "team")
    fields.setdefault("origin", "HK")
    return services.save_residency(user, Residency(carrier=carrier, name=name, entered_on=entered_on, **fields))


@pytest.fixture
def logged_in(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# ---------------------------------------------------------------- pages


def test_carrier_list_filters_totals_and_export(logged_in, staff, carrier, network):
    services.save_carrier(
        staff, Carrier(unit=network["a"], name="实习基地", kind="internship_base", floor_area=Y("80"))
    )
    _resident(staff, carrier, "甲")
    client = logged_in(staff)
    page = client.get(reverse("carriers:carrier_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "仲恺港澳青年创业孵化基地" in text and 'data-figure="hosted">1 / 3' in text
    filtered = client.get(reverse("carriers:carrier_list"), {"kind": "internship_base"}).content.decode()
    assert "实习基地" in filtered and "仲恺港澳青年创业孵化基地" not in filtered
    assert "仲恺" in client.get(reverse("carriers:carrier_list"), {"q": "仲恺"}).content.decode()
    export = client.get(reverse("carriers:carrier_list"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 3 and "实习基地" in {row[0] for row in rows}


def test_residency_list_filters_status_origin_outcome_and_export(logged_in, staff, carrier):
    hk = _resident(staff, carrier, "港队", entered_on=D(2024, 1, 1))
    mo = _resident(staff, carrier, "澳队", origin="MO", entered_on=D(2024, 2, 1))
    services.exit_residency(staff, hk, ExitKind.GRADUATED, D(2024, 5, 1))
    services.add_milestone(staff, mo, "funded", D(2024, 3, 1), amount=Y("500000"))
    client = logged_in(staff)
    url = reverse("carriers:residency_list")

    def names(**params):
        page = client.get(url, params)
        assert page.status_code == 200
        return {r.name for r in page.context["table"].data}

    assert names() == {"港队", "澳队"}
    assert names(status="present") == {"澳队"}
    assert names(status="present", present_on="2024-04-30") == {"港队", "澳队"}
    assert names(status="present", present_on="2024-05-01") == {"澳队"}  # the exit day does not count
    assert names(status="graduated") == {"港队"}
    assert names(origin="MO") == {"澳队"}
    assert names(outcome="funded") == {"澳队"}
    assert names(carrier=carrier.pk, q="港") == {"港队"}
    page = client.get(url).content.decode()
    assert 'data-figure="in-incubation">1<' in page and 'data-figure="ever-hosted">2<' in page
    export = client.get(url, {"export": "csv", "origin": "MO"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == "澳队"


def test_lists_take_a_bounded_number_of_queries(logged_in, staff, carrier, make_person, network, api,
                                                django_assert_max_num_queries):  # fmt: skip
    carrier.capacity = None
    services.save_carrier(staff, carrier)
    founder = make_person(network["a"], "陳大文")
    for index in range(12):
        team = services.save_residency(
            staff,
            Residency(carrier=carrier, name=f"团队{index}", kind="team", origin="HK", entered_on=D(2024, 1, 1)),
            founders=[founder],
        )
        services.add_milestone(staff, team, "funded", D(2024, 2, 1), amount=Y("1000"))
    client = logged_in(staff)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("carriers:residency_list")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("carriers:carrier_list")).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("carriers:carrier", args=[carrier.pk])).status_code == 200
    with django_assert_max_num_queries(15):
        assert api(staff).get("/api/residencies/").status_code == 200


def test_the_carrier_page_shows_occupancy_and_residents(logged_in, staff, carrier):
    now = _resident(staff, carrier, "在孵团队")
    gone = _resident(staff, carrier, "已出孵团队", entered_on=D(2024, 1, 1))
    services.exit_residency(staff, gone, ExitKind.GRADUATED, D(2024, 2, 1))
    page = logged_in(staff).get(reverse("carriers:carrier", args=[carrier.pk]))
    text = page.content.decode()
    assert page.context["hosted"] == 1 and page.context["free"] == 2
    assert [r.pk for r in page.context["present"]] == [now.pk]
    assert [r.pk for r in page.context["past"]] == [gone.pk]
    assert "occupancy-by-month" in text and "residency_exit" not in text
    assert reverse("carriers:residency_exit", args=[now.pk]) in text


def test_adding_a_carrier_with_bad_input_names_the_fields(logged_in, staff, network):
    client = logged_in(staff)
    page = client.post(
        reverse("carriers:carrier_add"),
        {"name": "负面积基地", "kind": "base", "unit": network["a"].pk, "floor_area": "-20", "capacity": "0"},
    )
    assert page.status_code == 400
    form = page.context["form"]
    assert "floor_area" in form.errors and "capacity" in form.errors
    assert "Floor area" in " ".join(form.errors["floor_area"])
    assert not Carrier.all_objects.exists()
    ok = client.post(
        reverse("carriers:carrier_add"),
        {"name": "新基地", "kind": "base", "unit": network["a"].pk, "floor_area": "120.5", "capacity": "4"},
    )
    assert ok.status_code == 302
    assert Carrier.objects.get(name="新基地").floor_area == Y("120.50")


def test_adding_a_resident_and_exiting_through_the_pages(logged_in, staff, carrier, make_person, network):
    founder = make_person(network["a"], "陳大文")
    client = logged_in(staff)
    form = client.get(reverse("carriers:residency_add"), {"carrier": carrier.pk})
    assert form.context["form"]["carrier"].value() == carrier.pk
    page = client.post(
        reverse("carriers:residency_add"),
        {"carrier": carrier.pk, "kind": "team", "name": "跨境电商团队", "origin": "HK",
         "entered_on": "2024-03-01", "founders": [founder.pk]},
    )  # fmt: skip
    assert page.status_code == 302
    team = Residency.objects.get(name="跨境电商团队")
    assert list(team.founders.all()) == [founder]
    # exit before entry: the field is named, nothing is written
    bad = client.post(reverse("carriers:residency_exit", args=[team.pk]), {"kind": "graduated", "on": "2024-02-01"})
    assert bad.status_code == 400 and "on" in bad.context["form"].errors
    team.refresh_from_db()
    assert team.exited_on is None and not Milestone.objects.exists()
    done = client.post(
        reverse("carriers:residency_exit", args=[team.pk]), {"kind": "graduated", "on": "2024-09-01", "next": "carrier"}
    )
    assert done.status_code == 302 and done.url == carrier.get_absolute_url()
    team.refresh_from_db()
    assert team.exit_kind == "graduated" and team.milestones.get().kind == "graduated"
    outcome = client.post(
        reverse("carriers:milestone_add", args=[team.pk]),
        {"kind": "funded", "on": "2024-10-01", "amount": "300", "amount_unit": "wan"},
    )
    assert outcome.status_code == 302, outcome.context["form"].errors
    assert team.milestones.get(kind="funded").amount == Y("3000000.00")
    zero = client.post(
        reverse("carriers:milestone_add", args=[team.pk]),
        {"kind": "funded", "on": "2024-10-01", "amount": "0", "amount_unit": "wan"},
    )
    assert zero.status_code == 400 and "amount" in zero.context["form"].errors
    assert client.get(reverse("carriers:residency", args=[team.pk])).status_code == 200
    assert client.get(reverse("carriers:residency_history", args=[team.pk])).status_code == 200
    assert client.get(reverse("carriers:carrier_history", args=[carrier.pk])).status_code == 200


def test_a_full_carrier_refuses_on_the_page_with_the_numbers(logged_in, staff, network):
    small = services.save_carrier(staff, Carrier(unit=network["a"], name="小空间", kind="maker_space", capacity=1))
    _resident(staff, small, "先来的")
    page = logged_in(staff).post(
        reverse("carriers:residency_add"),
        {"carrier": small.pk, "kind": "team", "name": "后来的", "origin": "TW", "entered_on": "2024-04-01"},
    )
    assert page.status_code == 400
    message = " ".join(page.context["form"].errors["entered_on"])
    assert "1 of its capacity of 1" in message and "2024-04-01" in message
    assert Residency.objects.count() == 1


def test_undo_exit_is_for_managers_on_the_page(logged_in, staff, manager, carrier):
    team = _resident(staff, carrier, "甲")
    services.exit_residency(staff, team, ExitKind.LEFT, D(2024, 4, 1))
    assert logged_in(staff).post(reverse("carriers:residency_undo_exit", args=[team.pk])).status_code == 404
    assert logged_in(manager).post(reverse("carriers:residency_undo_exit", args=[team.pk])).status_code == 302
    team.refresh_from_db()
    assert team.exited_on is None


def test_organisation_and_person_pages_show_their_carriers(logged_in, staff, staff_b, carrier, make_org,
                                                           make_person, network):  # fmt: skip
    operator = make_org(network["a"], "港澳青年之家")
    carrier.operator = operator
    services.save_carrier(staff, carrier)
    founder = make_person(network["a"], "陳大文")
    services.save_residency(
        staff,
        Residency(carrier=carrier, name="创客团队", kind="team", origin="HK", entered_on=D(2024, 1, 1),
                  organization=operator),
        founders=[founder],
    )  # fmt: skip
    client = logged_in(staff)
    org_page = client.get(operator.get_absolute_url()).content.decode()
    assert 'id="carriers-operated"' in org_page and "创客团队" in org_page
    person_page = client.get(founder.get_absolute_url()).content.decode()
    assert 'id="founded-teams"' in person_page and "创客团队" in person_page
    lonely = make_person(network["a"], "李四")
    assert 'id="founded-teams"' not in client.get(lonely.get_absolute_url()).content.decode()


# ---------------------------------------------------------------- scoping


def test_another_units_carriers_and_residents_are_invisible(logged_in, staff, staff_b, carrier, carrier_b, api):
    theirs = _resident(staff_b, carrier_b, "乙方团队")
    mine = _resident(staff, carrier, "甲方团队")
    client = logged_in(staff)
    for name, args in [
        ("carriers:carrier", [carrier_b.pk]),
        ("carriers:carrier_edit", [carrier_b.pk]),
        ("carriers:carrier_history", [carrier_b.pk]),
        ("carriers:residency", [theirs.pk]),
        ("carriers:residency_edit", [theirs.pk]),
        ("carriers:residency_exit", [theirs.pk]),
        ("carriers:milestone_add", [theirs.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("carriers:residency_exit", args=[theirs.pk]), {"kind": "left"}).status_code == 404
    listed = client.get(reverse("carriers:residency_list"))
    assert {r.pk for r in listed.context["table"].data} == {mine.pk}
    export = client.get(reverse("carriers:residency_list"), {"export": "csv"}).content.decode("utf-8-sig")
    assert "乙方团队" not in export
    assert "乙方众创空间" not in client.get(reverse("carriers:carrier_list")).content.decode()
    # adding to their carrier through a forged form value
    forged = client.post(
        reverse("carriers:residency_add"),
        {"carrier": carrier_b.pk, "kind": "team", "name": "闯入", "origin": "HK", "entered_on": "2024-01-01"},
    )
    assert forged.status_code == 400 and not Residency.objects.filter(name="闯入").exists()
    # the API
    client_api = api(staff)
    assert [row["id"] for row in client_api.get("/api/residencies/").json()["results"]] == [mine.pk]
    assert client_api.get(f"/api/residencies/{theirs.pk}/").status_code == 404
    assert client_api.post(f"/api/residencies/{theirs.pk}/exit/", {"kind": "left"}, format="json").status_code == 404
    answer = client_api.post(
        "/api/residencies/",
        {"carrier": carrier_b.pk, "kind": "team", "name": "闯入", "origin": "HK", "entered_on": "2024-01-01"},
        format="json",
    )
    assert answer.status_code == 400 and "carrier" in answer.json()
    assert client_api.get(f"/api/carriers/{carrier_b.pk}/").status_code == 404
    assert client_api.get("/api/residencies/figures/").json()["ever_hosted"] == 1


# ---------------------------------------------------------------- API


def test_the_api_adds_exits_and_records_outcomes(api, staff, carrier, make_person, network):
    client = api(staff)
    founder = make_person(network["a"], "陳大文")
    created = client.post(
        "/api/residencies/",
        {"carrier": carrier.pk, "kind": "enterprise", "name": "澳门科技公司", "origin": "MO",
         "entered_on": "2024-02-01", "founders": [founder.pk]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["founders"] == [founder.pk] and created.json()["milestones"] == []
    landed = client.post(
        f"/api/residencies/{pk}/milestones/", {"kind": "registered", "on": "2024-03-01"}, format="json"
    )
    assert landed.status_code == 201
    bad = client.post(f"/api/residencies/{pk}/milestones/", {"kind": "funded", "on": "2024-03-01", "amount": "-5"},
                      format="json")  # fmt: skip
    assert bad.status_code == 400 and "amount" in bad.json()
    missing = client.post(f"/api/residencies/{pk}/milestones/", {"kind": "funded", "on": "2024-03-01"}, format="json")
    assert missing.status_code == 400 and "amount" in missing.json()
    early = client.post(f"/api/residencies/{pk}/exit/", {"kind": "left", "on": "2024-01-01"}, format="json")
    assert early.status_code == 400 and "on" in early.json()
    gone = client.post(f"/api/residencies/{pk}/exit/", {"kind": "graduated", "on": "2024-06-01"}, format="json")
    assert gone.status_code == 200
    assert gone.json()["exit_kind"] == "graduated" and gone.json()["exited_on"] == "2024-06-01"
    assert [m["kind"] for m in gone.json()["milestones"]] == ["registered", "graduated"]
    assert client.post(f"/api/residencies/{pk}/reopen/").status_code == 403  # staff: managers only
    figures = client.get("/api/residencies/figures/", {"on": "2024-05-01", "from": "2024-01-01", "to": "2024-12-31"})
    data = figures.json()
    assert data["in_incubation"] == 1 and data["enterprises_introduced"] == 1 and data["landed"] == 1
    assert data["graduated"] == 1 and data["by_origin"]["MO"]["landed"] == 1
    assert client.get("/api/residencies/figures/", {"origin": "HK"}).json()["ever_hosted"] == 0
    assert client.get("/api/residencies/figures/", {"on": "soon"}).status_code == 400


def test_the_api_refuses_bad_carriers_with_field_errors(api, staff, network, carrier):
    client = api(staff)
    for payload, field in [
        ({"name": "x", "kind": "base", "unit": network["a"].pk, "floor_area": "-1"}, "floor_area"),
        ({"name": "x", "kind": "base", "unit": network["a"].pk, "floor_area": "0"}, "floor_area"),
        ({"name": "x", "kind": "base", "unit": network["a"].pk, "capacity": 0}, "capacity"),
        ({"name": "x", "kind": "base", "unit": network["b"].pk}, "unit"),
        ({"name": "", "kind": "base", "unit": network["a"].pk}, "name"),
    ]:
        answer = client.post("/api/carriers/", payload, format="json")
        assert answer.status_code == 400 and field in answer.json(), (payload, answer.json())
    assert Carrier.objects.count() == 1
    ok = client.post("/api/carriers/", {"name": "园区", "kind": "park", "unit": network["a"].pk,
                                        "floor_area": "5000", "capacity": 50}, format="json")  # fmt: skip
    assert ok.status_code == 201 and ok.json()["hosted_now"] == 0
    figures = client.get("/api/carriers/figures/").json()
    assert figures["count"] == 2 and figures["by_kind"]["park"] == 1 and figures["capacity"] == 53
    assert client.get("/api/carriers/", {"kind": "park"}).json()["count"] == 1
    exit_first = client.post("/api/residencies/", {"carrier": carrier.pk, "kind": "team", "name": "t", "origin": "HK",
                                                  "entered_on": "2030-01-01"}, format="json")  # fmt: skip
    assert exit_first.status_code == 400 and "entered_on" in exit_first.json()
