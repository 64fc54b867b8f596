"""A base's staff member sees 陳大文's identity number, phone and e-mail partly hidden, clicks Show (显示)
and sees them in full; the base's administrator then finds that reveal in the access log (访问日志)."""

import datetime

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, username):
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")


def test_staff_reveal_a_masked_number_and_the_administrator_sees_it_logged(page, network, make_user, make_person):
    make_user("staff-a", network["a"], "staff")
    make_user("admin-a", network["a"], "admin")
    chan = make_person(
        network["a"],
        "陳大文",
        region="HK",
        birth_date=datetime.date(1990, 5, 17),
        phones=["+85291234567"],
        emails=["chan.tai.man@example.org"],
        documents=[{"kind": "hkid", "number": "A1234563"}],
    )

    login(page, "staff-a")
    page.goto(f"/people/{chan.pk}/")
    block = page.locator("#person-sensitive")
    assert block.get_attribute("data-masked") == "true"
    text = block.inner_text()
    assert "A123***(*)" in text and "+852 ****4567" in text and "c***@example.org" in text
    assert "A123456(3)" not in text and "91234567" not in text and "1990-05-17" not in text

    page.click("#reveal-sensitive")  # htmx POST with the CSRF token; the block is swapped in place
    page.wait_for_selector("#person-sensitive[data-masked='false']")
    assert page.url.endswith(f"/people/{chan.pk}/")  # no navigation: the block only
    text = page.locator("#person-sensitive").inner_text()
    assert "A123456(3)" in text and "+85291234567" in text and "chan.tai.man@example.org" in text
    assert "1990-05-17" in text

    login(page, "admin-a")
    page.click("#nav-more")
    page.click("#nav-access-log")
    page.wait_for_url("**/audit/")
    revealed = page.locator("#access-log tr[data-action='qiao.person.revealed']")
    assert revealed.count() == 1
    assert "staff-a" in revealed.inner_text() and "陳大文" in revealed.inner_text()
    page.select_option("#id_action", "qiao.person.revealed")
    page.click("#access-log-filter button[type=submit]")
    page.wait_for_url("**/audit/?*action=qiao.person.revealed*")
    assert page.locator("#access-log tbody tr").count() == 1
