"""Staff open an incubator, add a Hong Kong team to it, then graduate it: a date before the entry is
refused with a message under the date field, the right date moves the team to the past residents
with its "graduated" outcome, and the occupancy goes back down."""

import datetime

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_a_team_to_an_incubator_and_graduate_it(page, network, make_user):
    from qiao.carriers import services
    from qiao.carriers.models import Carrier, Residency

    staff = make_user("staff-a", network["a"], "staff")
    incubator = services.save_carrier(
        staff, Carrier(unit=network["a"], name="仲恺港澳青年创业孵化基地", kind="incubator", capacity=5)
    )

    page.goto("/login/")
    page.fill("#id_username", "staff-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")

    page.goto(f"/carriers/{incubator.pk}/")
    assert page.inner_text("#carrier-figures [data-figure=hosted]").strip() == "0 / 5"
    page.click("#add-resident")
    page.wait_for_selector("#id_name")
    assert page.input_value("#id_carrier") == str(incubator.pk)  # the carrier the page was opened from
    page.select_option("#id_kind", "team")
    page.fill("#id_name", "港青智能硬件团队")
    page.select_option("#id_origin", "HK")
    page.fill("#id_entered_on", "2024-03-01")
    page.click("#save")
    page.wait_for_selector("#residency-status")
    team = Residency.objects.get(name="港青智能硬件团队")
    assert team.carrier == incubator and team.origin == "HK" and team.exited_on is None

    page.goto(f"/carriers/{incubator.pk}/")
    assert page.inner_text("#carrier-figures [data-figure=hosted]").strip() == "1 / 5"
    page.click(f"#residents-now [data-residency='{team.pk}'] [data-action=graduate]")
    page.wait_for_selector("#id_on")
    assert page.input_value("#id_kind") == "graduated"

    # a date before the entry: refused, the message names the field, nothing is written
    page.fill("#id_on", "2024-02-01")
    page.click("#save")
    message = page.locator("[data-field=on]")
    message.wait_for()
    assert "2024-03-01" in message.inner_text()
    team.refresh_from_db()
    assert team.exited_on is None

    page.fill("#id_on", "2024-09-30")
    page.click("#save")
    page.wait_for_selector(f"#residents-past [data-residency='{team.pk}'] [data-outcome=graduated]")
    assert page.locator(f"#residents-now [data-residency='{team.pk}']").count() == 0
    assert page.inner_text("#carrier-figures [data-figure=hosted]").strip() == "0 / 5"
    team.refresh_from_db()
    assert (team.exit_kind, team.exited_on) == ("graduated", datetime.date(2024, 9, 30))
    assert team.milestones.get().kind == "graduated"
