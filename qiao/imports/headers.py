"""Column headers → field codes, in Simplified, Traditional and English (issue 3).

Matching compares folding keys (`qiao.text.compact`: script, width, case, spaces and punctuation
folded away), so 證件號碼, 证件号码 and "证件 号码" are one header. Decorations that forms add
are ignored: a trailing "*" or "：", and a bracketed note as in "手機（必填）" or "Name (required)".
An exact match beats a header that merely contains an alias ("香港身份证号码" contains 香港身份证);
among contained aliases the longest wins, so 香港身份证 beats 身份证号.
"""

from __future__ import annotations

import functools
import re

from qiao.text import compact

PEOPLE_FIELDS = (
    "name", "name_latin", "gender", "birth_date", "region", "country", "document_kind", "document_number",
    "hkid", "mo_id", "tw_id", "hk_mo_permit", "tw_permit", "residence_permit", "cn_id", "passport",
    "phone", "email", "employer", "title", "degree", "institution", "field_of_study", "graduation_year",
    "first_visit", "notes", "tags",
)  # fmt: skip
ORGANIZATION_FIELDS = (
    "name", "name_latin", "kind", "region", "country", "industry", "registration_number", "parent",
    "address", "phone", "website", "notes",
)  # fmt: skip
# A row may have several of these in separate columns (手机, 备用电话); every other field takes one.
MULTI_VALUED = frozenset({"phone", "email", "tags"})
# Columns that hold one specific kind of document: the field code is the document kind.
DOCUMENT_COLUMNS = ("hkid", "mo_id", "tw_id", "hk_mo_permit", "tw_permit", "residence_permit", "cn_id", "passport")

# How readers join the two rows of a two-row header ("证件" over "号码" → "证件 / 号码").
HEADER_JOINER = " / "

_PEOPLE_ALIASES = {
    "name": "姓名 名字 中文姓名 中文名 姓名中文 name fullname 全名 chinesename =名称",
    "name_latin": "英文姓名 英文名 英文名字 拼音 姓名拼音 拼音姓名 nameinenglish englishname 外文姓名 证件英文名",
    "gender": "性别 gender sex 男女",
    "birth_date": "出生日期 出生年月 出生年月日 生日 dateofbirth birthdate birthday dob 出生时间 =出生",
    "region": "来源地 籍贯 地区 region origin 来自 所在地区 港澳台侨 身份类别 =来源 regionoforigin 户籍",
    "country": "国家 country 国籍 居住国 所在国家 nationality 国家地区",
    "document_kind": "证件类型 证件种类 证件类别 idtype documenttype 证件名称 typeofid",
    "document_number": "证件号码 证件号 idnumber 身份证号 身份证号码 证件编号 documentnumber idno 身份证件号码 =证件",
    "hkid": "香港身份证 香港身份证号码 香港身份证号 hkid hkidno hkidnumber",
    "mo_id": "澳门身份证 澳门身份证号码 bir 澳门居民身份证 macaoid",
    "tw_id": "台湾身份证 台湾身分证 台湾身分证字号 身分证字号 taiwanid",
    "hk_mo_permit": "回乡证 回乡证号 回乡证号码 港澳居民来往内地通行证 港澳通行证 homereturnpermit",
    "tw_permit": "台胞证 台胞证号 台胞证号码 台湾居民来往大陆通行证 mtp",
    "residence_permit": "居住证 港澳台居民居住证 居住证号码 residencepermit",
    "cn_id": "居民身份证 大陆身份证 内地身份证 chineseid",
    "passport": "护照 护照号 护照号码 passport passportno passportnumber",
    "phone": "手机 电话 联系电话 手机号码 手机号 mobile phone tel telephone 联系方式 电话号码 移动电话 联络电话",
    "email": "邮箱 电邮 电子邮箱 电子邮件 email e-mail 邮件 =mail 电邮地址",
    "employer": (
        "单位 工作单位 所属机构 所在单位 任职机构 任职单位 就职单位 =机构 公司 "
        "employer organisation organization company"
    ),
    "title": "职务 职位 title position 职称 岗位 jobtitle",
    "degree": "学历 degree 最高学历 学位",
    "institution": "毕业院校 学校 institution university 院校 毕业学校 就读学校 school",
    "field_of_study": "专业 major fieldofstudy 所学专业 subject",
    "graduation_year": "毕业年份 graduationyear 毕业时间 毕业年度",
    "first_visit": "是否首次 首次来访 是否首次来惠 firstvisit =首次 是否首次参加 首次参加 首次来惠",
    "notes": "备注 notes remarks 说明 note remark =其他",
    "tags": "领域 专长 tags 标签 专业领域 擅长领域",
}
_ORGANIZATION_ALIASES = {
    "name": (
        "名称 单位名称 机构名称 企业名称 公司名称 组织名称 社团名称 name organisationname organizationname companyname"
    ),
    "name_latin": "英文名称 英文名 nameinenglish englishname",
    "kind": "类型 机构类型 单位类型 =性质 单位性质 type kind",
    "region": "地区 来源地 region 所在地区",
    "country": "国家 country 国家地区",
    "industry": "行业 所属行业 industry sector 领域",
    "registration_number": (
        "统一社会信用代码 信用代码 注册号 商业登记号 商业登记证号码 统一编号 registrationnumber brnumber uscc 登记号"
    ),
    "parent": "上级机构 上级单位 所属社团 母公司 parent 主管单位 =上级",
    "address": "地址 通讯地址 address 办公地址 注册地址",
    "phone": "电话 联系电话 phone tel telephone 手机 联系方式",
    "website": "网站 网址 website url 官网",
    "notes": "备注 notes remarks 说明",
}
_ALIASES = {"people": _PEOPLE_ALIASES, "organizations": _ORGANIZATION_ALIASES}

