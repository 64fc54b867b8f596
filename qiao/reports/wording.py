"""How offices write figures in a bulletin (约数): the rules, in one place.

Counts (`approximate`):
    under 1,000                      exact                     148 → 148
    a little over a round number     上千 / 上万 for 1,000 and 10,000, else 超过N
      (the excess is under 5 % of it)                          1,046 → 上千; 4,012 → 超过4000
    otherwise, under 10,000          floored to the ten, 余    4,236 → 4230余; 1,180 → 1180
    otherwise, 10,000 and more       floored to two significant digits, in 万, 余
                                                               11,193 → 1.1万余; 123,456 → 12万余
The round number of "a little over" is the count floored to its first digit (4,012 → 4000; 40,120 →
4万). A floored count with nothing cut off takes no 余 (4,000 → 4000, 12,000 → 1.2万).

Amounts (yuan, `amount`): 亿元 to two decimals, rounded half up, from 0.01 亿 (1,000,000 yuan)
upwards: 346,123,456 → 3.46亿元; below that in 万元 to the 万, rounded half up: 560,000 → 56万元;
below 10,000 yuan: in 元. Percentages: one decimal, half up. Exact mode (`exact=True`): counts as
digits, amounts in 万元 to two decimals.

zh-Hant is the same text converted with OpenCC s2hk (余 → 餘, 万 → 萬, 亿 → 億, 超过 → 超過).
"""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal

OVER = Decimal("0.05")  # "a little over" a round number: by less than this share of it


def approximate(n: int) -> str:
    """A count as offices write it in a bulletin (zh-Hans): see the module's table."""
    n = int(n)
    if n < 1000:
        return str(n)
    digits = len(str(n))
    round_number = int(str(n)[0]) * 10 ** (digits - 1)
    if 0 < n - round_number < round_number * OVER:
        if round_number == 1000:
            return "上千"
        if round_number == 10000:
            return "上万"
        return f"超过{_plain(round_number)}"
    if n < 10000:
        floored = n - n % 10
        return f"{floored}余" if floored != n else str(n)
    step = 10 ** (digits - 2)
    floored = n - n % step
    return f"{_plain(floored)}余" if floored != n else _plain(floored)


def _plain(n: int) -> str:
    """A round count in the bulletin's words: 4000, 4万, 1.2万, 12万, 3亿."""
    if n >= 100_000_000:
        return f"{_trim(Decimal(n) / 100_000_000)}亿"
    if n >= 10000:
        return f"{_trim(Decimal(n) / 10000)}万"
    return str(n)


def _trim(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def count(n: int | None, exact: bool = False) -> str:
    if n is None:
        return "—"
    return str(int(n)) if exact else approximate(n)


def amount(yuan, exact: bool = False) -> str:
    """An amount of money in yuan as a bulletin writes it: 3.46亿元, 56万元, 8000元 (see the module)."""
    if yuan is None:
        return "—"
    yuan = Decimal(yuan)
    if exact:
        return f"{(yuan / 10000).quantize(Decimal('0.01'), ROUND_HALF_UP)}万元"
    if yuan >= 1_000_000:
        return f"{(yuan / 100_000_000).quantize(Decimal('0.01'), ROUND_HALF_UP)}亿元"
    if yuan >= 10000:
        return f"{(yuan / 10000).quantize(Decimal('1'), ROUND_HALF_UP)}万元"
    return f"{yuan.quantize(Decimal('1'), ROUND_HALF_UP)}元"


def percent(value) -> str:
    if value is None:
        return "—"
    try:
        return f"{Decimal(value).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    except decimal.InvalidOperation:
        return "—"


def change(current, before) -> str | None:
    """同比/环比 wording: 增长12.5% / 下降3.0% / 持平; None when there is nothing to compare with."""
    if before in (None, 0) or current is None:
        return None
    ratio = (Decimal(current) - Decimal(before)) * 100 / Decimal(before)
    ratio = ratio.quantize(Decimal("0.1"), ROUND_HALF_UP)
    if ratio > 0:
        return f"增长{ratio}%"
    if ratio < 0:
        return f"下降{-ratio}%"
    return "持平"
