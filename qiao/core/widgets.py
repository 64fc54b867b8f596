from django import forms


class AutocompleteSelect(forms.Select):
    """A select that renders only the chosen option; the browser fetches the others as the user types
    (Tom Select against /autocomplete/<kind>/), so lists of a million records stay fast."""

    def __init__(self, kind: str, attrs=None):
        super().__init__(attrs)
        self.kind = kind

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-autocomplete"] = self.kind
        return context

    def optgroups(self, name, value, attrs=None):
        selected = {str(v) for v in value if v not in (None, "")}
        groups = []
        choices = self.choices
        queryset = getattr(choices, "queryset", None)
        if queryset is not None and selected:
            for index, obj in enumerate(queryset.filter(pk__in=selected)):
                groups.append((None, [self.create_option(name, obj.pk, str(obj), True, index)], index))
        return groups


class AutocompleteSelectMultiple(AutocompleteSelect, forms.SelectMultiple):
    """The same, choosing several (partner organisations of an activity)."""

    allow_multiple_selected = True
