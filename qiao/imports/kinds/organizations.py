"""Organisations from a spreadsheet into the registry: parse every row, link it, report, then commit.

`plan()` reads nothing from the database but the linkage candidates and writes nothing: it is the
dry run. `commit()` writes every accepted row in one transaction, so a failure leaves nothing.

Linkage is against the organisations `user` may see, by exact look-ups in the search keys (a few
queries per 500 rows):

- the same registration number (normalised) → that organisation: "same";
- the same name, folded across scripts, width, case and punctuation (香港青年聯會 = 香港青年联会;
  the row's name may also be the registry's English name, or the reverse) → "same", unless the
  registration numbers differ or several organisations have that name: "review";
- names alike only once their legal form is dropped (XX有限公司 / XX股份有限公司 / XX, ABC Ltd /
  ABC Co., Ltd.; 协会 is not a legal form, so 香港青年协会 ≠ 香港青年公司), or only the English
  names alike → "review".

Review rows: organisations have no duplicate review queue, so the commit does not guess. A row to
review blocks the commit as a row with problems does; with `skip_invalid` it is skipped (counted
in "skipped") and "queued" stays 0. The user settles it in the file (the registry's exact name, or
the registration number) or, for a different organisation, adds it by hand after checking.

The parent column names an organisation (name, English name or registration number) in an earlier
row of the file, else in the registry in scope; no such organisation is the problem "parent", and
a parent row that cannot be imported (problems, or to review) makes its children's rows fail too.
A row repeating an earlier row's organisation (same number, or same name without two different
numbers) is the problem "duplicate": one organisation, one row.

A row that is an organisation we know only fills what the registry lacks: empty fields, the
registration number when it has none, the kind when it is "other", the parent when it has none
(and it makes no cycle). Nothing is overwritten, so importing the same file twice changes nothing
the second time. New organisations without a kind column get the kind their name suggests
(协会 → association, 大学 → university, 有限公司 → enterprise …), else "other".
"""

from __future__ import annotations

import functools
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core import scoping, services
from qiao.core.models import ActionLog, SearchKey
from qiao.core.search import KEY_LENGTH
from qiao.orgs.models import Organization
from qiao.orgs.services import save_organization
from qiao.text import compact

from .. import values
from ..layout import Sheet
from .base import Cells, Match, Plan, Progress, RowPlan, report

KIND = "organizations"
# Text fields and the most characters the registry keeps of each (None: no limit).
TEXTS = {"name": 200, "name_latin": 200, "industry": 100, "address": 300, "notes": None}
LIMITS = {**TEXTS, "country": 60, "phone": 40, "website": 200}
# What a known organisation gains from a row when it has nothing there.
FILLED = ("name_latin", "region", "country", "industry", "address", "phone", "website", "notes")
REGION_OF_REGISTRATION = {"uscc": "MAINLAND", "hk_br": "HK", "tw_ubn": "TW"}
BATCH = 500
CHUNK = 900  # values in one IN (…): SQLite's old limit is 999

REASONS = {
    "registration_number": gettext_lazy("same registration number"),
    "name": gettext_lazy("same name"),
    "latin": gettext_lazy("same English name"),
    "name_similar": gettext_lazy("same name but for the legal form (有限公司, Ltd …)"),
    "registration_conflict": gettext_lazy("different registration number"),
}


