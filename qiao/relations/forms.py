"""Forms of the contact log and key contacts; each `save(user)` calls services.py, which holds every
rule (the forms only parse)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.activities.models import Activity
from qiao.core.days import local_today, user_zone
from qiao.core.forms import BootstrapMixin, ScopedModelForm
from qiao.core.models import User
from qiao.core.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from qiao.orgs.models import Organization
from qiao.people.models import Person

from . import services
from .models import Interaction, KeyContact

DATE = {"type": "date"}
RECENT = 200


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.username})" if str(obj) != obj.username else obj.username


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.username})" if str(obj) != obj.username else obj.username


class InteractionForm(ScopedModelForm):
    occurred_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"],
    )
    people = forms.ModelMultipleChoiceField(
        label=_("People"), queryset=Person.objects.none(), required=False, widget=AutocompleteSelectMultiple("people")
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organization.objects.none(),
        required=False,
        widget=AutocompleteSelectMultiple("organizations"),
    )
    staff = UsersChoiceField(label=_("Our side"), queryset=User.objects.none(), required=False)

    class Meta:
        model = Interaction
        fields = [
            "kind",
            "occurred_at",
            "people",
            "organizations",
            "staff",
            "summary",
            "activity",
            "agreement",
            "follow_up",
            "follow_up_on",
            "unit",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "follow_up_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }

    def __init__(self, data=None, files=None, *, instance=None, user=None, initial=None):
        super().__init__(data, files, instance=instance, user=user, initial=initial)
        zone = user_zone(user)
        people = Person.objects.restrict(user)
        orgs = Organization.objects.restrict(user)
        staff = User.objects.restrict(user).filter(is_active=True)
        if instance is not None and instance.pk:
            # records already linked stay valid choices (the service checks only what changes)
            people = people | Person.objects.filter(pk__in=instance.people.values("pk"))
            orgs = orgs | Organization.objects.filter(pk__in=instance.organizations.values("pk"))
            staff = staff | User.objects.filter(pk__in=instance.staff.values("pk"))
            self.initial.setdefault("occurred_at", instance.occurred_at.astimezone(zone).replace(tzinfo=None))
        else:
            if not self.initial.get("staff") and user is not None:
                self.initial["staff"] = [user.pk]
            if not self.initial.get("occurred_at"):
                self.initial["occurred_at"] = (
                    timezone.now().astimezone(zone).replace(second=0, microsecond=0, tzinfo=None)
                )
        self.fields["people"].queryset = people.distinct()
        self.fields["organizations"].queryset = orgs.distinct()
        self.fields["staff"].queryset = staff.distinct()
        activities = Activity.objects.restrict(user)
        self.fields["activity"].queryset = activities
        recent = list(activities.order_by("-start_date", "-id")[:RECENT])
        chosen = self.initial.get("activity") or (instance.activity_id if instance is not None else None)
        chosen_id = getattr(chosen, "pk", chosen)
        if chosen_id and all(a.pk != chosen_id for a in recent):
            recent[:0] = list(Activity.objects.filter(pk=chosen_id))
        self.fields["activity"].widget.choices = [("", "---------")] + [
            (a.pk, f"{a.start_date:%Y-%m-%d} {a}") for a in recent
        ]
        from qiao.agreements.models import Agreement

        agreements = Agreement.objects.restrict(user)
        if instance is not None and instance.agreement_id:
            agreements = agreements | Agreement.objects.filter(pk=instance.agreement_id)
        self.fields["agreement"].queryset = agreements.distinct()
        self.fields["people"].help_text = _("At least one person or organisation.")

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value is not None:
            # what the user typed is a time in their own time zone
            value = value.replace(tzinfo=None) if timezone.is_aware(value) else value
            value = timezone.make_aware(value, user_zone(self.user))
        return value

    def _post_clean(self):
        pass  # services.save_interaction checks everything

    def save(self, user):
        interaction = self.instance
        data = self.cleaned_data
        for name in ("kind", "occurred_at", "summary", "activity", "agreement", "follow_up", "follow_up_on", "unit"):
            if name in data:
                setattr(interaction, name, data[name])
        return services.save_interaction(
            user,
            interaction,
            people=list(data.get("people") or []),
            organizations=list(data.get("organizations") or []),
            staff=list(data.get("staff") or []),
        )


class KeyContactForm(ScopedModelForm):
    responsible = UserChoiceField(label=_("Responsible"), queryset=User.objects.none())
    cadence_days = forms.IntegerField(label=_("Contact every (days)"), initial=90, min_value=None)

    class Meta:
        model = KeyContact
        fields = ["person", "organization", "kind", "unit", "cadence_days", "responsible", "since", "reason"]
        widgets = {
            "person": AutocompleteSelect("people"),
            "organization": AutocompleteSelect("organizations"),
            "since": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }

    def __init__(self, data=None, files=None, *, instance=None, user=None, initial=None):
        super().__init__(data, files, instance=instance, user=user, initial=initial)
        self.limit("person", Person.objects.all())
        self.limit("organization", Organization.objects.all())
        responsible = User.objects.restrict(user).filter(is_active=True)
        if instance is not None and instance.responsible_id:
            responsible = responsible | User.objects.filter(pk=instance.responsible_id)
        self.fields["responsible"].queryset = responsible.distinct()
        if instance is not None and instance.pk:
            for name in ("person", "organization", "unit"):
                del self.fields[name]
        else:
            if not self.initial.get("responsible") and user is not None:
                self.initial["responsible"] = user.pk
            if not self.initial.get("since"):
                self.initial["since"] = local_today(user)
        self.fields["since"].required = False
        self.fields["cadence_days"].help_text = _("The next contact is due this many days after the last one.")

    def _post_clean(self):
        pass  # services.save_key_contact checks everything

    def save(self, user):
        key_contact = self.instance
        for name in self._meta.fields:
            if name in self.cleaned_data:
                setattr(key_contact, name, self.cleaned_data[name])
        return services.save_key_contact(user, key_contact)


class EndKeyContactForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=_("Ended on"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    reason = forms.CharField(label=pgettext_lazy("key contact", "Why"), required=False, max_length=300)


class FollowUpDoneForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=_("Done on"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    undo = forms.BooleanField(required=False)


class FiguresForm(BootstrapMixin, forms.Form):
    """The unit (with the units below it) and the period of the relationship figures; this year so far
    (今年以来) when no period is given."""

    unit = forms.ModelChoiceField(queryset=None, required=False, label=_("Unit (with sub-units)"))
    date_from = forms.DateField(required=False, label=_("from"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    date_to = forms.DateField(required=False, label=_("to"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        from qiao.core.scoping import units_for_choice

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for_choice(user, "view")
        self.fields["unit"].empty_label = _("All I may see")
        self.today = local_today(user)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if not self.data.get("date_from") and not self.data.get("date_to") and not self.errors:
            data["date_from"], data["date_to"] = self.today.replace(month=1, day=1), self.today
            start, end = data["date_from"], data["date_to"]
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return data
