"""Erasure: a person's personal data removed for good, every past figure kept true.

The person's row stays, with its owning unit, region of origin, country, roles and the day it was
recorded, so that participations, cases, services and every count by region, unit, kind, month or
first visit keep counting (qiao.reports.metrics and activities.services.figures read nothing else of a
person). Everything else goes, in one transaction:

- the person: name (replaced by "已删除 #id", unique, so that two erased people never look alike to the
  duplicate scan), Latin name, gender, date of birth, phones, e-mails, employer, title, profile, notes,
  consent text, tags; their search keys;
- records only about them (relations.linked, kind "about"): identity documents, education, affiliations,
  shares, talent profile, import traces, duplicate candidates and "not the same person" pairs are
  deleted; the others (participations, applications, placements, matches, plans, key contacts, public
  roles, services, consents, transfers …) stay for the counts with their free text replaced by 已删除;
- records that only mention them (a project they referred, a case raised through them, a contact log,
  proposals): their name, phones, e-mails and document numbers replaced by 已删除;
- records merged into them earlier (the same person) are erased the same way;
- the change history (ChangeRecord, which refuses save() and delete(): changed here deliberately with
  queryset.update()) of all those records and of the records whose history shows them; the events log
  (ActionLog); the dry-run rows and samples of imports, and the stored file of finished imports, that
  held them; notifications naming them;
- their phones, e-mails and document numbers anywhere else in the database (free text of any model),
  except in other people's own records (a home phone two people give stays with the other one).
"""

from __future__ import annotations

import contextlib
import json
import re
import urllib.parse
from collections import Counter

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao import identity, text
from qiao.core import history, search
from qiao.core.models import ActionLog, ChangeLoggedModel, ChangeRecord, SearchKey

from . import relations, services
from .models import ERASED, ErasureRecord, RetentionFlag, RetentionStatus

# records only about the person: deleted on erasure (the others linked to them stay, their text cleared)
DELETED = {
    "people.IdentityDocument",
    "people.Education",
    "people.PersonShare",
    "people.Affiliation",
    "people.DuplicateCandidate",
    "people.DistinctPair",
    "imports.RowTrace",
    "matching.TalentProfile",
}
# linked records left exactly as they are
UNTOUCHED = {"privacy.ErasureRecord", "people.Person"}
# linked records about the person that are registers of what was done (kept as they are, but for the
# person's own strings)
REGISTERS = {"privacy.Transfer"}
# what stays of the person (everything the figures read)
PERSON_KEPT = {"unit_id", "region", "country", "deleted_at", "deleted_by_id", "merged_into_id", "roles", "created"}
PERSON_CLEARED = {
    "name_latin": "",
    "gender": "",
    "birth_date": None,
    "phones": [],
    "emails": [],
    "employer": "",
    "employer_org": None,
    "title": "",
    "profile": "",
    "consent_date": None,
    "consent_scope": "",
    "consent_source": "",
    "notes": "",
}
CLOSED_IMPORTS = ("committed", "cancelled", "failed")


def placeholder(person_id: int) -> str:
    return f"{ERASED} #{person_id}"


# ---------------------------------------------------------------------------------------------------------
# What identifies the person


