"""What an eligibility rule may ask about a person: the registry of attributes, and their values.

Each attribute has a code (stored in rules), a translated label, a type, the operators it allows
and, for choices, the choices. `facts_for(person)` reads once, in a handful of queries, every value
the rules need; the rules (rules.py) are then evaluated on that in memory.

How values are represented in `Facts.values`, by type:

- choice, field, text: a frozenset / tuple of the person's values, or None when nothing is recorded.
  Single-valued attributes (region, gender …) hold one value; languages, fields and fields of study
  may hold several, and a condition such as "languages is English" holds when one of them is.
  For the taxonomy (`field`), the set holds the codes of the person's fields *and their ancestors*,
  so a condition on 新能源 is met by a person tagged 锂电池.
- text values are (as typed, folded) pairs: comparisons use the folded form (qiao.text.compact:
  full-width, case, Traditional/Simplified folded), reasons show the typed one.
- number, date: the value or None. bool: True, False or None (unknown).

A value that is not recorded is None: a condition on it is *unknown*, never "no".
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao import text

# types
CHOICE, NUMBER, DATE, BOOL, TEXT, FIELD = "choice", "number", "date", "bool", "text", "field"
TYPES = (CHOICE, NUMBER, DATE, BOOL, TEXT, FIELD)

OPERATORS = {
    "eq": pgettext_lazy("rule operator", "is"),
    "ne": pgettext_lazy("rule operator", "is not"),
    "in": pgettext_lazy("rule operator", "is one of"),
    "not_in": pgettext_lazy("rule operator", "is none of"),
    "lt": pgettext_lazy("rule operator", "less than (<)"),
    "le": pgettext_lazy("rule operator", "at most (≤)"),
    "gt": pgettext_lazy("rule operator", "more than (>)"),
    "ge": pgettext_lazy("rule operator", "at least (≥)"),
    "between": pgettext_lazy("rule operator", "between"),
    "is_true": pgettext_lazy("rule operator", "yes"),
    "is_false": pgettext_lazy("rule operator", "no"),
    "is_known": pgettext_lazy("rule operator", "is recorded"),
    "contains": pgettext_lazy("rule operator", "contains"),
}
SYMBOLS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
NEGATED_SYMBOL = {"eq": "≠", "ne": "=", "lt": "≥", "le": ">", "gt": "≤", "ge": "<"}

ORDER_OPS = ("lt", "le", "gt", "ge", "between")
TYPE_OPERATORS = {
    CHOICE: ("eq", "ne", "in", "not_in", "is_known"),
    NUMBER: ("eq", "ne", "lt", "le", "gt", "ge", "between", "is_known"),
    DATE: ("eq", "ne", "lt", "le", "gt", "ge", "between", "is_known"),
    BOOL: ("is_true", "is_false", "is_known"),
    TEXT: ("eq", "ne", "in", "not_in", "contains", "is_known"),
    FIELD: ("eq", "ne", "in", "not_in", "is_known"),
}


@dataclass(frozen=True)
class Attribute:
    code: str
    label: str
    type: str
    help: str = ""
    choices: Callable[[], list[tuple[str, str]]] | None = None
    ordered: bool = False  # a choice with an order (degree, see ordered_rank): lt, le, gt, ge, between
    many: bool = False  # the person may have several values; a positive condition needs one of them
    integer: bool = False  # numbers: whole numbers only
    dated: bool = False  # age: a condition may say on which date ("at")
    always_known: bool = False  # consent, attended activities: never unknown
    private: bool = False  # reasons do not show the value (an employer's address)
    only_ops: tuple[str, ...] = ()

    @property
    def operators(self) -> tuple[str, ...]:
        if self.only_ops:
            return self.only_ops
        ops = TYPE_OPERATORS[self.type]
        if self.ordered:
            ops = ops[:4] + ORDER_OPS + ops[4:]
        return ops

    def choice_values(self) -> list[str]:
        return [value for value, _label in self.choices()] if self.choices else []

    def choice_label(self, value) -> str:
        if self.choices:
            for code, label in self.choices():
                if code == value:
                    return str(label)
        return str(value)


def _regions():
    from qiao.core.choices import Region

    return Region.choices


def _org_regions():
    from qiao.core.choices import OrganizationRegion

    return OrganizationRegion.choices


def _genders():
    from qiao.people.models import Gender

    return Gender.choices


def _degrees():
    from qiao.people.models import Degree

    return Degree.choices


def _languages():
    from qiao.matching.models import Language

    return Language.choices


def _employment():
    from qiao.matching.models import EmploymentStatus

    return EmploymentStatus.choices


def _org_kinds():
    from qiao.orgs.models import OrganizationKind

    return OrganizationKind.choices


def _degree_rank() -> dict[str, int]:
    from qiao.matching.models import DEGREE_RANK

    return {str(key): rank for key, rank in DEGREE_RANK.items() if key}


def _field_choices():
    return [(code, label) for code, label, _depth in taxonomy_choices()]


_TAXONOMY_SECONDS = 30
_taxonomy_cache: dict[str, tuple[float, list]] = {}


def taxonomy_choices() -> list[tuple[str, str, int]]:
    """(code, name, depth) of every node of the taxonomy, in tree order, named in the current
    language (kept for a few seconds: reasons name fields many times per page)."""
    from django.utils.translation import get_language

    from qiao.matching.models import Field

    language = get_language() or ""
    cached = _taxonomy_cache.get(language)
    now = time.monotonic()
    if cached is None or now - cached[0] > _TAXONOMY_SECONDS:
        nodes = [(node.code, str(node), node.depth) for node in Field.objects.order_by("path")]
        cached = _taxonomy_cache[language] = (now, nodes)
    return cached[1]


def forget_taxonomy() -> None:
    _taxonomy_cache.clear()


def taxonomy_ancestors() -> dict[str, tuple[str, ...]]:
    """code → the codes of the node and its ancestors, for rules.check()."""
    from qiao.matching.models import Field

    rows = list(Field.objects.values_list("id", "code", "path"))
    code_of = {pk: code for pk, code, _path in rows}
    return {
        code: tuple(code_of[int(part)] for part in path.split(".") if part and int(part) in code_of)
        for _pk, code, path in rows
    }


ATTRIBUTES: dict[str, Attribute] = {
    a.code: a
    for a in (
        Attribute("region", _("Region of origin"), CHOICE, choices=_regions),
        Attribute("country", _("Country"), TEXT, help=_("For overseas people: the country they live in.")),
        Attribute("gender", _("Gender"), CHOICE, choices=_genders),
        Attribute(
            "age",
            _("Age"),
            NUMBER,
            integer=True,
            dated=True,
            help=_("In whole years, on the date of application (the date benefits are looked at) or a fixed date."),
        ),
        Attribute("birth_date", _("Date of birth"), DATE),
        Attribute(
            "degree",
            _("Highest degree"),
            CHOICE,
            choices=_degrees,
            ordered=True,
            help=_("The highest degree among the person's education records."),
        ),
        Attribute(
            "field",
            pgettext_lazy("expertise", "Field"),
            FIELD,
            choices=_field_choices,
            many=True,
            help=_("From the talent profile; a condition on a field is met by it or any field below it."),
        ),
        Attribute(
            "study_field",
            _("Field of study"),
            TEXT,
            many=True,
            help=_("As written in the person's education records."),
        ),
        Attribute("experience_years", _("Years of experience"), NUMBER, integer=True),
        Attribute("languages", _("Languages"), CHOICE, choices=_languages, many=True),
        Attribute("employment_status", _("Employment status"), CHOICE, choices=_employment),
        Attribute("residence", _("Place of residence"), TEXT, help=_("The city in the talent profile, e.g. 惠州.")),
        Attribute(
            "signed_local_employer",
            _("Has signed with a local employer"),
            BOOL,
            help=_("From the talent profile; empty there means unknown."),
        ),
        Attribute("employer_region", _("Employer's region"), CHOICE, choices=_org_regions),
        Attribute("employer_kind", _("Employer's kind"), CHOICE, choices=_org_kinds),
        Attribute("employer_industry", _("Employer's industry"), TEXT),
        Attribute(
            "employer_location",
            _("Employer's location"),
            TEXT,
            only_ops=("contains", "is_known"),
            private=True,
            help=_("Whether the employer's address contains a place, e.g. 惠州."),
        ),
        Attribute(
            "consent",
            _("Consent on record"),
            BOOL,
            always_known=True,
            help=_("Whether the person's consent date is recorded."),
        ),
        Attribute(
            "attended_activities",
            _("Activities attended"),
            NUMBER,
            integer=True,
            always_known=True,
            help=_("How many activities the person attended (status “attended”)."),
        ),
    )
}

_RANKS: dict[str, int] | None = None


def ordered_rank() -> dict[str, int]:
    """The order of degrees (qiao.matching.models.DEGREE_RANK), value → rank."""
    global _RANKS
    if _RANKS is None:
        _RANKS = _degree_rank()
    return _RANKS


def get(code) -> Attribute | None:
    return ATTRIBUTES.get(code) if isinstance(code, str) else None


def spec() -> dict:
    """The attributes, operators and taxonomy for the rule builder (labels in the current language)."""
    return {
        "attributes": [
            {
                "code": a.code,
                "label": str(a.label),
                "type": a.type,
                "help": str(a.help),
                "ops": list(a.operators),
                "ordered": bool(a.ordered),
                "many": a.many,
                "integer": a.integer,
                "dated": a.dated,
                "choices": [[value, str(label)] for value, label in a.choices()] if a.choices else [],
            }
            for a in ATTRIBUTES.values()
        ],
        "operators": {code: str(label) for code, label in OPERATORS.items()},
        "fields": [[code, label, depth] for code, label, depth in taxonomy_choices()],
    }


# ---------------------------------------------------------------------------------------------------------
# A person's values


@dataclass
class Facts:
    """Everything the rules need to know about one person, read once."""

    values: dict
    on: datetime.date
    own_fields: tuple = ()  # the person's own taxonomy nodes (for reasons)
    words: dict = field(default_factory=dict)  # translations used by reasons, looked up once per call

    def get(self, code: str):
        return self.values.get(code)

    def word(self, lazy) -> str:
        """`str(lazy)` in the current language, remembered for the rest of this evaluation."""
        found = self.words.get(id(lazy))
        if found is None:
            found = self.words[id(lazy)] = str(lazy)
        return found

    def labels(self, attr: Attribute) -> dict:
        """value → label of an attribute's choices, in the current language."""
        key = ("labels", attr.code)
        found = self.words.get(key)
        if found is None:
            found = self.words[key] = {value: str(label) for value, label in attr.choices()} if attr.choices else {}
        return found


