"""A base's staff member finds 陳大文 by typing 陈大文, edits his phone and sees it in the history tab,
and never sees the 陳大文 of a sibling base."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_base_staff_search_edit_and_history(page, network, make_user, make_person):
    make_user("staff-a", network["a"], "staff")
    ours = make_person(network["a"], "陳大文", name_latin="CHAN Tai Man", phones=["+85291234567"], region="HK")
    theirs = make_person(network["b"], "陳大文", name_latin="CHAN Tai Man", region="HK")

    page.goto("/login/")
    page.fill("#id_username", "staff-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")

    page.fill("#global-search", "陈大文")
    page.press("#global-search", "Enter")
    page.wait_for_url("**/search/**")
    results = page.locator(".search-results")
    assert results.locator(f"a[href='/people/{ours.pk}/']").count() == 1
    assert results.locator(f"a[href='/people/{theirs.pk}/']").count() == 0

    results.locator(f"a[href='/people/{ours.pk}/']").click()
    page.wait_for_url(f"**/people/{ours.pk}/")
    assert "陳大文" in page.locator("h1").inner_text()

    page.click("#edit-person")
    page.fill("#id_phones_text", "+852 6123 4567")
    page.click("#save")
    page.wait_for_url(f"**/people/{ours.pk}/")
    assert "+852 ****4567" in page.locator("#person-phones").inner_text()  # staff see phones partly masked

    page.click("#history-tab")
    history = page.locator(".history").inner_text()
    assert "+852 ****4567" in history and "91234567" not in history and "staff-a" in history

    response = page.goto(f"/people/{theirs.pk}/")
    assert response.status == 404


def test_live_search_box_shows_results_as_you_type(page, network, make_user, make_person):
    make_user("staff-a", network["a"], "staff")
    ours = make_person(network["a"], "陳大文", name_latin="CHAN Tai Man")
    page.goto("/login/")
    page.fill("#id_username", "staff-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")
    page.locator("#global-search").press_sequentially("cdw", delay=50)
    page.wait_for_selector(f"#search-popup a[href='/people/{ours.pk}/']")
