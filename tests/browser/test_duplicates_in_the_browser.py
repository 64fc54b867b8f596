"""A manager reviews a possible duplicate, keeps the other record's job title, and merges."""

import datetime

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_reviews_and_merges_a_duplicate_pair(page, network, make_user, make_person):
    from qiao.people import merging
    from qiao.people.models import DuplicateCandidate, Person

    birth = datetime.date(1990, 5, 4)
    make_user("manager-a", network["a"], "manager")
    chan = make_person(network["a"], "陳大文", name_latin="CHAN Tai Man", birth_date=birth, title="分析师")
    twin = make_person(network["a"], "陈大文", name_latin="Chan Tai Man", birth_date=birth, title="总监")
    merging.scan()
    pair = DuplicateCandidate.objects.get()

    page.goto("/login/")
    page.fill("#id_username", "manager-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")
    page.goto("/people/duplicates/")
    page.click(f"a[href='/people/duplicates/{pair.pk}/']")
    assert page.locator("tr.table-warning[data-field=title]").count() == 1
    keep_is_chan = pair.person == chan
    page.locator("tr[data-field=title] input[value=drop]").check()
    page.click("#merge")
    survivor, merged = (chan, twin) if keep_is_chan else (twin, chan)
    page.wait_for_url(f"**/people/{survivor.pk}/")
    survivor.refresh_from_db()
    assert survivor.title == merged.title
    assert Person.all_objects.get(pk=merged.pk).merged_into == survivor
