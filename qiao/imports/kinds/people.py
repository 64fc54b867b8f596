"""People from a spreadsheet into the registry: parse every row, link it, report, then commit.

`plan()` reads nothing from the database but the linkage candidates and writes nothing: it is the
dry run. `commit()` writes every accepted row in one transaction, so a failure leaves nothing.
A row that is a person we know adds what is new (documents, phones, e-mails, education, empty
fields) and otherwise changes nothing, so importing the same file twice changes nothing the
second time.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from qiao.core import scoping, services
from qiao.core.models import ActionLog
from qiao.people import linkage
from qiao.people.models import DuplicateCandidate, Person
from qiao.people.services import save_person

from .. import values
from ..headers import DOCUMENT_COLUMNS
from ..layout import Sheet
from .base import Cells, Match, Plan, Progress, RowPlan, report

KIND = "people"
SCALARS = ("name", "name_latin", "employer", "title", "notes")
EDUCATION = {"degree": "degree", "institution": "institution", "field_of_study": "field", "graduation_year": "year"}
BATCH = 500
# Where a row's local phone numbers are from when no region column says so: its identity documents.
DOCUMENT_REGION = {"hkid": "HK", "mo_id": "MO", "tw_id": "TW", "tw_permit": "TW", "cn_id": "MAINLAND"}
REASONS = linkage.REASONS  # why a row may be a known person, by code


def parse(sheet: Sheet, mapping: list[str | None], row) -> RowPlan:
    plan = RowPlan(row.number, {"phones": [], "emails": [], "documents": [], "tags": [], "education": {}})
    data, cells = plan.data, Cells(sheet, mapping, row, plan)
    region = None
    if "region" in cells.columns:
        found = cells.attempt(cells.columns["region"], values.region, cells.get("region"))
        if found:
            region, country = found
            data["region"], data["country"] = region, country or ""
    if "country" in cells.columns and not data.get("country"):
        data["country"] = cells.attempt(cells.columns["country"], values.country, cells.get("country")) or ""
    phones = []
    for index, name, value in cells.filled():
        if name in SCALARS:
            data[name] = cells.attempt(index, values.text, value) or ""
        elif name == "gender":
            data["gender"] = cells.attempt(index, values.gender, value) or ""
        elif name == "birth_date":
            parsed = cells.attempt(index, values.date, value)
            data["birth_date"] = parsed.value if parsed else None
        elif name == "document_number":
            document = cells.attempt(index, values.document, cells.get("document_kind"), value, region)
            if document:
                data["documents"].append(document)
        elif name in DOCUMENT_COLUMNS:
            document = cells.attempt(index, values.document_for_column, name, value, region)
            if document:
                data["documents"].append(document)
        elif name == "phone":
            phones.append((index, value))  # read after the documents, which tell where a local number is from
        elif name == "email":
            data["emails"] += cells.attempt(index, values.emails, value) or []
        elif name == "tags":
            tags = (cells.attempt(index, values.text, value) or "").replace("，", ",").replace("、", ",")
            data["tags"] += [t.strip() for t in tags.split(",") if t.strip()]
        elif name == "degree":
            data["education"]["degree"] = cells.attempt(index, values.degree, value) or ""
        elif name == "graduation_year":
            data["education"]["year"] = cells.attempt(index, values.year, value)
        elif name in EDUCATION:
            data["education"][EDUCATION[name]] = cells.attempt(index, values.text, value) or ""
        elif name == "first_visit":  # kept for participation imports (activities); a person has no such field
            data["first_visit"] = cells.attempt(index, values.boolean, value)
    data["documents"] = list(dict.fromkeys(data["documents"]))
    hint = region or next((DOCUMENT_REGION[k] for k, _n in data["documents"] if k in DOCUMENT_REGION), None)
    for index, value in phones:
        data["phones"] += cells.attempt(index, values.phones, value, hint) or []
    data["phones"] = list(dict.fromkeys(data["phones"]))
    data["emails"] = list(dict.fromkeys(data["emails"]))
    data["education"] = {k: v for k, v in data["education"].items() if v}
    if not data.get("name") and not data.get("name_latin"):
        cells.require("name", "name")
    return plan


def incoming(data: dict) -> linkage.Incoming:
    return linkage.Incoming(
        name=data.get("name", ""),
        name_latin=data.get("name_latin", ""),
        birth_date=data.get("birth_date"),
        gender=data.get("gender", ""),
        region=data.get("region", ""),
        documents=data["documents"],
        phones=data["phones"],
        emails=data["emails"],
    )


def plan(user, sheet: Sheet, mapping: list[str | None], progress: Progress = None) -> Plan:
    """The dry run: every row parsed, checked and linked to the people `user` may see."""
    rows = [parse(sheet, mapping, row) for row in sheet.rows]
    valid = [row for row in rows if not row.problems]
    visible = Person.objects.restrict(user)
    report(progress, len(rows) - len(valid), len(rows))
    for start in range(0, len(valid), BATCH):
        chunk = valid[start : start + BATCH]
        for row, decision in zip(chunk, linkage.link([incoming(r.data) for r in chunk], visible), strict=True):
            row.outcome = {"link": "same", "review": "review", "new": "new"}[decision.outcome]
            row.matches = [Match(c.person, c.score, c.reasons, c.reason_labels()) for c in decision.candidates]
        report(progress, len(rows) - len(valid) + start + len(chunk), len(rows))
    for row in rows:
        if row.problems:
            row.outcome = "error"
    return Plan(KIND, rows)


def _fill(person: Person, data: dict) -> tuple[bool, list[dict] | None, list[dict] | None]:
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
    education = None
    if data["education"]:
        had = [
            {"degree": e.degree, "institution": e.institution, "country": e.country, "field": e.field, "year": e.year}
            for e in person.education.all()
        ]
        new = {"degree": "", "institution": "", "country": "", "field": "", "year": None, **data["education"]}
        if not any(all(e[k] == v for k, v in data["education"].items()) for e in had):
            education = [*had, new]
            changed = True
    return changed, documents, education


def commit(
    user, unit, plan: Plan, *, skip_invalid: bool = False, source: str = "", progress: Progress = None
) -> dict[str, int]:
    """Write the plan in one transaction. Rows with problems stop the commit unless skipped."""
    if not scoping.may(user, "add", unit.pk):
        raise PermissionDenied(_("You may not keep records for this unit."))
    if any(row.outcome == "error" for row in plan.rows) and not skip_invalid:
        raise ValueError(_("Some rows have problems: fix the file, or skip those rows."))
    written = {"created": 0, "updated": 0, "unchanged": 0, "queued": 0, "skipped": 0}
    with services.writing():
        for done, row in enumerate(plan.rows, 1):
            if done % BATCH == 0:
                report(progress, done, len(plan.rows))
            data = row.data
            if row.outcome == "error":
                written["skipped"] += 1
                continue
            if row.outcome == "same":
                person = Person.objects.get(pk=row.target.pk)
                changed, documents, education = _fill(person, data)
                if changed:
                    save_person(user, person, documents=documents, education=education)
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
                education=[data["education"]] if data["education"] else None,
                tags=data["tags"] or None,
            )
            written["created"] += 1
            row.record = person  # callers (a participants list) need to know who each row became
            if row.outcome == "review":
                best = row.matches[0]
                DuplicateCandidate.objects.get_or_create(
                    person=person,
                    other=best.target,
                    defaults={"score": best.score, "reasons": best.reasons, "unit_id": unit.pk},
                )
                written["queued"] += 1
        ActionLog.record("qiao.import.committed", unit, kind=KIND, source=source, **written)
    report(progress, len(plan.rows), len(plan.rows))
    return written
