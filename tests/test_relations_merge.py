"""Merging two records of one person keeps everything the relationship apps link to them: contacts,
key contacts (one per unit, the cadence computed again), teams founded, proposals written, public roles."""

import datetime

import pytest

from qiao.carriers import services as carriers
from qiao.carriers.models import Carrier, Residency
from qiao.people import merging
from qiao.proposals import services as proposals
from qiao.proposals.models import Proposal, PublicRole
from qiao.relations import services
from qiao.relations.models import KeyContact

D = datetime.date
HK = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def manager(network, make_user):
    return make_user("manager-a", network["a"], "manager")


def test_merging_moves_contacts_key_contacts_teams_proposals_and_roles(network, manager, make_person):
    survivor = make_person(network["a"], "陳大文")
    other = make_person(network["a"], "陈大文")
    both = make_person(network["a"], "李小明")
    for person in (survivor, other):
        services.mark_key_contact(manager, unit=network["a"], person=person, responsible=manager, since=D(2024, 1, 1))
    services.log_interaction(
        manager, unit=network["a"], kind="call", occurred_at=datetime.datetime(2024, 6, 1, 10, tzinfo=HK),
        summary="电话", people=[other, both], organizations=[],
    )  # fmt: skip
    services.log_interaction(
        manager, unit=network["a"], kind="visit", occurred_at=datetime.datetime(2024, 3, 1, 10, tzinfo=HK),
        summary="走访", people=[survivor, other], organizations=[],
    )  # fmt: skip
    carrier = carriers.save_carrier(manager, Carrier(unit=network["a"], name="孵化器", kind="incubator"))
    team = carriers.save_residency(
        manager,
        Residency(carrier=carrier, kind="team", name="团队", origin="HK", entered_on=D(2024, 1, 2)),
        founders=[other],
    )
    proposal = proposals.save_proposal(
        manager,
        Proposal(unit=network["a"], title="建议", channel="proposal", submitted_on=D(2024, 2, 1)),
        authors=[survivor, other],
    )
    proposals.save_role(manager, PublicRole(person=other, kind="cppcc_member", body="惠州市政协"))

    merging.merge(manager, survivor, other)

    assert set(survivor.interactions.values_list("summary", flat=True)) == {"电话", "走访"}
    assert list(other.interactions.all()) == []
    assert list(team.founders.all()) == [survivor]
    assert list(proposal.authors.all()) == [survivor]
    assert survivor.public_roles.count() == 1
    (active,) = KeyContact.objects.filter(ended_on__isnull=True)
    assert active.person == survivor
    assert active.last_contact_on == D(2024, 6, 1) and active.due_on == D(2024, 8, 30)
    (ended,) = KeyContact.objects.filter(ended_on__isnull=False)  # the merged record's, kept as history
    assert ended.person == survivor and "Merged" in ended.reason
