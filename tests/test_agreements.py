"""Cooperation agreements (合作协议): the rules of recording one (parties, dates, sister schools), nothing
half-saved, the derived status at its edges, ending and reopening, commitments ticked off and overdue in
the reader's local day, sister pairs, and the figures with their definitions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qiao.agreements import services
from qiao.agreements.models import Agreement, AgreementParty, Commitment
from qiao.core.models import ChangeRecord

D = datetime.date
SIGNED = D(2024, 3, 1)


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
def school(network, make_org):
    return make_org(network["a"], "香港培正中学", kind="other", region="HK")


@pytest.fixture
def partner(network, make_org):
    return make_org(network["a"], "广州市第七中学", kind="other", region="MAINLAND")


@pytest.fixture
def make_agreement(network, staff, school):
    def make(title="青少年交流合作协议", user=None, parties=None, our_units=None, commitments=None, **fields):
        fields.setdefault("kind", "strategic")
        fields.setdefault("signed_on", SIGNED)
        agreement = Agreement(unit=fields.pop("unit", network["a"]), title=title, **fields)
        if parties is None:
            parties = [{"organization": school, "role": "甲方"}]
        if our_units is None:
            our_units = [network["a"]]
        return services.save_agreement(
            user or staff, agreement, parties=parties, our_units=our_units, commitments=commitments
        )

    return make


def _fields(error: ValidationError) -> set:
    return set(error.message_dict)


def _text(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------- recording


def test_an_agreement_is_recorded_with_its_parties_and_commitments(make_agreement, school, partner, staff, network):
    agreement = make_agreement(
        parties=[{"organization": school, "role": "甲方"}, (partner, "乙方")],
        our_units=[network["a"], network["a1"]],
        commitments=[{"text": "每年互派教师交流", "owner": staff, "due_on": D(2024, 9, 1)}, {"text": "联合举办夏令营"}],
    )
    assert {(p.organization, p.role) for p in agreement.parties.all()} == {(school, "甲方"), (partner, "乙方")}
    assert set(agreement.our_units.all()) == {network["a"], network["a1"]}
    assert [c.text for c in agreement.commitments.all()] == ["每年互派教师交流", "联合举办夏令营"]
    change = ChangeRecord.objects.filter(object_id=agreement.pk, content_type__model="agreement").first()
    assert change is not None and change.action == "create"


def test_an_agreement_with_no_parties_gets_a_clear_message(make_agreement):
    with pytest.raises(ValidationError) as error:
        make_agreement(parties=[], our_units=[])
    assert "parties" in _fields(error.value)
    assert "at least one organisation" in _text(error.value)
    assert not Agreement.all_objects.exists()


def test_one_organisation_alone_is_not_an_agreement_but_one_of_our_units_makes_two(make_agreement, school, network):
    with pytest.raises(ValidationError) as error:
        make_agreement(parties=[school], our_units=[])
    assert "at least two parties" in _text(error.value)
    assert make_agreement(parties=[school], our_units=[network["a"]]).pk


def test_only_units_and_no_organisation_is_refused(make_agreement, network):
    with pytest.raises(ValidationError) as error:
        make_agreement(parties=[], our_units=[network["a"], network["a1"]])
    assert "at least one organisation" in _text(error.value)


def test_a_sister_agreement_needs_two_organisations(make_agreement, school, partner, network):
    with pytest.raises(ValidationError) as error:
        make_agreement(kind="sister", parties=[school], our_units=[network["a"]])
    assert "parties" in _fields(error.value) and "two organisations" in _text(error.value)
    assert make_agreement(kind="sister", parties=[school, partner], our_units=[]).kind == "sister"


def test_a_bad_party_row_or_a_bad_commitment_row_leaves_no_agreement_behind(make_agreement, school, partner, network):
    foreign = partner.__class__.objects.create(unit=network["b"], name="乙基地的学校")
    for parties in ([school, foreign], [school, None], [school, school], [school, 10**9]):
        with pytest.raises(ValidationError) as error:
            make_agreement(parties=parties)
        assert "parties" in _fields(error.value)
        assert "Party 2" in _text(error.value)
    with pytest.raises(ValidationError) as error:
        make_agreement(
            parties=[school, partner],
            commitments=[{"text": "互派教师"}, {"text": "   "}, {"text": "夏令营", "due_on": D(2023, 1, 1)}],
        )
    assert "Commitment 2" in _text(error.value) and "Commitment 3" in _text(error.value)
    assert not Agreement.all_objects.exists()
    assert not AgreementParty.objects.exists() and not Commitment.objects.exists()


def test_our_units_must_be_units_the_user_sees(make_agreement, network, school):
    with pytest.raises(ValidationError) as error:
        make_agreement(parties=[school], our_units=[network["b"]])
    assert "our_units" in _fields(error.value)
    assert not Agreement.all_objects.exists()


def test_dates_signed_not_in_the_users_future_and_the_term_in_order(make_agreement, staff, monkeypatch):
    instant = datetime.datetime(2024, 6, 30, 17, 0, tzinfo=datetime.UTC)  # 01:00 on 1 July in Shanghai
    monkeypatch.setattr(timezone, "now", lambda: instant)
    staff.time_zone = "Asia/Shanghai"
    assert make_agreement(signed_on=D(2024, 7, 1)).signed_on == D(2024, 7, 1)  # today there: allowed
    with pytest.raises(ValidationError) as error:
        make_agreement(signed_on=D(2024, 7, 2))
    assert "signed_on" in _fields(error.value) and "in the future" in _text(error.value)
    staff.time_zone = "America/Vancouver"  # still 30 June there
    with pytest.raises(ValidationError) as error:
        make_agreement(signed_on=D(2024, 7, 1))
    assert "signed_on" in _fields(error.value)
    with pytest.raises(ValidationError) as error:
        make_agreement(starts_on=D(2024, 5, 1), ends_on=D(2024, 4, 30))
    assert "ends_on" in _fields(error.value)
    with pytest.raises(ValidationError) as error:
        make_agreement(ends_on=D(2024, 2, 28))
    assert "ends_on" in _fields(error.value)
    assert make_agreement(starts_on=D(2024, 5, 1), ends_on=D(2024, 5, 1)).ends_on == D(2024, 5, 1)
    with pytest.raises(ValidationError) as error:
        make_agreement(title=" ", kind="nonsense", signed_on=D(1979, 12, 31))
    assert {"title", "kind", "signed_on"} <= _fields(error.value)


def test_the_signing_activity_must_be_visible(make_agreement, network, staff):
    from qiao.activities.models import Activity, ActivityKind

    kind = ActivityKind.objects.first()
    theirs = Activity.objects.create(unit=network["b"], title="乙方活动", kind=kind, start_date=SIGNED)
    ours = Activity.objects.create(unit=network["a"], title="签约仪式", kind=kind, start_date=SIGNED)
    with pytest.raises(ValidationError) as error:
        make_agreement(signing_activity=theirs)
    assert "signing_activity" in _fields(error.value)
    assert make_agreement(signing_activity=ours).signing_activity == ours


def test_editing_replaces_parties_and_keeps_those_not_given(make_agreement, school, partner, staff, network):
    agreement = make_agreement(parties=[school, partner])
    agreement.title = "新名称"
    services.save_agreement(staff, agreement)  # parties and units as stored
    assert agreement.parties.count() == 2 and agreement.our_units.count() == 1
    services.save_agreement(staff, agreement, parties=[(partner, "主办")])
    assert [(p.organization, p.role) for p in agreement.parties.all()] == [(partner, "主办")]
    agreement.ended = True  # not through save
    services.save_agreement(staff, agreement)
    agreement.refresh_from_db()
    assert agreement.ended is False


def test_another_base_or_a_viewer_cannot_record_or_change(make_agreement, staff_b, network, make_user, school):
    agreement = make_agreement()
    with pytest.raises(PermissionDenied):
        services.save_agreement(staff_b, agreement, parties=[school], our_units=[network["a"]])
    viewer = make_user("viewer-a", network["a"], "viewer")
    with pytest.raises(PermissionDenied):
        make_agreement(user=viewer)
    forged = Agreement(unit=network["a"], title="伪造", kind="other", signed_on=SIGNED)
    own_org = school.__class__.objects.create(unit=network["b"], name="乙方单位")
    with pytest.raises(PermissionDenied):
        services.save_agreement(staff_b, forged, parties=[own_org], our_units=[network["b"]])


# ---------------------------------------------------------------- status


def test_the_status_is_derived_at_its_edges(make_agreement, staff, manager):
    agreement = make_agreement(ends_on=D(2024, 12, 31))
    rows = Agreement.objects.filter(pk=agreement.pk)
    assert services.status_of(agreement, D(2024, 12, 31)) == "in_force"
    assert services.with_status(rows, D(2024, 12, 31)).get().status == "in_force"
    assert services.status_of(agreement, D(2025, 1, 1)) == "expired"
    assert services.with_status(rows, D(2025, 1, 1)).get().status == "expired"
    assert services.filter_status(rows, ["expired"], D(2025, 1, 1)).exists()
    assert not services.filter_status(rows, ["in_force", "ended"], D(2025, 1, 1)).exists()
    services.end_agreement(staff, agreement, on=D(2024, 6, 1), reason="对方学校合并")
    assert services.with_status(rows, D(2024, 6, 1)).get().status == "ended"
    assert services.filter_status(rows, ["ended"], D(2030, 1, 1)).exists()
    open_ended = make_agreement(title="无期限")
    assert services.with_status(Agreement.objects.filter(pk=open_ended.pk), D(2099, 1, 1)).get().status == "in_force"


def test_ending_needs_a_date_after_signing_and_a_reason_and_only_managers_reopen(make_agreement, staff, manager):
    agreement = make_agreement()
    with pytest.raises(ValidationError) as error:
        services.end_agreement(staff, agreement, on=D(2024, 2, 29), reason="")
    assert {"ended_on", "end_reason"} <= _fields(error.value)
    agreement.refresh_from_db()
    assert not agreement.ended
    services.end_agreement(staff, agreement, on=SIGNED, reason="合作期满前终止")
    agreement.refresh_from_db()
    assert (agreement.ended, agreement.ended_on, agreement.end_reason) == (True, SIGNED, "合作期满前终止")
    with pytest.raises(ValidationError):
        services.end_agreement(staff, agreement, on=SIGNED, reason="again")
    with pytest.raises(PermissionDenied) as denied:
        services.reopen_agreement(staff, agreement)
    assert "managers" in str(denied.value)
    services.reopen_agreement(manager, agreement)
    agreement.refresh_from_db()
    assert (agreement.ended, agreement.ended_on, agreement.end_reason) == (False, None, "")
    with pytest.raises(ValidationError):
        services.reopen_agreement(manager, agreement)


# ---------------------------------------------------------------- commitments


def test_commitments_are_added_edited_ticked_off_and_deleted(make_agreement, staff, school, monkeypatch):
    agreement = make_agreement()
    item = services.save_commitment(
        staff, Commitment(agreement=agreement, text="互派教师", owner=staff, party=school, due_on=D(2024, 9, 1))
    )
    second = services.save_commitment(staff, Commitment(agreement=agreement, text="夏令营"))
    assert second.position > item.position
    item.text = "每年互派两名教师"
    services.save_commitment(staff, item)
    instant = datetime.datetime(2024, 9, 1, 16, 30, tzinfo=datetime.UTC)  # 2 September in Shanghai
    monkeypatch.setattr(timezone, "now", lambda: instant)
    staff.time_zone = "Asia/Shanghai"
    done = services.tick(staff, item)
    assert (done.done_on, done.done_by) == (D(2024, 9, 2), staff)
    item.refresh_from_db()
    item.text = "编辑后"
    services.save_commitment(staff, item)  # an edit keeps it ticked off
    item.refresh_from_db()
    assert item.done_on == D(2024, 9, 2)
    undone = services.tick(staff, item, done=False)
    assert (undone.done_on, undone.done_by) == (None, None)
    services.delete_commitment(staff, second)
    assert list(agreement.commitments.all()) == [item]
    assert ChangeRecord.objects.filter(object_id=agreement.pk, content_type__model="agreement").count() >= 4


def test_bad_commitments_are_refused_naming_the_field(make_agreement, staff, network, make_user, make_org):
    agreement = make_agreement()
    outsider = make_user("staff-hk", network["hk"], "staff")
    stranger = make_org(network["a"], "不是当事方")
    for fields, field in [
        ({"text": ""}, "text"),
        ({"text": "x", "due_on": D(2024, 2, 1)}, "due_on"),
        ({"text": "x", "owner": outsider}, "owner"),
        ({"text": "x", "party": stranger}, "party"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.save_commitment(staff, Commitment(agreement=agreement, **fields))
        assert field in _fields(error.value)
    assert not Commitment.objects.exists()
    # a member of a unit above (the centre) or below (A1) may own it
    above = make_user("staff-centre", network["centre"], "staff")
    below = make_user("staff-a1", network["a1"], "staff")
    for owner in (above, below):
        assert services.save_commitment(staff, Commitment(agreement=agreement, text="x", owner=owner)).pk


def test_another_base_cannot_touch_the_commitments(make_agreement, staff, staff_b, network, make_user):
    agreement = make_agreement(commitments=[{"text": "互派教师"}])
    item = agreement.commitments.get()
    for call in (
        lambda: services.tick(staff_b, item),
        lambda: services.delete_commitment(staff_b, item),
        lambda: services.save_commitment(staff_b, Commitment(agreement=agreement, text="x")),
        lambda: services.save_commitment(staff_b, item),
        lambda: services.tick(make_user("viewer-a", network["a"], "viewer"), item),
    ):
        with pytest.raises(PermissionDenied):
            call()
    item.refresh_from_db()
    assert item.done_on is None and item.text == "互派教师"


def test_overdue_is_read_in_the_readers_local_day_at_the_edge(make_agreement, staff, monkeypatch, make_user, network):
    agreement = make_agreement(commitments=[{"text": "提交年度报告", "due_on": D(2024, 9, 1)}])
    item = agreement.commitments.get()
    rows = Commitment.objects.filter(pk=item.pk)
    # 23:30 on 1 September in Vancouver is already 2 September in Shanghai
    instant = datetime.datetime(2024, 9, 2, 6, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    shanghai = make_user("viewer-sh", network["a"], "viewer", time_zone="Asia/Shanghai")
    vancouver = make_user("viewer-van", network["a"], "viewer", time_zone="America/Vancouver")
    day_sh, day_van = services.local_today(shanghai), services.local_today(vancouver)
    assert (day_sh, day_van) == (D(2024, 9, 2), D(2024, 9, 1))
    assert rows.filter(services.overdue_q(day_sh)).exists() and item.is_overdue(day_sh)
    assert not rows.filter(services.overdue_q(day_van)).exists() and not item.is_overdue(day_van)
    services.tick(staff, item)
    assert not rows.filter(services.overdue_q(day_sh)).exists()


# ---------------------------------------------------------------- sister pairs and figures


@pytest.fixture
def sister_network(make_agreement, make_org, network, staff):
    a = make_org(network["a"], "香港甲中学")
    b = make_org(network["a"], "广州乙中学")
    c = make_org(network["a"], "澳门丙中学")
    make_agreement(title="甲乙姊妹学校", kind="sister", parties=[a, b])
    make_agreement(title="乙甲续签", kind="sister", parties=[b, a], signed_on=D(2024, 4, 1))
    ended = make_agreement(title="甲丙姊妹学校", kind="sister", parties=[a, c])
    services.end_agreement(staff, ended, on=D(2024, 5, 1), reason="停办")
    make_agreement(title="三校联盟", kind="strategic", parties=[a, b, c])
    return a, b, c


def test_sister_pairs_are_unordered_and_counted_once(sister_network, staff):
    a, b, c = sister_network
    rows = Agreement.objects.restrict(staff)
    low_high = lambda x, y: (min(x.pk, y.pk), max(x.pk, y.pk))  # noqa: E731
    assert services.sister_pairs(rows, today=D(2024, 6, 1)) == [low_high(a, b)]
    assert services.sister_pairs(rows, in_force=False) == sorted([low_high(a, b), low_high(a, c)])
    assert list(services.sister_institutions(staff, a)) == sorted([b, c], key=lambda o: o.name)
    assert list(services.sister_institutions(staff, a, in_force=True)) == [b]
    assert list(services.sister_institutions(staff, b)) == [a]


def test_sister_institutions_are_only_those_the_reader_sees(sister_network, staff_b):
    a, _b, _c = sister_network
    assert not services.sister_institutions(staff_b, a).exists()


def test_figures_follow_their_definitions(sister_network, make_agreement, staff, django_assert_max_num_queries):
    a, b, c = sister_network
    make_agreement(title="到期协议", kind="talent_exchange", parties=[a], ends_on=D(2024, 5, 31))
    make_agreement(
        title="有承诺的协议",
        kind="joint_lab",
        parties=[b],
        signed_on=D(2023, 6, 1),
        commitments=[{"text": "逾期", "due_on": D(2024, 5, 1)}, {"text": "未到期", "due_on": D(2024, 7, 1)}],
    )
    services.tick(staff, Commitment.objects.get(text="未到期"))
    rows = Agreement.objects.restrict(staff)
    with django_assert_max_num_queries(3):
        figures = services.figures(rows, start=D(2024, 1, 1), end=D(2024, 12, 31), today=D(2024, 6, 15))
    assert figures["count"] == 6
    assert figures["signed"] == 5  # the joint laboratory was signed in 2023
    assert figures["signed_by_kind"]["sister"] == 3 and figures["signed_by_kind"]["joint_lab"] == 0
    assert (figures["in_force"], figures["expired"], figures["ended"]) == (4, 1, 1)
    assert figures["in_force"] + figures["expired"] + figures["ended"] == figures["count"]
    assert figures["sister_pairs"] == 1
    assert (figures["commitments"], figures["commitments_done"], figures["commitments_overdue"]) == (2, 1, 1)
    # read at the end of an earlier period: the ending of 1 May had not happened on 30 April
    before = services.figures(rows, end=D(2024, 4, 30), today=D(2024, 6, 15))
    assert before["on"] == D(2024, 4, 30) and before["ended"] == 0 and before["sister_pairs"] == 2
    assert before["signed"] == 6  # signed on or before 30 April
