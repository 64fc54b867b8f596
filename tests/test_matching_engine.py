"""The matching engine: who is proposed for a demand, in which order, and why.

Cross-script and synonym matches, closeness in the taxonomy, hard conditions, the reasons' words,
scoping and shares, freshness of a saved index without a rebuild, what an empty profile lacks, the
labelled evaluation set of `qiao synth`. Nothing here depends on timing."""

import datetime

import pytest

from qiao.activities.models import Activity, ActivityKind, Participation, Series
from qiao.matching import engine, index, taxonomy
from qiao.matching.engine import Reason
from qiao.matching.models import Demand, Field, IndexChange, Match, TalentProfile
from qiao.people.models import Education, Person, PersonShare

D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_engine(settings, tmp_path):
    """No index survives a test; a saved index goes to the test's own folder."""
    settings.MATCHING_INDEX_DIR = tmp_path / "matching"
    index.reset()
    taxonomy.forget()
    yield
    index.reset()


@pytest.fixture
def fields(db):
    from qiao.matching.defaults import ensure

    ensure()  # the default taxonomy, gone after a transactional test flushed the database
    taxonomy.forget()
    return {f.code: f for f in Field.objects.all()}


@pytest.fixture
def root(make_user):
    return make_user("root", is_superuser=True)


@pytest.fixture
def staff_a(network, make_user):
    return make_user("staff-a", network["a"], "staff")


@pytest.fixture
def talent(network, make_person, fields):
    """A person with a talent profile; consent and availability as given."""

    def make(name, unit=None, *, tags=(), profile="", skills="", title="", degree=None, years=None, languages=(),
             modes=(), consent=True, availability="open", places="", **person):  # fmt: skip
        someone = make_person(unit or network["a"], name, profile=profile, title=title, **person)
        talent = TalentProfile.objects.create(
            person=someone,
            skills=skills,
            experience_years=years,
            languages=list(languages),
            work_modes=list(modes),
            contact_consent=consent,
            availability=availability,
            desired_places=places,
        )
        talent.fields.set([fields[code] for code in tags])
        if degree:
            Education.objects.create(person=someone, degree=degree, institution="香港大學", field="")
        return someone

    return make


@pytest.fixture
def demand(network, make_org, fields):
    org = make_org(network["a"], "惠州储能科技有限公司", kind="enterprise")

    def make(title, *, tags=(), unit=None, **values):
        values.setdefault("organization", org)
        made = Demand.objects.create(unit=unit or network["a"], title=title, **values)
        made.fields.set([fields[code] for code in tags])
        return made

    return make


def ids(ranked):
    return [r.pk for r in ranked]


def texts(ranked_one):
    return [str(reason) for reason in ranked_one.reasons]


# ---------------------------------------------------------------------------------------------------------
# Cross-script and synonyms


def test_a_demand_in_simplified_finds_profiles_in_traditional_and_english(talent, demand, root):
    hant = talent("陳大文", profile="從事鋰電池電芯研發多年，熟悉儲能系統。")
    english = talent("Alice Wong", profile="Ten years designing lithium-ion batteries for electric buses.")
    synonym = talent("李小明", profile="负责动力电池的测试与验证。")
    banker = talent("張銀行", profile="在香港的投資銀行做併購。")
    wanted = demand("锂电池研发工程师", description="负责锂电池电芯的研发。")

    found = ids(engine.candidates(wanted, root))
    assert hant.pk in found and english.pk in found and synonym.pk in found
    assert banker.pk not in found


def test_text_names_a_field_in_any_script(fields):
    tax = taxonomy.get(fresh=True)
    lithium = fields["lithium-battery"].pk
    for text in (
        "我做鋰電池的研發",
        "我做锂电池的研发",
        "I work on lithium batteries.",
        "Li-ion cells",
        "動力電池測試",
    ):
        assert lithium in tax.fields_in_text(text), text
    assert tax.fields_in_text("It is what it is.") == {}  # "it" is not IT
    assert fields["software"].pk in tax.fields_in_text("IT support")


