"""A liaison with an overdue task signs in, sees it on the home page with the bell's count, follows it to
the case, and clears the bell from the notification page."""

import datetime
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_overdue_task_on_the_home_page(page, network, make_user, make_org):
    from django.utils import timezone

    from qiao.ledger.models import Case, CaseTask
    from qiao.notifications import scan

    chen = make_user("staff-a", network["a"], "staff")
    org = make_org(network["a"], "惠州新能源科技有限公司")
    today = timezone.localdate()
    case = Case.objects.create(
        unit=network["a"],
        organization=org,
        category="approvals",
        title="环评审批受阻",
        raised_on=today - datetime.timedelta(days=30),
        owner=chen,
    )
    task = CaseTask.objects.create(
        case=case, title="补交环评材料", assignee=chen, due_date=today - datetime.timedelta(days=2)
    )
    CaseTask.objects.create(case=case, title="已经办完的", assignee=chen, due_date=today, done=True)
    counts = scan.scan()
    assert counts["overdue"] == 1
    unread = chen.notifications.filter(read_at__isnull=True).count()

    page.goto("/login/")
    page.fill("#id_username", "staff-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")

    item = page.locator(f"[data-attention='task-{task.pk}']")
    assert "补交环评材料" in item.inner_text()
    assert page.locator("[data-attention]").count() == 1  # the done task is not there
    assert page.locator("#notification-count").get_attribute("data-count") == str(unread)
    assert page.locator("#notification-count").is_visible()

    item.locator("a.attention-link").click()
    page.wait_for_url(re.compile(rf".*/ledger/cases/{case.pk}/.*"))
    assert "环评审批受阻" in page.locator("h1").inner_text()

    page.click("#nav-notifications")
    page.wait_for_url("**/notifications/")
    overdue = chen.notifications.get(kind="overdue")
    row = page.locator(f"#notification-{overdue.pk}")
    assert "补交环评材料" in row.inner_text() and row.get_attribute("data-unread") == "1"
    row.locator("button.mark-read").click()  # htmx: the row and the bell change in place
    page.wait_for_selector(f"#notification-{overdue.pk}[data-unread='0']")
    assert page.locator("#notification-count").get_attribute("data-count") == str(unread - 1)

    page.click("#mark-all-read")
    page.wait_for_selector("#notification-count[data-count='0']", state="attached")
    # htmx settles a swapped element's class ~20 ms after its other attributes: wait until it is hidden
    page.locator("#notification-count").wait_for(state="hidden")
    assert not page.locator("#notification-count").is_visible()
    assert chen.notifications.filter(read_at__isnull=True).count() == 0
