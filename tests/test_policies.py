"""The policy navigator: policies and benefits (read by everyone, written by their unit's staff),
rules checked when saved through the form and the API, a person's benefits on a date (in force,
expired, not yet), nearly eligible with what is missing, the person's side page and API, scoping,
demo data, and the benchmark's correctness."""

import datetime
import importlib.util
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qiao.activities import services as activity_services
from qiao.activities.models import Activity, ActivityKind
from qiao.matching.models import Field, TalentProfile
from qiao.people.models import Education
from qiao.policies import defaults, services
from qiao.policies.models import Benefit, BenefitKind, Policy

D = datetime.date
TODAY = D(2026, 11, 21)
START, END = D(2024, 1, 1), D(2027, 6, 30)
YOUTH = {"all": [{"attr": "region", "op": "in", "value": ["HK", "MO"]}, {"attr": "age", "op": "le", "value": 35}]}


@pytest.fixture
def users(network, make_user):
    from qiao.matching import defaults as taxonomy

    defaults.ensure()  # the migrations' lists, gone after a transactional test flushed the database
    taxonomy.ensure()
    return {
        "root": make_user("root", is_superuser=True),
        "centre": make_user("centre-staff", network["centre"], "staff"),
        "centre_manager": make_user("centre-manager", network["centre"], "manager"),
        "a": make_user("staff-a", network["a"], "staff"),
        "a_viewer": make_user("viewer-a", network["a"], "viewer"),
        "b": make_user("staff-b", network["b"], "staff"),
    }


def kind(code="employment-subsidy"):
    return BenefitKind.objects.get(code=code)


@pytest.fixture
def make_policy(network, users):
    def make(title="港澳青年来惠就业补贴办法", unit=None, start=START, end=END, benefits=None):
        policy = Policy(
            unit=unit or network["centre"],
            title=title,
            issuer="惠州市人力资源和社会保障局",
            region="惠州市",
            effective_from=start,
            effective_to=end,
        )
        items = (
            benefits if benefits is not None else [{"name": "就业补贴", "kind": kind(), "amount": 3000, "rule": YOUTH}]
        )
        return services.save_policy(users["root"], policy, benefits=items)

    return make


@pytest.fixture
def chan(network, make_person):
    """陳大文: from Hong Kong, 32 on TODAY, a master's degree, in lithium batteries, signed locally."""
    person = make_person(network["a"], "陳大文", region="HK", birth_date=D(1994, 5, 1), gender="M")
    Education.objects.create(person=person, degree="bachelor", field="化学")
    Education.objects.create(person=person, degree="master", field="材料工程")
    talent = TalentProfile.objects.create(
        person=person,
        experience_years=6,
        languages=["cantonese", "english"],
        employment_status="employed",
        residence="惠州",
        signed_local_employer=True,
    )
    talent.fields.set([Field.objects.get(code="lithium-battery")])
    return person


def statuses(found):
    return {item.benefit.name if item.benefit else item.benefit_id: item.status for item in services.attach(found)}


# ------------------------------------------------------------------------------------------------ eligibility


def test_a_person_sees_the_benefits_they_qualify_for_with_reasons(make_policy, chan):
    make_policy(
        benefits=[
            {"name": "就业补贴", "kind": kind(), "amount": 3000, "amount_note": "每月", "rule": YOUTH},
            {
                "name": "博士安家补贴",
                "kind": kind("housing-subsidy"),
                "amount_max": 300000,
                "rule": {"all": [{"attr": "degree", "op": "eq", "value": "doctor"}]},
            },
            {
                "name": "新能源人才奖励",
                "kind": kind("talent-award"),
                "rule": {"all": [{"attr": "field", "op": "eq", "value": "new-energy"}]},
            },
            {"name": "人人有份", "kind": kind("other"), "rule": {}},
        ]
    )
    found = services.benefits_for(chan, on=TODAY)
    assert statuses(found) == {"就业补贴": "yes", "新能源人才奖励": "yes", "人人有份": "yes", "博士安家补贴": "nearly"}
    youth = next(item for item in found if item.benefit.name == "就业补贴")
    assert youth.eligible and youth.reasons == [
        "Region of origin: Hong Kong, one of Hong Kong, Macao ✓",
        "Age 32 ≤ 35 ✓",
    ]
    field = next(item for item in found if item.benefit.name == "新能源人才奖励")
    assert field.reasons == ["Field: Lithium battery, including New energy ✓"]  # a descendant meets the parent
    doctor = next(item for item in found if item.benefit.name == "博士安家补贴")
    assert [m.reason for m in doctor.missing] == ["Highest degree: Master ≠ Doctorate ✗"]
    assert [item.status for item in found] == ["yes", "yes", "yes", "nearly"]  # eligible first


