"""Amounts as Chinese reports write them: "37.95億元", "139.1亿元", "3000万元", "超过4000名", "4,000".

A regular expression finds the first number with its unit; the value is a Decimal, never a float
(money is kept in Decimal yuan). cn2an's smart mode handles only some of these and loses a leading
负 (spec §1), so it is not used.
"""

from __future__ import annotations

import decimal
import re
import unicodedata

_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}

_AMOUNT = re.compile(
    r"""
    (?P<sign>(?<![\d.])[-−]|[负負]\s*)?
    (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
    \s*(?:[余餘多])?\s*
    (?P<unit>
        (?:[十百千](?![米克瓦卡焦伏帕赫字分兆])|[万萬亿億])*   # 千米 is a kilometre, not 1000 米
    )
    """,
    re.VERBOSE,
)


def parse_amount(text: str) -> decimal.Decimal | None:
    """The first number in the text times its unit (万/萬 10^4, 亿/億 10^8, 千 10^3, 百, 十), or None.

    "37.95億元" → Decimal("3795000000"), "1.2萬人" → 12000, "3000多万" → 30000000,
    "超过4000名" → 4000, "４，０００" → 4000, "负3.5万" → -35000. Units multiply ("1.2千万" →
    12000000). A number of whole units comes back without decimal places. Never raises.
    """
    if not text:
        return None
    try:
        normalized = unicodedata.normalize("NFKC", str(text))
        match = _AMOUNT.search(normalized)
        if match is None:
            return None
        digits = match.group("number").replace(",", "")
        multiplier = 1
        for unit in match.group("unit"):
            multiplier *= _UNITS[unit]
        with decimal.localcontext() as context:
            context.prec = max(28, len(digits) + 40)
            context.Emax = decimal.MAX_EMAX
            value = decimal.Decimal(digits) * multiplier
            if match.group("sign"):
                value = -value
            if value == 0:
                return decimal.Decimal(0)
            if value == value.to_integral_value():
                return value.quantize(decimal.Decimal(1))
            return value.normalize()
    except (decimal.DecimalException, ValueError, OverflowError):
        return None


# ---------------------------------------------------------------------------------------------------------
# Writing amounts of money in 元, 万元 or 亿元

UNIT_FACTORS = {"yuan": decimal.Decimal(1), "wan": decimal.Decimal(10**4), "yi": decimal.Decimal(10**8)}
UNIT_SUFFIXES = {"yuan": "元", "wan": "万元", "yi": "亿元"}
FEN = decimal.Decimal("0.01")


class AmountError(ValueError):
    """An amount that cannot be money: not a number, or finer than a fen (0.01 元)."""


def to_yuan(value, unit: str = "yuan") -> decimal.Decimal:
    """An amount given in `unit` ("yuan", "wan", "yi") as exact Decimal yuan with two places.

    `value` is a Decimal, an int or text as offices type it ("1,234.5", "１２３４", "3.2亿" — a 万/亿
    in the text overrides `unit`). Raises AmountError when it is not a number or is finer than a fen
    (0.000001 万元 = 0.01 元 is fine; 0.0000001 万元 is not). Exact: no float ever touches it.
    """
    if isinstance(value, decimal.Decimal | int):
        number = decimal.Decimal(value)
        factor = UNIT_FACTORS[unit]
    else:
        cleaned = unicodedata.normalize("NFKC", str(value or "")).strip().replace(",", "").replace(" ", "")
        for suffix in ("元", "人民币", "RMB", "CNY", "¥", "￥"):
            cleaned = cleaned.replace(suffix, "")
        factor = UNIT_FACTORS[unit]
        if cleaned.endswith(("万", "萬")):
            cleaned, factor = cleaned[:-1], UNIT_FACTORS["wan"]
        elif cleaned.endswith(("亿", "億")):
            cleaned, factor = cleaned[:-1], UNIT_FACTORS["yi"]
        if not re.fullmatch(r"[-−]?(\d+(\.\d*)?|\.\d+)", cleaned):
            raise AmountError(str(value))
        number = decimal.Decimal(cleaned.replace("−", "-"))
    if not number.is_finite():
        raise AmountError(str(value))
    with decimal.localcontext() as context:
        context.prec = 60
        yuan = number * factor
        if yuan != yuan.quantize(FEN, rounding=decimal.ROUND_DOWN):
            raise AmountError(str(value))
        return yuan.quantize(FEN)


def in_unit(yuan: decimal.Decimal, unit: str, places: int = 2) -> decimal.Decimal:
    """Yuan expressed in `unit`, rounded half up (四舍五入) to `places` decimals, as offices write it:
    in_unit(Decimal("13910000000"), "yi") → Decimal("139.1"); trailing zeros dropped."""
    with decimal.localcontext() as context:
        context.prec = 60
        value = (decimal.Decimal(yuan) / UNIT_FACTORS[unit]).quantize(
            decimal.Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP
        )
        if value == 0:
            return decimal.Decimal(0)
        if value == value.to_integral_value():
            return value.quantize(decimal.Decimal(1))
        return value.normalize()


def format_amount(yuan: decimal.Decimal | None, unit: str = "wan", places: int = 2, suffix: bool = True) -> str:
    """ "139.1亿元", "1,234.57万元", "12,000,000元": grouped by thousands, rounded half up to `places`
    (yuan: always two places when there are fen). Totals are summed in exact yuan first, then written
    once, so a total equals the sum of the rows to the fen, whatever unit they are shown in."""
    if yuan is None:
        return ""
    value = in_unit(yuan, unit, places)
    text = f"{value:,f}"
    if unit == "yuan" and "." in text:
        text = f"{decimal.Decimal(yuan).quantize(FEN, rounding=decimal.ROUND_HALF_UP):,f}"
    return text + (UNIT_SUFFIXES[unit] if suffix else "")
