"""Finding and resolving duplicates: the scan that fills the review queue, merge, and "not the same"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from qiao.core import history, scoping, search, services
from qiao.core.models import ActionLog

from . import linkage
from .models import DistinctPair, DuplicateCandidate, IdentityDocument, Person, PersonShare, ReviewStatus

# Fields a reviewer picks from one side or the other; list fields are joined instead.
CHOOSABLE = (
    "name",
    "name_latin",
    "gender",
    "birth_date",
    "region",
    "country",
    "employer",
    "employer_org",
    "title",
    "profile",
    "consent_date",
    "consent_scope",
    "consent_source",
    "notes",
    "unit",
)
JOINED = ("phones", "emails")


def scan(people=None, *, batch: int = 2000, progress: Callable[[int], None] | None = None) -> int:
    """Compare registry records with each other and queue the likely duplicates. Returns pairs queued.

    Blocking, then scoring: one pass over the people (`batch` at a time, in id order; `progress`
    gets the last id read) puts each person under a few blocking keys — each identity document,
    phone and e-mail; the written name folded across scripts and the romanised name's tokens, each
    with the date of birth; and, for names some record holds without a date of birth, the names
    alone. Every pair sharing a key (keys held by more than linkage.MAX_PER_KEY people are too
    common to compare) is scored by `linkage` exactly as an incoming row would be, and pairs at
    linkage.REVIEW or above are queued once, from their lower id. Keys are kept as 64-bit hashes:
    a collision only adds a pair to score. A million people scan in minutes, in about 1 GB.
    """
    people = Person.objects.all() if people is None else people
    undated_names = set()
    for name, latin in people.filter(birth_date__isnull=True).values_list("name", "name_latin").iterator():
        undated_names.update(_name_blocks(name, latin))
    first: dict[int, int] = {}  # block → the first person under it
    more: dict[int, list[int]] = {}  # block → everyone under it, once a second person arrives
    last = 0
    while True:
        rows = list(
            people.filter(pk__gt=last)
            .order_by("pk")
            .values_list("id", "name", "name_latin", "birth_date", "phones", "emails")[:batch]
        )
        if not rows:
            break
        last = rows[-1][0]
        documents = defaultdict(list)
        for pk, kind, number in IdentityDocument.objects.filter(person_id__in=[r[0] for r in rows]).values_list(
            "person_id", "kind", "number"
        ):
            documents[pk].append((kind, number))
        for pk, name, latin, birth, phones, emails in rows:
            blocks = {hash(("d", kind, number)) for kind, number in documents.get(pk, ())}
            blocks.update(hash(("p", phone)) for phone in phones or [])
            blocks.update(hash(("e", str(email).lower())) for email in emails or [])
            names = _name_blocks(name, latin)
            if birth:
                blocks.update(hash((block, birth)) for block in names)
            blocks.update(block for block in names if block in undated_names)
            for block in blocks:
                if block in more:
                    more[block].append(pk)
                elif block in first:
                    more[block] = [first.pop(block), pk]
                else:
                    first[block] = pk
        if progress:
            progress(last)
    del first
    pairs = set()
    for members in more.values():
        if len(members) <= linkage.MAX_PER_KEY:
            members = sorted(set(members))
            pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    del more
    with search.server_binding():
        return _queue(people, sorted(pairs))


def _name_blocks(name: str, latin: str) -> set[int]:
    blocks = {hash(("n", linkage._compact(name)))} if name else set()
    if latin:
        blocks.add(hash(("l", linkage._tokens(latin))))
    return blocks


def _queue(people, pairs: list[tuple[int, int]]) -> int:
    """Score candidate pairs (lower id first) and queue those worth a reviewer's look."""
    refused = set(DistinctPair.objects.values_list("first_id", "second_id"))
    queued = 0
    for start in range(0, len(pairs), 20_000):
        chunk = [pair for pair in pairs[start : start + 20_000] if pair not in refused]
        ids = {pk for pair in chunk for pk in pair}
        records, documents = linkage._records(people, ids)
        existing = set()  # queued before, either way round (an import queues a new record first)
        for a, b in DuplicateCandidate.objects.filter(person_id__in=ids, other_id__in=ids).values_list(
            "person_id", "other_id"
        ):
            existing.add((min(a, b), max(a, b)))
        found = []
        for a, b in chunk:
            if a not in records or b not in records or (a, b) in existing:
                continue
            mine = records[a]
            incoming = linkage.Incoming(
                name=mine["name"],
                name_latin=mine["name_latin"],
                birth_date=mine["birth_date"],
                gender=mine["gender"],
                region=mine["region"],
                documents=sorted(documents.get(a, ())),
                phones=list(mine["phones"] or []),
                emails=list(mine["emails"] or []),
                person_id=a,
            )
            score, reasons = linkage._evaluate(incoming, records[b], documents.get(b, set()))
            if score >= linkage.REVIEW:
                found.append(
                    DuplicateCandidate(person_id=a, other_id=b, score=score, reasons=reasons, unit_id=mine["unit_id"])
                )
        DuplicateCandidate.objects.bulk_create(found, batch_size=1000)
        queued += len(found)
    return queued


