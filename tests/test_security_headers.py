"""Response headers and settings that protect every page: Content-Security-Policy, clickjacking, HTTPS
(HSTS, secure cookies, redirect), CSRF on every URL, no debug pages, friendly error pages without
traces. (The pages' behaviour under the CSP in a real browser: tests/browser/test_csp.py.)"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve
from django.urls.exceptions import Resolver404

import qiao
import qiao.urls

ROOT = Path(qiao.__file__).resolve().parent


# ---------------------------------------------------------------------------------------------------------
# A test-only URL configuration (ROOT_URLCONF = this module): Qiao's own, plus views that fail.


def _boom(request):
    raise ZeroDivisionError("secret-detail-of-the-failure")


def _fine(request):
    return HttpResponse("fine")


urlpatterns = [
    path("test-boom/", _boom),
    path("api/test-boom/", _boom),
    path("test-fine/", _fine),
    *qiao.urls.urlpatterns,
]
handler400, handler403 = qiao.urls.handler400, qiao.urls.handler403
handler404, handler500 = qiao.urls.handler404, qiao.urls.handler500


def _directives(header: str) -> dict[str, set[str]]:
    return {name: set(values) for name, *values in (part.split() for part in header.split(";") if part.strip())}


# ---------------------------------------------------------------------------------------------------------
# Content-Security-Policy and clickjacking


def test_every_page_carries_the_strict_policy(client, network, make_user):
    """Guards: the CSP header (no inline script, no eval, no inline style, nothing may frame the site)."""
    client.force_login(make_user("reader", network["a"], "staff"))
    for url in ("/", "/login/", "/people/", "/reports/"):
        response = client.get(url, follow=url == "/login/")
        policy = _directives(response["Content-Security-Policy"])
        assert policy["default-src"] == {"'self'"}
        assert policy["script-src"] == {"'self'"}, "no 'unsafe-inline', no 'unsafe-eval'"
        assert policy["style-src"] == {"'self'"}, "no 'unsafe-inline'"
        assert policy["img-src"] == {"'self'", "data:"}
        assert policy["connect-src"] == {"'self'"}
        assert policy["frame-ancestors"] == {"'none'"}
        assert policy["form-action"] == {"'self'"}
        assert policy["base-uri"] == {"'self'"}
        assert policy["object-src"] == {"'none'"}


def test_public_pages_carry_the_policy_and_refuse_framing(client, db):
    """Guards: X-Frame-Options DENY (older browsers) beside frame-ancestors 'none' (current ones)."""
    response = client.get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_api_documentation_runs_under_the_same_policy(client, network, make_user):
    """Guards: /api/docs/ loads Swagger UI and its start-up script as files, not inline."""
    client.force_login(make_user("reader", network["a"], "staff"))
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert _directives(page["Content-Security-Policy"])["script-src"] == {"'self'"}
    assert "<style" not in html and not re.search(r"<script>(?!</script>)", html)
    script = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1).replace("&amp;", "&")
    init = client.get(script)
    assert init.status_code == 200 and init["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in init.content


TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]


def _templates():
    for folder in TEMPLATE_DIRS:
        yield from folder.rglob("*.html")


def test_no_template_has_inline_script_style_or_event_handlers():
    """Guards: the templates need nothing the CSP forbids (it would break silently in the browser).
    Allowed: <script src=…> and json_script's data blocks."""
    problems = []
    for template in _templates():
        text = template.read_text()
        name = template.relative_to(ROOT)
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                problems.append(f"{name}: inline {tag}")
        if re.search(r"<style\b", text):
            problems.append(f"{name}: <style>")
        if re.search(r"\sstyle\s*=", text):
            problems.append(f"{name}: style= attribute")
        for attribute in re.findall(r"\s(on[a-z]+)\s*=\s*[\"']", text):
            problems.append(f"{name}: {attribute}= handler")
        if re.search(r"hx-on|hx-vals\s*=\s*[\"']\s*js:|javascript:", text):
            problems.append(f"{name}: htmx attribute evaluated as JavaScript")
        for trigger in re.findall(r"hx-trigger\s*=\s*\"([^\"]*)\"", text):
            if "[" in trigger:
                problems.append(f"{name}: hx-trigger filter {trigger!r} needs eval")
    assert problems == []


