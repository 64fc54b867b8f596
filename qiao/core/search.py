"""Cross-script search: derived keys per record, prefix-matched against the forms of the query.

Keys come from `qiao.text` (folded name, pinyin full and initials, Jyutping, Latin token orders) and
are rebuilt on every save of a searchable record; `qiao rebuild_search_keys` rebuilds them all.
Ranking: an exact key hit beats a prefix hit; within each, lower key weight wins (the name itself
before pinyin before initials).
"""

from __future__ import annotations

import contextlib
import functools
from collections import Counter, defaultdict

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Case, Exists, F, Lookup, Min, OuterRef, Q, Value, When
from django.db.models.signals import post_save
from django.dispatch import receiver

from qiao import text

KEY_LENGTH = 120
HIGHEST = "\U0010ffff"
READ_CHUNK = 10_000  # ids per query when reading or deleting stored keys


class SearchableModel(models.Model):
    """A record findable from the one search box. Subclasses say which keys describe them."""

    search_index = GenericRelation("core.SearchKey")

    class Meta:
        abstract = True

    def search_keys(self) -> dict[str, int]:
        """key → weight (0 best). Override."""
        raise NotImplementedError


def _rows(content_type_id: int, keys_by_id: dict[int, dict[str, int]]) -> list[tuple[int, int, str, int]]:
    """The key table's rows (content type, object id, key, weight) for {object id: {key: weight}}."""
    return [
        (content_type_id, object_id, key[:KEY_LENGTH], weight)
        for object_id, keys in keys_by_id.items()
        for key, weight in keys.items()
        if key
    ]


def write_keys(content_type_id: int, keys_by_id: dict[int, dict[str, int]]) -> int:
    """Insert keys ({object id: {key: weight}}) in bulk: the ORM's per-row objects cost more than the
    database does when a million records are keyed. See `_insert`."""
    rows = _rows(content_type_id, keys_by_id)
    _insert(rows)
    return len(rows)


def _insert(rows: list[tuple[int, int, str, int]]) -> None:
    """Insert key rows, in key order. The cost of a key is mostly the upkeep of the indexes ordered by
    key (`searchkey_lookup`): keys arriving in random order touch a random
    leaf page each, which at tens of millions of keys is rarely in the database's buffers; in key
    order, neighbouring keys share their pages (bench/RESULTS.md, issue 3, third pass). PostgreSQL
    takes the rows through binary COPY (no SQL text, no quoting in Python); SQLite's executemany is
    already cheap."""
    from .models import SearchKey

    if not rows:
        return
    rows = sorted(rows, key=lambda row: (row[0], row[2], row[1]))
    table = connection.ops.quote_name(SearchKey._meta.db_table)
    columns = f"content_type_id, object_id, {connection.ops.quote_name('key')}, weight"
    if connection.vendor == "postgresql":
        with server_cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int4", "int8", "varchar", "int2"])
            for row in rows:
                copy.write_row(row)
    else:
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s)", rows)


def update_keys(content_type_id: int, keys_by_id: dict[int, dict[str, int]]) -> int:
    """Make the stored keys of these records exactly `keys_by_id` ({object id: {key: weight}}):
    delete the stored keys no longer wanted and insert the missing ones, leaving the others alone.
    A record whose name is unchanged and that gains a phone writes one or two keys, not its twenty-
    five again. Returns the number of keys the records now hold (what `write_keys` would write)."""
    from .models import SearchKey

    ids = list(keys_by_id)
    if not ids:
        return 0
    stored: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    table = connection.ops.quote_name(SearchKey._meta.db_table)
    if connection.vendor == "postgresql":
        sql = (
            f'SELECT id, object_id, "key", weight FROM {table} '
            "WHERE content_type_id = %s AND object_id = ANY(%s::bigint[])"
        )
        with server_cursor() as cursor:
            for start in range(0, len(ids), READ_CHUNK):
                cursor.execute(sql, [content_type_id, ids[start : start + READ_CHUNK]])
                for pk, object_id, key, weight in cursor.fetchall():
                    stored[object_id].append((pk, key, weight))
    else:
        for start in range(0, len(ids), READ_CHUNK):
            found = SearchKey.objects.filter(
                content_type_id=content_type_id, object_id__in=ids[start : start + READ_CHUNK]
            )
            for pk, object_id, key, weight in found.values_list("id", "object_id", "key", "weight"):
                stored[object_id].append((pk, key, weight))
    stale: list[int] = []
    missing: list[tuple[int, int, str, int]] = []
    total = 0
    for object_id, keys in keys_by_id.items():
        wanted = Counter((key, weight) for _ct, _id, key, weight in _rows(content_type_id, {object_id: keys}))
        total += sum(wanted.values())
        for pk, key, weight in sorted(stored.get(object_id, ())):
            if wanted[(key, weight)] > 0:
                wanted[(key, weight)] -= 1
            else:
                stale.append(pk)
        missing += [(content_type_id, object_id, key, weight) for key, weight in wanted.elements()]
    for start in range(0, len(stale), READ_CHUNK):
        gone = SearchKey.objects.filter(pk__in=stale[start : start + READ_CHUNK])
        gone._raw_delete(gone.db)  # keys have no history and no signals to honour: no need to load them
    _insert(missing)
    return total


