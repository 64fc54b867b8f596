"""Names of regions of origin and countries as people write them in import files.

Keys are folding keys (`qiao.text.compact`), so Traditional, Simplified, full-width and English
spellings in any case meet: 臺灣 = 台湾 = Taiwan = ＴＷ. Countries come back as their Simplified
Chinese name, the form the registry stores (马来西亚, 新加坡 …).
"""

from __future__ import annotations

import functools

from qiao.text import compact

REGIONS = ("HK", "MO", "TW", "OVERSEAS", "MAINLAND")

_REGION_ALIASES = {
    "HK": "香港 港 hk hongkong 中国香港 香港特别行政区 香港特区 hksar hongkongsar 港籍",
    "MO": "澳门 澳 mo macau macao 中国澳门 澳门特别行政区 澳门特区 macaosar macausar 澳籍",
    "TW": "台湾 台 tw taiwan 中国台湾 台湾地区 台湾省 台籍",
    "OVERSEAS": "海外 华侨 華僑 侨胞 海外华侨 海外华人 华人 overseas overseaschinese 外籍华人",
    "MAINLAND": "内地 大陆 归国 留学归国 留学回国 归国留学生 海归 回国 中国大陆 国内 mainland returnee",
}

# Simplified name → other names (Traditional spellings fold to Simplified by themselves).
_COUNTRIES = {
    "马来西亚": "malaysia 大马 马国",
    "新加坡": "singapore 星加坡 星洲",
    "印度尼西亚": "印尼 indonesia",
    "泰国": "thailand",
    "菲律宾": "philippines",
    "越南": "vietnam",
    "缅甸": "myanmar burma",
    "柬埔寨": "cambodia",
    "老挝": "laos 寮国",
    "文莱": "brunei 汶莱",
    "日本": "japan",
    "韩国": "korea southkorea 南韩 republicofkorea",
    "印度": "india",
    "阿联酋": "uae unitedarabemirates 阿拉伯联合酋长国",
    "以色列": "israel",
    "美国": "usa us unitedstates unitedstatesofamerica america 美利坚合众国",
    "加拿大": "canada",
    "墨西哥": "mexico",
    "巴拿马": "panama",
    "巴西": "brazil",
    "阿根廷": "argentina",
    "秘鲁": "peru",
    "智利": "chile",
    "英国": "uk unitedkingdom britain greatbritain england 英格兰 苏格兰",
    "爱尔兰": "ireland",
    "法国": "france",
    "德国": "germany",
    "意大利": "italy 义大利",
    "西班牙": "spain",
    "葡萄牙": "portugal",
    "荷兰": "netherlands holland",
    "比利时": "belgium",
    "瑞士": "switzerland",
    "奥地利": "austria",
    "瑞典": "sweden",
    "挪威": "norway",
    "丹麦": "denmark",
    "芬兰": "finland",
    "俄罗斯": "russia",
    "澳大利亚": "澳洲 australia",
    "新西兰": "纽西兰 newzealand",
    "南非": "southafrica",
    "毛里求斯": "mauritius 模里西斯",
}


@functools.cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    regions = {compact(alias): region for region, aliases in _REGION_ALIASES.items() for alias in aliases.split()}
    countries = {}
    for name, aliases in _COUNTRIES.items():
        for alias in [name, *aliases.split()]:
            countries[compact(alias)] = name
    return regions, countries


def _lookup(table: dict[str, str], key: str) -> str | None:
    """Exact key, else the longest key of two or more Chinese characters that starts the text
    ("香港九龙" → 香港, "马来西亚吉隆坡" → 马来西亚)."""
    if key in table:
        return table[key]
    prefixes = [k for k in table if len(k) >= 2 and not k.isascii() and key.startswith(k)]
    return table[max(prefixes, key=len)] if prefixes else None


def find_region(text: str) -> tuple[str, str] | None:
    """(region code, country) for a place name, or None: "澳門" → ("MO", ""),
    "Canada" → ("OVERSEAS", "加拿大"), "華僑" → ("OVERSEAS", "")."""
    regions, countries = _tables()
    key = compact(text)
    if not key:
        return None
    region = _lookup(regions, key)
    if region:
        return region, ""
    country = _lookup(countries, key)
    return ("OVERSEAS", country) if country else None


def find_country(text: str) -> str | None:
    """The Simplified Chinese name of a country ("Malaysia", "馬來西亞" → "马来西亚"), or None."""
    return _lookup(_tables()[1], compact(text))
