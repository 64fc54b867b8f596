"""The relationship figures page and API: every number that links to a list equals that list's count,
for a unit and a period; a base sees only its own records; bad periods are refused."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from qiao.core.demo import synth_relations

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def data(network, make_user, make_person, make_org, monkeypatch):
    for index in range(30):
        make_person(network["a" if index % 2 else "b"], f"陳大文{index}")
    for index in range(12):
        make_org(network["a" if index % 2 else "b"], f"香港科技大学{index}", kind="university")
    users = {key: make_user(f"staff-{key}", network[key], "staff") for key in ("a", "b")}
    users["centre"] = make_user("manager-centre", network["centre"], "manager")
    for user in users.values():
        user.time_zone = "Asia/Shanghai"
        user.save()
    synth_relations.interactions(120, key_contacts=12, today=TODAY)
    synth_relations.agreements(20, today=TODAY)
    synth_relations.carriers(2, residencies=20, today=TODAY)
    synth_relations.proposals(16, today=TODAY)
    instant = datetime.datetime(2026, 11, 20, 4, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    return users


def _list_count(client, url):
    page = client.get(url)
    assert page.status_code == 200, url
    return int(re.search(r'data-total="(\d+)"', page.content.decode()).group(1))


def _linked_figures(html):
    return re.findall(r'href="([^"]+)" data-(?:figure|part)="([^"]+)">(\d+)<', html)


@pytest.mark.parametrize("who", ["a", "centre"])
def test_every_linked_number_equals_its_lists_count(client, data, network, who):
    client.force_login(data[who])
    page = client.get("/relations/figures/", {"date_from": "2024-01-01", "date_to": "2026-11-20"})
    assert page.status_code == 200
    linked = _linked_figures(page.content.decode())
    assert len(linked) > 15
    for url, key, number in linked:
        assert _list_count(client, url.replace("&amp;", "&")) == int(number), key


def test_a_base_sees_only_its_own_figures(client, data, network):
    client.force_login(data["centre"])
    whole = client.get("/api/relationships/figures/", {"from": "2020-01-01"}).json()
    of_a = client.get("/api/relationships/figures/", {"from": "2020-01-01", "unit": network["a"].pk}).json()
    client.force_login(data["a"])
    mine = client.get("/api/relationships/figures/", {"from": "2020-01-01"}).json()
    assert mine["contacts"] == of_a["contacts"] and mine["proposals"] == of_a["proposals"]
    assert mine["contacts"]["interactions"]["total"] < whole["contacts"]["interactions"]["total"]
    # a unit the user may not see is refused, not silently widened
    other = client.get("/api/relationships/figures/", {"unit": network["b"].pk})
    assert other.status_code == 400 and "unit" in other.json()


def test_the_default_period_is_this_year_so_far(client, data):
    client.force_login(data["a"])
    body = client.get("/api/relationships/figures/").json()
    assert body["from"] == "2026-01-01" and body["to"] == "2026-11-20"
    assert set(body) >= {"contacts", "agreements", "carriers", "proposals"}
    assert set(body["contacts"]["interactions"]["parts"]) == {"call", "visit", "meeting", "message", "letter", "event"}


def test_a_period_that_ends_before_it_starts_is_refused(client, data):
    client.force_login(data["a"])
    page = client.get("/relations/figures/", {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert page.status_code == 400
    assert "cannot be before its start" in page.content.decode()
    api = client.get("/api/relationships/figures/", {"from": "2026-05-01", "to": "2026-04-01"})
    assert api.status_code == 400 and "to" in api.json()
    assert client.get("/api/relationships/figures/", {"from": "yesterday"}).status_code == 400


def test_synth_writes_every_kind_of_record(data):
    from qiao.agreements.models import Agreement, Commitment
    from qiao.carriers.models import Residency
    from qiao.proposals.models import Proposal, PublicRole
    from qiao.relations import services
    from qiao.relations.models import Interaction, KeyContact

    assert Interaction.objects.count() == 120 and KeyContact.objects.count() == 12
    assert Agreement.objects.count() == 20 and Commitment.objects.exists()
    assert Residency.objects.count() == 20 and Proposal.objects.count() == 16 and PublicRole.objects.exists()
    # the stored cadence is what the services compute
    stored = dict(KeyContact.objects.values_list("pk", "due_on"))
    services.refresh(KeyContact.objects.all())
    assert dict(KeyContact.objects.values_list("pk", "due_on")) == stored


def test_synth_command_flags(db, network, make_person, make_org):
    for index in range(6):
        make_person(network["a"], f"李小明{index}")
        make_org(network["a"], f"澳门大学{index}", kind="university")
    call_command(
        "synth", "--interactions", "10", "--agreements", "2", "--carriers", "1", "--proposals", "2", verbosity=0
    )
    from qiao.relations.models import Interaction

    assert Interaction.objects.count() == 10
