"""Reminders: overdue and soon-due cases and tasks, found in set-based SQL and notified once.

Who is reminded of what:

- an undone task of an active (open or in progress), live case: its assignee, or the case's owner when
  the task has none;
- an active, live case with a due date: its owner;
- "overdue" means the due date is before the recipient's local today, "due soon" that it falls from
  that today up to QIAO_REMINDER_SOON_DAYS days later (days.py): a task due today is due soon, not overdue;
- an active key contact (qiao/relations) whose next contact was due before its responsible person's local
  today: that person, once per due date (logging a contact moves the date on, so the next lapse reminds
  again); a key contact handed to someone else: "now your key contact", at once (`notify_assigned`);
- managers and administrators of a unit: one digest a local day with the number of overdue cases and
  tasks in the unit and the units below it, when there are any;
- whoever a case or task is assigned to: "assigned to you", once per item and person (`notify_assigned`,
  called by the ledger's services at once; the scan catches assignments made without it).

A recipient is reminded only of work in a unit they may see (a membership there or above, or superuser).

Each notification has a key unique per user (task:<id>:overdue:<due date>, case:<id>:soon:<due date>,
assigned:task:<id>:<user id>, digest:<unit id>:<local date>), and every write is an INSERT … ON CONFLICT
DO NOTHING: scanning again sends nothing twice, a changed due date reminds again, and a reassigned item
reminds its new owner (the key is the same, the user is not) and never the old one again.

Cost: every statement reads the cases and tasks through the indexes on (status, due_date) and (done,
due_date), within the widest window of all time zones' dates; the comparison with each recipient's
own date is a CASE over their time_zone column (one branch per date other than the server's). The
number of statements does not depend on the data: five for reminders, two for assignments, two counts
for the digests, and then one e-mail per person with something new when e-mail is configured.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from qiao.core import context
from qiao.core.models import ChangeRecord, Membership, Unit, User
from qiao.core.roles import Role
from qiao.ledger import services as ledger
from qiao.ledger.models import ACTIVE_STATUSES, Case, CaseTask
from qiao.orgs.models import Organization
from qiao.people.models import Person
from qiao.relations.models import KeyContact

from . import mail
from .attention import list_url, url_of
from .days import Days, soon_days
from .models import Notification, NotificationKind

log = logging.getLogger("qiao.reminders")

LAST_SCAN_KEY = "qiao:reminders:last-scan"
ASSIGNED_LOOKBACK = timedelta(days=1)  # how far back the first scan looks for assignments made without notice
ASSIGNED_MARGIN = timedelta(minutes=10)  # writes committed late carry an earlier `updated`
SENTINEL = 987654321  # stands for an id in a reversed URL, split around it to build URLs in SQL
MANAGER_ROLES = [Role.MANAGER, Role.ADMIN]


def scan(now: datetime | None = None) -> dict:
    """Create the notifications due at `now` (default: this instant) and send the e-mails; return counts."""
    started = time.monotonic()
    clock = timezone.now()
    now = now or clock
    days = Days.at(now)
    since = _assigned_since(clock)
    counts = {
        "overdue": _insert(_task_reminders(days, True, clock))
        + _insert(_case_reminders(days, True, clock))
        + _insert(_key_contact_reminders(days, clock)),
        "due_soon": _insert(_task_reminders(days, False, clock)) + _insert(_case_reminders(days, False, clock)),
        "assigned": _insert(_task_assignments(since, clock)) + _insert(_case_assignments(since, clock)),
        "digests": _digests(days, clock),
    }
    counts["emails"] = mail.send_new(clock) if settings.QIAO_EMAIL_ENABLED else 0
    cache.set(LAST_SCAN_KEY, clock.isoformat(), None)
    counts["seconds"] = round(time.monotonic() - started, 3)
    log.info(
        "reminders: %(overdue)d overdue, %(due_soon)d due soon, %(assigned)d assigned, %(digests)d digests, "
        "%(emails)d e-mails in %(seconds).2f s",
        counts,
    )
    return counts


def notify_assigned(user, obj) -> Notification | None:
    """Tell `user` that `obj` (a Case, a CaseTask or a key contact) is now theirs, once per item and
    person. Call it in the transaction that assigns. Nothing is sent for a closed or deleted case, a done
    task, an ended key contact, a user who cannot see it, or nobody; someone who takes the work
    themselves is not told, but the notice is kept as read so that no scan sends it later."""
    if user is None or not user.is_active:
        return None
    if isinstance(obj, KeyContact):
        return _notify_key_contact(user, obj)
    task = obj if isinstance(obj, CaseTask) else None
    case = task.case if task is not None else obj
    if case.status not in ACTIVE_STATUSES or case.deleted_at is not None or (task is not None and task.done):
        return None
    if not Case.objects.restrict(user, "view").filter(pk=case.pk).exists():
        return None
    kind = "task" if task is not None else "case"
    now = timezone.now()
    notification = Notification(
        user=user,
        kind=NotificationKind.ASSIGNED,
        key=f"assigned:{kind}:{obj.pk}:{user.pk}",
        subject=obj.title[:300],
        due_date=obj.due_date,
        url=url_of(obj),
        created=now,
        read_at=now if context.current().user_id == user.pk else None,
    )
    Notification.objects.bulk_create([notification], ignore_conflicts=True)
    return notification


def _notify_key_contact(user, key_contact: KeyContact) -> Notification | None:
    if key_contact.ended_on is not None:
        return None
    if not KeyContact.objects.restrict(user, "view").filter(pk=key_contact.pk).exists():
        return None
    now = timezone.now()
    notification = Notification(
        user=user,
        kind=NotificationKind.ASSIGNED,
        key=f"assigned:contact:{key_contact.pk}:{user.pk}",
        subject=str(key_contact)[:300],
        due_date=key_contact.due_on,
        url=url_of(key_contact),
        created=now,
        read_at=now if context.current().user_id == user.pk else None,
    )
    Notification.objects.bulk_create([notification], ignore_conflicts=True)
    return notification


# ---------------------------------------------------------------------------------------------------------
# The statements


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _text(expression: str) -> str:
    return f"CAST({expression} AS TEXT)"


def _moment(value: datetime):
    """A datetime as the ORM writes it (SQLite: naive UTC text), for the raw statements' parameters."""
    return connection.ops.adapt_datetimefield_value(value)


