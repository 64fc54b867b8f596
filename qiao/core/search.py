"""Cross-script search: derived keys per record, prefix-matched against the forms of the query.

Keys come from `qiao.text` (folded name, pinyin full and initials, Jyutping, Latin token orders) and
are rebuilt on every save of a searchable record; `qiao rebuild_search_keys` rebuilds them all.
Ranking: an exact key hit beats a prefix hit; within each, lower key weight wins (the name itself
before pinyin before initials).
"""

from __future__ import annotations

import contextlib

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Case, F, Min, Q, Value, When
from django.db.models.signals import post_save
from django.dispatch import receiver

from qiao import text

KEY_LENGTH = 120
HIGHEST = "\U0010ffff"
ROWS_PER_INSERT = 10_000


class SearchableModel(models.Model):
    """A record findable from the one search box. Subclasses say which keys describe them."""

    search_index = GenericRelation("core.SearchKey")

    class Meta:
        abstract = True

    def search_keys(self) -> dict[str, int]:
        """key → weight (0 best). Override."""
        raise NotImplementedError


def write_keys(content_type_id: int, keys_by_id: dict[int, dict[str, int]]) -> int:
    """Insert keys ({object id: {key: weight}}) in bulk: the ORM's per-row objects cost more than the
    database does when a million records are keyed. PostgreSQL takes the rows as four arrays in one
    statement per ROWS_PER_INSERT rows (`unnest`); SQLite's executemany is already cheap."""
    from .models import SearchKey

    rows = [
        (content_type_id, object_id, key[:KEY_LENGTH], weight)
        for object_id, keys in keys_by_id.items()
        for key, weight in keys.items()
        if key
    ]
    table = connection.ops.quote_name(SearchKey._meta.db_table)
    columns = f"content_type_id, object_id, {connection.ops.quote_name('key')}, weight"
    if connection.vendor == "postgresql":
        sql = (
            f"INSERT INTO {table} ({columns}) "
            "SELECT * FROM unnest(%s::integer[], %s::bigint[], %s::varchar[], %s::smallint[])"
        )
        with server_cursor() as cursor:
            for start in range(0, len(rows), ROWS_PER_INSERT):
                chunk = rows[start : start + ROWS_PER_INSERT]
                cursor.execute(sql, [[row[i] for row in chunk] for i in range(4)])
    else:
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s)", rows)
    return len(rows)


@contextlib.contextmanager
def server_binding():
    """PostgreSQL: Django's queries inside the block bind their parameters on the server, as with
    the `server_side_binding` option (Django's own cursor class for it). For bulk writes: Django 5.2
    inserts many rows as arrays (UNNEST), which client-side binding quotes value by value in Python.
    Elsewhere (SQLite) it does nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    previous = raw.cursor_factory
    raw.cursor_factory = ServerBindingCursor
    try:
        yield
    finally:
        raw.cursor_factory = previous


def server_cursor():
    """PostgreSQL only: a cursor on Django's connection (same transaction) that binds parameters on
    the server. Django's cursors quote every value into the SQL text in Python, which for arrays of
    thousands of keys costs more than the query; psycopg sends them in binary instead."""
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def index(objs, model=None) -> int:
    """(Re)write the keys of the given records. Returns the number of keys written."""
    from .models import SearchKey

    objs = list(objs)
    if not objs:
        return 0
    model = model or type(objs[0])
    content_type = ContentType.objects.get_for_model(model)
    stale = SearchKey.objects.filter(content_type=content_type, object_id__in=[o.pk for o in objs])
    stale._raw_delete(stale.db)  # keys have no history and no signals to honour: no need to load them
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
