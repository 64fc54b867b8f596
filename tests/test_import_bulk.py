"""The people import writes in bulk; what it writes must be what saving row by row writes.

`reference_commit` is the row-by-row commit (save_person() per row) the bulk path replaced. The same
plan is committed both ways, each in a transaction rolled back afterwards, and the records, search
keys and history entries are compared field by field (ids aside)."""

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from qiao.core import services
from qiao.core.models import ActionLog, ChangeRecord, SearchKey
from qiao.imports import headers, readers
from qiao.imports import services as imports
from qiao.imports.kinds import people as kind
from qiao.people.models import DuplicateCandidate, Person
from qiao.people.services import save_person

HEADER = [
    "姓名",
    "英文姓名",
    "性別",
    "出生日期",
    "證件類型",
    "證件號碼",
    "手機",
    "電郵",
    "來源地",
    "学历",
    "毕业院校",
    "领域",
]
ROWS = [
    # known (陳大文): gains a phone, an e-mail, a permit and a degree
    ["陈大文", "Tai Man CHAN", "男", datetime.date(1990, 5, 4), "回鄉證", "H12345678", "(852) 9123 4567",
     "tm@example.org", "香港", "硕士", "香港大學", "金融科技、人工智能"],
    # the same person again in the same file: nothing more to add
    ["陳大文", "CHAN Tai Man", "男", datetime.date(1990, 5, 4), "香港身份證", "A123456(3)", "", "", "香港", "", "", ""],
    # new people, one with tags folding to the same tag (陳/陈 do not occur in tags, 人工智能 twice)
    ["林美玲", "LIN Mei-ling", "女", "1993年8月20日", "台灣身分證", "A123456789", "0912345678", "ml@example.org",
     "臺灣", "本科", "國立臺灣大學", "人工智能, 半导体"],
    ["何嘉欣", "HO Ka Yan", "女", 35000, "回鄉證", "M12345678", "853-6612-3456", "", "澳門", "", "", "人工智能"],
    # a namesake without date of birth: review, created and queued
    ["陳大文", "CHAN Tai Man", "", "", "", "", "", "", "", "", "", ""],
]  # fmt: skip


def workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["2024年交流團名單"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def make_plan(user, rows=ROWS):
    sheet = readers.read_table(workbook(rows), "list.xlsx", isolate=False)
    return imports.plan(user, sheet, headers.guess_mapping(sheet.headers, "people"))


def reference_commit(user, unit, plan, *, skip_invalid=False, source=""):
    """The former commit: save_person() for every row."""
    written = {"created": 0, "updated": 0, "unchanged": 0, "queued": 0, "skipped": 0}
    with services.writing():
        for row in plan.rows:
            data = row.data
            if row.outcome == "error":
                written["skipped"] += 1
                continue
            if row.outcome == "same":
                person = Person.objects.get(pk=row.target.pk)
                changed, documents, education = kind._fill(person, data)
                if changed:
                    save_person(user, person, documents=documents, education=education)
                    written["updated"] += 1
                else:
                    written["unchanged"] += 1
                continue
            person = Person(
                unit=unit,
                **{k: data[k] for k in (*kind.SCALARS, "gender", "birth_date", "region", "country") if data.get(k)},
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
            if row.outcome == "review":
                best = row.matches[0]
                DuplicateCandidate.objects.get_or_create(
                    person=person,
                    other=best.target,
                    defaults={"score": best.score, "reasons": best.reasons, "unit_id": unit.pk},
                )
                written["queued"] += 1
        ActionLog.record("qiao.import.committed", unit, kind="people", source=source, **written)
    return written


def outcome_of(commit, user, unit, plan):
    """Commit, describe everything written without ids, and roll back."""
    first_change = ChangeRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
    content_type = ContentType.objects.get_for_model(Person)
    with transaction.atomic():
        counts = commit(user, unit, plan, source="list.xlsx")
        people = []
        for person in Person.objects.order_by("pk").prefetch_related("documents", "education", "tags"):
            keys = sorted(
                SearchKey.objects.filter(content_type=content_type, object_id=person.pk).values_list("key", "weight")
            )
            fields = {f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields}
            for volatile in ("id", "created", "updated"):
                fields.pop(volatile)
            people.append(
                (
                    fields,
                    [(d.kind, d.number, d.country) for d in person.documents.all()],
                    [(e.degree, e.institution, e.country, e.field, e.year) for e in person.education.all()],
                    sorted(t.name for t in person.tags.all()),
                    keys,
                )
            )
        ids = {pk: index for index, pk in enumerate(Person.objects.order_by("pk").values_list("pk", flat=True))}
        changes = [
            (ids.get(c.object_id), c.action, c.object_repr, c.user_name, c.before, c.after)
            for c in ChangeRecord.objects.filter(id__gt=first_change).order_by("id")
        ]
        queued = [
            (ids[d.person_id], ids[d.other_id], d.score, d.reasons, d.unit_id) for d in DuplicateCandidate.objects.all()
        ]
        transaction.set_rollback(True)
    return counts, people, changes, queued


@pytest.fixture
def known(network, make_person):
    return make_person(
        network["a"],
        "陳大文",
        name_latin="CHAN Tai Man",
        birth_date=datetime.date(1990, 5, 4),
        documents=[{"kind": "hkid", "number": "A1234563"}],
        region="HK",
    )


def test_bulk_commit_writes_what_saving_row_by_row_writes(network, make_user, known):
    from qiao.core.context import acting

    staff = make_user("staff-a", network["a"], "staff")
    plan = make_plan(staff)
    assert [row.outcome for row in plan.rows] == ["same", "same", "new", "new", "review"]
    with acting(user=staff, source="command"):
        bulk = outcome_of(kind.commit, staff, network["a"], plan)
        rowwise = outcome_of(reference_commit, staff, network["a"], plan)
    assert bulk[0] == rowwise[0] == {"created": 3, "updated": 1, "unchanged": 1, "queued": 1, "skipped": 0}
    assert bulk[1] == rowwise[1]  # people, documents, education, tags and search keys
    assert bulk[2] == rowwise[2]  # history: one entry per person, in row order, same before and after
    assert bulk[3] == rowwise[3]  # the review queue
    actions = [(index, action) for index, action, *_rest in bulk[2]]
    assert actions == [(0, "update"), (1, "create"), (2, "create"), (3, "create")]


def test_bulk_commit_is_idempotent(network, make_user, known):
    staff = make_user("staff-a", network["a"], "staff")
    rows = ROWS[:4]  # (a review row creates a person each time, by design: a reviewer merges)
    first = imports.commit(staff, network["a"], make_plan(staff, rows))
    assert first == {"created": 2, "updated": 1, "unchanged": 1, "queued": 0, "skipped": 0}
    changes, keys = ChangeRecord.objects.count(), SearchKey.objects.count()
    again = imports.commit(staff, network["a"], make_plan(staff, rows))
    assert again == {"created": 0, "updated": 0, "unchanged": 4, "queued": 0, "skipped": 0}
    assert ChangeRecord.objects.count() == changes and SearchKey.objects.count() == keys


def test_bulk_commit_checks_the_right_to_change_known_people(network, make_user, known):
    from qiao.people.services import share_person

    manager = make_user("manager-a", network["a"], "manager")
    share_person(manager, known, network["b"], access="view")
    b_staff = make_user("staff-b", network["b"], "staff")
    plan = make_plan(b_staff, ROWS[:1] + ROWS[2:3])
    assert plan.rows[0].outcome == "same"  # shared for viewing: linked, but not changeable
    people, changes = Person.objects.count(), ChangeRecord.objects.count()
    with pytest.raises(PermissionDenied):
        imports.commit(b_staff, network["b"], plan)
    assert Person.objects.count() == people and ChangeRecord.objects.count() == changes  # nothing half-written


def test_batched_snapshots_are_the_snapshots_of_one_record(network, make_user, known):
    from qiao.core import history
    from qiao.people.models import PersonRole
    from qiao.people.services import share_person

    manager = make_user("manager-a", network["a"], "manager")
    role = PersonRole.objects.first() or PersonRole.objects.create(code="speaker-x", name="讲者")
    save_person(
        manager,
        known,
        documents=[
            {"kind": "hkid", "number": "A1234563"},
            {"kind": "passport", "number": "K12345678", "country": "英国"},
        ],
        education=[{"degree": "master", "institution": "香港大學", "year": 2015}, {"degree": "bachelor", "year": 2012}],
        tags=["金融科技", "人工智能"],
        roles=[role],
    )
    share_person(manager, known, network["b"], access="view", note="协助联络")
    other = Person.objects.create(unit=network["a"], name="林美玲")
    people = list(Person.objects.filter(pk__in=[known.pk, other.pk]))
    batched = history._snapshots(Person, people)
    assert batched == {p.pk: history.snapshot(p) for p in people}
    assert batched[known.pk]["tags"] == ["人工智能", "金融科技"] and len(batched[known.pk]["documents"]) == 2


def test_updating_keys_writes_only_those_that_changed(network, known):
    """search.update_keys leaves a record's unchanged keys in place and ends with exactly the keys a
    full rewrite gives (the import's updated people, every save through search.index)."""
    from qiao.core import search

    content_type = ContentType.objects.get_for_model(Person)
    stored = dict(SearchKey.objects.filter(content_type=content_type, object_id=known.pk).values_list("key", "id"))
    known.phones = ["+85291234567"]
    wanted = known.search_keys()
    assert search.update_keys(content_type.pk, {known.pk: wanted}) == len(wanted)
    after = dict(SearchKey.objects.filter(content_type=content_type, object_id=known.pk).values_list("key", "id"))
    assert sorted(after) == sorted(wanted) and set(after) - set(stored) == {"85291234567", "91234567"}
    assert all(after[key] == pk for key, pk in stored.items())  # the others were not rewritten
    known.name_latin = ""  # a key's weight changes too: rewritten
    wanted = known.search_keys()
    search.update_keys(content_type.pk, {known.pk: wanted})
    rows = SearchKey.objects.filter(content_type=content_type, object_id=known.pk)
    assert sorted(rows.values_list("key", "weight")) == sorted(wanted.items())
    assert search.update_keys(content_type.pk, {known.pk: {}}) == 0 and not rows.exists()


def test_the_bulk_commit_stamps_every_person_it_writes(network, make_user, known):
    """`updated` moves for every person created or updated (whoever keeps an index of changed people
    reads it), and only for them."""
    staff = make_user("staff-a", network["a"], "staff")
    bystander = Person.objects.create(unit=network["a"], name="林美玲")
    before = {p.pk: p.updated for p in Person.objects.all()}
    started = timezone.now()
    imports.commit(staff, network["a"], make_plan(staff, ROWS[:4]))
    stamps = dict(Person.objects.values_list("pk", "updated"))
    assert stamps[known.pk] >= started > before[known.pk]
    assert stamps[bystander.pk] == before[bystander.pk]
    created = [pk for pk in stamps if pk not in before]
    assert len(created) == 2 and all(stamps[pk] >= started for pk in created)
