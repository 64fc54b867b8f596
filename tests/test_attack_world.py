"""A fixture world for the attack tests: two bases of one centre, each holding one record of every
kind of record the registry keeps, and a user of every role.

`build_world(network, make_user, make_person, make_org, name=...)` names every record that has a name
or a title with `name` (plus a suffix telling the base), so the injection tests reuse it with hostile
names. The world is built with the ORM and the services, never through the views under test.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest

DAY = datetime.date(2025, 3, 1)
ROLES = ("viewer", "staff", "manager", "admin")


_SERIAL = itertools.count(1)


def activity_serial() -> int:
    return next(_SERIAL)


def _records(unit, user, person, org, name: str) -> dict:
    """One record of each kind owned by `unit` (or reached through a record it owns), keyed by model label."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from qiao.activities.models import Activity, ActivityKind, Attachment, Participation, Programme, Series
    from qiao.agreements.models import Agreement, AgreementParty, Commitment
    from qiao.carriers.models import Carrier, Milestone, Residency
    from qiao.imports.models import ImportBatch, SavedMapping
    from qiao.internships.models import InternshipApplication, InternshipPosition, Placement
    from qiao.ledger.models import Case, CaseAction, CaseReport, CaseTask, ServiceKind, ServiceRecord
    from qiao.matching.models import Demand, Intake, Match, Plan, PlanTask, ProfileSubmission
    from qiao.notifications.models import Notification
    from qiao.people.models import Affiliation
    from qiao.policies.models import Benefit, BenefitKind, Policy
    from qiao.projects.models import Project, ProjectPerson, Tranche
    from qiao.proposals.models import Proposal, PublicRole
    from qiao.relations.models import Interaction, KeyContact
    from qiao.reports.models import BulletinTemplate

    r = {"people.Person": person, "orgs.Organization": org}
    r["people.Affiliation"] = Affiliation.objects.create(person=person, organization=org, kind="member", unit=unit)
    kind = ActivityKind.objects.order_by("pk").first()
    r["activities.Programme"] = Programme.objects.create(unit=unit, name=name)
    r["activities.Series"] = Series.objects.create(unit=unit, name=name)
    activity = Activity.objects.create(
        unit=unit,
        kind=kind,
        title=name,
        start_date=DAY,
        end_date=DAY,
        registration_open=True,
        registration_token=f"reg{unit.pk}x{activity_serial()}",
    )
    r["activities.Activity"] = activity
    r["activities.Participation"] = Participation.objects.create(activity=activity, person=person, unit=unit, date=DAY)
    r["activities.Attachment"] = Attachment.objects.create(
        activity=activity, file=ContentFile(b"%PDF-1.4 attack", name="plan.pdf"), caption=name
    )
    position = InternshipPosition.objects.create(unit=unit, organization=org, title=name)
    r["internships.InternshipPosition"] = position
    application = InternshipApplication.objects.create(position=position, person=person)
    r["internships.InternshipApplication"] = application
    r["internships.Placement"] = Placement.objects.create(application=application, batch=activity, start_date=DAY)
    policy = Policy.objects.create(unit=unit, title=name, source_file=name)
    r["policies.Policy"] = policy
    r["policies.Benefit"] = Benefit.objects.create(
        policy=policy, kind=BenefitKind.objects.order_by("pk").first(), name=name
    )
    demand = Demand.objects.create(unit=unit, title=name, organization=org)
    r["matching.Demand"] = demand
    r["matching.Match"] = Match.objects.create(unit=unit, demand=demand, person=person)
    plan = Plan.objects.create(unit=unit, person=person)
    r["matching.Plan"] = plan
    r["matching.PlanTask"] = PlanTask.objects.create(plan=plan, what=name)
    intake = Intake.objects.create(unit=unit, kind="profile", title=name)
    r["matching.Intake"] = intake
    r["matching.ProfileSubmission"] = ProfileSubmission.objects.create(
        unit=unit, intake=intake, consent_at=timezone.now(), data={"name": name}
    )
    project = Project.objects.create(unit=unit, name=name, investor=org, kind="new", stage_on=DAY)
    r["projects.Project"] = project
    r["projects.ProjectPerson"] = ProjectPerson.objects.create(project=project, person=person)
    r["projects.Tranche"] = Tranche.objects.create(project=project, on=DAY, amount=Decimal("1000000"))
    case = Case.objects.create(unit=unit, organization=org, category="land", title=name)
    r["ledger.Case"] = case
    r["ledger.CaseTask"] = CaseTask.objects.create(case=case, title=name)
    r["ledger.CaseAction"] = CaseAction.objects.create(
        case=case,
        kind="call",
        note=name,
        attachment=ContentFile(b"%PDF-1.4 attack", name="minutes.pdf"),
        attachment_name="minutes.pdf",
    )
    r["ledger.ServiceRecord"] = ServiceRecord.objects.create(
        unit=unit, kind=ServiceKind.objects.order_by("pk").first(), organization=org, summary=name
    )
    r["ledger.CaseReport"] = CaseReport.objects.create(unit=unit, data={"title": name})
    interaction = Interaction.objects.create(
        unit=unit, kind="visit", occurred_at=timezone.now(), occurred_on=DAY, summary=name
    )
    interaction.people.add(person)
    r["relations.Interaction"] = interaction
    r["relations.KeyContact"] = KeyContact.objects.create(
        unit=unit, person=person, responsible=user, since=DAY, due_on=DAY + datetime.timedelta(days=90)
    )
    agreement = Agreement.objects.create(unit=unit, title=name, kind="strategic", signed_on=DAY)
    AgreementParty.objects.create(agreement=agreement, organization=org)
    agreement.our_units.add(unit)
    r["agreements.Agreement"] = agreement
    r["agreements.Commitment"] = Commitment.objects.create(agreement=agreement, text=name, owner=user, due_on=DAY)
    carrier = Carrier.objects.create(unit=unit, name=name, kind="incubator", capacity=10)
    r["carriers.Carrier"] = carrier
    residency = Residency.objects.create(carrier=carrier, kind="team", name=name, origin="HK", entered_on=DAY)
    r["carriers.Residency"] = residency
    r["carriers.Milestone"] = Milestone.objects.create(residency=residency, kind="registered", on=DAY)
    proposal = Proposal.objects.create(unit=unit, title=name, channel="proposal", submitted_on=DAY)
    proposal.authors.add(person)
    r["proposals.Proposal"] = proposal
    r["proposals.PublicRole"] = PublicRole.objects.create(person=person, kind="cppcc_member", body=name)
    r["imports.ImportBatch"] = ImportBatch.objects.create(unit=unit, created_by=user, filename="people.xlsx")
    r["imports.SavedMapping"] = SavedMapping.objects.create(unit=unit, name=name, created_by=user)
    r["reports.BulletinTemplate"] = BulletinTemplate.objects.create(unit=unit, name=name, title=name, body=name)
    r["notifications.Notification"] = Notification.objects.create(
        user=user, kind="assigned", key=f"case:{case.pk}:assigned", subject=name, url=case.get_absolute_url()
    )
    return r