def test_unknown_is_not_no_and_nearly_lists_what_is_missing(make_policy, network, make_person):
    person = make_person(network["a"], "何嘉欣", region="MO")  # no date of birth, no talent profile
    make_policy(
        benefits=[
            {"name": "就业补贴", "kind": kind(), "rule": YOUTH},
            {
                "name": "签约补贴",
                "kind": kind(),
                "rule": {
                    "all": [
                        YOUTH["all"][0],
                        {"attr": "signed_local_employer", "op": "is_true"},
                        {"attr": "employer_location", "op": "contains", "value": "惠州"},
                        {"attr": "degree", "op": "ge", "value": "bachelor"},
                    ]
                },
            },
        ]
    )
    found = services.attach(services.benefits_for(person, on=TODAY))
    youth = next(item for item in found if item.benefit.name == "就业补贴")
    assert youth.verdict is None and youth.status == "nearly"
    assert [(m.number, m.state, m.requirement) for m in youth.missing] == [("2", "unknown", "Age ≤ 35")]
    assert youth.missing[0].reason == "Age: unknown (not recorded)"
    signing = next(item for item in found if item.benefit.name == "签约补贴")
    assert signing.status == "no" and signing.missing == []  # three conditions unknown: more than "nearly"


def test_in_force_on_its_end_date_and_not_the_day_after(make_policy, chan):
    make_policy("到期政策", start=D(2024, 1, 1), end=D(2026, 11, 21))
    make_policy("未生效政策", start=D(2026, 11, 22), end=None)
    make_policy("无期限政策", start=None, end=None)

    def titles(on):
        return sorted(item.benefit.policy.title for item in services.attach(services.benefits_for(chan, on=on)))

    assert titles(D(2026, 11, 21)) == ["到期政策", "无期限政策"]
    assert titles(D(2026, 11, 22)) == ["无期限政策", "未生效政策"]
    assert titles(D(2023, 12, 31)) == ["无期限政策"]


def test_a_deleted_policy_no_longer_counts(make_policy, chan, users):
    policy = make_policy()
    assert len(services.benefits_for(chan, on=TODAY)) == 1
    from qiao.core import services as core_services

    core_services.delete(users["centre_manager"], policy)
    assert services.benefits_for(chan, on=TODAY) == []


def test_age_is_taken_on_the_date_asked_for(make_policy, network, make_person):
    person = make_person(network["a"], "李小龍", region="HK", birth_date=D(1990, 11, 21))
    make_policy()
    assert services.benefits_for(person, on=D(2025, 11, 20))[0].status == "yes"  # 34
    assert services.benefits_for(person, on=D(2026, 11, 20))[0].status == "yes"  # 35, the day before 36
    assert services.benefits_for(person, on=D(2026, 11, 21))[0].status == "nearly"  # 36 on the birthday


