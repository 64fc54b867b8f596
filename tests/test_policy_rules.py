"""Eligibility rules on their own: every operator, date edges, missing data ("unknown" is not "no"),
three-valued all / any / not, nearly-eligible lists, rules refused when saved (bad input and rules
that can never be true), and the reasons in plain words."""

import datetime

import pytest

from qiao.policies import rules
from qiao.policies.attributes import Facts

pytestmark = pytest.mark.django_db  # field names come from the taxonomy

D = datetime.date
ON = D(2026, 11, 21)
# a small taxonomy: code → itself and its ancestors
TAXONOMY = {
    "new-energy": ("new-energy",),
    "energy-storage": ("new-energy", "energy-storage"),
    "lithium-battery": ("new-energy", "energy-storage", "lithium-battery"),
    "finance": ("finance",),
    "fintech": ("finance", "fintech"),
}


def texts(*values):
    from qiao import text

    return tuple((v, text.compact(v)) for v in values)


def facts(on=ON, **values):
    """A person's facts; everything not given is not recorded."""
    base = {"consent": False, "attended_activities": 0}
    base.update(values)
    for name in ("region", "gender", "degree", "employment_status", "employer_region", "employer_kind"):
        if isinstance(base.get(name), str):
            base[name] = frozenset([base[name]])
    for name in ("languages", "field"):
        if isinstance(base.get(name), (list, tuple)):
            base[name] = frozenset(base[name])
    for name in ("country", "residence", "study_field", "employer_industry", "employer_location"):
        if isinstance(base.get(name), str):
            base[name] = texts(base[name])
        elif isinstance(base.get(name), list):
            base[name] = texts(*base[name])
    return Facts(values=base, on=on)


CHAN = facts(
    region="HK",
    gender="M",
    birth_date=D(1994, 5, 1),  # 32 on ON
    degree="master",
    field=["new-energy", "energy-storage", "lithium-battery"],
    study_field=["材料工程", "Chemistry"],
    experience_years=6,
    languages=["cantonese", "english"],
    employment_status="employed",
    residence="惠州",
    country="中國",
    signed_local_employer=True,
    employer_region="MAINLAND",
    employer_kind="enterprise",
    employer_industry="新能源",
    employer_location="广东省惠州市仲恺高新区",
    consent=True,
    attended_activities=3,
)
NOBODY = facts()  # nothing recorded


def outcome(condition, person=CHAN):
    assert rules.check(condition, taxonomy=TAXONOMY) == [], rules.check(condition, taxonomy=TAXONOMY)
    return rules.evaluate(condition, person).verdict


def c(attr, op, value=None, **extra):
    node = {"attr": attr, "op": op, **extra}
    if value is not None:
        node["value"] = value
    return node


