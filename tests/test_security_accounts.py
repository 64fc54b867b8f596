"""Accounts (issue 9): argon2 and password rules, two-factor authentication, lockout, idle sign-out and the
sign-in history. Every protection has a test that fails when the protection is taken away."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

PASSWORD = "Qiao-test-pass-9"  # conftest's make_user
DEFAULT_ROLES = ["manager", "admin"]


@pytest.fixture
def enforced(settings):
    """Two-factor required as in real settings (conftest turns it off for the rest of the suite)."""
    settings.QIAO_2FA_REQUIRED_ROLES = DEFAULT_ROLES
    return settings


def code_for(device, steps: int = 0) -> str:
    """The code the authenticator app shows now (or `steps` time steps later), from the device's key."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def give_two_factor(user):
    """A confirmed authenticator and ten recovery codes, as after the set-up page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qiao.security import twofactor

    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device, twofactor.regenerate_codes(user)


def unthrottle(user) -> None:
    """Skip django-otp's wait after a wrong code (1, 2, 4 … seconds), where a test is not about it."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_timestamp=None, throttling_failure_count=0)


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def total(response) -> int:
    """The number of records a list page says it holds."""
    import re

    return int(re.search(r'data-total="(\d+)"', response.content.decode()).group(1))


def events(**filters):
    from qiao.security.models import LoginEvent

    return list(LoginEvent.objects.filter(**filters).order_by("id").values_list("outcome", flat=True))


# ---------------------------------------------------------------------------------------------------------
# Passwords