def test_employer_and_activities_count(make_policy, network, make_person, make_org, users):
    org = make_org(
        network["a"], "惠州亿纬锂能股份有限公司", kind="enterprise", region="MAINLAND", address="广东省惠州市仲恺高新区"
    )
    person = make_person(network["a"], "黃志明", region="HK", employer_org=org)
    activity_kind = ActivityKind.objects.first()
    for number in range(2):
        activity = activity_services.save_activity(
            users["root"],
            Activity(unit=network["b"], kind=activity_kind, title=f"交流团{number}", start_date=D(2025, 1, 1 + number)),
        )
        activity_services.add_participant(users["root"], activity, person, status="attended")
    rule = {
        "all": [
            {"attr": "employer_location", "op": "contains", "value": "惠州"},
            {"attr": "employer_kind", "op": "eq", "value": "enterprise"},
            {"attr": "attended_activities", "op": "ge", "value": 2},
        ]
    }
    make_policy(benefits=[{"name": "活跃青年奖励", "kind": kind("talent-award"), "rule": rule}])
    assert services.benefits_for(person, on=TODAY)[0].status == "yes"
    # base A's staff see only the activities of their scope: the two of base B do not count for them
    seen_by_a = services.benefits_for(person, on=TODAY, user=users["a"])[0]
    assert seen_by_a.status == "nearly"
    assert seen_by_a.missing[0].reason == "Activities attended 0 < 2 ✗"


def test_rules_are_compiled_once_per_version(make_policy, chan, users, django_assert_max_num_queries):
    policy = make_policy()
    services.benefits_for(chan, on=TODAY)
    benefit = policy.benefits.get()
    with django_assert_max_num_queries(12):
        assert services.benefits_for(chan, on=TODAY)[0].status == "yes"
    benefit.rule = {"all": [{"attr": "region", "op": "eq", "value": "TW"}]}
    services.save_benefit(users["centre"], benefit)
    found = services.benefits_for(chan, on=TODAY)[0]  # the new version, not the cached one
    assert found.status == "nearly" and found.reasons == ["Region of origin: Hong Kong ≠ Taiwan ✗"]


# ------------------------------------------------------------------------------------------------ saving rules


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            {"all": [{"attr": "age", "op": "lt", "value": 30}, {"attr": "age", "op": "gt", "value": 40}]},
            "can never be true",
        ),
        ({"all": [{"attr": "age", "op": "le"}]}, "Condition 1 (Age): a value is missing."),
        ({"all": []}, "The rule is empty"),
        ({"all": [{"attr": "field", "op": "eq", "value": "no-such-field"}]}, "no field “no-such-field”"),
    ],
)
def test_a_bad_or_contradictory_rule_is_refused_not_stored(make_policy, users, rule, message):
    policy = make_policy()
    benefit = Benefit(policy=policy, kind=kind(), name="新补贴", rule=rule)
    with pytest.raises(ValidationError) as refused:
        services.save_benefit(users["centre"], benefit)
    assert any(message in m for m in refused.value.message_dict["rule"])
    assert policy.benefits.count() == 1


def test_the_benefit_form_refuses_a_rule_that_can_never_be_true(client, make_policy, users):
    policy = make_policy()
    client.force_login(users["centre"])
    rule = {"all": [{"attr": "region", "op": "in", "value": ["HK"]}, {"attr": "region", "op": "in", "value": ["TW"]}]}
    data = {"kind": kind().pk, "name": "矛盾补贴", "amount": "", "amount_max": "", "rule": json.dumps(rule)}
    response = client.post(f"/policies/{policy.pk}/benefits/add/", data)
    assert response.status_code == 400
    assert "This rule can never be true" in response.content.decode()
    assert not Benefit.objects.filter(name="矛盾补贴").exists()
    response = client.post(f"/policies/{policy.pk}/benefits/add/", {**data, "rule": "{not json"})
    assert response.status_code == 400 and "The rule is not valid JSON" in response.content.decode()
    response = client.post(f"/policies/{policy.pk}/benefits/add/", {**data, "amount": "5000", "amount_max": "100"})
    assert response.status_code == 400 and "“Up to” is less than the amount." in response.content.decode()
    response = client.post(f"/policies/{policy.pk}/benefits/add/", {**data, "rule": json.dumps(YOUTH)})
    assert response.status_code == 302
    benefit = Benefit.objects.get(name="矛盾补贴")
    assert benefit.rule == YOUTH and response["Location"] == benefit.get_absolute_url()


