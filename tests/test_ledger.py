"""The service ledger (issue 6): cases from report to resolution with an owner, a task list and a
timeline; reassignment by managers; the manager's ledger with ageing; service records; scoping
through every path (pages, htmx parts, export, API, bulk reassignment); the API."""

import csv
import datetime
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qiao.ledger import services
from qiao.ledger.models import Case, CaseAction, CaseTask, ServiceKind, ServiceRecord

pytestmark = pytest.mark.django_db

D = datetime.date
HX = {"HTTP_HX_REQUEST": "true"}


def today():
    return services.local_today(None)


def ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


@pytest.fixture
def root(make_user):
    return make_user("root", is_superuser=True)


@pytest.fixture
def staff(network, make_user):
    return make_user("staff-a", network["a"], "staff", display_name="王小明")


@pytest.fixture
def manager(network, make_user):
    return make_user("manager-a", network["a"], "manager", display_name="李经理")


@pytest.fixture
def staff_a1(network, make_user):
    return make_user("staff-a1", network["a1"], "staff")


@pytest.fixture
def staff_b(network, make_user):
    return make_user("staff-b", network["b"], "staff")


@pytest.fixture
def manager_b(network, make_user):
    return make_user("manager-b", network["b"], "manager")


@pytest.fixture
def centre_staff(network, make_user):
    return make_user("centre-staff", network["centre"], "staff")


@pytest.fixture
def org(network, make_org):
    return make_org(network["a"], "惠州精密制造有限公司", kind="enterprise")


@pytest.fixture
def make_case(network, org, staff):
    def make(unit=None, user=None, **fields):
        values = {
            "unit": unit or network["a"],
            "organization": fields.pop("organization", org),
            "category": "approvals",
            "title": "厂房消防验收迟迟未办结",
            "raised_on": ago(3),
        }
        values.update(fields)
        return services.save_case(user or staff, Case(**values))

    return make


@pytest.fixture
def case(make_case, staff):
    return make_case(owner=staff, due_date=today() + datetime.timedelta(days=10))


def notes(case) -> list[str]:
    return list(CaseAction.objects.filter(case=case, kind="note").order_by("id").values_list("note", flat=True))


def login(client, user):
    client.force_login(user)
    return client


# ---------------------------------------------------------------- recording a case


def test_a_new_case_is_open_and_keeps_what_was_recorded(case, staff, org):
    assert case.status == "open" and case.source == "staff"
    assert case.owner == staff and case.organization == org
    assert case.resolved_on is None and case.closed_on is None


def test_a_case_is_not_raised_in_the_future_nor_due_before_it_was_raised(make_case):
    with pytest.raises(ValidationError) as refused:
        make_case(raised_on=today() + datetime.timedelta(days=1))
    assert "raised_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        make_case(raised_on=ago(5), due_date=ago(6))
    assert "due_date" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        make_case(title="  ")
    assert "title" in refused.value.message_dict
    assert not Case.objects.exists()


def test_today_is_the_users_own_day(make_user, network):
    # 2026-01-01 17:30 UTC: already 2 January in Shanghai and Hong Kong, still 1 January in Vancouver
    instant = datetime.datetime(2026, 1, 1, 17, 30, tzinfo=datetime.UTC)
    shanghai = make_user("sh", network["a"], time_zone="Asia/Shanghai")
    hong_kong = make_user("hk", network["hk"], time_zone="Asia/Hong_Kong")
    vancouver = make_user("van", network["a"], time_zone="America/Vancouver")
    server = make_user("srv", network["a"])  # no time zone of their own: the server's (Asia/Shanghai)
    assert services.local_today(shanghai, instant) == D(2026, 1, 2)
    assert services.local_today(hong_kong, instant) == D(2026, 1, 2)
    assert services.local_today(vancouver, instant) == D(2026, 1, 1)
    assert services.local_today(server, instant) == D(2026, 1, 2)


