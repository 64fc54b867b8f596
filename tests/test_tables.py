"""The tables' rows made in Python (qiao/templates/django_tables2/qiao.html, the `table_rows` tag) are exactly what
django-tables2's bootstrap5 template writes: the same HTML, with row and cell attributes, links, localized values and
the empty text."""

import re

import pytest
from django.test import RequestFactory
from django_tables2 import RequestConfig

from qiao.core.tables import UserTable
from qiao.people.models import Person
from qiao.people.tables import PersonTable


def html(table_class, rows, template, user):
    request = RequestFactory().get("/people/", {"sort": "-name"})
    request.user = user
    table = table_class(rows, template_name=template)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", table.as_html(request))).strip()


@pytest.mark.parametrize("count", [0, 3])
def test_rows_made_in_python_are_the_templates(network, make_person, make_user, count):
    user = make_user("staff-a", network["a"], "staff")
    for index in range(count):
        make_person(network["a"], f"陳大文{index}", name_latin=f"CHAN Tai Man {index}", employer="<b>&co</b>")
    rows = Person.objects.select_related("unit")
    ours = html(PersonTable, rows, "django_tables2/qiao.html", user)
    theirs = html(PersonTable, rows, "django_tables2/bootstrap5-responsive.html", user)
    assert ours == theirs
    assert ("&lt;b&gt;&amp;co&lt;/b&gt;" in ours) == bool(count)  # escaped once, as the template does


def test_other_tables_too(network, make_user):
    from qiao.core.models import User

    user = make_user("admin", is_superuser=True)
    make_user("staff-b", network["b"], "staff")
    rows = User.objects.prefetch_related("memberships__unit")
    assert html(UserTable, rows, "django_tables2/qiao.html", user) == html(
        UserTable, rows, "django_tables2/bootstrap5-responsive.html", user
    )
