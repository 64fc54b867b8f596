"""Eligibility rules: check them when saved, compile them once, evaluate them on a person's facts.

A rule is JSON written by staff through the rule builder (or the API):

    {"all": [node, ...]}   every node holds
    {"any": [node, ...]}   at least one node holds
    {"not": node}          the node does not hold
    {"attr": "age", "op": "le", "value": 35}                         a condition
    {"attr": "age", "op": "le", "value": 35, "at": "2026-12-31"}     age on a fixed date
    {}                                                               no conditions: everyone qualifies

Attributes and their operators are listed in attributes.py.

Three-valued logic. A condition on a value that is not recorded is UNKNOWN (None), not "no"; only
`is_known` answers for a missing value. `all` is no if any part is no, else unknown if any part is
unknown, else yes; `any` is yes if any part is yes, else unknown if any part is unknown, else no;
`not` turns yes into no and no into yes, and keeps unknown.

Conditions are numbered for messages and reasons: the parts of the top group are 1, 2, 3 …, the
parts of group 2 are 2.1, 2.2 …; a `not` gives its own number to what it negates.

Nearly eligible: a rule that is not met, but would be if at most NEARLY conditions (failed or
unknown) were met. `Evaluation.missing` lists exactly the smallest such set of conditions
(each with whether it must hold or, under a `not`, must not hold); it is empty when more than
NEARLY conditions are missing.

Contradictions ("this rule can never be true"): `check()` pushes the `not`s down to the conditions
(negation normal form), expands the rule into its alternative conjunctions, and tests each
conjunction attribute by attribute (intervals for numbers, dates and ages, sets for choices,
fields and languages, substrings for text, yes/no for booleans; "is not recorded" against any
other condition on the same attribute). The rule is refused when no conjunction can hold.

Pure Python apart from translated messages: the taxonomy is passed in by the caller.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from qiao import text

from . import attributes
from .attributes import BOOL, CHOICE, DATE, FIELD, NUMBER, SYMBOLS, TEXT, Attribute, Facts

YES, NO, UNKNOWN = True, False, None
NEARLY = 2  # at most this many missing conditions make a benefit "nearly" eligible
MAX_DEPTH = 8
MAX_CONDITIONS = 100
MAX_ITEMS = 200  # values of one in / not in
MAX_TEXT = 200
MAX_NUMBER = 10**9
MAX_CONJUNCTIONS = 512  # beyond this, the contradiction check gives up (the rule is stored)
NO_VALUE_OPS = ("is_true", "is_false", "is_known")
CONDITION_KEYS = {"attr", "op", "value", "at"}
APPLICATION = "application"


# ---------------------------------------------------------------------------------------------------------
# Values


def parse_date(value) -> datetime.date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _number(value) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _scalar_problem(attr: Attribute, value, taxonomy) -> str | None:
    """What is wrong with one value for `attr`, or None."""
    if attr.type == NUMBER:
        number = _number(value)
        if number is None:
            return _("the value must be a number.")
        if abs(number) > MAX_NUMBER:
            return _("the number is too large.")
        if attr.integer and number != int(number):
            return _("the value must be a whole number.")
        if number < 0:
            return _("the value cannot be negative.")
        return None
    if attr.type == DATE:
        return None if parse_date(value) else _("the value must be a date (YYYY-MM-DD).")
    if not isinstance(value, str) or not value.strip():
        return _("the value must be a non-empty text.")
    if len(value) > MAX_TEXT:
        return _("the value is too long (at most %(max)d characters).") % {"max": MAX_TEXT}
    if attr.type == CHOICE and value not in attr.choice_values():
        return _("“%(value)s” is not one of the choices.") % {"value": value}
    if attr.type == FIELD and taxonomy is not None and value not in taxonomy:
        return _("there is no field “%(value)s” in the taxonomy.") % {"value": value}
    if attr.type == TEXT and not text.compact(value):
        return _("the value must contain letters or digits.")
    return None


def _order_value(attr: Attribute, value):
    """A comparable form of a value: numbers, date ordinals, degree ranks."""
    if attr.type == DATE:
        return parse_date(value).toordinal()
    if attr.type == CHOICE and attr.ordered:
        return attributes.ordered_rank().get(value, 0)
    return value


# ---------------------------------------------------------------------------------------------------------
# Structure: walk the rule, numbering conditions


def _label(number: str) -> str:
    return number or "1"


def _condition_problems(node: dict, number: str, taxonomy) -> list[str]:
    """Problems of one condition, each a message naming it."""
    code = node.get("attr")
    attr = attributes.get(code)
    shown = _label(number)
    if attr is None:
        if code in (None, ""):
            return [_("Condition %(number)s: choose an attribute.") % {"number": shown}]
        message = _("Condition %(number)s: there is no attribute “%(attribute)s”.")
        return [message % {"number": shown, "attribute": code}]

    def problem(message: str) -> str:
        return _("Condition %(number)s (%(attribute)s): %(problem)s") % {
            "number": shown,
            "attribute": attr.label,
            "problem": message,
        }

    unknown_keys = sorted(set(node) - CONDITION_KEYS)
    if unknown_keys:
        return [problem(_("unknown key “%(key)s”.") % {"key": unknown_keys[0]})]
    op = node.get("op")
    if not isinstance(op, str) or op not in attr.operators:
        if op in (None, ""):
            return [problem(_("choose an operator."))]
        return [problem(_("the operator “%(op)s” cannot be used here.") % {"op": op})]
    found = []
    if "at" in node:
        at = node["at"]
        if not attr.dated:
            found.append(problem(_("only an age can be taken on a date (“at”).")))
        elif at not in (None, "", APPLICATION) and parse_date(at) is None:
            found.append(problem(_("“at” must be “application” or a date (YYYY-MM-DD).")))
    value = node.get("value")
    if op in NO_VALUE_OPS:
        if not (value is None or value is True or value == "" or value == []):
            found.append(problem(_("this operator takes no value.")))
        return found
    if value is None or value == "" or value == []:
        return [*found, problem(_("a value is missing."))]
    if op in ("in", "not_in"):
        if not isinstance(value, list):
            return [*found, problem(_("the value must be a list."))]
        if len(value) > MAX_ITEMS:
            return [*found, problem(_("too many values (at most %(max)d).") % {"max": MAX_ITEMS})]
        for item in value:
            message = _scalar_problem(attr, item, taxonomy)
            if message:
                return [*found, problem(message)]
        return found
    if op == "between":
        if not isinstance(value, list) or len(value) != 2:
            return [*found, problem(_("“between” needs two values, the lower and the upper bound."))]
        for item in value:
            message = _scalar_problem(attr, item, taxonomy)
            if message:
                return [*found, problem(message)]
        low, high = (_order_value(attr, item) for item in value)
        if low > high:
            found.append(
                problem(
                    _("the lower bound %(low)s is above the upper bound %(high)s: this condition can never be true.")
                    % {"low": _show_value(attr, value[0]), "high": _show_value(attr, value[1])}
                )
            )
        return found
    if isinstance(value, list):
        return [*found, problem(_("this operator takes one value, not a list."))]
    message = _scalar_problem(attr, value, taxonomy)
    return [*found, problem(message)] if message else found


class _Where:
    """“Group 2” or “The rule”, translated only when a message needs it."""

    def __init__(self, number: str):
        self.number = number

    def __str__(self) -> str:
        return _("Group %(number)s") % {"number": self.number} if self.number else _("The rule")


def _structure_problems(node, number: str, depth: int, taxonomy, counter: list[int]) -> list[str]:
    where = _Where(number)
    if not isinstance(node, dict):
        if number:
            return [_("Condition %(number)s: must be a condition or a group.") % {"number": number}]
        return [_('The rule must be a JSON object, e.g. {"all": [...]}.')]
    if depth > MAX_DEPTH:
        message = _("%(where)s: groups are nested too deeply (at most %(max)d levels).")
        return [message % {"where": where, "max": MAX_DEPTH}]
    keys = set(node)
    groups = keys & {"all", "any", "not"}
    if groups:
        if len(keys) != 1:
            message = _("%(where)s: a group has exactly one of “all”, “any” or “not”, and nothing else.")
            return [message % {"where": where}]
        kind = groups.pop()
        body = node[kind]
        if kind == "not":
            if not isinstance(body, dict) or not body:
                return [_("%(where)s: “not” needs one condition or group.") % {"where": where}]
            return _structure_problems(body, number, depth + 1, taxonomy, counter)
        if not isinstance(body, list):
            return [_("%(where)s: “%(kind)s” needs a list of conditions.") % {"where": where, "kind": kind}]
        if not body:
            return [_("%(where)s is empty: add a condition or remove it.") % {"where": where}]
        found = []
        for position, child in enumerate(body, 1):
            child_number = f"{number}.{position}" if number else str(position)
            found += _structure_problems(child, child_number, depth + 1, taxonomy, counter)
        return found
    counter[0] += 1
    if counter[0] == MAX_CONDITIONS + 1:
        return [_("The rule has too many conditions (at most %(max)d).") % {"max": MAX_CONDITIONS}]
    if counter[0] > MAX_CONDITIONS:
        return []
    return _condition_problems(node, number, taxonomy)


# ---------------------------------------------------------------------------------------------------------
# Conditions, compiled


@dataclass(eq=False)
class Condition:
    """One compiled condition: what it asks, and a test on a person's facts."""

    number: str
    attr: Attribute | None
    op: str
    value: object = None
    at: datetime.date | None = None
    raw: dict | None = None
    test: object = None  # facts → (outcome, actual)

    def label(self) -> str:
        if self.attr is None:
            return _("Invalid condition")
        if self.attr.dated and self.at is not None:
            return AGE_ON % {"attribute": self.attr.label, "date": self.at.isoformat()}
        return str(self.attr.label)

    def describe(self) -> str:
        """The condition in plain words: "Age ≤ 35", "Region of origin: one of Hong Kong, Macao"."""
        if self.attr is None:
            return _("Invalid condition")
        return describe(self.attr, self.op, self.value, self.label())


