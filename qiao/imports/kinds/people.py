"""People from a spreadsheet into the registry: parse every row, link it, report, then commit.

`plan()` reads nothing from the database but the linkage candidates and writes nothing: it is the
dry run. `commit()` writes every accepted row in one transaction, so a failure leaves nothing.
A row that is a person we know adds what is new (documents, phones, e-mails, education, empty
fields) and otherwise changes nothing, so importing the same file twice changes nothing the
second time.
"""

from __future__ import annotations

import hashlib
import json

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core import history, scoping, search, services
from qiao.core.models import ActionLog, SearchKey, Tag
from qiao.people import linkage
from qiao.people.models import DuplicateCandidate, Education, IdentityDocument, Person

from .. import values
from ..headers import DOCUMENT_COLUMNS
from ..layout import Sheet
from .base import Cells, Match, Plan, Progress, RowPlan, report

KIND = "people"
SCALARS = ("name", "name_latin", "employer", "title", "notes")
EDUCATION = {"degree": "degree", "institution": "institution", "field_of_study": "field", "graduation_year": "year"}
BATCH = 500
FILLED = ("name", "name_latin", "gender", "birth_date", "region", "country", "employer", "title")
# Where a row's local phone numbers are from when no region column says so: its identity documents.
DOCUMENT_REGION = {"hkid": "HK", "mo_id": "MO", "tw_id": "TW", "tw_permit": "TW", "cn_id": "MAINLAND"}
# why a row may be a known person, by code
REASONS = {**linkage.REASONS, "imported": gettext_lazy("the same row was imported before")}
# what a row says about a person, for its fingerprint (see RowTrace)
TRACED = ("name", "name_latin", "gender", "birth_date", "region", "country", "employer", "title")


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
                data.setdefault("document_column", sheet.column_letter(index))
        elif name in DOCUMENT_COLUMNS:
            document = cells.attempt(index, values.document_for_column, name, value, region)
            if document:
                data["documents"].append(document)
                data.setdefault("document_column", sheet.column_letter(index))
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


def fingerprint(data: dict) -> str:
    """The same row content, however it was laid out in its file, gives the same fingerprint."""
    content = {name: data.get(name) or "" for name in TRACED}
    content["birth_date"] = str(content["birth_date"])
    content.update(
        documents=sorted("|".join(d) for d in data["documents"]),
        phones=sorted(data["phones"]),
        emails=sorted(e.lower() for e in data["emails"]),
        education=sorted(f"{k}={v}" for k, v in data["education"].items()),
    )
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _traced(chunk: list[RowPlan], visible) -> list[RowPlan]:
    """Rows imported before become the person they became then; returns the others."""
    from ..models import RowTrace

    prints = {row.data.setdefault("fingerprint", fingerprint(row.data)) for row in chunk}
    found = dict(
        RowTrace.objects.filter(fingerprint__in=prints, person__in=visible.values("pk"))
        .order_by("fingerprint", "-created")
        .values_list("fingerprint", "person")
    )
    people = visible.in_bulk(set(found.values())) if found else {}
    rest = []
    for row in chunk:
        person = people.get(found.get(row.data["fingerprint"]))
        if person is None:
            rest.append(row)
            continue
        row.outcome = "same"
        row.matches = [Match(person, 1.0, ["imported"], [str(REASONS["imported"])])]
    return rest


def _twice(rows: list[RowPlan]) -> None:
    """A row with the identity document of a row above is the same person listed twice: a problem
    to fix or skip, not a second new record."""
    seen = set()
    for row in rows:
        documents = row.data["documents"]
        if not row.problems and any(document in seen for document in documents):
            row.problems.append((row.data.get("document_column", ""), "duplicate_person"))
        seen.update(documents)


