"""Demands, matches and plans (一人一策): the rules, the pages, the API and scoping. The ranking
itself is tested in test_matching_engine.py; the public forms in test_matching_intake.py."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from qiao.matching import services
from qiao.matching.models import (
    Demand,
    DemandStatus,
    Field,
    Match,
    MatchStage,
    Plan,
    PlanTask,
    TalentProfile,
)
from qiao.people.models import Education

D = datetime.date


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
def org(network, make_org):
    return make_org(network["a"], "惠州储能科技有限公司", kind="enterprise")


def field(code):
    return Field.objects.get(code=code)


@pytest.fixture
def demand(network, staff, org):
    return services.save_demand(
        staff,
        Demand(
            unit=network["a"],
            organization=org,
            title="储能系统工程师",
            description="负责锂电池储能系统的设计与测试",
            min_degree="master",
            headcount=1,
        ),
        fields=[field("lithium-battery")],
    )


@pytest.fixture
def talent(network, make_person, staff):
    person = make_person(network["a"], "陳大文", region="HK")
    Education.objects.create(person=person, degree="doctor", field="材料科學")
    profile = TalentProfile(person=person, contact_consent=True, experience_years=6, skills="鋰電池 電芯設計")
    services.save_profile(staff, profile, fields=[field("lithium-battery")])
    return person


# ---------------------------------------------------------------- demands


@pytest.mark.parametrize(
    "changes, field_name",
    [
        ({"amount_min": 30000, "amount_max": 20000}, "amount_max"),
        ({"degree_required": True, "min_degree": ""}, "min_degree"),
        ({"headcount": 0}, "headcount"),
        ({"organization": None}, "organization"),
        ({"title": "  "}, "title"),
        ({"languages": ["klingon"]}, "languages"),
        ({"amount_min": -1}, "amount_min"),
    ],
)
def test_a_demand_with_missing_or_contradictory_fields_is_refused_naming_the_field(
    network, staff, org, changes, field_name
):
    values = {"unit": network["a"], "organization": org, "title": "数据分析师", "headcount": 1}
    values.update(changes)
    with pytest.raises(ValidationError) as error:
        services.save_demand(staff, Demand(**values))
    assert field_name in error.value.message_dict
    assert not Demand.objects.exists()


def test_a_submitted_demand_may_wait_for_its_organisation(network, staff):
    demand = services.save_demand(staff, Demand(unit=network["a"], title="技术顾问", status=DemandStatus.SUBMITTED))
    assert demand.pk and demand.organization is None


def test_the_demand_form_shows_each_error_beside_its_field(client, network, staff, org):
    client.force_login(staff)
    response = client.post(
        reverse("matching:demand_add"),
        {
            "organization": org.pk,
            "kind": "job",
            "title": "数据分析师",
            "status": "open",
            "headcount": 1,
            "amount_min": "30000",
            "amount_max": "20000",
            "amount_period": "month",
            "unit": network["a"].pk,
        },
    )
    assert response.status_code == 400
    assert "The upper end of the range is below the lower end." in response.content.decode()
    assert not Demand.objects.exists()


def test_a_demand_is_created_through_the_form_with_its_fields(client, network, staff, org):
    client.force_login(staff)
    response = client.post(
        reverse("matching:demand_add"),
        {
            "organization": org.pk,
            "kind": "job",
            "title": "储能工程师",
            "status": "open",
            "fields": [field("energy-storage").pk],
            "languages": ["cantonese", "mandarin"],
            "headcount": 2,
            "amount_period": "month",
            "unit": network["a"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    demand = Demand.objects.get()
    assert list(demand.fields.values_list("code", flat=True)) == ["energy-storage"]
    assert demand.languages == ["cantonese", "mandarin"]


def test_an_expired_demand_takes_no_candidates(demand):
    assert services.is_live(demand)
    demand.valid_until = D(2020, 1, 1)
    assert not services.is_live(demand)


# ---------------------------------------------------------------- matches


def test_proposing_moving_and_filling(staff, demand, talent):
    match = services.propose(staff, demand, talent, score=88.0, reasons=[{"code": "field", "ok": True, "params": {}}])
    assert match.stage == MatchStage.PROPOSED and match.unit_id == demand.unit_id
    assert services.propose(staff, demand, talent) == match  # proposed once
    services.move(staff, match, MatchStage.CONTACTED, note="电话联系，有意向")
    services.move(staff, match, MatchStage.INTERVIEWING)
    with pytest.raises(ValidationError):
        services.move(staff, match, MatchStage.PROPOSED)  # no going back but through declined
    services.move(staff, match, MatchStage.AGREED, note="已签约")
    match.refresh_from_db()
    assert [s.stage for s in match.steps.all()] == ["proposed", "contacted", "interviewing", "agreed"]
    assert "电话联系，有意向" in match.notes and "已签约" in match.notes
    demand.refresh_from_db()
    assert demand.status == DemandStatus.FILLED  # headcount 1 reached


def test_a_declined_match_can_be_reopened(staff, demand, talent):
    match = services.propose(staff, demand, talent)
    services.move(staff, match, MatchStage.DECLINED, note="本人暂无意向")
    services.move(staff, match, MatchStage.PROPOSED)
    match.refresh_from_db()
    assert match.stage == MatchStage.PROPOSED


def test_no_one_is_proposed_for_a_closed_demand(staff, demand, talent):
    demand.status = DemandStatus.CLOSED
    services.save_demand(staff, demand)
    with pytest.raises(ValidationError):
        services.propose(staff, demand, talent)


def test_another_base_cannot_propose_or_move(network, staff, staff_b, demand, talent, make_person):
    with pytest.raises(PermissionDenied):
        services.propose(staff_b, demand, talent)
    match = services.propose(staff, demand, talent)
    with pytest.raises(PermissionDenied):
        services.move(staff_b, match, MatchStage.CONTACTED)
    hidden = make_person(network["b"], "李小明")
    with pytest.raises(PermissionDenied):
        services.propose(staff, demand, hidden)  # a person staff of base A may not see


def test_moving_a_match_from_the_demand_page_with_htmx(client, staff, demand, talent):
    match = services.propose(staff, demand, talent)
    client.force_login(staff)
    response = client.post(
        reverse("matching:match_move", args=[match.pk]),
        {"stage": "contacted", "note": "已发邮件"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'data-stage="contacted"' in response.content.decode()
    bad = client.post(reverse("matching:match_move", args=[match.pk]), {"stage": "teleported"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400


def test_guessed_urls_of_another_base_are_404(client, staff, staff_b, demand, talent):
    match = services.propose(staff, demand, talent)
    client.force_login(staff_b)
    assert client.get(reverse("matching:demand", args=[demand.pk])).status_code == 404
    assert client.get(reverse("matching:demand_candidates", args=[demand.pk])).status_code == 404
    assert client.post(reverse("matching:match_move", args=[match.pk]), {"stage": "contacted"}).status_code == 404
    assert client.post(reverse("matching:demand_propose", args=[demand.pk]), {"person": talent.pk}).status_code == 404
    assert client.get(reverse("matching:opportunities", args=[talent.pk])).status_code == 404
    assert client.get(reverse("matching:talent_profile", args=[talent.pk])).status_code == 404
    listed = client.get(reverse("matching:match_list")).content.decode()
    assert talent.name not in listed


# ---------------------------------------------------------------- talent profiles


def test_the_talent_profile_form(client, staff, talent):
    client.force_login(staff)
    url = reverse("matching:talent_profile", args=[talent.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "fields": [field("hydrogen").pk],
            "skills": "燃料电池",
            "experience_years": "80",
            "availability": "available",
            "contact_consent": "on",
            "signed_local_employer": "unknown",
        },
    )
    assert response.status_code == 400
    assert "70 years" in response.content.decode()
    response = client.post(
        url,
        {
            "fields": [field("hydrogen").pk],
            "skills": "燃料电池",
            "experience_years": "8",
            "languages": ["cantonese"],
            "availability": "available",
            "contact_consent": "on",
            "signed_local_employer": "true",
        },
    )
    assert response.status_code == 302
    talent.talent.refresh_from_db()
    assert talent.talent.signed_local_employer is True
    assert list(talent.talent.fields.values_list("code", flat=True)) == ["hydrogen"]


# ---------------------------------------------------------------- plans


def test_one_plan_per_person_with_tasks(network, staff, staff_b, demand, talent, make_user):
    assert services.plan_for(staff, talent) is None
    plan = services.plan_for(staff, talent, create=True)
    assert services.plan_for(staff, talent, create=True) == plan
    match = services.propose(staff, demand, talent)
    services.save_plan(staff, plan, matches=[match])
    task = services.save_task(staff, PlanTask(plan=plan, what="协助办理人才公寓申请", due=D(2026, 12, 31)))
    services.mark_task(staff, task, True)
    task.refresh_from_db()
    assert task.done is not None
    # a plan holds only its own person's matches
    other = services.propose(staff, demand, services.profile_of(talent).person)
    assert other == match
    with pytest.raises(ValidationError):
        services.save_task(staff, PlanTask(plan=plan, what=""))
    with pytest.raises(PermissionDenied):
        services.save_task(staff_b, PlanTask(plan=plan, what="越权"))


def test_a_plan_kept_elsewhere_is_named_not_shown(network, staff, talent, make_user):
    from qiao.people.models import PersonShare

    plan = services.plan_for(staff, talent, create=True)
    viewer_b = make_user("viewer-b", network["b"], "viewer")
    PersonShare.objects.create(person=talent, unit=network["b"])
    with pytest.raises(PermissionDenied) as error:
        services.plan_for(viewer_b, talent)
    assert plan.unit.name in str(error.value)


def test_the_plan_prints_in_either_script(client, staff, talent):
    plan = services.plan_for(staff, talent, create=True)
    services.save_task(staff, PlanTask(plan=plan, what="安排参观企业"))
    client.force_login(staff)
    hans = client.get(reverse("matching:plan_print", args=[plan.pk]) + "?lang=zh-hans").content.decode()
    hant = client.get(reverse("matching:plan_print", args=[plan.pk]) + "?lang=zh-hant").content.decode()
    assert "一人一策" in hans and "安排参观企业" in hans
    assert 'lang="zh-hant"' in hant and "服務" in hant  # the headings in Traditional
    assert client.get(reverse("matching:plan_print", args=[plan.pk]) + "?lang=xx").status_code == 200


def test_the_plan_pages(client, staff, talent):
    client.force_login(staff)
    start = client.get(reverse("matching:plan_for_person", args=[talent.pk]))
    assert start.status_code == 200
    created = client.post(reverse("matching:plan_for_person", args=[talent.pk]))
    plan = Plan.objects.get()
    assert created.url == plan.get_absolute_url()
    assert client.get(plan.get_absolute_url()).status_code == 200
    assert client.get(reverse("matching:plan_edit", args=[plan.pk])).status_code == 200
    response = client.post(reverse("matching:plan_task_add", args=[plan.pk]), {"what": "跟进面试", "due": "2026-12-01"})
    assert response.status_code == 302
    task = PlanTask.objects.get()
    client.post(reverse("matching:plan_task", args=[task.pk]), {"do": "done"})
    task.refresh_from_db()
    assert task.done
    assert client.post(reverse("matching:plan_task", args=[task.pk]), {"do": "fly"}).status_code == 400


# ---------------------------------------------------------------- the taxonomy


def test_the_taxonomy_is_a_tree_only_network_admins_edit(client, network, staff, make_user):
    storage, lithium = field("energy-storage"), field("lithium-battery")
    assert lithium.path.startswith(storage.path) and lithium.depth == 2
    client.force_login(staff)
    assert client.get(reverse("matching:field_tree")).status_code == 200
    assert client.get(reverse("matching:field_add")).status_code == 403
    admin = make_user("centre-admin", network["centre"], "admin")
    client.force_login(admin)
    response = client.post(
        reverse("matching:field_add"),
        {"parent": lithium.pk, "code": "solid-state", "name": "固态电池", "name_hant": "固態電池", "position": 0},
    )
    assert response.status_code == 302
    solid = field("solid-state")
    assert solid.path.startswith(lithium.path)
    # moving a branch moves everything below it
    client.post(
        reverse("matching:field_edit", args=[lithium.pk]),
        {"parent": field("new-energy").pk, "code": "lithium-battery", "name": "锂电池", "position": 0},
    )
    solid.refresh_from_db()
    assert solid.path.startswith(field("new-energy").path) and solid.depth == 2


# ---------------------------------------------------------------- API


def test_the_demand_api_refuses_bad_input_naming_the_field(api, network, staff, org):
    client = api(staff)
    response = client.post(
        "/api/demands/",
        {
            "title": "算法工程师",
            "kind": "job",
            "unit": network["a"].pk,
            "organization": org.pk,
            "headcount": 1,
            "amount_min": "5",
            "amount_max": "1",
        },
        format="json",
    )
    assert response.status_code == 400 and "amount_max" in response.json()
    response = client.post(
        "/api/demands/",
        {
            "title": "算法工程师",
            "kind": "job",
            "unit": network["a"].pk,
            "organization": org.pk,
            "fields": [field("ai").pk],
            "languages": ["english"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["fields"] == [field("ai").pk]


def test_the_match_api(api, staff, staff_b, demand, talent, monkeypatch):
    client = api(staff)
    response = client.post("/api/matches/", {"demand": demand.pk, "person": talent.pk, "note": "推荐"}, format="json")
    assert response.status_code == 201, response.json()
    match_id = response.json()["id"]
    response = client.patch(f"/api/matches/{match_id}/", {"stage": "contacted", "note": "已联系"}, format="json")
    assert response.status_code == 200 and response.json()["stage"] == "contacted"
    response = client.patch(f"/api/matches/{match_id}/", {"stage": "proposed"}, format="json")
    assert response.status_code == 400 and "stage" in response.json()
    assert api(staff_b).get(f"/api/matches/{match_id}/").status_code == 404
    assert api(staff_b).get("/api/matches/").json()["count"] == 0


def test_the_person_side_of_the_api(api, staff, staff_b, talent, make_person, network):
    client = api(staff)
    talent_url = f"/api/people/{talent.pk}/talent/"
    assert client.get(talent_url).json()["experience_years"] == 6
    response = client.patch(talent_url, {"languages": ["klingon"]}, format="json")
    assert response.status_code == 400 and "languages" in response.json()
    response = client.patch(talent_url, {"languages": ["english"], "fields": [field("ai").pk]}, format="json")
    assert response.status_code == 200 and response.json()["fields"] == [field("ai").pk]
    assert client.get(f"/api/people/{talent.pk}/plan/").status_code == 404
    assert client.post(f"/api/people/{talent.pk}/plan/").status_code == 201
    assert client.get(f"/api/people/{talent.pk}/plan/").status_code == 200
    assert api(staff_b).get(talent_url).status_code == 404
    assert api(staff_b).get(f"/api/people/{talent.pk}/opportunities/").status_code == 404
    empty = make_person(network["a"], "王小明")
    response = client.get(f"/api/people/{empty.pk}/opportunities/")
    assert response.status_code == 422 and response.json()["detail"]


def test_lists_and_pages_in_three_languages(client, staff, demand, talent):
    services.propose(staff, demand, talent)
    plan = services.plan_for(staff, talent, create=True)
    client.force_login(staff)
    for language in ("zh-hans", "zh-hant", "en"):
        client.cookies["django_language"] = language
        for url in (
            reverse("matching:demand_list"),
            reverse("matching:demand", args=[demand.pk]),
            reverse("matching:demand_edit", args=[demand.pk]),
            reverse("matching:match_list"),
            reverse("matching:plan_list"),
            plan.get_absolute_url(),
            reverse("matching:field_tree"),
            talent.get_absolute_url(),
        ):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, (url, language)


def test_reasons_kept_on_a_match_render_again(staff, demand, talent):
    from qiao.matching import engine

    ranked = engine.rank_one(demand, talent)
    assert ranked is not None and ranked.reasons
    match = services.propose(staff, demand, talent, score=ranked.score, reasons=[r.as_dict() for r in ranked.reasons])
    match.refresh_from_db()
    again = [str(engine.Reason.from_dict(r)) for r in match.reasons]
    assert again == [str(r) for r in ranked.reasons]
    json.dumps(match.reasons)
    assert Match.objects.count() == 1