def _check_both(user, survivor: Person, other: Person) -> None:
    if survivor.pk == other.pk:
        raise ValidationError(_("A person cannot be merged with themselves."))
    reachable = Person.objects.restrict(user, "change").filter(pk__in=[survivor.pk, other.pk]).count()
    if reachable != 2 or not scoping.may(user, "delete", other.unit_id):
        raise PermissionDenied(_("Merging needs the right to change both records and to delete the merged one."))


def merge(user, survivor: Person, other: Person, choices: dict[str, str] | None = None) -> Person:
    """Fold `other` into `survivor`: chosen values, joined lists, every link moved; `other` is kept,
    deleted and marked merged, and its full before-state stays in history."""
    choices = choices or {}
    with services.writing():
        survivor = Person.objects.select_for_update().get(pk=survivor.pk)
        other = Person.objects.select_for_update().get(pk=other.pk)
        _check_both(user, survivor, other)
        history.touch(survivor)
        history.touch(other)  # links move by queryset updates; the history keeps both before-states
        before = {"survivor": history.snapshot(survivor), "merged": history.snapshot(other)}
        for name in CHOOSABLE:
            if choices.get(name) == "other":
                setattr(survivor, name, getattr(other, name))
        for name in JOINED:
            setattr(
                survivor, name, list(dict.fromkeys([*(getattr(survivor, name) or []), *(getattr(other, name) or [])]))
            )
        survivor.save()
        _move_links(survivor, other)
        survivor.tags.add(*other.tags.all())
        survivor.roles.add(*other.roles.all())
        other.merged_into = survivor
        other.save(update_fields=["merged_into"])
        other.soft_delete(user)
        DuplicateCandidate.objects.filter(
            models.Q(person=other) | models.Q(other=other), status=ReviewStatus.OPEN
        ).update(status=ReviewStatus.MERGED)
        from qiao.core import search

        search.index([survivor])
        ActionLog.record("qiao.person.merged", survivor, merged=other.pk, choices=choices, before=before)
    return survivor


def _move_links(survivor: Person, other: Person) -> None:
    """Every record that points at `other` now points at `survivor` (documents, relations, and any
    model added later), except where the survivor already has the same thing."""
    known = {(d.kind, d.number) for d in survivor.documents.all()}
    IdentityDocument.objects.filter(person=other, kind__in=[k for k, _n in known]).filter(
        number__in=[n for _k, n in known]
    ).delete()
    PersonShare.objects.filter(person=other, unit__in=survivor.shares.values("unit")).delete()
    for relation in Person._meta.related_objects:  # plain many-to-many links: contacts, founders, authors …
        through = getattr(relation, "through", None)
        if not relation.many_to_many or through is None or not through._meta.auto_created:
            continue
        mine, theirs = relation.field.m2m_reverse_field_name(), relation.field.m2m_field_name()
        already = through.objects.filter(**{mine: survivor}).values(theirs)
        through.objects.filter(**{mine: other}).exclude(**{f"{theirs}__in": already}).update(**{mine: survivor})
        through.objects.filter(**{mine: other}).delete()
    for relation in Person._meta.related_objects:
        if not relation.one_to_many or relation.related_model in (DistinctPair, DuplicateCandidate):
            continue
        if relation.field.name == "merged_into":
            continue
        if hasattr(relation.related_model, "before_merge"):  # records that may exist once per person
            relation.related_model.before_merge(survivor, other)
        relation.related_model._base_manager.filter(**{relation.field.name: other}).update(
            **{relation.field.name: survivor}
        )
        if hasattr(relation.related_model, "after_merge"):  # records with figures derived from them
            relation.related_model.after_merge(survivor, other)


def mark_distinct(user, first: Person, second: Person) -> DistinctPair:
    """Remember that two records are different people."""
    a, b = sorted([first, second], key=lambda p: p.pk)
    with services.writing():
        if Person.objects.restrict(user, "change").filter(pk__in=[a.pk, b.pk]).count() != 2:
            raise PermissionDenied(_("You may only decide about people you may change."))
        pair, _created = DistinctPair.objects.get_or_create(first=a, second=b, defaults={"decided_by": user})
        DuplicateCandidate.objects.filter(
            models.Q(person=a, other=b) | models.Q(person=b, other=a), status=ReviewStatus.OPEN
        ).update(status=ReviewStatus.DISTINCT)
        ActionLog.record("qiao.person.distinct", a, other=b.pk)
    return pair