def test_closeness_in_the_taxonomy_orders_exact_sibling_parent_branch(talent, demand, root):
    exact = talent("甲", tags=["lithium-battery"])
    sibling = talent("乙", tags=["hydrogen"])
    parent = talent("丙", tags=["energy-storage"])
    branch = talent("丁", tags=["photovoltaic"])
    other = talent("戊", tags=["law"])
    wanted = demand("电芯工程师", tags=["lithium-battery"])

    ranked = engine.candidates(wanted, root)
    assert ids(ranked) == [exact.pk, sibling.pk, parent.pk, branch.pk]
    assert other.pk not in ids(ranked)
    scores = [r.score for r in ranked]
    assert scores == sorted(scores, reverse=True) and scores[0] <= 100


def test_a_more_specific_field_ranks_above_a_sibling(talent, demand, root):
    child = talent("甲", tags=["lithium-battery"])
    sibling = talent("乙", tags=["photovoltaic"])
    wanted = demand("储能项目", tags=["energy-storage"])
    assert ids(engine.candidates(wanted, root)) == [child.pk, sibling.pk]


# ---------------------------------------------------------------------------------------------------------
# Hard conditions


def test_hard_conditions_are_never_broken(talent, demand, root, make_person):
    fine = talent("合格", tags=["lithium-battery"], degree="doctor")
    talent("不同意", tags=["lithium-battery"], degree="doctor", consent=False)
    talent("没空", tags=["lithium-battery"], degree="doctor", availability="unavailable")
    talent("本科", tags=["lithium-battery"], degree="bachelor")
    talent("不详", tags=["lithium-battery"])
    gone = talent("已删除", tags=["lithium-battery"], degree="doctor")
    gone.soft_delete(root)
    merged = talent("已合并", tags=["lithium-battery"], degree="doctor")
    Person.all_objects.filter(pk=merged.pk).update(merged_into=fine)
    wanted = demand("电芯工程师", tags=["lithium-battery"], min_degree="master", degree_required=True)

    assert ids(engine.candidates(wanted, root)) == [fine.pk]


def test_a_soft_minimum_degree_only_lowers_the_score(talent, demand, root):
    doctor = talent("博士", tags=["lithium-battery"], degree="doctor")
    bachelor = talent("本科", tags=["lithium-battery"], degree="bachelor")
    wanted = demand("电芯工程师", tags=["lithium-battery"], min_degree="master")
    assert ids(engine.candidates(wanted, root)) == [doctor.pk, bachelor.pk]


# ---------------------------------------------------------------------------------------------------------
# Reasons


def test_reasons_say_what_happened(talent, demand, root, network):
    person = talent("陳大文", tags=["energy-storage"], degree="doctor", years=3, languages=["cantonese", "english"],
                    modes=["full_time"], places="惠州", availability="available")  # fmt: skip
    series = Series.objects.create(unit=network["a"], name="学长说")
    kind = ActivityKind.objects.get(code="talk")
    talk = Activity.objects.create(unit=network["a"], kind=kind, title="学长说", series=series, edition=12,
                                   start_date=D(2025, 5, 1))  # fmt: skip
    Participation.objects.create(activity=talk, person=person, status="attended")
    wanted = demand("电芯工程师", tags=["lithium-battery"], min_degree="master", min_experience_years=5,
                    languages=["cantonese", "mandarin"], work_mode="full_time", place="惠州")  # fmt: skip

    (ranked,) = engine.candidates(wanted, root)
    said = texts(ranked)
    assert "Field: Energy storage ✓ (asked: Lithium battery, broader)" in said
    assert "Degree: Doctorate ≥ Master ✓" in said
    assert "Experience: 3 years < 5 ✗" in said
    assert "Languages: Cantonese ✓, missing Mandarin" in said
    assert "Work mode: Full-time ✓" in said
    assert "Place: 惠州 ✓" in said
    assert "Took part in 学长说, edition 12" in said
    assert "Available now" in said
    assert round(sum(r.points for r in ranked.reasons), 1) == pytest.approx(ranked.score, abs=0.2)

    stored = [reason.as_dict() for reason in ranked.reasons]
    assert [str(Reason.from_dict(d)) for d in stored] == said
    from django.utils import translation

    with translation.override("zh-hant"):
        field_reason = next(Reason.from_dict(d) for d in stored if d["code"] == "field")
        assert "儲能" in str(field_reason) and "鋰電池" in str(field_reason)


