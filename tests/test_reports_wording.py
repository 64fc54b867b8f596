"""How a bulletin writes its figures (qiao/reports/wording.py): the approximation table of the module's
docstring, amounts in 亿元 and 万元, exact figures, percentages and changes, the same words in
Traditional Chinese, and the rule that an approximate figure never states more than was counted."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiao.reports import wording
from qiao.text.fold import to_traditional


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0"),
        (148, "148"),
        (999, "999"),
        (1000, "1000"),  # a round count: nothing cut off, no 余
        (1046, "上千"),  # a little over a thousand (by less than 5 %)
        (1049, "上千"),
        (1050, "1050"),  # 5 % over: floored to the ten, and nothing was cut off
        (1180, "1180"),
        (1186, "1180余"),
        (4000, "4000"),
        (4012, "超过4000"),  # a little over a round number that is not 1,000 or 10,000
        (4199, "超过4000"),
        (4200, "4200"),
        (4236, "4230余"),
        (9999, "9990余"),
        (10000, "1万"),
        (10001, "上万"),
        (10499, "上万"),
        (11193, "1.1万余"),  # 10,000 and more: two significant digits, in 万
        (12000, "1.2万"),
        (40120, "超过4万"),
        (99999, "9.9万余"),
        (123456, "12万余"),
        (100_000_000, "1亿"),
        (123_456_789, "1.2亿余"),
    ],
)
def test_counts_are_approximated_as_offices_write_them(n, text):
    assert wording.approximate(n) == text
    assert wording.count(n) == text


@pytest.mark.parametrize(("n", "text"), [(4236, "4236"), (1046, "1046"), (11193, "11193"), (7, "7")])
def test_exact_mode_writes_the_digits(n, text):
    assert wording.count(n, exact=True) == text


@pytest.mark.parametrize(
    ("yuan", "text", "exact"),
    [
        (346_123_456, "3.46亿元", "34612.35万元"),  # 亿元 to two decimals, half up
        (Decimal("345000000"), "3.45亿元", "34500.00万元"),
        (Decimal("344999999.99"), "3.45亿元", "34500.00万元"),
        (Decimal("344500000"), "3.45亿元", "34450.00万元"),  # 3.445 亿: half up, not to even
        (Decimal("344499999"), "3.44亿元", "34450.00万元"),
        (Decimal("123456.785"), "12万元", "12.35万元"),
        (1_000_000, "0.01亿元", "100.00万元"),  # from 0.01 亿 upwards
        (999_999, "100万元", "100.00万元"),  # below: in 万元, to the 万, half up
        (560_000, "56万元", "56.00万元"),
        (15_000, "2万元", "1.50万元"),
        (10_000, "1万元", "1.00万元"),
        (8000, "8000元", "0.80万元"),  # below 10,000 yuan: in 元
        (0, "0元", "0.00万元"),
    ],
)
def test_amounts_in_yi_and_wan_yuan(yuan, text, exact):
    assert wording.amount(yuan) == text
    assert wording.amount(yuan, exact=True) == exact


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("33.3"), "33.3%"),
        (Decimal("12.35"), "12.4%"),  # half up
        (Decimal("12.349"), "12.3%"),
        (100, "100.0%"),
        (0, "0.0%"),
        ("66.65", "66.7%"),
        (None, "—"),
        ("n/a", "—"),
    ],
)
def test_percentages_to_one_decimal(value, text):
    assert wording.percent(value) == text


@pytest.mark.parametrize(
    ("current", "before", "text"),
    [
        (112.5, 100, "增长12.5%"),
        (5, 3, "增长66.7%"),
        (97, 100, "下降3.0%"),
        (1, 3, "下降66.7%"),
        (100, 100, "持平"),
        (Decimal("460000000"), Decimal("90000000"), "增长411.1%"),
        (5, 0, None),  # nothing to compare with: no percentage
        (5, None, None),
        (None, 5, None),
    ],
)
def test_changes_against_an_earlier_period(current, before, text):
    assert wording.change(current, before) == text


def test_nothing_counted_is_a_dash():
    assert wording.count(None) == "—" and wording.amount(None) == "—"


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [
        (wording.approximate(4236), "4230餘"),
        (wording.approximate(4012), "超過4000"),
        (wording.approximate(11193), "1.1萬餘"),
        (wording.approximate(10001), "上萬"),
        (wording.approximate(1046), "上千"),
        (wording.amount(346_123_456), "3.46億元"),
        (wording.amount(560_000), "56萬元"),
        (wording.change(112.5, 100), "增長12.5%"),
        (wording.change(97, 100), "下降3.0%"),
    ],
)
def test_the_same_words_in_traditional_chinese(simplified, traditional):
    """zh-Hant is the zh-Hans text converted with OpenCC s2hk."""
    assert to_traditional(simplified) == traditional


def stated(text: str) -> Decimal:
    """The number an approximate figure states: 上千 1000, 超过4000 4000, 1.1万余 11000, 1.2亿 120000000."""
    words = {"上千": Decimal(1000), "上万": Decimal(10000)}
    if text in words:
        return words[text]
    found = re.fullmatch(r"(?:超过)?(\d+(?:\.\d+)?)(万|亿)?(余)?", text)
    assert found, text
    scale = {"万": 10_000, "亿": 100_000_000, None: 1}[found[2]]
    return Decimal(found[1]) * scale


@given(st.integers(min_value=0, max_value=10**13))
def test_an_approximate_figure_never_states_more_than_was_counted(n):
    text = wording.approximate(n)
    number = stated(text)
    assert number <= n
    assert number * 2 > n or n == 0  # and not absurdly less
    if text.endswith("余") or text.startswith("超过") or text in ("上千", "上万"):
        assert number < n  # the words say "more than": there was more
    else:
        assert number == n  # a plain number is the count itself
