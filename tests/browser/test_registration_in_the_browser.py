"""A young person from Hong Kong opens an activity's registration link, switches the page to
Traditional Chinese, forgets the consent box once, registers, and is on the list as registered."""

import datetime

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_registers_publicly_and_appears_as_registered(page, network, settings):
    from qiao.activities.models import Activity, ActivityKind, Participation

    settings.QIAO_REGISTRATION_MIN_SECONDS = 0
    # get_or_create: a transactional test before this one may have flushed the migrations' lists
    kind, _created = ActivityKind.objects.get_or_create(
        code="exchange-visit", defaults={"name": "交流访问", "name_hant": "交流訪問", "name_en": "Exchange visit"}
    )
    activity = Activity.objects.create(
        unit=network["a"],
        kind=kind,
        title="港澳青年惠州行",
        start_date=timezone.localdate() + datetime.timedelta(days=14),
        place="惠州",
        registration_open=True,
        registration_token="browser-token-1",
        registration_fields=["name", "gender", "region", "phone", "email", "first_visit"],
        capacity=30,
        consent_text="本人同意主辦單位保存以上資料，用於本次活動的聯絡及統計。",
    )

    page.goto("/register/browser-token-1/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click("#languages a[lang=zh-hant]")
    page.wait_for_url("**/register/browser-token-1/?lang=zh-hant")
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    assert "本人同意主辦單位保存以上資料" in page.locator("#consent-statement").inner_text()
    box = page.locator("#id_homepage").bounding_box()
    assert box is None or box["x"] + box["width"] <= 0  # the honeypot is out of sight

    page.fill("#id_name", "陳小明")
    page.select_option("#id_gender", "M")
    page.select_option("#id_region", "HK")
    page.fill("#id_phone", "9123 4567")
    page.fill("#id_email", "siuming@example.com")
    page.check("#id_first_visit_0")
    page.click("#register")  # the consent box is not ticked yet
    page.wait_for_selector("#field-consent .invalid-feedback")
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    assert page.input_value("#id_name") == "陳小明"
    assert Participation.objects.count() == 0

    page.check("#id_consent")
    page.click("#register")
    page.wait_for_url("**/register/browser-token-1/done/")
    assert "港澳青年惠州行" in page.locator("#thanks").inner_text()

    participation = Participation.objects.select_related("person").get(activity=activity)
    assert participation.status == "registered" and participation.source == "registration"
    assert participation.first_visit_declared is True
    person = participation.person
    assert (person.name, person.region, person.phones) == ("陳小明", "HK", ["+85291234567"])
    assert person.unit == network["a"] and person.consent_date == timezone.localdate()
