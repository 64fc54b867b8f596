"""Cross-script search: derived keys per record, prefix-matched against the forms of the query.

Keys come from `qiao.text` (folded name, pinyin full and initials, Jyutping, Latin token orders) and
are rebuilt on every save of a searchable record; `qiao rebuild_search_keys` rebuilds them all.
Ranking: an exact key hit beats a prefix hit; within each, lower key weight wins (the name itself
before pinyin before initials).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.signals import post_save
from django.dispatch import receiver

from qiao import text

KEY_LENGTH = 120
HIGHEST = "\U0010ffff"


class SearchableModel(models.Model):
    """A record findable from the one search box. Subclasses say which keys describe them."""

    class Meta:
        abstract = True

    def search_keys(self) -> dict[str, int]:
        """key → weight (0 best). Override."""
        raise NotImplementedError


def _key_rows(obj: SearchableModel, content_type_id: int):
    from .models import SearchKey

    for key, weight in obj.search_keys().items():
        key = key[:KEY_LENGTH]
        if key:
            yield SearchKey(content_type_id=content_type_id, object_id=obj.pk, key=key, weight=weight)


def index(objs, model=None) -> int:
    """(Re)write the keys of the given records. Returns the number of keys written."""
    from .models import SearchKey

    objs = list(objs)
    if not objs:
        return 0
    model = model or type(objs[0])
    content_type = ContentType.objects.get_for_model(model)
    SearchKey.objects.filter(content_type=content_type, object_id__in=[o.pk for o in objs]).delete()
    rows = [row for obj in objs for row in _key_rows(obj, content_type.pk)]
    SearchKey.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@receiver(post_save)
def _reindex(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not isinstance(instance, SearchableModel):
        return
    if update_fields is not None and not (set(update_fields) & set(instance.search_fields)):
        return
    index([instance])


def _prefix(form: str) -> Q:
    if connection.vendor == "sqlite":
        # BINARY collation orders by code point, so a range uses the index where LIKE cannot.
        return Q(key__gte=form, key__lt=form + HIGHEST)
    return Q(key__startswith=form)


def search(queryset: models.QuerySet, query: str) -> models.QuerySet:
    """Records of `queryset` matching `query` in any script, best first (annotated `search_rank`)."""
    from .models import SearchKey

    forms = [f[:KEY_LENGTH] for f in text.query_forms(query)]
    if not forms:
        return queryset.none()
    content_type = ContentType.objects.get_for_model(queryset.model)
    condition = Q()
    for form in forms:
        condition |= _prefix(form)
    hits = SearchKey.objects.filter(content_type=content_type).filter(condition)
    rank = Case(When(key__in=forms, then=F("weight") * 2), default=F("weight") * 2 + 1)
    best = hits.filter(object_id=OuterRef("pk")).annotate(rank=rank).order_by("rank").values("rank")[:1]
    return (
        queryset.filter(pk__in=hits.values("object_id"))
        .annotate(search_rank=Subquery(best, output_field=models.IntegerField()))
        .order_by("search_rank", *queryset.model._meta.ordering or ["pk"])
    )


def no_rank(queryset: models.QuerySet) -> models.QuerySet:
    return queryset.annotate(search_rank=Value(0, output_field=models.IntegerField()))
