"""Staff open their overdue key contacts, log a visit from the key contact's page, and see the contact
leave the overdue list (its next contact is due a cadence after the visit)."""

import datetime

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_a_visit_and_leave_the_overdue_list(page, network, make_user, make_person):
    from qiao.core.days import local_today
    from qiao.relations import services
    from qiao.relations.models import Interaction

    staff = make_user("staff-a", network["a"], "staff")
    person = make_person(network["a"], "陳大文")
    today = local_today(staff)
    kc = services.mark_key_contact(
        staff,
        unit=network["a"],
        person=person,
        responsible=staff,
        cadence_days=30,
        since=today - datetime.timedelta(60),
    )
    assert kc.due_on < today

    page.goto("/login/")
    page.fill("#id_username", "staff-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")
    assert page.locator(f"#my-key-contacts [data-key-contact='{kc.pk}'][data-overdue='1']").count() == 1

    page.goto("/relations/key-contacts/?overdue=1")
    row = page.locator(f"tr[data-key-contact='{kc.pk}']")
    assert row.get_attribute("data-overdue") == "1"
    row.locator("a").first.click()
    page.wait_for_url(f"**/relations/key-contacts/{kc.pk}/")
    assert page.locator("#key-contact-status").get_attribute("data-overdue") == "1"
    page.click("#log-contact")
    page.wait_for_url("**/relations/interactions/add/**")
    page.select_option("#id_kind", "visit")
    page.fill("#id_summary", "上门走访，了解创业项目进展")
    page.click("#save")
    page.wait_for_url("**/relations/interactions/*/")
    assert "上门走访" in page.locator("#interaction-summary").inner_text()
    interaction = Interaction.objects.get()
    assert list(interaction.people.all()) == [person]

    page.goto("/relations/key-contacts/?overdue=1")
    page.locator("#key-contact-figures").wait_for()
    assert page.locator(f"tr[data-key-contact='{kc.pk}']").count() == 0
    assert page.locator("[data-figure=overdue]").inner_text() == "0"
    page.goto(f"/relations/key-contacts/{kc.pk}/")
    assert page.locator("#key-contact-status").get_attribute("data-overdue") == "0"
    assert page.locator("#last-contact").inner_text() == today.isoformat()
    assert page.locator(f"#key-contact-interactions [data-interaction='{interaction.pk}']").count() == 1
