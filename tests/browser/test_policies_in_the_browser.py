"""A base's staff member opens a person and sees the benefits they qualify for, with the reasons, and
what is missing for the others; another day, an expired policy no longer counts. The centre's staff
build a benefit's rule with the rule builder, without typing JSON."""

import datetime
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def navigator(network, make_user, make_person):
    from qiao.matching import defaults as taxonomy
    from qiao.matching.models import Field, TalentProfile
    from qiao.people.models import Education
    from qiao.policies import defaults, services
    from qiao.policies.models import BenefitKind, Policy

    defaults.ensure()
    taxonomy.ensure()
    root = make_user("root", is_superuser=True)
    make_user("staff-a", network["a"], "staff")
    make_user("centre-staff", network["centre"], "staff")
    person = make_person(network["a"], "陳大文", region="HK", birth_date=datetime.date(1994, 5, 1))
    Education.objects.create(person=person, degree="master", field="材料工程")
    talent = TalentProfile.objects.create(person=person, residence="惠州", signed_local_employer=True)
    talent.fields.set([Field.objects.get(code="lithium-battery")])
    today = datetime.date.today()
    policy = services.save_policy(
        root,
        Policy(
            unit=network["centre"],
            title="港澳青年来惠就业补贴办法",
            effective_from=today - datetime.timedelta(days=365),
            effective_to=today + datetime.timedelta(days=30),
        ),
        benefits=[
            {
                "name": "港澳青年就业补贴",
                "kind": BenefitKind.objects.get(code="employment-subsidy"),
                "amount": 3000,
                "amount_note": "每月",
                "rule": {
                    "all": [
                        {"attr": "region", "op": "in", "value": ["HK", "MO"]},
                        {"attr": "age", "op": "le", "value": 45},
                        {"attr": "signed_local_employer", "op": "is_true"},
                    ]
                },
            },
            {
                "name": "博士安家补贴",
                "kind": BenefitKind.objects.get(code="housing-subsidy"),
                "amount_max": 300000,
                "rule": {"all": [{"attr": "degree", "op": "eq", "value": "doctor"}]},
            },
        ],
    )
    return {"person": person, "policy": policy, "today": today}


def login(page, username):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")


def test_open_a_person_and_see_eligible_benefits(page, navigator):
    person = navigator["person"]
    login(page, "staff-a")
    page.goto(f"/people/{person.pk}/")
    if page.locator(f"[hx-get='/policies/people/{person.pk}/benefits/']").count() == 0:
        page.goto(f"/policies/people/{person.pk}/benefits/")  # the person page does not load it (yet)
    eligible = page.locator("#benefits-eligible [data-status='yes']")
    eligible.first.wait_for()
    assert eligible.count() == 1
    text = eligible.first.inner_text()
    assert "港澳青年就业补贴" in text and "✓" in text and "32" in text
    nearly = page.locator("#benefits-nearly [data-status='nearly']")
    assert nearly.count() == 1 and "博士安家补贴" in nearly.inner_text()
    assert nearly.locator("[data-condition]").count() == 1  # exactly what is missing: the doctorate

    # after the policy's end date nothing counts any more
    later = (navigator["today"] + datetime.timedelta(days=31)).isoformat()
    page.fill("#benefits-on", later)
    page.dispatch_event("#benefits-on", "change")
    page.wait_for_selector(f"#person-benefits[data-on='{later}']")
    assert page.locator("[data-count='eligible']").inner_text() == "0"
    assert page.locator("[data-status='yes']").count() == 0


def test_build_a_rule_without_typing_json(page, navigator):
    from qiao.policies.models import Benefit, BenefitKind

    policy = navigator["policy"]
    login(page, "centre-staff")
    page.goto(f"/policies/{policy.pk}/")
    page.click("#add-benefit")
    page.wait_for_url(f"**/policies/{policy.pk}/benefits/add/")
    page.wait_for_selector("#rule-builder[data-ready='1']")
    page.select_option("#id_kind", str(BenefitKind.objects.get(code="rent-subsidy").pk))
    page.fill("#id_name", "青年人才租房补贴")
    page.fill("#id_amount", "1500")

    page.click("#rule-builder .rule-add-condition")
    first = page.locator(".rule-condition[data-condition='1']")
    first.locator(".rule-attr").select_option("region")
    first = page.locator(".rule-condition[data-condition='1']")
    first.locator(".rule-op").select_option("in")
    first = page.locator(".rule-condition[data-condition='1']")
    first.locator(".rule-value").select_option(["HK", "MO"])

    page.locator("[data-rule-group='root'] > div > .rule-add-condition").click()
    second = page.locator(".rule-condition[data-condition='2']")
    second.locator(".rule-attr").select_option("age")
    second = page.locator(".rule-condition[data-condition='2']")
    second.locator(".rule-op").select_option("le")
    second = page.locator(".rule-condition[data-condition='2']")
    second.locator(".rule-value").fill("35")

    # a nested group: any of (residence contains 惠州, signed locally), negated nowhere
    page.locator("[data-rule-group='root'] > div > .rule-add-group").click()
    nested = page.locator("[data-rule-group='3']")
    nested.locator(".rule-condition[data-condition='3.1'] .rule-attr").select_option("residence")
    nested = page.locator("[data-rule-group='3']")
    nested.locator(".rule-condition[data-condition='3.1'] .rule-op").select_option("contains")
    page.locator(".rule-condition[data-condition='3.1'] .rule-value").fill("惠州")
    page.click("#save")
    page.wait_for_url(re.compile(rf".*/policies/{policy.pk}/(#benefit-\d+)?$"))

    benefit = Benefit.objects.get(name="青年人才租房补贴")
    assert benefit.rule == {
        "all": [
            {"attr": "region", "op": "in", "value": ["HK", "MO"]},
            {"attr": "age", "op": "le", "value": 35},
            {"any": [{"attr": "residence", "op": "contains", "value": "惠州"}]},
        ]
    }
    assert "惠州" in page.locator(f"#benefit-{benefit.pk} .rule-outline").inner_text()

    # a rule that can never be true is refused, with the reason, and the builder still shows it
    page.goto(f"/policies/benefits/{benefit.pk}/edit/")
    page.wait_for_selector("#rule-builder[data-ready='1']")
    page.locator(".rule-condition[data-condition='2'] .rule-op").select_option("gt")
    page.locator(".rule-condition[data-condition='2'] .rule-value").fill("50")
    page.locator("[data-rule-group='root'] > div > .rule-add-condition").click()
    last = page.locator(".rule-condition[data-condition='4']")
    last.locator(".rule-attr").select_option("age")
    page.locator(".rule-condition[data-condition='4'] .rule-op").select_option("lt")
    page.locator(".rule-condition[data-condition='4'] .rule-value").fill("30")
    page.click("#save")
    page.wait_for_selector("[data-field='rule']")
    refusal = page.locator("[data-field='rule']").inner_text()  # "This rule can never be true: conditions 2 … 4 …"
    assert "> 50" in refusal and "< 30" in refusal
    assert page.locator(".rule-condition").count() == 4
    benefit.refresh_from_db()
    assert benefit.rule["all"][1] == {"attr": "age", "op": "le", "value": 35}  # nothing stored
