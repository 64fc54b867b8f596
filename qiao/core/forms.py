from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from . import scoping
from .models import Membership, Unit, User
from .roles import Role


class BootstrapMixin:
    """Give every widget Bootstrap's classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class ScopedModelForm(BootstrapMixin, forms.ModelForm):
    """A model form that knows its user; unit choices are those the user may keep records for."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if "unit" in self.fields:
            choices = scoping.units_for_choice(user, "add")
            if self.instance.pk and self.instance.unit_id:
                choices = choices | Unit.objects.filter(pk=self.instance.unit_id)
            self.fields["unit"].queryset = choices.distinct()
            if not self.instance.pk and not self.initial.get("unit"):
                # a new record belongs to the user's own unit unless they choose (the form's initial
                # data, built from the empty record, would hide a field's own initial value)
                first = choices.first()
                self.initial["unit"] = first.pk if first else None

    def limit(self, name: str, queryset) -> None:
        """Let a foreign key point only at records the user may see."""
        self.fields[name].queryset = queryset.restrict(self.user, "view")


class UnitForm(ScopedModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "parent", "code", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = scoping.units_for_choice(self.user, "manage")
        self.fields["parent"].required = not self.user.is_superuser

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if self.instance.pk and parent and parent.path.startswith(self.instance.path):
            raise forms.ValidationError(_("A unit cannot be placed under itself or its own sub-unit."))
        return parent

    def save(self, user):
        from .services import writing

        with writing():
            unit = super().save()
        return unit


class MembershipForm(BootstrapMixin, forms.Form):
    username = forms.CharField(
        label=_("user name"), max_length=150, widget=forms.TextInput(attrs={"placeholder": _("user name")})
    )
    role = forms.ChoiceField(label=_("role"), choices=Role.choices, initial=Role.STAFF)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist as error:
            raise forms.ValidationError(_("There is no user “%(name)s”.") % {"name": username}) from error


class UserCreateForm(BootstrapMixin, forms.ModelForm):
    password = forms.CharField(label=_("password"), widget=forms.PasswordInput, strip=False)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none())
    role = forms.ChoiceField(label=_("role"), choices=Role.choices, initial=Role.STAFF)

    class Meta:
        model = User
        fields = ["username", "display_name", "email", "language"]

    def __init__(self, *args, user=None, **kwargs):
        self.actor = user
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoping.units_for_choice(user, "manage")

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            try:
                validate_password(password, User(username=cleaned.get("username", "")))
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned

    def save(self, user):
        from .services import writing

        with writing():
            new_user = super().save(commit=False)
            new_user.set_password(self.cleaned_data["password"])
            new_user.save()
            Membership.objects.create(user=new_user, unit=self.cleaned_data["unit"], role=self.cleaned_data["role"])
        return new_user


class LoginForm(BootstrapMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("The user name or password is not right. Both are case-sensitive."),
        "inactive": _("This account has been disabled. Ask an administrator."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("User name")
        self.fields["password"].label = _("Password")


class UserEditForm(BootstrapMixin, forms.ModelForm):
    """An administrator edits a user of their units: name, e-mail, language, active, new password."""

    new_password = forms.CharField(
        label=_("new password"),
        widget=forms.PasswordInput,
        strip=False,
        required=False,
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = User
        fields = ["display_name", "email", "language", "is_active"]

    def __init__(self, *args, user=None, **kwargs):
        self.actor = user
        super().__init__(*args, **kwargs)

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        cleaned = super().clean()
        if cleaned.get("new_password"):
            try:
                validate_password(cleaned["new_password"], self.instance)
            except forms.ValidationError as error:
                self.add_error("new_password", error)
        if self.instance == self.actor and cleaned.get("is_active") is False:
            self.add_error("is_active", _("You cannot disable your own account."))
        return cleaned

    def save(self, user):
        from .services import writing

        with writing():
            edited = super().save(commit=False)
            if self.cleaned_data.get("new_password"):
                edited.set_password(self.cleaned_data["new_password"])
            edited.save()
        return edited


class PasswordForm(BootstrapMixin, PasswordChangeForm):
    pass


class PreferencesForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "email", "language", "time_zone", "amount_unit"]

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        from .models import TIME_ZONES

        super().__init__(*args, **kwargs)
        server = _("The server's (%(zone)s)") % {"zone": settings.TIME_ZONE}
        self.fields["time_zone"].choices = [("", server), *TIME_ZONES]