def test_raised_today_in_shanghai_is_the_future_in_vancouver(monkeypatch, make_user, network, org):
    instant = datetime.datetime(2026, 1, 1, 17, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    vancouver = make_user("van", network["a"], "staff", time_zone="America/Vancouver")
    shanghai = make_user("sh", network["a"], "staff", time_zone="Asia/Shanghai")
    case = Case(unit=network["a"], organization=org, category="land", title="用地指标", raised_on=D(2026, 1, 2))
    with pytest.raises(ValidationError):
        services.check_case(vancouver, case)
    services.check_case(shanghai, case)


def test_the_owner_is_a_member_of_the_unit_or_of_a_unit_above_it(
    make_case, network, make_org, centre_staff, staff_b, staff
):
    owned = make_case(owner=centre_staff)  # the centre is above base A
    assert owned.owner == centre_staff
    with pytest.raises(ValidationError) as refused:
        make_case(owner=staff_b)
    assert "owner" in refused.value.message_dict
    with pytest.raises(ValidationError):  # a member of base A does not own a case of base B
        make_case(unit=network["b"], user=staff_b, organization=make_org(network["b"], "乙方公司"), owner=staff)


def test_a_case_points_only_at_what_its_author_may_see(make_case, network, make_org, staff):
    foreign = make_org(network["b"], "乙方公司")
    with pytest.raises(ValidationError) as refused:
        make_case(organization=foreign)
    assert "organization" in refused.value.message_dict


def test_a_case_about_a_project_must_be_one_of_the_organisations_projects(make_case, network, org, make_org, staff):
    from qiao.projects.models import Project

    mine = Project.objects.create(unit=network["a"], name="扩产项目", investor=org, kind="expansion", stage_on=ago(30))
    other = Project.objects.create(
        unit=network["a"], name="另一个项目", investor=make_org(network["a"], "别家公司"), kind="new", stage_on=ago(30)
    )
    assert make_case(project=mine).project == mine
    with pytest.raises(ValidationError) as refused:
        make_case(project=other)
    assert "project" in refused.value.message_dict


def test_editing_keeps_the_status(case, staff):
    case.status = "closed"
    case.title = "消防验收"
    services.save_case(staff, case)
    case.refresh_from_db()
    assert case.status == "open" and case.title == "消防验收"


# ---------------------------------------------------------------- status


def test_a_case_goes_from_open_to_closed(case, staff):
    services.set_status(staff, case, "in_progress")
    resolved = services.set_status(staff, case, "resolved", "已协调消防部门现场验收")
    assert resolved.resolved_on == today() and resolved.status_note == "已协调消防部门现场验收"
    closed = services.set_status(staff, case, "closed")
    assert closed.status == "closed" and closed.closed_on == today()
    written = notes(case)
    assert len(written) == 3
    assert "Open → In progress" in written[0]
    assert "In progress → Resolved" in written[1] and "已协调消防部门现场验收" in written[1]
    assert "Resolved → Closed" in written[2]


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], "resolved"),  # open → resolved skips "in progress"
        ([], "closed"),
        (["in_progress"], "closed"),  # not resolved yet
        (["in_progress", ("resolved", "ok"), "closed"], "in_progress"),  # closed is final
        (["in_progress", ("resolved", "ok"), "closed"], "cannot_resolve"),
        (["in_progress", ("resolved", "ok")], "cannot_resolve"),
        ([], "open"),  # the status it has
        ([], "nonsense"),
    ],
)
def test_transitions_that_are_refused(case, staff, path, refused):
    for step in path:
        status, note = step if isinstance(step, tuple) else (step, "")
        services.set_status(staff, case, status, note)
    before = Case.objects.get(pk=case.pk).status
    written = len(notes(case))
    with pytest.raises(ValidationError) as error:
        services.set_status(staff, case, refused, "a note")
    assert "status" in error.value.message_dict
    assert Case.objects.get(pk=case.pk).status == before and len(notes(case)) == written


def test_resolving_needs_a_resolution_and_giving_up_a_reason(case, staff):
    services.set_status(staff, case, "in_progress")
    with pytest.raises(ValidationError) as error:
        services.set_status(staff, case, "resolved", "  ")
    assert "note" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.set_status(staff, case, "cannot_resolve")
    assert "note" in error.value.message_dict
    given_up = services.set_status(staff, case, "cannot_resolve", "涉及省级审批权限")
    assert given_up.status == "cannot_resolve" and given_up.status_note == "涉及省级审批权限"
    reopened = services.set_status(staff, case, "in_progress")  # no note needed to try again
    assert reopened.status == "in_progress" and reopened.status_note == ""
    assert "涉及省级审批权限" in notes(case)[1]  # the reason stays on the timeline


def test_reopening_a_resolved_case_needs_a_note(case, staff):
    services.set_status(staff, case, "in_progress")
    services.set_status(staff, case, "resolved", "已办结")
    with pytest.raises(ValidationError) as error:
        services.set_status(staff, case, "in_progress")
    assert "note" in error.value.message_dict
    reopened = services.set_status(staff, case, "in_progress", "企业反映问题复发")
    assert reopened.resolved_on is None and reopened.status_note == ""
    assert "企业反映问题复发" in notes(case)[-1]


def test_a_viewer_or_another_base_cannot_change_the_status(case, network, make_user, staff_b):
    viewer = make_user("viewer-a", network["a"], "viewer")
    for user in (viewer, staff_b):
        with pytest.raises(PermissionDenied):
            services.set_status(user, case, "in_progress")
    assert Case.objects.get(pk=case.pk).status == "open"


# ---------------------------------------------------------------- tasks


def add_task(user, case, title, **fields):
    return services.save_task(user, CaseTask(case=case, title=title, **fields))


def test_undone_tasks_block_resolving_and_closing_naming_them(case, staff):
    first = add_task(staff, case, "补交消防图纸", assignee=staff, due_date=today())
    second = add_task(staff, case, "联系住建局")
    services.set_status(staff, case, "in_progress")
    with pytest.raises(ValidationError) as error:
        services.set_status(staff, case, "resolved", "已办结")
    message = " ".join(error.value.messages)
    assert "补交消防图纸" in message and "联系住建局" in message and "2 tasks" in message
    services.mark_task(staff, first, True)
    with pytest.raises(ValidationError) as error:
        services.set_status(staff, case, "resolved", "已办结")
    assert "联系住建局" in " ".join(error.value.messages) and "补交消防图纸" not in " ".join(error.value.messages)
    services.mark_task(staff, second, True)
    services.set_status(staff, case, "resolved", "已办结")
    # a task added after resolving blocks closing
    late = add_task(staff, case, "回访企业")
    with pytest.raises(ValidationError) as error:
        services.set_status(staff, case, "closed")
    assert "回访企业" in " ".join(error.value.messages)
    services.mark_task(staff, late, True)
    assert services.set_status(staff, case, "closed").status == "closed"


