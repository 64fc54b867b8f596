"""Concurrent edits are detected: two people who opened the same record cannot silently overwrite each other.
Web forms carry the record's signed `updated` stamp (409 when it moved); the API honours If-Match /
If-Unmodified-Since (412) and sends an ETag; without these, behaviour is unchanged."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.http import http_date

from qiao.core import concurrency


class FormReader(HTMLParser):
    """The fields of the page's edit form (the one carrying `_version`), as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = []
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.current.append((attrs["name"], attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.current.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self.select = [attrs.get("name"), None, "multiple" in attrs]
        elif tag == "option" and self.select is not None:
            if "selected" in attrs:
                self.current.append((self.select[0], attrs.get("value", "")))
                self.select[1] = True
            elif self.select[1] is None and not self.select[2]:
                self.select[1] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = [attrs.get("name"), ""]

    def handle_endtag(self, tag):
        if tag == "select" and self.select is not None:
            name, first, multiple = self.select
            if first not in (True, None) and not multiple:
                self.current.append((name, first))  # nothing selected: the browser sends the first option
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.current.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "form":
            self.current = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data


def edit_form(response) -> dict[str, list[str]]:
    reader = FormReader()
    reader.feed(response.content.decode())
    for fields in reader.forms:
        if any(name == concurrency.FIELD for name, _value in fields):
            data: dict[str, list[str]] = {}
            for name, value in fields:
                data.setdefault(name, []).append(value)
            return data
    raise AssertionError("the page has no edit form carrying the record's version")


@pytest.fixture
def two_editors(network, make_user):
    alice = make_user("alice", network["a"], "staff")
    bob = make_user("bob", network["a"], "staff")
    clients = []
    for user in (alice, bob):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_second_save_of_the_same_person_is_refused_with_409(network, two_editors, make_person):
    """Guards the web check: Bob saving a form opened before Alice's save gets 409, sees Alice's version and
    the values he typed, and Alice's change stands; he can then save on top of the current version."""
    from qiao.people.models import Person

    person = make_person(network["a"], "陳大文", profile="原来的简介")
    url = reverse("people:person_edit", args=[person.pk])
    alice, bob = two_editors
    alice_form = edit_form(alice.get(url))
    bob_form = edit_form(bob.get(url))

    alice_form["profile"] = ["Alice 写的简介"]
    saved = alice.post(url, alice_form)
    assert saved.status_code == 302, saved.content.decode()[:2000]

    bob_form["profile"] = ["Bob 写的简介"]
    refused = bob.post(url, bob_form)
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "This record was changed by alice" in page
    assert "Your changes were not saved" in page
    assert "Alice 写的简介" in page  # the form shows the current version
    assert "Bob 写的简介" in page  # beside what Bob had typed
    assert Person.objects.get(pk=person.pk).profile == "Alice 写的简介"

    # the refused page carries the current version: saving from it works
    again = edit_form(refused)
    again["profile"] = ["Bob 写的简介"]
    assert bob.post(url, again).status_code == 302
    assert Person.objects.get(pk=person.pk).profile == "Bob 写的简介"


def test_a_forged_version_is_refused_and_no_version_keeps_the_old_behaviour(network, two_editors, make_person):
    """Guards the signature: a hand-made `_version` never passes; a post without one (an old page) saves."""
    from qiao.people.models import Person

    person = make_person(network["a"], "陳大文")
    url = reverse("people:person_edit", args=[person.pk])
    alice, _bob = two_editors
    form = edit_form(alice.get(url))
    form["profile"] = ["伪造"]
    form[concurrency.FIELD] = ["not-a-signed-value"]
    assert alice.post(url, form).status_code == 409
    assert Person.objects.get(pk=person.pk).profile != "伪造"
    del form[concurrency.FIELD]
    assert alice.post(url, form).status_code == 302
    assert Person.objects.get(pk=person.pk).profile == "伪造"


def test_talent_profile_edit_is_checked_too(network, two_editors, make_person):
    """Guards an edit path outside the generic view: the talent profile form."""
    from qiao.core.models import User
    from qiao.matching.models import TalentProfile
    from qiao.matching.services import save_profile

    person = make_person(network["a"], "陳大文")
    save_profile(User.objects.get(username="root"), TalentProfile(person=person, skills="旧"))
    url = reverse("matching:talent_profile", args=[person.pk])
    alice, bob = two_editors
    first, second = edit_form(alice.get(url)), edit_form(bob.get(url))
    first["skills"] = ["甲"]
    assert alice.post(url, first).status_code == 302
    second["skills"] = ["乙"]
    assert bob.post(url, second).status_code == 409
    assert TalentProfile.objects.get(person=person).skills == "甲"


def test_api_if_match_refuses_a_stale_write_with_412(network, make_user, make_person, api):
    """Guards the API check: GET gives an ETag; a PATCH with a stale If-Match is refused (412) and changes
    nothing; with the current ETag it passes and returns the new ETag; without the header, unchanged."""
    from qiao.people.models import Person

    person = make_person(network["a"], "陳大文")
    alice = api(make_user("alice", network["a"], "staff"))
    bob = api(make_user("bob", network["a"], "manager"))  # may delete
    url = f"/api/people/{person.pk}/"
    read_a, read_b = alice.get(url), bob.get(url)
    assert read_a.status_code == 200 and read_a["ETag"] == read_b["ETag"]
    assert read_a["Last-Modified"]

    first = alice.patch(url, {"profile": "Alice"}, format="json", HTTP_IF_MATCH=read_a["ETag"])
    assert first.status_code == 200, first.content
    assert first["ETag"] != read_a["ETag"]

    stale = bob.patch(url, {"profile": "Bob"}, format="json", HTTP_IF_MATCH=read_b["ETag"])
    assert stale.status_code == 412
    assert "changed after you read it" in stale.json()["detail"]
    assert stale["ETag"] == first["ETag"]  # the current version, to read again
    assert Person.objects.get(pk=person.pk).profile == "Alice"

    fresh = bob.patch(url, {"profile": "Bob"}, format="json", HTTP_IF_MATCH=first["ETag"])
    assert fresh.status_code == 200
    # If-Unmodified-Since a moment before the last change: refused
    old = http_date(Person.objects.get(pk=person.pk).updated.timestamp() - 5)
    assert bob.patch(url, {"profile": "x"}, format="json", HTTP_IF_UNMODIFIED_SINCE=old).status_code == 412
    # a stale If-Match on DELETE is refused too
    assert bob.delete(url, HTTP_IF_MATCH=read_b["ETag"]).status_code == 412
    # no precondition: the last write wins, as before
    assert bob.patch(url, {"profile": "no header"}, format="json").status_code == 200
    assert Person.objects.get(pk=person.pk).profile == "no header"