class Needles:
    """The person's identifying strings, and how to find and replace them in stored text."""

    def __init__(self, people):
        names, unique = set(), set()
        for person in people:
            for value in (person.name, person.name_latin):
                value = " ".join(str(value or "").split())
                if len(value) >= 2:
                    names.add(value)
                    folded = text.compact(value)
                    if len(folded) >= 2:
                        names.add(folded)
            for phone in person.phones or []:
                digits = "".join(ch for ch in str(phone) if ch.isdigit())
                unique.add(str(phone))
                if len(digits) >= 7:
                    unique.add(digits)
                    for prefix in ("852", "853", "886", "86"):
                        if digits.startswith(prefix) and len(digits) - len(prefix) >= 7:
                            unique.add(digits[len(prefix) :])
            for email in person.emails or []:
                unique.add(str(email))
            for document in person.documents.all():
                unique.add(document.number)
                with contextlib.suppress(Exception):  # a stored number that does not format: the raw one is enough
                    unique.add(identity.format_document(document.kind, document.number))
        self.names = {n for n in names if n}
        self.unique = {u for u in unique if len(u) >= 4}
        self.pattern = self._pattern(self.names | self.unique)
        self.unique_pattern = self._pattern(self.unique)

    @staticmethod
    def _pattern(values):
        forms = set(values)
        for value in values:  # as they appear in URLs (a search logged with its query string)
            forms.add(urllib.parse.quote(value))
            forms.add(urllib.parse.quote_plus(value))
        if not forms:
            return None
        return re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)), re.I)

    @staticmethod
    def _stored(values) -> set[str]:
        """The forms a value takes in stored text: as it is, and inside JSON on SQLite (\\uXXXX escapes)."""
        out = set()
        for value in values:
            out.add(value)
            escaped = json.dumps(value)[1:-1]
            out.add(escaped)
            out.add(urllib.parse.quote(value))
            out.add(urllib.parse.quote_plus(value))
        return out

    def q(self, column: str, names: bool = True, cast: bool = False) -> Q:
        """A filter: rows whose `column` holds one of the strings (the names only when `names`)."""
        values = self._stored(self.unique | (self.names if names else set()))
        lookup = f"{column}_text__icontains" if cast else f"{column}__icontains"
        condition = Q(pk__in=[])
        for value in values:
            condition |= Q(**{lookup: value})
        return condition

    def redact(self, value, names: bool = True):
        """`value` (text, or JSON of any depth) with the strings (the names too unless `names` is False)
        replaced by 已删除."""
        pattern = self.pattern if names else self.unique_pattern
        if pattern is None:
            return value
        if isinstance(value, str):
            return pattern.sub(ERASED, value)
        if isinstance(value, list):
            return [self.redact(v, names) for v in value]
        if isinstance(value, dict):
            return {k: self.redact(v, names) for k, v in value.items()}
        return value


def blank(value):
    """A value with nothing left: text → 已删除, lists and objects emptied, numbers and flags kept."""
    if isinstance(value, str):
        return ERASED if value else value
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    return value


