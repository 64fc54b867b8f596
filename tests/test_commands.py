"""The command line: demo, synth, token and rebuild_search_keys."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qiao.core import search
from qiao.core.models import Unit, User
from qiao.orgs.models import Organization
from qiao.people.models import Person


def test_synth_adds_searchable_people_and_organisations(db):
    call_command("synth", people=60, organizations=12, verbosity=0, stdout=StringIO())
    assert Person.objects.count() == 60 and Organization.objects.count() == 12
    assert Unit.objects.filter(kind="base").count() == 10
    someone = Person.objects.first()
    assert someone.documents.count() >= 1
    assert someone in search.search(Person.objects.all(), someone.name)
    assert someone in search.search(Person.objects.all(), someone.name_latin)


@pytest.mark.django_db(transaction=True)
def test_demo_loads_once_and_is_coherent():
    call_command("demo", stdout=StringIO())
    assert Unit.objects.count() == 6 and User.objects.count() == 8
    assert Person.objects.count() == 300 and Organization.objects.count() == 80
    federation = Organization.objects.get(name="香港廣東社團總會")
    assert federation.children.count() >= 10
    staff = User.objects.get(username="base-a-staff")
    assert staff.check_password("qiao-demo-2024")
    found = list(search.search(Person.objects.restrict(staff), "陈大文"))
    assert [p.name for p in found][:1] == ["陳大文"]
    assert all(p.unit.path.startswith(Unit.objects.get(code="zhongkai").path) for p in found)
    call_command("demo", if_empty=True, stdout=StringIO())  # a second run changes nothing
    assert Person.objects.count() == 300
    with pytest.raises(CommandError):
        call_command("demo", stdout=StringIO())
