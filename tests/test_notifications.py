"""Notifications in the web UI and the API (each person reads only their own), the bell, the home page's
"Needs attention" panel, preferences and time zones, and the work shown on organisation and person pages."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from qiao.notifications.models import Notification, NotificationKind

TODAY = datetime.date(2026, 11, 21)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def staff(network, make_user):
    return make_user("chen", network["a"], "staff")


@pytest.fixture
def other(network, make_user):
    return make_user("lee", network["a"], "staff")


def notify(user, key="task:1:overdue:2026-11-20", kind=NotificationKind.OVERDUE, **fields):
    fields.setdefault("subject", "补交环评材料")
    fields.setdefault("due_date", datetime.date(2026, 11, 20))
    fields.setdefault("url", "/ledger/cases/1/#task-1")
    return Notification.objects.create(user=user, key=key, kind=kind, **fields)


@pytest.fixture
def web(client):
    def signed_in(user):
        client.force_login(user)
        return client

    return signed_in


# ---------------------------------------------------------------------------------------------------------
# What a notification says


def test_the_words_are_put_together_in_the_readers_language(staff):
    overdue = notify(staff)
    assert overdue.text() == "Task “补交环评材料” is overdue (due 2026-11-20)"
    soon = notify(staff, "case:3:soon:2026-11-22", NotificationKind.DUE_SOON, due_date=datetime.date(2026, 11, 22))
    assert soon.text() == "Case “补交环评材料” is due on 2026-11-22"
    assigned = notify(staff, f"assigned:case:3:{staff.pk}", NotificationKind.ASSIGNED, due_date=None)
    assert assigned.text() == "Case “补交环评材料” is assigned to you"
    digest = notify(staff, "digest:2:2026-11-21", NotificationKind.DIGEST, subject="基地甲", count=1, due_date=None)
    assert digest.text() == "1 overdue case or task in 基地甲"
    with translation.override("zh-hans"):
        assert "补交环评材料" in overdue.text() and "2026-11-20" in overdue.text()


# ---------------------------------------------------------------------------------------------------------
# The page


def test_the_list_shows_only_ones_own_newest_first_unread_in_bold(web, staff, other):
    old = notify(staff, "task:1:overdue:2026-11-19", created=timezone.now() - DAY, read_at=timezone.now())
    new = notify(staff, "task:2:overdue:2026-11-20", subject="预约现场核查")
    notify(other, "task:3:overdue:2026-11-20", subject="别人的任务")
    page = web(staff).get(reverse("notifications:list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "别人的任务" not in html
    assert html.index(f'id="notification-{new.pk}"') < html.index(f'id="notification-{old.pk}"')
    assert f'fw-bold" id="notification-{new.pk}"' in html
    assert f'fw-bold" id="notification-{old.pk}"' not in html
    unread = web(staff).get(reverse("notifications:list"), {"unread": "true"}).content.decode()
    assert f"notification-{new.pk}" in unread and f"notification-{old.pk}" not in unread


def test_marking_one_read_with_htmx_swaps_the_row_and_the_bell(web, staff):
    first, second = notify(staff, "a"), notify(staff, "b")
    response = web(staff).post(reverse("notifications:read", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{first.pk}"' in html and "fw-bold" not in html
    assert 'id="notification-count"' in html and 'hx-swap-oob="true"' in html and 'data-count="1"' in html
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_marking_all_read(web, staff, other):
    notify(staff, "a"), notify(staff, "b")
    theirs = notify(other, "c")
    response = web(staff).post(reverse("notifications:read_all"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-count="0"' in response.content.decode()
    assert not Notification.objects.unread(staff).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    plain = web(staff).post(reverse("notifications:read_all"), {"next": "https://evil.example/"})
    assert plain.status_code == 302 and plain.url == reverse("notifications:list")


def test_nobody_reads_or_marks_anyone_elses(web, staff, other):
    theirs = notify(other)
    client = web(staff)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_following_a_notification_marks_it_read_and_leads_to_the_item(web, staff):
    note = notify(staff, url="/ledger/cases/7/#task-9")
    response = web(staff).get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response.url == "/ledger/cases/7/#task-9"
    note.refresh_from_db()
    assert note.read_at is not None
    elsewhere = notify(staff, "x", url="https://evil.example/")
    assert web(staff).get(reverse("notifications:open", args=[elsewhere.pk])).url == reverse("notifications:list")


def test_the_page_needs_signing_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/login/" in response.url


def test_the_bell_shows_the_unread_count(web, staff):
    notify(staff, "a"), notify(staff, "b"), notify(staff, "c", read_at=timezone.now())
    html = web(staff).get(reverse("notifications:list")).content.decode()
    assert 'id="nav-notifications"' in html
    assert 'id="notification-count" class="badge rounded-pill text-bg-danger align-text-top"' in html
    assert 'data-count="2"' in html


# ---------------------------------------------------------------------------------------------------------
# The API


def test_the_api_lists_the_callers_own_only(api, staff, other):
    mine = notify(staff, "task:1:overdue:2026-11-20")
    theirs = notify(other, "task:1:overdue:2026-11-20")
    response = api(staff).get("/api/notifications/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert rows[0]["text"] == "Task “补交环评材料” is overdue (due 2026-11-20)"
    assert rows[0]["read"] is False and rows[0]["about"] == "task"
    assert api(staff).get(f"/api/notifications/{theirs.pk}/").status_code == 404
    assert api(staff).post(f"/api/notifications/{theirs.pk}/read/").status_code == 404


def test_the_api_marks_read(api, network, make_user):
    viewer = make_user("viewer", network["a"], "viewer")  # reading one's own needs no role that writes
    first, second = notify(viewer, "a"), notify(viewer, "b")
    client = api(viewer)
    response = client.post(f"/api/notifications/{first.pk}/read/")
    assert response.status_code == 200 and response.json()["read"] is True
    assert [row["id"] for row in client.get("/api/notifications/?unread=true").json()["results"]] == [second.pk]
    assert client.post("/api/notifications/read-all/").json() == {"marked": 1}
    assert client.get("/api/notifications/?unread=true").json()["results"] == []


def test_the_api_answers_only_signed_in_callers(db, client):
    assert client.get("/api/notifications/").status_code in (401, 403)


def test_the_api_is_read_only_apart_from_marking(api, staff):
    note = notify(staff)
    client = api(staff)
    assert client.delete(f"/api/notifications/{note.pk}/").status_code == 405
    assert client.patch(f"/api/notifications/{note.pk}/", {"subject": "x"}, format="json").status_code == 405
    assert client.post("/api/notifications/", {"subject": "x"}, format="json").status_code == 405


# ---------------------------------------------------------------------------------------------------------
# The home page


@pytest.fixture
def ledger(network, make_org):
    from qiao.ledger.models import Case, CaseTask

    org = make_org(network["a"], "惠州新能源科技有限公司")

    class Ledger:
        @staticmethod
        def case(owner=None, due=None, unit=None, title="环评审批", status="open"):
            return Case.objects.create(
                unit=unit or network["a"],
                organization=org,
                category="approvals",
                title=title,
                raised_on=datetime.date(2026, 1, 5),
                owner=owner,
                due_date=due,
                status=status,
            )

        @classmethod
        def task(cls, assignee=None, due=None, case=None, title="补交环评材料", done=False):
            return CaseTask.objects.create(
                case=case or cls.case(), title=title, assignee=assignee, due_date=due, done=done
            )

    Ledger.org = org
    return Ledger


def test_the_home_page_shows_what_needs_my_attention(web, staff, other, ledger):
    today = timezone.localdate()
    late = ledger.task(assignee=staff, due=today - DAY, title="补交环评材料")
    soon = ledger.case(owner=staff, due=today + DAY, title="融资对接")
    unassigned = ledger.task(case=ledger.case(owner=staff), due=today, title="无人认领的任务")
    ledger.task(assignee=staff, due=today + 10 * DAY, title="很久以后")
    ledger.task(assignee=staff, due=today - DAY, title="已完成", done=True)
    ledger.task(assignee=other, due=today - DAY, title="别人的任务")
    ledger.task(assignee=staff, due=today - DAY, case=ledger.case(status="closed"), title="已结案")
    html = web(staff).get("/").content.decode()
    assert 'id="needs-attention"' in html
    for item in ("补交环评材料", "融资对接", "无人认领的任务"):
        assert item in html
    for item in ("很久以后", "已完成", "别人的任务", "已结案"):
        assert item not in html
    assert f'data-attention="task-{late.pk}"' in html and late.get_absolute_url() in html
    assert f'data-attention="case-{soon.pk}"' in html and soon.get_absolute_url() in html
    assert f'data-attention="task-{unassigned.pk}"' in html
    assert html.index("补交环评材料") < html.index("无人认领的任务") < html.index("融资对接")  # by due date
    assert "Welcome" in html and 'data-count="people"' in html  # the home page as it was is still there


def test_the_home_page_is_in_my_own_day(web, network, make_user, ledger):
    now = timezone.now()
    vancouver = make_user("van", network["a"], "staff", time_zone="America/Vancouver")
    from qiao.notifications.days import local_today

    mine = ledger.task(assignee=vancouver, due=local_today(vancouver, now) - DAY, title="温哥华逾期")
    html = web(vancouver).get("/").content.decode()
    assert f'data-attention="task-{mine.pk}"' in html


def test_managers_see_the_overdue_counts_of_their_units(web, network, make_user, staff, ledger):
    manager = make_user("manager", network["a"], "manager")
    today = timezone.localdate()
    ledger.case(owner=staff, due=today - DAY)
    ledger.case(owner=staff, due=today - 2 * DAY, unit=network["a1"])
    ledger.task(assignee=staff, due=today - DAY)
    ledger.case(due=today - DAY, unit=network["b"])  # another base
    html = web(manager).get("/").content.decode()
    unit = network["a"].pk
    assert f'data-managed-unit="{unit}"' in html
    assert f'href="/ledger/cases/?overdue=1&amp;unit={unit}" data-overdue="cases">2 overdue cases' in html
    assert f'href="/ledger/tasks/?overdue=1&amp;unit={unit}" data-overdue="tasks">1 overdue task' in html
    assert "data-managed-unit" not in web(staff).get("/").content.decode()


def test_the_home_page_makes_as_many_queries_whatever_the_ledger_holds(web, network, make_user, ledger):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manager = make_user("manager", network["a"], "manager")
    today = timezone.localdate()
    ledger.task(assignee=manager, due=today - DAY)
    ledger.case(owner=manager, due=today)
    client = web(manager)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for i in range(30):
        ledger.task(assignee=manager, due=today - i * DAY, title=f"任务{i}")
        ledger.case(owner=manager, due=today + DAY, title=f"问题{i}")
    with CaptureQueriesContext(connection) as many:
        html = client.get("/").content.decode()
    assert len(many) == len(few)
    assert html.count("data-attention=") == 20  # ten cases and ten tasks, then links to the lists
    assert "/ledger/cases/?mine=1&amp;status=active" in html


# ---------------------------------------------------------------------------------------------------------
# Preferences and time zones


def test_preferences_keep_the_time_zone_and_the_unit_of_amounts(web, staff):
    client = web(staff)
    page = client.get(reverse("core:preferences")).content.decode()
    assert 'name="time_zone"' in page and "The server&#x27;s (Asia/Shanghai)" in page
    response = client.post(
        reverse("core:preferences"),
        {"display_name": "陳大文", "email": "", "language": "en", "time_zone": "Asia/Hong_Kong", "amount_unit": "yi"},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert (staff.time_zone, staff.amount_unit) == ("Asia/Hong_Kong", "yi")
    bad = client.post(
        reverse("core:preferences"),
        {"display_name": "", "language": "en", "time_zone": "Mars/Olympus_Mons", "amount_unit": "yi"},
    )
    assert bad.status_code == 400 and "time_zone" in bad.context["form"].errors


def test_pages_show_times_in_the_users_own_zone(network, make_user):
    from qiao.core.middleware import UserTimeZoneMiddleware

    seen = []
    middleware = UserTimeZoneMiddleware(lambda request: seen.append(timezone.get_current_timezone_name()))
    request = RequestFactory().get("/")
    request.user = make_user("van", network["a"], "staff", time_zone="America/Vancouver")
    middleware(request)
    request.user = make_user("plain", network["a"], "staff")
    middleware(request)
    assert seen == ["America/Vancouver", "Asia/Shanghai"]
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"  # nothing left behind for the next request


# ---------------------------------------------------------------------------------------------------------
# Work with an organisation or a person, on their pages


def test_an_organisations_page_shows_its_projects_cases_and_services(web, network, make_user, staff, ledger):
    from qiao.ledger.models import ServiceKind, ServiceRecord
    from qiao.projects.models import Project

    org = ledger.org
    visible = Project.objects.create(
        unit=network["a"], name="新能源电池项目", investor=org, kind="new", stage_on=TODAY, planned_amount=10**8
    )
    Project.objects.create(unit=network["b"], name="乙基地的项目", investor=org, kind="new", stage_on=TODAY)
    referred = Project.objects.create(
        unit=network["a"],
        name="以商引商项目",
        investor=ledger.org,
        referral_organization=org,
        kind="fund",
        stage_on=TODAY,
    )
    cases = [ledger.case(title=f"问题{i}") for i in range(7)]
    ledger.case(title="乙基地的问题", unit=network["b"])
    ServiceRecord.objects.create(unit=network["a"], kind=ServiceKind.objects.first(), organization=org, people_served=3)
    html = web(staff).get(org.get_absolute_url()).content.decode()
    assert 'data-related="projects-invested"' in html and visible.name in html and referred.name in html
    assert "乙基地的项目" not in html and "乙基地的问题" not in html
    assert 'data-related="projects-referred"' in html
    assert f"/projects/?investor={org.pk}" not in html  # all of them are shown: no link needed
    assert 'data-related="cases"' in html and 'data-total="7"' in html
    assert cases[-1].get_absolute_url() in html and cases[0].get_absolute_url() not in html  # the newest five
    assert f'href="/ledger/cases/?organization={org.pk}"' in html
    assert 'data-related="services"' in html


def test_a_persons_page_shows_their_projects_cases_and_services(web, network, staff, ledger, make_person):
    from qiao.ledger.models import Case, ServiceKind, ServiceRecord
    from qiao.projects.models import Project, ProjectPerson

    person = make_person(network["a"], "陳大文")
    project = Project.objects.create(unit=network["a"], name="陳先生引荐的项目", investor=ledger.org,
                                     referral_person=person, kind="new", stage_on=TODAY)  # fmt: skip
    related = Project.objects.create(
        unit=network["a"], name="相关项目", investor=ledger.org, kind="new", stage_on=TODAY
    )
    ProjectPerson.objects.create(project=related, person=person, role="投资方代表")
    raised = ledger.case(title="陳先生反映的问题")
    Case.objects.filter(pk=raised.pk).update(raised_by=person)
    ServiceRecord.objects.create(unit=network["a"], kind=ServiceKind.objects.first(), person=person)
    ServiceRecord.objects.create(unit=network["b"], kind=ServiceKind.objects.first(), person=person, summary="乙")
    html = web(staff).get(person.get_absolute_url()).content.decode()
    assert project.name in html and related.name in html and "陳先生反映的问题" in html
    assert 'data-related="services"' in html and 'data-total="1"' in html.split('data-related="services"')[1]


def test_nothing_of_another_unit_shows_on_a_shared_page(web, network, make_user, ledger, make_org):
    from qiao.ledger.models import ServiceKind, ServiceRecord

    outsider = make_user("outsider", network["b"], "staff")
    org = make_org(network["b"], "乙基地的企业")
    ServiceRecord.objects.create(unit=network["a"], kind=ServiceKind.objects.first(), organization=org)
    html = web(outsider).get(org.get_absolute_url()).content.decode()
    assert 'data-related="services"' not in html
