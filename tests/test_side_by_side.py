"""`core.database.side_by_side`: a page's independent figures read two at a time on PostgreSQL, each thread on a
connection of its own, in the caller's language and context; one after the other on SQLite and inside a
transaction. The dashboard reads its cards so and shows the same figures (the hand counts of tests/reports_data)."""

import threading

import pytest
from django.db import connection, transaction
from django.utils import translation

from qiao.core import context
from qiao.core.database import side_by_side
from qiao.reports import views
from tests import reports_data
from tests.reports_data import EXPECTED
from tests.test_reports_views import DASHBOARD_KEYS, PERIOD, cards, html, same

pytestmark = pytest.mark.django_db(transaction=True)
POSTGRESQL = connection.vendor == "postgresql"


def where() -> tuple:
    """(thread, database session, language, acting user) of the caller."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if POSTGRESQL else "SELECT 1")
        session = cursor.fetchone()[0]
    actor = context.current()
    return threading.get_ident(), session, translation.get_language(), actor.user_name if actor else None


def test_reads_side_by_side_in_the_callers_language_and_context(make_user, network):
    user = make_user("reader", network["centre"], "viewer")
    here = where()
    with translation.override("zh-hant"), context.acting(user=user):
        found = side_by_side([where, where, where])
    assert [language for _t, _s, language, _u in found] == ["zh-hant"] * 3
    assert [actor for _t, _s, _l, actor in found] == [user.get_username()] * 3
    threads = {thread for thread, _s, _l, _u in found}
    if POSTGRESQL:  # other threads, each on a connection of its own (not this one's)
        assert here[0] not in threads
        assert here[1] not in {session for _t, session, _l, _u in found}
    else:
        assert threads == {here[0]}


def test_one_after_the_other_inside_a_transaction():
    here = where()
    with transaction.atomic():
        found = side_by_side([where, where])
    assert {thread for thread, *_rest in found} == {here[0]}


def test_an_error_is_raised_to_the_caller():
    def fails():
        raise ValueError("no figure")

    with pytest.raises(ValueError, match="no figure"):
        side_by_side([where, fails, where])


@pytest.mark.parametrize("workers", [1, 2])
def test_the_dashboard_shows_the_same_figures_read_two_at_a_time(client, workers, monkeypatch):
    built = reports_data.build()
    monkeypatch.setattr("qiao.core.database.PARALLEL_READS", workers)
    client.force_login(built.root)
    response = client.get("/reports/", PERIOD)
    assert response.status_code == 200
    shown = cards(html(response))
    for key in DASHBOARD_KEYS:
        assert same(shown[key], EXPECTED[key]["total"]), key
    assert views.side_by_side is side_by_side