# ------------------------------------------------------------------------------------------------ operators


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        # choice
        (c("region", "eq", "HK"), True),
        (c("region", "eq", "MO"), False),
        (c("region", "ne", "TW"), True),
        (c("region", "ne", "HK"), False),
        (c("region", "in", ["HK", "MO"]), True),
        (c("region", "in", ["TW", "OVERSEAS"]), False),
        (c("region", "not_in", ["TW", "OVERSEAS"]), True),
        (c("region", "not_in", ["HK"]), False),
        (c("region", "is_known"), True),
        # ordered choice: the highest degree
        (c("degree", "ge", "bachelor"), True),
        (c("degree", "ge", "doctor"), False),
        (c("degree", "gt", "master"), False),
        (c("degree", "gt", "bachelor"), True),
        (c("degree", "le", "master"), True),
        (c("degree", "lt", "master"), False),
        (c("degree", "between", ["bachelor", "doctor"]), True),
        (c("degree", "between", ["secondary", "associate"]), False),
        (c("degree", "eq", "master"), True),
        # numbers
        (c("age", "eq", 32), True),
        (c("age", "ne", 32), False),
        (c("age", "lt", 32), False),
        (c("age", "le", 32), True),
        (c("age", "gt", 31), True),
        (c("age", "ge", 33), False),
        (c("age", "between", [18, 35]), True),
        (c("age", "between", [33, 45]), False),
        (c("experience_years", "ge", 5), True),
        (c("experience_years", "lt", 5), False),
        (c("attended_activities", "ge", 3), True),
        (c("attended_activities", "gt", 3), False),
        # dates
        (c("birth_date", "lt", "1995-01-01"), True),
        (c("birth_date", "ge", "1995-01-01"), False),
        (c("birth_date", "eq", "1994-05-01"), True),
        (c("birth_date", "ne", "1994-05-01"), False),
        (c("birth_date", "le", "1994-05-01"), True),
        (c("birth_date", "gt", "1994-05-01"), False),
        (c("birth_date", "between", ["1990-01-01", "1994-05-01"]), True),
        (c("birth_date", "between", ["1994-05-02", "2000-01-01"]), False),
        # booleans
        (c("signed_local_employer", "is_true"), True),
        (c("signed_local_employer", "is_false"), False),
        (c("consent", "is_true"), True),
        (c("consent", "is_false"), False),
        # text: folded (script, case, width)
        (c("residence", "eq", "惠州"), True),
        (c("country", "eq", "中国"), True),  # 中國 = 中国
        (c("country", "ne", "中国"), False),
        (c("residence", "in", ["深圳", "惠州"]), True),
        (c("residence", "not_in", ["深圳", "广州"]), True),
        (c("residence", "not_in", ["惠州"]), False),
        (c("residence", "contains", "惠"), True),
        (c("residence", "contains", "深"), False),
        (c("employer_location", "contains", "惠州"), True),
        (c("employer_location", "contains", "深圳"), False),
        (c("employer_industry", "eq", "新能源"), True),
        (c("study_field", "contains", "chemistry"), True),  # one of several, case folded
        (c("study_field", "eq", "材料工程"), True),
        (c("study_field", "ne", "材料工程"), False),
        # several values: languages
        (c("languages", "eq", "english"), True),
        (c("languages", "eq", "portuguese"), False),
        (c("languages", "ne", "portuguese"), True),
        (c("languages", "in", ["portuguese", "cantonese"]), True),
        (c("languages", "not_in", ["english"]), False),
        # the taxonomy: a field is met by itself or anything below it
        (c("field", "eq", "new-energy"), True),
        (c("field", "eq", "lithium-battery"), True),
        (c("field", "eq", "finance"), False),
        (c("field", "ne", "fintech"), True),
        (c("field", "in", ["finance", "energy-storage"]), True),
        (c("field", "not_in", ["new-energy"]), False),
        # organisation attributes
        (c("employer_kind", "eq", "enterprise"), True),
        (c("employer_region", "in", ["HK", "MO"]), False),
        (c("employment_status", "eq", "employed"), True),
        (c("gender", "eq", "F"), False),
    ],
)
def test_every_operator(condition, expected):
    assert outcome(condition) is expected


@pytest.mark.parametrize(
    "condition",
    [
        c("region", "eq", "HK"),
        c("region", "ne", "HK"),
        c("region", "not_in", ["HK"]),
        c("age", "le", 35),
        c("age", "ne", 35),
        c("birth_date", "lt", "2000-01-01"),
        c("degree", "ge", "bachelor"),
        c("field", "ne", "finance"),
        c("languages", "not_in", ["english"]),
        c("residence", "contains", "惠州"),
        c("residence", "ne", "惠州"),
        c("signed_local_employer", "is_true"),
        c("signed_local_employer", "is_false"),
        c("employer_location", "contains", "惠州"),
        c("experience_years", "ge", 3),
    ],
)
def test_a_condition_on_something_not_recorded_is_unknown_not_no(condition):
    assert outcome(condition, NOBODY) is None
    assert rules.evaluate({"not": condition}, NOBODY).verdict is None  # not keeps unknown


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (c("region", "is_known"), False),
        (c("birth_date", "is_known"), False),
        (c("signed_local_employer", "is_known"), False),
        (c("consent", "is_false"), True),  # consent is on record or not: never unknown
        (c("attended_activities", "eq", 0), True),  # attended nothing is a fact
    ],
)
def test_is_known_and_facts_that_are_never_unknown(condition, expected):
    assert outcome(condition, NOBODY) is expected