def test_a_text_match_is_explained_with_its_words(talent, demand, root):
    talent("王", profile="擅長 Python 數據分析與機器學習")
    wanted = demand("数据分析师", skills="Python")
    (ranked,) = engine.candidates(wanted, root)
    text_reason = next(r for r in ranked.reasons if r.code == "text")
    assert "python" in text_reason.params["terms"]
    field_reason = next(r for r in ranked.reasons if r.code == "field")
    assert field_reason.params["via"] == "text" and "named in the profile" in str(field_reason)


def test_a_person_already_followed_is_shown_with_the_stage(talent, demand, root):
    person = talent("甲", tags=["lithium-battery"])
    wanted = demand("电芯工程师", tags=["lithium-battery"])
    Match.objects.create(unit=wanted.unit, demand=wanted, person=person, stage="contacted")
    (ranked,) = engine.candidates(wanted, root)
    assert ranked.stage == "contacted" and "Already followed: Contacted" in texts(ranked)


def test_outcomes_of_earlier_matches_move_people(talent, demand, root, make_org, network):
    agreed = talent("甲", tags=["lithium-battery"])
    plain = talent("乙", tags=["lithium-battery"])
    declined = talent("丙", tags=["lithium-battery"])
    other_org = make_org(network["a"], "别的公司", kind="enterprise")
    earlier = demand("旧需求", tags=["lithium-battery"], organization=other_org)
    Match.objects.create(unit=earlier.unit, demand=earlier, person=agreed, stage="agreed")
    wanted = demand("电芯工程师", tags=["lithium-battery"])
    same_org_earlier = demand("同一公司的旧需求", tags=["law"], organization=wanted.organization)
    Match.objects.create(unit=earlier.unit, demand=same_org_earlier, person=declined, stage="declined")

    ranked = engine.candidates(wanted, root)
    assert ids(ranked) == [agreed.pk, plain.pk, declined.pk]
    assert any("Declined before with 惠州储能科技有限公司" in t for t in texts(ranked[2]))


def test_paging_with_offset(talent, demand, root):
    people = [talent(f"人{i}", tags=["lithium-battery"], years=i) for i in range(5)]
    wanted = demand("电芯工程师", tags=["lithium-battery"], min_experience_years=4)
    first, rest = engine.candidates(wanted, root, limit=2), engine.candidates(wanted, root, limit=10, offset=2)
    assert len(first) == 2 and len(rest) == 3
    assert set(ids(first) + ids(rest)) == {p.pk for p in people}


# ---------------------------------------------------------------------------------------------------------
# Scope


def test_a_base_user_never_gets_people_of_another_base_unless_shared(talent, demand, staff_a, network, root):
    mine = talent("甲", network["a1"], tags=["lithium-battery"])
    theirs = talent("乙", network["b"], tags=["lithium-battery"])
    shared = talent("丙", network["b"], tags=["lithium-battery"])
    wanted = demand("电芯工程师", tags=["lithium-battery"])
    PersonShare.objects.create(person=shared, unit=network["a"])

    found = ids(engine.candidates(wanted, staff_a))
    assert set(found) == {mine.pk, shared.pk}
    assert set(found) <= set(Person.objects.restrict(staff_a).values_list("pk", flat=True))
    assert theirs.pk in ids(engine.candidates(wanted, root))


