"""Cross-script search: derived keys per record, prefix-matched against the forms of the query.

Keys come from `qiao.text` (folded name, pinyin full and initials, Jyutping, Latin token orders) and
are rebuilt on every save of a searchable record; `qiao rebuild_search_keys` rebuilds them all.
Ranking: an exact key hit beats a prefix hit; within each, lower key weight wins (the name itself
before pinyin before initials).
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Case, F, Min, Q, Value, When
from django.db.models.signals import post_save
from django.dispatch import receiver

from qiao import text

KEY_LENGTH = 120
HIGHEST = "\U0010ffff"


class SearchableModel(models.Model):
    """A record findable from the one search box. Subclasses say which keys describe them."""

    search_index = GenericRelation("core.SearchKey")

    class Meta:
        abstract = True

    def search_keys(self) -> dict[str, int]:
        """key → weight (0 best). Override."""
        raise NotImplementedError


def write_keys(content_type_id: int, keys_by_id: dict[int, dict[str, int]]) -> int:
    """Insert keys ({object id: {key: weight}}) with one executemany: the ORM's per-row objects
    cost more than the database does when a million records are keyed."""
    from .models import SearchKey

    rows = [
        (content_type_id, object_id, key[:KEY_LENGTH], weight)
        for object_id, keys in keys_by_id.items()
        for key, weight in keys.items()
        if key
    ]
    table = connection.ops.quote_name(SearchKey._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (content_type_id, object_id, {connection.ops.quote_name('key')}, weight) "
            "VALUES (%s, %s, %s, %s)",
            rows,
        )
    return len(rows)


def index(objs, model=None) -> int:
    """(Re)write the keys of the given records. Returns the number of keys written."""
    from .models import SearchKey

    objs = list(objs)
    if not objs:
        return 0
    model = model or type(objs[0])
    content_type = ContentType.objects.get_for_model(model)
    SearchKey.objects.filter(content_type=content_type, object_id__in=[o.pk for o in objs]).delete()
    return write_keys(content_type.pk, {obj.pk: obj.search_keys() for obj in objs})


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
        return Q(search_index__key__gte=form, search_index__key__lt=form + HIGHEST)
    return Q(search_index__key__startswith=form)


def search(queryset: models.QuerySet, query: str) -> models.QuerySet:
    """Records of `queryset` matching `query` in any script, best first (annotated `search_rank`).

    One join to the key table, grouped per record: the database walks the key index for the
    prefix, keeps the records in scope, and ranks each by its best key.
    """
    forms = [f[:KEY_LENGTH] for f in text.query_forms(query)]
    if not forms:
        return queryset.none()
    condition = Q()
    for form in forms:
        condition |= _prefix(form)
    weight = F("search_index__weight")
    rank = Case(When(search_index__key__in=forms, then=weight * 2), default=weight * 2 + 1)
    return (
        queryset.filter(condition)
        .annotate(search_rank=Min(rank))
        .order_by("search_rank", *queryset.model._meta.ordering or ["pk"])
    )


def no_rank(queryset: models.QuerySet) -> models.QuerySet:
    return queryset.annotate(search_rank=Value(0, output_field=models.IntegerField()))
