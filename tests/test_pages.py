"""Every page answers every role with a page or a refusal, in every language, never a 500."""

import pytest

ROLES = ["viewer", "staff", "manager", "admin"]


@pytest.fixture
def site(network, make_user, make_person, make_org):
    from qiao.people.models import Affiliation

    person = make_person(network["a"], "陳大文", phones=["+85291234567"])
    org = make_org(network["a"], "香港惠州社團聯合總會", kind="association")
    Affiliation.objects.create(person=person, organization=org, kind="leader", unit=network["a"])
    users = {role: make_user(f"{role}-a", network["a"], role) for role in ROLES}
    return {"person": person, "org": org, "users": users, "network": network}


def _urls(site):
    person, org, unit = site["person"], site["org"], site["network"]["a"]
    user = site["users"]["staff"]
    return [
        "/",
        "/search/?q=陈大文",
        "/search/?q=",
        "/preferences/",
        "/people/",
        "/people/?q=cdw&region=HK",
        "/people/?export=csv",
        "/people/?export=xlsx",
        "/people/add/",
        "/people/deleted/",
        f"/people/{person.pk}/",
        f"/people/{person.pk}/edit/",
        f"/people/{person.pk}/history/",
        f"/people/{person.pk}/delete/",
        f"/people/affiliations/add/?person={person.pk}",
        "/organizations/",
        "/organizations/add/",
        f"/organizations/{org.pk}/",
        f"/organizations/{org.pk}/edit/",
        f"/organizations/{org.pk}/history/",
        "/units/",
        "/units/add/",
        f"/units/{unit.pk}/",
        f"/units/{unit.pk}/edit/",
        f"/units/{unit.pk}/history/",
        "/users/",
        "/users/add/",
        f"/users/{user.pk}/",
        "/autocomplete/people/?q=chan",
        "/autocomplete/organizations/?q=xiang",
        "/autocomplete/nothing/?q=x",
        "/api/",
        "/api/people/",
        "/api/people/?q=陳",
        "/api/organizations/",
        "/api/units/",
        "/api/users/",
        "/api/affiliations/",
        "/api/schema/",
        "/api/docs/",
        "/projects/",
        "/projects/?stage=signed&export=xlsx",
        "/projects/board/",
        "/projects/add/",
        "/projects/deleted/",
        "/ledger/cases/",
        "/ledger/cases/?status=active&overdue=1",
        "/ledger/cases/?export=csv",
        "/ledger/cases/add/",
        "/ledger/tasks/",
        "/ledger/overview/",
        "/ledger/services/",
        "/ledger/services/add/",
        "/ledger/reports/",
        "/notifications/",
        "/api/projects/",
        "/api/projects/totals/",
        "/api/cases/",
        "/api/case-tasks/",
        "/api/service-records/",
        "/api/notifications/",
        "/relations/interactions/",
        "/relations/interactions/?kind=visit&export=xlsx",
        f"/relations/interactions/add/?person={person.pk}",
        f"/relations/interactions/add/?organization={org.pk}",
        "/relations/interactions/deleted/",
        "/relations/key-contacts/",
        "/relations/key-contacts/?overdue=1&responsible=mine&export=csv",
        f"/relations/key-contacts/add/?person={person.pk}",
        f"/relations/key-contacts/add/?organization={org.pk}&kind=liaison",
        f"/relations/timeline/person/{person.pk}/",
        f"/relations/timeline/organization/{org.pk}/",
        "/relations/figures/",
        "/agreements/",
        "/agreements/?status=in_force&export=xlsx",
        "/agreements/add/",
        "/agreements/commitments/",
        "/agreements/commitments/?overdue=1&owner=mine",
        "/carriers/",
        "/carriers/add/",
        "/carriers/residents/",
        "/carriers/residents/?status=present&export=csv",
        "/proposals/",
        f"/proposals/add/?person={person.pk}",
        "/proposals/roles/",
        f"/proposals/roles/add/?person={person.pk}",
        "/api/interactions/",
        "/api/interactions/figures/",
        "/api/key-contacts/",
        "/api/key-contacts/figures/",
        "/api/agreements/",
        "/api/agreements/figures/",
        "/api/commitments/",
        "/api/carriers/",
        "/api/residencies/",
        "/api/residencies/figures/",
        "/api/proposals/",
        "/api/proposals/figures/",
        "/api/public-roles/",
        "/api/relationships/figures/",
        "/healthz",
        "/people/999999/",
        "/people/abc/",
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_every_page_answers_without_error(client, site, role, language):
    client.force_login(site["users"][role])
    for url in _urls(site):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)


