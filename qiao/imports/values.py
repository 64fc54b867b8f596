"""Cell → value parsers for imports. Pure Python, no Django.

Each parser takes a cell as `readers` gives it (str, int, float, bool, date, datetime or None)
and returns the value, None for an empty cell, or raises ValueProblem(code, message); `check`
turns that into (value, code) for callers that collect problems. The Django layer translates
by code and adds the row and column.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from typing import Any

from qiao import identity
from qiao.identity.documents import ascii_digits
from qiao.text import compact, fold, looks_like_mojibake, strip_pinyin_noise

from .dates import DateValue, date, infer_dayfirst
from .errors import VALUE_PROBLEM_CODES, ValueProblem
from .places import find_country, find_region

__all__ = [
    "GENERIC", "VALUE_PROBLEM_CODES", "DateValue", "ValueProblem", "boolean", "check", "country", "date",
    "document", "document_for_column", "document_kind", "emails", "gender", "guess_document_kind",
    "infer_dayfirst", "phones", "region", "text", "ORGANIZATION_KINDS", "organization_kind", "organization_core",
    "guess_organization_kind", "registration", "organization_region", "url",
]  # fmt: skip


def check(parse, *args, **kwargs) -> tuple[Any, str | None]:
    """Run a parser: (value, None) when it succeeds, (None, code) when it raises ValueProblem."""
    try:
        return parse(*args, **kwargs), None
    except ValueProblem as problem:
        return None, problem.code


# ---------------------------------------------------------------- text

# Characters nobody types: C0/C1 controls other than tab and line breaks, zero-width spaces and
# joiners, soft hyphens, BOMs, lone surrogates (the database cannot store them).
_JUNK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200d\u2060\ufeff\ud800-\udfff]")
_SPACES = re.compile(r"[^\S\n]+")  # whitespace other than line breaks, including U+3000 and NBSP
_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")


def _as_text(cell) -> str:
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime.datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, datetime.date | datetime.time):
        return cell.isoformat()
    return str(cell)


def _clean(value: str, numeric: bool, multiline: bool) -> str:
    value = _LINE_BREAKS.sub("\n", _JUNK.sub("", value))
    if numeric:  # full-width digits and letters → ASCII, only where the field is a number
        value = ascii_digits(unicodedata.normalize("NFKC", value))
    value = strip_pinyin_noise(value)
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in value.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return _SPACES.sub(" ", value.replace("\n", " ")).strip()


@functools.lru_cache(maxsize=16384)
def _garbled(value: str) -> bool:
    # Cached: the same employers, titles and places come back on many rows.
    return looks_like_mojibake(value)


def text(cell, *, numeric: bool = False, multiline: bool = False) -> str | None:
    """A cell as clean text, or None when empty: stripped, runs of spaces collapsed (line breaks
    too unless `multiline`), "創(chuàng)新" glosses removed, full-width → ASCII when `numeric`;
    ValueProblem("mojibake") for text decoded with the wrong codec."""
    if cell is None:
        return None
    try:
        found = _text(cell, numeric, multiline)
    except TypeError:  # not hashable: not cached
        found = _uncached_text(cell, numeric, multiline)
    if isinstance(found, tuple):  # a problem, kept as (code, message): raised anew each time
        raise ValueProblem(*found)
    return found


@functools.lru_cache(maxsize=65536, typed=True)
def _text(cell, numeric: bool, multiline: bool) -> str | tuple[str, str] | None:
    """`text()` of one cell value, cached: a list repeats its employers, titles, places, document
    types and genders on row after row (the cleaning costs a third of parsing a file)."""
    return _uncached_text(cell, numeric, multiline)


def _uncached_text(cell, numeric: bool, multiline: bool) -> str | tuple[str, str] | None:
    try:
        return _text_of(cell, numeric=numeric, multiline=multiline)
    except ValueProblem as problem:
        return (problem.code, problem.message)


def _text_of(cell, *, numeric: bool, multiline: bool) -> str | None:
    value = _clean(_as_text(cell), numeric, multiline)
    # Again until stable: removing a gloss can bring two spaces or two glosses together.
    for _ in range(10):
        if "(" not in value and "（" not in value:
            break
        cleaned = _clean(value, numeric, multiline)
        if cleaned == value:
            break
        value = cleaned
    if not value:
        return None
    if _garbled(value):
        raise ValueProblem("mojibake", f"{value!r} looks garbled: the file was saved in another encoding.")
    return value


# ---------------------------------------------------------------- choices


def _key(cell) -> str:
    """Folding key for short coded answers; unlike `compact` it keeps ✓ and ×."""
    return re.sub(r"[\s.。,，!！:：]+", "", fold(_as_text(cell)))


def _each(words: str, value) -> dict:
    return dict.fromkeys(words.split(), value)


_GENDERS = {
    **_each("男 男性 男士 先生 m male man mr 男生", "M"),
    **_each("女 女性 女士 小姐 f female woman ms mrs miss 女生", "F"),
    **_each("其他 x other", "X"),
}
_BOOLEANS = {
    **_each("是 y yes true t 1 ✓ √ ✔ ☑ 对 是的 有 首次 首次来访 首次参加 第一次", True),
    **_each("否 n no false f 0 × ✗ ✘ 不是 无 没有 非首次 再次 多次 不是首次", False),
}


def gender(cell) -> str | None:
    """男/女/M/F/Male/Female/先生/女士/小姐 → "M" or "F" ("X" for 其他/other); None when empty."""
    if cell is None or not _key(cell):
        return None
    value = _GENDERS.get(_key(cell))
    if value is None:
        raise ValueProblem("gender", f"{cell!r} is not a gender: write 男 or 女 (M or F).")
    return value


def boolean(cell) -> bool | None:
    """是/否, Y/N, yes/no, ✓/×, 首次/非首次, 1/0 → True/False; None when empty."""
    if cell is None or (isinstance(cell, str) and not _key(cell)):
        return None
    if isinstance(cell, bool):
        return cell
    value = _BOOLEANS.get(_key(cell))
    if value is None:
        raise ValueProblem("boolean", f"{cell!r} is not yes or no: write 是 or 否.")
    return value


def region(cell) -> tuple[str, str] | None:
    """(region, country) of origin: 香港 → ("HK", ""), 澳門 → ("MO", ""), 臺灣 → ("TW", ""),
    华侨 → ("OVERSEAS", ""), Canada → ("OVERSEAS", "加拿大"), 留学归国 → ("MAINLAND", "")."""
    value = text(cell)
    if value is None:
        return None
    found = find_region(value)
    if found is None:
        raise ValueProblem("region", f"{value!r} is not a region: write 香港, 澳门, 台湾, 内地 or a country.")
    return found


def country(cell) -> str | None:
    """A country's Simplified Chinese name when known ("Malaysia" → "马来西亚"), else the text."""
    value = text(cell)
    if value is None:
        return None
    return find_country(value) or value