def _texts(*raw) -> tuple | None:
    pairs = tuple((value.strip(), text.compact(value)) for value in raw if value and value.strip())
    return tuple(pair for pair in pairs if pair[1]) or None


def facts_for(person, *, on: datetime.date, user=None) -> Facts:
    """Read the person's values. With `user`, only activities the user may see are counted."""
    from qiao.activities.models import Participation, ParticipationStatus
    from qiao.matching.models import Field, TalentProfile

    values: dict = {
        "region": frozenset([person.region]) if person.region else None,
        "country": _texts(person.country),
        "gender": frozenset([person.gender]) if person.gender else None,
        "birth_date": person.birth_date,
        "consent": person.consent_date is not None,
    }
    ranks = ordered_rank()
    degrees, studies = [], []
    for degree, study in person.education.values_list("degree", "field"):
        if degree:
            degrees.append(degree)
        if study:
            studies.append(study)
    if degrees:
        best = max(degrees, key=lambda d: ranks.get(d, 0))
        values["degree"] = frozenset([best])
    else:
        values["degree"] = None
    values["study_field"] = _texts(*studies)

    talent = TalentProfile.objects.filter(person_id=person.pk).first()
    own_fields: tuple = ()
    if talent is not None:
        own = list(Field.objects.filter(profiles=talent).order_by("path"))
        own_fields = tuple(own)
        ids = {int(part) for node in own for part in node.path.split(".") if part}
        codes = set(Field.objects.filter(pk__in=ids).values_list("code", flat=True)) if ids else set()
        values["field"] = frozenset(codes) or None
        values["experience_years"] = talent.experience_years
        languages = [str(code) for code in (talent.languages or []) if code]
        values["languages"] = frozenset(languages) or None
        values["employment_status"] = frozenset([talent.employment_status]) if talent.employment_status else None
        values["residence"] = _texts(talent.residence)
        values["signed_local_employer"] = talent.signed_local_employer
    employer = person.employer_org if person.employer_org_id else None
    if employer is not None and employer.deleted_at is None:
        values["employer_region"] = frozenset([employer.region]) if employer.region else None
        values["employer_kind"] = frozenset([employer.kind]) if employer.kind else None
        values["employer_industry"] = _texts(employer.industry)
        values["employer_location"] = _texts(employer.address)
    attended = Participation.objects.filter(person_id=person.pk, status=ParticipationStatus.ATTENDED)
    if user is not None:
        attended = attended.restrict(user, "view")
    values["attended_activities"] = attended.count()
    return Facts(values=values, on=on, own_fields=own_fields)