def _list(items) -> str:
    return str(LIST_SEPARATOR).join(items)


def _show_value(attr: Attribute, value) -> str:
    if isinstance(value, list):
        return _list(_show_value(attr, item) for item in value)
    if attr.type == NUMBER and isinstance(value, float) and value.is_integer():
        return str(int(value))
    if attr.type in (CHOICE, FIELD):
        return attr.choice_label(value)
    return str(value)


DESCRIBE = {
    "in": gettext_lazy("%(attribute)s: one of %(expected)s"),
    "not_in": gettext_lazy("%(attribute)s: none of %(expected)s"),
    "between": gettext_lazy("%(attribute)s between %(low)s and %(high)s"),
    "contains": gettext_lazy("%(attribute)s contains “%(expected)s”"),
    "is_true": gettext_lazy("%(attribute)s: yes"),
    "is_false": gettext_lazy("%(attribute)s: no"),
    "is_known": gettext_lazy("%(attribute)s is recorded"),
}
DESCRIBE_MANY = {
    "eq": gettext_lazy("%(attribute)s include %(expected)s"),
    "ne": gettext_lazy("%(attribute)s do not include %(expected)s"),
    "in": gettext_lazy("%(attribute)s include one of %(expected)s"),
    "not_in": gettext_lazy("%(attribute)s include none of %(expected)s"),
}


