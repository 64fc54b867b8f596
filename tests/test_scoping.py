"""Who may see and change what: one matrix of role × where the record lives × action, through the
web UI and the API alike, including search, export and guessed URLs."""

import pytest

ROLES = ["viewer", "staff", "manager", "admin"]
PLACES = ["own", "child", "sibling"]
# (role, place, action) → allowed?
EXPECTED = {
    (role, place, action): place != "sibling"
    and {
        "view": True,
        "change": role != "viewer",
        "delete": role in ("manager", "admin"),
    }[action]
    for role in ROLES
    for place in PLACES
    for action in ("view", "change", "delete")
}


@pytest.fixture
def world(network, make_user, make_person):
    people = {
        "own": make_person(network["a"], name="陳大文", phones=["+85291234567"]),
        "child": make_person(network["a1"], name="黃小明", name_latin="WONG Siu Ming"),
        "sibling": make_person(network["b"], name="陳大文", name_latin="CHAN Tai Man"),
    }
    users = {role: make_user(f"{role}-a", network["a"], role) for role in ROLES}
    return people, users


def _ui_status(client, action, person):
    if action == "view":
        return client.get(f"/people/{person.pk}/").status_code
    if action == "change":
        return client.post(
            f"/people/{person.pk}/edit/",
            {
                "name": person.name,
                "name_latin": person.name_latin,
                "unit": person.unit_id,
                "doc-TOTAL_FORMS": 0,
                "doc-INITIAL_FORMS": 0,
                "edu-TOTAL_FORMS": 0,
                "edu-INITIAL_FORMS": 0,
                "title": "改过",
            },
        ).status_code
    return client.post(f"/people/{person.pk}/delete/").status_code


def _api_status(client, action, person):
    url = f"/api/people/{person.pk}/"
    if action == "view":
        return client.get(url).status_code
    if action == "change":
        return client.patch(url, {"title": "改过"}, format="json").status_code
    return client.delete(url).status_code


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("action", ["view", "change", "delete"])
def test_web_ui_follows_the_matrix(client, world, role, place, action):
    people, users = world
    client.force_login(users[role])
    status = _ui_status(client, action, people[place])
    if EXPECTED[(role, place, action)]:
        assert status in (200, 302), status
    else:
        assert status in (403, 404), status
    person = type(people[place]).all_objects.get(pk=people[place].pk)
    if action == "change":
        assert (person.title == "改过") == EXPECTED[(role, place, action)]
    if action == "delete":
        assert person.is_deleted == EXPECTED[(role, place, action)]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("action", ["view", "change", "delete"])
def test_api_follows_the_matrix(api, world, role, place, action):
    people, users = world
    status = _api_status(api(users[role]), action, people[place])
    if EXPECTED[(role, place, action)]:
        assert status in (200, 204), status
    else:
        assert status in (403, 404), status


@pytest.mark.parametrize("role", ROLES)
def test_search_never_shows_a_sibling_base(client, api, world, role):
    people, users = world
    client.force_login(users[role])
    page = client.get("/search/", {"q": "陈大文"}).content.decode()
    assert f"/people/{people['own'].pk}/" in page
    assert f"/people/{people['sibling'].pk}/" not in page
    found = [row["id"] for row in api(users[role]).get("/api/people/", {"q": "chan tai man"}).json()["results"]]
    assert people["own"].pk in found and people["sibling"].pk not in found
    listed = client.get("/people/", {"q": "cdw"}).content.decode()
    assert f"/people/{people['sibling'].pk}/" not in listed


@pytest.mark.parametrize("role", ["staff", "manager", "admin"])
def test_exports_hold_only_what_the_user_may_see(client, world, role):
    people, users = world
    client.force_login(users[role])
    response = client.get("/people/", {"export": "csv"})
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert "黃小明" in body and "陳大文" in body
    assert body.count("陳大文") == 1  # the sibling base's 陳大文 is not exported


def test_viewers_may_not_export(client, world):
    _people, users = world
    client.force_login(users["viewer"])
    assert client.get("/people/", {"export": "xlsx"}).status_code == 403


def test_guessed_urls_of_another_base_are_not_found(client, api, world):
    people, users = world
    client.force_login(users["admin"])
    sibling = people["sibling"]
    for url in (f"/people/{sibling.pk}/", f"/people/{sibling.pk}/history/", f"/people/{sibling.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    assert api(users["admin"]).get(f"/api/people/{sibling.pk}/").status_code == 404


def test_bulk_delete_refuses_a_selection_with_a_foreign_record(client, world):
    people, users = world
    client.force_login(users["manager"])
    response = client.post("/people/delete/", {"pk": [people["own"].pk, people["sibling"].pk]})
    assert response.status_code == 404
    assert not type(people["own"]).all_objects.get(pk=people["own"].pk).is_deleted


def test_centre_staff_see_every_base(network, make_user, world):
    from qiao.people.models import Person

    people, _users = world
    centre_viewer = make_user("centre-viewer", network["centre"], "viewer")
    assert set(Person.objects.restrict(centre_viewer).values_list("pk", flat=True)) == {p.pk for p in people.values()}


def test_a_person_shared_with_another_base_becomes_visible_there(network, make_user, world):
    from qiao.people.models import Person
    from qiao.people.services import share_person

    people, users = world
    b_staff = make_user("staff-b", network["b"], "staff")
    assert not Person.objects.restrict(b_staff).filter(pk=people["own"].pk).exists()
    share_person(users["manager"], people["own"], network["b"])
    assert Person.objects.restrict(b_staff).filter(pk=people["own"].pk).exists()
    assert not Person.objects.restrict(b_staff, "change").filter(pk=people["own"].pk).exists()


def test_staff_cannot_share(world, network):
    from django.core.exceptions import PermissionDenied

    from qiao.people.services import share_person

    people, users = world
    with pytest.raises(PermissionDenied):
        share_person(users["staff"], people["own"], network["b"])


def test_a_record_cannot_be_moved_to_a_unit_outside_the_users_scope(api, world, network):
    people, users = world
    response = api(users["staff"]).patch(f"/api/people/{people['own'].pk}/", {"unit": network["b"].pk}, format="json")
    assert response.status_code == 400
    assert "unit" in response.json()
    people["own"].refresh_from_db()
    assert people["own"].unit_id == network["a"].pk


def test_saving_rechecks_scope_inside_the_transaction(world, network):
    """A service call with a forged unit is refused and nothing is written."""
    from django.core.exceptions import PermissionDenied

    from qiao.people.models import Person
    from qiao.people.services import save_person

    _people, users = world
    before = Person.all_objects.count()
    with pytest.raises(PermissionDenied):
        save_person(users["admin"], Person(unit=network["b"], name="越权"), documents=[])
    assert Person.all_objects.count() == before