def test_ticking_a_task_keeps_when_and_by_whom(case, staff):
    task = add_task(staff, case, "补交材料")
    done = services.mark_task(staff, task, True)
    assert done.done and done.done_by == staff and done.done_at is not None
    undone = services.mark_task(staff, task, False)
    assert not undone.done and undone.done_by is None and undone.done_at is None


def test_task_rules(case, staff, staff_b, centre_staff):
    with pytest.raises(ValidationError) as error:
        add_task(staff, case, "x", assignee=staff_b)
    assert "assignee" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        add_task(staff, case, "x", due_date=case.raised_on - datetime.timedelta(days=1))
    assert "due_date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        add_task(staff, case, "")
    assert "title" in error.value.message_dict
    assert add_task(staff, case, "上报中心", assignee=centre_staff).assignee == centre_staff
    with pytest.raises(PermissionDenied):
        add_task(staff_b, case, "越权")
    assert CaseTask.objects.count() == 1


def test_a_closed_cases_tasks_no_longer_change(case, staff):
    task = add_task(staff, case, "回访")
    services.mark_task(staff, task, True)
    services.set_status(staff, case, "in_progress")
    services.set_status(staff, case, "resolved", "ok")
    services.set_status(staff, case, "closed")
    with pytest.raises(ValidationError):
        add_task(staff, case, "再加一个")
    with pytest.raises(ValidationError):
        services.mark_task(staff, task, False)
    with pytest.raises(ValidationError):
        services.delete_task(staff, task)


def test_tasks_are_in_the_cases_history(case, staff):
    from django.contrib.contenttypes.models import ContentType

    from qiao.core.models import ChangeRecord

    task = add_task(staff, case, "补交材料")
    services.mark_task(staff, task, True)
    services.delete_task(staff, task)
    records = ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(Case), object_id=case.pk)
    afters = [r.after["tasks"] for r in records.order_by("id") if r.after]
    assert [{"title": "补交材料", "assignee": "", "due_date": None, "done": False}] in afters
    assert afters[-1] == []


# ---------------------------------------------------------------- reassignment


def test_only_managers_reassign(case, staff, manager, staff_a1, manager_b):
    with pytest.raises(PermissionDenied):
        services.reassign(staff, case, staff_a1)
    with pytest.raises(PermissionDenied):
        services.reassign(manager_b, case, staff_a1)
    with pytest.raises(ValidationError) as error:  # a member of an office below is not "above"
        services.reassign(manager, case, staff_a1)
    assert "owner" in error.value.message_dict
    reassigned = services.reassign(manager, case, manager, "王小明休假")
    assert reassigned.owner == manager
    assert "王小明" in notes(case)[-1] and "李经理" in notes(case)[-1] and "王小明休假" in notes(case)[-1]


def test_staff_cannot_change_an_owner_by_editing(case, staff, manager):
    case.owner = manager
    with pytest.raises(ValidationError) as error:
        services.save_case(staff, case)
    assert "owner" in error.value.message_dict
    assert Case.objects.get(pk=case.pk).owner == staff


def test_staff_may_give_an_unowned_case_an_owner(make_case, staff):
    case = make_case()
    case.owner = staff
    assert services.save_case(staff, case).owner == staff
    assert not notes(case)


def test_bulk_reassignment_is_all_or_nothing(make_case, network, make_org, manager, manager_b, staff, staff_b):
    mine = [make_case(owner=staff), make_case(owner=staff)]
    theirs = make_case(unit=network["b"], user=staff_b, organization=make_org(network["b"], "乙方公司"), owner=staff_b)
    with pytest.raises(PermissionDenied):
        services.reassign_many(manager_b, [c.pk for c in mine], manager_b)
    with pytest.raises(PermissionDenied):  # one case of another base in the selection: nothing changes
        services.reassign_many(manager, [*(c.pk for c in mine), theirs.pk], manager)
    assert set(Case.objects.filter(unit=network["a"]).values_list("owner", flat=True)) == {staff.pk}
    services.reassign_many(manager, [c.pk for c in mine], manager, "调整分工")
    assert set(Case.objects.filter(unit=network["a"]).values_list("owner", flat=True)) == {manager.pk}
    assert Case.objects.get(pk=theirs.pk).owner == staff_b


# ---------------------------------------------------------------- the timeline


