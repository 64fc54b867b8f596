"""An enterprise fills in the public demand form on a phone (forgetting the consent and writing the
salary range backwards once), then a base's staff member reviews the demand, creates its
organisation from what the form says and opens it."""

import datetime

import pytest
from django.utils import timezone

from qiao import identity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_demand_sent_from_a_phone_is_reviewed_and_opened(browser, page, live_server, network, make_user, settings):
    from qiao.matching.models import Demand, Field, Intake

    settings.QIAO_REGISTRATION_MIN_SECONDS = 0
    Intake.objects.create(
        unit=network["a"],
        kind="demand",
        title="仲恺高新区企业人才需求征集",
        introduction="请如实填写，我们会在三个工作日内联系您。",
        token="browser-demand-1",
    )
    lithium = Field.objects.get(code="lithium-battery")
    number = "91441300MA4UX7K2Q" + identity.uscc_check_character("91441300MA4UX7K2Q")

    phone = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    visitor = phone.new_page()
    visitor.set_default_timeout(15000)
    visitor.goto("/submit/demand/browser-demand-1/")
    assert visitor.locator("html").get_attribute("lang") == "zh-hans"
    assert "三个工作日" in visitor.locator("#intake-introduction").inner_text()
    assert visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling

    visitor.fill("#id_organization_name", "惠州亿纬锂能股份有限公司")
    visitor.select_option("#id_region", "MAINLAND")
    visitor.fill("#id_registration_number", number)
    visitor.fill("#id_contact_name", "王经理")
    visitor.fill("#id_contact_phone", "138 1234 5678")
    visitor.select_option("#id_kind", "job")
    visitor.fill("#id_title", "锂电池研发工程师")
    visitor.fill("#id_description", "负责动力电池电芯设计，熟悉电池管理系统。")
    visitor.click("#field-fields summary:has-text('新能源')")
    visitor.check(f"#id_fields_{lithium.pk}")
    visitor.check("#field-languages input[value=english]")
    visitor.fill("#id_headcount", "2")
    visitor.fill("#id_amount_min", "1.5万")
    visitor.fill("#id_amount_max", "8000")
    visitor.fill("#id_valid_until", (timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    visitor.click("#send")  # no consent yet, and the range runs backwards
    visitor.wait_for_selector("#field-consent .invalid-feedback")
    assert visitor.locator("#field-amount_max .invalid-feedback").is_visible()
    assert visitor.input_value("#id_title") == "锂电池研发工程师"
    assert visitor.is_checked(f"#id_fields_{lithium.pk}")
    assert Demand.all_objects.count() == 0

    visitor.fill("#id_amount_max", "25000")
    visitor.check("#id_consent")
    visitor.click("#send")
    visitor.wait_for_url("**/submit/demand/browser-demand-1/?sent=1")
    assert visitor.locator("#thanks").is_visible()
    phone.close()

    demand = Demand.all_objects.get()
    assert demand.status == "submitted" and demand.unit == network["a"] and demand.organization is None

    make_user("staff-a", network["a"], "staff")
    page.goto("/login/")
    page.fill("#id_username", "staff-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")
    page.goto("/matching/submissions/")
    page.click("#submitted-demands a:has-text('锂电池研发工程师')")
    page.wait_for_url(f"**/matching/submissions/demands/{demand.pk}/")
    assert "惠州亿纬锂能股份有限公司" in page.locator("#sent-organization").inner_text()
    assert page.is_checked("#organization-new")  # nothing like it in the registry yet
    page.click("#open-demand")
    page.wait_for_url("**/matching/submissions/")
    assert "锂电池研发工程师" in page.locator(".alert-success").inner_text()
    assert "锂电池研发工程师" not in page.locator("#submitted-demands").inner_text()

    demand.refresh_from_db()
    assert demand.status == "open"
    assert demand.organization.name == "惠州亿纬锂能股份有限公司" and demand.organization.registration_number == number
    assert demand.organization.unit == network["a"]