# ------------------------------------------------------------------------------------------------ date edges


@pytest.mark.parametrize(
    ("on", "age", "holds"),
    [
        (D(2026, 11, 20), 35, True),  # the day before the 36th birthday
        (D(2026, 11, 21), 36, False),  # the birthday itself: 36
        (D(2026, 11, 22), 36, False),
    ],
)
def test_age_turns_on_the_birthday(on, age, holds):
    person = facts(on=on, birth_date=D(1990, 11, 21))
    result = rules.evaluate(c("age", "le", 35), person)
    assert result.verdict is holds
    assert result.results[0].actual == age


@pytest.mark.parametrize(
    ("on", "age"),
    [(D(2027, 2, 28), 26), (D(2027, 3, 1), 27), (D(2028, 2, 28), 27), (D(2028, 2, 29), 28)],
)
def test_someone_born_on_29_february_ages_on_1_march_in_other_years(on, age):
    person = facts(on=on, birth_date=D(2000, 2, 29))
    assert rules.evaluate(c("age", "eq", age), person).verdict is True


def test_age_on_a_fixed_date_or_on_the_date_of_application():
    person = facts(on=D(2026, 11, 21), birth_date=D(1990, 11, 21))
    assert rules.evaluate(c("age", "le", 35), person).verdict is False  # 36 today
    assert rules.evaluate(c("age", "le", 35, at="2026-11-20"), person).verdict is True
    assert rules.evaluate(c("age", "le", 35, at="application"), person).verdict is False
    assert (
        rules.evaluate(c("age", "le", 35, at="2026-11-20"), person).results[0].reason == "Age on 2026-11-20 35 ≤ 35 ✓"
    )


# ------------------------------------------------------------------------------------------------ all / any / not

YES, NO, UNKNOWN = c("region", "eq", "HK"), c("region", "eq", "TW"), c("gender", "eq", "F")
PERSON = facts(region="HK")  # gender not recorded


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"all": [YES, YES]}, True),
        ({"all": [YES, NO]}, False),
        ({"all": [UNKNOWN, NO]}, False),  # no wins over unknown
        ({"all": [YES, UNKNOWN]}, None),
        ({"any": [NO, YES]}, True),
        ({"any": [UNKNOWN, YES]}, True),  # yes wins over unknown
        ({"any": [NO, UNKNOWN]}, None),
        ({"any": [NO, NO]}, False),
        ({"not": YES}, False),
        ({"not": NO}, True),
        ({"not": UNKNOWN}, None),
        ({"not": {"not": YES}}, True),
        ({"all": [YES, {"not": {"any": [NO, UNKNOWN]}}]}, None),
        ({"all": [YES, {"not": {"any": [NO, NO]}}]}, True),
        ({"any": [{"all": [YES, NO]}, {"not": {"all": [NO, UNKNOWN]}}]}, True),
        ({"all": [{"any": [UNKNOWN, NO]}, {"not": YES}]}, False),
        ({}, True),  # no conditions: everyone
    ],
)
def test_three_valued_logic(rule, expected):
    assert rules.evaluate(rule, PERSON).verdict is expected


# ------------------------------------------------------------------------------------------------ nearly eligible


def missing(rule, person=CHAN):
    evaluation = rules.evaluate(rule, person)
    return evaluation.status, [(m.number, m.needed) for m in evaluation.missing]


def test_nearly_lists_exactly_the_failed_and_unknown_conditions():
    person = facts(region="HK", birth_date=D(1990, 1, 1), degree="bachelor")
    rule = {
        "all": [c("region", "in", ["HK", "MO"]), c("degree", "ge", "master"), c("signed_local_employer", "is_true")]
    }
    status, found = missing(rule, person)
    assert status == "nearly"
    assert found == [("2", True), ("3", True)]
    evaluation = rules.evaluate(rule, person)
    assert [m.state for m in evaluation.missing] == ["failed", "unknown"]
    assert evaluation.missing[0].requirement == "Highest degree ≥ Master"
    assert evaluation.missing[0].reason == "Highest degree: Bachelor < Master ✗"
    assert evaluation.missing[1].reason == "Has signed with a local employer: unknown (not recorded)"