# ---------------------------------------------------------------- identity documents

GENERIC = "document_number"  # a column or kind cell that does not say which document
_KIND_NAMES = {
    "hkid": "香港身份证 香港永久性居民身份证 香港居民身份证 香港身份证号码 hkid hongkongidentitycard hongkongid",
    "mo_id": "澳门身份证 澳门居民身份证 澳门永久性居民身份证 澳门身份证号码 bir macaoid macauid macaoidentitycard",
    "tw_id": "台湾身份证 台湾身分证 身分证 国民身分证 台湾居民身份证 taiwanid",
    "hk_mo_permit": "回乡证 回乡卡 港澳居民来往内地通行证 港澳居民往来内地通行证 来往内地通行证 homereturnpermit",
    "tw_permit": "台胞证 台湾居民来往大陆通行证 台湾居民往来大陆通行证 mtp taiwancompatriotpermit",
    "residence_permit": "居住证 港澳台居民居住证 港澳居民居住证 台湾居民居住证 residencepermit",
    "cn_id": "居民身份证 内地身份证 大陆身份证 二代身份证 中国居民身份证 residentidentitycard chineseid",
    "passport": "护照 因私护照 中国护照 外国护照 passport",
    GENERIC: "证件 证件号码 证件号 身份证 身份证号 身份证号码 身份证件 id idcard idnumber identitycard 其他 other",
}
# Words that name a kind inside a longer text ("香港永久性居民身份證（智能）"), most specific first.
_KIND_WORDS = (
    (("回乡",), "hk_mo_permit"), (("港澳", "通行证"), "hk_mo_permit"), (("台胞",), "tw_permit"),
    (("台湾", "通行证"), "tw_permit"), (("居住证",), "residence_permit"), (("护照",), "passport"),
    (("香港", "身份"), "hkid"), (("澳门", "身份"), "mo_id"), (("台湾", "身"), "tw_id"),
)  # fmt: skip
_SHAPES = (
    (re.compile(r"[A-Z]{1,2}[0-9]{6}[0-9A]"), "hkid"),
    (re.compile(r"[A-Z](?:[1289]|[A-D])[0-9]{8}"), "tw_id"),
    (re.compile(r"8[123]0000[0-9]{11}[0-9X]"), "residence_permit"),
    (re.compile(r"[0-9]{17}[0-9X]"), "cn_id"),
    (re.compile(r"[HM](?:[0-9]{8}|[0-9]{10})"), "hk_mo_permit"),
    (re.compile(r"[0-9]{10}[A-Z]?"), "tw_permit"),
)
_MACAO_WRITTEN = re.compile(r"\s*[157][0-9]{6}\s*[(（/]\s*[0-9]\s*[)）]?\s*|\s*[157]/[0-9]{6}/[0-9]\s*")


