"""Staff open a demand, see the ranked people with their reasons and move one to "contacted"; then
open that person, see the benefits they qualify for and their plan (一人一策), and print it."""

import datetime
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demand_candidates_benefits_and_plan(page, browser, live_server, network, make_user, make_person, make_org):
    from qiao.matching import index, services
    from qiao.matching.models import Demand, Field, Match, TalentProfile
    from qiao.people.models import Education
    from qiao.policies.models import Benefit, BenefitKind, Policy

    index.reset()
    staff = make_user("staff-a", network["a"], "staff")
    org = make_org(network["a"], "惠州储能科技有限公司", kind="enterprise")
    lithium = Field.objects.get(code="lithium-battery")
    demand = services.save_demand(
        staff,
        Demand(
            unit=network["a"],
            organization=org,
            title="储能系统研发工程师",
            description="负责锂电池储能系统设计",
            min_degree="master",
            min_experience_years=3,
        ),
        fields=[lithium],
    )
    chan = make_person(network["a"], "陳大文", region="HK", birth_date=datetime.date(1992, 5, 4))
    Education.objects.create(person=chan, degree="doctor", field="材料科學")
    services.save_profile(
        staff,
        TalentProfile(person=chan, contact_consent=True, experience_years=6, skills="鋰電池電芯設計"),
        fields=[lithium],
    )
    other = make_person(network["a"], "林美玲", region="TW")
    services.save_profile(
        staff,
        TalentProfile(person=other, contact_consent=True, experience_years=1),
        fields=[Field.objects.get(code="law")],
    )
    policy = Policy.objects.create(
        unit=network["centre"], title="港澳青年来惠就业创业扶持办法", effective_from=datetime.date(2024, 1, 1)
    )
    Benefit.objects.create(
        policy=policy,
        kind=BenefitKind.objects.get(code="housing-subsidy"),
        name="港澳人才安家补贴",
        amount=100000,
        rule={"all": [{"attr": "region", "op": "in", "value": ["HK", "MO"]}]},
    )

    page.goto("/login/")
    page.fill("#id_username", "staff-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")

    # the demand: ranked people with reasons
    page.goto(f"/matching/demands/{demand.pk}/")
    first = page.locator(".candidate").first
    first.wait_for()
    assert first.get_attribute("data-person") == str(chan.pk)
    reasons = first.locator(".reasons").inner_text()
    assert "锂电池" in reasons and "博士" in reasons
    first.locator("button.propose").click()
    page.wait_for_url(re.compile(r".*/matching/demands/\d+/.*"))
    match = Match.objects.get()
    card = page.locator(f"#match-{match.pk}")
    card.locator("select[name=stage]").select_option("contacted")
    card.locator("input[name=note]").fill("已电话联系，下周面谈")
    card.locator("button[type=submit]").click()
    page.wait_for_selector(f"#match-{match.pk}[data-stage='contacted']")
    assert "已电话联系，下周面谈" in page.locator(f"#match-{match.pk}").inner_text()
    match.refresh_from_db()
    assert match.stage == "contacted"

    # the person: benefits they qualify for, then the plan
    page.goto(f"/people/{chan.pk}/")
    page.wait_for_selector("#benefits :text('港澳人才安家补贴')")
    page.wait_for_selector("#opportunities")
    page.click("#person-plan")
    page.click("#start-plan")
    page.wait_for_url(re.compile(r".*/matching/plans/\d+/$"))
    page.fill("#add-task [name=what]", "协助申请人才安家补贴")
    page.fill("#add-task [name=due]", "2026-12-31")
    page.click("#add-task button[type=submit]")
    page.wait_for_selector(".task")
    page.click("#edit-plan")
    page.check(f"input[name=matches][value='{match.pk}']")
    page.locator("input[name=benefits]").first.check()
    page.click("#save-plan")
    page.wait_for_url(re.compile(r".*/matching/plans/\d+/$"))
    assert "储能系统研发工程师" in page.locator("#plan-demands").inner_text()
    assert "港澳人才安家补贴" in page.locator("#plan-benefits").inner_text()

    # print it, in Traditional
    with page.context.expect_page() as opened:
        page.locator("a[href*='print'][href*='zh-hant']").click()
    printed = opened.value
    printed.wait_for_load_state()
    text = printed.locator("#plan-document").inner_text()
    assert "陳大文" in text and "協助申請人才安家補貼" not in text  # tasks stay as written
    assert "协助申请人才安家补贴" in text and "港澳人才安家补贴" in text
    pdf = printed.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 5000