def test_argon2_is_the_first_hasher_of_the_real_settings(settings):
    """Guards: passwords are stored with argon2 (conftest swaps in MD5 only to keep the suite fast)."""
    from django.contrib.auth.hashers import check_password, make_password

    import qiao.settings as real

    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = real.PASSWORD_HASHERS
    encoded = make_password("Bridge-over-the-bay-2024")
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("Bridge-over-the-bay-2024", encoded)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt-pw", "This password is too short. It must contain at least 10 characters."),
        ("qwertyuiop", "This password is too common."),
        ("4839201746", "This password is entirely numeric."),
        ("chen.wenhua1", "The password is too similar to the username."),
    ],
)
def test_password_change_refuses_weak_passwords(client, network, make_user, password, message):
    """Guards: the password validators (length 10, common, numeric, similarity) on the password-change form."""
    user = make_user("chen.wenhua", network["a"], "staff")
    client.force_login(user)
    response = client.post(
        reverse("core:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)  # unchanged


def test_user_create_form_refuses_a_short_common_password(client, network, make_user):
    """Guards: an administrator cannot give a new user a weak password; the message names the field."""
    from qiao.core.models import User

    admin = make_user("admin-centre", network["centre"], "admin")
    client.force_login(admin)
    response = client.post(
        reverse("core:user_add"),
        {"username": "new.staff", "password": "password1", "unit": network["a"].pk, "role": "staff"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This password is too short. It must contain at least 10 characters." in page
    assert "This password is too common." in page
    assert 'data-field="password"' in page
    assert not User.objects.filter(username="new.staff").exists()


# ---------------------------------------------------------------------------------------------------------
# Two-factor authentication


def test_a_manager_is_sent_to_set_up_two_factor_and_reaches_nothing_else(client, network, make_user, enforced):
    """Guards: two-factor is required of managers (QIAO_2FA_REQUIRED_ROLES): signed in with the password only,
    every page leads to the set-up page, htmx gets HX-Redirect, the session API is refused; logout,
    the language switch and static files stay open."""
    make_user("manager-a", network["a"], "manager")
    response = sign_in(client, "manager-a")
    assert response.status_code == 302
    setup = reverse("security:two_factor")
    for path in (reverse("home"), reverse("people:person_list"), reverse("security:overview")):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(setup), path
    response = client.get(reverse("people:person_list"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == setup
    response = client.get("/api/people/")
    assert response.status_code == 403 and "two-factor" in response.json()["detail"]
    assert client.post(reverse("core:set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert client.get("/static/qiao/app.js").status_code == 200

    page = client.get(setup)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your role requires two-factor authentication" in text
    assert "<svg" in text and 'id="secret"' in text

    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302  # signed out: to the login page
    assert "/login/" in client.get(reverse("home"))["Location"]


def test_setting_up_two_factor_shows_recovery_codes_once(client, network, make_user, enforced):
    """Guards: the set-up confirms the authenticator with a code, signs the session as verified and shows
    ten recovery codes once (also as a text download)."""
    from django_otp.plugins.otp_static.models import StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qiao.core.models import ActionLog

    manager = make_user("manager-a", network["a"], "manager")
    sign_in(client, "manager-a")
    client.get(reverse("security:two_factor"))
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    wrong = f"{(int(code_for(device)) + 1) % 1000000:06d}"
    response = client.post(reverse("security:two_factor"), {"action": "confirm", "code": wrong})
    assert response.status_code == 400 and "This code is not right" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302  # still not set up
    unthrottle(manager)

    response = client.post(reverse("security:two_factor"), {"action": "confirm", "code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == reverse("security:recovery_codes")
    device.refresh_from_db()
    assert device.confirmed
    codes = list(StaticToken.objects.filter(device__user=manager).values_list("token", flat=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    page = client.get(reverse("security:recovery_codes")).content.decode()
    assert all(code in page for code in codes)
    download = client.get(reverse("security:recovery_codes_download"))
    assert download["Content-Type"].startswith("text/plain") and "attachment" in download["Content-Disposition"]
    assert all(code in download.content.decode() for code in codes)
    assert client.get(reverse("home")).status_code == 200  # verified: everything is open now
    assert ActionLog.objects.filter(action="qiao.security.2fa_enabled", object_id=manager.pk).exists()

    # shown once: after the two-factor page, the codes are gone from the session
    client.get(reverse("security:two_factor"))
    assert client.get(reverse("security:recovery_codes")).status_code == 302
    assert client.get(reverse("security:recovery_codes_download")).status_code == 302


def test_superusers_count_as_administrators(client, db, enforced):
    """Guards: a superuser without memberships must use two-factor too when "admin" is a required role."""
    from qiao.core.models import User

    User.objects.create_superuser("root", password=PASSWORD)
    sign_in(client, "root")
    assert client.get(reverse("home"))["Location"].startswith(reverse("security:two_factor"))


def test_two_factor_is_optional_for_staff(client, network, make_user, enforced):
    """Guards: staff and viewers are not forced; once they turn it on, their sign-in asks for a code too."""
    make_user("staff-a", network["a"], "staff")
    sign_in(client, "staff-a")
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("security:overview")).status_code == 200


def test_sign_in_asks_for_a_code_and_a_recovery_code_works_once(client, network, make_user, enforced):
    """Guards: with an authenticator, the password alone does not sign in; a wrong code is refused and
    recorded; the authenticator's code signs in; a recovery code signs in once, and never again."""
    staff = make_user("staff-a", network["a"], "staff")
    device, codes = give_two_factor(staff)

    response = sign_in(client, "staff-a")
    assert response.status_code == 302 and response["Location"] == reverse("security:login_code")
    assert "/login/" in client.get(reverse("home"))["Location"]  # not signed in yet
    assert events(user=staff) == []

    response = client.post(reverse("security:login_code"), {"code": "000000"})
    assert response.status_code == 400 and "This code is not right" in response.content.decode()
    # a wrong code makes the next try wait (django-otp's throttling), even a right one
    response = client.post(reverse("security:login_code"), {"code": code_for(device)})
    assert response.status_code == 429 and "Too many wrong codes in a row: wait 1 second" in response.content.decode()
    unthrottle(staff)
    response = client.post(reverse("security:login_code"), {"code": code_for(device)})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert events(user=staff) == ["2fa_failed", "success"]
    client.post(reverse("logout"))

    sign_in(client, "staff-a")
    response = client.post(reverse("security:login_code"), {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))

    sign_in(client, "staff-a")
    response = client.post(reverse("security:login_code"), {"code": codes[0]})
    assert response.status_code == 400
    assert "/login/" in client.get(reverse("home"))["Location"]
    unthrottle(staff)
    response = client.post(reverse("security:login_code"), {"code": codes[1]})
    assert response.status_code == 302


def test_a_session_without_a_code_goes_to_the_code_step(client, network, make_user, enforced):
    """Guards: a session signed in before two-factor was set up (or by password only) must give a code."""
    staff = make_user("staff-a", network["a"], "staff")
    device, _codes = give_two_factor(staff)
    client.force_login(staff)
    response = client.get(reverse("people:person_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("security:login_code"))
    response = client.post(f"{reverse('security:login_code')}?next=/people/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/people/"
    assert client.get(reverse("people:person_list")).status_code == 200


def test_new_recovery_codes_and_turning_off_ask_for_a_current_code(client, network, make_user, enforced):
    """Guards: a stolen open session cannot turn two-factor off or read new recovery codes without a code."""
    from django_otp.plugins.otp_static.models import StaticToken

    from qiao.security import twofactor

    staff = make_user("staff-a", network["a"], "staff")
    device, old_codes = give_two_factor(staff)
    sign_in(client, "staff-a")
    client.post(reverse("security:login_code"), {"code": code_for(device)})

    response = client.post(reverse("security:two_factor"), {"action": "disable", "code": "123456"})
    assert response.status_code == 400 and twofactor.has_two_factor(staff)
    unthrottle(staff)
    response = client.post(reverse("security:two_factor"), {"action": "regenerate", "code": old_codes[0]})
    assert response.status_code == 302
    new_codes = set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert len(new_codes) == 10 and not new_codes & set(old_codes)
    response = client.post(reverse("security:two_factor"), {"action": "disable", "code": code_for(device, 1)})
    assert response.status_code == 302 and not twofactor.has_two_factor(staff)
    assert not StaticToken.objects.filter(device__user=staff).exists()


def test_an_administrator_resets_two_factor_of_their_users_only(client, network, make_user):
    """Guards: the reset (lost phone) is for administrators of the user's units, and it is logged."""
    from qiao.core.models import ActionLog, User
    from qiao.security import twofactor

    manager = make_user("manager-a1", network["a1"], "manager")
    give_two_factor(manager)
    reset = reverse("security:reset_two_factor", args=[manager.pk])

    staff = make_user("staff-a", network["a"], "staff")
    client.force_login(staff)
    assert client.post(reset).status_code == 403
    admin_b = make_user("admin-b", network["b"], "admin")
    client.force_login(admin_b)
    assert client.post(reset).status_code == 404
    assert twofactor.has_two_factor(manager)

    admin_a = make_user("admin-a", network["a"], "admin")
    client.force_login(admin_a)
    page = client.get(reverse("core:user", args=[manager.pk])).content.decode()
    assert 'id="reset-two-factor"' in page
    response = client.post(reset)
    assert response.status_code == 302
    assert not twofactor.has_two_factor(manager)
    log = ActionLog.objects.get(action="qiao.security.2fa_reset")
    assert log.object_id == manager.pk and log.user_id == admin_a.pk

    # an administrator of a unit cannot reset a superuser's
    root = User.objects.create_superuser("root", password=PASSWORD)
    from qiao.core.models import Membership

    Membership.objects.create(user=root, unit=network["a1"], role="admin")
    give_two_factor(root)
    assert client.post(reverse("security:reset_two_factor", args=[root.pk])).status_code == 403
    assert twofactor.has_two_factor(root)


def test_the_2fa_command_resets_a_locked_out_administrator(network, make_user, capsys):
    """Guards: `qiao 2fa reset USERNAME` for an administrator who lost phone and recovery codes."""
    from qiao.core.models import ActionLog
    from qiao.security import twofactor

    admin = make_user("admin-centre", network["centre"], "admin")
    give_two_factor(admin)
    call_command("2fa", "status", "admin-centre")
    assert "two-factor on" in capsys.readouterr().out
    call_command("2fa", "reset", "admin-centre")
    assert not twofactor.has_two_factor(admin)
    assert ActionLog.objects.filter(action="qiao.security.2fa_reset", object_id=admin.pk).exists()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("2fa", "reset", "nobody")


def test_token_api_calls_are_not_held_by_two_factor(client, network, make_user, make_token, enforced):
    """Guards: an API client with a token is not sent to the two-factor pages."""
    manager = make_user("manager-a", network["a"], "manager")
    key = make_token(manager)
    response = client.get("/api/people/", headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200


# ---------------------------------------------------------------------------------------------------------
# Lockout


def test_lockout_after_repeated_failures_and_an_administrator_unlocks(client, network, make_user, settings):
    """Guards: after AXES_FAILURE_LIMIT wrong passwords the user name is locked on that address (429, a clear
    message), even with the right password; another address is not; an administrator's unlock works."""
    from qiao.core.models import ActionLog

    settings.AXES_FAILURE_LIMIT = 3
    staff = make_user("staff-a", network["a"], "staff")
    for _attempt in range(2):
        response = sign_in(client, "staff-a", "wrong-password")
        assert response.status_code == 200
        assert "The user name or password is not right" in response.content.decode()
    response = sign_in(client, "staff-a", "wrong-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "The account is locked for 30 minutes" in page and "contact an administrator" in page
    response = sign_in(client, "staff-a")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert sorted(events(username="staff-a")) == ["failed", "failed", "failed", "locked", "locked"]

    # the lock is for this user name from this address: the same person elsewhere may sign in
    assert sign_in(client, "staff-a", REMOTE_ADDR="10.0.0.8").status_code == 302
    client.post(reverse("logout"))

    admin = make_user("admin-a", network["a"], "admin")
    client.force_login(admin)
    page = client.get(reverse("core:user", args=[staff.pk])).content.decode()
    assert "Locked" in page and 'id="unlock"' in page
    assert client.post(reverse("security:unlock", args=[staff.pk])).status_code == 302
    assert ActionLog.objects.filter(action="qiao.security.unlocked", object_id=staff.pk).exists()
    client.post(reverse("logout"))
    response = sign_in(client, "staff-a")
    assert response.status_code == 302 and client.get(reverse("home")).status_code == 200


def test_only_administrators_of_the_user_unlock(client, network, make_user, settings):
    """Guards: unlocking is an administrator's act, for their own users."""
    staff = make_user("staff-a", network["a"], "staff")
    client.force_login(make_user("manager-a", network["a"], "manager"))
    assert client.post(reverse("security:unlock", args=[staff.pk])).status_code == 403
    client.force_login(make_user("admin-b", network["b"], "admin"))
    assert client.post(reverse("security:unlock", args=[staff.pk])).status_code == 404


def test_wrong_codes_count_towards_the_lockout(client, network, make_user, enforced):
    """Guards: guessing the code after a stolen password ends in the same lockout as guessing passwords."""
    enforced.AXES_FAILURE_LIMIT = 3
    staff = make_user("staff-a", network["a"], "staff")
    device, _codes = give_two_factor(staff)
    sign_in(client, "staff-a")
    responses = []
    for _i in range(3):
        responses.append(client.post(reverse("security:login_code"), {"code": "000000"}))
        unthrottle(staff)
    assert [response.status_code for response in responses] == [400, 400, 429]
    assert "The account is locked for 30 minutes" in responses[-1].content.decode()
    assert sign_in(client, "staff-a").status_code == 429
    assert sorted(events(user=staff)) == ["2fa_failed", "2fa_failed", "2fa_failed", "locked", "locked"]


def test_the_lockout_reads_the_forwarded_address_only_when_trusted(client, network, make_user, settings):
    """Guards: behind the proxy (QIAO_TRUST_X_FORWARDED_FOR=1) the client's address counts, not the proxy's;
    otherwise a forged X-Forwarded-For header does not dodge the lock."""
    settings.AXES_FAILURE_LIMIT = 2
    make_user("staff-a", network["a"], "staff")
    for _i in range(2):
        sign_in(client, "staff-a", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert sign_in(client, "staff-a", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429  # not trusted

    settings.QIAO_TRUST_X_FORWARDED_FOR = True
    from axes.utils import reset

    reset(username="staff-a")
    for _i in range(2):
        sign_in(client, "staff-a", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert sign_in(client, "staff-a", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert sign_in(client, "staff-a", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302
    from qiao.security.models import LoginEvent

    assert LoginEvent.objects.filter(outcome="success").get().ip_address == "198.51.100.7"


def test_client_login_needs_a_request_with_axes(db, make_user, client, network):
    """Documents: axes needs the request, so Django's test `client.login()` without one raises;
    tests use force_login or pass a request."""
    from axes.exceptions import AxesBackendRequestParameterRequired
    from django.http import HttpRequest

    make_user("staff-a", network["a"], "staff")
    with pytest.raises(AxesBackendRequestParameterRequired):
        client.login(username="staff-a", password=PASSWORD)
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    assert client.login(request=request, username="staff-a", password=PASSWORD)


# ---------------------------------------------------------------------------------------------------------
# Idle sign-out


def _idle(client, minutes: float) -> None:
    from qiao.security.signals import LAST_SEEN_KEY

    session = client.session
    session[LAST_SEEN_KEY] = int(time.time() - minutes * 60)
    session.save()


def test_a_session_ends_after_the_idle_minutes(client, network, make_user, settings):
    """Guards: QIAO_IDLE_MINUTES without a request end the session; the next page is the login page with
    the reason; htmx gets HX-Redirect; the sign-in history says why."""
    settings.QIAO_IDLE_MINUTES = 30
    staff = make_user("staff-a", network["a"], "staff")
    sign_in(client, "staff-a")
    _idle(client, 29)
    assert client.get(reverse("people:person_list")).status_code == 200  # 29 minutes: still signed in
    _idle(client, 31)
    response = client.get(reverse("people:person_list"))
    assert response.status_code == 302 and response["Location"] == f"{reverse('login')}?next=/people/"
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity." in page
    assert "/login/" in client.get(reverse("home"))["Location"]
    assert events(user=staff) == ["success", "idle_timeout"]

    sign_in(client, "staff-a")
    _idle(client, 45)
    response = client.get(reverse("people:person_list"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("login")


def test_the_session_age_stays_an_absolute_limit(client, network, make_user, settings):
    """Guards: requests keep the idle clock going but never push the session's end past SESSION_COOKIE_AGE
    from the sign-in."""
    from django.utils import timezone

    make_user("staff-a", network["a"], "staff")
    before = timezone.now()
    sign_in(client, "staff-a")
    end = client.session.get_expiry_date()
    limit = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert before + limit - datetime.timedelta(seconds=5) <= end <= timezone.now() + limit
    _idle(client, 5)
    assert client.get(reverse("home")).status_code == 200  # the idle stamp is written again
    assert client.session.get_expiry_date() == end


# ---------------------------------------------------------------------------------------------------------
# Sign-in history


def test_sign_ins_failures_and_sign_outs_are_recorded(client, network, make_user):
    """Guards: the sign-in history: success with the address and browser (trimmed), wrong passwords (also of
    names that match nobody), sign-out."""
    from qiao.security.models import LoginEvent

    staff = make_user("staff-a", network["a"], "staff")
    sign_in(client, "staff-a", "wrong")
    sign_in(client, "nobody", "wrong")
    sign_in(client, "staff-a", HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 500, REMOTE_ADDR="192.0.2.10")
    client.post(reverse("logout"))
    rows = list(LoginEvent.objects.order_by("id"))
    assert [(e.username, e.user_id, e.outcome) for e in rows] == [
        ("staff-a", staff.pk, "failed"),
        ("nobody", None, "failed"),
        ("staff-a", staff.pk, "success"),
        ("staff-a", staff.pk, "logout"),
    ]
    assert rows[2].ip_address == "192.0.2.10" and len(rows[2].user_agent) == 300


def test_each_user_sees_their_own_sign_ins(client, network, make_user):
    """Guards: the Security page lists the user's own events, nobody else's."""
    from qiao.security.signals import record

    staff = make_user("staff-a", network["a"], "staff")
    other = make_user("staff-b", network["b"], "staff")
    record("failed", username="staff-b", user=other)
    client.force_login(staff)
    page = client.get(reverse("security:overview")).content.decode()
    assert page.count('data-outcome="success"') == 1 and 'data-outcome="failed"' not in page


def test_administrators_read_the_sign_in_history_of_their_units_only(client, network, make_user):
    """Guards: scope of the sign-in history: an administrator of a unit sees the events of members of its
    subtree (list, filters, user page), not of other units nor of unknown names; superusers see all."""
    from qiao.core.models import User
    from qiao.security.signals import record

    in_a1 = make_user("staff-a1", network["a1"], "staff")
    in_b = make_user("staff-b", network["b"], "staff")
    record("failed", username="staff-a1", user=in_a1)
    record("success", username="staff-a1", user=in_a1)
    record("failed", username="staff-b", user=in_b)
    record("failed", username="ghost")
    admin_a = make_user("admin-a", network["a"], "admin")
    url = reverse("security:login_event_list")

    client.force_login(admin_a)  # one more event: admin-a's own sign-in
    page = client.get(url)
    assert total(page) == 3
    assert "staff-a1" in page.content.decode() and "staff-b" not in page.content.decode()
    assert "ghost" not in page.content.decode()
    assert total(client.get(url, {"outcome": "failed"})) == 1
    assert total(client.get(url, {"user": in_a1.pk})) == 2
    assert total(client.get(url, {"user": in_b.pk})) == 0  # not a user of theirs: no rows
    today = datetime.date.today()
    assert total(client.get(url, {"date_to": str(today - datetime.timedelta(days=2))})) == 0
    assert total(client.get(url, {"date_from": str(today - datetime.timedelta(days=1))})) == 3
    user_page = client.get(reverse("core:user", args=[in_a1.pk])).content.decode()
    assert 'id="user-security"' in user_page and 'data-outcome="failed"' in user_page

    client.force_login(in_a1)
    assert client.get(url).status_code == 403
    staff_view = client.get(reverse("core:user", args=[in_a1.pk])).content.decode()
    assert 'id="user-security"' not in staff_view

    client.force_login(User.objects.create_superuser("root", password=PASSWORD))
    assert total(client.get(url, {"outcome": "failed"})) == 3  # staff-a1, staff-b and the unknown name
