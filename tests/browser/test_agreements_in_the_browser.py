"""Staff record a sister-school agreement in the browser: they pick the two schools with the as-you-type
picker, tick our unit, give a first commitment with its owner and due date, and save; an agreement with
no party is refused first with a clear message. On the agreement's page they tick the commitment off
(htmx: the checklist changes in place), and the organisation's page links the two sister schools."""

import datetime

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pick(page, select_id: str, query: str, text: str) -> None:
    """Choose an option of an autocomplete select (Tom Select) by typing."""
    page.locator(f"#{select_id}-ts-control").click()
    page.locator(f"#{select_id}-ts-control").fill(query)
    page.locator(f"#{select_id}-ts-dropdown .option", has_text=text).first.click()


def test_record_an_agreement_with_a_commitment_and_tick_it_off(page, network, make_user, make_org):
    from qiao.agreements.models import Agreement
    from qiao.core.days import local_today

    staff = make_user("staff-a", network["a"], "staff")
    pz = make_org(network["a"], "香港培正中学")
    make_org(network["a"], "广州市第七中学")
    due = local_today(staff) + datetime.timedelta(days=30)

    page.goto("/login/")
    page.fill("#id_username", "staff-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")

    page.goto("/agreements/add/")
    page.fill("#id_title", "培正与七中姊妹学校协议")
    page.select_option("#id_kind", "sister")
    page.fill("#id_signed_on", "2024-05-20")
    page.fill("#id_ends_on", "2029-05-19")
    # no party: refused, with a message naming what is missing, and nothing saved
    page.click("#save")
    page.wait_for_selector("#form-errors")
    message = page.locator("#parties [data-field=parties]")  # shown above the party rows (and at the top)
    assert message.count() == 1 and message.inner_text().strip()
    assert not Agreement.all_objects.exists()

    _pick(page, "id_party-0-organization", "香港培正", "香港培正中学")
    page.fill("#id_party-0-role", "姊妹学校")
    _pick(page, "id_party-1-organization", "广州市第七", "广州市第七中学")
    page.fill("#id_commitment-0-text", "每年互派教师交流")
    page.select_option("#id_commitment-0-owner", str(staff.pk))
    page.fill("#id_commitment-0-due_on", due.isoformat())
    page.click("#save")
    page.wait_for_selector("#agreement-status")
    agreement = Agreement.objects.get()
    assert page.locator("#agreement-status").get_attribute("data-status") == "in_force"
    assert page.locator("#agreement-parties li").count() >= 2

    item = agreement.commitments.get()
    row = page.locator(f"#commitment-{item.pk}")
    assert row.get_attribute("data-done") == "0"
    row.locator("button.toggle").click()
    page.wait_for_selector(f"#commitment-{item.pk}[data-done='1']")
    done = page.locator("#commitments-done")
    assert (done.get_attribute("data-done"), done.get_attribute("data-total")) == ("1", "1")
    item.refresh_from_db()
    assert item.done_on == local_today(staff) and item.done_by == staff

    # a second commitment added in place, then edited inline
    page.fill("#add-commitment input[name=text]", "联合举办夏令营")
    page.click("#add-commitment-button")
    page.wait_for_selector("#commitment-list li:has-text('联合举办夏令营')")
    done = page.locator("#commitments-done")
    assert (done.get_attribute("data-done"), done.get_attribute("data-total")) == ("1", "2")

    # the organisation's page links the sister schools
    page.goto(pz.get_absolute_url())
    sisters = page.locator("#sister-institutions")
    assert "广州市第七中学" in sisters.inner_text()
