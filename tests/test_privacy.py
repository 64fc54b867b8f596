"""People's rights (PIPL, Hong Kong and Macao personal data laws): consents, subject access exports,
erasure that keeps every past figure true, the retention review and the register of cross-border
transfers. Each test says which protection it guards; each fails when that protection is removed."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from qiao.activities import services as activity_services
from qiao.activities.models import Activity, ActivityKind, Participation
from qiao.core.context import acting
from qiao.core.models import ActionLog, ChangeRecord, SearchKey
from qiao.core.search import search
from qiao.people import merging
from qiao.people.models import DuplicateCandidate, IdentityDocument, Person
from qiao.people.services import share_person
from qiao.privacy import erasure, export, services
from qiao.privacy.models import (
    Consent,
    ErasureRecord,
    RetentionFlag,
    RetentionStatus,
    Transfer,
    TransferSource,
    UnitLocation,
)
from qiao.reports import metrics
from qiao.reports.periods import Period

D = datetime.date
NAME = "歐陽靜儀"
LATIN = "AU YEUNG Ching Yee"
PHONE = "+85261234567"
EMAIL = "ching.yee.au@example.org"
HKID = "K1234560"  # a valid HKID (check digit 0)


@pytest.fixture
def root(make_user):
    return make_user("root", is_superuser=True)


@pytest.fixture
def manager_a(network, make_user):
    return make_user("manager-a", network["a"], "manager")


@pytest.fixture
def staff_a(network, make_user):
    return make_user("staff-a", network["a"], "staff")


@pytest.fixture
def manager_b(network, make_user):
    return make_user("manager-b", network["b"], "manager")


@pytest.fixture
def hk_manager(network, make_user):
    return make_user("hk-manager", network["hk"], "manager")


@pytest.fixture
def kinds(db):
    from qiao.activities.defaults import ensure

    ensure()
    return {k.code: k for k in ActivityKind.objects.all()}


@pytest.fixture
def person(network, make_person, root):
    return make_person(
        network["a"],
        NAME,
        name_latin=LATIN,
        region="HK",
        gender="F",
        birth_date=D(1996, 5, 4),
        phones=[PHONE],
        emails=[EMAIL],
        profile=f"{NAME} 做電池研究，電話 {PHONE}",
        documents=[{"kind": "hkid", "number": HKID}],
        user=root,
    )


def activity(root, kinds, unit, day, title):
    return activity_services.save_activity(
        root, Activity(unit=unit, kind=kinds["exchange-visit"], title=title, start_date=day)
    )


@pytest.fixture
def world(network, root, kinds, person, make_person, make_org):
    """The person with records in many apps, and two other people beside them."""
    from qiao.ledger.defaults import ensure as ledger_defaults
    from qiao.ledger.models import Case, ServiceKind, ServiceRecord
    from qiao.ledger.services import save_case, save_service_record
    from qiao.matching import services as matching
    from qiao.matching.models import Demand, TalentProfile

    ledger_defaults()
    other = make_person(network["a"], "林小明", region="MO", user=root)
    third = make_person(network["b"], "張志強", region="HK", user=root)
    first = activity(root, kinds, network["a"], D(2023, 3, 10), "深港青年交流")
    second = activity(root, kinds, network["a"], D(2023, 6, 2), "新能源企業參訪")
    for act in (first, second):
        activity_services.add_participant(root, act, person, status="attended", notes=f"{NAME} 帶隊")
        activity_services.add_participant(root, act, other, status="attended")
    activity_services.add_participant(root, second, third, status="attended")
    org = make_org(network["a"], "惠州新能源科技有限公司")
    save_case(
        root,
        Case(
            unit=network["a"],
            organization=org,
            category="approvals",
            title=f"{NAME} 反映人才公寓申請",
            description=f"聯繫 {PHONE}",
            raised_by=person,
            raised_on=D(2023, 4, 1),
        ),
    )
    save_service_record(
        root,
        ServiceRecord(
            unit=network["a"], kind=ServiceKind.objects.first(), on=D(2023, 4, 2), person=person, summary="政策諮詢"
        ),
    )
    matching.save_profile(root, TalentProfile(person=person, skills="鋰電池 電芯設計", contact_consent=True))
    demand = matching.save_demand(root, Demand(unit=network["a"], organization=org, title="電池工程師", headcount=1))
    matching.propose(root, demand, person, note=f"{NAME} 很合適")
    return {"other": other, "third": third, "activities": [first, second], "org": org, "demand": demand}


# ---------------------------------------------------------------------------------------------------------
# Consents


def test_a_consent_is_recorded_and_withdrawn_as_a_change_never_a_delete(person, staff_a):
    """Guards: withdrawing keeps the consent (withdrawn_on set), and the history keeps both states."""
    consent = services.record_consent(
        staff_a, person, purpose="publicity", given_on=D(2024, 1, 5), method="written", note="活動同意書"
    )
    withdrawn = services.withdraw_consent(staff_a, consent, on=D(2024, 2, 1))
    assert Consent.objects.filter(pk=consent.pk, withdrawn_on=D(2024, 2, 1)).exists()
    assert withdrawn.is_active is False
    actions = list(
        ChangeRecord.objects.filter(object_id=consent.pk, content_type__model="consent").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["create", "update"]


def test_a_consent_is_not_withdrawn_twice_nor_given_in_the_future(person, staff_a):
    """Guards: bad input is refused naming the field, and nothing is written."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.record_consent(staff_a, person, purpose="registry", given_on=tomorrow, method="online")
    assert "given_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.record_consent(staff_a, person, purpose="other", given_on=D(2024, 1, 1), method="online")
    assert "purpose_other" in error.value.message_dict
    assert not Consent.objects.exists()
    consent = services.record_consent(staff_a, person, purpose="registry", given_on=D(2024, 1, 1), method="online")
    services.withdraw_consent(staff_a, consent, on=D(2024, 3, 1))
    with pytest.raises(ValidationError) as error:
        services.withdraw_consent(staff_a, consent, on=D(2024, 4, 1))
    assert "withdrawn_on" in error.value.message_dict
    assert Consent.objects.get(pk=consent.pk).withdrawn_on == D(2024, 3, 1)
    other = services.record_consent(staff_a, person, purpose="matching", given_on=D(2024, 5, 1), method="verbal")
    with pytest.raises(ValidationError) as error:
        services.withdraw_consent(staff_a, other, on=D(2024, 4, 1))
    assert "withdrawn_on" in error.value.message_dict


