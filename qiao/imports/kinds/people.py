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
import logging
import multiprocessing
import os

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core import history, scoping, search, services
from qiao.core.models import ActionLog, Tag
from qiao.people import linkage
from qiao.people.models import DuplicateCandidate, Education, IdentityDocument, Person
from qiao.people.signals import people_changed

from .. import values
from ..headers import DOCUMENT_COLUMNS
from ..layout import Sheet
from .base import Cells, Match, Plan, Progress, RowPlan, report

KIND = "people"
SCALARS = ("name", "name_latin", "employer", "title", "notes")
EDUCATION = {"degree": "degree", "institution": "institution", "field_of_study": "field", "graduation_year": "year"}
BATCH = 500
PARALLEL_ROWS = 2000  # from this many rows the dry run runs in two processes (see _parallel)
log = logging.getLogger(__name__)
FILLED = ("name", "name_latin", "gender", "birth_date", "region", "country", "employer", "title")
# Where a row's local phone numbers are from when no region column says so: its identity documents.
DOCUMENT_REGION = {"hkid": "HK", "mo_id": "MO", "tw_id": "TW", "tw_permit": "TW", "cn_id": "MAINLAND"}
# why a row may be a known person, by code
REASONS = {**linkage.REASONS, "imported": gettext_lazy("the same row was imported before")}
# what a row says about a person, for its fingerprint (see RowTrace)
TRACED = ("name", "name_latin", "gender", "birth_date", "region", "country", "employer", "title")
# what the commit reads of a known person: `_fill`, the scope check, the search keys
KNOWN_FIELDS = (*FILLED, "phones", "emails")
EDUCATION_FIELDS = ("degree", "institution", "country", "field", "year")


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
    if data.get("region") == "OVERSEAS" and not data.get("country"):  # as the person form (services.check_origin)
        cells.require("country" if "country" in cells.columns else "region", "country_required")
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
        employer=data.get("employer", ""),
        title=data.get("title", ""),
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
    # by fingerprint alone (the unique index), then which of those people the user may see: joined
    # to the people in SQL, PostgreSQL hashes the whole people table while the trace table has no
    # statistics yet (a new registry's first imports)
    traces = list(
        RowTrace.objects.filter(fingerprint__in=prints)
        .order_by("fingerprint", "-created")
        .values_list("fingerprint", "person")
    )
    people = visible.only(*linkage.SCORED_FIELDS).in_bulk({person for _print, person in traces}) if traces else {}
    found = {print_: person for print_, person in traces if person in people}
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
    """The dry run: every row parsed, checked and linked to the people `user` may see.

    Rows imported before are found by their trace; the others are linked in batches — those of a
    large file in two processes (see `_parallel`), which gives the same plan."""
    rows = [parse(sheet, mapping, row) for row in sheet.rows]
    _twice(rows)
    valid = [row for row in rows if not row.problems]
    visible = Person.objects.restrict(user)
    report(progress, len(rows) - len(valid), len(rows))
    untraced = [row for start in range(0, len(valid), BATCH) for row in _traced(valid[start : start + BATCH], visible)]
    done = len(rows) - len(untraced)
    report(progress, done, len(rows))
    if not _parallel(untraced, visible, lambda linked: report(progress, done + 2 * linked, len(rows))):
        _link(untraced, visible, lambda linked: report(progress, done + linked, len(rows)))
    for row in rows:
        if row.problems:
            row.outcome = "error"
    return Plan(KIND, rows)


def _link(rows: list[RowPlan], visible, progress=None) -> None:
    """Link `rows` to the people `visible`, in batches: each row's outcome and proposals."""
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        for row, decision in zip(chunk, linkage.link([incoming(r.data) for r in chunk], visible), strict=True):
            row.outcome = {"link": "same", "review": "review", "new": "new"}[decision.outcome]
            row.matches = [Match(c.person, c.score, c.reasons, c.reason_labels()) for c in decision.candidates]
        if progress:
            progress(start + len(chunk))