def _date_text(expression: str) -> str:
    """A date as YYYY-MM-DD whatever the server's DateStyle (SQLite stores dates so)."""
    return f"to_char({expression}, 'YYYY-MM-DD')" if connection.vendor == "postgresql" else expression


def _url_parts(name: str) -> tuple[str, str]:
    """The text before and after the id in the URL called `name`."""
    try:
        before, _sep, after = reverse(name, args=[SENTINEL]).partition(str(SENTINEL))
    except NoReverseMatch:
        return "", ""
    return before, after


def _case_url_sql(case_id: str, suffix_sql: str = "", suffix_params=()) -> tuple[str, list]:
    before, after = _url_parts("ledger:case")
    if not before:
        return "%s", [""]
    return f"%s || {_text(case_id)} || %s{suffix_sql}", [before, after, *suffix_params]


def _visible(user: str, unit: str) -> str:
    """SQL: the user may see records of the unit (a membership there or above it, or superuser)."""
    membership, units = _q(Membership._meta.db_table), _q(Unit._meta.db_table)
    return (
        f"({user}.is_superuser OR EXISTS (SELECT 1 FROM {membership} m JOIN {units} mu ON mu.id = m.unit_id "
        f"WHERE m.user_id = {user}.id AND substr({unit}.path, 1, length(mu.path)) = mu.path))"
    )


COLUMNS = ("user_id", "kind", "key", "subject", "due_date", "url", "created")


def _insert(statement: tuple[str, list]) -> int:
    """Run an INSERT … SELECT … ON CONFLICT DO NOTHING; the number of notifications it created."""
    select, params = statement
    columns = ", ".join(_q(c) for c in COLUMNS)
    sql = f"INSERT INTO {_q(Notification._meta.db_table)} ({columns}) {select} ON CONFLICT DO NOTHING"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _tables() -> dict[str, str]:
    return {
        "task": _q(CaseTask._meta.db_table),
        "case": _q(Case._meta.db_table),
        "unit": _q(Unit._meta.db_table),
        "user": _q(User._meta.db_table),
        "change": _q(ChangeRecord._meta.db_table),
    }


def _window(column: str, days: Days, overdue: bool) -> tuple[str, list]:
    """SQL: the due date in `column` is overdue (or due soon) for user `u`. The outer bounds hold for
    every time zone, so the index on the due date reads only the widest window."""
    today, today_params = days.sql("u.time_zone")
    if overdue:
        return f"{column} < %s AND {column} < {today}", [days.latest, *today_params]
    until, until_params = days.sql("u.time_zone", shift=soon_days())
    return (
        f"{column} >= %s AND {column} <= %s AND {column} >= {today} AND {column} <= {until}",
        [days.earliest, days.latest + timedelta(days=soon_days()), *today_params, *until_params],
    )


