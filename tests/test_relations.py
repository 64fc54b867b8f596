"""The contact log and key contacts: the local day of a contact, the cadence at its edges (time zones,
late logging, deletion, another responsible person), bad input refused with nothing half-saved, and
scoping across units (a shared person's interactions stay with the unit that logged them)."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qiao.relations import services
from qiao.relations.models import Interaction, KeyContact

D = datetime.date
UTC = datetime.UTC
HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")


def at(year, month, day, hour=10, minute=0, tz=HK):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=tz)


@pytest.fixture
def staff(network, make_user):
    return make_user("staff-a", network["a"], "staff", time_zone="Asia/Hong_Kong")


@pytest.fixture
def staff2(network, make_user):
    return make_user("staff-a2", network["a"], "staff")


@pytest.fixture
def manager(network, make_user):
    return make_user("manager-a", network["a"], "manager")


@pytest.fixture
def staff_a1(network, make_user):
    return make_user("staff-a1", network["a1"], "staff")


@pytest.fixture
def staff_b(network, make_user):
    return make_user("staff-b", network["b"], "staff")


@pytest.fixture
def person(network, make_person):
    return make_person(network["a"], "陳大文")


@pytest.fixture
def org(network, make_org):
    return make_org(network["a"], "香港恒达科技有限公司", kind="enterprise", region="HK")


@pytest.fixture
def log(staff):
    def make(when, people=(), organizations=(), user=None, unit=None, kind="visit", summary="走访，了解近况", **fields):
        user = user or staff
        unit = unit or user.memberships.first().unit
        return services.log_interaction(
            user,
            unit=unit,
            kind=kind,
            occurred_at=when,
            summary=summary,
            people=people,
            organizations=organizations,
            **fields,
        )

    return make


@pytest.fixture
def key_contact(network, staff, person):
    return services.mark_key_contact(
        staff, unit=network["a"], person=person, responsible=staff, cadence_days=90, since=D(2024, 1, 1)
    )


# ---------------------------------------------------------------- the local day of a contact


def test_the_day_of_a_contact_is_the_loggers_local_day(network, staff, make_user, person, log):
    late_evening = at(2024, 3, 1, 23, 30)  # 15:30 UTC
    assert log(late_evening, [person]).occurred_on == D(2024, 3, 1)
    vancouver = make_user("van", network["a"], "staff", time_zone="America/Vancouver")
    early = datetime.datetime(2024, 3, 2, 2, 0, tzinfo=UTC)  # 1 March, 18:00 in Vancouver; 2 March in Hong Kong
    assert log(early, [person], user=vancouver).occurred_on == D(2024, 3, 1)
    assert log(early, [person]).occurred_on == D(2024, 3, 2)


def test_an_edit_by_someone_elsewhere_keeps_the_loggers_day(network, staff, make_user, person, log):
    interaction = log(at(2024, 3, 1, 23, 30), [person])
    london = make_user("lon", network["a"], "staff", time_zone="Europe/London")
    interaction.summary = "更正纪要"
    services.save_interaction(london, interaction)
    interaction.refresh_from_db()
    assert interaction.occurred_on == D(2024, 3, 1) and interaction.logged_by == staff
    assert list(interaction.people.all()) == [person]


# ---------------------------------------------------------------- the cadence


def test_marking_sets_due_from_since_then_a_contact_resets_it(key_contact, person, log):
    assert key_contact.last_contact_on is None
    assert key_contact.due_on == D(2024, 1, 1) + datetime.timedelta(days=90)
    log(at(2024, 2, 10), [person])
    key_contact.refresh_from_db()
    assert key_contact.last_contact_on == D(2024, 2, 10)
    assert key_contact.due_on == D(2024, 5, 10)


def test_a_contact_logged_late_never_moves_the_last_contact_back(key_contact, person, log):
    log(at(2024, 4, 1), [person])
    log(at(2024, 2, 1), [person])  # entered afterwards, for an earlier day
    key_contact.refresh_from_db()
    assert key_contact.last_contact_on == D(2024, 4, 1)
    assert key_contact.due_on == D(2024, 6, 30)


def test_deleting_and_restoring_the_latest_contact(key_contact, person, manager, log):
    log(at(2024, 2, 1), [person])
    latest = log(at(2024, 4, 1), [person])
    services.delete_interaction(manager, latest)
    key_contact.refresh_from_db()
    assert key_contact.last_contact_on == D(2024, 2, 1)
    latest = Interaction.all_objects.get(pk=latest.pk)
    services.restore_interaction(manager, latest)
    key_contact.refresh_from_db()
    assert key_contact.last_contact_on == D(2024, 4, 1)


def test_staff_may_not_delete(key_contact, person, staff, log):
    interaction = log(at(2024, 2, 1), [person])
    with pytest.raises(PermissionDenied):
        services.delete_interaction(staff, interaction)
    assert Interaction.objects.filter(pk=interaction.pk).exists()


def test_moving_a_contact_to_another_party_counts_for_both(key_contact, person, network, make_person, staff, log):
    other = make_person(network["a"], "李小明")
    interaction = log(at(2024, 4, 1), [person])
    services.save_interaction(staff, interaction, people=[other])
    key_contact.refresh_from_db()
    assert key_contact.last_contact_on is None and key_contact.due_on == D(2024, 3, 31)


def test_contacts_count_for_the_unit_and_the_units_below_it(
    network, key_contact, person, staff_a1, make_user, log, make_person
):
    from qiao.people.models import PersonShare

    PersonShare.objects.create(person=person, unit=network["a1"])
    log(at(2024, 3, 1), [person], user=staff_a1)  # a county office below base A
    key_contact.refresh_from_db()
    assert key_contact.last_contact_on == D(2024, 3, 1)
    # base B (a sibling) sees the person through a share, but its contacts are not base A's
    PersonShare.objects.create(person=person, unit=network["b"])
    staff_b = make_user("staff-b", network["b"], "staff")
    log(at(2024, 5, 1), [person], user=staff_b)
    key_contact.refresh_from_db()
    assert key_contact.last_contact_on == D(2024, 3, 1)


def test_an_organisations_key_contact_and_a_persons_are_separate(network, staff, person, org, log):
    kc_org = services.mark_key_contact(
        staff, unit=network["a"], organization=org, responsible=staff, cadence_days=30, since=D(2024, 1, 1)
    )
    log(at(2024, 3, 1), [person])
    kc_org.refresh_from_db()
    assert kc_org.last_contact_on is None
    log(at(2024, 3, 5), [], [org])
    kc_org.refresh_from_db()
    assert kc_org.last_contact_on == D(2024, 3, 5) and kc_org.due_on == D(2024, 4, 4)


def test_changing_the_cadence_recomputes_due(key_contact, person, staff, log):
    log(at(2024, 3, 1), [person])
    services.change_cadence(staff, key_contact, 30)
    key_contact.refresh_from_db()
    assert key_contact.due_on == D(2024, 3, 31)


def test_reassigning_keeps_due_and_moves_it_between_home_pages(key_contact, person, staff, staff2, client, log):
    log(at(2024, 3, 1), [person])
    key_contact.refresh_from_db()
    due = key_contact.due_on
    services.reassign(staff, key_contact, staff2)
    key_contact.refresh_from_db()
    assert key_contact.responsible == staff2 and key_contact.due_on == due
    client.force_login(staff2)
    assert f'data-key-contact="{key_contact.pk}"' in client.get("/").content.decode()
    client.force_login(staff)
    assert f'data-key-contact="{key_contact.pk}"' not in client.get("/").content.decode()


def test_the_responsible_person_must_be_able_to_change_the_units_records(
    network, key_contact, staff, staff_b, make_user
):
    viewer = make_user("viewer-a", network["a"], "viewer")
    for who in (staff_b, viewer):
        with pytest.raises(ValidationError) as error:
            services.reassign(staff, key_contact, who)
        assert "responsible" in error.value.message_dict
    # someone of the centre (above) may
    boss = make_user("staff-centre", network["centre"], "staff")
    services.reassign(staff, key_contact, boss)


def test_overdue_follows_the_readers_local_day(network, key_contact, staff, make_user, monkeypatch):
    # due 2024-03-31: at 2024-04-01 01:00 in Shanghai it is still 31 March in Vancouver
    KeyContact.objects.filter(pk=key_contact.pk).update(due_on=D(2024, 3, 31))
    instant = datetime.datetime(2024, 3, 31, 17, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    vancouver = make_user("van", network["a"], "staff", time_zone="America/Vancouver")
    shanghai = make_user("sha", network["a"], "staff", time_zone="Asia/Shanghai")
    from qiao.core.days import local_today

    rows = KeyContact.objects.all()
    assert services.key_contact_figures(rows, local_today(shanghai))["overdue"] == 1
    assert services.key_contact_figures(rows, local_today(vancouver))["overdue"] == 0
    assert services.key_contact_figures(rows, D(2024, 3, 31))["due_today"] == 1


# ---------------------------------------------------------------- bad input, nothing half-saved


def test_a_cadence_of_zero_is_refused_with_a_clear_message(network, staff, person):
    for days in (0, -5):
        with pytest.raises(ValidationError) as error:
            services.mark_key_contact(staff, unit=network["a"], person=person, responsible=staff, cadence_days=days)
        assert "at least 1" in " ".join(error.value.message_dict["cadence_days"])
    assert not KeyContact.objects.exists()


def test_an_interaction_with_nobody_is_refused_and_nothing_is_saved(network, staff):
    with pytest.raises(ValidationError) as error:
        services.log_interaction(staff, unit=network["a"], kind="call", occurred_at=at(2024, 3, 1), summary="电话")
    assert "person or organisation" in " ".join(error.value.message_dict["people"])
    assert not Interaction.all_objects.exists()
    assert not Interaction.staff.through.objects.exists()


def test_bad_interactions(network, staff, person, log):
    cases = [
        ({"when": timezone.now() + datetime.timedelta(days=2)}, "occurred_at"),
        ({"when": at(1975, 1, 1)}, "occurred_at"),
        ({"when": at(2024, 3, 1), "summary": "  "}, "summary"),
        ({"when": at(2024, 3, 1), "kind": "fax"}, "kind"),
        ({"when": at(2024, 3, 1), "follow_up_on": D(2024, 3, 5)}, "follow_up"),
        ({"when": at(2024, 3, 1), "follow_up": "寄资料", "follow_up_on": D(2024, 2, 5)}, "follow_up_on"),
    ]
    for values, field in cases:
        with pytest.raises(ValidationError) as error:
            log(people=[person], **values)
        assert field in error.value.message_dict, values
    assert not Interaction.all_objects.exists()


def test_a_liaison_is_for_organisations_and_a_key_contact_is_once_per_unit(network, staff, person, org, key_contact):
    with pytest.raises(ValidationError) as error:
        services.mark_key_contact(staff, unit=network["a"], person=person, responsible=staff, kind="liaison")
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.mark_key_contact(staff, unit=network["a"], person=person, responsible=staff)
    assert "person" in error.value.message_dict
    liaison = services.mark_key_contact(staff, unit=network["a"], organization=org, responsible=staff, kind="liaison")
    assert liaison.kind == "liaison"
    # once ended, the person may be marked again
    services.end_key_contact(staff, key_contact)
    services.mark_key_contact(staff, unit=network["a"], person=person, responsible=staff)


def test_marking_someone_you_cannot_see_is_refused(network, staff_b, person):
    with pytest.raises(ValidationError):
        services.mark_key_contact(staff_b, unit=network["b"], person=person, responsible=staff_b)
    with pytest.raises(PermissionDenied):
        services.mark_key_contact(
            staff_b, unit=network["a"], person=person, responsible=staff_b
        )  # not their unit either


def test_follow_up_done(network, staff, person, log):
    interaction = log(at(2024, 3, 1), [person], follow_up="寄送政策资料", follow_up_on=D(2024, 3, 10))
    done = services.follow_up_done(staff, interaction, on=D(2024, 3, 8))
    assert done.follow_up_done_on == D(2024, 3, 8)
    with pytest.raises(ValidationError):
        services.follow_up_done(staff, interaction, on=D(2024, 2, 1))
    plain = log(at(2024, 3, 1), [person])
    with pytest.raises(ValidationError):
        services.follow_up_done(staff, plain)


# ---------------------------------------------------------------- scoping


def test_interactions_stay_with_their_unit(network, staff, staff_b, person, log, client, api):
    interaction = log(at(2024, 3, 1), [person])
    assert not Interaction.objects.restrict(staff_b).exists()
    client.force_login(staff_b)
    assert client.get(f"/relations/interactions/{interaction.pk}/").status_code == 404
    assert client.get(f"/relations/interactions/{interaction.pk}/edit/").status_code == 404
    assert "走访" not in client.get("/relations/interactions/?export=csv").content.decode("utf-8-sig")
    assert api(staff_b).get(f"/api/interactions/{interaction.pk}/").status_code == 404
    assert api(staff_b).get("/api/interactions/").json()["count"] == 0
    response = api(staff_b).patch(f"/api/interactions/{interaction.pk}/", {"summary": "x"}, format="json")
    assert response.status_code == 404


def test_a_shared_person_shows_only_the_units_own_interactions(network, staff, person, make_user, log, client):
    from qiao.people.models import PersonShare

    PersonShare.objects.create(person=person, unit=network["b"])
    staff_b = make_user("staff-b", network["b"], "staff")
    log(at(2024, 3, 1), [person], summary="甲基地的走访纪要")
    log(at(2024, 3, 2), [person], user=staff_b, summary="乙基地的电话纪要", kind="call")
    client.force_login(staff_b)
    assert client.get(person.get_absolute_url()).status_code == 200
    timeline = client.get(f"/relations/timeline/person/{person.pk}/").content.decode()
    assert "乙基地的电话纪要" in timeline and "甲基地的走访纪要" not in timeline
    listed = client.get(f"/relations/interactions/?person={person.pk}").content.decode()
    assert "乙基地" in listed and "甲基地的走访纪要" not in listed
    client.force_login(staff)  # base A does not see base B's contact either
    timeline = client.get(f"/relations/timeline/person/{person.pk}/").content.decode()
    assert "甲基地的走访纪要" in timeline and "乙基地的电话纪要" not in timeline
    centre = make_user("centre", network["centre"], "viewer")
    client.force_login(centre)
    timeline = client.get(f"/relations/timeline/person/{person.pk}/").content.decode()
    assert "甲基地的走访纪要" in timeline and "乙基地的电话纪要" in timeline


def test_the_timeline_of_someone_invisible_is_404(network, person, staff_b, client):
    client.force_login(staff_b)
    assert client.get(f"/relations/timeline/person/{person.pk}/").status_code == 404
    assert client.get(f"/relations/timeline/nothing/{person.pk}/").status_code == 404


def test_key_contacts_are_scoped(network, key_contact, staff_b, client, api):
    client.force_login(staff_b)
    assert client.get(f"/relations/key-contacts/{key_contact.pk}/").status_code == 404
    assert str(key_contact) not in client.get("/relations/key-contacts/").content.decode()
    assert api(staff_b).get("/api/key-contacts/").json()["count"] == 0
    assert api(staff_b).get("/api/key-contacts/figures/").json()["active"] == 0


def test_linking_what_you_cannot_see_is_refused(network, staff_b, person, org):
    with pytest.raises(ValidationError) as error:
        services.log_interaction(
            staff_b, unit=network["b"], kind="call", occurred_at=at(2024, 3, 1), summary="x", organizations=[org]
        )
    assert "organizations" in error.value.message_dict
    assert not Interaction.all_objects.exists()