def document_kind(cell) -> str | None:
    """A document kind named in any script (香港身份證, 回乡证, Passport …) as one of
    identity.DOCUMENT_KINDS, GENERIC for 证件号码 / 身份证 (guess from the number), None when empty."""
    value = text(cell)
    if value is None:
        return None
    kind = _kind_of(fold(value).replace(" ", ""))
    if kind is None:
        raise ValueProblem("document_kind", f"{value!r} is not a known document type.")
    return kind


@functools.cache
def _kind_names() -> dict[str, str]:
    """Folded document-type name → kind, the first kind naming it winning (folded once, not per row)."""
    names = {}
    for kind, words in _KIND_NAMES.items():
        names.setdefault(kind, kind)
        for name in words.split():
            names.setdefault(fold(name), kind)
    return names


@functools.lru_cache(maxsize=4096)
def _kind_of(key: str) -> str | None:
    """The kind a folded type cell names (a whole name, else words inside it), or None. Cached: a
    file repeats a handful of type labels on every row."""
    found = _kind_names().get(key)
    if found is not None:
        return found
    for words, kind in _KIND_WORDS:
        if all(word in key for word in words):
            return kind
    return None


def guess_document_kind(number: str, region: str | None = None) -> str:
    """The document kind a number's shape says, or ValueProblem "document_kind" /
    "document_ambiguous". Eight digits are a Macao ID or a Taiwan permit: the region decides,
    or the Macao way of writing the check digit, 1234567(8); otherwise they are ambiguous when
    they start 1, 5 or 7 (as Macao IDs do) and a Taiwan permit when they do not."""
    try:
        cleaned = identity.clean_number(number)
    except identity.NumberError as error:
        raise ValueProblem("document_format", error.message) from error
    for pattern, kind in _SHAPES:
        if pattern.fullmatch(cleaned):
            return kind
    if re.fullmatch(r"[0-9]{8}", cleaned):
        if region in ("MO", "TW"):
            return "mo_id" if region == "MO" else "tw_permit"
        if _MACAO_WRITTEN.fullmatch(unicodedata.normalize("NFKC", str(number))):
            return "mo_id"
        if cleaned[0] in "157":
            raise ValueProblem(
                "document_ambiguous", f"{number!r} may be a Macao ID or a Taiwan permit: give the document type."
            )
        return "tw_permit"
    raise ValueProblem("document_kind", f"Cannot tell which document {number!r} is: give the document type.")