@contextlib.contextmanager
def server_binding():
    """PostgreSQL: Django's queries inside the block bind their parameters on the server, as with
    the `server_side_binding` option (Django's own cursor class for it), and send lists (arrays) in
    binary. For bulk writes: Django 5.2 inserts many rows as arrays (UNNEST), which client-side
    binding quotes value by value in Python, and which psycopg sends as text arrays by default,
    escaping every quote of every string with a regular expression in Python (a JSON column such
    as a history entry's before and after: about 2 s for 4,000 entries, against 0.4 s in binary).
    Elsewhere (SQLite) it does nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.cursor_factory
    raw.cursor_factory = _binary_arrays_cursor()
    try:
        yield
    finally:
        raw.cursor_factory = previous


@functools.cache
def _binary_arrays_cursor():
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg.types.array import ListBinaryDumper

    class BinaryArraysCursor(ServerBindingCursor):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.adapters.register_dumper(list, ListBinaryDumper)  # this cursor's adapters only

    return BinaryArraysCursor


def server_cursor():
    """PostgreSQL only: a cursor on Django's connection (same transaction) that binds parameters on
    the server and sends lists in binary (see `server_binding`). Django's cursors quote every value
    into the SQL text in Python, which for arrays of thousands of keys costs more than the query."""
    import psycopg
    from psycopg.types.array import ListBinaryDumper

    connection.ensure_connection()
    cursor = psycopg.Cursor(connection.connection)
    cursor.adapters.register_dumper(list, ListBinaryDumper)
    return cursor


def index(objs, model=None) -> int:
    """(Re)write the keys of the given records (only those that changed, see `update_keys`).
    Returns the number of keys the records hold."""
    objs = list(objs)
    if not objs:
        return 0
    model = model or type(objs[0])
    content_type = ContentType.objects.get_for_model(model)
    return update_keys(content_type.pk, {obj.pk: obj.search_keys() for obj in objs})


@receiver(post_save)
def _reindex(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not isinstance(instance, SearchableModel):
        return
    if update_fields is not None and not (set(update_fields) & set(instance.search_fields)):
        return
    index([instance])


def _prefix(form: str, key: str = "search_index__key") -> Q:
    """Keys beginning with `form`, through `key` (the searched model's relation to its keys, or a key's own column)."""
    if connection.vendor == "sqlite":
        # BINARY collation orders by code point, so a range uses the index where LIKE cannot.
        return Q(**{f"{key}__gte": form, f"{key}__lt": form + HIGHEST})
    return Q(**{f"{key}__startswith": form})


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


def first(queryset: models.QuerySet, query: str, limit: int | None = None) -> tuple[models.QuerySet, bool]:
    """`search()` for a list page: (records, truncated). When more than `limit` stored keys match (settings.
    QIAO_SEARCH_KEY_LIMIT), ranking every match costs more than anyone reads: "陈" or "chan" matches a fifth of a
    registry, and at a million people ranking them took a second. Then only the records of the first `limit`
    matching keys in key order are ranked — the keys equal to the query sort before the longer ones it begins,
    so the exact hits come first — and `truncated` is True, for the page to say so and ask for more letters.
    Otherwise the records are exactly `search()`'s."""
    from django.conf import settings

    from .models import SearchKey

    limit = settings.QIAO_SEARCH_KEY_LIMIT if limit is None else limit
    forms = [f[:KEY_LENGTH] for f in text.query_forms(query)]
    if not forms or not limit:
        return search(queryset, query), False
    condition = Q()
    for form in forms:
        condition |= _prefix(form, "key")
    content_type = ContentType.objects.get_for_model(queryset.model)
    keys = (
        SearchKey.objects.filter(condition, content_type=content_type)
        .filter(Exists(queryset.order_by().filter(pk=OuterRef("object_id"))))  # each key's record probed
        .order_by("key")
        .values_list("object_id", "key", "weight")[: limit + 1]
    )
    rows = list(keys)
    if len(rows) <= limit:
        return search(queryset, query), False
    ranks: dict[int, int] = {}
    exact = set(forms)
    for object_id, key, weight in rows[:limit]:
        rank = weight * 2 + (0 if key in exact else 1)
        ranks[object_id] = min(rank, ranks.get(object_id, rank))
    by_rank: dict[int, list[int]] = defaultdict(list)
    for object_id, rank in ranks.items():
        by_rank[rank].append(object_id)
    rank = Case(
        *[When(ids_in(ids), then=Value(value)) for value, ids in sorted(by_rank.items())],
        output_field=models.IntegerField(),
    )
    found = queryset.filter(ids_in(ranks)).annotate(search_rank=rank)
    return found.order_by("search_rank", *queryset.model._meta.ordering or ["pk"]), True


@models.IntegerField.register_lookup
class AnyOf(Lookup):
    """`pk__any_of=[…]`, PostgreSQL only: `id = ANY(%s)` with the ids as one array parameter. `pk__in` writes one
    placeholder per id, and for the up to 1,500 ids of a truncated search Django's quoting and psycopg's splitting
    of the statement's placeholders cost more than the query (bench/RESULTS.md, issue 10)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [[int(item) for item in value]]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, [int(item) for item in self.rhs]]


def ids_in(ids, field: str = "pk") -> Q:
    """Records whose `field` is one of `ids`: one array parameter on PostgreSQL (`AnyOf`), `IN (…)` elsewhere."""
    lookup = "any_of" if connection.vendor == "postgresql" else "in"
    return Q(**{f"{field}__{lookup}": list(ids)})


def no_rank(queryset: models.QuerySet) -> models.QuerySet:
    return queryset.annotate(search_rank=Value(0, output_field=models.IntegerField()))