def plan(user, sheet: Sheet, mapping: list[str | None], progress: Progress = None) -> Plan:
    """The dry run: every row parsed, checked and linked to the people `user` may see."""
    rows = [parse(sheet, mapping, row) for row in sheet.rows]
    _twice(rows)
    valid = [row for row in rows if not row.problems]
    visible = Person.objects.restrict(user)
    report(progress, len(rows) - len(valid), len(rows))
    for start in range(0, len(valid), BATCH):
        chunk = _traced(valid[start : start + BATCH], visible)
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
    for name in FILLED:
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
    """Write the plan in one transaction. Rows with problems stop the commit unless skipped.

    Rows are written in bulk (a few queries per BATCH rows, not a save per row); what is written
    is what `save_person()` row by row would write — the same records, search keys, history entries
    (one per person, in row order) and permission checks — and a failure leaves nothing."""
    if not scoping.may(user, "add", unit.pk):
        raise PermissionDenied(_("You may not keep records for this unit."))
    if any(row.outcome == "error" for row in plan.rows) and not skip_invalid:
        raise ValueError(_("Some rows have problems: fix the file, or skip those rows."))
    written = {"created": 0, "updated": 0, "unchanged": 0, "queued": 0, "skipped": 0}
    total = len(plan.rows)
    with search.server_binding(), services.writing():
        written["skipped"] = sum(1 for row in plan.rows if row.outcome == "error")
        known = [row for row in plan.rows if row.outcome == "same"]
        fresh = [row for row in plan.rows if row.outcome in ("new", "review")]
        updated, unchanged = _update_known(user, known)
        report(progress, written["skipped"] + len(known), total)
        written["updated"], written["unchanged"] = updated, unchanged
        written["created"], written["queued"] = _create_new(
            user, unit, fresh, progress, written["skipped"] + len(known), total
        )
        _trace([row for row in plan.rows if row.outcome != "error"])
        ActionLog.record("qiao.import.committed", unit, kind=KIND, source=source, **written)
    report(progress, total, total)
    return written


def _trace(rows: list[RowPlan]) -> None:
    """Remember which person each written row became (RowTrace)."""
    from ..models import RowTrace

    traces = []
    for row in rows:
        person = getattr(row, "record", None) or row.target
        if person is not None:
            traces.append(RowTrace(fingerprint=row.data.get("fingerprint") or fingerprint(row.data), person=person))
    RowTrace.objects.bulk_create(traces, batch_size=BATCH, ignore_conflicts=True)


def _documents_of(person: Person, documents: list[dict]) -> list[IdentityDocument]:
    return [
        IdentityDocument(person=person, kind=d["kind"], number=d["number"], country=d.get("country", ""))
        for d in documents
    ]


def _update_known(user, rows: list) -> tuple[int, int]:
    """Known people gain what the rows know and the registry does not (see `_fill`): returns
    (people updated, rows that changed nothing)."""
    if not rows:
        return 0, 0
    ids = list(dict.fromkeys(row.target.pk for row in rows))
    people = {}
    for start in range(0, len(ids), BATCH * 2):
        chunk = ids[start : start + BATCH * 2]
        found = {person.pk: person for person in Person.objects.filter(pk__in=chunk)}
        # what prefetch_related("documents", "education") gives, without a queryset per person
        for person in found.values():
            person._prefetched_objects_cache = {"documents": [], "education": []}
        for document in IdentityDocument.objects.filter(person_id__in=chunk):
            found[document.person_id]._prefetched_objects_cache["documents"].append(document)
        for item in Education.objects.filter(person_id__in=chunk):
            found[item.person_id]._prefetched_objects_cache["education"].append(item)
        people.update(found)
    missing = [pk for pk in ids if pk not in people]
    if missing:  # deleted since the dry run: as Person.objects.get() would
        raise Person.DoesNotExist(f"Person {missing[0]} no longer exists.")
    changed: dict[int, Person] = {}
    replaced_documents: dict[int, list] = {}
    replaced_education: dict[int, list] = {}
    unchanged = 0
    for row in rows:
        person = people[row.target.pk]
        did_change, documents, education = _fill(person, row.data)
        if not did_change:
            unchanged += 1
            continue
        changed[person.pk] = person
        if documents is not None:  # the next row about the same person sees these
            replaced_documents[person.pk] = person._prefetched_objects_cache["documents"] = _documents_of(
                person, documents
            )
        if education is not None:
            replaced_education[person.pk] = person._prefetched_objects_cache["education"] = [
                Education(person=person, **e) for e in education
            ]
    if not changed:
        return 0, unchanged
    _check_change(user, list(changed.values()))
    before = history.snapshots(Person, list(changed))  # the database still holds the before-state
    now = timezone.now()
    fields = (*FILLED, "phones", "emails")
    for person in changed.values():
        history.remember(person, before[person.pk])
        person.updated = now
        # what save() writes (an UPDATE of one row; no signals, the history entry is remembered above)
        Person.objects.filter(pk=person.pk).update(updated=now, **{name: getattr(person, name) for name in fields})
    # replaced as save_person() replaces them; the delete signals would only re-take before-states
    _raw_delete(IdentityDocument.objects.filter(person_id__in=list(replaced_documents)))
    IdentityDocument.objects.bulk_create([d for docs in replaced_documents.values() for d in docs], batch_size=BATCH)
    _raw_delete(Education.objects.filter(person_id__in=list(replaced_education)))
    Education.objects.bulk_create([e for items in replaced_education.values() for e in items], batch_size=BATCH)
    _index(list(changed.values()), replace=True)
    return len(changed), unchanged


