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


# ---------------------------------------------------------------- a workplace tells namesakes apart


@pytest.fixture
def engineer(network, make_person):
    """陳大文 with no date of birth on the row's side: only the name and the workplace can tell."""
    return make_person(
        network["a"],
        "陳大文",
        name_latin="CHAN Tai Man",
        birth_date=BIRTH,
        gender="M",
        region="HK",
        phones=["+85291234567"],
        employer="港鐵公司",
        title="工程師",
    )


def thin(**fields):
    """A row that gives a name and a workplace, and nothing else that identifies anyone."""
    row = {"name": "陈大文", "gender": "M", "region": "HK", "employer": "港铁公司", "title": "工程师"}
    return decide(**{**row, **fields})


def test_a_name_and_the_same_employer_and_title_link_a_row_that_gives_nothing_else(engineer):
    decision = thin()  # the other script, for the name and for the workplace
    assert decision.outcome == "link" and decision.person == engineer
    assert decision.candidates[0].reasons == ["name", "employer", "title", "gender", "region"]
    assert decision.candidates[0].reason_labels()[1:3] == ["same employer", "same job title"]


def test_a_workplace_alone_is_not_enough(engineer):
    assert thin(title="经理").outcome == "review"  # the employer, another title: +0.10
    assert thin(employer="", title="").outcome == "review"  # a name alone, as before
    assert thin(name="陈大明").outcome == "new"  # another person at the same desk: no name, no workplace
    written_apart = thin(name="陳大明", name_latin="CHAN Tai Man")  # the same spelling, another written name
    assert written_apart.outcome == "review" and "employer" not in written_apart.candidates[0].reasons


def test_a_workplace_does_not_outweigh_details_that_point_elsewhere(engineer):
    # a phone or a document that is not the person's: the row has details, and they are not theirs
    assert thin(phones=["+85298765432"]).outcome == "review"
    assert thin(documents=[("hk_mo_permit", "H87654321")]).outcome == "review"
    assert thin(phones=["+85291234567"]).outcome == "link"  # the person's own phone


def test_two_namesakes_at_the_same_workplace_go_to_review(network, make_person, engineer):
    make_person(
        network["a"], "陈大文", name_latin="CHAN Tai Man", gender="M", region="HK", employer="港铁公司", title="工程师"
    )
    decision = thin()
    assert decision.outcome == "review" and len(decision.candidates) == 2


def test_a_common_name_is_found_through_the_workplace(network, make_person, engineer, monkeypatch):
    """A name held by more people than MAX_PER_KEY finds no candidates by itself; with the employer
    and the title, its holders who work there are found in the database."""
    for _ in range(3):
        make_person(network["a"], "陳大文", name_latin="CHAN Tai Man", gender="M", region="HK", employer="匯豐銀行")
    monkeypatch.setattr(linkage, "MAX_PER_KEY", 2)
    decision = thin()
    assert decision.outcome == "link" and decision.person == engineer
    assert decide(name="陈大文", gender="M", region="HK").outcome == "new"  # too common to compare