def parse(sheet: Sheet, mapping: list[str | None], row) -> RowPlan:
    plan = RowPlan(row.number, {})
    data, cells = plan.data, Cells(sheet, mapping, row, plan)
    region = None
    if "region" in cells.columns:
        found = cells.attempt(cells.columns["region"], values.organization_region, cells.get("region"))
        if found:
            region, country = found
            data["region"], data["country"] = region, country or ""
    if "country" in cells.columns and not data.get("country"):
        data["country"] = cells.attempt(cells.columns["country"], values.country, cells.get("country")) or ""
        if region is None:  # 国家/地区: 香港 says where the organisation is based
            found, _problem = values.check(values.organization_region, cells.get("country"))
            if found:
                region = data["region"] = found[0]
    phones: list[str] = []
    for index, name, value in cells.filled():
        if name in TEXTS:
            data[name] = cells.attempt(index, functools.partial(values.text, multiline=name == "notes"), value) or ""
        elif name == "kind":
            data["kind"] = cells.attempt(index, values.organization_kind, value) or ""
        elif name == "registration_number":
            found = cells.attempt(index, values.registration, value, region)
            if found:
                data["registration_kind"], data["registration_number"] = found
        elif name == "parent":
            data["parent"] = cells.attempt(index, values.text, value) or ""
        elif name == "phone":
            phones += cells.attempt(index, values.phones, value, region) or []
        elif name == "website":
            data["website"] = cells.attempt(index, values.url, value) or ""
    if phones:
        data["phone"] = ", ".join(dict.fromkeys(phones))
    if not data.get("region") and data.get("registration_kind") in REGION_OF_REGISTRATION:
        data["region"] = REGION_OF_REGISTRATION[data["registration_kind"]]
    for name, limit in LIMITS.items():
        if limit and len(data.get(name) or "") > limit:
            cells.require(name, "too_long")
    if not data.get("name") and not data.get("name_latin"):
        cells.require("name", "name")
    return plan


# ---------------------------------------------------------------- linkage


def _lookup_keys(data: dict) -> set[str]:
    """Search keys under which the registry may hold this row's organisation or its parent."""
    keys = {compact(data.get("registration_number", "")), compact(data.get("parent", ""))}
    for name in (data.get("name"), data.get("name_latin")):
        if name:
            keys.add(compact(name))
            core = values.organization_core(name)
            if core:
                endings = values.LEGAL_ENDINGS_LATIN if core[-1].isascii() else values.LEGAL_SUFFIXES_HAN
                keys.update({core, *(core + ending for ending in endings)})
    return {key[:KEY_LENGTH] for key in keys if key}


class Index:
    """The organisations in scope that a batch of rows may be, by number, name, English name and core."""

    def __init__(self, organizations):
        self.numbers, self.names, self.latins, self.cores = (defaultdict(list) for _ in range(4))
        for org in sorted(organizations, key=lambda o: o.pk):
            if org.registration_number:
                self.numbers[compact(org.registration_number)].append(org)
            if compact(org.name):
                self.names[compact(org.name)].append(org)
            if compact(org.name_latin):
                self.latins[compact(org.name_latin)].append(org)
            for core in {values.organization_core(org.name), values.organization_core(org.name_latin)} - {""}:
                self.cores[core].append(org)

    @classmethod
    def fetch(cls, rows: list[RowPlan], visible) -> Index:
        content_type = ContentType.objects.get_for_model(Organization)
        keys = sorted(set().union(*(_lookup_keys(row.data) for row in rows)))
        ids: set[int] = set()
        for start in range(0, len(keys), CHUNK):
            found = SearchKey.objects.filter(content_type=content_type, key__in=keys[start : start + CHUNK])
            ids.update(found.values_list("object_id", flat=True))
        ids_sorted = sorted(ids)
        organizations = []
        for start in range(0, len(ids_sorted), CHUNK):
            organizations += visible.filter(pk__in=ids_sorted[start : start + CHUNK])
        return cls(organizations)

    def named(self, key: str) -> list[Organization]:
        """Organisations whose number, name or English name folds to `key` (a parent cell)."""
        found = self.numbers.get(key) or [*self.names.get(key, []), *self.latins.get(key, [])]
        return list({org.pk: org for org in found}.values())


def _match(org: Organization, score: float, reasons: list[str]) -> Match:
    return Match(org, score, reasons, [str(REASONS[code]) for code in reasons])