def _task_reminders(days: Days, overdue: bool, created: datetime) -> tuple[str, list]:
    t = _tables()
    kind = NotificationKind.OVERDUE if overdue else NotificationKind.DUE_SOON
    window, window_params = _window("t.due_date", days, overdue)
    url, url_params = _case_url_sql("t.case_id", f" || %s || {_text('t.id')}", ["#task-"])
    sql = (
        f"SELECT u.id, %s, %s || {_text('t.id')} || %s || {_date_text('t.due_date')}, t.title, t.due_date, "
        f"{url}, %s "
        f"FROM {t['task']} t JOIN {t['case']} c ON c.id = t.case_id JOIN {t['unit']} cu ON cu.id = c.unit_id "
        f"JOIN {t['user']} u ON u.id = COALESCE(t.assignee_id, c.owner_id) "
        f"WHERE t.done = %s AND {window} AND c.status IN (%s, %s) AND c.deleted_at IS NULL AND u.is_active = %s "
        f"AND {_visible('u', 'cu')}"
    )
    params = [
        kind.value,
        "task:",
        ":overdue:" if overdue else ":soon:",
        *url_params,
        _moment(created),
        False,
        *window_params,
        *ACTIVE_STATUSES,
        True,
    ]
    return sql, params


def _case_reminders(days: Days, overdue: bool, created: datetime) -> tuple[str, list]:
    t = _tables()
    kind = NotificationKind.OVERDUE if overdue else NotificationKind.DUE_SOON
    window, window_params = _window("c.due_date", days, overdue)
    url, url_params = _case_url_sql("c.id")
    sql = (
        f"SELECT u.id, %s, %s || {_text('c.id')} || %s || {_date_text('c.due_date')}, c.title, c.due_date, "
        f"{url}, %s "
        f"FROM {t['case']} c JOIN {t['unit']} cu ON cu.id = c.unit_id JOIN {t['user']} u ON u.id = c.owner_id "
        f"WHERE c.status IN (%s, %s) AND {window} AND c.deleted_at IS NULL AND u.is_active = %s "
        f"AND {_visible('u', 'cu')}"
    )
    params = [
        kind.value,
        "case:",
        ":overdue:" if overdue else ":soon:",
        *url_params,
        _moment(created),
        *ACTIVE_STATUSES,
        *window_params,
        True,
    ]
    return sql, params


def _key_contact_reminders(days: Days, created: datetime) -> tuple[str, list]:
    """Key contacts whose cadence has lapsed (the next contact was due before the responsible person's
    local today): one reminder per key contact and due date; logging a contact moves the due date on."""
    t = _tables()
    window, window_params = _window("k.due_on", days, True)
    before, after = _url_parts("relations:key_contact")
    url, url_params = (f"%s || {_text('k.id')} || %s", [before, after]) if before else ("%s", [""])
    people, orgs = _q(Person._meta.db_table), _q(Organization._meta.db_table)
    sql = (
        f"SELECT u.id, %s, %s || {_text('k.id')} || %s || {_date_text('k.due_on')}, "
        f"COALESCE(p.name, o.name, ''), k.due_on, {url}, %s "
        f"FROM {_q(KeyContact._meta.db_table)} k JOIN {t['unit']} ku ON ku.id = k.unit_id "
        f"JOIN {t['user']} u ON u.id = k.responsible_id "
        f"LEFT JOIN {people} p ON p.id = k.person_id LEFT JOIN {orgs} o ON o.id = k.organization_id "
        f"WHERE k.ended_on IS NULL AND {window} AND u.is_active = %s AND {_visible('u', 'ku')}"
    )
    params = [NotificationKind.OVERDUE.value, "contact:", ":overdue:", *url_params, _moment(created)]
    return sql, [*params, *window_params, True]


def _assigned_since(clock: datetime) -> datetime:
    """Assignments made without notice are looked for among the items changed since the last scan."""
    last = cache.get(LAST_SCAN_KEY)
    try:
        since = datetime.fromisoformat(last) if last else clock - ASSIGNED_LOOKBACK
    except (TypeError, ValueError):
        since = clock - ASSIGNED_LOOKBACK
    return max(min(since, clock), clock - ASSIGNED_LOOKBACK * 7) - ASSIGNED_MARGIN


def _not_self(case: str) -> tuple[str, list]:
    """SQL: the last change to the case was not made by user `u` (who need not be told what they did)."""
    t = _tables()
    content_type = ContentType.objects.get_for_model(Case).pk
    return (
        f"COALESCE((SELECT cr.user_id FROM {t['change']} cr WHERE cr.content_type_id = %s "
        f"AND cr.object_id = {case}.id ORDER BY cr.time DESC LIMIT 1), 0) <> u.id",
        [content_type],
    )


