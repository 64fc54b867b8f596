from django import template

from ..history_display import describe

register = template.Library()


@register.filter
def described(change):
    """A history entry's rows: (field label, before, after), in the reader's language."""
    return describe(change)


@register.filter
def change_url(change) -> str:
    """The page of the record a history entry is about, when it has one."""
    model = change.content_type.model_class()
    try:
        return model(pk=change.object_id).get_absolute_url()
    except Exception:  # noqa: BLE001 - records whose URL needs more than their id get no link
        return ""


@register.simple_tag
def table_rows(table):
    """The rows of a django-tables2 table's page, as its bootstrap5 template writes them (`<tr>` with the row's
    attributes, a `<td>` with the column's per cell, the value localized as the column says, the empty text when
    there are no rows), made here rather than by a template per cell: the template was about half of a list
    page's time (2 ms a row; bench/RESULTS.md, issue 10). Used by django_tables2/qiao.html."""
    from django.utils import formats
    from django.utils.html import conditional_escape, format_html
    from django.utils.safestring import mark_safe

    fixed = {}  # a column's cell attributes, when they do not depend on the record (no callables): made once
    for column in table.columns:
        attrs = {**table.attrs, **column.column.attrs}
        td = attrs.get("td", attrs.get("cell", {}))
        if not any(callable(value) or isinstance(value, dict) for value in td.values()):
            fixed[column.name] = column.attrs["td"].as_html()
    rows = []
    for row in table.paginated_rows:
        cells = []
        for column, cell in row.items():
            if column.localize is None:
                shown = formats.localize(cell)
            else:
                shown = formats.localize(cell, use_l10n=bool(column.localize))
            td = fixed.get(column.name)
            if td is None:
                td = column.attrs["td"].as_html()
            cells.append(format_html("<td {}>{}</td>", td, conditional_escape(shown)))
        rows.append(format_html("<tr {}>{}</tr>", row.attrs.as_html(), mark_safe("".join(cells))))  # noqa: S308
    if not rows and table.empty_text:
        rows.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(table.columns), table.empty_text))
    return mark_safe("\n".join(rows))  # noqa: S308 - every part made by format_html above