def test_htmx_is_told_not_to_inject_styles_or_eval(client, network, make_user):
    """Guards: htmx would add a <style> for its indicator (refused by style-src 'self') unless told not to."""
    client.force_login(make_user("reader", network["a"], "staff"))
    html = client.get("/").content.decode()
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html).group(1))
    assert config["includeIndicatorStyles"] is False and config["allowEval"] is False
    assert ".htmx-indicator" in (ROOT / "static/qiao/app.css").read_text()


# ---------------------------------------------------------------------------------------------------------
# HTTPS


def _settings_in_a_new_process(tmp_path, **environment) -> dict:
    """qiao.settings imported afresh with `environment`: {name: value} of the security settings, or
    {"error": message} when it refuses to load."""
    keys = [
        "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
        "SECURE_REDIRECT_EXEMPT", "SESSION_COOKIE_HTTPONLY", "X_FRAME_OPTIONS",
    ]  # fmt: skip
    code = (
        "import json, os\n"
        "from django.core.exceptions import ImproperlyConfigured\n"
        "try:\n"
        "    import qiao.settings as s\n"
        f"    print(json.dumps({{k: getattr(s, k, None) for k in {keys!r}}}))\n"
        "except ImproperlyConfigured as error:\n"
        "    print(json.dumps({'error': str(error)}))\n"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QIAO_", "ALLOWED_HOSTS", "DJANGO_SETTINGS"))
    }
    env.update(SECRET_KEY="test-only-key", QIAO_VAR_DIR=str(tmp_path), **environment)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_https_turns_on_secure_cookies_hsts_and_the_redirect(tmp_path):
    """Guards: QIAO_HTTPS=1 makes cookies Secure, sends HSTS (subdomains/preload only when asked) and redirects."""
    plain = _settings_in_a_new_process(tmp_path)
    assert not plain["SESSION_COOKIE_SECURE"] and not plain["SECURE_HSTS_SECONDS"] and not plain["DEBUG"]
    https = _settings_in_a_new_process(tmp_path, QIAO_HTTPS="1")
    assert https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"] and https["SESSION_COOKIE_HTTPONLY"]
    assert https["SECURE_HSTS_SECONDS"] >= 31536000 and https["SECURE_SSL_REDIRECT"]
    assert not https["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and not https["SECURE_HSTS_PRELOAD"]
    assert https["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert https["X_FRAME_OPTIONS"] == "DENY"
    wider = _settings_in_a_new_process(tmp_path, QIAO_HTTPS="1", QIAO_HSTS_INCLUDE_SUBDOMAINS="1")
    assert wider["SECURE_HSTS_INCLUDE_SUBDOMAINS"]


@pytest.fixture
def https_settings(settings, tmp_path):
    """The settings QIAO_HTTPS=1 gives (read from a fresh process), applied to this process."""
    values = _settings_in_a_new_process(tmp_path, QIAO_HTTPS="1")
    for key, value in values.items():
        if key != "DEBUG":
            setattr(settings, key, tuple(value) if key == "SECURE_PROXY_SSL_HEADER" else value)
    return settings


def test_over_https_the_answer_has_hsts_and_secure_cookies(client, db, https_settings):
    """Guards: HSTS on HTTPS answers, the CSRF cookie marked Secure and HttpOnly-free only as Django needs."""
    response = client.get("/login/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.cookies["csrftoken"]["secure"]
    assert response.cookies["csrftoken"]["samesite"] == "Lax"
    behind_proxy = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert behind_proxy.status_code == 200 and "Strict-Transport-Security" in behind_proxy


def test_plain_http_is_redirected_except_the_health_check(client, db, https_settings):
    response = client.get("/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200


# ---------------------------------------------------------------------------------------------------------
# CSRF on every URL


SAMPLES = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000001"}
# Requests that need no CSRF token, and why: none. Every page, public forms included, checks the token
# (the public forms render it); the API checks it for callers signed in through the web session, and
# requests with an API token carry no ambient credentials a forged cross-site request could use.
PUBLIC_WITHOUT_CSRF: set[str] = set()


def _concrete(regex: str) -> str | None:
    """A path matching a URL regex, with sample values for its groups (None if too clever to fill)."""
    text = regex.lstrip("^").rstrip("$")
    text = re.sub(r"\(\?P<format>[^)]*\)", "json", text)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", "1", text)
    text = text.replace("\\.", ".").replace("/?", "/").replace("\\Z", "")
    return None if re.search(r"[\\()\[\]?*+^$|]", text) else text


def _pattern_paths(resolver=None, prefix: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if hasattr(pattern, "_route"):
            piece = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLES.get(m[1] or "str", "1"), pattern._route)
        else:
            piece = _concrete(pattern.regex.pattern)
            if piece is None:
                continue
        if isinstance(entry, URLResolver):
            yield from _pattern_paths(entry, prefix + piece)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + piece


def test_every_url_refuses_a_post_without_the_csrf_token(network, make_user, settings):
    """Guards: CSRF protection on every URL (web pages through the middleware, the API through the
    session authentication): an administrator's browser cannot be made to post from another site."""
    settings.QIAO_2FA_REQUIRED_ROLES = []  # two-factor sign-in is tested elsewhere; here only the token counts
    admin = make_user("admin", network["centre"], "admin", is_superuser=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    paths = sorted({p for p in _pattern_paths() if not p.startswith(("/test-", "/api/test-"))})
    tried, accepted = 0, []
    for url in paths:
        try:
            resolve(url)
        except Resolver404:
            continue
        tried += 1
        response = client.post(url, {"name": "forged"})
        if response.status_code != 403 and url not in PUBLIC_WITHOUT_CSRF:
            accepted.append((url, response.status_code))
    assert tried > 200, "the walk over the URL patterns found too few URLs"
    assert accepted == []


def test_the_api_with_a_token_needs_no_csrf_token(network, make_user, make_token):
    client = Client(enforce_csrf_checks=True)
    user = make_user("writer", network["a"], "staff")
    response = client.post(
        "/api/people/",
        {"name": "李小龍", "unit": network["a"].pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {make_token(user)}",
    )
    assert response.status_code == 201


# ---------------------------------------------------------------------------------------------------------
# Debug pages and errors


def test_debug_refuses_to_start_outside_local_development(tmp_path):
    """Guards: QIAO_DEBUG=1 (stack traces for anyone) cannot be switched on for a site served to others."""
    assert _settings_in_a_new_process(tmp_path, QIAO_DEBUG="1")["DEBUG"] is True
    with_https = _settings_in_a_new_process(tmp_path, QIAO_DEBUG="1", QIAO_HTTPS="1")
    assert "QIAO_DEBUG=1" in with_https["error"]
    public = _settings_in_a_new_process(tmp_path, QIAO_DEBUG="1", ALLOWED_HOSTS="qiao.example.org")
    assert "ALLOWED_HOSTS" in public["error"]


def test_a_failing_page_shows_the_friendly_page_without_a_trace(network, make_user, settings):
    """Guards: a server error answers with Qiao's own 500 page: no traceback, no exception text."""
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(make_user("reader", network["a"], "staff"))
    response = client.get("/test-boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html and "Back to the home page" in html
    for leak in ("Traceback", "ZeroDivisionError", "secret-detail-of-the-failure", "File &quot;", 'File "'):
        assert leak not in html
    api = client.get("/api/test-boom/")
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    assert set(api.json()) == {"detail"} and "secret-detail" not in api.content.decode()


def test_missing_pages_and_refusals_use_qiao_pages(client, network, make_user):
    client.force_login(make_user("reader", network["a"], "viewer"))
    missing = client.get("/people/999999/")
    assert missing.status_code == 404 and b"Back to the home page" in missing.content
    api_missing = client.get("/api/people/999999/")
    assert api_missing.status_code == 404 and api_missing["Content-Type"] == "application/json"
    forbidden = client.get("/units/add/")
    assert forbidden.status_code == 403 and b"Back to the home page" in forbidden.content
    assert b"Only administrators" in forbidden.content