def test_three_missing_conditions_are_not_nearly():
    rule = {"all": [NO, c("gender", "eq", "F"), c("degree", "ge", "master")]}
    assert missing(rule, PERSON) == ("no", [])


def test_nearly_picks_the_cheapest_way_through_any():
    rule = {"any": [{"all": [NO, c("age", "lt", 20)]}, {"all": [YES, c("gender", "eq", "F")]}]}
    assert missing(rule, PERSON) == ("nearly", [("2.2", True)])


def test_nearly_under_not_says_the_condition_must_not_hold():
    rule = {"all": [YES, {"not": {"any": [YES, c("gender", "eq", "F")]}}]}
    status, found = missing(rule, PERSON)
    assert status == "nearly"
    assert found == [("2.1", False), ("2.2", False)]
    assert rules.evaluate(rule, PERSON).missing[0].requirement == "not: Region of origin = Hong Kong"


def test_an_eligible_person_misses_nothing():
    assert missing({"all": [YES]}, PERSON) == ("yes", [])


# ------------------------------------------------------------------------------------------------ checked when saved


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ([], "must be a JSON object"),
        ("HK", "must be a JSON object"),
        ({"all": []}, "The rule is empty"),
        ({"all": [YES, {"any": []}]}, "Group 2 is empty"),
        ({"all": "x"}, "needs a list"),
        ({"not": []}, "“not” needs one condition or group"),
        ({"all": [YES], "any": [YES]}, "exactly one of"),
        ({"all": [YES, 3]}, "Condition 2: must be a condition or a group"),
        ({"all": [c("nationality", "eq", "HK")]}, "Condition 1: there is no attribute “nationality”"),
        ({"all": [{"op": "eq", "value": 1}]}, "Condition 1: choose an attribute"),
        ({"all": [YES, c("region", "gt", "HK")]}, "Condition 2 (Region of origin): the operator “gt” cannot be used"),
        ({"all": [c("region", "")]}, "choose an operator"),
        ({"all": [c("age", "le")]}, "Condition 1 (Age): a value is missing"),
        ({"all": [c("age", "le", "thirty")]}, "Condition 1 (Age): the value must be a number"),
        ({"all": [c("age", "le", True)]}, "the value must be a number"),
        ({"all": [c("age", "le", 35.5)]}, "the value must be a whole number"),
        ({"all": [c("age", "le", -1)]}, "cannot be negative"),
        ({"all": [c("age", "le", 10**12)]}, "too large"),
        ({"all": [c("age", "in", [30])]}, "the operator “in” cannot be used"),
        ({"all": [c("age", "between", [30])]}, "needs two values"),
        ({"all": [c("age", "le", 35, at="soon")]}, "“at” must be “application” or a date"),
        ({"all": [c("region", "eq", "HK", at="2026-01-01")]}, "only an age can be taken on a date"),
        ({"all": [c("region", "eq", "XX")]}, "“XX” is not one of the choices"),
        ({"all": [c("region", "in", "HK")]}, "the value must be a list"),
        ({"all": [c("region", "eq", ["HK"])]}, "takes one value, not a list"),
        ({"all": [c("birth_date", "lt", "1990-13-01")]}, "must be a date (YYYY-MM-DD)"),
        ({"all": [c("field", "eq", "rocket-science")]}, "there is no field “rocket-science”"),
        ({"all": [c("residence", "contains", "  ")]}, "the value must be a non-empty text"),
        ({"all": [c("residence", "contains", "——")]}, "must contain letters or digits"),
        ({"all": [c("consent", "is_true", 1)]}, "this operator takes no value"),
        ({"all": [{**c("region", "eq", "HK"), "colour": "red"}]}, "unknown key “colour”"),
        (
            {"all": [{"all": [{"all": [{"all": [{"all": [{"all": [{"all": [{"all": [{"all": [YES]}]}]}]}]}]}]}]}]},
            "nested",
        ),
    ],
)
def test_bad_rules_are_refused_with_a_message_naming_the_condition(rule, message):
    problems = rules.check(rule, taxonomy=TAXONOMY)
    assert problems, rule
    assert any(message in problem for problem in problems), problems