def blank_all(value):
    """Every text inside `value` replaced, its shape (and numbers: ids, counts) kept."""
    if isinstance(value, str):
        return ERASED if value else value
    if isinstance(value, list):
        return [blank_all(v) for v in value]
    if isinstance(value, dict):
        return {k: blank_all(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------------------------------------


def erase(person, user, reason: str, confirm_name: str | None = None) -> ErasureRecord:
    """Erase `person`'s personal data (see the module docstring). Managers of the owning unit only;
    `confirm_name`, when given, must be the person's name as written (the confirmation page)."""
    from qiao.people.models import Person

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason for the erasure (e.g. the person's request and its date).")}
        )
    with services.as_actor(user), transaction.atomic():
        stored = Person.all_objects.select_for_update().filter(pk=person.pk).first()
        if stored is None:
            raise ValidationError(_("No such person."))
        if not services.may_manage(user, stored):
            raise PermissionDenied(_("Only a manager of the person's own unit can do this."))
        if services.is_erased(stored):
            raise ValidationError(_("This person's personal data have been erased already."), code="erased")
        if confirm_name is not None and " ".join(confirm_name.split()) != " ".join(stored.name.split()):
            raise ValidationError({"confirm_name": _("Type the person's name exactly as shown to confirm.")})
        people = _with_merged(stored)
        needles = Needles(people)
        _refuse_open_imports(people, needles)
        job = _Erasure(people, needles)
        job.run()
        reason = needles.redact(reason)
        record = ErasureRecord.objects.create(
            person=stored,
            by=user if getattr(user, "is_authenticated", False) else None,
            by_name=user.get_username() if getattr(user, "is_authenticated", False) else "",
            reason=reason,
            counts_kept=dict(job.kept),
            cleared=dict(job.cleared),
        )
        RetentionFlag.objects.filter(person__in=people, status=RetentionStatus.OPEN).update(
            status=RetentionStatus.ERASED,
            decided_by=user if getattr(user, "is_authenticated", False) else None,
            decided_at=timezone.now(),
        )
        ActionLog.record(
            "qiao.privacy.erased",
            stored,
            merged=[p.pk for p in people[1:]],
            kept=dict(job.kept),
            cleared=dict(job.cleared),
        )
    return record


def _with_merged(person) -> list:
    """The person and every record merged into them (directly or through another merged record)."""
    from qiao.people.models import Person

    people, frontier = [person], [person.pk]
    while frontier:
        found = list(Person.all_objects.filter(merged_into_id__in=frontier).exclude(pk__in=[p.pk for p in people]))
        people += found
        frontier = [p.pk for p in found]
    return people


def _refuse_open_imports(people, needles: Needles) -> None:
    """An import still open (not committed or cancelled) that holds the person would bring them back."""
    from qiao.imports.models import ImportBatch, ImportRow

    rows = ImportRow.objects.annotate(matches_text=Cast("matches", TextField())).filter(
        Q(label__in=needles.names) | needles.q("matches", names=False, cast=True) | _ids_in_matches(people)
    )
    batches = ImportBatch.objects.exclude(status__in=CLOSED_IMPORTS).filter(
        Q(pk__in=rows.values("batch")) | Q(pk__in=_batches_with_sample(needles))
    )
    open_batches = sorted(batches.values_list("pk", flat=True))
    if open_batches:
        raise ValidationError(
            _("Imports still open hold this person (%(batches)s): commit or cancel them first.")
            % {"batches": ", ".join(f"#{pk}" for pk in open_batches)},
            code="open_import",
        )


def _ids_in_matches(people) -> Q:
    condition = Q(pk__in=[])
    for person in people:
        for form in (f'"id": {person.pk},', f'"id": {person.pk}}}', f'"id":{person.pk},', f'"id":{person.pk}}}'):
            condition |= Q(matches_text__contains=form)
    return condition


def _batches_with_sample(needles: Needles):
    from qiao.imports.models import ImportBatch

    return (
        ImportBatch.objects.annotate(sample_text=Cast("sample", TextField()))
        .filter(needles.q("sample", cast=True))
        .values("pk")
    )


class _Erasure:
    def __init__(self, people, needles: Needles):
        self.people = people
        self.ids = [p.pk for p in people]
        self.needles = needles
        self.kept: Counter = Counter()
        self.cleared: Counter = Counter()
        # history scrubbing: (model, pk) → how
        self.whole: set = set()  # every text value replaced
        self.fields: dict = {}  # (model, pk) → attnames cleared
        self.mentions: set = set()  # the person's strings replaced
        self.reindex: dict = {}  # searchable model → pks whose text changed
        self.log_whole: set = set()
        self.seen: set = set()  # (model label, pk) of linked records done (a pair links a person twice)

    def run(self) -> None:
        from qiao.people.models import Person

        found = [(person, relations.linked(person)) for person in self.people]
        for person in self.people:
            self.whole.add((Person, person.pk))
        with history.capture():
            for _person, items in found:
                for item in items:
                    self._linked(item)
            for person in self.people:
                self._person(person)
        self._history()
        self._logs()
        self._imports()
        self._notifications()
        self._everywhere()
        for model, pks in self.reindex.items():
            search.index(model._base_manager.filter(pk__in=pks), model)
        SearchKey.objects.filter(
            content_type=ContentType.objects.get_for_model(Person), object_id__in=self.ids
        ).delete()

    # the records -------------------------------------------------------------------------------------

    def _person(self, person) -> None:
        from qiao.people.models import Person

        values = dict(PERSON_CLEARED)
        values.update(name=placeholder(person.pk), updated=timezone.now())
        Person.all_objects.filter(pk=person.pk).update(**values)
        person.tags.clear()
        self.cleared["people.Person"] += 1
        self._index_change(person.pk)

    def _index_change(self, person_id: int) -> None:
        """The matching engine reads its index again for this person (their talent profile is gone)."""
        try:
            model = apps.get_model("matching", "IndexChange")
        except LookupError:
            return
        model.objects.create(person_id=person_id)

    def _linked(self, item) -> None:
        label = item.link.model._meta.label
        if label in UNTOUCHED:
            return
        objects = item.objects
        objects = [o for o in objects if (label, o.pk) not in self.seen]
        self.seen.update((label, o.pk) for o in objects)
        if not objects:
            return
        if label in DELETED:
            self._note_whole(objects)
            item.link.model._base_manager.filter(pk__in=[o.pk for o in objects]).delete()
            self.cleared[label] += len(objects)
            return
        if item.link.kind == "about" and label not in REGISTERS:
            self._clear(item.link.model, objects)
            self.kept[label] += len(objects)
            for key, parts in item.parts.items():
                if parts:
                    self._clear(type(parts[0]), parts)
                    self.kept[key.rsplit(".", 1)[0]] += len(parts)
        else:
            self._mention(item.link.model, objects)
            self.kept[label] += len(objects)

    def _note_whole(self, objects) -> None:
        for obj in objects:
            self.whole.add((type(obj), obj.pk))
            self.log_whole.add((type(obj), obj.pk))
            self._root(obj)

    def _root(self, obj) -> None:
        if isinstance(obj, ChangeLoggedModel):
            root = obj.history_root()
            if root is not None and (type(root), root.pk) != (type(obj), obj.pk):
                self.mentions.add((type(root), root.pk))

    def _clear(self, model, objects) -> None:
        """Free text of records about the person → 已删除; their files removed."""
        fields = relations.text_fields(model)
        files = relations.file_fields(model)
        for obj in objects:
            changes = {}
            for f in fields:
                value = getattr(obj, f.attname)
                if value in (None, "", [], {}):
                    continue
                if isinstance(f, models.JSONField):
                    changes[f.attname] = blank(value)
                elif f.unique or (f.max_length is not None and f.max_length < len(ERASED)):
                    changes[f.attname] = self.needles.redact(value)
                else:
                    changes[f.attname] = ERASED
            for f in files:
                stored = getattr(obj, f.attname)
                if stored:
                    stored.delete(save=False)
                    changes[f.attname] = ""
            if changes:
                model._base_manager.filter(pk=obj.pk).update(**changes)
            self.fields[(model, obj.pk)] = set(changes)
            self._root(obj)
            self._searchable(model, obj.pk)

    def _mention(self, model, objects) -> None:
        """Records of others that name the person: the person's strings replaced."""
        fields = relations.text_fields(model)
        for obj in objects:
            changes = {}
            for f in fields:
                value = getattr(obj, f.attname)
                redacted = self.needles.redact(value)
                if redacted != value:
                    changes[f.attname] = redacted
            if changes:
                model._base_manager.filter(pk=obj.pk).update(**changes)
                self._searchable(model, obj.pk)
            self.mentions.add((model, obj.pk))
            self._root(obj)

    def _searchable(self, model, pk) -> None:
        if issubclass(model, search.SearchableModel):
            self.reindex.setdefault(model, set()).add(pk)

    # history and logs ---------------------------------------------------------------------------------

    def _about(self, keys) -> Q:
        by_model: dict = {}
        for model, pk in keys:
            by_model.setdefault(model, set()).add(pk)
        condition = Q(pk__in=[])
        for model, pks in by_model.items():
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            condition |= Q(content_type=content_type, object_id__in=sorted(pks))
        return condition

    def _history(self) -> None:
        """ChangeRecord refuses save() and delete(); its before/after are scrubbed here with update()."""
        from qiao.people.models import Person

        every = self.whole | set(self.fields) | self.mentions
        changes = ChangeRecord.objects.annotate(
            before_text=Cast("before", TextField()), after_text=Cast("after", TextField())
        )
        condition = (
            self._about(every)
            | self.needles.q("before", names=False, cast=True)
            | self.needles.q("after", names=False, cast=True)
        )
        person_type = ContentType.objects.get_for_model(Person)
        for change in changes.filter(condition).select_related("content_type").iterator():
            model = change.content_type.model_class()
            key = (model, change.object_id)
            if key in self.whole:
                person = change.content_type_id == person_type.pk
                before, after = (self._whole(change.before, person), self._whole(change.after, person))
                name = placeholder(change.object_id) if person else ERASED
            else:
                cleared = self.fields.get(key, set())
                before = self.needles.redact(_blank_keys(change.before, cleared))
                after = self.needles.redact(_blank_keys(change.after, cleared))
                name = self.needles.redact(change.object_repr)
            if (before, after, name) != (change.before, change.after, change.object_repr):
                ChangeRecord.objects.filter(pk=change.pk).update(before=before, after=after, object_repr=name)
                self.cleared["core.ChangeRecord"] += 1

    @staticmethod
    def _whole(data, person: bool):
        if not isinstance(data, dict):
            return data
        if not person:
            return blank_all(data)
        out = {}
        for key, value in data.items():
            if key in PERSON_KEPT:
                out[key] = value
            elif key == "employer_org_id":
                out[key] = None
            else:
                out[key] = blank(value) if not isinstance(value, (int, float, bool)) or value is None else value
        return out

    def _logs(self) -> None:
        logs = ActionLog.objects.annotate(data_text=Cast("data", TextField()))
        whole = self._about(self.whole)
        condition = whole | self._about(set(self.fields) | self.mentions) | self.needles.q("data", cast=True)
        whole_ids = set(logs.filter(whole).values_list("pk", flat=True))
        for log in logs.filter(condition).iterator():
            data = blank_all(log.data) if log.pk in whole_ids else self.needles.redact(log.data)
            if data != log.data:
                ActionLog.objects.filter(pk=log.pk).update(data=data)
                self.cleared["core.ActionLog"] += 1

    def _imports(self) -> None:
        """Dry-run rows and samples of imports that held the person; the stored file of finished ones."""
        from qiao.imports.models import ImportBatch, ImportRow

        rows = ImportRow.objects.annotate(matches_text=Cast("matches", TextField())).filter(
            Q(label__in=self.needles.names) | self.needles.q("matches", cast=True) | _ids_in_matches(self.people)
        )
        batches = set()
        for row in rows.iterator():
            matches = [m for m in row.matches or [] if not (isinstance(m, dict) and m.get("id") in self.ids)]
            label = ERASED if row.label in self.needles.names else self.needles.redact(row.label)
            ImportRow.objects.filter(pk=row.pk).update(label=label, matches=self.needles.redact(matches))
            batches.add(row.batch_id)
            self.cleared["imports.ImportRow"] += 1
        sampled = ImportBatch.objects.filter(pk__in=_batches_with_sample(self.needles))
        for batch in sampled:
            ImportBatch.objects.filter(pk=batch.pk).update(sample=self.needles.redact(batch.sample))
            batches.add(batch.pk)
        dropped = ImportBatch.objects.filter(pk__in=batches, status__in=CLOSED_IMPORTS).exclude(content=None)
        self.cleared["imports.ImportBatch"] += dropped.update(content=None)

    def _notifications(self) -> None:
        try:
            model = apps.get_model("notifications", "Notification")
        except LookupError:
            return
        for note in model.objects.filter(self.needles.q("subject")):
            model.objects.filter(pk=note.pk).update(subject=self.needles.redact(note.subject))
            self.cleared["notifications.Notification"] += 1

    def _everywhere(self) -> None:
        """The person's phones, e-mails and document numbers in any other free text of the database (not
        in other people's own records, where they are those people's data too)."""
        if not self.needles.unique:
            return
        skip = {"people.Person", "people.IdentityDocument", "core.SearchKey", "core.ChangeRecord", "core.ActionLog"}
        for model in apps.get_models():
            if model._meta.label in skip or model._meta.proxy or not model._meta.managed:
                continue
            fields = relations.text_fields(model)
            if not fields:
                continue
            queryset = model._base_manager.all()
            condition = Q(pk__in=[])
            casts = {}
            for f in fields:
                if isinstance(f, models.JSONField):
                    casts[f"{f.attname}_text"] = Cast(f.attname, TextField())
                    condition |= self.needles.q(f.attname, names=False, cast=True)
                else:
                    condition |= self.needles.q(f.attname, names=False)
            for obj in queryset.annotate(**casts).filter(condition).iterator():
                changes = {}
                for f in fields:
                    value = getattr(obj, f.attname)
                    redacted = self.needles.redact(value, names=False)
                    if redacted != value:
                        changes[f.attname] = redacted
                if changes:
                    model._base_manager.filter(pk=obj.pk).update(**changes)
                    self._searchable(model, obj.pk)
                    self.cleared[model._meta.label] += 1


def _blank_keys(data, keys: set):
    if not isinstance(data, dict) or not keys:
        return data
    return {k: (blank(v) if k in keys else v) for k, v in data.items()}
