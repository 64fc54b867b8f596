"""Schemathesis drives every API operation of /api/schema/ with generated input, valid and invalid
(positive and negative generation modes), as an administrator of one base whose records stand behind
every {id}. Whatever comes in, the answer is never a server error, and it is what the schema says:
a documented status code, the documented content type, a body matching the documented shape.

The suite replays the same 5 examples per operation and mode every run (no flaky CI).
`make test-api-fuzz` explores more: QIAO_FUZZ=N examples per operation and mode, random but from
a seed it prints (QIAO_FUZZ_SEED=S replays a run)."""

from __future__ import annotations

import itertools
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.test_attack_world import build_world, media  # noqa: F401 - the `media` fixture

EXAMPLES = int(os.environ.get("QIAO_FUZZ", "5"))  # make test-api-fuzz runs 20 per operation
DERANDOMIZE = "QIAO_FUZZ" not in os.environ
SEED = int(os.environ.get("QIAO_FUZZ_SEED", "0") or 0)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# the first segment of an API path → the world's record its {id} names
RESOURCES = {
    "units": "core.Unit",
    "users": "core.User",
    "people": "people.Person",
    "organizations": "orgs.Organization",
    "affiliations": "people.Affiliation",
    "imports": "imports.ImportBatch",
    "internship-positions": "internships.InternshipPosition",
    "internship-applications": "internships.InternshipApplication",
    "internship-placements": "internships.Placement",
    "activities": "activities.Activity",
    "participations": "activities.Participation",
    "series": "activities.Series",
    "programmes": "activities.Programme",
    "fields": "matching.Field",
    "demands": "matching.Demand",
    "matches": "matching.Match",
    "plans": "matching.Plan",
    "policies": "policies.Policy",
    "projects": "projects.Project",
    "tranches": "projects.Tranche",
    "cases": "ledger.Case",
    "case-tasks": "ledger.CaseTask",
    "case-actions": "ledger.CaseAction",
    "service-records": "ledger.ServiceRecord",
    "notifications": "notifications.Notification",
    "interactions": "relations.Interaction",
    "key-contacts": "relations.KeyContact",
    "agreements": "agreements.Agreement",
    "commitments": "agreements.Commitment",
    "carriers": "carriers.Carrier",
    "residencies": "carriers.Residency",
    "proposals": "proposals.Proposal",
    "public-roles": "proposals.PublicRole",
    "tokens": "core.ApiToken",
}


@pytest.fixture
def world(network, make_user, make_person, make_org, make_token, media):  # noqa: F811 - media is a fixture
    """The fuzzer is base A's administrator; its token, and the path parameters naming base A's records."""
    from qiao.notifications.models import Notification
    from qiao.reports import metrics

    world = build_world(network, make_user, make_person, make_org)
    fuzzer = world.users["admin_a"]
    records = dict(world.a)
    # another user of base A: the fuzzer editing itself (password, memberships, active) would lock its own token out
    records["core.User"] = world.users["staff_a"]
    records["notifications.Notification"] = Notification.objects.create(
        user=fuzzer, kind="assigned", key="fuzz", subject="fuzz", url="/"
    )
    ids = {resource: records[label].pk for resource, label in RESOURCES.items() if label in records}
    extra = {"key": next(iter(metrics.CATALOGUE)), "unit_id": network["hk"].pk}
    return make_token(fuzzer, "fuzzer"), ids, extra


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


def _point_at_records(case, ids, extra):
    resource = case.path.strip("/").split("/")[1]
    for name in case.path_parameters or {}:
        if name in ("id", "pk") and resource in ids:
            case.path_parameters[name] = ids[resource]
        elif name in extra:
            case.path_parameters[name] = extra[name]


def test_every_operation_answers_as_its_schema_says(world, keep_test_connection):
    """Guards the API's robustness and its documentation: fails on any 5xx, and on any answer whose
    status, content type or body the schema does not describe, for valid and invalid input alike."""
    from drf_spectacular.generators import SchemaGenerator

    from qiao.wsgi import application

    if not DERANDOMIZE:
        print(f"\nschemathesis: {EXAMPLES} examples per operation and mode, QIAO_FUZZ_SEED={SEED}")
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    token, ids, extra = world
    headers = {"Authorization": f"Token {token}"}
    tested = 0
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation, mode in itertools.product(operations, schemathesis.GenerationMode):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=DERANDOMIZE,
            phases=[Phase.explicit, Phase.generate],  # report the first failing example, unshrunk
        )
        @seed(SEED)
        def answers_as_documented(case):
            _point_at_records(case, ids, extra)
            response = case.call(app=application, headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            answers_as_documented()
        except Unsatisfiable:
            # every parameter accepts any value (free-text filters only): there is no invalid input to send
            if mode != schemathesis.GenerationMode.NEGATIVE:
                raise
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - each operation's failure is collected
            failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {error}")
        tested += 1
    assert tested >= 2 * 60
    assert not failures, f"{len(failures)} operations answer against their schema:\n\n" + "\n\n".join(failures)