def test_too_many_conditions_are_refused():
    rule = {"any": [c("age", "eq", n) for n in range(rules.MAX_CONDITIONS + 5)]}
    assert rules.check(rule, taxonomy=TAXONOMY) == ["The rule has too many conditions (at most 100)."]


@pytest.mark.parametrize(
    ("rule", "conditions"),
    [
        ({"all": [c("age", "lt", 30), c("age", "gt", 40)]}, "1 (Age < 30) and 2 (Age > 40)"),
        ({"all": [c("age", "le", 30), c("age", "ge", 31)]}, "1 (Age ≤ 30) and 2 (Age ≥ 31)"),
        ({"all": [c("age", "eq", 30), c("age", "ne", 30)]}, "1 (Age = 30) and 2 (Age ≠ 30)"),
        ({"all": [c("age", "between", [18, 25]), c("age", "between", [30, 35])]}, "1 (Age between 18 and 25) and 2"),
        (
            {"all": [c("region", "in", ["HK"]), c("region", "in", ["TW"])]},
            "1 (Region of origin: one of Hong Kong) and 2 (Region of origin: one of Taiwan)",
        ),
        ({"all": [c("region", "eq", "HK"), c("region", "not_in", ["HK", "MO"])]}, "1 (Region of origin = Hong Kong)"),
        ({"all": [c("consent", "is_true"), c("consent", "is_false")]}, "Consent on record: yes"),
        ({"all": [c("signed_local_employer", "is_true"), {"not": c("signed_local_employer", "is_true")}]}, "not:"),
        ({"all": [{"not": c("region", "is_known")}, c("region", "eq", "HK")]}, "not: Region of origin is recorded"),
        ({"all": [{"not": c("age", "is_known")}, c("age", "le", 35)]}, "1 (not: Age is recorded) and 2 (Age ≤ 35)"),
        ({"not": c("consent", "is_known")}, "condition 1 (not: Consent on record is recorded) can never hold"),
        ({"all": [c("degree", "gt", "master"), c("degree", "lt", "doctor")]}, "Highest degree > Master"),
        ({"all": [c("birth_date", "lt", "1990-01-01"), c("birth_date", "gt", "1995-01-01")]}, "Date of birth"),
        ({"all": [c("field", "eq", "lithium-battery"), c("field", "ne", "new-energy")]}, "Field"),
        ({"all": [c("languages", "eq", "english"), c("languages", "not_in", ["english", "cantonese"])]}, "Languages"),
        ({"all": [c("residence", "eq", "惠州"), c("residence", "eq", "深圳")]}, "Place of residence"),
        (
            {"all": [c("residence", "contains", "惠州"), {"not": c("residence", "contains", "惠")}]},
            "Place of residence",
        ),
        ({"not": {"any": [c("age", "le", 30), c("age", "gt", 20)]}}, "Age"),  # not (≤30 or >20): nobody
        ({"not": c("age", "ge", 0)}, "Age"),  # an age is never negative
    ],
)
def test_rules_that_can_never_be_true_are_flagged(rule, conditions):
    problems = rules.check(rule, taxonomy=TAXONOMY)
    assert len(problems) == 1 and "This rule can never be true" in problems[0], problems
    assert conditions in problems[0]


def test_contradictions_in_every_alternative_are_flagged_and_one_good_alternative_is_enough():
    impossible = {"any": [{"all": [c("age", "lt", 30), c("age", "gt", 40)]}, {"all": [YES, NO]}]}
    problems = rules.check(impossible, taxonomy=TAXONOMY)
    assert problems and "whichever way it is met" in problems[0]
    possible = {"any": [{"all": [c("age", "lt", 30), c("age", "gt", 40)]}, YES]}
    assert rules.check(possible, taxonomy=TAXONOMY) == []


