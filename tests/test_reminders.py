"""Reminders of overdue and soon-due cases and tasks: who is told what, in whose local day, and only once.

The scan is run at fixed instants. At NOW (2026-11-20 17:30 UTC) it is already 21 November in Shanghai
and Hong Kong (UTC+8) but still the morning of 20 November in Vancouver (UTC−8)."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from qiao.core.context import acting
from qiao.notifications import scan as reminders
from qiao.notifications.models import Notification, NotificationKind

UTC = datetime.UTC
NOW = datetime.datetime(2026, 11, 20, 17, 30, tzinfo=UTC)
TODAY = datetime.date(2026, 11, 21)  # in Shanghai and Hong Kong, the server's zone
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _reminder_settings(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.QIAO_REMINDER_SOON_DAYS = 3
    settings.QIAO_EMAIL_ENABLED = False


@pytest.fixture
def org(network, make_org):
    return make_org(network["a"], "惠州新能源科技有限公司")


@pytest.fixture
def new_case(network, org):
    from qiao.ledger.models import Case

    def make(owner=None, due=None, unit=None, title="环评审批", status="open", **fields):
        return Case.objects.create(
            unit=unit or network["a"],
            organization=org,
            category="approvals",
            title=title,
            raised_on=datetime.date(2026, 1, 5),
            owner=owner,
            due_date=due,
            status=status,
            **fields,
        )

    return make


@pytest.fixture
def new_task(new_case):
    from qiao.ledger.models import CaseTask

    def make(assignee=None, due=None, case=None, title="补交环评材料", **fields):
        return CaseTask.objects.create(case=case or new_case(), title=title, assignee=assignee, due_date=due, **fields)

    return make


def notices(user, kind=None):
    found = Notification.objects.filter(user=user)
    if kind:
        found = found.filter(kind=kind)
    return sorted(found.values_list("key", flat=True))


def reminders_of(user):
    """The overdue and due-soon keys of a user (assignments and digests aside)."""
    return notices(user, NotificationKind.OVERDUE) + notices(user, NotificationKind.DUE_SOON)


# ---------------------------------------------------------------------------------------------------------
# Due-date edges


def test_a_task_due_today_is_due_soon_not_overdue(network, make_user, new_task):
    chen = make_user("chen", network["a"], "staff")
    task = new_task(assignee=chen, due=TODAY)
    reminders.scan(now=NOW)
    assert reminders_of(chen) == [f"task:{task.pk}:soon:{TODAY}"]


def test_a_task_due_yesterday_is_overdue(network, make_user, new_task):
    chen = make_user("chen", network["a"], "staff")
    task = new_task(assignee=chen, due=TODAY - DAY)
    reminders.scan(now=NOW)
    assert reminders_of(chen) == [f"task:{task.pk}:overdue:{TODAY - DAY}"]
    note = Notification.objects.get(user=chen, kind="overdue")
    assert note.subject == "补交环评材料" and note.due_date == TODAY - DAY
    assert note.text() == f"Task “补交环评材料” is overdue (due {TODAY - DAY})"


def test_the_soon_window_runs_from_today_to_three_days_later(network, make_user, new_task):
    chen = make_user("chen", network["a"], "staff")
    last = new_task(assignee=chen, due=TODAY + 3 * DAY, title="last day of the window")
    new_task(assignee=chen, due=TODAY + 4 * DAY, title="beyond it")
    new_task(assignee=chen, title="no due date")
    reminders.scan(now=NOW)
    assert reminders_of(chen) == [f"task:{last.pk}:soon:{TODAY + 3 * DAY}"]


def test_the_soon_window_follows_the_setting(settings, network, make_user, new_task):
    settings.QIAO_REMINDER_SOON_DAYS = 0
    chen = make_user("chen", network["a"], "staff")
    today = new_task(assignee=chen, due=TODAY)
    new_task(assignee=chen, due=TODAY + DAY)
    reminders.scan(now=NOW)
    assert reminders_of(chen) == [f"task:{today.pk}:soon:{TODAY}"]


def test_cases_are_reminded_to_their_owner(network, make_user, new_case):
    chen = make_user("chen", network["a"], "staff")
    late = new_case(owner=chen, due=TODAY - 2 * DAY, title="用地指标")
    soon = new_case(owner=chen, due=TODAY + DAY, status="in_progress", title="融资对接")
    new_case(owner=chen, title="no due date")
    new_case(owner=None, due=TODAY - DAY, title="nobody's")
    reminders.scan(now=NOW)
    assert reminders_of(chen) == sorted(
        [f"case:{late.pk}:overdue:{TODAY - 2 * DAY}", f"case:{soon.pk}:soon:{TODAY + DAY}"]
    )
    assert Notification.objects.get(user=chen, key__startswith=f"case:{late.pk}").text() == (
        f"Case “用地指标” is overdue (due {TODAY - 2 * DAY})"
    )


def test_a_task_without_assignee_reminds_the_case_owner(network, make_user, new_case, new_task):
    owner = make_user("owner", network["a"], "staff")
    task = new_task(case=new_case(owner=owner), due=TODAY - DAY)
    reminders.scan(now=NOW)
    assert f"task:{task.pk}:overdue:{TODAY - DAY}" in reminders_of(owner)


def test_the_notification_links_to_the_task_on_its_case(network, make_user, new_task):
    chen = make_user("chen", network["a"], "staff")
    task = new_task(assignee=chen, due=TODAY - DAY)
    reminders.scan(now=NOW)
    assert Notification.objects.get(user=chen, kind="overdue").url == task.get_absolute_url()


# ---------------------------------------------------------------------------------------------------------
# Time zones


def test_each_person_is_reminded_in_their_own_day(network, make_user, new_task):
    shanghai = make_user("shanghai", network["a"], "staff", time_zone="Asia/Shanghai")
    hong_kong = make_user("hongkong", network["a"], "staff", time_zone="Asia/Hong_Kong")
    vancouver = make_user("vancouver", network["a"], "staff", time_zone="America/Vancouver")
    server = make_user("server", network["a"], "staff")  # no zone chosen: the server's (Shanghai)
    due = datetime.date(2026, 11, 20)  # yesterday in Shanghai and Hong Kong, today in Vancouver
    tasks = {user: new_task(assignee=user, due=due) for user in (shanghai, hong_kong, vancouver, server)}
    reminders.scan(now=NOW)
    for user in (shanghai, hong_kong, server):
        assert reminders_of(user) == [f"task:{tasks[user].pk}:overdue:{due}"], user
    assert reminders_of(vancouver) == [f"task:{tasks[vancouver].pk}:soon:{due}"]

    # an hour after Vancouver's midnight the same task is overdue there too, and reminded again as such
    reminders.scan(now=datetime.datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    assert reminders_of(vancouver) == sorted(
        [f"task:{tasks[vancouver].pk}:overdue:{due}", f"task:{tasks[vancouver].pk}:soon:{due}"]
    )


def test_the_soon_window_ends_in_the_persons_own_day(network, make_user, new_case):
    hong_kong = make_user("hongkong", network["a"], "staff", time_zone="Asia/Hong_Kong")
    vancouver = make_user("vancouver", network["a"], "staff", time_zone="America/Vancouver")
    far = datetime.date(2026, 11, 24)  # 3 days after 21 November (Hong Kong), 4 after 20 November (Vancouver)
    in_hong_kong = new_case(owner=hong_kong, due=far)
    new_case(owner=vancouver, due=far)
    reminders.scan(now=NOW)
    assert reminders_of(hong_kong) == [f"case:{in_hong_kong.pk}:soon:{far}"]
    assert reminders_of(vancouver) == []


def test_people_without_a_zone_follow_the_servers(settings, network, make_user, new_task):
    settings.TIME_ZONE = "America/Vancouver"
    chen = make_user("chen", network["a"], "staff")
    task = new_task(assignee=chen, due=datetime.date(2026, 11, 20))
    reminders.scan(now=NOW)
    assert reminders_of(chen) == [f"task:{task.pk}:soon:2026-11-20"]


# ---------------------------------------------------------------------------------------------------------
# Once, and what never reminds


def test_scanning_again_sends_nothing_twice(network, make_user, new_task, new_case):
    chen = make_user("chen", network["a"], "staff")
    new_task(assignee=chen, due=TODAY - DAY)
    new_task(assignee=chen, due=TODAY + DAY)
    new_case(owner=chen, due=TODAY - DAY)
    first = reminders.scan(now=NOW)
    assert (first["overdue"], first["due_soon"]) == (2, 1)
    count = Notification.objects.count()
    again = reminders.scan(now=NOW + datetime.timedelta(minutes=15))
    assert (again["overdue"], again["due_soon"], again["assigned"], again["digests"]) == (0, 0, 0, 0)
    assert Notification.objects.count() == count


def test_a_changed_due_date_reminds_again(network, make_user, new_task):
    chen = make_user("chen", network["a"], "staff")
    task = new_task(assignee=chen, due=TODAY - DAY)
    reminders.scan(now=NOW)
    task.due_date = TODAY - 3 * DAY  # a correction: it was due even earlier
    task.save()
    reminders.scan(now=NOW)
    assert reminders_of(chen) == sorted(
        [f"task:{task.pk}:overdue:{TODAY - DAY}", f"task:{task.pk}:overdue:{TODAY - 3 * DAY}"]
    )


def test_done_tasks_and_finished_or_deleted_cases_never_remind(network, make_user, new_case, new_task):
    chen = make_user("chen", network["a"], "staff")
    late = TODAY - DAY
    new_task(assignee=chen, due=late, done=True)
    for status in ("resolved", "closed", "cannot_resolve"):
        finished = new_case(owner=chen, due=late, status=status)
        new_task(assignee=chen, due=late, case=finished)
    deleted = new_case(owner=chen, due=late)
    new_task(assignee=chen, due=late, case=deleted)
    deleted.soft_delete(None)
    reminders.scan(now=NOW)
    assert Notification.objects.filter(user=chen).count() == 0


def test_inactive_people_are_not_reminded(network, make_user, new_task):
    gone = make_user("gone", network["a"], "staff", is_active=False)
    new_task(assignee=gone, due=TODAY - DAY)
    reminders.scan(now=NOW)
    assert not Notification.objects.filter(user=gone).exists()


def test_nobody_is_reminded_of_work_in_a_unit_they_cannot_see(network, make_user, new_task, new_case):
    outsider = make_user("outsider", network["b"], "staff")  # base B cannot see base A
    new_task(assignee=outsider, due=TODAY - DAY)
    new_case(owner=outsider, due=TODAY - DAY)
    above = make_user("above", network["centre"], "viewer")  # the centre sees every base
    in_office = new_task(assignee=above, due=TODAY - DAY, case=new_case(unit=network["a1"]))
    reminders.scan(now=NOW)
    assert not Notification.objects.filter(user=outsider).exists()
    assert reminders_of(above) == [f"task:{in_office.pk}:overdue:{TODAY - DAY}"]


# ---------------------------------------------------------------------------------------------------------
# Assignments


def test_reassignment_tells_the_new_owner_once_and_the_old_one_nothing_more(network, make_user, new_case):
    from qiao.core import services

    manager = make_user("manager", network["a"], "manager")
    old = make_user("old", network["a"], "staff")
    new = make_user("new", network["a"], "staff")
    case = new_case(owner=old, due=TODAY - DAY)
    reminders.scan(now=NOW)
    before = notices(old)
    assert f"case:{case.pk}:overdue:{TODAY - DAY}" in before

    with acting(user=manager, source="web"), services.writing():  # what the ledger's reassign does
        case.owner = new
        case.save()
    reminders.scan(now=NOW)
    assert notices(old) == before
    assert notices(new) == sorted([f"assigned:case:{case.pk}:{new.pk}", f"case:{case.pk}:overdue:{TODAY - DAY}"])
    assert Notification.objects.get(user=new, kind="assigned").text() == (
        f"Case “环评审批” is assigned to you (due {TODAY - DAY})"
    )

    reminders.scan(now=NOW + DAY)
    assert Notification.objects.filter(user=new, kind__in=["assigned", "overdue"]).count() == 2
    assert notices(old) == before


def test_a_reassignment_through_the_ledger_is_noticed(network, make_user, new_case):
    from qiao.ledger import services as ledger

    manager = make_user("manager", network["a"], "manager")
    old = make_user("old", network["a"], "staff")
    new = make_user("new", network["a"], "staff")
    case = new_case(owner=old, due=TODAY + 20 * DAY)
    reminders.scan(now=NOW)
    with acting(user=manager, source="web"):
        ledger.reassign(manager, case, new, note="换人跟进")
    reminders.scan(now=NOW)
    assert f"assigned:case:{case.pk}:{new.pk}" in notices(new, NotificationKind.ASSIGNED)
    assert not Notification.objects.filter(user=old, key__endswith=f":{new.pk}").exists()


def test_a_reassigned_task_reminds_its_new_assignee(network, make_user, new_task):
    old = make_user("old", network["a"], "staff")
    new = make_user("new", network["a"], "staff")
    task = new_task(assignee=old, due=TODAY + DAY)
    reminders.scan(now=NOW)
    task.assignee = new
    task.save()
    reminders.scan(now=NOW)
    assert notices(new) == sorted([f"assigned:task:{task.pk}:{new.pk}", f"task:{task.pk}:soon:{TODAY + DAY}"])
    assert reminders_of(old) == [f"task:{task.pk}:soon:{TODAY + DAY}"]


def test_notify_assigned_tells_at_once_and_only_once(network, make_user, new_case, new_task):
    manager = make_user("manager", network["a"], "manager")
    chen = make_user("chen", network["a"], "staff")
    task = new_task(assignee=chen, due=TODAY + 10 * DAY)
    with acting(user=manager):
        reminders.notify_assigned(chen, task)
        reminders.notify_assigned(chen, task)
    assert notices(chen) == [f"assigned:task:{task.pk}:{chen.pk}"]
    note = Notification.objects.get(user=chen)
    assert note.read_at is None and note.text() == f"Task “补交环评材料” is assigned to you (due {TODAY + 10 * DAY})"
    reminders.scan(now=NOW)
    assert notices(chen) == [f"assigned:task:{task.pk}:{chen.pk}"]


def test_taking_work_oneself_is_not_news(network, make_user, new_case):
    chen = make_user("chen", network["a"], "staff")
    case = new_case(owner=chen)
    with acting(user=chen):
        reminders.notify_assigned(chen, case)
    assert Notification.objects.get(user=chen).read_at is not None  # kept, read, so no scan sends it later
    reminders.scan(now=NOW)
    assert Notification.objects.filter(user=chen).count() == 1


def test_the_scan_does_not_tell_people_what_they_did_themselves(network, make_user, new_case):
    from qiao.core import services

    chen = make_user("chen", network["a"], "staff")
    with acting(user=chen, source="web"), services.writing():
        case = new_case(owner=chen, due=TODAY + 30 * DAY)
    reminders.scan(now=NOW)
    assert not Notification.objects.filter(user=chen, key=f"assigned:case:{case.pk}:{chen.pk}").exists()


def test_nothing_is_assigned_to_nobody_or_on_finished_work(network, make_user, new_case, new_task):
    chen = make_user("chen", network["a"], "staff")
    assert reminders.notify_assigned(None, new_case()) is None
    assert reminders.notify_assigned(chen, new_case(status="closed")) is None
    assert reminders.notify_assigned(chen, new_task(done=True)) is None
    outsider = make_user("outsider", network["b"], "staff")
    assert reminders.notify_assigned(outsider, new_case()) is None
    assert not Notification.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# Managers' digests


def test_managers_get_one_digest_a_day_per_unit(network, make_user, new_case, new_task):
    manager_a = make_user("manager-a", network["a"], "manager")
    admin = make_user("admin", network["centre"], "admin")
    manager_b = make_user("manager-b", network["b"], "manager")  # nothing overdue in base B
    staff = make_user("staff", network["a"], "staff")
    new_case(owner=staff, due=TODAY - DAY)
    new_task(assignee=staff, due=TODAY - 2 * DAY, case=new_case(unit=network["a1"]))  # below base A
    new_task(assignee=staff, due=TODAY + DAY)  # not overdue
    new_case(due=TODAY - DAY, unit=network["hk"], title="香港")  # the centre's, not base A's

    counts = reminders.scan(now=NOW)
    assert counts["digests"] == 2
    digest = Notification.objects.get(user=manager_a, kind="digest")
    assert (digest.key, digest.count, digest.subject) == (f"digest:{network['a'].pk}:{TODAY}", 2, "基地甲")
    assert digest.text() == "2 overdue cases and tasks in 基地甲"
    assert digest.url.endswith(f"?overdue=1&unit={network['a'].pk}")
    assert Notification.objects.get(user=admin, kind="digest").count == 3
    assert not Notification.objects.filter(user=manager_b, kind="digest").exists()
    assert not Notification.objects.filter(user=staff, kind="digest").exists()

    assert reminders.scan(now=NOW + datetime.timedelta(hours=2))["digests"] == 0  # the same local day
    assert reminders.scan(now=NOW + DAY)["digests"] == 2  # the next day


def test_a_managers_digest_is_of_their_own_day(network, make_user, new_case):
    manager = make_user("manager", network["a"], "manager", time_zone="America/Vancouver")
    new_case(due=datetime.date(2026, 11, 20))  # overdue in Shanghai, due today in Vancouver
    reminders.scan(now=NOW)
    assert not Notification.objects.filter(user=manager, kind="digest").exists()
    reminders.scan(now=datetime.datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    assert Notification.objects.get(user=manager, kind="digest").key == f"digest:{network['a'].pk}:2026-11-21"


def test_overdue_counts_roll_up_the_unit_tree():
    paths = {1: "0000000001.", 2: "0000000001.0000000002.", 3: "0000000001.0000000002.0000000003."}
    assert reminders.roll_up({2: 1, 3: 4}, paths) == {1: 5, 2: 5, 3: 4}


# ---------------------------------------------------------------------------------------------------------
# E-mail


@pytest.fixture
def email_on(settings):
    settings.QIAO_EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.QIAO_SITE_URL = "https://qiao.example.org"


def test_one_email_per_person_with_their_new_reminders_and_never_twice(email_on, network, make_user, new_task):
    chen = make_user("chen", network["a"], "staff", email="chen@example.org", language="en")
    new_task(assignee=chen, due=TODAY - DAY, title="补交环评材料")
    new_task(assignee=chen, due=TODAY + DAY, title="预约现场核查")
    quiet = make_user("quiet", network["a"], "staff")  # no address
    new_task(assignee=quiet, due=TODAY - DAY)

    assert reminders.scan(now=NOW)["emails"] == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["chen@example.org"]
    assert "reminders" in message.subject
    assert f"Task “补交环评材料” is overdue (due {TODAY - DAY})" in message.body
    assert f"Task “预约现场核查” is due on {TODAY + DAY}" in message.body
    assert "https://qiao.example.org/notifications/" in message.body
    assert not Notification.objects.filter(user=chen, emailed_at__isnull=True).exists()

    reminders.scan(now=NOW + datetime.timedelta(minutes=15))
    assert len(mail.outbox) == 1


def test_the_email_is_in_the_persons_language(email_on, network, make_user, new_task):
    from django.utils import translation

    chen = make_user("chen", network["a"], "staff", email="chen@example.org", language="zh-hant")
    new_task(assignee=chen, due=TODAY - DAY)
    languages = []
    real = Notification.text

    def spy(self):
        languages.append(translation.get_language())
        return real(self)

    Notification.text = spy
    try:
        reminders.scan(now=NOW)
    finally:
        Notification.text = real
    assert languages and set(languages) == {"zh-hant"}
    assert len(mail.outbox) == 1


def test_no_email_when_email_is_not_configured(network, make_user, new_task):
    chen = make_user("chen", network["a"], "staff", email="chen@example.org")
    new_task(assignee=chen, due=TODAY - DAY)
    assert reminders.scan(now=NOW)["emails"] == 0
    assert mail.outbox == []


def test_an_email_that_fails_is_sent_after_the_next_scan(email_on, settings, network, make_user, new_task):
    chen = make_user("chen", network["a"], "staff", email="chen@example.org")
    new_task(assignee=chen, due=TODAY - DAY)
    settings.EMAIL_BACKEND = "tests.test_reminders.FailingBackend"
    assert reminders.scan(now=NOW)["emails"] == 0
    assert not Notification.objects.filter(user=chen, emailed_at__isnull=False).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.scan(now=NOW)["emails"] == 1
    assert len(mail.outbox) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("the mail server is away")


# ---------------------------------------------------------------------------------------------------------
# Running it


def test_the_command_and_the_background_task_scan(network, make_user, new_task, caplog):
    from qiao.notifications.tasks import scan_reminders

    chen = make_user("chen", network["a"], "staff")
    new_task(assignee=chen, due=datetime.date.today() - 3 * DAY)
    with caplog.at_level("INFO", logger="qiao.reminders"):
        call_command("reminders")
    assert Notification.objects.filter(user=chen, kind="overdue").count() == 1
    assert any("1 overdue" in record.getMessage() and " s" in record.getMessage() for record in caplog.records)
    result = scan_reminders.enqueue()
    assert result.return_value["overdue"] == 0


def test_the_command_refuses_a_nonsense_interval(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--every"):
        call_command("reminders", "--loop", "--every", "0")