def describe(attr: Attribute, op: str, value, label: str | None = None) -> str:
    label = label or str(attr.label)
    if op == "between" and isinstance(value, list) and len(value) == 2:
        return DESCRIBE["between"] % {
            "attribute": label,
            "low": _show_value(attr, value[0]),
            "high": _show_value(attr, value[1]),
        }
    params = {"attribute": label, "expected": _show_value(attr, value) if value is not None else ""}
    if attr.many and op in DESCRIBE_MANY:
        return DESCRIBE_MANY[op] % params
    if op in DESCRIBE:
        return DESCRIBE[op] % params
    return f"{params['attribute']} {SYMBOLS.get(op, op)} {params['expected']}"


def _fold_texts(values) -> frozenset:
    return frozenset(text.compact(v) for v in values)


def _make_test(attr: Attribute, op: str, value, at: datetime.date | None):
    """A function facts → (outcome, actual) for one condition (value already checked)."""
    code = attr.code
    if attr.dated:

        def get(facts: Facts):
            born = facts.values.get("birth_date")
            if born is None:
                return None
            day = at or facts.on
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    else:

        def get(facts: Facts):
            return facts.values.get(code)

    if op == "is_known":
        return lambda facts: ((actual := get(facts)) is not None, actual)

    if attr.type == BOOL:
        wanted = op == "is_true"

        def test_bool(facts):
            actual = get(facts)
            return (None if actual is None else actual is wanted), actual

        return test_bool

    ordered_op = attr.type == CHOICE and attr.ordered and op in ("lt", "le", "gt", "ge", "between")
    if attr.type in (NUMBER, DATE) or ordered_op:
        if attr.type == DATE:
            target = [parse_date(v) for v in value] if isinstance(value, list) else parse_date(value)
        elif attr.type == CHOICE:
            ranks = attributes.ordered_rank()
            target = [ranks.get(v, 0) for v in value] if isinstance(value, list) else ranks.get(value, 0)
        else:
            target = value
        compare = {
            "eq": lambda x: x == target,
            "ne": lambda x: x != target,
            "lt": lambda x: x < target,
            "le": lambda x: x <= target,
            "gt": lambda x: x > target,
            "ge": lambda x: x >= target,
            "between": lambda x: target[0] <= x <= target[1],
        }[op]
        if attr.type == CHOICE:

            def test_rank(facts):
                actual = get(facts)
                if actual is None:
                    return None, None
                return compare(ranks.get(next(iter(actual)), 0)), actual

            return test_rank

        def test_order(facts):
            actual = get(facts)
            return (None if actual is None else compare(actual)), actual

        return test_order

    if attr.type == TEXT:
        if op in ("in", "not_in"):
            wanted = _fold_texts(value)
            positive = op == "in"

            def test_text_set(facts):
                actual = get(facts)
                if actual is None:
                    return None, None
                hit = any(folded in wanted for _raw, folded in actual)
                return hit is positive, actual

            return test_text_set
        folded_value = text.compact(value)
        if op == "contains":

            def test_contains(facts):
                actual = get(facts)
                if actual is None:
                    return None, None
                return any(folded_value in folded for _raw, folded in actual), actual

            return test_contains
        positive = op == "eq"

        def test_text(facts):
            actual = get(facts)
            if actual is None:
                return None, None
            return any(folded == folded_value for _raw, folded in actual) is positive, actual

        return test_text

    # choices and fields: the person's values are a set
    if op in ("in", "not_in"):
        wanted = frozenset(value)
        positive = op == "in"

        def test_set(facts):
            actual = get(facts)
            if actual is None:
                return None, None
            return (not actual.isdisjoint(wanted)) is positive, actual

        return test_set
    positive = op == "eq"

    def test_member(facts):
        actual = get(facts)
        if actual is None:
            return None, None
        return (value in actual) is positive, actual

    return test_member


