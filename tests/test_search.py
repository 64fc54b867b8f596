"""Finding anyone, whatever the script: the one search box and ?q= on the API."""

import pytest

from qiao.core import search
from qiao.people.models import Person

QUERIES = [
    "陳大文",
    "陈大文",
    "陳 大文",
    "chan tai man",
    "Tai Man CHAN",
    "chen dawen",
    "chendawen",
    "cdw",
    "ＣＨＡＮ　ＴＡＩ　ＭＡＮ",
    "CHAN Tai-man",
]


@pytest.fixture
def registry(network, make_person):
    return {
        "target": make_person(
            network["a"],
            "陳大文",
            name_latin="CHAN Tai Man",
            phones=["+85291234567"],
            emails=["Tai.Man@Example.org"],
            documents=[{"kind": "hkid", "number": "A1234563"}],
        ),
        "other": make_person(network["a"], "陈大明", name_latin=""),
        "prefix": make_person(network["a"], "陳大文康", name_latin=""),
    }


@pytest.mark.parametrize("query", QUERIES)
def test_chan_tai_man_is_found_by_every_form_of_his_name(registry, query):
    found = list(search.search(Person.objects.all(), query))
    assert registry["target"] in found, query


def test_exact_name_ranks_first(registry):
    found = list(search.search(Person.objects.all(), "陈大文"))
    assert found[0] == registry["target"]
    assert registry["prefix"] in found


@pytest.mark.parametrize("query", ["91234567", "+852 9123 4567", "A123456(3)", "a1234563", "tai.man@example.org"])
def test_phone_and_document_numbers_find_the_person(registry, query):
    assert registry["target"] in search.search(Person.objects.all(), query)


def test_blank_and_punctuation_queries_find_nothing(registry):
    assert not search.search(Person.objects.all(), "  ").exists()
    assert not search.search(Person.objects.all(), "？！").exists()


def test_keys_follow_renames_and_the_original_text_is_kept(registry, make_user, network):
    from qiao.people.services import save_person

    person = registry["target"]
    person.name = "陳大衛"
    save_person(make_user("x", network["a"], "staff"), person)
    assert person not in search.search(Person.objects.all(), "陈大文")
    assert person in search.search(Person.objects.all(), "chendawei")
    assert Person.objects.get(pk=person.pk).name == "陳大衛"


def test_rebuild_command_restores_keys(registry):
    from django.core.management import call_command

    from qiao.core.models import SearchKey

    SearchKey.objects.all().delete()
    assert not search.search(Person.objects.all(), "cdw").exists()
    call_command("rebuild_search_keys", verbosity=0)
    assert registry["target"] in search.search(Person.objects.all(), "cdw")


def test_organisations_are_found_across_scripts(network, make_org):
    org = make_org(
        network["a"], "香港廣東社團總會", name_latin="Federation of Hong Kong Guangdong Community Organisations"
    )
    assert org in search.search(org.__class__.objects.all(), "香港广东社团")
    assert org in search.search(org.__class__.objects.all(), "xianggang")


def test_deleted_people_are_not_found(registry, make_user, network):
    from qiao.core import services

    services.delete(make_user("m", network["a"], "manager"), registry["target"])
    assert registry["target"] not in search.search(Person.objects.all(), "cdw")


# ------------------------------------------------------------------ a list's search box with many matches (issue 10)


@pytest.fixture
def many_chans(network, make_person):
    people = [make_person(network["a"], f"陳{given}", name_latin="") for given in "大小中上下左右東南西北"]
    people.append(make_person(network["a"], "陳", name_latin=""))  # the one exact hit
    people.append(make_person(network["b"], "陳", name_latin=""))  # another base's
    return people


def test_first_is_search_when_few_keys_match(registry):
    found, truncated = search.first(Person.objects.all(), "陈大文", limit=1000)
    assert not truncated
    assert list(found) == list(search.search(Person.objects.all(), "陈大文"))


def test_first_ranks_only_the_first_keys_and_says_so(network, many_chans, make_user):
    from qiao.core.models import SearchKey

    everyone = Person.objects.all()
    keys = SearchKey.objects.filter(key__startswith="陈").count()
    assert keys > 10
    found, truncated = search.first(everyone, "陈", limit=5)
    assert truncated
    found = list(found)
    assert 1 <= len(found) <= 5
    assert found[0].name == "陳"  # the exact hit sorts first among the keys, and ranks first
    assert [p.search_rank for p in found] == sorted(p.search_rank for p in found)
    # scoping holds: a base's user never gets another base's people, truncated or not
    staff = make_user("staff-a", network["a"], "staff")
    mine = Person.objects.restrict(staff)
    found, truncated = search.first(mine, "陈", limit=5)
    assert truncated and all(p.unit_id == network["a"].pk for p in found)
    found, truncated = search.first(mine, "陈", limit=1000)
    assert not truncated and len(found) == len(many_chans) - 1


def test_the_list_says_when_it_shows_only_the_best_matches(client, network, many_chans, make_user, settings):
    settings.QIAO_SEARCH_KEY_LIMIT = 5
    client.force_login(make_user("staff-a", network["a"], "staff"))
    page = client.get("/people/", {"q": "陈"}).content.decode()
    assert 'data-search-truncated="1"' in page
    settings.QIAO_SEARCH_KEY_LIMIT = 1000
    page = client.get("/people/", {"q": "陈"}).content.decode()
    assert 'data-search-truncated="1"' not in page and 'data-total="12"' in page


def test_a_long_list_is_counted_up_to_the_limit(client, network, many_chans, make_user, settings):
    client.force_login(make_user("staff-a", network["a"], "staff"))
    settings.QIAO_LIST_COUNT_LIMIT = 5
    page = client.get("/people/", {"per_page": 2}).content.decode()
    assert 'data-total="5" data-capped="1"' in page
    settings.QIAO_LIST_COUNT_LIMIT = 0
    page = client.get("/people/").content.decode()
    assert 'data-total="12"' in page and "data-capped" not in page
