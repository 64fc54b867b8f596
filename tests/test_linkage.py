"""Recognising people across scripts, and cleaning the registry: scan, merge, "not the same"."""

import datetime

import pytest

from qiao.core.models import ActionLog, ChangeRecord
from qiao.people import linkage, merging
from qiao.people.models import Affiliation, DuplicateCandidate, Person

BIRTH = datetime.date(1990, 5, 4)


@pytest.fixture
def chan(network, make_person):
    return make_person(
        network["a"],
        "陳大文",
        name_latin="CHAN Tai Man",
        birth_date=BIRTH,
        phones=["+85291234567"],
        documents=[{"kind": "hkid", "number": "A1234563"}],
    )


def decide(**fields):
    return linkage.link([linkage.Incoming(**fields)])[0]


def test_the_same_document_is_the_same_person(chan):
    decision = decide(name="陈大明", documents=[("hkid", "A1234563")])
    assert decision.outcome == "link" and decision.person == chan
    assert decision.candidates[0].reasons == ["document"]


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "陈大文", "birth_date": BIRTH, "phones": ["+85291234567"]},  # Simplified script
        {"name": "", "name_latin": "Tai Man CHAN", "birth_date": BIRTH, "phones": ["+85291234567"]},  # romanised only
        {"name": "陳大文", "name_latin": "CHAN Tai-man", "birth_date": BIRTH},
    ],
)
def test_cross_script_and_romanised_rows_link_to_the_known_person(chan, fields):
    decision = decide(**fields)
    assert decision.outcome == "link", decision
    assert decision.person == chan


def test_a_name_alone_goes_to_review_and_a_different_birth_date_is_new(chan):
    assert decide(name="陈大文", name_latin="CHAN Tai Man").outcome == "review"
    assert decide(name="陈大文", birth_date=datetime.date(1970, 1, 1)).outcome == "new"
    assert decide(name="李小龍", birth_date=BIRTH).outcome == "new"


def test_reasons_are_given_in_words(chan):
    candidate = decide(name="陈大文", birth_date=BIRTH).candidates[0]
    assert candidate.reason_labels() == ["same name", "same date of birth"]


@pytest.fixture
def duplicates(network, make_person, make_org, chan):
    twin = make_person(
        network["a"],
        "陈大文",
        name_latin="Chan Tai Man",
        birth_date=BIRTH,
        phones=["+85261234567"],
        documents=[{"kind": "hk_mo_permit", "number": "H12345678"}],
        title="经理",
    )
    org = make_org(network["a"], "香港惠州社團聯合總會")
    Affiliation.objects.create(person=twin, organization=org, kind="leader", unit=network["a"])
    return chan, twin


def test_the_scan_queues_a_pair_once(duplicates):
    assert merging.scan() == 1
    assert merging.scan() == 0
    pair = DuplicateCandidate.objects.get()
    assert {pair.person, pair.other} == set(duplicates)
    assert "name" in pair.reasons and "birth" in pair.reasons


def test_merge_moves_every_link_and_keeps_history(network, make_user, duplicates):
    chan, twin = duplicates
    manager = make_user("manager-a", network["a"], "manager")
    merging.scan()
    survivor = merging.merge(manager, chan, twin, choices={"title": "other"})
    assert survivor.title == "经理"
    assert set(survivor.phones) == {"+85291234567", "+85261234567"}
    assert {d.kind for d in survivor.documents.all()} == {"hkid", "hk_mo_permit"}
    assert Affiliation.objects.get().person == survivor
    merged = Person.all_objects.get(pk=twin.pk)
    assert merged.is_deleted and merged.merged_into == survivor
    assert ActionLog.objects.filter(action="qiao.person.merged", object_id=survivor.pk).exists()
    change = ChangeRecord.objects.filter(object_id=twin.pk, action="delete").get()
    assert change.before["documents"] == [{"kind": "hk_mo_permit", "number": "H12345678", "country": ""}]
    assert DuplicateCandidate.objects.get().status == "merged"
    assert linkage.link([linkage.Incoming(documents=[("hk_mo_permit", "H12345678")])])[0].person == survivor


def test_staff_cannot_merge(network, make_user, duplicates):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        merging.merge(make_user("staff-a", network["a"], "staff"), *duplicates)
    assert not Person.all_objects.filter(deleted_at__isnull=False).exists()


def test_not_the_same_person_is_remembered(network, make_user, duplicates):
    chan, twin = duplicates
    merging.scan()
    merging.mark_distinct(make_user("staff-a", network["a"], "staff"), twin, chan)
    assert DuplicateCandidate.objects.get().status == "distinct"
    DuplicateCandidate.objects.all().delete()
    assert merging.scan() == 0


def test_review_and_merge_in_the_web_ui(client, network, make_user, duplicates):
    chan, twin = duplicates
    manager = make_user("manager-a", network["a"], "manager")
    merging.scan()
    pair = DuplicateCandidate.objects.get()
    client.force_login(manager)
    listing = client.get("/people/duplicates/").content.decode()
    assert f"/people/duplicates/{pair.pk}/" in listing
    page = client.get(f"/people/duplicates/{pair.pk}/").content.decode()
    assert "table-warning" in page and "经理" in page
    keep = "person" if pair.person == chan else "other"
    response = client.post(f"/people/duplicates/{pair.pk}/", {"keep": keep, "decision": "merge", "title": "drop"})
    assert response.status_code == 302
    chan.refresh_from_db()
    assert chan.title == "经理" and Person.all_objects.get(pk=twin.pk).merged_into == chan


def test_a_sibling_base_never_sees_the_pair(client, network, make_user, duplicates):
    merging.scan()
    pair = DuplicateCandidate.objects.get()
    client.force_login(make_user("manager-b", network["b"], "manager"))
    assert f"/people/duplicates/{pair.pk}/" not in client.get("/people/duplicates/").content.decode()
    assert client.get(f"/people/duplicates/{pair.pk}/").status_code == 404
    assert client.post(f"/people/duplicates/{pair.pk}/", {"decision": "merge"}).status_code == 404


def test_scan_command(duplicates):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("scan_duplicates", stdout=out)
    assert out.getvalue().startswith("1 new pairs queued")


def test_scan_from_the_review_page(client, network, make_user, make_person):
    import datetime

    from qiao.core.models import ActionLog
    from qiao.people.models import DuplicateCandidate

    staff = make_user("staff-a", network["a"], "staff")
    viewer = make_user("viewer-a", network["a"], "viewer")
    first = make_person(network["a"], "陳大文", birth_date=datetime.date(1990, 5, 4))
    second = make_person(network["a"], "陈大文", birth_date=datetime.date(1990, 5, 4))
    make_person(network["b"], "陈大文", birth_date=datetime.date(1990, 5, 4))  # base B's: not in A's scan
    client.force_login(viewer)
    assert client.post("/people/duplicates/scan/").status_code == 403
    client.force_login(staff)
    assert client.post("/people/duplicates/scan/").status_code == 302
    pairs = DuplicateCandidate.objects.all()
    assert [{p.person_id, p.other_id} for p in pairs] == [{first.pk, second.pk}]
    assert ActionLog.objects.get(action="qiao.duplicates.scanned").data["queued"] == 1
    page = client.get("/people/duplicates/").content.decode()
    assert "Last scan" in page and 'id="scan"' in page