def _task_assignments(since: datetime, created: datetime) -> tuple[str, list]:
    t = _tables()
    url, url_params = _case_url_sql("t.case_id", f" || %s || {_text('t.id')}", ["#task-"])
    not_self, not_self_params = _not_self("c")
    sql = (
        f"SELECT u.id, %s, %s || {_text('t.id')} || %s || {_text('u.id')}, t.title, t.due_date, {url}, %s "
        f"FROM {t['task']} t JOIN {t['case']} c ON c.id = t.case_id JOIN {t['unit']} cu ON cu.id = c.unit_id "
        f"JOIN {t['user']} u ON u.id = t.assignee_id "
        f"WHERE t.done = %s AND t.updated >= %s AND c.status IN (%s, %s) AND c.deleted_at IS NULL "
        f"AND u.is_active = %s AND {_visible('u', 'cu')} AND {not_self}"
    )
    params = [
        NotificationKind.ASSIGNED.value,
        "assigned:task:",
        ":",
        *url_params,
        _moment(created),
        False,
        _moment(since),
        *ACTIVE_STATUSES,
        True,
        *not_self_params,
    ]
    return sql, params


def _case_assignments(since: datetime, created: datetime) -> tuple[str, list]:
    t = _tables()
    url, url_params = _case_url_sql("c.id")
    not_self, not_self_params = _not_self("c")
    sql = (
        f"SELECT u.id, %s, %s || {_text('c.id')} || %s || {_text('u.id')}, c.title, c.due_date, {url}, %s "
        f"FROM {t['case']} c JOIN {t['unit']} cu ON cu.id = c.unit_id JOIN {t['user']} u ON u.id = c.owner_id "
        f"WHERE c.status IN (%s, %s) AND c.updated >= %s AND c.deleted_at IS NULL "
        f"AND u.is_active = %s AND {_visible('u', 'cu')} AND {not_self}"
    )
    params = [
        NotificationKind.ASSIGNED.value,
        "assigned:case:",
        ":",
        *url_params,
        _moment(created),
        *ACTIVE_STATUSES,
        _moment(since),
        True,
        *not_self_params,
    ]
    return sql, params


# ---------------------------------------------------------------------------------------------------------
# Managers' digests


def overdue_by_unit(dates) -> dict:
    """{date: {unit id: overdue cases and tasks of active, live cases owned by that very unit}} for each
    date given (overdue = due before it): two grouped counts, whatever the number of dates."""
    dates = sorted(set(dates))
    result = {day: {} for day in dates}
    if not dates:
        return result
    names = {day: f"before_{i}" for i, day in enumerate(dates)}
    cases = Case.objects.filter(ledger.overdue_q(dates[-1])).values("unit_id")  # the ledger lists' "overdue"
    tasks = CaseTask.objects.filter(ledger.task_overdue_q(dates[-1])).values("case__unit_id")
    for rows, unit_field in ((cases, "unit_id"), (tasks, "case__unit_id")):
        counted = rows.annotate(**{name: Count("pk", filter=Q(due_date__lt=day)) for day, name in names.items()})
        for row in counted.order_by():
            for day, name in names.items():
                if row[name]:
                    result[day][row[unit_field]] = result[day].get(row[unit_field], 0) + row[name]
    return result


def roll_up(counts: dict[int, int], paths: dict[int, str]) -> dict[int, int]:
    """Per-unit counts → counts of each unit's subtree (a unit's path lists its ancestors' ids)."""
    total: dict[int, int] = {}
    for unit_id, n in counts.items():
        for part in paths.get(unit_id, "").split("."):
            if part:
                total[int(part)] = total.get(int(part), 0) + n
    return total


def _digests(days: Days, created: datetime) -> int:
    managers = list(
        Membership.objects.filter(role__in=MANAGER_ROLES, user__is_active=True).values_list(
            "user_id", "user__time_zone", "unit_id", "unit__name"
        )
    )
    if not managers:
        return 0
    per_date = overdue_by_unit(days.of(tz) for _user, tz, _unit, _name in managers)
    if not any(per_date.values()):
        return 0
    paths = dict(Unit.objects.values_list("id", "path"))
    totals = {day: roll_up(counts, paths) for day, counts in per_date.items()}
    cases_url = list_url("ledger:case_list")
    wanted = []
    for user_id, tz, unit_id, unit_name in managers:
        day = days.of(tz)
        n = totals[day].get(unit_id, 0)
        if n:
            wanted.append(
                Notification(
                    user_id=user_id,
                    kind=NotificationKind.DIGEST,
                    key=f"digest:{unit_id}:{day.isoformat()}",
                    subject=unit_name[:300],
                    count=n,
                    url=f"{cases_url}?overdue=1&unit={unit_id}" if cases_url else "",
                    created=created,
                )
            )
    if not wanted:
        return 0
    have = set(
        Notification.objects.filter(
            user_id__in={n.user_id for n in wanted}, key__in={n.key for n in wanted}
        ).values_list("user_id", "key")
    )
    new = [n for n in wanted if (n.user_id, n.key) not in have]
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