def _invalid_test(facts):
    return None, None


# ---------------------------------------------------------------------------------------------------------
# Compiled rules and their evaluation


@dataclass
class ConditionResult:
    """One condition for one person: held (True), failed (False) or unknown (None), and why."""

    condition: Condition
    outcome: bool | None
    actual: object
    facts: Facts
    needed: bool = True  # for a missing condition: whether it must hold (False: under a "not")

    @property
    def number(self) -> str:
        return self.condition.number

    @property
    def state(self) -> str:
        return {True: "held", False: "failed", None: "unknown"}[self.outcome]

    @property
    def reason(self) -> str:
        return reason(self.condition, self.outcome, self.actual, self.facts)

    @property
    def requirement(self) -> str:
        described = self.condition.describe()
        return described if self.needed else _("not: %(condition)s") % {"condition": described}


class Evaluation:
    """The verdict of one rule for one person; each condition's result is built when asked for."""

    __slots__ = ("verdict", "missing", "_conditions", "_outcomes", "_actuals", "_facts", "_results")

    def __init__(self, verdict, conditions, outcomes, actuals, facts, missing):
        self.verdict = verdict
        self.missing = missing
        self._conditions = conditions
        self._outcomes = outcomes
        self._actuals = actuals
        self._facts = facts
        self._results = None

    @property
    def results(self) -> list[ConditionResult]:
        if self._results is None:
            facts = self._facts
            self._results = [
                ConditionResult(condition, outcome, actual, facts)
                for condition, outcome, actual in zip(self._conditions, self._outcomes, self._actuals, strict=True)
            ]
        return self._results

    @property
    def status(self) -> str:
        if self.verdict is YES:
            return "yes"
        return "nearly" if self.missing else "no"


class Compiled:
    """A rule made ready for evaluation: its conditions and its tree of groups."""

    def __init__(self, tree, conditions: list[Condition], valid: bool = True):
        self.tree = tree  # an int (a condition's index) or (kind, children) / ("not", child)
        self.conditions = conditions
        self.tests = [condition.test for condition in conditions]
        self.valid = valid

    def evaluate(self, facts: Facts, *, nearly: int = NEARLY) -> Evaluation:
        pairs = [test(facts) for test in self.tests]
        outcomes = [pair[0] for pair in pairs]
        actuals = [pair[1] for pair in pairs]
        tree = self.tree
        verdict = YES if tree is None else _fold(tree, outcomes)
        missing = []
        if verdict is not YES and self.valid and tree is not None:
            fixes = _fixes(tree, True, outcomes, nearly)
            if fixes:
                conditions = self.conditions
                missing = [
                    ConditionResult(conditions[index], outcomes[index], actuals[index], facts, needed)
                    for index, needed in fixes
                ]
        return Evaluation(verdict, self.conditions, outcomes, actuals, facts, missing)


def _fold(node, outcomes):
    if type(node) is int:
        return outcomes[node]
    kind, body = node
    if kind == "not":
        value = _fold(body, outcomes)
        return None if value is None else not value
    unknown = False
    if kind == "all":
        for child in body:
            value = _fold(child, outcomes)
            if value is False:
                return False
            if value is None:
                unknown = True
        return None if unknown else True
    for child in body:
        value = _fold(child, outcomes)
        if value is True:
            return True
        if value is None:
            unknown = True
    return None if unknown else False


def _fixes(node, want: bool, outcomes, limit: int):
    """The fewest conditions to change so that `node` becomes `want` (as (index, must_hold) pairs),
    or None when more than `limit` would be needed."""
    if type(node) is int:
        return [] if outcomes[node] is want else [(node, want)]
    kind, body = node
    if kind == "not":
        return _fixes(body, not want, outcomes, limit)
    if (kind == "all") is want:  # every part must reach `want`
        found = []
        for child in body:
            part = _fixes(child, want, outcomes, limit)
            if part is None:
                return None
            found += part
            if len(found) > limit:
                return None
        return found
    best = None
    for child in body:  # one part reaching `want` is enough
        part = _fixes(child, want, outcomes, limit)
        if part is not None and (best is None or len(part) < len(best)):
            best = part
            if not best:
                break
    return best