@pytest.mark.parametrize(
    "rule",
    [
        {"all": [c("age", "ge", 30), c("age", "le", 30)]},
        {"any": [c("age", "lt", 30), c("age", "gt", 40)]},
        {"all": [c("age", "lt", 30, at="2020-01-01"), c("age", "gt", 40)]},  # two different dates
        {"all": [c("languages", "eq", "english"), c("languages", "eq", "cantonese")]},  # several languages
        {"all": [c("field", "eq", "new-energy"), c("field", "ne", "lithium-battery")]},
        {"all": [c("field", "eq", "lithium-battery"), c("field", "eq", "fintech")]},
        {"not": c("region", "is_known")},
        {"all": [c("residence", "contains", "惠"), {"not": c("residence", "contains", "惠州")}]},
        {"all": [c("study_field", "eq", "法律"), c("study_field", "ne", "金融")]},
        {"all": [c("degree", "ge", "master"), c("degree", "ne", "doctor")]},
        {"not": {"all": [c("consent", "is_true"), c("consent", "is_false")]}},
    ],
)
def test_rules_that_can_hold_are_accepted(rule):
    assert rules.check(rule, taxonomy=TAXONOMY) == []


def test_between_with_the_bounds_upside_down_is_flagged():
    problems = rules.check(c("age", "between", [40, 30]), taxonomy=TAXONOMY)
    assert problems == [
        "Condition 1 (Age): the lower bound 40 is above the upper bound 30: this condition can never be true."
    ]


# ------------------------------------------------------------------------------------------------ reasons


def reasons(rule, person=CHAN):
    return [r.reason for r in rules.evaluate(rule, person).results]


def test_reasons_in_plain_words():
    rule = {
        "all": [
            c("age", "le", 35),
            c("degree", "ge", "bachelor"),
            c("region", "in", ["HK", "MO"]),
            c("signed_local_employer", "is_true"),
            c("languages", "eq", "english"),
            c("residence", "contains", "惠州"),
            c("employer_location", "contains", "惠州"),
            c("field", "eq", "new-energy"),
            c("age", "between", [18, 30]),
            c("region", "is_known"),
        ]
    }
    assert reasons(rule) == [
        "Age 32 ≤ 35 ✓",
        "Highest degree: Master ≥ Bachelor ✓",
        "Region of origin: Hong Kong, one of Hong Kong, Macao ✓",
        "Has signed with a local employer: yes ✓",
        "Languages: Cantonese, English, including English ✓",
        "Place of residence: 惠州, contains “惠州” ✓",
        "Employer's location contains “惠州” ✓",  # the address itself is not shown
        "Field: energy-storage, lithium-battery, new-energy, including New energy ✓",
        "Age 32, outside 18–30 ✗",
        "Region of origin is recorded ✓",
    ]
    assert reasons(c("age", "le", 30)) == ["Age 32 > 30 ✗"]
    assert reasons(c("region", "is_known"), NOBODY) == ["Region of origin: not recorded ✗"]
    assert reasons(c("region", "in", ["HK"]), NOBODY) == ["Region of origin: unknown (not recorded)"]


def test_reasons_follow_the_language(settings):
    from django.utils import translation

    with translation.override("zh-hans"):
        text = reasons(c("age", "le", 35))[0]
    assert "32" in text and "35" in text and "✓" in text


def test_a_stored_rule_that_is_not_valid_evaluates_to_unknown_and_says_so():
    evaluation = rules.evaluate({"all": [c("planet", "eq", "Mars")]}, CHAN)
    assert evaluation.verdict is None and evaluation.status == "no"
    assert evaluation.results[0].reason == "Condition 1 is not valid; correct the rule."


def test_outline_describes_the_rule():
    rule = {"all": [c("age", "le", 35), {"not": {"any": [c("region", "eq", "TW"), c("consent", "is_false")]}}]}
    assert rules.outline(rule) == [
        (0, "All of:"),
        (1, "1. Age ≤ 35"),
        (1, "Not:"),
        (2, "Any of:"),
        (3, "2.1. Region of origin = Taiwan"),
        (3, "2.2. Consent on record: no"),
    ]
    assert rules.outline({}) == [(0, "No conditions: everyone qualifies.")]
