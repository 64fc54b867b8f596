"""A manager signs in for the first time and is made to set up two-factor authentication: the QR code and the
key are on the page, the code the app would show (computed here from the key stored for the device) turns it
on, the ten recovery codes are shown once; after logging out, signing in takes the password and a code."""

import base64

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(device, steps: int = 0) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0 - steps * device.step, device.digits, device.drift):06d}"


def test_a_manager_sets_up_two_factor_and_signs_in_with_a_code(page, network, make_user, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.QIAO_2FA_REQUIRED_ROLES = ["manager", "admin"]
    manager = make_user("manager-a", network["a"], "manager")

    page.goto("/login/")
    page.fill("#id_username", "manager-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/security/two-factor/**")
    assert page.locator("#two-factor-required").is_visible()
    assert page.locator("#qr svg").count() == 1
    shown_key = page.inner_text("#secret").replace(" ", "")

    # nothing else can be reached before it is done
    page.goto("/people/")
    page.wait_for_url("**/security/two-factor/**")

    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert base64.b32encode(device.bin_key).decode().rstrip("=") == shown_key
    page.fill("#id_code", code_for(device))
    page.click("#confirm")
    page.wait_for_url("**/security/two-factor/recovery-codes/**")
    codes = [item.strip() for item in page.locator("#recovery-codes li").all_inner_texts()]
    assert len(codes) == 10 and len(set(codes)) == 10
    page.click("#codes-saved")
    page.wait_for_url(lambda url: "/security/" not in url)
    page.goto("/people/")
    assert "/people/" in page.url  # set up: the pages are open now

    page.goto("/security/")
    page.locator("form[action='/logout/'] button").first.dispatch_event("click")
    page.wait_for_url("**/login/**")

    page.fill("#id_username", "manager-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/security/sign-in/code/")
    device.refresh_from_db()
    # the code of the next time step (the app's clock may run ahead): the one used to confirm is spent
    page.fill("#id_code", code_for(device, 1))
    page.click("#verify")
    page.wait_for_url(lambda url: "/login/" not in url and "/security/sign-in/" not in url)
    page.goto("/people/")
    assert "/people/" in page.url
