"""Insecure direct object references: base B guesses base A's ids — one by one through the API, or
mixed with its own ids in the bulk actions of the lists (delete, reassign, merge, share). Nothing of
base A may be shown, changed or deleted, and no answer may differ between "exists elsewhere" and
"does not exist"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.test_api_fuzz import RESOURCES
from tests.test_attack_world import build_world, media  # noqa: F401 - the `media` fixture
from tests.test_permission_matrix import url_patterns


@pytest.fixture
def world(network, make_user, make_person, make_org, media):  # noqa: F811 - media is a fixture
    return build_world(network, make_user, make_person, make_org)


def _detail_names():
    """API detail route names → the resource path segment."""
    names = {}
    for name, pattern in url_patterns():
        if name.startswith("api:") and name.endswith("-detail"):
            resource = str(pattern.pattern).lstrip("^").split("/")[0]
            names.setdefault(name, resource)
    return names


def test_scanning_ids_through_the_api_finds_nothing_of_another_base(client, world, make_token):
    """Guards every API viewset's queryset scoping: a base B token walking ids 1..N on every resource
    gets 404 for each of base A's records, exactly as for an id that does not exist."""
    from django.apps import apps

    token = make_token(world.users["manager_b"])
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    scanned = 0
    for name, resource in _detail_names().items():
        label = RESOURCES.get(resource)
        # units, users and the taxonomy are the network's; policies are public documents every unit reads
        if label is None or label in ("core.User", "core.Unit", "matching.Field", "core.ApiToken", "policies.Policy"):
            continue
        model = apps.get_model(label)
        top = model._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
        own = set(model._base_manager.filter(pk=world.b[label].pk).values_list("pk", flat=True))
        for pk in range(1, top + 3):
            response = client.get(reverse(name, kwargs={"pk": pk}), **headers)
            if pk in own and label != "notifications.Notification":
                assert response.status_code == 200, (resource, pk, response.status_code)
            elif pk == world.a[label].pk:
                assert response.status_code == 404, f"{resource}/{pk} of base A answers {response.status_code}"
                scanned += 1
    assert scanned >= 25


def test_every_api_list_of_base_b_holds_none_of_base_a(client, world, make_token):
    """Guards the list endpoints' scoping (and their filters): with base B's token, no list of any
    resource, however filtered by unit, holds one of base A's records."""
    token = make_token(world.users["manager_b"])
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    lists = 0
    for name, pattern in url_patterns():
        if not (name.startswith("api:") and name.endswith("-list")) or "format" in str(pattern.pattern):
            continue
        resource = str(pattern.pattern).lstrip("^").split("/")[0].rstrip("$")
        label = RESOURCES.get(resource)
        if label == "policies.Policy":  # public documents: every unit reads every unit's policies
            continue
        for query in ({}, {"unit": world.network["a"].pk}, {"page_size": 1000}):
            response = client.get(reverse(name), query, **headers)
            assert response.status_code in (200, 400), (name, query, response.status_code)
            if response.status_code != 200:
                continue
            lists += 1
            text = response.content.decode()
            assert "記錄甲" not in text, f"{name} {query} shows base A's record"
            if label and label in world.a and label not in ("core.Unit", "matching.Field"):
                data = response.json()
                rows = data.get("results", []) if isinstance(data, dict) else data
                assert world.a[label].pk not in {row.get("id") for row in rows}, (name, query)
    assert lists >= 40


BULK_DELETE = {
    "people:person_bulk_delete": "people.Person",
    "orgs:organization_bulk_delete": "orgs.Organization",
    "activities:activity_bulk_delete": "activities.Activity",
    "internships:position_bulk_delete": "internships.InternshipPosition",
    "matching:demand_bulk_delete": "matching.Demand",
    "policies:policy_bulk_delete": "policies.Policy",
    "projects:project_bulk_delete": "projects.Project",
    "relations:interaction_bulk_delete": "relations.Interaction",
    "agreements:agreement_bulk_delete": "agreements.Agreement",
    "carriers:carrier_bulk_delete": "carriers.Carrier",
    "proposals:proposal_bulk_delete": "proposals.Proposal",
}


def test_every_bulk_delete_is_bound_by_the_list_that_shows_it():
    """Guards BULK_DELETE below: a bulk action added to the project is added to this test."""
    names = {name for name, _pattern in url_patterns() if name.endswith("_bulk_delete")}
    assert names == set(BULK_DELETE), f"add to BULK_DELETE in tests/test_attack_idor.py: {names - set(BULK_DELETE)}"


