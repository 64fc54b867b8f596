"""Keep the matching index current: a change to what matching reads of a person (the registry record,
talent profile and its fields, education, participations) writes the person's id to IndexChange in
the same transaction, and every process reads those into its delta (index.py). A change to the
taxonomy asks for a rebuild, after commit. Bulk paths that bypass signals call
`index.mark_changed(person_ids)`."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from qiao.activities.models import Participation
from qiao.people.models import Education, Person
from qiao.people.signals import people_changed

from . import taxonomy
from .models import Field, IndexChange, TalentProfile


def _changed(person_id, *, profile_known: bool = False) -> None:
    """Note that `person_id` changed; people without a talent profile are not in the index (a read is
    cheaper than a write on every check-in of people matching never sees)."""
    if person_id and (profile_known or TalentProfile.objects.filter(person_id=person_id).exists()):
        IndexChange.objects.create(person_id=person_id)


@receiver(post_save, sender=Person, dispatch_uid="matching_person_saved")
def person_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if update_fields is not None and set(update_fields) <= {"updated"}:
        return
    if kwargs.get("created"):
        return  # a new person has no talent profile yet: nothing to index
    _changed(instance.pk)


@receiver(post_delete, sender=Person, dispatch_uid="matching_person_deleted")
def person_deleted(sender, instance, **kwargs):
    IndexChange.objects.create(person_id=instance.pk)  # its profile is gone with it: tell the index anyway


@receiver([post_save, post_delete], sender=TalentProfile, dispatch_uid="matching_profile_changed")
def profile_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _changed(instance.person_id, profile_known=True)


# Matches need no signal: the outcomes of earlier matches and a person's stage for a demand are read
# from the database at each query (scoring._outcomes), never kept in the index.
@receiver([post_save, post_delete], sender=Education, dispatch_uid="matching_education_changed")
@receiver([post_save, post_delete], sender=Participation, dispatch_uid="matching_participation_changed")
def person_part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _changed(instance.person_id)


@receiver(m2m_changed, sender=TalentProfile.fields.through, dispatch_uid="matching_profile_fields_changed")
def profile_fields_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _changed(instance.person_id, profile_known=True)
    else:  # a field's profiles changed
        people = TalentProfile.objects.filter(pk__in=pk_set or ()).values_list("person_id", flat=True)
        IndexChange.objects.bulk_create([IndexChange(person_id=pk) for pk in people])


@receiver([post_save, post_delete], sender=Field, dispatch_uid="matching_field_changed")
def field_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    taxonomy.forget()

    def rebuild():
        from django.conf import settings

        from . import index

        index.reset()
        if index.current_name() is None:
            return  # a small database keeps no index: the next query reads the new taxonomy
        from .tasks import rebuild_index

        if settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend"):
            return
        rebuild_index.enqueue()

    transaction.on_commit(rebuild)


@receiver(people_changed, dispatch_uid="matching_people_changed_in_bulk")
def people_changed_in_bulk(sender, person_ids, **kwargs):
    """A bulk path changed these people: note those matching keeps (they have a talent profile)."""
    from . import index

    ids = list(dict.fromkeys(person_ids))
    profiled = []
    for start in range(0, len(ids), 5000):
        profiled += TalentProfile.objects.filter(person_id__in=ids[start : start + 5000]).values_list(
            "person_id", flat=True
        )
    if profiled:
        index.mark_changed(profiled)