def test_opportunities_are_open_valid_demands_in_scope(talent, demand, staff_a, network, make_org):
    person = talent("甲", tags=["lithium-battery"], profile="锂电池研发")
    good = demand("电芯工程师", tags=["lithium-battery"])
    close = demand("光伏工程师", tags=["photovoltaic"])
    demand("已过期", tags=["lithium-battery"], valid_until=D(2020, 1, 1))
    demand("已关闭", tags=["lithium-battery"], status="closed")
    demand("律师", tags=["law"])
    demand("别的基地", tags=["lithium-battery"], unit=network["b"], organization=make_org(network["b"], "乙公司"))

    assert ids(engine.opportunities(person, staff_a)) == [good.pk, close.pk]


# ---------------------------------------------------------------------------------------------------------
# Freshness of a saved index


def test_a_change_reaches_a_saved_index_without_a_rebuild(talent, demand, root, settings, fields):
    settings.MATCHING_LIVE_MAX = 0  # keep an index even for a few people
    settings.MATCHING_REFRESH_SECONDS = 10**6  # refreshed only when the test says so
    early = talent("甲", tags=["lithium-battery"])
    late = talent("乙", tags=["law"])
    index.rebuild()
    wanted = demand("电芯工程师", tags=["lithium-battery"])
    built = index.get_index()
    assert ids(engine.candidates(wanted, root)) == [early.pk]

    late.talent.fields.add(fields["lithium-battery"])
    assert IndexChange.objects.filter(person_id=late.pk).exists()
    assert built.refresh() == 1
    assert index.get_index() is built and index.current_name() == built.name  # no rebuild
    assert set(ids(engine.candidates(wanted, root))) == {early.pk, late.pk}

    early.talent.contact_consent = False
    early.talent.save()
    built.refresh()
    assert ids(engine.candidates(wanted, root)) == [late.pk]

    index.rebuild()  # compacts: the changes are in the new base
    assert not IndexChange.objects.filter(person_id__gt=0).exists()
    assert ids(engine.candidates(wanted, root)) == [late.pk]


def test_a_saved_index_of_an_earlier_database_with_the_same_name_is_rebuilt(talent, demand, root, settings):
    settings.MATCHING_LIVE_MAX = 0
    settings.MATCHING_REFRESH_SECONDS = 0
    person = talent("甲", tags=["lithium-battery"])
    index.rebuild()
    first = index.current_name()
    IndexChange.objects.all().delete()  # as in a database created again: the marker row is not there
    assert ids(engine.candidates(demand("电芯工程师", tags=["lithium-battery"]), root)) == [person.pk]
    assert index.current_name() != first


def test_a_saved_index_is_checked_against_the_database_for_the_people_shown(talent, demand, root, settings):
    settings.MATCHING_LIVE_MAX = 0
    settings.MATCHING_REFRESH_SECONDS = 10**6
    person = talent("甲", tags=["lithium-battery"])
    index.rebuild()
    TalentProfile.objects.filter(person=person).update(contact_consent=False)  # no signal, no refresh
    assert engine.candidates(demand("电芯工程师", tags=["lithium-battery"]), root) == []


# ---------------------------------------------------------------------------------------------------------
# Gaps


def test_an_empty_profile_says_what_is_missing(make_person, network, talent, demand, root):
    nobody = make_person(network["a"], "空白")
    assert engine.profile_gaps(nobody)
    empty = talent("没内容", consent=False)
    gaps = engine.profile_gaps(empty)
    assert len(gaps) == 2 and any("nothing to match on" in g for g in gaps)
    assert engine.profile_gaps(talent("够了", tags=["law"])) == []

    bare = demand("招聘")
    assert engine.demand_gaps(bare) and engine.candidates(bare, root) == []
    assert engine.demand_gaps(demand("锂电池工程师")) == []  # the title names a field
    assert engine.demand_gaps(demand("x", tags=["law"], degree_required=True))


