"""Fixtures for the import tests: pure Python, no database, no Django settings."""

import datetime
import io
import pathlib

import pytest

FIXTURES = pathlib.Path(__file__).with_name("fixtures")


@pytest.fixture(autouse=True)
def _english_by_default():
    """Overrides the project-wide fixture of the same name, which needs pytest-django's `settings`:
    these tests are pure Python and run with `-p no:django` as well."""


@pytest.fixture
def fixture_bytes():
    """The bytes of a committed fixture file (see make_fixtures.py)."""
    return lambda name: (FIXTURES / name).read_bytes()


def xlsx_bytes(rows, *, merges=(), title="Sheet1", extra_sheets=()):
    """An xlsx written by openpyxl: rows of cell values (None for empty), merged ranges as "A1:F1"."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    for name, extra_rows, state in extra_sheets:
        extra = book.create_sheet(name)
        extra.sheet_state = state
        for row in extra_rows:
            extra.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROSTER_ROWS = [
    ["2024年港澳青年交流团名单"],
    ["姓名", "证件", None, "联系方式", None, "出生日期", "来源地"],
    [None, "类型", "号码", "手机", "邮箱", None, None],
    ["陳大文 ", "香港身份證", "A123456(3)", 91234567, "chan@example.com", datetime.date(1990, 5, 4), "香港"],
    [None, None, None, None, None, None, None],
    ["黄嘉欣", "回乡证", "Ｈ１２３４５６７８", "６６１２３４５６", None, 34669, "澳门 "],
    ["林志明", None, "A123456789", "0912 345 678", "lin@example.tw", "1988年3月15日", "台湾"],
    [None] * 7,
    [None] * 7,
    ["王小明", "护照", "E12345678", "13800138000", None, "1992/7/1", "Canada"],
]
ROSTER_MERGES = ("A1:G1", "A2:A3", "B2:C2", "D2:E2", "F2:F3", "G2:G3")


@pytest.fixture
def roster_xlsx():
    """A messy delegation list: title row, two-row merged header, blank rows, trailing spaces,
    full-width digits, an Excel serial date, dates as text and as date cells."""
    return xlsx_bytes(ROSTER_ROWS, merges=ROSTER_MERGES, title="交流团")