def _link(data: dict, index: Index) -> tuple[str, list[Match]]:
    """(outcome, matches best first) for one row."""
    number = compact(data.get("registration_number", ""))
    if number and index.numbers.get(number):
        return "same", [_match(org, 1.0, ["registration_number"]) for org in index.numbers[number]]
    name, latin = compact(data.get("name", "")), compact(data.get("name_latin", ""))
    found: dict[int, tuple[Organization, float, str]] = {}

    def add(orgs, score, reason):
        for org in orgs:
            if org.pk not in found or found[org.pk][1] < score:
                found[org.pk] = (org, score, reason)

    for key in {name, latin} - {""}:
        add(index.names.get(key, []), 0.95, "name")
    if name:
        add(index.latins.get(name, []), 0.95, "name")
    if latin:  # the English names alike: enough when the row gives no other name, else to review
        add(index.latins.get(latin, []), *((0.8, "latin") if name else (0.95, "name")))
    for core in {values.organization_core(data.get(n)) for n in ("name", "name_latin")} - {""}:
        add(index.cores.get(core, []), 0.7, "name_similar")
    matches = []
    for org, score, reason in found.values():
        reasons = [reason]
        if number and org.registration_number and compact(org.registration_number) != number:
            reasons.append("registration_conflict")
            score -= 0.4
        matches.append(_match(org, round(score, 2), reasons))
    matches.sort(key=lambda m: (-m.score, m.target.pk))
    by_name = [m for m in matches if "name" in m.reasons]
    if len(by_name) == 1 and by_name[0].reasons == ["name"]:
        return "same", [by_name[0], *(m for m in matches if m is not by_name[0])]
    return ("review" if matches else "new"), matches


def _own_keys(data: dict) -> set[str]:
    return {compact(data.get(n, "")) for n in ("name", "name_latin")} - {""}


def _number(data: dict) -> str:
    return compact(data.get("registration_number", ""))


def _in_file(row: RowPlan, columns: dict, sheet: Sheet, numbers: dict, names: dict, index: Index) -> None:
    """Check a row against the rows above it (`numbers`, `names`: their keys → rows): a repeated
    organisation, and which organisation its parent is."""
    data, number = row.data, _number(row.data)

    def problem(field: str, code: str) -> None:
        row.problems.append((sheet.column_letter(columns.get(field, columns.get("name", 0))), code))

    # Rows above with problems do not count: skipped, they leave this row the only one.
    if number and number in numbers and not numbers[number].problems:
        problem("registration_number", "duplicate")
    elif any(
        not other.problems and not (number and _number(other.data) and _number(other.data) != number)
        for key in _own_keys(data)
        for other in names.get(key, [])
    ):  # the same name is the same organisation, unless the rows give two different numbers
        problem("name", "duplicate")
    else:
        if number and (number not in numbers or numbers[number].problems):
            numbers[number] = row
        for key in _own_keys(data):
            names[key].append(row)
    parent = compact(data.get("parent", ""))
    if not parent:
        return
    earlier = [numbers[parent]] if parent in numbers else list(names.get(parent, []))
    if parent in _own_keys(data) or parent == number:
        problem("parent", "parent")
    elif len(earlier) > 1:
        problem("parent", "parent_ambiguous")
    elif earlier and earlier[0] is not row:
        above = earlier[0]
        if above.problems or above.outcome == "review":
            problem("parent", "parent_unresolved")
        else:
            data["parent_row"] = above.number
            if above.target is not None:
                data["parent_id"] = above.target.pk
    else:
        known = index.named(parent)
        if not known or (row.target is not None and known[0].pk == row.target.pk):
            problem("parent", "parent")
        elif len(known) > 1:
            problem("parent", "parent_ambiguous")
        else:
            data["parent_id"] = known[0].pk


def plan(user, sheet: Sheet, mapping: list[str | None], progress: Progress = None) -> Plan:
    """The dry run: every row parsed, checked and linked to the organisations `user` may see."""
    rows = [parse(sheet, mapping, row) for row in sheet.rows]
    visible = Organization.objects.restrict(user)
    columns: dict[str, int] = {}
    for position, name in enumerate(mapping):
        if name:
            columns.setdefault(name, position)
    numbers: dict[str, RowPlan] = {}
    names: dict[str, list[RowPlan]] = defaultdict(list)
    report(progress, 0, len(rows))
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        index = Index.fetch(chunk, visible)  # rows with problems too: their parents are looked up
        for row in chunk:
            if not row.problems:
                row.outcome, row.matches = _link(row.data, index)
            _in_file(row, columns, sheet, numbers, names, index)
        report(progress, start + len(chunk), len(rows))
    for row in rows:
        if row.problems:
            row.outcome = "error"
    return Plan(KIND, rows)


