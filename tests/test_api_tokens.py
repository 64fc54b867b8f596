"""API tokens (qiao.core.models.ApiToken): hashed keys, expiry, revocation, read-only tokens, the
`qiao token` command, the "API tokens" page, the carry-over of the old clear-text tokens, and the
API's rate limits per token, per user and per address."""

import datetime
import importlib
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from qiao.core.models import ActionLog, ApiToken, hash_token_key


def token_client(key, **extra):
    client = APIClient(**extra)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def reader(network, make_user):
    return make_user("reader", network["a"], "staff")


def test_only_the_hash_and_a_prefix_of_the_key_are_stored(reader):
    """Guards: the key in clear is never written to the database (a leaked backup gives no access)."""
    key = ApiToken.issue(reader, "HR system")
    token = ApiToken.objects.get(user=reader)
    assert len(key) == 40 and token.prefix == key[:8]
    assert token.key_hash == hash_token_key(key) != key
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert key not in stored


def test_a_token_authenticates_and_records_when_it_was_used(reader, make_token):
    """Guards: Authorization: Token <key> (the header clients always sent) signs the caller in."""
    key = make_token(reader)
    assert APIClient().get("/api/people/").status_code == 401
    assert token_client(key).get("/api/people/").status_code == 200
    assert ApiToken.objects.get(user=reader).last_used is not None
    assert token_client(key[:-1] + ("0" if key[-1] != "0" else "1")).get("/api/people/").status_code == 401


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"revoked_at": timezone.now()}, "revoked"),
        ({"expires": timezone.now() - datetime.timedelta(minutes=1)}, "expired"),
    ],
)
def test_revoked_and_expired_tokens_are_refused_with_the_reason(reader, make_token, change, words):
    """Guards: a revoked or expired token no longer opens the API (401, saying why)."""
    key = make_token(reader)
    ApiToken.objects.filter(user=reader).update(**change)
    response = token_client(key).get("/api/people/")
    assert response.status_code == 401
    assert words in response.json()["detail"]


def test_a_token_of_a_disabled_user_is_refused(reader, make_token):
    key = make_token(reader)
    reader.is_active = False
    reader.save()
    assert token_client(key).get("/api/people/").status_code == 401


def test_a_token_that_expires_later_still_works(reader, make_token):
    key = make_token(reader, expires=timezone.now() + datetime.timedelta(days=1))
    assert token_client(key).get("/api/people/").status_code == 200


def test_a_read_only_token_reads_but_never_writes(reader, make_token, network):
    """Guards: a read-only token gets 403 on POST, PATCH and DELETE, even on views with their own permissions."""
    key = make_token(reader, read_only=True)
    client = token_client(key)
    assert client.get("/api/people/").status_code == 200
    response = client.post("/api/people/", {"name": "李小龍", "unit": network["a"].pk}, format="json")
    assert response.status_code == 403
    assert "read only" in response.json()["detail"]
    assert client.post("/api/notifications/read-all/", {}, format="json").status_code == 403
    writer = token_client(make_token(reader, "writer"))
    assert writer.post("/api/people/", {"name": "李小龍", "unit": network["a"].pk}, format="json").status_code == 201


def test_the_token_command_prints_a_working_key_and_rotates(reader):
    """Guards: `qiao token USERNAME` (a stable interface) prints a key that works; --rotate revokes the old one."""

    def run(*args):
        out = StringIO()
        call_command("token", "reader", *args, stdout=out)
        return out.getvalue().strip()

    first = run()
    assert token_client(first).get("/api/people/").status_code == 200
    second = run("--rotate")
    assert token_client(second).get("/api/people/").status_code == 200
    assert token_client(first).get("/api/people/").status_code == 401
    limited = run("--name", "dashboard", "--read-only", "--expires", "30")
    token = ApiToken.find(limited)
    assert token.name == "dashboard" and token.read_only
    assert 29 <= (token.expires - timezone.now()).days <= 30
    assert token_client(second).get("/api/people/").status_code == 200  # another name is not rotated
    assert ActionLog.objects.filter(action="qiao.token.issued").count() == 3
    assert ActionLog.objects.filter(action="qiao.token.revoked").count() == 1
    with pytest.raises(CommandError):
        call_command("token", "nobody", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("token", "reader", "--expires", "0", stdout=StringIO())


def test_old_clear_text_tokens_are_carried_over_hashed_and_erased(reader):
    """Guards: the data migration keeps existing integrations working and leaves no key in clear."""
    migration = importlib.import_module("qiao.core.migrations.0007_apitoken_from_authtoken")
    key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, user_id bigint NOT NULL, created timestamp)'
        )
        cursor.execute(
            'INSERT INTO authtoken_token ("key", user_id, created) VALUES (%s, %s, %s)',
            [key, reader.pk, timezone.now()],
        )
    try:
        from django.apps import apps

        editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
        migration.convert(apps, editor)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM authtoken_token")
            assert cursor.fetchone()[0] == 0
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE authtoken_token")
    assert ApiToken.find(key).user == reader
    assert token_client(key).get("/api/people/").status_code == 200


