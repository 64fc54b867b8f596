"""A base's staff member opens the bulletin page, chooses a quarter, previews the bulletin in the page
and downloads it as a Word file named after the base and the period; a period that starts after it
ends is refused on the form, naming the field."""

import datetime

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_preview_and_download_a_bulletin(page, network, make_user, make_person, tmp_path):
    from docx import Document

    from qiao.activities import services
    from qiao.activities.defaults import ensure
    from qiao.activities.models import Activity, ActivityKind

    ensure()
    staff = make_user("staff-a", network["a"], "staff")
    kind = ActivityKind.objects.get(code="exchange-visit")
    visit = services.save_activity(
        staff, Activity(unit=network["a"], kind=kind, title="港澳青年惠州行", start_date=datetime.date(2025, 5, 10))
    )
    for number in range(3):
        person = make_person(network["a"], f"青年{number}", region="HK")
        services.add_participant(staff, visit, person, status="attended")

    page.goto("/login/")
    page.fill("#id_username", "staff-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")

    page.goto("/reports/bulletins/")
    assert page.locator("#id_unit").input_value() == str(network["a"].pk)
    page.select_option("#id_period", "quarter")
    assert page.locator("[data-field-box='quarter']").is_visible()
    assert not page.locator("[data-field-box='month']").is_visible()
    page.fill("#id_quarter", "2025Q2")
    page.click("#bulletin-preview-button")
    page.wait_for_selector("#bulletin[data-bulletin]")
    assert "1批次共3人次" in page.locator("[data-paragraph]").first.inner_text()
    assert page.locator("[data-table]").count() >= 1

    page.select_option("#id_format", "docx")
    with page.expect_download() as waiting:
        page.click("#bulletin-download")
    download = waiting.value
    assert download.suggested_filename == "简报_基地甲_2025-04-01_2025-06-30.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    document = Document(str(saved))
    assert document.paragraphs[0].text == "基地甲港澳台侨工作简报（2025年第二季度）"

    # an inverted period is refused on the form, naming the field
    page.select_option("#id_period", "range")
    page.fill("#id_from", "2025-06-30")
    page.fill("#id_to", "2025-01-01")
    page.click("#bulletin-preview-button")
    page.wait_for_selector(".invalid-feedback[data-field='from']")
    assert page.locator("#bulletin[data-bulletin]").count() == 0