# ---------------------------------------------------------------- commit


def _makes_cycle(org: Organization, parent: Organization) -> bool:
    node, seen = parent, set()
    while node is not None and node.pk not in seen:
        if node.pk == org.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


def _fill(org: Organization, data: dict, parent: Organization | None) -> bool:
    """Add to a known organisation what the row knows and the registry does not; never overwrite."""
    changed = False
    for name in FILLED:
        if data.get(name) and not getattr(org, name):
            setattr(org, name, data[name])
            changed = True
    if data.get("registration_number") and not org.registration_number:
        org.registration_kind, org.registration_number = data["registration_kind"], data["registration_number"]
        changed = True
    if data.get("kind") and data["kind"] != org.kind and org.kind == "other":
        org.kind = data["kind"]
        changed = True
    if parent is not None and org.parent_id is None and not _makes_cycle(org, parent):
        org.parent = parent
        changed = True
    return changed


def _new(unit, data: dict, parent: Organization | None) -> Organization:
    name = data.get("name") or data.get("name_latin")
    return Organization(
        unit=unit,
        name=name,
        kind=data.get("kind") or values.guess_organization_kind(name) or "other",
        parent=parent,
        registration_kind=data.get("registration_kind", ""),
        registration_number=data.get("registration_number", ""),
        **{k: data[k] for k in FILLED if data.get(k)},
    )


def commit(
    user, unit, plan: Plan, *, skip_invalid: bool = False, source: str = "", progress: Progress = None
) -> dict[str, int]:
    """Write the plan in one transaction. Rows with problems or to review stop the commit unless skipped."""
    if not scoping.may(user, "add", unit.pk):
        raise PermissionDenied(_("You may not keep records for this unit."))
    if not skip_invalid:
        if any(row.outcome == "error" for row in plan.rows):
            raise ValueError(_("Some rows have problems: fix the file, or skip those rows."))
        if any(row.outcome == "review" for row in plan.rows):
            raise ValueError(
                _(
                    "Some rows may be organisations already in the registry: give their exact name or "
                    "registration number in the file, or skip those rows."
                )
            )
    written = {"created": 0, "updated": 0, "unchanged": 0, "queued": 0, "skipped": 0}
    made: dict[int, Organization] = {}  # row number → the organisation it became
    with services.writing():
        wanted = sorted(
            {row.target.pk for row in plan.rows if row.target is not None}
            | {row.data["parent_id"] for row in plan.rows if row.data.get("parent_id")}
        )
        known: dict[int, Organization] = {}
        for start in range(0, len(wanted), CHUNK):
            known.update(Organization.objects.in_bulk(wanted[start : start + CHUNK]))
        for done, row in enumerate(plan.rows, 1):
            if done % BATCH == 0:
                report(progress, done, len(plan.rows))
            data = row.data
            if row.outcome in ("error", "review"):
                written["skipped"] += 1
                continue
            parent = made.get(data["parent_row"]) if "parent_row" in data else known.get(data.get("parent_id"))
            if ("parent_row" in data or "parent_id" in data) and parent is None:
                raise ValueError(_("The registry changed since the file was checked: check it again."))
            if row.outcome == "same":
                org = known.get(row.target.pk)
                if org is None:
                    raise ValueError(_("The registry changed since the file was checked: check it again."))
                if scoping.may(user, "change", org.unit_id) and _fill(org, data, parent):
                    save_organization(user, org)
                    written["updated"] += 1
                else:
                    written["unchanged"] += 1
            else:
                org = save_organization(user, _new(unit, data, parent))
                written["created"] += 1
            made[row.number] = org
        ActionLog.record("qiao.import.committed", unit, kind=KIND, source=source, **written)
    report(progress, len(plan.rows), len(plan.rows))
    return written
