"""Schemathesis drives every API operation with generated input: whatever comes in, the answer is
never a server error. (A bounded number of examples per operation keeps the suite fast.)"""

import itertools
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error

# The suite replays the same examples every run (no flaky CI); QIAO_FUZZ=N explores N fresh random
# examples per operation when hunting for bugs by hand.
EXAMPLES = int(os.environ.get("QIAO_FUZZ", "15"))
DERANDOMIZE = "QIAO_FUZZ" not in os.environ


@pytest.fixture
def world(network, make_user, make_person, make_org):
    """A token, and for each resource a record the fuzzer's {id} points at (random ids only 404)."""
    from rest_framework.authtoken.models import Token

    from qiao.people.models import Affiliation

    person = make_person(network["a"], "陳大文")
    org = make_org(network["a"], "香港惠州社團聯合總會")
    affiliation = Affiliation.objects.create(person=person, organization=org, kind="member", unit=network["a"])
    user = make_user("fuzzer", network["a"], "admin")
    ids = {
        "people": person.pk,
        "organizations": org.pk,
        "affiliations": affiliation.pk,
        "units": network["a1"].pk,
        "users": user.pk,
        **_relationship_records(network["a"], user, person, org),
    }
    return Token.objects.create(user=user).key, ids


def _relationship_records(unit, user, person, org) -> dict:
    """One record of each relationship resource, so the fuzzer's {id} reaches real ones."""
    import datetime

    from django.utils import timezone

    from qiao.agreements.models import Agreement, AgreementParty, Commitment
    from qiao.carriers.models import Carrier, Residency
    from qiao.proposals.models import Proposal, PublicRole
    from qiao.relations.models import Interaction, KeyContact

    day = datetime.date(2025, 3, 1)
    interaction = Interaction.objects.create(
        unit=unit, kind="visit", occurred_at=timezone.now(), occurred_on=day, summary="走访"
    )
    interaction.people.add(person)
    key_contact = KeyContact.objects.create(
        unit=unit, person=person, responsible=user, since=day, due_on=day + datetime.timedelta(days=90)
    )
    agreement = Agreement.objects.create(unit=unit, title="战略合作协议", kind="strategic", signed_on=day)
    AgreementParty.objects.create(agreement=agreement, organization=org)
    agreement.our_units.add(unit)
    commitment = Commitment.objects.create(agreement=agreement, text="互派交流", owner=user, due_on=day)
    carrier = Carrier.objects.create(unit=unit, name="孵化器", kind="incubator", capacity=10)
    residency = Residency.objects.create(carrier=carrier, kind="team", name="团队", origin="HK", entered_on=day)
    proposal = Proposal.objects.create(unit=unit, title="建议", channel="proposal", submitted_on=day)
    proposal.authors.add(person)
    role = PublicRole.objects.create(person=person, kind="cppcc_member", body="惠州市政协")
    return {
        "interactions": interaction.pk,
        "key-contacts": key_contact.pk,
        "agreements": agreement.pk,
        "commitments": commitment.pk,
        "carriers": carrier.pk,
        "residencies": residency.pk,
        "proposals": proposal.pk,
        "public-roles": role.pk,
    }


@pytest.fixture
def keep_test_connection():
    """Calling the WSGI app directly sends request signals whose handler would close the test's
    database connection mid-transaction (Django's test client disconnects it the same way)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_no_input_makes_the_api_fail(world, keep_test_connection):
    from drf_spectacular.generators import SchemaGenerator

    from qiao.wsgi import application

    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    token, ids = world
    headers = {"Authorization": f"Token {token}"}
    tested = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation, mode in itertools.product(operations, schemathesis.GenerationMode):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=DERANDOMIZE,
        )
        def answers_without_error(case):
            resource = case.path.strip("/").split("/")[1]
            if case.path_parameters and "id" in case.path_parameters and resource in ids:
                case.path_parameters["id"] = ids[resource]
            response = case.call(app=application, headers=headers)
            case.validate_response(response, checks=[not_a_server_error])

        try:
            answers_without_error()
        except Unsatisfiable:
            # every parameter accepts any value (free-text filters only): there is no invalid input to send
            if mode != schemathesis.GenerationMode.NEGATIVE:
                raise
        tested += 1
    assert tested >= 2 * 20
