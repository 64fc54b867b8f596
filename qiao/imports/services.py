"""People from a spreadsheet into the registry: parse every row, link it, report, then commit.

`plan()` reads nothing from the database but the linkage candidates and writes nothing: it is the
dry run. `commit()` writes every accepted row in one transaction, so a failure leaves nothing.
A row that is a person we know adds what is new (documents, phones, e-mails, empty fields) and
otherwise changes nothing, so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from qiao.core import scoping, services
from qiao.core.models import ActionLog
from qiao.people import linkage
from qiao.people.models import DuplicateCandidate, Person
from qiao.people.services import save_person

from . import values
from .errors import ValueProblem
from .headers import DOCUMENT_COLUMNS
from .readers import Sheet

SCALARS = ("name", "name_latin", "employer", "title", "notes")


def problem_text(code: str) -> str:
    """A value problem in the reader's language."""
    messages = {
        "mojibake": _("the text is garbled (wrong encoding?)"),
        "date_format": _("not a date we can read"),
        "date_range": _("the date is out of range"),
        "gender": _("not a gender we can read"),
        "region": _("not a region of origin we can read"),
        "boolean": _("not yes or no"),
        "document_format": _("the number does not have the format of this document"),
        "document_checksum": _("the check digit is wrong"),
        "document_kind": _("unknown document type"),
        "document_ambiguous": _("cannot tell which document this number belongs to; give the document type"),
        "phone": _("not a phone number we can read"),
        "email": _("not an e-mail address"),
        "name": _("a name is required (in Chinese or Latin letters)"),
    }
    return messages.get(code, code)


@dataclass
class RowPlan:
    number: int
    data: dict = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column letter, code)
    outcome: str = ""  # new, same, review, error
    decision: linkage.Decision | None = None

    @property
    def person(self) -> Person | None:
        return self.decision.person if self.decision and self.decision.outcome == "link" else None


@dataclass
class Plan:
    rows: list[RowPlan]

    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "same": 0, "review": 0, "error": 0}
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    def problems(self) -> list[str]:
        """Every problem as "row N, column X: reason"."""
        return [
            _("row %(row)d, column %(column)s: %(reason)s")
            % {"row": row.number, "column": column, "reason": problem_text(code)}
            for row in self.rows
            for column, code in row.problems
        ]


def _parse(sheet: Sheet, mapping: list[str | None], row) -> RowPlan:
    plan = RowPlan(row.number, {"phones": [], "emails": [], "documents": [], "tags": []})
    data = plan.data
    cells = dict(enumerate(row.cells))
    columns = {name: index for index, name in enumerate(mapping) if name}

    def cell(name):
        return cells.get(columns[name]) if name in columns else None

    def attempt(index, parse, *args):
        try:
            return parse(*args)
        except ValueProblem as problem:
            plan.problems.append((sheet.column_letter(index), problem.code))
            return None

    region = None
    if "region" in columns:
        found = attempt(columns["region"], values.region, cell("region"))
        if found:
            region, country = found
            data["region"], data["country"] = region, country or ""
    if "country" in columns and not data.get("country"):
        data["country"] = attempt(columns["country"], values.country, cell("country")) or ""
    for index, name in enumerate(mapping):
        value = cells.get(index)
        if name is None or value in (None, ""):
            continue
        if name in SCALARS:
            data[name] = attempt(index, values.text, value) or ""
        elif name == "gender":
            data["gender"] = attempt(index, values.gender, value) or ""
        elif name == "birth_date":
            parsed = attempt(index, values.date, value)
            data["birth_date"] = parsed.value if parsed else None
        elif name == "document_number":
            document = attempt(index, values.document, cell("document_kind"), value, region)
            if document:
                data["documents"].append(document)
        elif name in DOCUMENT_COLUMNS:
            document = attempt(index, values.document_for_column, name, value, region)
            if document:
                data["documents"].append(document)
        elif name == "phone":
            data["phones"] += attempt(index, values.phones, value, region) or []
        elif name == "email":
            data["emails"] += attempt(index, values.emails, value) or []
        elif name == "tags":
            data["tags"] += [t for t in (attempt(index, values.text, value) or "").replace("，", ",").split(",") if t]
    if not data.get("name") and not data.get("name_latin"):
        plan.problems.append((sheet.column_letter(columns.get("name", 0)), "name"))
    return plan


