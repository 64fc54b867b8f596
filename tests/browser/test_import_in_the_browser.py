"""A base's staff member uploads a delegation list, fixes the column the file names oddly, reads
the dry run's errors, skips the bad row, commits and finds the people in the registry."""

import io
import re

import pytest
from openpyxl import Workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def delegation_list() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["2024年香港青年交流團名單"])
    sheet.append(["學員", "性別", "出生日期", "香港身份證", "手機"])
    sheet.append(["陳大文", "男", "1990-05-04", "A123456(3)", "9123 4567"])
    sheet.append(["何嘉欣", "女", "1995年3月2日", "", "(853) 6612 3456"])
    sheet.append(["李小明", "男", "1990-13-45", "A123456(4)", "6123 4567"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_upload_map_check_commit(page, network, make_user):
    from qiao.people.models import Person

    make_user("staff-a", network["a"], "staff")
    page.goto("/login/")
    page.fill("#id_username", "staff-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")

    page.goto("/imports/new/")
    page.set_input_files(
        "#id_file",
        files=[{"name": "交流團名單.xlsx", "mimeType": "application/octet-stream", "buffer": delegation_list()}],
    )
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/imports/\d+/$"))
    assert page.locator("#batch-status").get_attribute("data-status") == "uploaded"
    # 學員 is not a header Qiao knows: the user says it is the name
    assert page.locator("select[name='column-0']").input_value() == ""
    assert page.locator("select[name='column-3']").input_value() == "hkid"
    page.select_option("select[name='column-0']", "name")
    page.fill("#save_as", "香港青年交流團")
    page.click("#check")
    page.wait_for_selector("#report")

    assert page.locator("[data-count='new']").inner_text() == "2"
    assert page.locator("[data-count='error']").inner_text() == "1"
    bad = page.locator("tr[data-outcome='error']")
    assert bad.get_attribute("data-row") == "5"
    assert "C 列：无法识别的日期" in bad.inner_text() and "D 列：校验位不对" in bad.inner_text()
    assert Person.objects.count() == 0  # the dry run wrote nothing

    page.check("#skip_invalid")
    page.click("#commit")
    page.wait_for_selector("#written")
    assert page.locator("#batch-status").get_attribute("data-status") == "committed"
    page.click("#written a")
    page.wait_for_url("**/people/")
    table = page.locator("#object-table").inner_text()
    assert "陳大文" in table and "何嘉欣" in table and "李小明" not in table
    assert Person.objects.get(name="何嘉欣").phones == ["+85366123456"]