# ---------------------------------------------------------------------------------------------------------
# The "API tokens" page


def test_the_page_creates_a_token_shown_once_and_revokes_it(client, reader):
    """Guards: the key is shown once on creation and never again; revoking stops it at once."""
    client.force_login(reader)
    page = client.get("/tokens/")
    assert page.status_code == 200 and b"/tokens/" in client.get("/").content
    response = client.post("/tokens/", {"name": "HR system", "read_only": "on", "days": "90"})
    assert response.status_code == 200
    key = response.context["created_key"]
    assert key.encode() in response.content
    token = ApiToken.find(key)
    assert token.user == reader and token.read_only and token.expires is not None
    assert key.encode() not in client.get("/tokens/").content
    assert token_client(key).get("/api/people/").status_code == 200
    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 302
    assert token_client(key).get("/api/people/").status_code == 401


def test_the_page_refuses_a_bad_form_naming_the_field(client, reader):
    client.force_login(reader)
    response = client.post("/tokens/", {"name": "", "days": "-3"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "days"}
    assert not ApiToken.objects.exists()


def test_users_cannot_see_or_revoke_others_tokens_but_their_administrator_can(client, network, make_user, reader):
    """Guards: tokens are private to their user and to the administrators of the user's units."""
    other = make_user("other", network["a"], "staff")
    outsider_admin = make_user("admin-b", network["b"], "admin")
    admin = make_user("admin-a", network["a"], "admin")
    token, _key = ApiToken.create_for(reader, "reader's")
    for someone in (other, outsider_admin):
        client.force_login(someone)
        assert b"reader&#x27;s" not in client.get("/tokens/").content
        assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(admin)
    assert b"reader&#x27;s" in client.get("/tokens/").content
    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


# ---------------------------------------------------------------------------------------------------------
# Rate limits


@pytest.fixture
def low_rates(settings):
    cache.clear()
    settings.QIAO_API_RATE_TOKEN = "3/hour"
    settings.QIAO_API_RATE_USER = "4/hour"
    settings.QIAO_API_RATE_ANON = "2/hour"
    yield settings
    cache.clear()


def test_each_token_has_its_own_bucket_and_429_says_when_to_come_back(reader, make_token, low_rates):
    """Guards: beyond the token's rate the API answers 429 with Retry-After; another token is not affected."""
    first, second = token_client(make_token(reader, "one")), token_client(make_token(reader, "two"))
    assert [first.get("/api/people/").status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get("/api/people/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many requests" in refused.json()["detail"]
    assert second.get("/api/people/").status_code == 200


def test_the_429_message_is_translated(reader, make_token, low_rates):
    client = token_client(make_token(reader), HTTP_ACCEPT_LANGUAGE="zh-hans")
    for _ in range(3):
        client.get("/api/people/")
    refused = client.get("/api/people/")
    assert refused.status_code == 429 and refused["Content-Language"] == "zh-hans"


def test_the_web_session_counts_against_the_user(client, reader, low_rates):
    client.force_login(reader)
    assert [client.get("/api/people/").status_code for _ in range(5)] == [200, 200, 200, 200, 429]


def test_failed_token_attempts_are_limited_per_address(db, low_rates):
    """Guards: guessing keys from one address is cut off (429), other addresses still get a plain 401."""
    guess = token_client("f" * 40, REMOTE_ADDR="203.0.113.5")
    assert [guess.get("/api/people/").status_code for _ in range(3)] == [401, 401, 429]
    assert token_client("e" * 40, REMOTE_ADDR="203.0.113.6").get("/api/people/").status_code == 401


def test_x_forwarded_for_counts_only_behind_a_trusted_proxy(db, low_rates):
    """Guards: without QIAO_TRUST_X_FORWARDED_FOR a client cannot dodge the limit by inventing the header."""
    for n in range(2):
        token_client("f" * 40, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").get("/api/people/")
    assert token_client("f" * 40, HTTP_X_FORWARDED_FOR="198.51.100.9").get("/api/people/").status_code == 429
    cache.clear()
    low_rates.QIAO_TRUST_X_FORWARDED_FOR = True
    for n in range(3):
        response = token_client("f" * 40, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").get("/api/people/")
        assert response.status_code == 401
