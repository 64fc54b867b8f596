import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.tables import BaseTable

from .models import Activity, Participation, Programme, Series


class ActivityTable(BaseTable):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "pk", "form": "bulk-form"}})
    title = tables.Column(linkify=True, verbose_name=pgettext_lazy("activity", "title"))
    start_date = tables.DateColumn(format="Y-m-d", verbose_name=_("date"))
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))
    attended = tables.Column(verbose_name=_("person-times"), attrs={"td": {"class": "text-end"}})

    class Meta(BaseTable.Meta):
        model = Activity
        fields = ("select", "start_date", "title", "kind", "place", "unit", "attended")


class SeriesTable(BaseTable):
    name = tables.Column(linkify=True)
    edition_count = tables.Column(verbose_name=_("editions"), attrs={"td": {"class": "text-end"}})

    class Meta(BaseTable.Meta):
        model = Series
        fields = ("name", "kind", "unit", "edition_count")


class ProgrammeTable(BaseTable):
    name = tables.Column(linkify=True)
    batches = tables.Column(verbose_name=_("batches"), attrs={"td": {"class": "text-end"}})

    class Meta(BaseTable.Meta):
        model = Programme
        fields = ("name", "start_date", "end_date", "goal", "unit", "batches")


class ParticipationTable(BaseTable):
    person = tables.Column(linkify=True, verbose_name=_("person"))
    region = tables.Column(accessor="person__region", verbose_name=_("region of origin"))
    checked_in_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = Participation
        fields = ("person", "region", "role", "status", "first_visit_declared", "checked_in_at", "source")


class PersonParticipationTable(BaseTable):
    date = tables.DateColumn(format="Y-m-d", verbose_name=_("date"))
    activity = tables.Column(linkify=True, verbose_name=_("activity"))
    kind = tables.Column(accessor="activity__kind", verbose_name=_("kind"))
    unit = tables.Column(verbose_name=_("unit"))

    class Meta(BaseTable.Meta):
        model = Participation
        fields = ("date", "activity", "kind", "unit", "role", "status")