def compile_rule(rule) -> Compiled:
    """Compile a stored rule. Never raises: a rule that is not valid (stored before a check, or an
    attribute since removed) evaluates to unknown, with a reason saying so."""
    if rule in (None, {}):
        return Compiled(None, [])
    counter = [0]
    if _structure_problems(rule, "", 0, None, counter):
        invalid = Condition("1", None, "invalid", raw=rule if isinstance(rule, dict) else None, test=_invalid_test)
        return Compiled(0, [invalid], valid=False)
    conditions: list[Condition] = []

    def build(node, number):
        if "not" in node:
            return ("not", build(node["not"], number))
        for kind in ("all", "any"):
            if kind in node:
                return (
                    kind,
                    tuple(
                        build(child, f"{number}.{position}" if number else str(position))
                        for position, child in enumerate(node[kind], 1)
                    ),
                )
        attr = attributes.get(node["attr"])
        op, value = node["op"], node.get("value")
        at = parse_date(node.get("at")) if attr.dated else None
        if attr.type == NUMBER and isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, list):
            value = [int(v) if isinstance(v, float) and v.is_integer() else v for v in value]
        condition = Condition(_label(number), attr, op, value, at, raw=node)
        condition.test = _make_test(attr, op, value, at)
        conditions.append(condition)
        return len(conditions) - 1

    tree = build(rule, "")
    return Compiled(tree, conditions)


def evaluate(rule, facts: Facts) -> Evaluation:
    return compile_rule(rule).evaluate(facts)


# ---------------------------------------------------------------------------------------------------------
# Reasons, in the reader's language

MARKS = {True: "✓", False: "✗"}
REASON_UNKNOWN = gettext_lazy("%(attribute)s: unknown (not recorded)")
REASON_COMPARE = gettext_lazy("%(attribute)s %(actual)s %(symbol)s %(expected)s %(mark)s")
REASON_COMPARE_NAMED = gettext_lazy("%(attribute)s: %(actual)s %(symbol)s %(expected)s %(mark)s")
REASON_BETWEEN = {
    True: gettext_lazy("%(attribute)s %(actual)s, within %(low)s–%(high)s %(mark)s"),
    False: gettext_lazy("%(attribute)s %(actual)s, outside %(low)s–%(high)s %(mark)s"),
}
REASON_ONE_OF = gettext_lazy("%(attribute)s: %(actual)s, one of %(expected)s %(mark)s")
REASON_NOT_ONE_OF = gettext_lazy("%(attribute)s: %(actual)s, not one of %(expected)s %(mark)s")
REASON_INCLUDES = gettext_lazy("%(attribute)s: %(actual)s, including %(expected)s %(mark)s")
REASON_NOT_INCLUDES = gettext_lazy("%(attribute)s: %(actual)s, not including %(expected)s %(mark)s")
REASON_INCLUDES_ONE = gettext_lazy("%(attribute)s: %(actual)s, including one of %(expected)s %(mark)s")
REASON_INCLUDES_NONE = gettext_lazy("%(attribute)s: %(actual)s, including none of %(expected)s %(mark)s")
REASON_CONTAINS = {
    True: gettext_lazy("%(attribute)s: %(actual)s, contains “%(expected)s” %(mark)s"),
    False: gettext_lazy("%(attribute)s: %(actual)s, does not contain “%(expected)s” %(mark)s"),
}
REASON_CONTAINS_PRIVATE = {
    True: gettext_lazy("%(attribute)s contains “%(expected)s” %(mark)s"),
    False: gettext_lazy("%(attribute)s does not contain “%(expected)s” %(mark)s"),
}
REASON_BOOL = gettext_lazy("%(attribute)s: %(actual)s %(mark)s")
REASON_KNOWN = {
    True: gettext_lazy("%(attribute)s is recorded %(mark)s"),
    False: gettext_lazy("%(attribute)s: not recorded %(mark)s"),
}
REASON_INVALID = gettext_lazy("Condition %(number)s is not valid; correct the rule.")
LIST_SEPARATOR = pgettext_lazy("list separator", ", ")  # 、 in Chinese
YES_WORD = pgettext_lazy("answer", "yes")
NO_WORD = pgettext_lazy("answer", "no")
AGE_ON = gettext_lazy("%(attribute)s on %(date)s")


def _joined(facts: Facts, items) -> str:
    return facts.word(LIST_SEPARATOR).join(items)