def _normalized(kind: str, number: str) -> tuple[str, str]:
    try:
        return kind, identity.normalize_document(kind, number)
    except identity.NumberError as error:
        code = {"checksum": "document_checksum", "unknown_kind": "document_kind"}.get(error.code, "document_format")
        raise ValueProblem(code, f"{number!r}: {error.message}") from error


def document_for_column(column_kind: str, number_cell, region: str | None = None) -> tuple[str, str] | None:
    """(kind, normalised number) from a column that holds one kind (a DOCUMENT_KINDS code) or
    any kind (GENERIC: guessed from the number's shape); None when the cell is empty."""
    if isinstance(number_cell, int | float) and not isinstance(number_cell, bool) and abs(number_cell) >= 1e15:
        # An 18-digit ID card number typed into a number cell: Excel keeps 15 significant digits.
        raise ValueProblem(
            "document_format",
            f"{number_cell!r} was stored as a number, which keeps only 15 digits: "
            "format the column as text and type the number again.",
        )
    number = text(number_cell, numeric=True)
    try:
        identity.clean_number(number)
    except identity.NumberError:  # nothing but separators, as "-" or "/" for "none"
        return None
    if column_kind == GENERIC:
        column_kind = guess_document_kind(number, region)
    elif column_kind not in identity.DOCUMENT_KINDS:
        raise ValueProblem("document_kind", f"Unknown document kind {column_kind!r}.")
    return _normalized(column_kind, number)


def document(kind_cell, number_cell, region: str | None = None) -> tuple[str, str] | None:
    """(kind, normalised number) from a 证件类型 cell and a 证件号码 cell; the kind is guessed
    from the number when the type cell is empty or generic. None when there is no number."""
    if text(number_cell, numeric=True) is None:
        return None
    kind = document_kind(kind_cell) or GENERIC
    return document_for_column(kind, number_cell, region)


# ---------------------------------------------------------------- phones and e-mails

# Several values in one cell: / ， , ; 、 and line breaks (full-width forms fold by NFKC).
_LIST_SEPARATORS = re.compile(r"[/,;、\n|]+")
_PHONE_REGIONS = {"HK": "HK", "MO": "MO", "TW": "TW", "MAINLAND": "CN"}
_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)


def _items(cell, separators: re.Pattern) -> list[str]:
    value = text(cell, numeric=True, multiline=True)
    if value is None:
        return []
    return [item.strip() for item in separators.split(value) if item.strip()]


def phones(cell, region: str | None = None) -> list[str]:
    """Every phone in a cell, in E.164 without duplicates; numbers without a country code are
    read in the region of origin (HK, MO, TW; MAINLAND → CN). ValueProblem "phone" names the
    first number that cannot be read."""
    default = _PHONE_REGIONS.get(region or "")
    found = []
    for item in _items(cell, _LIST_SEPARATORS):
        try:
            found.append(identity.normalize_phone(item, default))
        except identity.NumberError as error:
            raise ValueProblem("phone", f"{item!r}: {error.message}") from error
    return list(dict.fromkeys(found))


def emails(cell) -> list[str]:
    """Every e-mail address in a cell, lower case, without duplicates; ValueProblem "email"
    names the first that is not an address (ASCII addresses only)."""
    found = []
    for item in _items(cell, re.compile(r"[\s,;、|]+|/(?=[^@]*@)")):
        address = item.lower().removeprefix("mailto:").strip("<>()[]\"'")
        if not _EMAIL.fullmatch(address) or len(address) > 254:
            raise ValueProblem("email", f"{item!r} is not an e-mail address.")
        found.append(address)
    return list(dict.fromkeys(found))