def _check_change(user, people: list[Person]) -> None:
    """`scoping.check(user, person, "change")` for many people in one query."""
    ids = [person.pk for person in people]
    reachable = set()
    for start in range(0, len(ids), BATCH * 2):
        reachable.update(
            Person.objects.restrict(user, "change")
            .select_for_update()
            .filter(pk__in=ids[start : start + BATCH * 2])
            .values_list("pk", flat=True)
        )
    allowed_units = {}
    for person in people:
        if person.pk not in reachable:
            raise PermissionDenied(_("You do not have permission to change this record."))
        if person.unit_id not in allowed_units:
            allowed_units[person.unit_id] = scoping.may(user, "change", person.unit_id)
        if not allowed_units[person.unit_id]:
            scoping.check(user, person, "change")  # shared for change, or PermissionDenied


def _create_new(user, unit, rows: list, progress: Progress, done: int, total: int) -> tuple[int, int]:
    """New people, with their documents, education, tags and search keys; a review row also
    queues the pair for a reviewer. Returns (created, queued)."""
    created = queued = 0
    tags: dict[str, Tag] = {}
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        people = []
        for row in chunk:
            data = row.data
            person = Person(
                unit=unit,
                **{k: data[k] for k in (*SCALARS, "gender", "birth_date", "region", "country") if data.get(k)},
            )
            person.name = person.name or person.name_latin
            person.phones, person.emails = data["phones"], data["emails"]
            people.append(person)
        scoping.check(user, people[0], "add")  # one unit for every row
        Person.objects.bulk_create(people, batch_size=BATCH)
        documents, education, links = [], [], []
        for row, person in zip(chunk, people, strict=True):
            row.record = person  # callers (a participants list) need to know who each row became
            history.remember(person, None)
            data = row.data
            docs = _documents_of(person, [{"kind": k, "number": n} for k, n in data["documents"]])
            person._prefetched_objects_cache = {"documents": docs}  # search_keys() reads them
            documents += docs
            if data["education"]:
                education.append(Education(person=person, **data["education"]))
            for name in data["tags"]:
                if name not in tags:
                    found = Tag.for_names([name])
                    tags[name] = found[0] if found else None
            for tag in dict.fromkeys(t for t in (tags[n] for n in data["tags"]) if t is not None):
                links.append(Person.tags.through(person_id=person.pk, tag_id=tag.pk))
        IdentityDocument.objects.bulk_create(documents, batch_size=BATCH)
        Education.objects.bulk_create(education, batch_size=BATCH)
        Person.tags.through.objects.bulk_create(links, batch_size=BATCH)
        _index(people, replace=False)
        candidates = []
        for row, person in zip(chunk, people, strict=True):
            if row.outcome == "review":
                best = row.matches[0]
                candidates.append(
                    DuplicateCandidate(
                        person=person, other=best.target, score=best.score, reasons=best.reasons, unit_id=unit.pk
                    )
                )
        DuplicateCandidate.objects.bulk_create(candidates, batch_size=BATCH)
        created += len(people)
        queued += len(candidates)
        report(progress, done + start + len(chunk), total)
    return created, queued


def _index(people: list[Person], *, replace: bool) -> None:
    """Search keys as `search.index()` writes them, for many people at once."""
    content_type = ContentType.objects.get_for_model(Person)
    if replace:
        _raw_delete(SearchKey.objects.filter(content_type=content_type, object_id__in=[p.pk for p in people]))
    search.write_keys(content_type.pk, {person.pk: person.search_keys() for person in people})


def _raw_delete(queryset) -> None:
    """DELETE without loading the rows to send signals one by one."""
    queryset._raw_delete(queryset.db)