def _parallel(rows: list[RowPlan], visible, progress) -> bool:
    """Link the first half of `rows` here and the second in a forked process, at once; False (and
    nothing done) when there are fewer than PARALLEL_ROWS, the database is not PostgreSQL, there is
    one processor, or the connection is inside a transaction (the forked process has a connection
    of its own: it would not see what the transaction wrote). Linkage is mostly Python work
    (scoring candidates), so two processes on two processors take about half the time; each row
    is linked on its own, so the plan is the same. If the other process fails, this one links its
    half too."""
    if (
        settings.QIAO_IMPORT_PROCESSES < 2
        or len(rows) < PARALLEL_ROWS
        or (os.cpu_count() or 1) < 2
        or connection.vendor != "postgresql"
        or connection.in_atomic_block
    ):
        return False
    half = len(rows) // 2
    mine, theirs = rows[:half], rows[half:]
    linkage.prepare()  # loaded once, here, for both processes
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    connection.close()  # each process opens its own: a shared socket would mix their queries
    worker = context.Process(target=_link_half, args=(sender, theirs, visible), daemon=True)
    worker.start()
    sender.close()
    try:
        _link(mine, visible, progress)
    except BaseException:  # the other process's answer is of no use now: stop it
        worker.terminate()
        worker.join()
        receiver.close()
        raise
    try:
        linked = receiver.recv()
    except EOFError:  # the process died before it answered
        linked = "no answer"
    finally:
        receiver.close()
        worker.join()
    if isinstance(linked, list):
        for row, (outcome, matches) in zip(theirs, linked, strict=True):
            row.outcome, row.matches = outcome, matches
    else:
        log.warning("import: the second linking process failed (%s); linking its rows here", linked)
        _link(theirs, visible)
    return True


