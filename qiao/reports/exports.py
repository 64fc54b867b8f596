"""A metric's table as an xlsx workbook: values, never formulas; headers in the reader's language.

Sheet 1 (the figure) is one table of three columns — breakdown, row, value — so that it sorts and
filters as it is: first the figure for the whole scope and its comparisons (同比, 环比, with the
change in percent), then the rows of the breakdown asked for (`by`), or of every breakdown the metric
has when none is asked for. Amounts are in yuan, rates in percent, days as days. Sheet 2 (definitions)
says what the figure is: the metric's definition and unit, the period, the scope, the breakdowns,
the query it was made from, when and by whom."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from qiao.core.exporters import FORMATS

from . import metrics
from .forms import COMPARISON_NAMES
from .metrics import Figure, Row

CONTENT_TYPE = FORMATS["xlsx"]
BOLD = Font(bold=True)


def _number(value):
    """A cell's number: integers stay integers, decimals become numbers Excel reads (not text)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def figure_rows(figure: Figure, breakdowns: dict[str, list[Row]]) -> list[list]:
    """The rows of sheet 1, header first."""
    metric = figure.metric
    header = [
        _("Breakdown"),
        pgettext("breakdown", "Row"),
        f"{metric.label}（{metric.unit_label}）" if metric.unit_label else str(metric.label),
    ]
    rows: list[list] = [header, [_("Total"), figure.period.label(), _number(figure.total)]]
    for comparison in figure.comparisons:
        name = str(COMPARISON_NAMES[comparison.name])
        span = f"{comparison.period.start.isoformat()} – {comparison.period.end.isoformat()}"
        rows.append([name, span, _number(comparison.total)])
        rows.append([name, _("change (%)"), _number(comparison.change(figure.total))])
    for by, found in breakdowns.items():
        label = str(metrics.BREAKDOWNS[by])
        rows.extend([label, str(row.label), _number(row.value)] for row in found)
    return rows


def definition_rows(
    figure: Figure, breakdowns: Iterable[str], query: dict, user, made_at: datetime.datetime
) -> list[list]:
    metric = figure.metric
    period = figure.period
    period_text = f"{period.label()}（{period.start.isoformat()} – {period.end.isoformat()}）"
    if metric.snapshot:
        period_text += " " + _("(counted as of today, whatever the period)")
    filters = "; ".join(f"{key}={value}" for key, value in query.items()) or "—"
    return [
        [_("Item"), _("Value")],
        [_("Metric"), str(metric.label)],
        [_("Key"), metric.key],
        [_("Definition"), str(metric.definition)],
        [_("Unit of measure"), str(metric.unit_label) or "—"],
        [_("Period"), period_text],
        [
            pgettext("statistics", "Scope"),
            f"{figure.scope.name} " + _("(with the units below it, within what the reader may see)"),
        ],
        [_("Breakdown"), "、".join(str(metrics.BREAKDOWNS[by]) for by in breakdowns) or "—"],
        [_("Compared with"), "、".join(str(COMPARISON_NAMES[c.name]) for c in figure.comparisons) or "—"],
        [_("Filters"), filters],
        [_("Amounts"), _("Amounts in yuan, rates in percent, days as days; values, not formulas.")],
        [_("Made at"), made_at.strftime("%Y-%m-%d %H:%M")],
        [_("Made by"), str(user)],
    ]


def _sheet(workbook: Workbook, title: str, rows: list[list], widths: Iterable[int]) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:  # without the control characters a spreadsheet may not hold (from records' names)
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, even one starting with "="
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = BOLD
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def workbook(figure: Figure, breakdowns: dict[str, list[Row]], query: dict, user) -> bytes:
    """The xlsx file of `figure` with the rows of `breakdowns` ({by: rows})."""
    made_at = timezone.localtime()
    book = Workbook()
    book.remove(book.active)
    _sheet(book, _("Figure"), figure_rows(figure, breakdowns), (18, 36, 22))
    _sheet(book, _("Definitions"), definition_rows(figure, breakdowns, query, user, made_at), (18, 90))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filename(figure: Figure) -> str:
    period = figure.period
    return f"{figure.metric.key}-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"
