"""The main pages under the Content-Security-Policy in a real browser (Debian's chromium): not one
violation reported, on the console or as a `securitypolicyviolation` event, while the interactive
parts still work — the htmx search box, candidates loaded by htmx, charts drawn on a canvas with
tooltips, the Swagger UI of /api/docs/."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERIOD = "from=2025-11-01&to=2026-01-31"  # the period of tests/reports_data.py

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def signed_in(browser, live_server, settings):
    """A page of a staff member of the centre, signed in through the session cookie, with every CSP
    complaint collected in `page.complaints`."""
    from django.test import Client

    from qiao.core.models import Membership, User
    from tests import reports_data

    settings.LANGUAGE_CODE = "zh-hans"
    settings.QIAO_2FA_REQUIRED_ROLES = []  # sign-in itself is not what this test is about
    built = reports_data.build()
    from qiao.matching.models import Demand

    # enough words for the matching engine to rank people, so the candidates arrive through htmx
    Demand.objects.filter(pk=built.d1.pk).update(skills="Python 数据分析", description="软件开发岗位，熟悉金融科技")
    user = User.objects.create_user("csp-staff", password="Qiao-test-pass-9")
    Membership.objects.create(user=user, unit=built.centre, role="staff")
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(20000)
    complaints = []
    page.on(
        "console",
        lambda message: (
            complaints.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.complaints = complaints
    page.built = built
    yield page
    context.close()


def _violations(page) -> list[str]:
    return [f"{page.url}: {v}" for v in page.evaluate("window.__cspViolations || []")]


def test_the_main_pages_raise_no_csp_violation_and_still_work(signed_in):
    page, built = signed_in, signed_in.built
    from qiao.policies.models import Policy

    seen = []

    def visit(url, ready=None):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if ready:
            page.locator(ready).first.wait_for()
        seen.extend(_violations(page))

    # home, with the htmx search of the navigation bar
    visit("/")
    page.fill("#global-search", "陳大文")
    page.locator("#search-popup .search-results").wait_for()
    assert "陳大文" in page.locator("#search-popup").inner_text()
    seen.extend(_violations(page))

    visit("/people/", "table")
    visit(f"/people/{built.hk1.pk}/", "h1")
    # the dashboard: charts drawn on canvases; a tooltip shown under the mouse
    visit(f"/reports/?{PERIOD}", "#chart-units[data-drawn='1'] canvas")
    box = page.locator("#chart-units canvas").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 3, box["y"] + box["height"] / 4)
    page.mouse.move(box["x"] + box["width"] / 3 + 5, box["y"] + box["height"] / 4 + 5)
    page.wait_for_timeout(500)
    seen.extend(_violations(page))
    visit("/reports/bulletins/", "#id_period")
    # the period fields follow the chosen period (reports/bulletins.js, formerly an inline script)
    options = page.locator("#id_period option").evaluate_all("(os) => os.map((o) => o.value)")
    if "year" in options:
        page.select_option("#id_period", "year")
        seen.extend(_violations(page))
    visit(f"/activities/{built.x1.pk}/", "h1")
    # a demand: its candidates arrive through htmx
    visit(f"/matching/demands/{built.d1.pk}/", "#candidate-list")
    visit("/matching/fields/", "#field-tree")
    policy = Policy.objects.first()
    if policy is not None:
        visit(f"/policies/{policy.pk}/", "h1")
    visit("/tokens/", "#token-form")
    # Swagger UI: the bundle, its start-up script (?script=) and the schema, all under the policy
    visit("/api/docs/", "#swagger-ui .opblock")
    page.locator("#swagger-ui .opblock").nth(4).wait_for()  # the operations are listed (more as one scrolls)
    page.locator("#swagger-ui .opblock-summary").first.click()  # an operation opens (React, no eval)
    page.locator("#swagger-ui .opblock-body").first.wait_for()
    seen.extend(_violations(page))

    assert seen == []
    assert page.complaints == []


def test_a_violation_would_be_seen(signed_in):
    """The listeners above are live: an inline style injected into a page is reported (so an empty
    list in the test above means the pages are clean, not that nothing listened)."""
    page = signed_in
    page.goto("/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<div style=\"color: red\">x</div>')")
    page.wait_for_timeout(300)
    assert any("style-src" in violation for violation in _violations(page))
    assert any("Content Security Policy" in complaint for complaint in page.complaints)