@pytest.mark.parametrize("name", sorted(BULK_DELETE))
def test_a_bulk_delete_with_foreign_ids_deletes_nothing(client, world, name):
    """Guards the bulk deletes: base B's manager selecting their own record and base A's gets a 404
    and neither is deleted (all or nothing: nothing foreign, and no partial run)."""
    label = BULK_DELETE[name]
    mine, theirs = world.b[label], world.a[label]
    client.force_login(world.users["manager_b"])
    response = client.post(reverse(name), {"pk": [mine.pk, theirs.pk]})
    assert response.status_code == 404
    for record in (mine, theirs):
        record.refresh_from_db()
        assert record.deleted_at is None, f"{name} deleted {record!r}"


def test_a_bulk_reassign_with_foreign_cases_changes_nothing(client, world):
    """Guards the bulk reassignment of cases: one foreign case among the selected makes it a 404 and
    no case changes owner."""
    case_a, case_b = world.a["ledger.Case"], world.b["ledger.Case"]
    owners = {case.pk: case.owner_id for case in (case_a, case_b)}
    client.force_login(world.users["manager_b"])
    response = client.post(
        reverse("ledger:case_bulk_reassign"),
        {"pk": [case_b.pk, case_a.pk], "owner": world.users["staff_b"].pk, "note": "x"},
    )
    assert response.status_code in (302, 404)
    for case in (case_a, case_b):
        case.refresh_from_db()
        assert case.owner_id == owners[case.pk] or case is case_b, "a foreign case was reassigned"
    case_a.refresh_from_db()
    assert case_a.owner_id == owners[case_a.pk]


def test_merging_a_foreign_person_through_a_pair_of_ones_own_unit_is_refused(client, world):
    """Guards the duplicate review: a pair filed under base B that points at base A's person cannot
    merge (delete) base A's person, nor take their record's data over."""
    from qiao.people.models import DuplicateCandidate, Person

    theirs, mine = world.a["people.Person"], world.b["people.Person"]
    pair = DuplicateCandidate.objects.create(unit=world.network["b"], person=mine, other=theirs, score="0.99")
    client.force_login(world.users["manager_b"])
    for keep in ("", "other"):
        client.post(reverse("people:duplicate", args=[pair.pk]), {"keep": keep})
    assert Person.objects.filter(pk=theirs.pk, deleted_at__isnull=True).exists(), "base A's person was merged away"
    theirs.refresh_from_db()
    assert theirs.unit_id == world.network["a"].pk


def test_sharing_a_foreign_person_is_refused(client, world, make_token):
    """Guards sharing: base B cannot share base A's person with anyone (web and API) — 404."""
    from qiao.people.models import PersonShare

    theirs = world.a["people.Person"]
    before = PersonShare.objects.filter(person=theirs).count()
    client.force_login(world.users["manager_b"])
    web = client.post(reverse("people:person_share", args=[theirs.pk]), {"unit": world.network["b"].pk})
    assert web.status_code == 404
    token = make_token(world.users["manager_b"])
    api = client.post(
        f"/api/people/{theirs.pk}/shares/",
        {"unit": world.network["b"].pk, "access": "change"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert api.status_code == 404
    assert PersonShare.objects.filter(person=theirs).count() == before


def test_writing_a_record_into_a_foreign_record_is_refused(client, world, make_token):
    """Guards the API's related-record fields: base B cannot attach its record to base A's (an
    affiliation to A's organisation, a participation in A's activity, a task on A's case)."""
    token = make_token(world.users["manager_b"])
    headers = {"HTTP_AUTHORIZATION": f"Token {token}", "content_type": "application/json"}
    attempts = {
        "/api/affiliations/": {
            "person": world.b["people.Person"].pk,
            "organization": world.a["orgs.Organization"].pk,
            "kind": "member",
            "unit": world.network["b"].pk,
        },
        "/api/participations/": {
            "activity": world.a["activities.Activity"].pk,
            "person": world.b["people.Person"].pk,
            "unit": world.network["b"].pk,
        },
        "/api/case-tasks/": {"case": world.a["ledger.Case"].pk, "title": "x"},
        "/api/commitments/": {"agreement": world.a["agreements.Agreement"].pk, "text": "x"},
        f"/api/projects/{world.a['projects.Project'].pk}/tranches/": {"on": "2025-03-01", "amount": "1"},
    }
    for url, body in attempts.items():
        response = client.post(url, body, **headers)
        assert response.status_code in (400, 403, 404), (url, response.status_code, response.content[:300])
