"""Every record about a person, found through Django's model metadata: any model with a foreign key,
one-to-one or many-to-many field to Person is included, so that a new app's records are exported,
erased and weighed by the retention review without changes here.

Each link is of one of two kinds:

- "about": the record is about the person (their documents, participations, matches, consents …):
  its free text is the person's data. Records under it (a placement under an application, the tasks
  of a plan) are about the person too.
- "mention": the record belongs to someone else and names the person (a project they referred, a case
  an enterprise raised through them, a contact log with several people): only the person's own
  values in it are personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

# (model label, field name) of links that only mention the person; every many-to-many link does too
MENTIONS = {
    ("projects.Project", "referral_person"),
    ("ledger.Case", "raised_by"),
}


@dataclass
class Link:
    model: type[models.Model]
    field: str  # the field on `model` that points at the person
    kind: str  # "about" or "mention"
    many: bool  # a many-to-many field

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field}"


@dataclass
class Found:
    link: Link
    objects: list
    parts: dict = field(default_factory=dict)  # "app.Model.field" → [objects under these records]


def person_links() -> list[Link]:
    """Every relation another model (or Person itself, for merged records) has to Person."""
    from qiao.people.models import Person

    links = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete):
            continue
        model = rel.related_model
        if model._meta.auto_created:  # the table behind a many-to-many field: seen through the field
            continue
        name = rel.field.name
        kind = "mention" if rel.many_to_many or (model._meta.label, name) in MENTIONS else "about"
        links.append(Link(model, name, kind, rel.many_to_many))
    return links


def part_links(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(child model, field) of the records that belong to a record of `model` (its reverse foreign keys)."""
    found = []
    for rel in model._meta.get_fields():
        if rel.is_relation and rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            child = rel.related_model
            if child._meta.auto_created:
                continue
            found.append((child, rel.field.name))
    return found


def linked(person) -> list[Found]:
    """The records linked to `person`, deleted ones included, with the parts of those about them."""
    from qiao.people.models import Person

    result = []
    for link in person_links():
        manager = link.model._base_manager
        objects = list(manager.filter(**{link.field: person}).order_by("pk"))
        if not objects:
            continue
        found = Found(link, objects)
        if link.kind == "about" and link.model is not Person:
            for child, name in part_links(link.model):
                if child is Person:
                    continue
                parts = list(child._base_manager.filter(**{f"{name}__in": [o.pk for o in objects]}).order_by("pk"))
                if parts:
                    found.parts[f"{child._meta.label}.{name}"] = parts
        result.append(found)
    return result


def text_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields of `model` that may hold free text: text, characters without a fixed list, JSON."""
    out = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.is_relation:
            continue
        if isinstance(f, (models.TextField, models.JSONField)) or (
            isinstance(f, models.CharField) and not f.choices and not isinstance(f, models.SlugField)
        ):
            out.append(f)
    return out


def file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
