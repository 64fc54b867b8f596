import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiao.imports.headers import (
    MULTI_VALUED,
    ORGANIZATION_FIELDS,
    PEOPLE_FIELDS,
    fields,
    guess_mapping,
    is_known_header,
    match_header,
)

PEOPLE_HEADERS = {
    "name": [
        "姓名",
        "名字",
        "中文姓名",
        "Name",
        "Full name",
        "NAME",
        "姓 名",
        "姓名*",
        "姓名：",
        "*姓名",
        "Name (required)",
    ],
    "name_latin": ["英文姓名", "英文名", "拼音", "Name in English", "English Name"],
    "gender": ["性别", "性別", "Gender", "Sex", "性別（男/女）"],
    "birth_date": ["出生日期", "出生年月", "生日", "Date of birth", "DOB", "出生日期(yyyy-mm-dd)"],
    "document_kind": ["证件类型", "證件類型", "ID type", "證件類別"],
    "document_number": ["证件号码", "證件號碼", "证件号", "ID number", "身份证号", "身份證號碼"],
    "hkid": ["香港身份证", "香港身份證号码", "香港身份證號碼", "HKID", "HKID No."],
    "mo_id": ["澳门身份证", "澳門身份證", "BIR", "澳門居民身份證"],
    "tw_id": ["台湾身份证", "臺灣身分證", "身分證字號"],
    "hk_mo_permit": ["回乡证", "回鄉證", "回乡证号", "回鄉證號碼", "港澳居民来往内地通行证"],
    "tw_permit": ["台胞证", "台胞證号", "台胞證號碼", "台湾居民来往大陆通行证", "臺灣居民來往大陸通行證號碼"],
    "residence_permit": ["居住证", "港澳台居民居住證"],
    "passport": ["护照", "護照", "Passport", "护照号码", "Passport No."],
    "phone": [
        "手机",
        "手機",
        "电话",
        "電話",
        "联系电话",
        "聯絡電話",
        "手机号码",
        "Mobile",
        "Phone",
        "Tel",
        "手機（必填）",
    ],
    "email": ["邮箱", "電郵", "电子邮箱", "電子郵件", "Email", "E-mail", "E-Mail Address"],
    "region": ["来源地", "籍贯", "籍貫", "地区", "地區", "Region", "Origin"],
    "country": ["国家", "國家", "Country", "国籍"],
    "employer": ["单位", "工作单位", "所屬機構", "所在单位", "任職機構", "Employer", "Organisation", "Organization"],
    "title": ["职务", "職位", "職務", "Title", "Position"],
    "degree": ["学历", "學歷", "Degree"],
    "institution": ["毕业院校", "畢業院校", "学校", "Institution", "University"],
    "field_of_study": ["专业", "專業", "Major"],
    "graduation_year": ["毕业年份", "Graduation year", "畢業年份"],
    "first_visit": ["是否首次", "首次来访", "首次來訪", "是否首次来惠", "First visit", "是否首次來惠？"],
    "notes": ["备注", "備註", "Notes", "Remarks"],
    "tags": ["领域", "專長", "Tags"],
}
ORGANIZATION_HEADERS = {
    "name": ["企业名称", "單位名稱", "名称", "Company name"],
    "registration_number": ["统一社会信用代码", "商業登記號", "統一編號", "BR number"],
    "industry": ["行业", "所屬行業", "Industry"],
    "kind": ["机构类型", "類型", "Type"],
    "parent": ["上级机构", "所屬社團", "Parent"],
    "address": ["地址", "通訊地址", "Address"],
    "phone": ["电话", "聯絡電話"],
    "website": ["网站", "網址", "Website"],
}


@pytest.mark.parametrize(("field", "header"), [(f, h) for f, hs in PEOPLE_HEADERS.items() for h in hs])
def test_people_aliases(field, header):
    assert match_header(header)[0] == field


@pytest.mark.parametrize(("field", "header"), [(f, h) for f, hs in ORGANIZATION_HEADERS.items() for h in hs])
def test_organization_aliases(field, header):
    assert match_header(header, "organizations")[0] == field


def test_exact_beats_contained_and_the_longest_contained_alias_wins():
    assert match_header("姓名") == ("name", 2)
    assert match_header("中文姓名（繁體）") == ("name", 2)  # the bracketed note is ignored
    assert (
        match_header("香港永久性居民身份證號碼")[0] == "document_number"
    )  # contains 身份证号码, the longest alias inside
    assert match_header("学员手机号码") == ("phone", 1)
    assert match_header("台湾居民来往大陆通行证号码") == ("tw_permit", 1)


def test_headers_that_name_nothing():
    for header in ["序号", "No.", "", None, "证件有效期", "出生地", "信息来源", "Hotel"]:
        assert match_header(header) == (None, 0), header
    assert not is_known_header("2024年港澳青年交流团名单")
    assert is_known_header("統一社會信用代碼")


def test_two_row_headers_match_on_the_whole_or_the_lower_part():
    assert match_header("证件 / 类型")[0] == "document_kind"
    assert match_header("證件 / 號碼")[0] == "document_number"
    assert match_header("联系方式 / 邮箱")[0] == "email"
    assert match_header("联系方式 / 微信")[0] == "phone"  # falls back to the upper part


def test_guess_mapping_assigns_single_valued_fields_once():
    headers = ["序号", "姓名", "中文姓名", "手机", "电话", "邮箱", "电邮", "证件类型", "证件号码", "领域", "專長"]
    assert guess_mapping(headers) == [
        None, "name", None, "phone", "phone", "email", "email", "document_kind", "document_number", "tags", "tags",
    ]  # fmt: skip


def test_exact_matches_are_assigned_before_contained_ones():
    assert guess_mapping(["学员姓名", "姓名"]) == [None, "name"]


def test_kinds_and_fields():
    assert fields("people") == PEOPLE_FIELDS and fields("organizations") == ORGANIZATION_FIELDS
    assert guess_mapping(["企业名称", "行业"], "organisations") == ["name", "industry"]
    with pytest.raises(ValueError):
        guess_mapping(["姓名"], "projects")


ALL_HEADERS = [h for hs in PEOPLE_HEADERS.values() for h in hs] + [
    h for hs in ORGANIZATION_HEADERS.values() for h in hs
]


@given(
    st.lists(st.one_of(st.sampled_from(ALL_HEADERS), st.text(max_size=12)), max_size=25),
    st.sampled_from(["people", "organizations"]),
)
def test_guess_mapping_never_assigns_a_single_valued_field_twice(headers, kind):
    mapping = guess_mapping(headers, kind)
    assert len(mapping) == len(headers)
    assigned = [field for field in mapping if field is not None]
    assert set(assigned) <= set(fields(kind))
    single = [field for field in assigned if field not in MULTI_VALUED]
    assert len(single) == len(set(single))