# ---------------------------------------------------------------------------------------------------------
# The labelled evaluation set of `qiao synth`


def test_the_evaluation_set_comes_from_the_generator_and_is_graded_sensibly(network, fields):
    from qiao.core.demo import synth, synth_matching

    synth.people(300, seed=5)
    result = synth_matching.profiles(300, seed=5)
    made = synth_matching.demands(12, seed=5, truth=result)
    labels = synth_matching.evaluation(result, made)
    assert [item["demand"] for item in labels] == made
    profiles = {p.person_id: p for p in TalentProfile.objects.all()}
    assert len(profiles) == 300
    tax = taxonomy.get(fresh=True)
    for item in labels:
        truth = result.demands[item["demand"]]
        for person, grade in item["grades"].items():
            them = result.people[int(person)]
            assert grade in (1, 2, 3)
            assert profiles[int(person)].contact_consent and profiles[int(person)].availability != "unavailable"
            relation = tax.relation(them.field, truth["field"])
            if grade == 3:
                assert relation in ("exact", "child")
            if grade == 2:
                assert relation in ("exact", "child", "sibling", "parent")
            if grade == 1:
                assert relation is not None
    assert sum(1 for item in labels for g in item["grades"].values() if g == 3) > 0
    declined = [pk for pk, p in result.people.items() if not p.consent]
    assert declined and all(str(pk) not in item["grades"] for item in labels for pk in declined)


def test_the_index_command_builds_and_describes_the_saved_index(talent, settings):
    from io import StringIO

    from django.core.management import call_command

    talent("甲", tags=["law"])
    out = StringIO()
    call_command("matching_index", "--rebuild", stdout=out)
    assert "1 people" in out.getvalue()
    out = StringIO()
    call_command("matching_index", stdout=out)
    assert index.current_name() in out.getvalue()


def test_bulk_paths_can_mark_people_changed(talent, demand, root, settings, fields):
    settings.MATCHING_LIVE_MAX = 0
    settings.MATCHING_REFRESH_SECONDS = 10**6
    person = talent("甲", tags=["law"])
    index.rebuild()
    built = index.get_index()
    TalentProfile.fields.through.objects.create(talentprofile=person.talent, field=fields["lithium-battery"])
    assert built.refresh() == 0  # a bulk write sends no signal …
    assert index.mark_changed([person.pk, person.pk]) == 1
    assert built.refresh() == 1  # … until the bulk path says so
    assert ids(engine.candidates(demand("电芯工程师", tags=["lithium-battery"]), root)) == [person.pk]


def test_one_person_for_one_demand_scores_as_in_the_list(talent, demand, root):
    person = talent("甲", tags=["lithium-battery"], degree="master")
    silent = talent("乙", tags=["lithium-battery"], consent=False)
    wanted = demand("电芯工程师", tags=["lithium-battery"], min_degree="master")
    (listed,) = engine.candidates(wanted, root)
    one = engine.rank_one(wanted, person)
    assert (one.pk, one.score, texts(one)) == (listed.pk, listed.score, texts(listed))
    assert "Has not agreed to be contacted ✗" in texts(engine.rank_one(wanted, silent))
    assert engine.rank_one(demand("律师", tags=["law"]), person) is None


def test_no_profiles_at_all_gives_no_candidates_and_no_error(demand, root, make_person, network):
    assert engine.candidates(demand("电芯工程师", tags=["lithium-battery"]), root) == []
    assert engine.opportunities(make_person(network["a"], "无档案"), root) == []


def test_preload_maps_a_saved_index_for_the_workers_and_nothing_without_one(talent):
    """gunicorn's master preloads the saved index before it forks (deploy/gunicorn.conf.py); without saved files
    it does nothing (a small database builds its index per call)."""
    talent("陳大文")
    assert index.preload() is False and index._index is None
    index.rebuild()
    index.reset()
    assert index.preload() is True
    assert index._index is not None and index._index.name == index.current_name()