def _label_in(facts: Facts, condition: Condition) -> str:
    attr = condition.attr
    label = facts.word(attr.label)
    if attr.dated and condition.at is not None:
        return facts.word(AGE_ON) % {"attribute": label, "date": condition.at.isoformat()}
    return label


def _value_in(facts: Facts, attr: Attribute, value) -> str:
    if isinstance(value, list):
        return _joined(facts, (_value_in(facts, attr, item) for item in value))
    if attr.type == CHOICE:
        return facts.labels(attr).get(value, str(value))
    if attr.type == FIELD:
        return _field_names(facts).get(value, str(value))
    return str(value)


def _field_names(facts: Facts) -> dict:
    found = facts.words.get("fields")
    if found is None:
        found = facts.words["fields"] = {code: name for code, name, _depth in attributes.taxonomy_choices()}
    return found


def _show_actual(condition: Condition, actual, facts: Facts) -> str:
    attr = condition.attr
    if attr.type == FIELD:
        return _joined(facts, (str(node) for node in facts.own_fields)) or _joined(facts, sorted(actual))
    if attr.type == TEXT:
        return _joined(facts, (raw for raw, _folded in actual))
    if attr.type == CHOICE:
        labels = facts.labels(attr)
        return _joined(facts, (labels.get(value, value) for value in sorted(actual)))
    if attr.type == BOOL:
        return facts.word(YES_WORD if actual else NO_WORD)
    if isinstance(actual, datetime.date):
        return actual.isoformat()
    return str(actual)


def reason(condition: Condition, outcome, actual, facts: Facts) -> str:
    """“Age 32 ≤ 35 ✓”, “Highest degree: Master ≥ Bachelor ✓”, “Region of origin: unknown (not recorded)”."""
    attr = condition.attr
    word = facts.word
    if attr is None:
        return word(REASON_INVALID) % {"number": condition.number}
    label = _label_in(facts, condition)
    op = condition.op
    if op == "is_known":
        return word(REASON_KNOWN[bool(outcome)]) % {"attribute": label, "mark": MARKS[bool(outcome)]}
    if outcome is None:
        return word(REASON_UNKNOWN) % {"attribute": label}
    params = {"attribute": label, "mark": MARKS[outcome]}
    if attr.type == BOOL:
        return word(REASON_BOOL) % {**params, "actual": _show_actual(condition, actual, facts)}
    value = condition.value
    if op == "contains":
        if attr.private:
            return word(REASON_CONTAINS_PRIVATE[outcome]) % {**params, "expected": value}
        shown = _show_actual(condition, actual, facts)
        return word(REASON_CONTAINS[outcome]) % {**params, "expected": value, "actual": shown}
    params["actual"] = _show_actual(condition, actual, facts)
    if op == "between":
        return word(REASON_BETWEEN[outcome]) % {
            **params,
            "low": _value_in(facts, attr, value[0]),
            "high": _value_in(facts, attr, value[1]),
        }
    params["expected"] = _value_in(facts, attr, value)
    if attr.many:
        positive = {"eq": True, "in": True, "ne": False, "not_in": False}[op] is outcome
        if op in ("eq", "ne"):
            return word(REASON_INCLUDES if positive else REASON_NOT_INCLUDES) % params
        return word(REASON_INCLUDES_ONE if positive else REASON_INCLUDES_NONE) % params
    if op in ("in", "not_in"):
        one_of = (op == "in") is outcome
        return word(REASON_ONE_OF if one_of else REASON_NOT_ONE_OF) % params
    symbol = attributes.SYMBOLS[op] if outcome else attributes.NEGATED_SYMBOL[op]
    template = REASON_COMPARE if attr.type in (NUMBER, DATE) else REASON_COMPARE_NAMED
    return word(template) % {**params, "symbol": symbol}


# ---------------------------------------------------------------------------------------------------------
# The rule in plain words (for the policy page)


def outline(rule) -> list[tuple[int, str]]:
    """(depth, line) pairs: “All of:”, “1. Age ≤ 35” …; an empty rule is one line."""
    if rule in (None, {}):
        return [(0, _("No conditions: everyone qualifies."))]
    if _structure_problems(rule, "", 0, None, [0]):
        return [(0, _("This rule is not valid; edit the benefit to correct it."))]
    lines: list[tuple[int, str]] = []
    heads = {"all": _("All of:"), "any": _("Any of:"), "not": _("Not:")}

    def walk(node, number, depth):
        if "not" in node:
            lines.append((depth, heads["not"]))
            walk(node["not"], number, depth + 1)
            return
        for kind in ("all", "any"):
            if kind in node:
                lines.append((depth, heads[kind]))
                for position, child in enumerate(node[kind], 1):
                    walk(child, f"{number}.{position}" if number else str(position), depth + 1)
                return
        attr = attributes.get(node["attr"])
        at = parse_date(node.get("at")) if attr.dated else None
        condition = Condition(_label(number), attr, node["op"], node.get("value"), at)
        lines.append((depth, f"{condition.number}. {condition.describe()}"))

    walk(rule, "", 0)
    return lines