def test_actions_with_an_attachment(case, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    action = services.add_action(
        staff, CaseAction(case=case, kind="visit", on=today(), note="走访企业，了解消防整改情况", attachment=upload)
    )
    assert action.by == staff and action.attachment_name == "会议纪要.pdf"
    assert action.attachment.name.startswith(f"cases/{case.pk}/")
    with pytest.raises(ValidationError) as error:
        tomorrow = today() + datetime.timedelta(days=1)
        services.add_action(staff, CaseAction(case=case, kind="call", on=tomorrow, note="x"))
    assert "on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.add_action(staff, CaseAction(case=case, kind="call", on=today()))
    assert "note" in error.value.message_dict


def test_the_attachment_is_served_to_readers_only(client, case, staff, staff_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, staff)
    upload = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    data = {"kind": "meeting", "on": today().isoformat(), "note": "协调会", "attachment": upload}
    response = client.post(f"/ledger/cases/{case.pk}/actions/", data)
    assert response.status_code == 302
    action = CaseAction.objects.get(kind="meeting")
    got = client.get(f"/ledger/actions/{action.pk}/attachment/")
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    login(client, staff_b)
    assert client.get(f"/ledger/actions/{action.pk}/attachment/").status_code == 404


def test_an_attachment_of_a_forbidden_type_is_refused(client, case, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, staff)
    upload = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        f"/ledger/cases/{case.pk}/actions/",
        {"kind": "reply", "note": "回复", "attachment": upload},
        **HX,
    )
    assert response.status_code == 400 and "PDF" in response.content.decode()
    assert not CaseAction.objects.filter(kind="reply").exists()


# ---------------------------------------------------------------- pages