def test_the_benefit_editor_renders_the_builder_spec(client, make_policy, users):
    policy = make_policy()
    client.force_login(users["centre"])
    response = client.get(f"/policies/benefits/{policy.benefits.get().pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="rule-spec"' in html and "js/rule-builder.js" in html and "data-rule-builder" in html
    spec = response.context["rule_spec"]
    codes = {a["code"] for a in spec["attributes"]}
    assert {"region", "age", "degree", "field", "employer_location", "attended_activities"} <= codes
    assert any(f[0] == "lithium-battery" for f in spec["fields"])
    degree = next(a for a in spec["attributes"] if a["code"] == "degree")
    assert "ge" in degree["ops"] and degree["ordered"]


def test_policy_dates_are_checked(users, network):
    policy = Policy(unit=network["centre"], title="倒置", effective_from=D(2026, 1, 1), effective_to=D(2025, 1, 1))
    with pytest.raises(ValidationError) as refused:
        services.save_policy(users["centre"], policy)
    assert "effective_to" in refused.value.message_dict


# ------------------------------------------------------------------------------------------------ scoping


def test_everyone_reads_every_policy_only_the_owning_units_staff_write(client, make_policy, users, network):
    policy = make_policy(unit=network["centre"])
    own = make_policy("基地甲的政策", unit=network["a"])
    for name in ("a", "a_viewer", "b", "centre"):
        assert set(Policy.objects.restrict(users[name])) == {policy, own}
    assert set(Policy.objects.restrict(users["a"], "change")) == {own}
    assert set(Policy.objects.restrict(users["b"], "change")) == set()
    assert set(Policy.objects.restrict(users["centre"], "change")) == {policy, own}
    assert Policy.objects.restrict(None).count() == 0

    client.force_login(users["a"])
    assert client.get("/policies/").status_code == 200
    assert client.get(f"/policies/{policy.pk}/").status_code == 200
    assert client.get(f"/policies/{policy.pk}/history/").status_code == 200
    assert client.get(f"/policies/{policy.pk}/edit/").status_code == 404
    assert client.post(f"/policies/{policy.pk}/edit/", {"title": "改"}).status_code == 404
    benefit = policy.benefits.get()
    assert client.get(f"/policies/benefits/{benefit.pk}/edit/").status_code == 404
    assert client.post(f"/policies/benefits/{benefit.pk}/delete/").status_code == 404
    assert client.get(f"/policies/{policy.pk}/benefits/add/").status_code == 404
    assert client.get(f"/policies/{own.pk}/edit/").status_code == 200
    page = client.get(f"/policies/{policy.pk}/").content.decode()
    assert f"/policies/{policy.pk}/edit/" not in page  # no edit button on the centre's policy

    with pytest.raises(PermissionDenied):
        services.save_benefit(users["a"], Benefit(policy=policy, kind=kind(), name="偷加", rule={}))
    policy.title = "改"
    with pytest.raises(PermissionDenied):
        services.save_policy(users["a"], policy)
    with pytest.raises(PermissionDenied):
        services.delete_benefit(users["a"], benefit)
    assert Policy.objects.get(pk=policy.pk).title == "港澳青年来惠就业补贴办法"
    # a viewer writes nothing, even in their own unit
    with pytest.raises(PermissionDenied):
        services.save_benefit(users["a_viewer"], Benefit(policy=own, kind=kind(), name="偷加", rule={}))


def test_staff_edit_and_remove_benefits_and_the_history_keeps_it(client, make_policy, users):
    policy = make_policy()
    benefit = policy.benefits.get()
    client.force_login(users["centre"])
    data = {"kind": kind().pk, "name": "就业补贴（新）", "amount": "3500", "amount_max": "", "rule": json.dumps(YOUTH)}
    assert client.post(f"/policies/benefits/{benefit.pk}/edit/", data).status_code == 302
    assert Benefit.objects.get(pk=benefit.pk).amount == Decimal("3500")
    assert client.post(f"/policies/benefits/{benefit.pk}/delete/").status_code == 302
    assert not Benefit.objects.filter(pk=benefit.pk).exists()
    history = client.get(f"/policies/{policy.pk}/history/").content.decode()
    assert "就业补贴（新）" in history


def test_person_benefits_page_needs_the_person_in_scope(client, make_policy, chan, users, network, make_person):
    make_policy()
    other = make_person(network["b"], "林美玲", region="TW")
    client.force_login(users["a"])
    response = client.get(f"/policies/people/{chan.pk}/benefits/", {"on": "2026-11-21"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="yes"' in html and "就业补贴" in html and "Age 32 ≤ 35 ✓" in html
    assert client.get(f"/policies/people/{other.pk}/benefits/").status_code == 404
    assert client.get("/policies/people/999999/benefits/").status_code == 404
    partial = client.get(f"/policies/people/{chan.pk}/benefits/", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content and b'id="person-benefits"' in partial.content
    bad = client.get(f"/policies/people/{chan.pk}/benefits/", {"on": "2026-13-40"})
    assert bad.status_code == 400 and "as of" in bad.content.decode()
    client.logout()
    assert client.get(f"/policies/people/{chan.pk}/benefits/").status_code == 302  # to the login page


def test_nearly_eligible_shows_exactly_what_is_missing_on_the_page(client, make_policy, chan, users):
    make_policy(
        benefits=[
            {
                "name": "博士安家补贴",
                "kind": kind("housing-subsidy"),
                "rule": {
                    "all": [{"attr": "degree", "op": "eq", "value": "doctor"}, {"attr": "age", "op": "le", "value": 45}]
                },
            }
        ]
    )
    client.force_login(users["a"])
    html = client.get(f"/policies/people/{chan.pk}/benefits/", {"on": "2026-11-21"}).content.decode()
    assert 'data-status="nearly"' in html and 'data-condition="1"' in html and 'data-condition="2"' not in html
    assert "Highest degree = Doctorate" in html


# ------------------------------------------------------------------------------------------------ list and filters


def test_policy_list_filters(client, make_policy, users):
    make_policy("港澳青年来惠就业补贴办法")
    make_policy(
        "高层次人才安家补贴实施办法",
        start=D(2020, 1, 1),
        end=D(2022, 12, 31),
        benefits=[{"name": "安家补贴", "kind": kind("housing-subsidy"), "amount_max": 300000, "rule": {}}],
    )
    client.force_login(users["b"])

    def titles(**params):
        response = client.get("/policies/", params)
        assert response.status_code == 200
        return sorted(row.record.title for row in response.context["table"].page.object_list)

    assert len(titles()) == 2
    assert titles(kind=kind("housing-subsidy").pk) == ["高层次人才安家补贴实施办法"]
    assert titles(in_force_on="2026-11-21") == ["港澳青年来惠就业补贴办法"]
    assert titles(in_force_on="2022-12-31") == ["高层次人才安家补贴实施办法"]
    assert titles(q="安家") == ["高层次人才安家补贴实施办法"]
    assert titles(q="來惠就業") == ["港澳青年来惠就业补贴办法"]  # Traditional finds Simplified
    assert titles(issuer="人力资源") == sorted(["港澳青年来惠就业补贴办法", "高层次人才安家补贴实施办法"])
    assert titles(in_force_on="not-a-date") == []
    assert client.get("/policies/", {"export": "csv"}).status_code == 200  # staff export every policy


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_pages_answer_in_every_language(client, make_policy, users, chan, language, settings):
    settings.LANGUAGE_CODE = language
    policy = make_policy()
    benefit = policy.benefits.get()
    client.force_login(users["centre"])
    for url in (
        "/policies/",
        "/policies/add/",
        "/policies/deleted/",
        f"/policies/{policy.pk}/",
        f"/policies/{policy.pk}/edit/",
        f"/policies/{policy.pk}/history/",
        f"/policies/{policy.pk}/benefits/add/",
        f"/policies/benefits/{benefit.pk}/edit/",
        f"/policies/benefits/{benefit.pk}/delete/",
        f"/policies/people/{chan.pk}/benefits/",
    ):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE=language).status_code == 200, url


def test_create_a_policy_through_the_form(client, users, network):
    client.force_login(users["a"])
    data = {
        "title": "仲恺高新区港澳青年创业扶持",
        "issuer": "仲恺高新区管委会",
        "region": "惠州市仲恺高新区",
        "effective_from": "2025-01-01",
        "effective_to": "2024-01-01",
        "unit": network["a"].pk,
    }
    response = client.post("/policies/add/", data)
    assert response.status_code == 400 and "The end date is before the start date." in response.content.decode()
    response = client.post("/policies/add/", {**data, "effective_to": ""})
    assert response.status_code == 302
    policy = Policy.objects.get(title="仲恺高新区港澳青年创业扶持")
    assert policy.unit == network["a"]
    response = client.post("/policies/add/", {**data, "effective_to": "", "unit": network["b"].pk})
    assert response.status_code == 400  # not a unit of theirs


# ------------------------------------------------------------------------------------------------ API


def test_api_create_with_a_bad_rule_answers_400_naming_the_condition(api, users, network):
    client = api(users["centre"])
    payload = {
        "title": "港澳青年就业补贴",
        "unit": network["centre"].pk,
        "effective_from": "2025-01-01",
        "benefits": [
            {"kind": "employment-subsidy", "name": "好的", "rule": YOUTH},
            {
                "kind": "employment-subsidy",
                "name": "坏的",
                "rule": {"all": [YOUTH["all"][0], {"attr": "age", "op": "between", "value": [40, 30]}]},
            },
        ],
    }
    response = client.post("/api/policies/", payload, format="json")
    assert response.status_code == 400
    errors = response.json()["benefits"]  # by position in the list: the second benefit
    assert list(errors) == ["1"]
    assert errors["1"]["rule"] == [
        "Condition 2 (Age): the lower bound 40 is above the upper bound 30: this condition can never be true."
    ]
    assert not Policy.objects.filter(title="港澳青年就业补贴").exists()

    payload["benefits"][1]["rule"] = {
        "all": [{"attr": "age", "op": "lt", "value": 30}, {"attr": "age", "op": "gt", "value": 40}]
    }
    response = client.post("/api/policies/", payload, format="json")
    assert response.status_code == 400 and "can never be true" in response.json()["benefits"]["1"]["rule"][0]

    for bad in ("nonsense", [1, 2], {"all": [{"attr": "age", "op": "le", "value": float("1e308") * 10}]}):
        payload["benefits"][1]["rule"] = bad
        response = client.post("/api/policies/", json.dumps(payload), content_type="application/json")
        assert response.status_code == 400, bad

    payload["benefits"][1]["rule"] = {"not": {"attr": "region", "op": "eq", "value": "TW"}}
    response = client.post("/api/policies/", payload, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert [b["name"] for b in created["benefits"]] == ["好的", "坏的"]

    # PATCH with benefits replaces them: keep one (by id), drop the other, add a new one
    kept = created["benefits"][0]
    update = {"benefits": [{**kept, "amount": "3000.00"}, {"kind": "rent-subsidy", "name": "租房补贴", "rule": {}}]}
    response = client.patch(f"/api/policies/{created['id']}/", update, format="json")
    assert response.status_code == 200, response.json()
    assert sorted(b["name"] for b in response.json()["benefits"]) == ["好的", "租房补贴"]
    assert Benefit.objects.get(pk=kept["id"]).amount == Decimal("3000")
    response = client.patch(f"/api/policies/{created['id']}/", {"benefits": [{**kept, "id": 999999}]}, format="json")
    assert response.status_code == 400
    response = client.patch(f"/api/policies/{created['id']}/", {"benefits": [{"name": "没有类型"}]}, format="json")
    assert response.status_code == 400 and "kind" in json.dumps(response.json())
    response = client.patch(f"/api/policies/{created['id']}/", {"effective_to": "2020-01-01"}, format="json")
    assert response.status_code == 400 and "effective_to" in response.json()


def test_api_scoping_of_policy_writes(api, make_policy, users, network):
    policy = make_policy(unit=network["centre"])
    client = api(users["a"])
    listed = client.get("/api/policies/").json()
    assert [p["id"] for p in listed["results"]] == [policy.pk]
    assert listed["results"][0]["benefits"][0]["rule"] == YOUTH
    response = client.patch(f"/api/policies/{policy.pk}/", {"title": "改"}, format="json")
    assert response.status_code == 403
    assert client.delete(f"/api/policies/{policy.pk}/").status_code == 403
    payload = {"title": "中心的", "unit": network["centre"].pk, "benefits": []}
    response = client.post("/api/policies/", payload, format="json")
    assert response.status_code == 400 and "unit" in response.json()
    assert (
        api(users["a_viewer"]).post("/api/policies/", {**payload, "unit": network["a"].pk}, format="json").status_code
        == 403
    )
    assert Policy.objects.get(pk=policy.pk).title == "港澳青年来惠就业补贴办法"
    assert api(users["centre_manager"]).delete(f"/api/policies/{policy.pk}/").status_code == 204


def test_api_person_benefits(api, make_policy, chan, users, network, make_person):
    make_policy(
        benefits=[
            {"name": "就业补贴", "kind": kind(), "amount": 3000, "rule": YOUTH},
            {
                "name": "博士安家补贴",
                "kind": kind("housing-subsidy"),
                "rule": {"all": [{"attr": "degree", "op": "eq", "value": "doctor"}]},
            },
        ]
    )
    client = api(users["a"])
    response = client.get(f"/api/people/{chan.pk}/benefits/", {"on": "2026-11-21"})
    assert response.status_code == 200
    body = response.json()
    assert [(b["name"], b["eligible"], b["status"]) for b in body] == [
        ("就业补贴", True, "yes"),
        ("博士安家补贴", False, "nearly"),
    ]
    assert body[0]["reasons"] == ["Region of origin: Hong Kong, one of Hong Kong, Macao ✓", "Age 32 ≤ 35 ✓"]
    assert body[0]["amount"] == "3000.00" and body[0]["kind"] == "employment-subsidy"
    assert body[1]["missing"] == [
        {
            "number": "1",
            "attribute": "degree",
            "op": "eq",
            "state": "failed",
            "reason": "Highest degree: Master ≠ Doctorate ✗",
            "requirement": "Highest degree = Doctorate",
            "must_hold": True,
        }
    ]
    only = client.get(f"/api/people/{chan.pk}/benefits/", {"on": "2026-11-21", "status": "nearly"}).json()
    assert [b["name"] for b in only] == ["博士安家补贴"]
    assert client.get(f"/api/people/{chan.pk}/benefits/", {"on": "21/11/2026"}).status_code == 400
    assert "on" in client.get(f"/api/people/{chan.pk}/benefits/", {"on": "x"}).json()
    assert client.get(f"/api/people/{chan.pk}/benefits/", {"status": "maybe"}).status_code == 400
    other = make_person(network["b"], "林美玲")
    assert client.get(f"/api/people/{other.pk}/benefits/").status_code == 404
    schema = client.get("/api/schema/")
    assert b"/api/people/{id}/benefits/" in schema.content and b"/api/policies/" in schema.content


# ------------------------------------------------------------------------------------------------ demo, bench


def test_demo_policies_load_with_valid_rules(network, users, chan):
    from qiao.policies import demo, rules
    from qiao.policies.attributes import taxonomy_ancestors

    created = demo.load(network["centre"], users["root"])
    assert len(created) == 5 and demo.load(network["centre"], users["root"]) == []  # once only
    for benefit in Benefit.objects.all():
        assert rules.check(benefit.rule, taxonomy=taxonomy_ancestors()) == [], benefit.name
    found = statuses(services.benefits_for(chan, on=TODAY))
    assert found["港澳青年来惠就业补贴"] in ("yes", "nearly")
    assert "港澳青年一次性创业补贴（旧）" not in found  # expired at the end of 2023


def test_the_benchmark_measures_correct_verdicts(network, users):
    spec = importlib.util.spec_from_file_location(
        "eligibility_bench", Path(__file__).parent.parent / "bench/eligibility_bench.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    person = bench.populate(count=60, seed=7)
    assert Benefit.objects.filter(policy__title__startswith=bench.TITLE_PREFIX).count() == 60
    result = bench.measure(person, repeat=3)
    assert result["benefits"] == result["in_force"] > 0
    assert set(result["statuses"]) <= {"yes", "nearly", "no"} and sum(result["statuses"].values()) == result["in_force"]
    # the cached, compiled evaluation agrees with evaluating each stored rule from scratch
    assert bench.verify(person) == result["in_force"]