def _privacy_records(unit, person, name: str) -> dict:
    """A consent and a retention flag of the person, when the privacy app is installed."""
    from django.apps import apps

    if not apps.is_installed("qiao.privacy"):
        return {}
    from qiao.privacy.models import Consent, RetentionFlag, Transfer

    return {
        "privacy.Consent": Consent.objects.create(
            unit=unit, person=person, purpose="registry", given_on=DAY, method="written"
        ),
        "privacy.RetentionFlag": RetentionFlag.objects.create(unit=unit, person=person, years=5),
        "privacy.Transfer": Transfer.objects.create(
            unit=unit, person=person, from_unit=unit, region="HK", purpose=name, legal_basis="consent"
        ),
    }


def build_world(network, make_user, make_person, make_org, name: str = "記錄") -> SimpleNamespace:
    """Base A (with its office A1) and base B each with a record of every kind; users of every role
    in both bases, an administrator of the centre, and a duplicate pair in each base."""
    from qiao.core.models import ApiToken, Membership
    from qiao.matching.models import Field
    from qiao.people.models import DuplicateCandidate, PersonShare

    users = {}
    for role in ROLES:
        users[f"{role}_a"] = make_user(f"{role}-a", network["a"], role)
        users[f"{role}_b"] = make_user(f"{role}-b", network["b"], role)
    users["admin_centre"] = make_user("admin-centre", network["centre"], "admin")
    records = {}
    for key, unit in (("a", network["a"]), ("b", network["b"])):
        tag = "甲" if key == "a" else "乙"
        person = make_person(unit, f"{name}{tag}", name_latin=f"{name} {key.upper()}")
        twin = make_person(unit, f"{name}{tag}", name_latin=f"{name} {key.upper()}")
        org = make_org(unit, f"{name}{tag}社團")
        owner = users[f"staff_{key}"]
        recs = _records(unit, owner, person, org, f"{name}{tag}")
        recs["people.DuplicateCandidate"] = DuplicateCandidate.objects.create(
            unit=unit, person=person, other=twin, score=Decimal("0.95")
        )
        recs["people.PersonShare"] = PersonShare.objects.create(person=person, unit=network["hk"])
        recs["matching.Field"] = Field.objects.order_by("pk").first()  # network-wide, no unit
        recs["core.Unit"] = unit
        recs["core.User"] = owner
        recs["core.Membership"] = Membership.objects.get(user=owner, unit=unit)
        recs["core.ApiToken"] = ApiToken.create_for(owner, "attack tests")[0]
        recs.update(_privacy_records(unit, person, f"{name}{tag}"))
        records[key] = recs
    return SimpleNamespace(network=network, users=users, a=records["a"], b=records["b"])


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def world(network, make_user, make_person, make_org, media):
    return build_world(network, make_user, make_person, make_org)


def test_the_world_holds_a_record_of_every_kind_in_both_bases(world):
    """Guards the matrix itself: a record kind added to the project without a record here would
    leave its pages untested (the matrix looks records up by model)."""
    from django.apps import apps

    scoped = {
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("qiao.") and getattr(model, "scope_field", None) not in (None, "id")
    }
    scoped -= {"core.User", "core.Membership", "activities.ActivityTally", "ledger.CaseTally"}
    scoped -= {"projects.StageChange", "agreements.AgreementParty"}  # written by the services with their parent
    missing = scoped - set(world.a)
    assert not missing, f"add a record of {sorted(missing)} to tests/test_attack_world.py"
    for key in ("a", "b"):
        unit = world.network[key]
        for label, record in getattr(world, key).items():
            field = getattr(type(record), "scope_field", "id")
            if field != "id":
                assert type(record)._base_manager.filter(pk=record.pk, **{field: unit.pk}).exists(), label
