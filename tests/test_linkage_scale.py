"""Linkage rules added for large registries: finding people by date of birth, typos in romanised
names, renewed passports, agreeing details; and the blocking duplicate scan."""

import datetime

import pytest

from qiao.people import linkage, merging
from qiao.people.models import DuplicateCandidate

BIRTH = datetime.date(1990, 5, 4)


@pytest.fixture
def chan(network, make_person):
    return make_person(
        network["a"],
        "陳大文",
        name_latin="CHAN Tai Man",
        birth_date=BIRTH,
        gender="M",
        region="HK",
        phones=["+85291234567"],
        documents=[{"kind": "hkid", "number": "A1234563"}, {"kind": "passport", "number": "K12345678"}],
    )


def decide(**fields):
    return linkage.link([linkage.Incoming(**fields)])[0]


def test_a_romanised_name_with_a_typo_is_found_by_date_of_birth(chan):
    decision = decide(name_latin="CHAN Tia Man", birth_date=BIRTH, phones=["+85291234567"], gender="M", region="HK")
    assert decision.outcome == "link" and decision.person == chan
    assert "sounds" in decision.candidates[0].reasons
    assert linkage._latin_close("CHAN Tai Mn", "CHAN Tai Man") and not linkage._latin_close("CHAN Tai", "WONG Tai")


def test_name_date_of_birth_gender_and_region_together_link(chan):
    decision = decide(name="陈大文", birth_date=BIRTH, gender="M", region="HK")
    assert decision.outcome == "link" and decision.candidates[0].reasons == ["name", "birth", "gender", "region"]
    assert decide(name="陈大文", birth_date=BIRTH).outcome == "review"  # without them, a reviewer decides


def test_a_renewed_passport_is_no_conflict_but_another_id_card_is(chan):
    renewed = decide(name="陳大文", birth_date=BIRTH, documents=[("passport", "K87654321")])
    assert "document_conflict" not in renewed.candidates[0].reasons
    other_card = decide(name="陳大文", birth_date=BIRTH, documents=[("hkid", "Z6543210")])
    assert other_card.outcome == "new"


def test_the_scan_pairs_an_undated_record_by_name_and_a_shared_phone(network, make_person, chan):
    twin = make_person(network["a"], "陈大文", name_latin="", phones=["+85291234567"])
    assert merging.scan(batch=1) == 1
    pair = DuplicateCandidate.objects.get()
    assert (pair.person, pair.other) == (chan, twin) and {"name", "phone"} <= set(pair.reasons)
    assert merging.scan() == 0
