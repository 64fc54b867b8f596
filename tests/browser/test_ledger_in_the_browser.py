"""A base's staff member records an enterprise's problem, starts work on it, adds two tasks to its
task list, ticks them done, resolves the case (the dialog asks how) and closes it; the status badge
and the timeline follow every step without reloading the page."""

import datetime
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_from_open_to_closed(page, browser, live_server, network, make_user, make_org):
    from qiao.ledger.models import Case, CaseTask

    staff = make_user("staff-a", network["a"], "staff", display_name="王小明")
    org = make_org(network["a"], "惠州精密制造有限公司", kind="enterprise")
    page.goto("/login/")
    page.fill("#id_username", "staff-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")

    # record the case (the organisation comes from its page's link)
    page.goto(f"/ledger/cases/add/?organization={org.pk}")
    page.select_option("#id_category", "approvals")
    page.fill("#id_title", "厂房消防验收迟迟未办结")
    page.fill("#id_description", "企业新厂房已完工两个月，消防验收仍未安排。")
    page.select_option("#id_owner", str(staff.pk))
    page.fill("#id_due_date", (datetime.date.today() + datetime.timedelta(days=14)).isoformat())
    page.click("#save")
    page.wait_for_url(re.compile(r".*/ledger/cases/\d+/$"))
    case = Case.objects.get()
    assert case.organization == org and case.status == "open"
    assert page.locator("#case-status .status-badge").get_attribute("data-status") == "open"

    # start work
    page.click("#case-status [data-move='in_progress']")
    page.wait_for_selector("#case-status[data-status='in_progress']")

    # two tasks
    for title in ("补交消防设计图纸", "联系住建局安排现场验收"):
        page.fill("#add-task input[name=title]", title)
        page.select_option("#add-task select[name=assignee]", str(staff.pk))
        page.click("#add-task-button")
        page.wait_for_selector(f"#task-list .task .title:text('{title}')")
    tasks = list(CaseTask.objects.filter(case=case).order_by("id"))
    assert len(tasks) == 2

    # resolving is refused while a task is not done
    page.click("#case-status [data-open-dialog='status-dialog-resolved']")
    page.fill("#note-resolved", "已协调消防部门完成验收")
    page.click("#status-dialog-resolved [data-confirm-move='resolved']")
    page.wait_for_selector("#status-dialog-resolved[open] .alert-danger")
    assert "补交消防设计图纸" in page.locator("#status-dialog-resolved .alert-danger").inner_text()
    page.click("#status-dialog-resolved [data-close-dialog]")
    assert Case.objects.get().status == "in_progress"

    # tick both done
    for task in tasks:
        page.click(f"#task-{task.pk} button.toggle")
        page.wait_for_selector(f"#task-{task.pk}[data-done='1']")
    assert all(t.done for t in CaseTask.objects.all())

    # resolve, with the resolution the dialog asks for
    page.click("#case-status [data-open-dialog='status-dialog-resolved']")
    page.fill("#note-resolved", "已协调消防部门完成验收")
    page.click("#status-dialog-resolved [data-confirm-move='resolved']")
    page.wait_for_selector("#case-status[data-status='resolved']")
    assert page.locator("#case-status .status-badge").get_attribute("data-status") == "resolved"
    assert "已协调消防部门完成验收" in page.locator("#case-status-note").inner_text()

    # close
    page.click("#case-status [data-move='closed']")
    page.wait_for_selector("#case-status[data-status='closed']")
    badge = page.locator("#case-status .status-badge")
    assert badge.get_attribute("data-status") == "closed" and badge.inner_text().strip()
    assert page.locator("#add-task").count() == 0  # a closed case's tasks no longer change

    # the timeline kept every step, newest first
    notes = page.locator("#action-list .action[data-kind='note']")
    assert notes.count() == 3
    assert "已协调消防部门完成验收" in page.locator("#action-list").inner_text()
    case.refresh_from_db()
    assert case.status == "closed" and case.resolved_on and case.closed_on

    # after a reload the page says the same
    page.reload()
    assert page.locator("#case-status .status-badge").get_attribute("data-status") == "closed"
    assert page.locator("#action-list .action[data-kind='note']").count() == 3
