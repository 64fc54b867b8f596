"""Finding and resolving duplicates: the scan that fills the review queue, merge, and "not the same"."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from qiao.core import history, scoping, services
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
    """Compare registry records with each other and queue the likely duplicates. Returns pairs queued."""
    people = Person.objects.all() if people is None else people
    queued, last = 0, 0
    while True:
        chunk = list(people.filter(pk__gt=last).order_by("pk").prefetch_related("documents")[:batch])
        if not chunk:
            break
        last = chunk[-1].pk
        decisions = linkage.link([linkage.Incoming.of(p) for p in chunk], people)
        for person, decision in zip(chunk, decisions, strict=True):
            for candidate in decision.candidates:
                if candidate.score < linkage.REVIEW or candidate.person.pk < person.pk:
                    continue  # each pair once, from its lower id
                _created = DuplicateCandidate.objects.get_or_create(
                    person=person,
                    other=candidate.person,
                    defaults={"score": candidate.score, "reasons": candidate.reasons, "unit_id": person.unit_id},
                )[1]
                queued += _created
        if progress:
            progress(last)
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