def _link_half(sender, rows: list[RowPlan], visible) -> None:
    """In the forked process: link `rows`, send back each one's outcome and proposals (or why it failed)."""
    try:
        try:
            _link(rows, visible)
            sender.send([(row.outcome, row.matches) for row in rows])
        except Exception as error:  # the parent links these rows itself
            sender.send(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()
    finally:
        sender.close()


class Known:
    """What the registry holds of a known person, as plain values (model instances cost more to
    build than the query that reads them): the rows about the person add to it (see `_fill`)."""

    def __init__(self, pk: int, unit_id: int, fields: dict, documents: list[dict], education: list[dict]):
        self.pk, self.unit_id, self.fields = pk, unit_id, fields
        self.documents = documents  # [{kind, number, country}], as stored
        self.education = education  # [{degree, institution, country, field, year}], as stored
        self.changed = self.documents_changed = self.education_changed = False

    @classmethod
    def of(cls, person: Person) -> Known:
        return cls(
            person.pk,
            person.unit_id,
            {name: getattr(person, name) for name in KNOWN_FIELDS},
            [{"kind": d.kind, "number": d.number, "country": d.country} for d in person.documents.all()],
            [{name: getattr(e, name) for name in EDUCATION_FIELDS} for e in person.education.all()],
        )

    def person(self) -> Person:
        """The person as the rows left them: the fields to write and what the search keys read."""
        person = Person(pk=self.pk, unit_id=self.unit_id, **self.fields)
        person._prefetched_objects_cache = {"documents": self.document_records(person)}
        return person

    def document_records(self, person: Person) -> list[IdentityDocument]:
        return _documents_of(person, self.documents)

    def education_records(self, person: Person) -> list[Education]:
        return [Education(person=person, **e) for e in self.education]


def _fill(person: Person, data: dict) -> tuple[bool, list[dict] | None, list[dict] | None]:
    """`_add` for a Person (as public registration uses it): the person's fields gain what the row
    adds; returns (changed, the documents and the education to save, or None where unchanged)."""
    known = Known.of(person)
    if not _add(known, data):
        return False, None, None
    for name, value in known.fields.items():
        setattr(person, name, value)
    documents = known.documents if known.documents_changed else None
    return True, documents, known.education if known.education_changed else None


def _add(known: Known, data: dict) -> bool:
    """Add to a known person what the row knows and the registry does not; never overwrite.
    Returns whether the row added anything."""
    changed = False
    fields = known.fields
    for name in FILLED:
        if data.get(name) and not fields[name]:
            fields[name] = data[name]
            changed = True
    for name in ("phones", "emails"):
        new = [v for v in data[name] if v not in (fields[name] or [])]
        if new:
            fields[name] = [*(fields[name] or []), *new]
            changed = True
    held = {(d["kind"], d["number"]): d for d in reversed(known.documents)}  # the first of each
    added = [d for d in data["documents"] if d not in held]
    if added:
        # written again as save_person() is given them: the held ones sorted (with their issuing
        # country), then the new ones
        known.documents = [held[key] for key in sorted(held)] + [
            {"kind": k, "number": n, "country": ""} for k, n in added
        ]
        known.documents_changed = changed = True
    if data["education"]:
        new = {"degree": "", "institution": "", "country": "", "field": "", "year": None, **data["education"]}
        if not any(all(e[k] == v for k, v in data["education"].items()) for e in known.education):
            known.education = [*known.education, new]
            known.education_changed = changed = True
    known.changed |= changed
    return changed


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
        if row.outcome == "same" and row.matches[0].reasons == ["imported"]:
            continue  # found by this very trace (see _traced): it is there already
        if person is not None:
            traces.append((row.data.get("fingerprint") or fingerprint(row.data), person.pk, timezone.now()))
    if connection.vendor != "postgresql":
        RowTrace.objects.bulk_create(
            [RowTrace(fingerprint=f, person_id=p, created=c) for f, p, c in traces],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        return
    # one statement, the values as arrays: 10,000 model instances cost more than the insert
    table = connection.ops.quote_name(RowTrace._meta.db_table)
    sql = (
        f"INSERT INTO {table} (fingerprint, person_id, created) "
        "SELECT * FROM unnest(%s::varchar[], %s::bigint[], %s::timestamptz[]) ON CONFLICT DO NOTHING"
    )
    with search.server_cursor() as cursor:
        for start in range(0, len(traces), BATCH * 10):
            chunk = traces[start : start + BATCH * 10]
            cursor.execute(sql, [[trace[i] for trace in chunk] for i in range(3)])


def _documents_of(person: Person, documents: list[dict]) -> list[IdentityDocument]:
    return [
        IdentityDocument(person=person, kind=d["kind"], number=d["number"], country=d.get("country", ""))
        for d in documents
    ]


def _load_known(ids: list[int]) -> dict[int, Known]:
    """The known people `ids`, with their documents and education, as plain values (three queries
    per thousand people)."""
    known: dict[int, Known] = {}
    for start in range(0, len(ids), BATCH * 2):
        chunk = ids[start : start + BATCH * 2]
        for pk, unit_id, *stored in linkage.among(Person.objects.order_by(), "id", chunk).values_list(
            "pk", "unit_id", *KNOWN_FIELDS
        ):
            known[pk] = Known(pk, unit_id, dict(zip(KNOWN_FIELDS, stored, strict=True)), [], [])
        documents = linkage.among(IdentityDocument.objects.order_by("id"), "person_id", chunk)
        for person_id, kind, number, country in documents.values_list("person_id", "kind", "number", "country"):
            known[person_id].documents.append({"kind": kind, "number": number, "country": country})
        # in the model's order (latest first), as person.education.all() gives them
        for person_id, *stored in linkage.among(Education.objects.all(), "person_id", chunk).values_list(
            "person_id", *EDUCATION_FIELDS
        ):
            known[person_id].education.append(dict(zip(EDUCATION_FIELDS, stored, strict=True)))
    return known


def _update_known(user, rows: list) -> tuple[int, int]:
    """Known people gain what the rows know and the registry does not (see `_fill`): returns
    (people updated, rows that changed nothing). People the rows add nothing to are not written at
    all; the others get one UPDATE for all of them, and only the search keys that changed."""
    if not rows:
        return 0, 0
    ids = list(dict.fromkeys(row.target.pk for row in rows))
    known = _load_known(ids)
    missing = [pk for pk in ids if pk not in known]
    if missing:  # deleted since the dry run: as Person.objects.get() would
        raise Person.DoesNotExist(f"Person {missing[0]} no longer exists.")
    unchanged = sum(1 for row in rows if not _add(known[row.target.pk], row.data))
    changed = {pk: state.person() for pk, state in known.items() if state.changed}
    if not changed:
        return 0, unchanged
    people = list(changed.values())
    _check_change(user, people)
    before = history.snapshots(Person, list(changed))  # the database still holds the before-state
    now = timezone.now()
    for person in people:
        history.remember(person, before[person.pk])
        person.updated = now
    # what save() writes for each (no signals: the history entries are remembered above)
    _write_fields(people, (*FILLED, "phones", "emails"), now)
    # documents and education replaced as save_person() replaces them (the delete signals would only
    # re-take before-states)
    documents = [pk for pk in changed if known[pk].documents_changed]
    _raw_delete(IdentityDocument.objects.filter(person_id__in=documents))
    IdentityDocument.objects.bulk_create(
        [d for pk in documents for d in changed[pk]._prefetched_objects_cache["documents"]], batch_size=BATCH
    )
    education = [pk for pk in changed if known[pk].education_changed]
    _raw_delete(Education.objects.filter(person_id__in=education))
    Education.objects.bulk_create(
        [e for pk in education for e in known[pk].education_records(changed[pk])], batch_size=BATCH
    )
    content_type = ContentType.objects.get_for_model(Person)
    search.update_keys(content_type.pk, {person.pk: person.search_keys() for person in people})
    people_changed.send(sender=Person, person_ids=list(changed))
    return len(changed), unchanged


def _write_fields(people: list[Person], names: tuple[str, ...], now) -> None:
    """UPDATE the fields `names` and `updated` of many people. PostgreSQL: one statement for all,
    the values as arrays bound on the server (`UPDATE … FROM unnest(…)`), where `bulk_update`
    builds a CASE per field and Django's per-row update() costs a round trip each."""
    if connection.vendor != "postgresql":
        for person in people:
            Person.objects.filter(pk=person.pk).update(updated=now, **{name: getattr(person, name) for name in names})
        return
    fields = [Person._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    arrays, values = [], [[person.pk for person in people]]
    for field in fields:
        kind = field.db_type(connection).split("(")[0]
        if kind == "jsonb":  # sent as text, read by the server
            arrays.append("%s::text[]")
            values.append([json.dumps(getattr(person, field.attname)) for person in people])
        else:
            arrays.append(f"%s::{kind}[]")
            values.append([getattr(person, field.attname) for person in people])
    columns = ", ".join(quote(field.column) for field in fields)
    assignments = ", ".join(
        f"{quote(field.column)} = v.{quote(field.column)}" + ("::jsonb" if field.db_type(connection) == "jsonb" else "")
        for field in fields
    )
    table = quote(Person._meta.db_table)
    sql = (
        f"UPDATE {table} SET {assignments}, {quote('updated')} = %s "
        f"FROM unnest(%s::bigint[], {', '.join(arrays)}) AS v(id, {columns}) WHERE {table}.id = v.id"
    )
    with search.server_cursor() as cursor:
        for start in range(0, len(people), BATCH * 2):
            chunk = slice(start, start + BATCH * 2)
            cursor.execute(sql, [now, *(column[chunk] for column in values)])


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
    keys: dict[int, dict[str, int]] = {}
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
        keys.update((person.pk, person.search_keys()) for person in people)
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
    # all at once: in one pass in key order, the key indexes' pages are each visited once
    search.write_keys(ContentType.objects.get_for_model(Person).pk, keys)
    return created, queued


def _raw_delete(queryset) -> None:
    """DELETE without loading the rows to send signals one by one."""
    queryset._raw_delete(queryset.db)