def test_case_pages_answer(client, case, staff):
    login(client, staff)
    for url in (
        "/ledger/cases/",
        "/ledger/cases/add/",
        f"/ledger/cases/{case.pk}/",
        f"/ledger/cases/{case.pk}/edit/",
        f"/ledger/cases/{case.pk}/history/",
        "/ledger/overview/",
        "/ledger/tasks/",
        "/ledger/services/",
        "/ledger/services/add/",
        "/ledger/reports/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_the_case_page_in_three_languages(client, case, manager, language):
    login(client, manager)
    client.cookies["django_language"] = language
    add_task(manager, case, "补交材料")
    response = client.get(f"/ledger/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert "补交材料" in response.content.decode()


def test_recording_a_case_through_the_form(client, staff, org, network):
    login(client, staff)
    data = {
        "organization": org.pk,
        "category": "talent",
        "title": "港籍员工社保办理",
        "raised_on": today().isoformat(),
        "priority": "high",
        "owner": staff.pk,
        "due_date": (today() + datetime.timedelta(days=7)).isoformat(),
        "unit": network["a"].pk,
    }
    response = client.post("/ledger/cases/add/", data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.title == "港籍员工社保办理" and case.priority == "high" and case.owner == staff
    refused = client.post("/ledger/cases/add/", {**data, "due_date": ago(1).isoformat(), "title": "另一个"})
    assert refused.status_code == 400
    assert "due date is before" in refused.content.decode()
    assert Case.objects.count() == 1


def test_the_project_picker_lists_the_organisations_projects(client, staff, org, network, make_org):
    from qiao.projects.models import Project

    Project.objects.create(unit=network["a"], name="扩产项目", investor=org, kind="expansion", stage_on=ago(1))
    Project.objects.create(unit=network["b"], name="乙的项目", investor=org, kind="new", stage_on=ago(1))
    login(client, staff)
    answer = client.get(f"/ledger/cases/projects/?organization={org.pk}").content.decode()
    assert "扩产项目" in answer and "乙的项目" not in answer
    assert client.get("/ledger/cases/projects/?organization=abc").status_code == 200


def test_status_buttons_through_htmx(client, case, staff):
    login(client, staff)
    task = add_task(staff, case, "补交材料")
    url = f"/ledger/cases/{case.pk}/status/"
    assert client.post(url, {"status": "in_progress"}, **HX).status_code == 200
    refused = client.post(url, {"status": "resolved", "note": "已办结"}, **HX)
    assert refused.status_code == 400 and "补交材料" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).status == "in_progress"
    answer = client.post(f"/ledger/tasks/{task.pk}/", {"do": "done"}, **HX)
    assert answer.status_code == 200 and 'data-done="1"' in answer.content.decode()
    done = client.post(url, {"status": "resolved", "note": "已办结"}, **HX)
    page = done.content.decode()
    assert done.status_code == 200 and 'data-status="resolved"' in page and 'hx-swap-oob="true"' in page
    assert "已办结" in page  # the timeline, swapped out of band
    assert client.post(url, {"status": "closed"}).status_code == 302  # without htmx: back to the page
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_tasks_through_htmx(client, case, staff):
    login(client, staff)
    added = client.post(
        f"/ledger/cases/{case.pk}/tasks/", {"title": "联系住建局", "assignee": staff.pk, "due_date": ago(1)}, **HX
    )
    assert added.status_code == 200 and "联系住建局" in added.content.decode()
    assert "overdue" in added.content.decode()  # due yesterday, shown in red
    task = CaseTask.objects.get()
    refused = client.post(f"/ledger/cases/{case.pk}/tasks/", {"title": ""}, **HX)
    assert refused.status_code == 400 and CaseTask.objects.count() == 1
    client.post(f"/ledger/tasks/{task.pk}/", {"do": "done"}, **HX)
    assert CaseTask.objects.get().done
    client.post(f"/ledger/tasks/{task.pk}/", {"do": "undo"}, **HX)
    assert not CaseTask.objects.get().done
    assert client.post(f"/ledger/tasks/{task.pk}/", {"do": "?"}, **HX).status_code == 400
    edited = client.post(f"/ledger/tasks/{task.pk}/edit/", {"title": "联系住建局消防科", "assignee": staff.pk})
    assert edited.status_code == 302 and CaseTask.objects.get().title == "联系住建局消防科"
    client.post(f"/ledger/tasks/{task.pk}/", {"do": "delete"}, **HX)
    assert not CaseTask.objects.exists()


def test_reassigning_from_the_case_page(client, case, staff, manager):
    login(client, staff)
    assert client.post(f"/ledger/cases/{case.pk}/reassign/", {"owner": manager.pk}, **HX).status_code == 403
    login(client, manager)
    page = client.get(f"/ledger/cases/{case.pk}/").content.decode()
    assert "reassign-dialog" in page
    answer = client.post(f"/ledger/cases/{case.pk}/reassign/", {"owner": manager.pk, "note": "调整"}, **HX)
    assert answer.status_code == 200
    assert Case.objects.get(pk=case.pk).owner == manager


def test_the_list_filters(client, make_case, staff, manager, network):
    overdue = make_case(title="逾期", raised_on=ago(40), due_date=ago(1), owner=staff)
    fresh = make_case(title="新问题", raised_on=today(), owner=manager)
    done = make_case(title="已关闭", raised_on=ago(100), due_date=ago(50))
    for status, note in (("in_progress", ""), ("resolved", "ok"), ("closed", "")):
        services.set_status(staff, done, status, note)
    login(client, staff)

    def listed(query):
        page = client.get(f"/ledger/cases/?{query}").content.decode()
        return {int(pk) for pk in re.findall(r'id="case-(\d+)"', page)}

    assert listed("status=active") == {overdue.pk, fresh.pk}
    assert listed("overdue=1") == {overdue.pk}
    assert listed("overdue=true") == {overdue.pk}
    assert listed("mine=1") == {overdue.pk}
    assert listed(f"owner={manager.pk}") == {fresh.pk}
    assert listed("status=active&age=0-7") == {fresh.pk}
    assert listed("status=active&age=31-90") == {overdue.pk}
    assert listed("status=closed") == {done.pk}
    assert listed("unassigned=1") == {done.pk}
    assert listed(f"raised_from={ago(50).isoformat()}") == {overdue.pk, fresh.pk}
    assert listed("q=逾期") == {overdue.pk}
    page = client.get("/ledger/cases/").content.decode()
    assert 'data-total="3"' in page and 'data-figure="overdue"' in page


def test_export_of_cases(client, case, staff):
    login(client, staff)
    response = client.get("/ledger/cases/?export=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["No.", "Title", "Organisation"]
    assert rows[1][1] == "厂房消防验收迟迟未办结" and "Open" in rows[1]


def test_the_managers_ledger(client, make_case, make_org, staff, manager, network, staff_a1):
    make_case(title="a", raised_on=ago(2), owner=staff)
    make_case(title="b", raised_on=ago(20), due_date=ago(1), owner=staff)
    make_case(title="c", raised_on=ago(60), owner=manager)
    make_case(title="d", raised_on=ago(200), due_date=ago(100))
    office_org = make_org(network["a1"], "办事处的企业")
    office = make_case(title="e", unit=network["a1"], user=staff_a1, organization=office_org, raised_on=ago(10))
    task = add_task(staff, office, "逾期任务", due_date=ago(1))
    assert task.pk
    closed = make_case(title="f", raised_on=ago(5))
    for status, note in (("in_progress", ""), ("resolved", "ok"), ("closed", "")):
        services.set_status(staff, closed, status, note)
    login(client, manager)
    page = client.get("/ledger/overview/").content.decode()
    section = page[page.index(f'id="ledger-{network["a"].pk}"') :]

    def count(pattern):
        found = re.search(pattern + r'[^>]*data-count="(\d+)"', section)
        return int(found.group(1))

    assert count(r'data-age="0-7"><td>[^<]*</td><td class="text-end"><a href="[^"]*"') == 1
    assert count(r'data-age="8-30"><td>[^<]*</td><td class="text-end"><a href="[^"]*"') == 2
    assert count(r'data-age="31-90"><td>[^<]*</td><td class="text-end"><a href="[^"]*"') == 1
    assert count(r'data-age="90\+"><td>[^<]*</td><td class="text-end"><a href="[^"]*"') == 1
    assert count(r'class="text-danger overdue-cases" href="[^"]*"') == 2
    assert count(r'class="text-danger overdue-tasks" href="[^"]*"') == 1
    # every number links to a list with the same count
    links = re.findall(r'href="(/ledger/(?:cases|tasks)/\?[^"]+)" data-count="(\d+)"', section)
    assert len(links) > 10
    for href, n in links:
        listed = client.get(href.replace("&amp;", "&")).content.decode()
        total = re.search(r'data-total="(\d+)"', listed)
        assert int(total.group(1)) == int(n), href


def test_the_managers_ledger_for_staff_shows_nothing(client, staff):
    login(client, staff)
    page = client.get("/ledger/overview/").content.decode()
    assert 'id="no-ledger"' in page


def test_bulk_reassignment_from_the_list(client, make_case, staff, manager, manager_b):
    cases = [make_case(owner=staff), make_case(owner=staff)]
    login(client, manager_b)
    answer = client.post("/ledger/cases/reassign/", {"pk": [c.pk for c in cases], "owner": manager_b.pk})
    assert answer.status_code in (400, 404)
    assert set(Case.objects.values_list("owner", flat=True)) == {staff.pk}
    login(client, manager)
    page = client.get("/ledger/cases/").content.decode()
    assert 'id="reassign-form"' in page
    answer = client.post("/ledger/cases/reassign/", {"pk": [c.pk for c in cases], "owner": manager.pk})
    assert answer.status_code == 302
    assert set(Case.objects.values_list("owner", flat=True)) == {manager.pk}
    login(client, staff)
    answer = client.post("/ledger/cases/reassign/", {"pk": [cases[0].pk], "owner": staff.pk})
    assert answer.status_code == 404 and Case.objects.get(pk=cases[0].pk).owner == manager


def test_the_task_list(client, case, staff):
    add_task(staff, case, "逾期任务", due_date=case.raised_on)
    add_task(staff, case, "未到期", due_date=today() + datetime.timedelta(days=3))
    login(client, staff)
    page = client.get("/ledger/tasks/?overdue=1").content.decode()
    assert "逾期任务" in page and "未到期" not in page


# ---------------------------------------------------------------- service records


@pytest.fixture
def consultation():
    return ServiceKind.objects.get(code="policy-consultation")


def test_service_records_rules(staff, network, consultation, make_person, org):
    with pytest.raises(ValidationError) as error:
        services.save_service_record(staff, ServiceRecord(unit=network["a"], kind=consultation, on=today()))
    assert "person" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.save_service_record(
            staff, ServiceRecord(unit=network["a"], kind=consultation, on=today(), organization=org, people_served=0)
        )
    assert "people_served" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.save_service_record(
            staff,
            ServiceRecord(
                unit=network["a"], kind=consultation, on=today() + datetime.timedelta(days=1), organization=org
            ),
        )
    assert "on" in error.value.message_dict
    person = make_person(network["a"])
    record = services.save_service_record(
        staff, ServiceRecord(unit=network["a"], kind=consultation, on=today(), person=person, people_served=3)
    )
    assert record.by == staff
    assert ServiceRecord.objects.count() == 1


def test_service_record_pages_and_totals(client, staff, manager, network, consultation, org):
    login(client, staff)
    data = {"kind": consultation.pk, "on": today().isoformat(), "organization": org.pk, "people_served": 12,
            "summary": "港澳青年就业政策宣讲", "unit": network["a"].pk}  # fmt: skip
    assert client.post("/ledger/services/add/", data).status_code == 302
    assert client.post("/ledger/services/add/", {**data, "people_served": 30}).status_code == 302
    refused = client.post("/ledger/services/add/", {**data, "organization": "", "people_served": 5})
    assert refused.status_code == 400 and ServiceRecord.objects.count() == 2
    page = client.get(f"/ledger/services/?kind={consultation.code}").content.decode()
    assert 'data-figure="records">2<' in page and 'data-figure="people_served">42<' in page
    record = ServiceRecord.objects.first()
    assert client.get(f"/ledger/services/{record.pk}/").status_code == 200
    assert client.post(f"/ledger/services/{record.pk}/delete/").status_code in (403, 404)  # managers delete
    login(client, manager)
    assert client.post(f"/ledger/services/{record.pk}/delete/").status_code == 302
    assert ServiceRecord.objects.count() == 1 and ServiceRecord.all_objects.count() == 2


def test_service_kinds_are_a_shared_list():
    from qiao.core import lists

    assert lists.REGISTRY["service-kinds"][0] is ServiceKind


# ---------------------------------------------------------------- scoping


def test_another_base_never_reaches_a_case(client, api, case, staff, staff_b, manager_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = add_task(staff, case, "补交材料")
    action = services.add_action(staff, CaseAction(case=case, kind="call", note="电话联系"))
    for user in (staff_b, manager_b):
        login(client, user)
        assert str(case.pk) not in re.findall(r'id="case-(\d+)"', client.get("/ledger/cases/").content.decode())
        assert "厂房消防验收" not in client.get("/ledger/cases/?export=csv").content.decode("utf-8-sig")
        assert "补交材料" not in client.get("/ledger/tasks/").content.decode()
        for url in (f"/ledger/cases/{case.pk}/", f"/ledger/cases/{case.pk}/edit/", f"/ledger/cases/{case.pk}/history/",
                    f"/ledger/actions/{action.pk}/attachment/", f"/ledger/tasks/{task.pk}/edit/"):  # fmt: skip
            assert client.get(url).status_code == 404, url
        posts = [
            (f"/ledger/cases/{case.pk}/status/", {"status": "in_progress"}),
            (f"/ledger/cases/{case.pk}/reassign/", {"owner": user.pk}),
            (f"/ledger/cases/{case.pk}/tasks/", {"title": "越权任务"}),
            (f"/ledger/cases/{case.pk}/actions/", {"kind": "call", "note": "越权"}),
            (f"/ledger/tasks/{task.pk}/", {"do": "done"}),
            (f"/ledger/tasks/{task.pk}/", {"do": "delete"}),
            (f"/ledger/cases/{case.pk}/delete/", {}),
            ("/ledger/cases/reassign/", {"pk": [case.pk], "owner": user.pk}),
        ]
        for url, data in posts:
            assert client.post(url, data, **HX).status_code == 404, url
        client_api = api(user)
        assert client_api.get(f"/api/cases/{case.pk}/").status_code == 404
        assert case.pk not in [row["id"] for row in client_api.get("/api/cases/").json()["results"]]
        assert client_api.patch(f"/api/cases/{case.pk}/", {"title": "x"}, format="json").status_code == 404
        moved = client_api.post(f"/api/cases/{case.pk}/status/", {"status": "in_progress"}, format="json")
        assert moved.status_code == 404
        assert client_api.post(f"/api/cases/{case.pk}/reassign/", {"owner": None}, format="json").status_code == 404
        assert client_api.get(f"/api/case-tasks/{task.pk}/").status_code == 404
        assert client_api.post(f"/api/case-tasks/{task.pk}/done/").status_code == 404
        assert client_api.post("/api/case-tasks/", {"case": case.pk, "title": "x"}, format="json").status_code == 400
        assert client_api.post("/api/case-actions/", {"case": case.pk, "kind": "call", "note": "x"}).status_code == 400
        assert client_api.get("/api/case-actions/").json()["count"] == 0
    case.refresh_from_db()
    task.refresh_from_db()
    assert case.status == "open" and case.owner == staff and case.title == "厂房消防验收迟迟未办结"
    assert not task.done and CaseTask.objects.count() == 1 and CaseAction.objects.count() == 1


def test_the_units_above_see_and_the_office_below_does_not(client, case, centre_staff, staff_a1):
    login(client, centre_staff)
    assert client.get(f"/ledger/cases/{case.pk}/").status_code == 200
    login(client, staff_a1)
    assert client.get(f"/ledger/cases/{case.pk}/").status_code == 404


def test_a_viewer_reads_but_changes_nothing(client, case, network, make_user):
    viewer = make_user("viewer-a", network["a"], "viewer")
    login(client, viewer)
    page = client.get(f"/ledger/cases/{case.pk}/").content.decode()
    assert "add-task" not in page and "data-move" not in page
    assert client.post(f"/ledger/cases/{case.pk}/status/", {"status": "in_progress"}).status_code == 404
    assert Case.objects.get(pk=case.pk).status == "open"


def test_service_records_of_another_base(client, api, staff, staff_b, network, consultation, org):
    record = services.save_service_record(
        staff, ServiceRecord(unit=network["a"], kind=consultation, on=today(), organization=org)
    )
    login(client, staff_b)
    assert client.get(f"/ledger/services/{record.pk}/").status_code == 404
    assert client.get("/ledger/services/").context["totals"]["records"] == 0
    assert api(staff_b).get(f"/api/service-records/{record.pk}/").status_code == 404


# ---------------------------------------------------------------- API


def test_api_cases(api, staff, manager, org, network):
    client = api(staff)
    created = client.post(
        "/api/cases/",
        {"organization": org.pk, "category": "financing", "title": "贷款贴息申请", "unit": network["a"].pk,
         "owner": staff.pk, "due_date": (today() + datetime.timedelta(days=5)).isoformat()},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "open" and data["raised_on"] == today().isoformat()
    pk = data["id"]
    bad = client.post(
        "/api/cases/",
        {"organization": org.pk, "category": "financing", "title": "x", "unit": network["a"].pk,
         "raised_on": today().isoformat(), "due_date": ago(1).isoformat()},
        format="json",
    )  # fmt: skip
    assert bad.status_code == 400 and "due_date" in bad.json()
    # status is read-only here: it moves through status/
    client.patch(f"/api/cases/{pk}/", {"status": "closed", "priority": "urgent"}, format="json")
    assert Case.objects.get(pk=pk).status == "open" and Case.objects.get(pk=pk).priority == "urgent"
    refused = client.post(f"/api/cases/{pk}/status/", {"status": "resolved", "note": "x"}, format="json")
    assert refused.status_code == 400 and "status" in refused.json()
    moved = client.post(f"/api/cases/{pk}/status/", {"status": "in_progress"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "in_progress"
    assert client.post(f"/api/cases/{pk}/reassign/", {"owner": manager.pk}, format="json").status_code == 403
    reassigned = api(manager).post(f"/api/cases/{pk}/reassign/", {"owner": manager.pk, "note": "接手"}, format="json")
    assert reassigned.status_code == 200 and reassigned.json()["owner"] == manager.pk
    listed = client.get("/api/cases/?status=active&overdue=false").json()
    assert [row["id"] for row in listed["results"]] == [pk]
    assert client.get("/api/cases/?q=贷款").json()["count"] == 1
    assert client.get(f"/api/cases/{pk}/history/").status_code == 200
    assert client.delete(f"/api/cases/{pk}/").status_code == 403  # managers delete
    assert api(manager).delete(f"/api/cases/{pk}/").status_code == 204
    assert Case.all_objects.get(pk=pk).is_deleted


def test_api_tasks_and_actions(api, case, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api(staff)
    created = client.post(
        "/api/case-tasks/", {"case": case.pk, "title": "补交材料", "assignee": staff.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.post(f"/api/case-tasks/{pk}/done/").json()["done"] is True
    assert client.post(f"/api/case-tasks/{pk}/undone/").json()["done"] is False
    assert client.patch(f"/api/case-tasks/{pk}/", {"title": "补交全部材料"}, format="json").status_code == 200
    bad = client.post("/api/case-tasks/", {"case": case.pk, "title": "x", "due_date": "1970-01-01"}, format="json")
    assert bad.status_code == 400 and "due_date" in bad.json()
    assert client.get(f"/api/case-tasks/?case={case.pk}").json()["count"] == 1
    assert client.delete(f"/api/case-tasks/{pk}/").status_code == 204  # staff may: the task list is the case's
    upload = SimpleUploadedFile("回复函.pdf", b"%PDF-1.4", content_type="application/pdf")
    data = {"case": case.pk, "kind": "reply", "note": "已书面回复", "attachment": upload}
    added = client.post("/api/case-actions/", data)
    assert added.status_code == 201, added.content
    assert added.json()["attachment_url"].endswith("/attachment/") and added.json()["attachment_name"] == "回复函.pdf"
    assert client.post("/api/case-actions/", {"case": case.pk, "kind": "call"}).status_code == 400
    assert client.get(f"/api/case-actions/?case={case.pk}").json()["count"] == 1
    action = added.json()["id"]
    assert client.patch(f"/api/case-actions/{action}/", {"note": "x"}, format="json").status_code == 405


def test_api_service_records(api, staff, network, org):
    client = api(staff)
    created = client.post(
        "/api/service-records/",
        {"kind": "visit", "organization": org.pk, "people_served": 2, "unit": network["a"].pk},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["on"] == today().isoformat()
    bad = client.post("/api/service-records/", {"kind": "visit", "unit": network["a"].pk}, format="json")
    assert bad.status_code == 400 and "person" in bad.json()
    bad = client.post(
        "/api/service-records/",
        {"kind": "visit", "organization": org.pk, "people_served": 0, "unit": network["a"].pk},
        format="json",
    )
    assert bad.status_code == 400 and "people_served" in bad.json()
    assert client.get("/api/service-records/?kind=visit").json()["count"] == 1
    assert client.get("/api/service-records/?kind=nonsense").status_code == 400


def test_the_openapi_schema_has_the_ledger(client, staff):
    login(client, staff)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    for path in (b"/api/cases/", b"/api/cases/{id}/status/", b"/api/cases/{id}/reassign/", b"/api/case-tasks/",
                 b"/api/case-tasks/{id}/done/", b"/api/case-actions/", b"/api/service-records/"):  # fmt: skip
        assert path in schema.content


def test_a_new_owner_or_assignee_is_told_at_once(case, staff, manager, centre_staff):
    from qiao.notifications.models import Notification

    assert Notification.objects.filter(user=staff, key=f"assigned:case:{case.pk}:{staff.pk}").exists()
    services.reassign(manager, case, manager)
    assert Notification.objects.filter(user=manager, key=f"assigned:case:{case.pk}:{manager.pk}").count() == 1
    task = add_task(staff, case, "上报中心", assignee=centre_staff)
    assert Notification.objects.filter(user=centre_staff, key=f"assigned:task:{task.pk}:{centre_staff.pk}").exists()
    task.title = "上报中心（加急）"
    services.save_task(staff, task)  # the same assignee: nothing new
    assert Notification.objects.filter(user=centre_staff).count() == 1


def test_the_list_filters_on_organisation_and_category(client, make_case, make_org, network, staff):
    other = make_org(network["a"], "另一家企业")
    first = make_case(category="land")
    second = make_case(organization=other, category="talent")
    login(client, staff)
    page = client.get(f"/ledger/cases/?organization={other.pk}").content.decode()
    assert f'id="case-{second.pk}"' in page and f'id="case-{first.pk}"' not in page
    page = client.get("/ledger/cases/?category=land&category=policy").content.decode()
    assert f'id="case-{first.pk}"' in page and f'id="case-{second.pk}"' not in page
    assert client.get("/ledger/cases/?unit=999999").status_code == 200  # an invalid filter shows nothing, no error


def test_trash_and_restore(client, case, manager):
    login(client, manager)
    assert client.post(f"/ledger/cases/{case.pk}/delete/").status_code == 302
    assert client.get(f"/ledger/cases/{case.pk}/").status_code == 404
    trash = client.get("/ledger/cases/deleted/").content.decode()
    assert "厂房消防验收迟迟未办结" in trash
    assert client.post(f"/ledger/cases/{case.pk}/restore/").status_code == 302
    assert client.get(f"/ledger/cases/{case.pk}/").status_code == 200
    assert client.get("/ledger/services/deleted/").status_code == 200


def test_the_list_of_cases_a_person_raised(client, make_case, make_person, network, staff):
    chan = make_person(network["a"])
    raised = make_case(raised_by=chan)
    other = make_case()
    login(client, staff)
    page = client.get(f"/ledger/cases/?raised_by={chan.pk}").content.decode()
    assert f'id="case-{raised.pk}"' in page and f'id="case-{other.pk}"' not in page


def test_an_attachment_above_the_size_limit_is_refused(api, case, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.QIAO_ATTACHMENT_MAX_MB = 0.001  # about a kilobyte
    upload = SimpleUploadedFile("大文件.pdf", b"%PDF" + b"0" * 5000, content_type="application/pdf")
    answer = api(staff).post(
        "/api/case-actions/", {"case": case.pk, "kind": "reply", "note": "x", "attachment": upload}
    )
    assert answer.status_code == 400 and "attachment" in answer.json() and "limit" in str(answer.json())
    assert not CaseAction.objects.exists()