_DEGREES = {
    **_each("博士 博士研究生 博士学位 博士后 phd doctor doctorate dphil 博士研究生毕业", "doctor"),
    **_each("硕士 硕士研究生 研究生 硕士学位 master masters msc ma mba mphil 硕士研究生毕业", "master"),
    **_each("本科 学士 大学本科 学士学位 大学 bachelor bachelors bsc ba 本科毕业", "bachelor"),
    **_each("大专 专科 高职 副学士 高级文凭 文凭 associate diploma higherdiploma 高等专科", "associate"),
    **_each("高中 中学 中专 职中 secondary highschool 中五 中六", "secondary"),
    **_each("其他 other", "other"),
}


def degree(cell) -> str | None:
    """博士/碩士/本科/大專/高中, PhD/Master/Bachelor/Associate/Diploma → the registry's degree code."""
    value = text(cell)
    if value is None:
        return None
    key = _key(value)
    found = _DEGREES.get(key)
    if found is None:  # "Master of Science", "香港大学本科": the longest degree word inside wins
        words = sorted((w for w in _DEGREES if len(w) > 2 or not w.isascii()), key=len, reverse=True)
        found = next((_DEGREES[w] for w in words if w in key), None)
    if found is None:
        raise ValueProblem("degree", f"{value!r} is not a degree: write 博士, 硕士, 本科, 大专 or 高中.")
    return found


