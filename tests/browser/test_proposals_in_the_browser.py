"""Staff open a person's page, record a proposal by them (the person is already its author), then
mark it adopted on the proposal's page; the person's page lists it as adopted."""

import datetime

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_a_proposal_by_a_person_and_mark_it_adopted(page, network, make_user, make_person):
    from qiao.proposals.models import Proposal

    make_user("staff-a", network["a"], "staff")
    person = make_person(network["a"], "陳大文")

    page.goto("/login/")
    page.fill("#id_username", "staff-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")

    page.goto(f"/people/{person.pk}/")
    page.click("#add-proposal")
    page.wait_for_url("**/proposals/add/**")
    page.fill("#id_title", "关于设立港澳青年实习基地的提案")
    page.select_option("#id_channel", "proposal")
    page.fill("#id_submitted_on", "2024-01-15")
    page.fill("#id_venue", "惠州市政协十三届三次会议")
    page.click("#save")
    page.wait_for_selector("#proposal-outcome[data-outcome='submitted']")
    proposal = Proposal.objects.get()
    assert list(proposal.authors.all()) == [person]

    # a date before the submission is refused with the reason; the right one is kept
    page.select_option("#id_outcome", "adopted")
    page.fill("#id_adopted_on", "2024-01-10")
    page.click("#save-outcome")
    page.wait_for_selector(".alert-danger")
    assert "2024-01-15" in page.content()
    page.select_option("#id_outcome", "adopted")
    page.fill("#id_adopted_on", "2024-03-01")
    page.click("#save-outcome")
    page.wait_for_selector("#proposal-outcome[data-outcome='adopted']")
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.adopted_on) == ("adopted", datetime.date(2024, 3, 1))

    page.goto(f"/people/{person.pk}/")
    item = page.locator(f"#person-proposals [data-proposal='{proposal.pk}']")
    assert "关于设立港澳青年实习基地的提案" in item.inner_text()