# A bracketed note, or the decorations forms put after a header: "（必填）", "*", "：".
_BRACKETED = re.compile(r"[(（\[【〔<《][^)）\]】〕>》]*[)）\]】〕>》]")
_DECORATION = re.compile(r"^[*＊\s]+|[*＊:：#＃、.。\s]+$")
_EXACT, _CONTAINED = 2, 1


def _kind(kind: str) -> str:
    if kind in ("people", "person", "participations"):  # a delegation list is a list of people
        return "people"
    if kind in ("organizations", "organisations", "organization", "organisation", "orgs"):
        return "organizations"
    raise ValueError(f"unknown import kind {kind!r}")


@functools.cache
def _alias_keys(kind: str) -> tuple[dict[str, str], dict[str, str]]:
    """Folding key of each alias → field code, for one kind: (every alias, aliases that may be
    found inside a longer header). An alias written "=证件" matches only a whole header: inside
    one it would catch 证件有效期."""
    exact: dict[str, str] = {}
    contained: dict[str, str] = {}
    for field, aliases in _ALIASES[kind].items():
        for alias in aliases.split():
            key = compact(alias.removeprefix("="))
            exact.setdefault(key, field)
            # Short Latin aliases ("tel", "dob", "bir") would be found inside unrelated words.
            if not alias.startswith("=") and len(key) >= (4 if key.isascii() else 2):
                contained.setdefault(key, field)
    return exact, contained


def _keys(header: str) -> list[str]:
    """Folding keys to try for a header: without its bracketed note first, then with it."""
    text = str(header or "").strip()
    bare = _DECORATION.sub("", _BRACKETED.sub("", text))
    keys = [compact(bare), compact(_DECORATION.sub("", text))]
    return [key for key in dict.fromkeys(keys) if key]


def match_header(header: str, kind: str = "people") -> tuple[str | None, int]:
    """The field a header names and how well: (field, 2) exact, (field, 1) contained, (None, 0)."""
    exact, contained = _alias_keys(_kind(kind))
    parts = [str(header or "")]
    if HEADER_JOINER in parts[0]:  # a two-row header: the whole, then the lower part, then the upper
        upper, _, lower = parts[0].partition(HEADER_JOINER)
        parts += [lower, upper]
    for part in parts:
        for key in _keys(part):
            if key in exact:
                return exact[key], _EXACT
    best, best_length = None, 0
    for part in parts:
        for key in _keys(part):
            for alias, field in contained.items():
                if len(alias) > best_length and alias in key:
                    best, best_length = field, len(alias)
        if best:
            return best, _CONTAINED
    return None, 0


def is_known_header(text: str) -> bool:
    """Whether a cell reads like a column header of any import kind (used to find the header row)."""
    return any(match_header(text, kind)[0] for kind in _ALIASES)


def guess_mapping(headers: list[str], kind: str = "people") -> list[str | None]:
    """One field code (or None) per column; a single-valued field goes to one column only.

    Exact matches are assigned first, then contained ones, each in column order, so "姓名" takes
    `name` before "中文姓名（繁体）" could.
    """
    matches = [match_header(header, kind) for header in headers]
    mapping: list[str | None] = [None] * len(headers)
    taken: set[str] = set()
    for quality in (_EXACT, _CONTAINED):
        for index, (field, found) in enumerate(matches):
            if found != quality or field is None:
                continue
            if field in taken and field not in MULTI_VALUED:
                continue
            mapping[index] = field
            taken.add(field)
    return mapping


def fields(kind: str = "people") -> tuple[str, ...]:
    """The field codes a column can be mapped to, for "people" or "organizations"."""
    return PEOPLE_FIELDS if _kind(kind) == "people" else ORGANIZATION_FIELDS