def year(cell) -> int | None:
    """A year such as 2019, "2019年", "2019.06" or a date → 2019."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, (int, float)) and 1900 <= cell <= 2100:
        return int(cell)
    match = re.match(r"\s*((?:19|20)\d\d)(?:\D|$)", fold(_as_text(cell)))
    if match:
        return int(match.group(1))
    raise ValueProblem("year", f"{cell!r} is not a year.")


# ---------------------------------------------------------------- organisations

# Organization.kind codes (qiao.orgs.models.OrganizationKind), by the words people write for them.
ORGANIZATION_KINDS = ("enterprise", "association", "university", "research", "government", "other")
_ORGANIZATION_KINDS = {
    **_each(
        "企业 公司 企业单位 民营企业 民企 私营企业 私企 国企 国有企业 央企 外企 外资企业 港资企业 台资企业 "
        "合资企业 商号 商行 工厂 个体户 个体工商户 企业法人 有限公司 enterprise company business firm corporation "
        "corporate commercial",
        "enterprise",
    ),
    **_each(
        "社团 协会 商会 联会 总会 同乡会 联谊会 校友会 学会 联合会 基金会 促进会 研究会 社会组织 社会团体 团体 "
        "民间组织 非营利组织 非牟利机构 非牟利团体 慈善机构 民办非企业单位 社团法人 财团法人 ngo npo "
        "association society chamber club federation foundation charity nonprofit",
        "association",
    ),
    **_each("高校 大学 学院 院校 高等院校 大专院校 学校 university college school", "university"),
    **_each(
        "科研机构 研究机构 科研院所 研究院 研究所 研究中心 实验室 研发机构 新型研发机构 "
        "research researchinstitute institute lab laboratory",
        "research",
    ),
    **_each(
        "政府 政府机关 政府部门 政府机构 机关 党政机关 事业单位 公营机构 法定机构 "
        "government governmentbody governmentagency publicbody authority",
        "government",
    ),
    **_each("其他 其它 other others 其他机构", "other"),
}
# Words in an organisation's name that say its kind (a guess when the file has no kind column).
_NAME_KINDS = {
    **_each("公司 集团 企业 商行 工厂 company corporation group", "enterprise"),
    **_each(
        "协会 商会 联会 总会 同乡会 联谊会 校友会 学会 联合会 基金会 促进会 研究会 "
        "association society chamber club federation foundation",
        "association",
    ),
    **_each("大学 学院 university college", "university"),
    **_each("研究院 研究所 研究中心 实验室 institute laboratory", "research"),
    **_each("政府 人民政府 government", "government"),
}
# Legal forms dropped to compare names: "ABC Trading Co., Ltd." and "ABC Trading" read alike.
# Longest first; 公司 goes too (XX公司 = XX有限公司), but 协会, 集团 or 分公司's 分 stay.
LEGAL_SUFFIXES_HAN = ("股份有限公司", "有限责任公司", "有限公司", "公司")
LEGAL_WORDS_LATIN = frozenset(
    _each("co company ltd limited inc incorporated corp corporation llc llp lp plc gmbh ag sa bv pte pty sdn bhd", 1)
)
# The same forms as they end a `compact` key, to look up names that differ only by them.
LEGAL_ENDINGS_LATIN = (
    "coltd", "colimited", "companylimited", "limited", "ltd", "inc", "incorporated", "corp", "corporation",
    "co", "company", "llc", "plc", "pteltd", "ptyltd", "sdnbhd", "gmbh",
)  # fmt: skip
_NOT_WORD = re.compile(r"[\W_]+")


def _latest_word(key: str, words: dict) -> str | None:
    """The value of the word ending last in `key` (the head of a Chinese noun phrase is at its end);
    the longest among those. Latin words must be whole words of `key` (fold()ed, spaced)."""
    best, best_end, best_length = None, -1, 0
    for word, value in words.items():
        if word.isascii():
            found = [m.end() for m in re.finditer(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", key)]
        else:
            start = key.rfind(word)
            found = [start + len(word)] if start >= 0 else []
        for end in found[-1:]:
            if (end, len(word)) > (best_end, best_length):
                best, best_end, best_length = value, end, len(word)
    return best


def organization_kind(cell) -> str | None:
    """企业/公司, 社团/协会/商会, 高校/大学, 科研机构/研究所, 政府/机关, 其他 (any script, or English)
    → one of ORGANIZATION_KINDS; the word that ends the text decides ("民营企业（港资）" →
    enterprise, "大学生协会" → association); None when empty."""
    value = text(cell)
    if value is None:
        return None
    if _key(value) in ORGANIZATION_KINDS:
        return _key(value)
    found = _ORGANIZATION_KINDS.get(_key(value))
    if found is None:
        found = _latest_word(_NOT_WORD.sub(" ", fold(value)), _ORGANIZATION_KINDS)
    if found is None:
        raise ValueProblem(
            "kind", f"{value!r} is not a kind of organisation: write 企业, 社团, 高校, 科研机构 or 政府."
        )
    return found


def _without_legal_form(name: str | None) -> list[str]:
    """The folded words of a name, its legal form dropped from the end (see `organization_core`)."""
    words = _NOT_WORD.sub(" ", fold(name or "")).split()
    while words:
        last = words[-1]
        if last in LEGAL_WORDS_LATIN and len(words) > 1:
            words.pop()
            continue
        suffix = next((s for s in LEGAL_SUFFIXES_HAN if last.endswith(s)), None)
        if suffix is None:
            break
        if len(last) > len(suffix):
            words[-1] = last[: -len(suffix)]
        elif len(words) > 1:
            words.pop()
        else:
            break
    return words


def organization_core(name: str | None) -> str:
    """A name's folding key (`compact`) without its legal form: "ABC Trading Co., Ltd." →
    "abctrading", "華為技術有限公司" → "华为技术", "香港青年協會" stays "香港青年协会".
    Latin forms go only as whole words ("Taco Ltd" → "taco", not "ta"); a name that is nothing
    but a legal form keeps it."""
    return "".join(_without_legal_form(name))


def guess_organization_kind(name: str | None) -> str | None:
    """The kind an organisation's name suggests, or None: 协会/商会 → association, 大学 →
    university, 研究所 → research, 政府 → government, 公司/集团 or only a legal form (有限公司,
    Ltd) → enterprise. The legal form is looked past first, so "香港青年協會有限公司" (a company
    limited by guarantee) is an association."""
    words = _without_legal_form(name)
    found = _latest_word(" ".join(words), _NAME_KINDS)
    if found is None and words and "".join(words) != _NOT_WORD.sub("", fold(name or "")):
        return "enterprise"
    return found


# Cells that say "none" in a number column.
_NONE_WORDS = frozenset(_each("无 暂无 没有 未有 不适用 未注册 na n/a none nil nan -", None))
_HK_BR_CERTIFICATE = re.compile(r"[0-9]{8}(?:[0-9]{3}|[0-9]{7}[0-9A-Z])")  # 8 + branch (+ expiry, check)
_REGISTRATION_BY_REGION = {"HK": "hk_br", "TW": "tw_ubn"}


def registration(cell, region: str | None = None) -> tuple[str, str] | None:
    """(kind, normalised number) of an organisation's registration number, kind one of
    identity.REGISTRATION_KINDS; None when empty (or 无, N/A).

    The shape decides: 18 digits and letters are a Unified Social Credit Code (check character
    verified, letters allowed anywhere); 8 digits with the branch (and expiry) of a certificate
    are a Hong Kong BR. Otherwise the region does: HK → BR (8 digits), TW → Unified Business
    Number (check digit verified). Anything else, including 8 bare digits of unknown region, is
    kept as typed ("other"). ValueProblem "registration_number" when a number fails its check."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if abs(cell) >= 1e15:
            raise ValueProblem(
                "registration_number",
                f"{cell!r} was stored as a number, which keeps only 15 digits: format the column as text.",
            )
        if region in _REGISTRATION_BY_REGION and float(cell).is_integer() and 0 <= cell < 1e8:
            cell = f"{int(cell):08d}"  # a Taiwan UBN or HK BR typed as a number loses its leading zeros
    number = text(cell, numeric=True)
    if number is None or fold(number).replace(" ", "") in _NONE_WORDS:
        return None
    try:
        cleaned = identity.clean_number(number)
    except identity.NumberError:  # nothing but separators
        return None
    if len(cleaned) == 18 and cleaned.isalnum():
        kind = "uscc"
    elif _HK_BR_CERTIFICATE.fullmatch(cleaned):
        kind = "hk_br"
    elif region in _REGISTRATION_BY_REGION:
        kind = _REGISTRATION_BY_REGION[region]
    else:
        kind = "other"
    try:
        return kind, identity.normalize_registration(kind, number)
    except identity.NumberError as error:
        raise ValueProblem("registration_number", f"{number!r}: {error.message}") from error


