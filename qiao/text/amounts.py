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
