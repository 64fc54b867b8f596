"""A base's staff member creates an activity, adds the delegation list from a spreadsheet, checks
two people in on a phone-sized screen, and sees the activity's figures change."""

import io
import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def delegation_list() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["2024年澳門青年交流團團員名單"])
    sheet.append(["姓名", "性別", "澳門身份證", "手機", "是否首次來惠"])
    sheet.append(["何嘉欣", "女", "1234567(8)", "6612 3456", "是"])
    sheet.append(["梁家輝", "男", "", "(853) 6688 1234", "否"])
    sheet.append(["陳美琪", "女", "", "+853 6699 1122", "是"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_activity_list_check_in_and_figures(page, browser, live_server, network, make_user):
    from qiao.activities.models import Activity, ActivityKind, Participation

    make_user("staff-a", network["a"], "staff")
    page.goto("/login/")
    page.fill("#id_username", "staff-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")

    page.goto("/activities/add/")
    page.select_option("#id_kind", str(ActivityKind.objects.get(code="delegation").pk))
    page.fill("#id_title", "澳門青年交流團")
    page.fill("#id_start_date", "2024-05-01")
    page.fill("#id_place", "惠州")
    page.click("#save")
    page.wait_for_url(re.compile(r".*/activities/\d+/$"))
    activity = Activity.objects.get()
    assert page.locator("[data-figure='people']").inner_text() == "0"

    page.click("#import-list")
    page.wait_for_url("**/imports/new/**")
    page.select_option("#id_status", "registered")
    page.set_input_files(
        "#id_file",
        files=[{"name": "團員名單.xlsx", "mimeType": "application/octet-stream", "buffer": delegation_list()}],
    )
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/imports/\d+/$"))
    page.click("#check")
    page.wait_for_selector("#report")
    assert page.locator("[data-count='new']").inner_text() == "3"
    page.click("#commit")
    page.wait_for_selector("#written")
    page.click("#see-result")
    page.wait_for_url(f"**/activities/{activity.pk}/")
    assert page.locator("[data-figure='registered']").inner_text() == "3"
    assert page.locator("[data-figure='people']").inner_text() == "0"

    # the check-in page on a phone-sized screen
    phone = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
        storage_state=page.context.storage_state(),
    )  # fmt: skip
    mobile = phone.new_page()
    mobile.goto(f"/activities/{activity.pk}/check-in/")
    mobile.fill("#checkin-search", "ho ka yan")  # 何嘉欣, found by her Jyutping
    expect(mobile.locator("[data-participation]")).to_have_count(1)  # (a string predicate would need eval: CSP)
    assert "何嘉欣" in mobile.locator("[data-participation]").inner_text()
    mobile.locator("[data-participation] button").click()
    mobile.wait_for_selector("[data-status='attended']:has-text('何嘉欣')")
    mobile.fill("#checkin-search", "梁家辉")  # Simplified finds 梁家輝
    mobile.wait_for_selector("[data-participation][data-status='registered']:has-text('梁家輝')")
    assert mobile.locator("[data-participation]").count() == 1
    mobile.locator("[data-participation]:has-text('梁家輝') button").click()
    mobile.wait_for_selector("[data-status='attended']:has-text('梁家輝')")
    assert "2 / 3" in mobile.locator("#attended-count").inner_text()
    assert mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
    phone.close()

    page.reload()
    assert page.locator("[data-figure='people']").inner_text() == "2"
    assert page.locator("[data-figure='person_times']").inner_text() == "2"
    assert page.locator("[data-figure='first_timers']").inner_text() == "2"
    assert page.locator("[data-figure='declared_first']").inner_text() == "1"
    assert Participation.objects.filter(status="attended").count() == 2
