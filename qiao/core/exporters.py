"""Exporters are row generators; this module writes them as CSV or XLSX.

CSV is UTF-8 with a BOM (Excel and WPS then read Chinese correctly). XLSX keeps numbers as numbers
and dates as dates (shown yyyy-mm-dd, or yyyy-mm-dd hh:mm with a time, in local time). Text that a
spreadsheet would run as a formula (=, +, -, @ first) stays text: in XLSX the cell is typed as a
string; in CSV it is prefixed with an apostrophe, the usual guard against formula injection (a plain
number such as +852 9123 4567 is left alone: it cannot call anything).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# "+852 9123 4567" or "-12.5" starts like a formula but cannot call anything: it is left as it is.
PLAIN_NUMBER = re.compile(r"[+-][0-9 *().-]*")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _cell(value):
    """A cell value: numbers, dates and local naive date-times as they are, anything else as text."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, (int, float, datetime.date)):
        return value
    return str(value)


def _xlsx_cell(sheet, value):
    value = _cell(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters openpyxl refuses to write
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, not a formula
    elif isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    return cell


def keep_text(workbook) -> None:
    """Every text cell of an openpyxl `workbook` built cell by cell stays text, even one starting with
    "=" (a record's name such as =HYPERLINK(...) must never become a live formula)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"


def _csv_cell(value):
    value = _cell(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def write(rows: Iterable[Sequence], fmt: str, filename: str) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
    else:
        fmt = "csv"
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
        content = ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens Chinese CSV correctly
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{fmt}"'
    return response
