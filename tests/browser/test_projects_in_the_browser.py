"""Staff drag a project on the pipeline board to the next column, answer the date dialog and see it
there; a refused move shows why and the card goes back; the keyboard's "Move" button does the same.
Then, on the project's page, they add a tranche and see the landed total change."""

import datetime
import decimal

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_move_on_the_board_and_add_a_tranche(page, network, make_user, make_org):
    from qiao.projects import services
    from qiao.projects.models import Project, StageChange

    staff = make_user("staff-a", network["a"], "staff")  # amounts in 万元, the default
    investor = make_org(network["a"], "香港恒达投资集团", kind="enterprise", region="HK")
    project = services.save_project(
        staff,
        Project(
            unit=network["a"],
            name="港资电子厂增资扩产",
            investor=investor,
            kind="expansion",
            origin="HK",
            planned_amount=decimal.Decimal("50000000"),
            stage_on=datetime.date(2024, 1, 10),
        ),
    )
    other = services.save_project(
        staff,
        Project(unit=network["a"], name="储能项目", investor=investor, kind="new", stage_on=datetime.date(2024, 1, 5)),
    )

    page.goto("/login/")
    page.fill("#id_username", "staff-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")

    # drag the card from "lead" to "visited": the dialog asks the date
    page.goto("/projects/board/")
    card = page.locator(f"#card-{project.pk}")
    assert card.get_attribute("data-stage") == "lead"
    card.drag_to(page.locator(".board-column[data-stage='visited'] .board-cards"))
    dialog = page.locator("#move-dialog")
    dialog.wait_for(state="visible")
    assert page.input_value("#move-dialog-stage") == "visited"
    assert page.input_value("#move-dialog-on") == services.local_today(staff).isoformat()  # today by default
    page.fill("#move-dialog-on", "2024-02-01")
    page.fill("#move-dialog-note", "实地走访工厂")
    page.click("#move-dialog-submit")
    page.wait_for_selector(f".board-column[data-stage='visited'] #card-{project.pk}[data-stage='visited']")
    assert "港资电子厂增资扩产" in page.locator("#board-message").inner_text()
    column = page.locator(".board-column[data-stage='visited']")
    assert column.locator("[data-figure=count]").inner_text() == "1"
    project.refresh_from_db()
    assert project.stage == "visited" and project.stage_on == datetime.date(2024, 2, 1)
    assert StageChange.objects.filter(project=project).last().note == "实地走访工厂"

    # a refused move (back to "lead"): the message is shown and the card goes back
    page.locator(f"#card-{project.pk}").drag_to(page.locator(".board-column[data-stage='lead'] .board-cards"))
    dialog.wait_for(state="visible")
    page.click("#move-dialog-submit")
    error = page.locator("#move-dialog-error")
    error.wait_for(state="visible")
    assert error.inner_text()
    assert page.locator(f".board-column[data-stage='visited'] #card-{project.pk}").count() == 1
    page.click("#move-dialog-cancel")
    assert page.locator(f".board-column[data-stage='visited'] #card-{project.pk}").count() == 1
    project.refresh_from_db()
    assert project.stage == "visited"

    # the keyboard's way: the card's "Move" button, dropping with a reason
    page.locator(f"#card-{other.pk} .board-move").click()
    dialog.wait_for(state="visible")
    page.select_option("#move-dialog-stage", "dropped")
    page.locator("#move-dialog-reason").wait_for(state="visible")
    page.fill("#move-dialog-reason", "投资方撤回")
    page.click("#move-dialog-submit")
    page.wait_for_selector(f".board-column[data-stage='dropped'] #card-{other.pk}", state="attached")
    other.refresh_from_db()
    assert other.stage == "dropped" and other.dropped_reason == "投资方撤回"

    # the project's page: add a tranche, the landed total changes
    page.goto(f"/projects/{project.pk}/")
    assert page.locator("#landed-total [data-figure=landed]").inner_text() == "0万元"
    page.fill("#add-tranche [name=amount]", "1,200")
    page.fill("#add-tranche [name=on]", "2024-03-01")
    page.fill("#add-tranche [name=note]", "首期资金到位")
    page.click("#add-tranche button[type=submit]")
    page.wait_for_selector("#landed-total [data-figure=landed]:text('1,200万元')")
    assert "1,200万元" in page.locator("#tranche-sum").inner_text()
    assert "首期资金到位" in page.locator("#timeline").inner_text()
    project.refresh_from_db()
    assert project.landed_amount == decimal.Decimal("12000000")

    # above the plan without a confirmation: the panel says by how much, nothing is added
    page.fill("#add-tranche [name=amount]", "4000")
    page.fill("#add-tranche [name=on]", "2024-03-02")
    page.click("#add-tranche button[type=submit]")
    page.wait_for_selector("#add-tranche .invalid-feedback[data-field=amount]")
    assert "200万元" in page.locator("#add-tranche .invalid-feedback[data-field=amount]").inner_text()
    project.refresh_from_db()
    assert project.landed_amount == decimal.Decimal("12000000")
