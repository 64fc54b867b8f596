"""Suggestions and proposals (建言献策) and public roles: the rules at their edges (authors, dates in the
user's day, outcomes and their dates, term order), bad input naming the field with nothing half-saved,
scoping across units (public roles of a person of another unit, shared people), the pages, the API,
the export, the figures and their definitions, and bounded query counts."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qiao.people.services import share_person
from qiao.proposals import services
from qiao.proposals.models import Proposal, PublicRole

D = datetime.date
PAST = D(2024, 1, 15)


@pytest.fixture
def staff(network, make_user):
    return make_user("staff-a", network["a"], "staff")


@pytest.fixture
def manager(network, make_user):
    return make_user("manager-a", network["a"], "manager")


@pytest.fixture
def staff_b(network, make_user):
    return make_user("staff-b", network["b"], "staff")


@pytest.fixture
def viewer(network, make_user):
    return make_user("viewer-a", network["a"], "viewer")


@pytest.fixture
def deputy(network, make_person):
    return make_person(network["a"], "陳大文")


@pytest.fixture
def member(network, make_person):
    return make_person(network["a"], "李小明")


@pytest.fixture
def stranger(network, make_person):
    return make_person(network["b"], "王五")


@pytest.fixture
def make_proposal(network, staff, deputy):
    def make(title="关于深化粤港澳青年创新创业合作的提案", authors=None, user=None, unit=None, **fields):
        fields.setdefault("channel", "proposal")
        fields.setdefault("submitted_on", PAST)
        proposal = Proposal(unit=unit or network["a"], title=title, **fields)
        return services.save_proposal(user or staff, proposal, authors=authors or [deputy])

    return make


TERM = (D(2023, 1, 1), D(2027, 12, 31))


def _role(user, person, kind="cppcc_member", starts_on=TERM[0], ends_on=TERM[1], **fields):
    fields.setdefault("body", "广东省政协")
    return services.save_role(
        user, PublicRole(person=person, kind=kind, starts_on=starts_on, ends_on=ends_on, **fields)
    )


def _field_error(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


# ---------------------------------------------------------------- proposals: rules


def test_a_proposal_has_authors_a_topic_and_a_submission_day(make_proposal, deputy, member):
    proposal = make_proposal(authors=[deputy, member.pk, deputy])  # people or ids, duplicates once
    assert set(proposal.authors.all()) == {deputy, member}
    assert proposal.outcome == "submitted" and proposal.adopted_on is None


@pytest.mark.parametrize(
    ("fields", "authors", "field"),
    [
        ({}, [], "authors"),
        ({"title": "  "}, None, "title"),
        ({"channel": "tweet"}, None, "channel"),
        ({"submitted_on": None}, None, "submitted_on"),
        ({"submitted_on": D(1900, 1, 1)}, None, "submitted_on"),
        ({"outcome": "adopted"}, None, "adopted_on"),
        ({"outcome": "endorsed"}, None, "endorsed_on"),
        ({"outcome": "adopted", "adopted_on": D(2024, 1, 14)}, None, "adopted_on"),
        ({"outcome": "submitted", "adopted_on": D(2024, 2, 1)}, None, "adopted_on"),
        ({"outcome": "adopted", "adopted_on": D(2024, 2, 1), "endorsed_on": D(2024, 3, 1)}, None, "endorsed_on"),
        ({"outcome": "endorsed", "endorsed_on": D(2024, 1, 1)}, None, "endorsed_on"),
        ({"outcome": "endorsed", "adopted_on": D(2024, 3, 2), "endorsed_on": D(2024, 3, 1)}, None, "adopted_on"),
        ({"outcome": "won"}, None, "outcome"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(network, staff, deputy, fields, authors, field):
    data = {"title": "关于支持港澳青年来惠就业的建议", "channel": "report", "submitted_on": PAST, **fields}
    with pytest.raises(ValidationError) as caught:
        services.save_proposal(
            staff, Proposal(unit=network["a"], **data), authors=[deputy] if authors is None else authors
        )
    assert field in caught.value.message_dict, caught.value.message_dict
    assert Proposal.all_objects.count() == 0


def test_adoption_on_the_day_of_submission_is_fine_the_day_before_is_not(make_proposal):
    proposal = make_proposal()
    services.set_outcome(staff_user(proposal), proposal, "adopted", adopted_on=PAST)
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.adopted_on) == ("adopted", PAST)
    with pytest.raises(ValidationError) as caught:
        services.set_outcome(staff_user(proposal), proposal, "adopted", adopted_on=PAST - datetime.timedelta(days=1))
    assert "before the proposal was submitted" in _field_error(caught.value, "adopted_on")
    proposal.refresh_from_db()
    assert proposal.adopted_on == PAST  # nothing half-saved


def staff_user(proposal):
    from qiao.core.models import User

    return User.objects.get(username="staff-a")


def test_endorsed_implies_adopted_and_going_back_clears_the_later_dates(make_proposal, staff):
    proposal = make_proposal()
    services.set_outcome(staff, proposal, "endorsed", endorsed_on=D(2024, 4, 1), note="市领导批示")
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.adopted_on, proposal.endorsed_on) == ("endorsed", D(2024, 4, 1), D(2024, 4, 1))
    assert proposal.outcome_note == "市领导批示"
    services.set_outcome(staff, proposal, "adopted")  # back one step: the endorsement date goes, the adoption stays
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.adopted_on, proposal.endorsed_on) == ("adopted", D(2024, 4, 1), None)
    services.set_outcome(staff, proposal, "submitted")
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.adopted_on, proposal.endorsed_on) == ("submitted", None, None)
    with pytest.raises(ValidationError) as caught:
        services.set_outcome(staff, proposal, "adopted")
    assert "adopted_on" in caught.value.message_dict


def test_dates_are_not_in_the_future_of_the_users_own_day(make_proposal, staff, monkeypatch):
    # 2024-06-01 00:30 in Hong Kong is still 2024-05-31 in UTC
    now = datetime.datetime(2024, 5, 31, 16, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    staff.time_zone = "Asia/Hong_Kong"
    staff.save()
    proposal = make_proposal(submitted_on=D(2024, 6, 1))
    assert proposal.submitted_on == D(2024, 6, 1)
    staff.time_zone = "UTC"
    with pytest.raises(ValidationError) as caught:
        make_proposal(submitted_on=D(2024, 6, 1), user=staff)
    assert "in the future" in _field_error(caught.value, "submitted_on")
    with pytest.raises(ValidationError) as caught:
        services.set_outcome(staff, proposal, "adopted", adopted_on=D(2024, 6, 1))
    assert "in the future" in _field_error(caught.value, "adopted_on")


def test_authors_must_be_visible_and_hidden_coauthors_are_kept(
    network, make_proposal, staff, staff_b, deputy, stranger
):
    with pytest.raises(ValidationError) as caught:
        make_proposal(authors=[deputy, stranger])  # a person of base B: staff of A cannot see them
    assert "authors" in caught.value.message_dict
    # the centre's staff see both units; staff of A then edit the proposal without seeing 王五
    from qiao.core.models import Membership, User

    centre_staff = User.objects.create_user("centre-staff", password="x")
    Membership.objects.create(user=centre_staff, unit=network["centre"], role="staff")
    proposal = make_proposal(authors=[deputy, stranger], user=centre_staff)
    proposal.title = "关于港澳青年就业的建议（修订）"
    services.save_proposal(staff, proposal, authors=[deputy])
    assert set(proposal.authors.all()) == {deputy, stranger}


def test_saving_without_visible_authors_keeps_the_hidden_one(network, make_proposal, staff, deputy, stranger):
    from qiao.core.models import Membership, User

    centre_staff = User.objects.create_user("centre-staff", password="x")
    Membership.objects.create(user=centre_staff, unit=network["centre"], role="staff")
    proposal = make_proposal(authors=[stranger], user=centre_staff)
    services.save_proposal(staff, proposal, authors=[])
    assert list(proposal.authors.all()) == [stranger]


def test_another_units_staff_cannot_change_or_outcome_a_proposal(make_proposal, staff_b, viewer, network):
    proposal = make_proposal()
    with pytest.raises(PermissionDenied):
        services.set_outcome(staff_b, proposal, "adopted", adopted_on=PAST)
    with pytest.raises(PermissionDenied):
        services.set_outcome(viewer, proposal, "adopted", adopted_on=PAST)
    proposal.title = "改"
    with pytest.raises((PermissionDenied, ValidationError)):
        services.save_proposal(staff_b, proposal, authors=None)
    assert Proposal.objects.get(pk=proposal.pk).title != "改"


def test_delete_is_soft_for_managers_and_restorable(make_proposal, staff, manager):
    proposal = make_proposal()
    with pytest.raises(PermissionDenied):
        services.delete_proposal(staff, proposal)
    services.delete_proposal(manager, proposal)
    assert not Proposal.objects.filter(pk=proposal.pk).exists()
    services.restore_proposal(manager, Proposal.all_objects.get(pk=proposal.pk))
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_the_trash_lists_deleted_proposals_for_managers_who_restore_them(client, make_proposal, manager):
    proposal = make_proposal()
    client.force_login(manager)
    assert client.post(f"/proposals/{proposal.pk}/delete/").status_code == 302
    assert proposal.title in client.get("/proposals/deleted/").content.decode()
    assert proposal.title not in client.get("/proposals/").content.decode()
    assert client.post(f"/proposals/{proposal.pk}/restore/").status_code == 302
    assert Proposal.objects.filter(pk=proposal.pk).exists()


# ---------------------------------------------------------------- public roles


def test_a_term_cannot_end_before_it_starts_but_may_end_on_its_first_day(staff, deputy):
    role = _role(staff, deputy, starts_on=D(2023, 1, 1), ends_on=D(2023, 1, 1))
    assert role.pk
    with pytest.raises(ValidationError) as caught:
        _role(staff, deputy, starts_on=D(2023, 1, 2), ends_on=D(2023, 1, 1))
    assert "before it starts" in _field_error(caught.value, "ends_on")
    with pytest.raises(ValidationError) as caught:
        _role(staff, deputy, body=" ")
    assert "body" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _role(staff, deputy, kind="emperor")
    assert "kind" in caught.value.message_dict
    assert PublicRole.objects.count() == 1


def test_public_roles_are_scoped_through_the_person(network, staff, staff_b, viewer, manager, deputy, stranger):
    role = _role(staff, deputy)
    with pytest.raises(PermissionDenied):
        _role(staff, stranger)  # a person of another unit
    with pytest.raises(PermissionDenied):
        _role(viewer, deputy)  # a viewer does not change people
    role.body = "香港广东社团总会"
    with pytest.raises(PermissionDenied):
        services.save_role(staff_b, role)
    with pytest.raises(PermissionDenied):
        services.delete_role(staff_b, role)
    assert list(PublicRole.objects.restrict(staff_b)) == []
    assert list(PublicRole.objects.restrict(staff)) == [role]
    # a share for viewing shows the roles; a share with "change" lets staff of B edit them
    share_person(manager, deputy, network["b"], "view")
    assert list(PublicRole.objects.restrict(staff_b)) == [role]
    with pytest.raises(PermissionDenied):
        services.save_role(staff_b, role)
    share_person(manager, deputy, network["b"], "change")
    services.save_role(staff_b, role)
    assert PublicRole.objects.get(pk=role.pk).body == "香港广东社团总会"
    services.delete_role(staff_b, role)
    assert not PublicRole.objects.exists()


def test_a_role_stays_with_its_person(staff, deputy, member):
    role = _role(staff, deputy)
    role.person = member
    with pytest.raises(ValidationError) as caught:
        services.save_role(staff, role)
    assert "person" in caught.value.message_dict


def test_current_roles_on_a_day_include_both_ends_and_open_terms(staff, deputy, member, make_person, network):
    _role(staff, deputy, "npc_deputy", D(2023, 1, 1), D(2023, 12, 31))
    _role(staff, member, "association_director", None, None, body="惠州市港澳青年联合会")
    third = make_person(network["a"], "张三")
    _role(staff, third, "cppcc_member", D(2024, 1, 1), None)
    held = lambda day: set(services.current(PublicRole.objects.all(), day).values_list("person__name", flat=True))  # noqa: E731
    assert held(D(2023, 1, 1)) == {"陳大文", "李小明"}
    assert held(D(2023, 12, 31)) == {"陳大文", "李小明"}
    assert held(D(2024, 1, 1)) == {"李小明", "张三"}
    assert held(D(2022, 12, 31)) == {"李小明"}
    figures = services.role_figures(PublicRole.objects.all(), D(2024, 6, 1))
    assert figures["people"] == 2
    assert figures["by_kind"] == {"npc_deputy": 0, "cppcc_member": 1, "association_director": 1, "other": 0}


# ---------------------------------------------------------------- figures


def test_figures_follow_their_definitions(network, staff, make_proposal, deputy, member, make_person):
    third = make_person(network["a"], "张三")
    _role(staff, deputy, "cppcc_member", D(2023, 1, 1), D(2027, 12, 31))
    _role(staff, deputy, "association_director", None, None, body="香港惠州社团联会")
    _role(staff, member, "npc_deputy", D(2024, 3, 1), None)  # begins after member's first proposal
    a = make_proposal(authors=[deputy, member], submitted_on=D(2024, 1, 15))
    b = make_proposal(authors=[deputy], channel="motion", submitted_on=D(2024, 2, 1))
    c = make_proposal(authors=[third], channel="letter", submitted_on=D(2024, 3, 10))
    make_proposal(authors=[member], channel="report", submitted_on=D(2023, 5, 1))  # outside the period
    services.set_outcome(staff, a, "adopted", adopted_on=D(2024, 3, 1))
    services.set_outcome(staff, b, "endorsed", endorsed_on=D(2024, 4, 1))
    services.set_outcome(staff, c, "submitted")
    figures = services.figures(Proposal.objects.all(), start=D(2024, 1, 1), end=D(2024, 12, 31))
    assert figures["submitted"] == 3
    assert figures["by_channel"] == {"proposal": 1, "motion": 1, "report": 0, "letter": 1}
    assert figures["adopted"] == 2 and figures["endorsed"] == 1  # endorsed counts as adopted
    assert figures["authors"] == 3
    assert figures["authors_with_role"] == 1  # member's deputy term began after 2024-01-15
    assert figures["authors_by_role"] == {
        "npc_deputy": 0,
        "cppcc_member": 1,
        "association_director": 1,
        "other": 0,
    }
    everything = services.figures(Proposal.objects.all())
    assert everything["submitted"] == 4 and everything["authors"] == 3
    assert everything["authors_by_role"]["npc_deputy"] == 0  # 2023-05-01 also before the term
    # the period's ends are included
    assert services.figures(Proposal.objects.all(), start=D(2024, 2, 1), end=D(2024, 2, 1))["submitted"] == 1
    empty = services.figures(Proposal.objects.none())
    assert empty["submitted"] == 0 and empty["authors"] == 0 and empty["by_channel"]["proposal"] == 0


def test_figures_take_a_constant_number_of_queries(make_proposal, deputy, django_assert_max_num_queries):
    for day in range(1, 6):
        make_proposal(submitted_on=D(2024, 1, day))
    with django_assert_max_num_queries(3):
        services.figures(Proposal.objects.all())


# ---------------------------------------------------------------- pages


def _csv(response):
    assert response.status_code == 200, response.content[:500]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_list_filters_totals_export_and_scoping(
    client, network, staff, staff_b, make_proposal, deputy, member, stranger
):
    _role(staff, deputy, "npc_deputy", D(2020, 1, 1), None)
    make_proposal("关于港澳青年就业的提案", authors=[deputy])
    make_proposal("关于文旅融合的建议", authors=[member], channel="report", submitted_on=D(2023, 6, 1))
    make_proposal("乙方提案", authors=[stranger], user=staff_b, unit=network["b"])
    client.force_login(staff)
    page = client.get("/proposals/")
    text = page.content.decode()
    assert "关于港澳青年就业的提案" in text and "关于文旅融合的建议" in text and "乙方提案" not in text
    assert 'data-figure="submitted">2<' in text
    assert "关于文旅融合的建议" not in client.get("/proposals/?channel=proposal").content.decode()
    assert "关于文旅融合的建议" not in client.get(f"/proposals/?author={deputy.pk}").content.decode()
    assert "关于文旅融合的建议" not in client.get("/proposals/?role_kind=npc_deputy").content.decode()
    assert "关于文旅融合的建议" not in client.get("/proposals/?submitted_from=2024-01-01").content.decode()
    assert "关于港澳青年就业" not in client.get("/proposals/?submitted_to=2023-12-31").content.decode()
    assert "关于港澳青年就业" not in client.get("/proposals/?q=文旅").content.decode()
    assert "关于港澳青年就业" in client.get("/proposals/?q=陈大文").content.decode()  # an author, any script
    assert "关于港澳青年就业" not in client.get("/proposals/?outcome=adopted").content.decode()
    rows = _csv(client.get("/proposals/?export=csv&channel=proposal"))
    assert len(rows) == 2 and "陳大文" in rows[1] and "关于港澳青年就业的提案" in rows[1]
    assert client.get("/proposals/?export=xlsx").status_code == 200
    assert "乙方提案" not in client.get("/proposals/?export=csv").content.decode("utf-8-sig")
    other = Proposal.objects.get(title="乙方提案")
    for url in (f"/proposals/{other.pk}/", f"/proposals/{other.pk}/edit/", f"/proposals/{other.pk}/history/"):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"/proposals/{other.pk}/outcome/", {"outcome": "adopted", "adopted_on": "2024-02-01"}).status_code
        == 404
    )
    assert (
        client.get(f"/proposals/?author={stranger.pk}").status_code == 200
    )  # an invisible picker value filters nothing in


def test_add_from_a_person_page_and_mark_adopted(client, network, staff, deputy):
    client.force_login(staff)
    page = client.get(f"/people/{deputy.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"/proposals/add/?person={deputy.pk}" in text and f"/proposals/roles/add/?person={deputy.pk}" in text
    form = client.get(f"/proposals/add/?person={deputy.pk}")
    assert form.status_code == 200 and f'value="{deputy.pk}" selected' in form.content.decode()
    data = {
        "title": "关于设立港澳青年实习基地的提案",
        "channel": "proposal",
        "authors": [deputy.pk],
        "submitted_on": "2024-01-15",
        "outcome": "submitted",
        "unit": network["a"].pk,
    }
    response = client.post("/proposals/add/", data)
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    response = client.post(f"/proposals/{proposal.pk}/outcome/", {"outcome": "adopted", "adopted_on": "2024-01-10"})
    proposal.refresh_from_db()
    assert proposal.outcome == "submitted"  # refused: before the submission
    assert "before the proposal was submitted" in client.get(proposal.get_absolute_url()).content.decode()
    client.post(f"/proposals/{proposal.pk}/outcome/", {"outcome": "adopted", "adopted_on": "2024-03-01"})
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.adopted_on) == ("adopted", D(2024, 3, 1))
    person_page = client.get(f"/people/{deputy.pk}/").content.decode()
    assert "关于设立港澳青年实习基地的提案" in person_page


def test_the_form_shows_bad_input_under_its_field(client, network, staff, deputy):
    client.force_login(staff)
    response = client.post(
        "/proposals/add/",
        {
            "title": "题",
            "channel": "proposal",
            "authors": [deputy.pk],
            "submitted_on": "2024-01-15",
            "outcome": "adopted",
            "unit": network["a"].pk,
        },
    )
    assert response.status_code == 400
    assert 'data-field="adopted_on"' in response.content.decode()
    response = client.post(
        "/proposals/add/",
        {
            "title": "题",
            "channel": "proposal",
            "submitted_on": "2024-01-15",
            "outcome": "submitted",
            "unit": network["a"].pk,
        },
    )
    assert response.status_code == 400 and 'data-field="authors"' in response.content.decode()
    assert not Proposal.all_objects.exists()


def test_public_role_pages_are_scoped_through_the_person(client, network, staff, staff_b, deputy, stranger):
    client.force_login(staff)
    assert client.get(f"/proposals/roles/add/?person={stranger.pk}").status_code == 404
    assert client.get("/proposals/roles/add/").status_code == 404
    response = client.post(
        f"/proposals/roles/add/?person={deputy.pk}",
        {
            "kind": "cppcc_member",
            "body": "广东省政协",
            "title": "委员",
            "starts_on": "2023-01-01",
            "ends_on": "2022-01-01",
        },
    )
    assert response.status_code == 400 and 'data-field="ends_on"' in response.content.decode()
    response = client.post(
        f"/proposals/roles/add/?person={deputy.pk}",
        {"kind": "cppcc_member", "body": "广东省政协", "title": "委员", "starts_on": "2023-01-01", "ends_on": ""},
    )
    assert response.status_code == 302
    role = PublicRole.objects.get()
    assert role.person == deputy and role.ends_on is None
    person_page = client.get(f"/people/{deputy.pk}/").content.decode()
    assert "广东省政协" in person_page and f"/proposals/roles/{role.pk}/edit/" in person_page
    rows = _csv(client.get("/proposals/roles/?export=csv&kind=cppcc_member"))
    assert len(rows) == 2 and "陳大文" in rows[1]
    assert 'data-figure="people">1<' in client.get("/proposals/roles/?current=true").content.decode()
    client.force_login(staff_b)
    for url in (f"/proposals/roles/{role.pk}/edit/", f"/proposals/roles/{role.pk}/delete/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/proposals/roles/{role.pk}/delete/").status_code == 404
    assert "广东省政协" not in client.get("/proposals/roles/").content.decode()
    client.force_login(staff)
    assert client.post(f"/proposals/roles/{role.pk}/delete/").status_code == 302
    assert not PublicRole.objects.exists()


def test_a_viewer_sees_roles_without_edit_buttons(client, staff, viewer, deputy):
    role = _role(staff, deputy)
    client.force_login(viewer)
    text = client.get(f"/people/{deputy.pk}/").content.decode()
    assert "广东省政协" in text and f"/proposals/roles/{role.pk}/edit/" not in text
    assert client.get(f"/proposals/roles/{role.pk}/edit/").status_code in (403, 404)


def test_the_list_and_the_api_take_a_bounded_number_of_queries(
    client, api, staff, make_proposal, deputy, member, django_assert_max_num_queries
):
    for day in range(1, 21):
        make_proposal(f"提案{day}", authors=[deputy, member], submitted_on=D(2024, 1, day))
    client.force_login(staff)
    with django_assert_max_num_queries(25):
        assert client.get("/proposals/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/proposals/?export=csv").status_code == 200
    with django_assert_max_num_queries(12):
        response = api(staff).get("/api/proposals/")
    assert response.json()["count"] == 20


# ---------------------------------------------------------------- API


def test_api_create_outcome_figures_and_bad_input(api, network, staff, staff_b, deputy, stranger):
    client = api(staff)
    body = {
        "title": "关于港澳青年来惠创业的提案",
        "channel": "proposal",
        "authors": [deputy.pk],
        "submitted_on": "2024-01-15",
        "unit": network["a"].pk,
    }
    response = client.post("/api/proposals/", body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["authors"] == [deputy.pk] and created["author_count"] == 1 and created["outcome"] == "submitted"
    pk = created["id"]
    for bad, field in (
        ({**body, "authors": []}, "authors"),
        ({**body, "authors": [stranger.pk]}, "authors"),
        ({**body, "outcome": "adopted"}, "adopted_on"),
        ({**body, "outcome": "adopted", "adopted_on": "2024-01-01"}, "adopted_on"),
        ({**body, "submitted_on": "2999-01-01"}, "submitted_on"),
        ({**body, "unit": network["b"].pk}, "unit"),
    ):
        response = client.post("/api/proposals/", bad, format="json")
        assert response.status_code == 400 and field in response.json(), (bad, response.json())
    assert Proposal.objects.count() == 1
    response = client.post(f"/api/proposals/{pk}/outcome/", {"outcome": "endorsed"}, format="json")
    assert response.status_code == 400 and "endorsed_on" in response.json()
    response = client.post(
        f"/api/proposals/{pk}/outcome/", {"outcome": "endorsed", "endorsed_on": "2024-05-01"}, format="json"
    )
    assert response.status_code == 200 and response.json()["adopted_on"] == "2024-05-01"
    response = client.patch(f"/api/proposals/{pk}/", {"title": "关于港澳青年来惠创业的提案（修订）"}, format="json")
    assert response.status_code == 200 and response.json()["authors"] == [deputy.pk]
    figures = client.get("/api/proposals/figures/?submitted_from=2024-01-01").json()
    assert (figures["submitted"], figures["adopted"], figures["endorsed"], figures["authors"]) == (1, 1, 1, 1)
    assert client.get("/api/proposals/figures/?submitted_from=nonsense").status_code == 400
    other = api(staff_b)
    assert other.get(f"/api/proposals/{pk}/").status_code == 404
    assert other.post(f"/api/proposals/{pk}/outcome/", {"outcome": "submitted"}, format="json").status_code == 404
    assert other.get("/api/proposals/figures/").json()["submitted"] == 0


def test_api_public_roles(api, network, staff, staff_b, viewer, deputy, stranger):
    client = api(staff)
    body = {
        "person": deputy.pk,
        "kind": "npc_deputy",
        "body": "惠州市人大",
        "starts_on": "2022-01-01",
        "ends_on": "2026-12-31",
    }
    response = client.post("/api/public-roles/", body, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    bad = client.post("/api/public-roles/", {**body, "ends_on": "2021-12-31"}, format="json")
    assert bad.status_code == 400 and "ends_on" in bad.json()
    assert client.post("/api/public-roles/", {**body, "person": stranger.pk}, format="json").status_code == 400
    assert client.get("/api/public-roles/?kind=npc_deputy").json()["count"] == 1
    figures = client.get("/api/public-roles/figures/?on=2027-01-01").json()
    assert figures["people"] == 0
    assert client.get("/api/public-roles/figures/?on=2024-01-01").json()["by_kind"]["npc_deputy"] == 1
    assert client.get("/api/public-roles/figures/?on=someday").status_code == 400
    assert api(viewer).patch(f"/api/public-roles/{pk}/", {"title": "常委"}, format="json").status_code == 403
    assert api(staff_b).get(f"/api/public-roles/{pk}/").status_code == 404
    assert api(staff_b).delete(f"/api/public-roles/{pk}/").status_code == 404
    assert client.patch(f"/api/public-roles/{pk}/", {"title": "常委"}, format="json").json()["title"] == "常委"
    assert client.delete(f"/api/public-roles/{pk}/").status_code == 204
    assert not PublicRole.objects.exists()