def test_consents_follow_the_persons_scope(network, person, make_user):
    """Guards: a user who may not change the person cannot record or withdraw their consents."""
    staff_b = make_user("staff-b", network["b"], "staff")
    viewer_a = make_user("viewer-a", network["a"], "viewer")
    for user in (staff_b, viewer_a):
        with pytest.raises(PermissionDenied):
            services.record_consent(user, person, purpose="registry", given_on=D(2024, 1, 1), method="online")
    assert not Consent.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# Subject access


def _zip(content: bytes) -> tuple[dict, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["data.json", "summary.md"]
        return json.loads(archive.read("data.json")), archive.read("summary.md").decode()


def test_the_export_holds_every_record_about_the_person_in_full(world, person, manager_a):
    """Guards: every model linked to Person is in the file (found generically), values unmasked, and
    the export is logged."""
    name, content = export.export_person(manager_a, person)
    assert name.endswith(".zip")
    data, summary = _zip(content)
    assert data["person"]["name"] == NAME and data["person"]["phones"] == [PHONE]
    assert data["person"]["birth_date"] == "1996-05-04"
    linked = data["linked"]
    assert [d["number"] for d in linked["people.IdentityDocument.person"]["records"]] == [HKID]
    assert len(linked["activities.Participation.person"]["records"]) == 2
    for label in (
        "ledger.Case.raised_by",
        "ledger.ServiceRecord.person",
        "matching.Match.person",
        "matching.TalentProfile.person",
    ):
        assert linked[label]["records"], label
    assert any(change["model"] == "people.Person" for change in data["history"])
    assert NAME in summary and PHONE in summary
    log = ActionLog.objects.get(action="qiao.privacy.exported")
    assert log.object_id == person.pk and log.user_id == manager_a.pk


def test_only_managers_of_the_owning_unit_export(network, person, staff_a, manager_b, make_user):
    """Guards: staff, and managers of another base (even with a share), cannot export the person."""
    share_person(make_user("centre-admin", network["centre"], "admin"), person, network["b"], "change")
    for user in (staff_a, manager_b):
        with pytest.raises(PermissionDenied):
            export.export_person(user, person)
    assert not ActionLog.objects.filter(action="qiao.privacy.exported").exists()


def test_an_export_by_a_user_of_a_unit_outside_the_mainland_is_a_transfer(network, person, make_user):
    """Guards: a Hong Kong user's export of a mainland unit's person enters the transfer register."""
    user = make_user("both", network["a"], "manager")
    from qiao.core.models import Membership

    Membership.objects.create(user=user, unit=network["hk"], role="staff")
    export.export_person(user, person)
    transfer = Transfer.objects.get()
    assert (transfer.source, transfer.region, transfer.to_unit_id) == (TransferSource.EXPORT, "HK", network["hk"].pk)


# ---------------------------------------------------------------------------------------------------------
# Cross-border transfers


def test_sharing_with_a_unit_outside_the_mainland_records_a_transfer(network, person, manager_a):
    """Guards: a share with the Hong Kong workstation is entered in the register; one with a mainland base
    is not."""
    with acting(user=manager_a, source="web"):  # as a request does
        share_person(manager_a, person, network["hk"], "view", "人才對接")
        share_person(manager_a, person, network["a1"], "view")
    transfer = Transfer.objects.get()
    assert (transfer.region, transfer.to_unit, transfer.from_unit) == ("HK", network["hk"], network["a"])
    assert transfer.source == TransferSource.SHARE and transfer.by == manager_a
    assert services.unit_region(network["hk"]) == "HK" and services.unit_region(network["b"]) == "MAINLAND"


def test_a_units_location_can_be_set_explicitly(network, person, manager_a, root):
    """Guards: an explicit location wins over the name (a base in Macao named without 澳門)."""
    services.set_unit_region(root, network["b"], "MO")
    share_person(root, person, network["b"], "view")
    assert Transfer.objects.get().region == "MO"
    with pytest.raises(PermissionDenied):
        services.set_unit_region(manager_a, network["a1"], "TW")
    with pytest.raises(ValidationError):
        services.set_unit_region(root, network["a1"], "MARS")
    assert UnitLocation.objects.count() == 1


def test_a_transfer_by_hand_needs_its_fields(person, staff_a, network):
    """Guards: a transfer without destination, purpose, basis or categories is refused, naming each field."""
    with pytest.raises(ValidationError) as error:
        services.record_transfer(staff_a, person, region="MARS", purpose=" ", legal_basis="", categories=[])
    assert {"region", "purpose", "legal_basis", "categories", "to_text"} <= set(error.value.message_dict)
    transfer = services.record_transfer(
        staff_a,
        person,
        region="OVERSEAS",
        purpose="海外聯誼會推薦",
        legal_basis="consent",
        categories=["identity", "contact"],
        to_text="溫哥華華人聯合會",
    )
    assert transfer.unit_id == network["a"].pk and Transfer.objects.count() == 1


# ---------------------------------------------------------------------------------------------------------
# Erasure


def _figures(root, network):
    period = Period(D(2023, 1, 1), D(2023, 12, 31))
    keys = [
        "activities.batches",
        "activities.person_times",
        "activities.people",
        "activities.first_timers",
        "cases.opened",
        "services.records",
        "registry.people",
    ]
    out = {}
    for key in keys:
        for by in [None, *metrics.breakdowns(metrics.get(key))]:
            figure = metrics.compute(root, key, period, unit=network["centre"], by=by)
            out[(key, by)] = (figure.total, [(row.key, row.value) for row in figure.rows])
    acts = Activity.objects.filter(start_date__year=2023)
    out["figures"] = activity_services.figures(root, acts, since=D(2023, 1, 1))
    return out


def _database_text() -> str:
    """Every value of every table, as text: what a dump of the database would show."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("utf-8", "replace")
                    parts.append(str(value))
    return "\n".join(parts)


def _traces(value: str) -> list[str]:
    return [value, json.dumps(value)[1:-1], value.lower()]


def test_erasure_keeps_every_figure_and_leaves_no_trace(world, person, manager_a, root, network):
    """Guards: after an erasure every figure (metrics and activity figures, with breakdowns) is the
    same, and the name, phone, e-mail and document number appear nowhere in the database — history,
    events, search keys and free text included (on SQLite and PostgreSQL)."""
    person.created = timezone.make_aware(datetime.datetime(2023, 2, 1))
    Person.objects.filter(pk=person.pk).update(created=person.created)
    share_person(manager_a, person, network["hk"], "view", f"{NAME} 的資料")
    services.record_consent(
        manager_a, person, purpose="registry", given_on=D(2023, 1, 1), method="written", note=f"{NAME} 簽署"
    )
    export.export_person(manager_a, person)
    ActionLog.record("qiao.export", None, query=f"q={NAME}", filters={"q": [NAME]})
    before = _figures(root, network)
    assert before[("activities.people", None)][0] == 3 and before[("registry.people", None)][0] >= 1
    dump = _database_text()
    assert NAME in dump or json.dumps(NAME)[1:-1] in dump  # the check below can see the name
    assert PHONE in dump and HKID in dump
    record = erasure.erase(person, manager_a, "本人書面要求刪除 2024-05-01")
    assert _figures(root, network) == before
    dump = _database_text()
    for secret in (NAME, LATIN, PHONE, "61234567", EMAIL, HKID, "K123456(0)", "欧阳静仪"):
        for trace in _traces(secret):
            assert trace not in dump, secret
    erased = Person.objects.get(pk=person.pk)
    assert erased.name == f"已删除 #{person.pk}" and erased.region == "HK" and erased.unit_id == network["a"].pk
    assert erased.phones == [] and erased.birth_date is None and not erased.tags.exists()
    assert Participation.objects.filter(person=person).count() == 2
    assert set(Participation.objects.filter(person=person).values_list("notes", flat=True)) == {"已删除"}
    assert not IdentityDocument.objects.filter(person=person).exists()
    assert record.counts_kept["activities.Participation"] == 2
    assert ActionLog.objects.filter(action="qiao.privacy.erased", object_id=person.pk).exists()
    assert Consent.objects.filter(person=person).count() == 1  # the consent stays, its note cleared


def test_an_erased_person_is_never_found_again(world, person, manager_a, root, network, make_person):
    """Guards: search, record linkage and the duplicate scan never bring an erased person back, nor pair
    two erased people with each other."""
    from qiao.people import linkage

    twin = make_person(network["a"], "歐陽志明", region="HK", user=root)
    erasure.erase(person, manager_a, "本人要求")
    erasure.erase(twin, manager_a, "本人要求")
    people = Person.objects.all()
    for query in (NAME, LATIN, PHONE, EMAIL, HKID, "已删除"):
        assert person.pk not in set(search(people, query).values_list("pk", flat=True)), query
    assert not SearchKey.objects.filter(object_id=person.pk, content_type__model="person").exists()
    incoming = linkage.Incoming(
        name=NAME,
        name_latin=LATIN,
        birth_date=D(1996, 5, 4),
        phones=[PHONE],
        emails=[EMAIL],
        documents=[("hkid", HKID)],
        region="HK",
    )
    decision = linkage.link([incoming])[0]
    assert person.pk not in {c.person.pk for c in decision.candidates}
    merging.scan()
    assert not DuplicateCandidate.objects.filter(person__in=[person, twin]).exists()
    assert not DuplicateCandidate.objects.filter(other__in=[person, twin]).exists()


def test_erasure_is_for_managers_of_the_owning_unit_once_with_a_reason(person, staff_a, manager_b, manager_a):
    """Guards: staff and another base's manager cannot erase; a reason is required; twice is refused."""
    for user in (staff_a, manager_b):
        with pytest.raises(PermissionDenied):
            erasure.erase(person, user, "要求")
    with pytest.raises(ValidationError) as error:
        erasure.erase(person, manager_a, "  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        erasure.erase(person, manager_a, "要求", confirm_name="歐陽")
    assert "confirm_name" in error.value.message_dict
    assert Person.objects.get(pk=person.pk).name == NAME
    erasure.erase(person, manager_a, "要求", confirm_name=NAME)
    with pytest.raises(ValidationError):
        erasure.erase(person, manager_a, "再次")
    assert ErasureRecord.objects.count() == 1


def test_records_merged_into_the_person_are_erased_too(network, person, make_person, manager_a, root):
    """Guards: a duplicate merged into the person earlier (the same human) loses its data as well."""
    duplicate = make_person(network["a"], NAME, name_latin=LATIN, phones=["+85291112222"], user=root)
    merging.merge(root, person, duplicate)
    erasure.erase(person, manager_a, "本人要求")
    merged = Person.all_objects.get(pk=duplicate.pk)
    assert merged.name == f"已删除 #{duplicate.pk}" and merged.phones == []
    assert "91112222" not in _database_text()


# ---------------------------------------------------------------------------------------------------------
# Retention


def test_retention_lists_people_not_touched_and_a_manager_keeps_or_erases_them(
    world, network, person, make_person, root, manager_a
):
    """Guards: anyone with a recent change, participation, case … is not listed; --flag records them once;
    keeping needs a reason and closes the flag."""
    old = timezone.now() - datetime.timedelta(days=365 * 7)
    quiet = make_person(network["a"], "何靜", user=root)
    Person.objects.filter(pk__in=[quiet.pk, person.pk]).update(updated=old)
    people, _cutoff = services.untouched(5)
    listed = set(people.values_list("pk", flat=True))
    assert quiet.pk in listed
    assert person.pk not in listed  # their participations and case are recent (updated)
    Participation.objects.filter(person=person).update(updated=old)
    with pytest.raises(ValidationError):
        services.untouched("x")
    flags = services.flag_untouched(manager_a, 5)
    assert [f.person_id for f in flags] == [quiet.pk]
    assert services.flag_untouched(manager_a, 5) == []  # not twice
    with pytest.raises(ValidationError) as error:
        services.keep_flagged(manager_a, flags[0], " ")
    assert "note" in error.value.message_dict
    kept = services.keep_flagged(manager_a, flags[0], "仍在跟進人才公寓申請")
    assert kept.status == RetentionStatus.KEPT and kept.decided_by == manager_a
    assert services.flag_untouched(manager_a, 5) == []  # kept within the period: not asked again
    with pytest.raises(ValidationError):
        services.keep_flagged(manager_a, flags[0], "again")


def test_the_retention_command_lists_and_flags(network, make_person, root, capsys):
    """Guards: the command lists people by unit and flags them for the review page."""
    quiet = make_person(network["a1"], "何靜", user=root)
    Person.objects.filter(pk=quiet.pk).update(updated=timezone.now() - datetime.timedelta(days=800))
    call_command("privacy", "retention", "--years", "2", "--unit", "base-a", "--flag")
    out = capsys.readouterr().out
    assert f"{quiet.pk}\t何靜" in out and "flagged 1" in out
    assert RetentionFlag.objects.get().person_id == quiet.pk
    call_command("privacy", "retention", "--years", "2", "--unit", "base-b")
    assert "0 people" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("privacy", "retention", "--years", "0")


# ---------------------------------------------------------------------------------------------------------
# Pages


def test_the_person_page_shows_the_panel_and_the_pages_work(client, network, person, manager_a):
    """Guards: consents recorded and withdrawn through pages; bad input is a 400 naming the field."""
    client.force_login(manager_a)
    page = client.get(person.get_absolute_url())
    assert page.status_code == 200 and b'id="privacy"' in page.content and b"privacy-erase" in page.content
    url = reverse("privacy:consent_add", args=[person.pk])
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    bad = client.post(url, {"purpose": "publicity", "given_on": future, "method": "written"})
    assert bad.status_code == 400 and b'data-field="given_on"' in bad.content
    assert not Consent.objects.exists()
    response = client.post(url, {"purpose": "publicity", "given_on": "2024-01-05", "method": "written"})
    assert response.status_code == 302
    consent = Consent.objects.get()
    withdraw = reverse("privacy:consent_withdraw", args=[consent.pk])
    assert client.post(withdraw, {"withdrawn_on": "2024-02-01"}).status_code == 302
    again = client.post(withdraw, {"withdrawn_on": "2024-02-02"})
    assert again.status_code == 400 and b'data-field="withdrawn_on"' in again.content
    assert Consent.objects.get().withdrawn_on == D(2024, 2, 1)
    download = client.get(reverse("privacy:person_export", args=[person.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert _zip(download.content)[0]["person"]["name"] == NAME


def test_a_base_b_manager_gets_404_for_a_base_a_person(client, api, person, manager_b, staff_a):
    """Guards: export and erasure pages and endpoints are scoped (404 outside the scope; 403 for staff
    who see the person but do not manage their unit)."""
    client.force_login(manager_b)
    for name in ("privacy:person_export", "privacy:person_erase", "privacy:consent_add"):
        assert client.get(reverse(name, args=[person.pk])).status_code == 404, name
    assert (
        client.post(
            reverse("privacy:person_erase", args=[person.pk]), {"reason": "x", "confirm_name": NAME}
        ).status_code
        == 404
    )
    b = api(manager_b)
    assert b.get(f"/api/people/{person.pk}/export/").status_code == 404
    assert (
        b.post(f"/api/people/{person.pk}/erase/", {"reason": "x", "confirm_name": NAME}, format="json").status_code
        == 404
    )
    assert b.get(f"/api/people/{person.pk}/consents/").status_code == 404
    a = api(staff_a)
    assert a.get(f"/api/people/{person.pk}/export/").status_code == 403
    assert (
        a.post(f"/api/people/{person.pk}/erase/", {"reason": "x", "confirm_name": NAME}, format="json").status_code
        == 403
    )
    assert Person.objects.get(pk=person.pk).name == NAME
    assert not ActionLog.objects.filter(action__startswith="qiao.privacy.").exists()


def test_the_erase_page_needs_the_name_typed(client, person, manager_a):
    """Guards: the confirmation must match the name; a second erasure is refused with a message."""
    client.force_login(manager_a)
    url = reverse("privacy:person_erase", args=[person.pk])
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"reason": "本人要求", "confirm_name": "某人"})
    assert wrong.status_code == 400 and b'data-field="confirm_name"' in wrong.content
    assert not ErasureRecord.objects.exists()
    assert client.post(url, {"reason": "本人要求", "confirm_name": NAME}).status_code == 302
    assert ErasureRecord.objects.filter(person=person).exists()
    again = client.post(url, {"reason": "再次", "confirm_name": NAME})
    assert again.status_code in (302, 303) and ErasureRecord.objects.count() == 1


def test_the_registers_are_for_managers(client, network, person, manager_a, staff_a, manager_b):
    """Guards: the transfer register lists only the units the manager manages and refuses staff; its
    export works."""
    share_person(manager_a, person, network["hk"], "view")
    client.force_login(manager_a)
    page = client.get(reverse("privacy:transfer_list"))
    assert page.status_code == 200 and NAME.encode() in page.content
    exported = client.get(reverse("privacy:transfer_list") + "?export=csv")
    assert exported.status_code == 200 and NAME in exported.content.decode("utf-8-sig")
    assert client.get(reverse("privacy:retention")).status_code == 200
    client.force_login(manager_b)
    assert NAME.encode() not in client.get(reverse("privacy:transfer_list")).content
    client.force_login(staff_a)
    assert client.get(reverse("privacy:transfer_list")).status_code == 403


# ---------------------------------------------------------------------------------------------------------
# API and command line


def test_consents_through_the_api(api, person, staff_a):
    """Guards: list/create/withdraw through the API, with 400s naming the field for bad input."""
    client = api(staff_a)
    url = f"/api/people/{person.pk}/consents/"
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    bad = client.post(url, {"purpose": "registry", "given_on": future, "method": "online"}, format="json")
    assert bad.status_code == 400 and "given_on" in bad.json()
    bad = client.post(url, {"purpose": "nonsense", "given_on": "2024-01-01", "method": "online"}, format="json")
    assert bad.status_code == 400 and "purpose" in bad.json()
    made = client.post(url, {"purpose": "newsletter", "given_on": "2024-01-01", "method": "online"}, format="json")
    assert made.status_code == 201, made.content
    cid = made.json()["id"]
    assert client.post(f"{url}{cid}/withdraw/", {}, format="json").status_code == 200
    twice = client.post(f"{url}{cid}/withdraw/", {}, format="json")
    assert twice.status_code == 400 and "withdrawn_on" in twice.json()
    listed = client.get(url).json()
    assert listed[0]["active"] is False and listed[0]["withdrawn_on"]


def test_export_and_erase_through_the_api_and_the_command(api, world, person, manager_a, tmp_path, root):
    """Guards: the API gives the .zip to a manager; the API erasure needs the name; the command exports
    and erases, and refuses a second erasure."""
    client = api(manager_a)
    response = client.get(f"/api/people/{person.pk}/export/")
    assert response.status_code == 200 and _zip(response.content)[0]["person"]["phones"] == [PHONE]
    wrong = client.post(f"/api/people/{person.pk}/erase/", {"reason": "x", "confirm_name": "y"}, format="json")
    assert wrong.status_code == 400 and "confirm_name" in wrong.json()
    target = tmp_path / "data.zip"
    call_command("privacy", "export", str(world["other"].pk), "-o", str(target))
    assert _zip(target.read_bytes())[0]["person"]["name"] == "林小明"
    call_command("privacy", "erase", str(person.pk), "--reason", "本人書面要求")
    assert ErasureRecord.objects.filter(person=person).exists()
    with pytest.raises(CommandError):
        call_command("privacy", "erase", str(person.pk), "--reason", "again")
    with pytest.raises(CommandError):
        call_command("privacy", "export", "99999", "-o", str(target))
    erased = client.post(f"/api/people/{person.pk}/erase/", {"reason": "x", "confirm_name": NAME}, format="json")
    assert erased.status_code == 400


def test_an_erased_person_can_no_longer_be_edited(client, person, manager_a):
    """Guards: the edit form and the API cannot type an erased person's data back in (save_person refuses)."""
    from qiao.core.models import ApiToken
    from qiao.people.services import save_person

    erasure.erase(person, manager_a, "本人要求")
    erased = Person.objects.get(pk=person.pk)
    erased.name = NAME
    with pytest.raises(ValidationError):
        save_person(manager_a, erased)
    client.force_login(manager_a)
    for response in (
        client.get(reverse("people:person_edit", args=[person.pk])),
        client.post(reverse("people:person_edit", args=[person.pk]), {"name": NAME, "region": "HK"}),
    ):
        assert response.status_code == 403
        assert "erased" in response.content.decode()
    key = ApiToken.issue(manager_a, name="test")
    api = client.__class__(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.patch(f"/api/people/{person.pk}/", {"name": NAME}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert Person.objects.get(pk=person.pk).name != NAME