# ---------------------------------------------------------------------------------------------------------
# Checking when saved


@dataclass(frozen=True)
class Literal:
    """A condition in negation normal form: positive=False when it came out of a `not`."""

    number: str
    attr: Attribute
    at: object
    op: str  # may also be not_contains or is_unknown
    value: object
    positive: bool
    original: Condition

    @property
    def variable(self):
        return (self.attr.code, self.at)

    def describe(self) -> str:
        described = self.original.describe()
        return described if self.positive else _("not: %(condition)s") % {"condition": described}


NEGATE = {
    "eq": "ne",
    "ne": "eq",
    "in": "not_in",
    "not_in": "in",
    "lt": "ge",
    "ge": "lt",
    "le": "gt",
    "gt": "le",
    "is_true": "is_false",
    "is_false": "is_true",
    "is_known": "is_unknown",
    "contains": "not_contains",
}


def _nnf(node, number: str, negated: bool):
    """The rule with `not` pushed down to conditions: ("all"|"any", [parts]) or a Literal."""
    if "not" in node:
        return _nnf(node["not"], number, not negated)
    for kind in ("all", "any"):
        if kind in node:
            flipped = {"all": "any", "any": "all"}[kind] if negated else kind
            return (
                flipped,
                [
                    _nnf(child, f"{number}.{position}" if number else str(position), negated)
                    for position, child in enumerate(node[kind], 1)
                ],
            )
    attr = attributes.get(node["attr"])
    op, value = node["op"], node.get("value")
    at = parse_date(node.get("at")) if attr.dated else None
    original = Condition(_label(number), attr, op, value, at)
    if attr.dated and at is None:
        at = APPLICATION
    if op == "between":
        low, high = value
        if negated:
            return (
                "any",
                [
                    Literal(original.number, attr, at, "lt", low, False, original),
                    Literal(original.number, attr, at, "gt", high, False, original),
                ],
            )
        return (
            "all",
            [
                Literal(original.number, attr, at, "ge", low, True, original),
                Literal(original.number, attr, at, "le", high, True, original),
            ],
        )
    return Literal(original.number, attr, at, NEGATE[op] if negated else op, value, not negated, original)


def _dnf(node) -> list[list[Literal]] | None:
    """The alternative conjunctions of an NNF rule, or None when there would be too many."""
    if isinstance(node, Literal):
        return [[node]]
    kind, parts = node
    expanded = []
    for part in parts:
        found = _dnf(part)
        if found is None:
            return None
        expanded.append(found)
    if kind == "any":
        result = [conj for found in expanded for conj in found]
        return result if len(result) <= MAX_CONJUNCTIONS else None
    result = [[]]
    for found in expanded:
        result = [left + right for left in result for right in found]
        if len(result) > MAX_CONJUNCTIONS:
            return None
    return result


def _satisfiable(literals: list[Literal], taxonomy) -> bool:
    """Whether conditions on one attribute can all hold at once."""
    ops = {lit.op for lit in literals}
    attr = literals[0].attr
    if "is_unknown" in ops:
        # only an unrecorded value is unknown, and then no other condition on it can hold
        return not attr.always_known and ops == {"is_unknown"}
    rest = [lit for lit in literals if lit.op != "is_known"]
    if not rest:
        return True
    if attr.type == BOOL:
        return not {"is_true", "is_false"} <= ops
    if attr.type in (NUMBER, DATE):
        return _interval_ok(attr, rest)
    if attr.type == CHOICE and not attr.many:
        values = attr.choice_values()
        return any(all(_choice_holds(attr, lit, value) for lit in rest) for value in values)
    if attr.type == TEXT:
        return _text_ok(attr, rest)
    return _set_ok(attr, rest, taxonomy)


def _interval_ok(attr: Attribute, literals: list[Literal]) -> bool:
    # ages, years and counts are never negative
    low, high, excluded = (0 if attr.type == NUMBER else -math.inf), math.inf, set()
    for lit in literals:
        value = _order_value(attr, lit.value)
        if lit.op == "eq":
            low, high = max(low, math.ceil(value)), min(high, math.floor(value))
        elif lit.op == "ne":
            excluded.add(value)
        elif lit.op == "lt":
            high = min(high, math.ceil(value) - 1)
        elif lit.op == "le":
            high = min(high, math.floor(value))
        elif lit.op == "gt":
            low = max(low, math.floor(value) + 1)
        elif lit.op == "ge":
            low = max(low, math.ceil(value))
    if low > high:
        return False
    if high - low < len(excluded) + 1:
        return any(x not in excluded for x in range(int(low), int(high) + 1))
    return True


