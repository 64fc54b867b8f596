"""Reminders of lapsed key contacts: the responsible person is told once per due date, in their own local
day; logging a contact moves the date on; handing the contact to someone else tells them at once.

At NOW (2026-11-20 17:30 UTC) it is already 21 November in Hong Kong but still 20 November in Vancouver."""

import datetime

import pytest

from qiao.core.context import acting
from qiao.notifications import scan as reminders
from qiao.notifications.models import Notification, NotificationKind
from qiao.relations import services
from qiao.relations.models import KeyContact

UTC = datetime.UTC
NOW = datetime.datetime(2026, 11, 20, 17, 30, tzinfo=UTC)
D = datetime.date


@pytest.fixture(autouse=True)
def _reminder_settings(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.QIAO_REMINDER_SOON_DAYS = 3
    settings.QIAO_EMAIL_ENABLED = False


@pytest.fixture
def person(network, make_person):
    return make_person(network["a"], "陳大文")


def _key_contact(network, user, person, due):
    contact = services.mark_key_contact(
        user, unit=network["a"], person=person, responsible=user, cadence_days=30, since=D(2026, 1, 1)
    )
    KeyContact.objects.filter(pk=contact.pk).update(due_on=due)
    return contact


def _contact_notices(user):
    return list(Notification.objects.filter(user=user, key__startswith="contact:"))


def test_a_lapsed_key_contact_reminds_its_responsible_person_once(network, make_user, person):
    staff = make_user("staff-hk", network["a"], "staff", time_zone="Asia/Hong_Kong")
    contact = _key_contact(network, staff, person, D(2026, 11, 20))  # due yesterday in Hong Kong
    reminders.scan(NOW)
    reminders.scan(NOW)
    (notice,) = _contact_notices(staff)
    assert notice.kind == NotificationKind.OVERDUE
    assert notice.url == contact.get_absolute_url()
    assert notice.subject == "陳大文"
    assert "陳大文" in notice.text() and "2026-11-20" in notice.text()


def test_the_lapse_is_in_the_responsible_persons_own_day(network, make_user, person):
    staff = make_user("staff-van", network["a"], "staff", time_zone="America/Vancouver")
    _key_contact(network, staff, person, D(2026, 11, 20))  # due today in Vancouver: not yet lapsed
    reminders.scan(NOW)
    assert _contact_notices(staff) == []


def test_a_contact_logged_moves_the_date_on_and_the_next_lapse_reminds_again(network, make_user, person):
    staff = make_user("staff-hk", network["a"], "staff", time_zone="Asia/Hong_Kong")
    contact = _key_contact(network, staff, person, D(2026, 11, 1))
    reminders.scan(NOW)
    assert len(_contact_notices(staff)) == 1
    services.log_interaction(
        staff,
        unit=network["a"],
        kind="call",
        occurred_at=datetime.datetime(2026, 11, 15, 10, tzinfo=UTC),
        summary="电话联系",
        people=[person],
        organizations=[],
    )
    contact.refresh_from_db()
    assert contact.due_on == D(2026, 12, 15)
    reminders.scan(NOW)
    assert len(_contact_notices(staff)) == 1  # nothing new: the contact is not due
    KeyContact.objects.filter(pk=contact.pk).update(due_on=D(2026, 11, 19))
    reminders.scan(NOW)
    assert len(_contact_notices(staff)) == 2


def test_ended_key_contacts_and_those_the_person_cannot_see_are_not_reminded(network, make_user, person):
    staff = make_user("staff-hk", network["a"], "staff", time_zone="Asia/Hong_Kong")
    contact = _key_contact(network, staff, person, D(2026, 11, 1))
    services.end_key_contact(staff, contact, on=D(2026, 11, 2))
    reminders.scan(NOW)
    assert _contact_notices(staff) == []


def test_handing_a_key_contact_to_someone_tells_them_at_once(network, make_user, person):
    staff = make_user("staff-hk", network["a"], "staff", time_zone="Asia/Hong_Kong")
    colleague = make_user("staff-a2", network["a"], "staff")
    contact = services.mark_key_contact(
        staff, unit=network["a"], person=person, responsible=staff, cadence_days=30, since=D(2026, 11, 1)
    )
    with acting(user=staff):
        services.reassign(staff, contact, colleague)
    (notice,) = Notification.objects.filter(user=colleague)
    assert notice.kind == NotificationKind.ASSIGNED and notice.about == "contact"
    assert notice.read_at is None
    assert "陳大文" in notice.text() and "2026-12-01" in notice.text()


def test_the_home_page_lists_follow_ups_of_contacts_one_logged_or_took_part_in(network, make_user, person, client):
    from qiao.relations.templatetags.relations import LIMIT

    staff = make_user("staff-hk", network["a"], "staff", time_zone="Asia/Hong_Kong")
    colleague = make_user("staff-a2", network["a"], "staff")
    logged, with_me, other = (
        services.log_interaction(
            who,
            unit=network["a"],
            kind="visit",
            occurred_at=datetime.datetime(2026, 11, 1, 10, tzinfo=UTC),
            summary="走访",
            people=[person],
            organizations=[],
            staff=staff_list,
            follow_up="回访",
            follow_up_on=D(2026, 11, 5),
        )  # fmt: skip
        for who, staff_list in ((staff, None), (colleague, [colleague, staff]), (colleague, [colleague]))
    )
    due = services.follow_ups_due(staff, D(2026, 11, 24), first=LIMIT + 1)
    assert set(due) == {logged, with_me}
    assert set(services.follow_ups_due(staff, D(2026, 11, 24))) == {logged, with_me}
    client.force_login(staff)
    html = client.get("/").content.decode()
    assert f'data-follow-up="{with_me.pk}"' in html and f'data-follow-up="{other.pk}"' not in html
