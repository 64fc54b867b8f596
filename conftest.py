"""Shared fixtures: a small service network with a user of every role at every level.

centre (中心)
├── base A (基地甲) ── county office A1 (A1办事处)
├── base B (基地乙)
└── HK workstation (香港工作站)
"""

import os

import pytest
from hypothesis import settings as hypothesis_settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

# Property tests have no time limit per example: CI runs two suites side by side on two cores, where Hypothesis's
# default 200 ms deadline failed a date-parsing property for no fault of the code. Nor a database of examples.
hypothesis_settings.register_profile("qiao", deadline=None, database=None)
hypothesis_settings.load_profile("qiao")


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests read English unless they ask otherwise, and static files come from the source folders."""
    settings.LANGUAGE_CODE = "en"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # argon2 is slow on purpose
    # background tasks run at once, in the test's own transaction; tests of the worker ask for the database backend
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # two-factor is required of managers and administrators in real settings; the suite's tests sign them in with
    # force_login, so it is off here: tests/test_security_accounts.py sets it back and proves the enforcement
    settings.QIAO_2FA_REQUIRED_ROLES = ()
    # the suite makes many API calls from one token and one address; tests of the limits set their own rates
    settings.QIAO_API_RATE_TOKEN = settings.QIAO_API_RATE_USER = settings.QIAO_API_RATE_ANON = "1000000/hour"


@pytest.fixture
def network(db):
    from qiao.activities import defaults as activity_defaults
    from qiao.core.models import Unit, UnitKind
    from qiao.ledger import defaults as ledger_defaults
    from qiao.matching import defaults as matching_defaults
    from qiao.policies import defaults as policy_defaults

    # the migrations' default lists, gone after a transactional test flushed the database
    activity_defaults.ensure()
    matching_defaults.ensure()
    policy_defaults.ensure()
    ledger_defaults.ensure()

    centre = Unit.objects.create(name="中心", kind=UnitKind.CENTRE, code="centre")
    base_a = Unit.objects.create(name="基地甲", kind=UnitKind.BASE, parent=centre, code="base-a")
    office_a1 = Unit.objects.create(name="A1办事处", kind=UnitKind.OFFICE, parent=base_a, code="office-a1")
    base_b = Unit.objects.create(name="基地乙", kind=UnitKind.BASE, parent=centre, code="base-b")
    hk = Unit.objects.create(name="香港工作站", kind=UnitKind.WORKSTATION, parent=centre, code="hk")
    return {"centre": centre, "a": base_a, "a1": office_a1, "b": base_b, "hk": hk}


@pytest.fixture
def make_user(db):
    from qiao.core.models import Membership, User

    def make(username, unit=None, role="staff", **extra):
        user = User.objects.create_user(username=username, password="Qiao-test-pass-9", **extra)
        if unit is not None:
            Membership.objects.create(user=user, unit=unit, role=role)
        return user

    return make


@pytest.fixture
def make_person(db):
    from qiao.people.models import Person
    from qiao.people.services import save_person

    def make(unit, name="陳大文", user=None, documents=None, **fields):
        fields.setdefault("name_latin", "CHAN Tai Man" if name == "陳大文" else "")
        person = Person(unit=unit, name=name, **fields)
        if user is None:
            from qiao.core.models import User

            user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
                "root", password="Qiao-root-pass-9"
            )
        return save_person(user, person, documents=documents or [])

    return make


@pytest.fixture
def make_org(db):
    from qiao.orgs.models import Organization

    def make(unit, name="香港青年联会", **fields):
        return Organization.objects.create(unit=unit, name=name, **fields)

    return make


@pytest.fixture
def make_token(db):
    """make_token(user, name="test", read_only=False) → the key of a new API token, in clear."""
    from qiao.core.models import ApiToken

    def make(user, name="test", **options):
        return ApiToken.issue(user, name, **options)

    return make


@pytest.fixture
def api(db):
    from rest_framework.test import APIClient

    def client_for(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return client_for