def test_unit_and_user_pages_show_to_their_members(client, site):
    client.force_login(site["users"]["admin"])
    unit = site["network"]["a"]
    page = client.get(f"/units/{unit.pk}/").content.decode()
    assert "staff-a" in page  # members are listed
    assert client.get(f"/users/{site['users']['staff'].pk}/").status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, site):
    for url in ("/", "/people/", f"/people/{site['person'].pk}/", "/units/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get("/api/people/").status_code in (401, 403)


def test_managers_restore_deleted_people_and_organisations_from_the_ui(client, site):
    from qiao.core import services
    from qiao.orgs.models import Organization
    from qiao.people.models import Person

    manager = site["users"]["manager"]
    person, org = site["person"], site["org"]
    services.delete(manager, person)
    services.delete(manager, org)
    client.force_login(manager)
    for trash, restore, obj, model in (
        ("/people/deleted/", f"/people/{person.pk}/restore/", person, Person),
        ("/organizations/deleted/", f"/organizations/{org.pk}/restore/", org, Organization),
    ):
        page = client.get(trash).content.decode()
        assert obj.name in page and restore in page
        response = client.post(restore)
        assert response.status_code == 302
        assert not model.all_objects.get(pk=obj.pk).is_deleted


def test_staff_cannot_restore(client, site):
    from qiao.core import services

    services.delete(site["users"]["manager"], site["person"])
    client.force_login(site["users"]["staff"])
    assert client.post(f"/people/{site['person'].pk}/restore/").status_code == 404
    assert site["person"].__class__.all_objects.get(pk=site["person"].pk).is_deleted


def test_exports_are_clean_spreadsheets(client, site):
    import io

    from openpyxl import load_workbook

    client.force_login(site["users"]["staff"])
    csv_text = client.get("/people/", {"export": "csv"}).content.decode("utf-8-sig")
    assert "<input" not in csv_text and "陳大文" in csv_text
    workbook = load_workbook(io.BytesIO(client.get("/people/", {"export": "xlsx"}).content))
    rows = list(workbook.active.values)
    assert rows[0][0] == "Full name" and rows[1][0] == "陳大文"


def test_an_administrator_disables_a_user_and_sets_a_password(client, site):
    admin, staff = site["users"]["admin"], site["users"]["staff"]
    client.force_login(admin)
    response = client.post(
        f"/users/{staff.pk}/edit/",
        {
            "display_name": "停用测试",
            "email": "",
            "language": "",
            "is_active": "",
            "new_password": "Another-long-pass-88",
        },
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert not staff.is_active and staff.check_password("Another-long-pass-88")
    client.force_login(site["users"]["manager"])
    assert client.get(f"/users/{staff.pk}/edit/").status_code == 403


def test_a_user_changes_their_own_password(client, site):
    staff = site["users"]["staff"]
    client.force_login(staff)
    response = client.post(
        "/password/",
        {
            "old_password": "Qiao-test-pass-9",
            "new_password1": "Brand-new-pass-321",
            "new_password2": "Brand-new-pass-321",
        },
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("Brand-new-pass-321")


def test_staff_cannot_export_the_deleted_list(client, site):
    from qiao.core import services

    services.delete(site["users"]["manager"], site["person"])
    client.force_login(site["users"]["staff"])
    body = client.get("/people/deleted/", {"export": "csv"}).content.decode("utf-8-sig")
    assert "陳大文" not in body
    client.force_login(site["users"]["manager"])
    assert "陳大文" in client.get("/people/deleted/", {"export": "csv"}).content.decode("utf-8-sig")


def test_relation_links_follow_the_role(client, site):
    person = site["person"]
    client.force_login(site["users"]["staff"])
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "/affiliations/" in page and "/delete/" not in page.split("Organisations")[-1].split("Shared with")[0]
    client.force_login(site["users"]["manager"])
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "affiliations/" in page and "/delete/" in page


def test_every_export_is_logged_with_who_what_and_how_many(client, site):
    from qiao.core.models import ActionLog

    client.force_login(site["users"]["staff"])
    client.get("/people/", {"export": "xlsx", "gender": "", "q": "陈"})
    entry = ActionLog.objects.get(action="qiao.export")
    assert entry.user == site["users"]["staff"]
    assert entry.data["model"] == "people.Person" and entry.data["rows"] == 1 and entry.data["format"] == "xlsx"
    assert entry.data["filters"] == {"gender": [""], "q": ["陈"]}


def test_shared_lists_are_edited_by_network_administrators_only(client, network, make_user):
    from qiao.activities.models import ActivityKind

    client.force_login(make_user("admin-a", network["a"], "admin"))
    assert client.get("/lists/").status_code == 403  # a base's administrator: the lists are everyone's
    client.force_login(make_user("admin-centre", network["centre"], "admin"))
    assert client.get("/lists/activity-kinds/").status_code == 200
    response = client.post(
        "/lists/activity-kinds/",
        {"code": "youth-forum", "name": "青年论坛", "name_hant": "青年論壇", "name_en": "Youth forum", "position": 20},
    )
    assert response.status_code == 302 and str(ActivityKind.objects.get(code="youth-forum")) == "Youth forum"
    client.post("/lists/activity-kinds/", {"code": "youth-forum", "name": "青年峰会", "position": 20})
    assert ActivityKind.objects.get(code="youth-forum").name == "青年峰会"  # the same code: changed, not doubled
    assert client.post("/lists/activity-kinds/", {"code": "", "name": ""}).status_code == 400
    forum = ActivityKind.objects.get(code="youth-forum")
    client.post("/lists/activity-kinds/", {"delete": forum.pk})
    assert not ActivityKind.objects.filter(code="youth-forum").exists()
    assert client.get("/lists/person-roles/").status_code == 200
    assert client.get("/lists/nonsense/").status_code == 404