def plan(user, sheet: Sheet, mapping: list[str | None]) -> Plan:
    """The dry run: every row parsed, checked and linked to the people `user` may see."""
    rows = [_parse(sheet, mapping, row) for row in sheet.rows]
    valid = [row for row in rows if not row.problems]
    incomings = [
        linkage.Incoming(
            name=row.data.get("name", ""),
            name_latin=row.data.get("name_latin", ""),
            birth_date=row.data.get("birth_date"),
            gender=row.data.get("gender", ""),
            region=row.data.get("region", ""),
            documents=row.data["documents"],
            phones=row.data["phones"],
            emails=row.data["emails"],
        )
        for row in valid
    ]
    visible = Person.objects.restrict(user)
    for start in range(0, len(valid), 500):
        for row, decision in zip(
            valid[start : start + 500], linkage.link(incomings[start : start + 500], visible), strict=True
        ):
            row.decision = decision
            row.outcome = {"link": "same", "review": "review", "new": "new"}[decision.outcome]
    for row in rows:
        if row.problems:
            row.outcome = "error"
    return Plan(rows)


def _fill(person: Person, data: dict) -> tuple[bool, list[dict] | None]:
    """Add to a known person what the row knows and the registry does not; never overwrite."""
    changed = False
    for name in ("name", "name_latin", "gender", "birth_date", "region", "country", "employer", "title"):
        if data.get(name) and not getattr(person, name):
            setattr(person, name, data[name])
            changed = True
    for name in ("phones", "emails"):
        new = [v for v in data[name] if v not in (getattr(person, name) or [])]
        if new:
            setattr(person, name, [*(getattr(person, name) or []), *new])
            changed = True
    known = {(d.kind, d.number) for d in person.documents.all()}
    added = [d for d in data["documents"] if d not in known]
    documents = None
    if added:
        documents = [{"kind": k, "number": n} for k, n in sorted(known)] + [{"kind": k, "number": n} for k, n in added]
        changed = True
    return changed, documents


def commit(user, unit, plan: Plan, *, skip_invalid: bool = False, source: str = "") -> dict[str, int]:
    """Write the plan in one transaction. Rows with problems stop the commit unless skipped."""
    if not scoping.may(user, "add", unit.pk):
        raise PermissionDenied(_("You may not keep records for this unit."))
    if any(row.outcome == "error" for row in plan.rows) and not skip_invalid:
        raise ValueError(_("Some rows have problems: fix the file, or skip those rows."))
    written = {"created": 0, "updated": 0, "unchanged": 0, "queued": 0, "skipped": 0}
    with services.writing():
        for row in plan.rows:
            data = row.data
            if row.outcome == "error":
                written["skipped"] += 1
                continue
            if row.outcome == "same":
                person = Person.objects.get(pk=row.person.pk)
                changed, documents = _fill(person, data)
                if changed:
                    save_person(user, person, documents=documents)
                    written["updated"] += 1
                else:
                    written["unchanged"] += 1
                continue
            person = Person(
                unit=unit,
                **{k: data[k] for k in (*SCALARS, "gender", "birth_date", "region", "country") if data.get(k)},
            )
            person.name = person.name or person.name_latin
            person.phones, person.emails = data["phones"], data["emails"]
            save_person(
                user,
                person,
                documents=[{"kind": k, "number": n} for k, n in data["documents"]],
                tags=data["tags"] or None,
            )
            written["created"] += 1
            if row.outcome == "review":
                best = row.decision.candidates[0]
                DuplicateCandidate.objects.get_or_create(
                    person=person,
                    other=best.person,
                    defaults={"score": best.score, "reasons": best.reasons, "unit_id": unit.pk},
                )
                written["queued"] += 1
        ActionLog.record("qiao.import.committed", unit, source=source, **written)
    return written
