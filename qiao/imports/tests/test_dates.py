import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiao.imports.values import DateValue, ValueProblem, check, date, infer_dayfirst

TODAY = datetime.date(2024, 6, 30)
MAY_4 = datetime.date(1990, 5, 4)


@pytest.mark.parametrize(
    "cell",
    [
        MAY_4,
        datetime.datetime(1990, 5, 4, 13, 30),
        32997,  # Excel serial
        32997.5,  # serial with a time of day
        "32997",
        "1990-05-04",
        "1990-5-4",
        "1990/5/4",
        "1990/05/04",
        "1990.5.4",
        "1990年5月4日",
        "1990年05月04日",
        "1990 年 5 月 4 日",
        "19900504",
        19900504,
        "１９９０年５月４日",
        "１９９０／０５／０４",
        "1990-05-04 00:00:00",
        "1990-05-04T00:00",
        "05/04/1990",  # month first by default
        "04-May-1990",
        "4 May 1990",
        "May 4, 1990",
        "  1990-05-04  ",
    ],
)
def test_dates_as_people_write_them(cell):
    assert date(cell, today=TODAY) == DateValue(MAY_4, "day")


def test_day_first_when_the_first_part_is_over_12_or_when_asked():
    assert date("13/05/1990", today=TODAY).value == datetime.date(1990, 5, 13)
    assert date("04/05/1990", dayfirst=True, today=TODAY).value == MAY_4
    assert date("04/05/1990", today=TODAY).value == datetime.date(1990, 4, 5)
    assert date("05/13/1990", dayfirst=True, today=TODAY).value == datetime.date(1990, 5, 13)  # 13 cannot be a month


def test_infer_dayfirst_from_a_column():
    assert infer_dayfirst(["04/05/1990", "25/12/1988", None, 33000]) is True
    assert infer_dayfirst(["04/05/1990", "12/25/1988"]) is False
    assert infer_dayfirst(["04/05/1990", "1990-05-04"]) is None
    assert infer_dayfirst(["25/12/1988", "12/25/1988"]) is None


def test_partial_dates():
    for cell in ["1990年5月", "1990-05", "1990/5", "199005", 199005]:
        parsed = date(cell, today=TODAY)
        assert parsed == DateValue(datetime.date(1990, 5, 1), "month") and parsed.partial, cell
    assert date("1990年", today=TODAY) == DateValue(datetime.date(1990, 1, 1), "year")
    assert date(1990, today=TODAY).precision == "year"  # as a serial it would be a day in 1905
    assert not date(MAY_4).partial


def test_excel_serials_and_the_1900_leap_year_bug():
    assert date(1).value == datetime.date(1900, 1, 1)
    assert date(59).value == datetime.date(1900, 2, 28)
    assert date(61).value == datetime.date(1900, 3, 1)
    assert date(45292).value == datetime.date(2024, 1, 1)
    assert check(date, 60) == (None, "date_format")  # 1900-02-29 does not exist


def test_empty_cells():
    assert date(None) is None and date("") is None and date("   ") is None


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("1899-12-31", "date_range"),
        ("2024-07-01", "date_range"),  # after TODAY
        (datetime.date(1850, 1, 1), "date_range"),
        ("1990-02-30", "date_format"),
        ("1990-13-01", "date_format"),
        ("13/13/1990", "date_format"),
        ("90-05-04", "date_format"),
        ("unknown", "date_format"),
        ("不详", "date_format"),
        (True, "date_format"),
        (0, "date_format"),
        (-5, "date_format"),
        (float("nan"), "date_format"),
        (float("inf"), "date_format"),
        (10**20, "date_format"),
        ("4 Foo 1990", "date_format"),
        (datetime.time(12, 0), "date_format"),
    ],
)
def test_bad_dates(cell, code):
    assert check(date, cell, today=TODAY) == (None, code)


CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.text(),
    st.from_regex(r"[0-9０-９]{1,8}[-/.年]?[0-9]{0,3}[-/.月]?[0-9]{0,4}日?", fullmatch=True),
)


@given(CELLS, st.booleans())
def test_date_never_raises_anything_but_value_problem(cell, dayfirst):
    try:
        parsed = date(cell, dayfirst=dayfirst, today=TODAY)
    except ValueProblem as problem:
        assert problem.code in ("date_format", "date_range")
    else:
        assert parsed is None or datetime.date(1900, 1, 1) <= parsed.value <= TODAY


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY))
def test_iso_and_serial_forms_agree(day):
    serial = (day - datetime.date(1899, 12, 30)).days
    if serial <= 60:
        serial -= 1
    assert date(day.isoformat(), today=TODAY).value == day
    if not 1900 <= serial <= 2100:  # numbers that look like years are read as years
        assert date(serial, today=TODAY).value == day
    assert date(f"{day.year}年{day.month}月{day.day}日", today=TODAY).value == day
