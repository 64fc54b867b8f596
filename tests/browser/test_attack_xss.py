"""Script injection seen by a real browser: every record of base A is named with markup that would
open an alert() if any page, template, htmx fragment or script put it into the page as HTML. The
browser opens every record's page, every list (also searched for that name) and the dashboards, and
no dialog may ever open."""

import pytest
from django.urls import reverse

from tests.test_attack_injection import SEARCHABLE_LISTS
from tests.test_attack_world import build_world, media  # noqa: F401 - the `media` fixture
from tests.test_permission_matrix import PAGE, READ, TABLE, _kwargs, _urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>'><svg onload=alert(3)>"


def test_no_page_runs_a_record_name_as_script(page, network, make_user, make_person, make_org, media):  # noqa: F811
    """Guards autoescaping and every client-side script that writes HTML (live search, autocomplete,
    charts' tooltips, htmx panels): fails if any page opens a dialog."""
    world = build_world(network, make_user, make_person, make_org, name=PAYLOAD)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append((page.url, dialog.message)), dialog.dismiss()))

    page.goto("/login/")
    page.fill("#id_username", "admin-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")

    urls = [f"{url}?q={PAYLOAD}" for url in SEARCHABLE_LISTS if not url.startswith("/autocomplete/")]
    for name, pattern in _urls(world):
        cls, _model = TABLE[name]
        if name.startswith("api:") or cls not in (PAGE, READ) or "export" in name:
            continue
        urls.append(reverse(name, kwargs=_kwargs(name, pattern, world)))
    visited = 0
    for url in urls:
        response = page.goto(url, wait_until="load")
        if response is None or "html" not in (response.headers.get("content-type") or ""):
            continue
        visited += 1
        page.wait_for_timeout(50)  # htmx panels and charts load after the page
    # the live search box writes its results into the page as the user types
    page.goto("/")
    page.fill("#global-search", "記錄")
    page.wait_for_timeout(800)
    assert visited > 60
    assert not dialogs, f"pages ran a record's name as script: {dialogs}"