def _choice_holds(attr: Attribute, lit: Literal, value: str) -> bool:
    if lit.op in ("lt", "le", "gt", "ge"):
        ranks = attributes.ordered_rank()
        mine, other = ranks.get(value, 0), ranks.get(lit.value, 0)
        return {"lt": mine < other, "le": mine <= other, "gt": mine > other, "ge": mine >= other}[lit.op]
    if lit.op == "eq":
        return value == lit.value
    if lit.op == "ne":
        return value != lit.value
    if lit.op == "in":
        return value in lit.value
    if lit.op == "not_in":
        return value not in lit.value
    return True


def _text_ok(attr: Attribute, literals: list[Literal]) -> bool:
    candidates = None
    excluded, required, forbidden = set(), [], []
    positives = []  # for several values (fields of study): each needs its own witness
    for lit in literals:
        if lit.op in ("eq", "in"):
            values = {text.compact(lit.value)} if lit.op == "eq" else _fold_texts(lit.value)
            positives.append(("set", values))
            candidates = values if candidates is None else candidates & values
        elif lit.op in ("ne", "not_in"):
            excluded |= {text.compact(lit.value)} if lit.op == "ne" else _fold_texts(lit.value)
        elif lit.op == "contains":
            required.append(text.compact(lit.value))
            positives.append(("contains", text.compact(lit.value)))
        elif lit.op == "not_contains":
            forbidden.append(text.compact(lit.value))

    def allowed(value: str) -> bool:
        return value not in excluded and not any(b in value for b in forbidden)

    if attr.many:
        for kind, wanted in positives:
            if kind == "set" and not any(allowed(value) for value in wanted):
                return False
            if kind == "contains" and any(b in wanted for b in forbidden):
                return False
        return True
    if candidates is not None:
        return any(allowed(value) and all(a in value for a in required) for value in candidates)
    return not any(b in a for a in required for b in forbidden)


def _set_ok(attr: Attribute, literals: list[Literal], taxonomy) -> bool:
    """Several values (languages, fields): each positive condition needs one allowed value."""
    if attr.type == FIELD and taxonomy is None:
        return True
    forbidden = set()
    for lit in literals:
        if lit.op == "ne":
            forbidden.add(lit.value)
        elif lit.op == "not_in":
            forbidden |= set(lit.value)

    def allowed(value) -> bool:
        if attr.type == FIELD:
            return forbidden.isdisjoint(taxonomy.get(value, (value,)))
        return value not in forbidden

    for lit in literals:
        if lit.op == "eq" and not allowed(lit.value):
            return False
        if lit.op == "in" and not any(allowed(value) for value in lit.value):
            return False
    universe = list(taxonomy) if attr.type == FIELD else attr.choice_values()
    return any(allowed(value) for value in universe)


def _conflict(conjunction: list[Literal], taxonomy) -> list[Literal] | None:
    """The smallest set of literals of the conjunction that cannot all hold, or None."""
    by_variable: dict = {}
    for lit in conjunction:
        by_variable.setdefault(lit.variable, []).append(lit)
    for literals in by_variable.values():
        if _satisfiable(literals, taxonomy):
            continue
        core = list(literals)
        for lit in list(core):
            trial = [other for other in core if other is not lit]
            if trial and not _satisfiable(trial, taxonomy):
                core = trial
        return core
    return None


def _conflict_message(core: list[Literal], several: bool) -> str:
    seen, parts = set(), []
    for lit in core:
        key = (lit.number, lit.positive)
        if key in seen:
            continue
        seen.add(key)
        parts.append(_("%(number)s (%(condition)s)") % {"number": lit.number, "condition": lit.describe()})
    if len(parts) == 1:
        message = _("This rule can never be true: condition %(conditions)s can never hold.")
    elif several:
        message = _(
            "This rule can never be true: whichever way it is met, some conditions contradict each other, "
            "for example conditions %(conditions)s."
        )
    else:
        message = _("This rule can never be true: conditions %(conditions)s cannot all hold.")
    return message % {"conditions": _(" and ").join(parts) if len(parts) == 2 else _list(parts)}


def check(rule, *, taxonomy: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """Messages about what is wrong with `rule` (empty when it may be saved).

    `taxonomy` maps each field code to the codes of the field and its ancestors
    (attributes.taxonomy_ancestors()); without it, field codes are not checked.
    """
    if rule in (None, {}):
        return []
    problems = _structure_problems(rule, "", 0, taxonomy, [0])
    if problems:
        return problems
    conjunctions = _dnf(_nnf(rule, "", False))
    if conjunctions is None:
        return []
    first = None
    for conjunction in conjunctions:
        core = _conflict(conjunction, taxonomy)
        if core is None:
            return []
        first = first or core
    return [_conflict_message(first, several=len(conjunctions) > 1)]