_MAINLAND = frozenset(
    compact(word)
    for word in _each(
        "中国 中华人民共和国 china prc peoplesrepublicofchina 北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 "
        "浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 内蒙古 广西 西藏 宁夏 "
        "新疆 深圳 广州 惠州 东莞 珠海 佛山 中山 江门 肇庆",
        None,
    )
)


def organization_region(cell) -> tuple[str, str] | None:
    """(region, country) where an organisation is based: as `region`, and also 中国, China or
    a province or city of the Greater Bay Area (广东, 深圳 …, with or without 省/市) → MAINLAND."""
    value = text(cell)
    if value is None:
        return None
    try:
        return region(value)
    except ValueProblem:
        key = compact(value)
        if key in _MAINLAND or key[-1:] in ("省", "市") and key[:-1] in _MAINLAND:
            return "MAINLAND", ""
        raise


_URL = re.compile(
    r"(?:(?P<scheme>https?)://)?"
    r"(?P<host>(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59}))"
    r"(?P<port>:[0-9]{1,5})?"
    r"(?P<rest>[/?#][^\s]*)?",
    re.IGNORECASE,
)


def url(cell) -> str | None:
    """A web address with its scheme: "www.example.org" → "https://www.example.org", hosts in
    lower case, Chinese domains kept (港青.香港). ValueProblem "url" for anything else, e-mail
    addresses included."""
    value = text(cell, numeric=True)
    if value is None:
        return None
    found = _URL.fullmatch(value.strip("<>()[]\"'，。,;； "))
    if found is None or "@" in value or len(value) > 200:
        raise ValueProblem("url", f"{value!r} is not a web address.")
    scheme = (found["scheme"] or "https").lower()
    return f"{scheme}://{found['host'].lower()}{found['port'] or ''}{found['rest'] or ''}"
