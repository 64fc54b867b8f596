import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiao.identity import DOCUMENT_KINDS, hkid_check_character, ric_check_character, tw_id_check_digit
from qiao.imports import values
from qiao.imports.values import (
    GENERIC,
    ValueProblem,
    boolean,
    check,
    country,
    document,
    document_for_column,
    document_kind,
    emails,
    gender,
    guess_document_kind,
    phones,
    region,
    text,
)

# ---------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("  陳大文  ", "陳大文"),
        ("CHAN   Tai\u3000Man", "CHAN Tai Man"),
        ("陳\u00a0大文\n", "陳 大文"),
        ("東江創(chuàng)新發(fā)展研究院", "東江創新發展研究院"),
        ("科（kē）技", "科技"),
        ("陳大文(CHAN Tai Man)", "陳大文(CHAN Tai Man)"),
        ("澳門(Macau)", "澳門(Macau)"),
        ("王\u200b小明\ufeff", "王小明"),
        ("ＡＢＣ１２３", "ＡＢＣ１２３"),  # names keep their width
        (91234567, "91234567"),
        (1.5, "1.5"),
        (12.0, "12"),
        (True, "TRUE"),
        (datetime.date(1990, 5, 4), "1990-05-04"),
        (None, None),
        ("   ", None),
        ("\u200b", None),
    ],
)
def test_text(cell, expected):
    assert text(cell) == expected


def test_numeric_text_folds_full_width_digits_and_letters():
    assert text("Ａ１２３４５６（３）", numeric=True) == "A123456(3)"
    assert text("９１２３　４５６７", numeric=True) == "9123 4567"


def test_multiline_text_keeps_line_breaks():
    assert text("第一行  \r\n\r\n\r\n  第二行\n", multiline=True) == "第一行\n\n第二行"
    assert text("第一行\n第二行") == "第一行 第二行"


@pytest.mark.parametrize("garbled", ["é™³å¤§æ–‡", "鎴戜滑", "Ã©cole", "abc\ufffd"])
def test_mojibake_is_rejected(garbled):
    with pytest.raises(ValueProblem) as caught:
        text(garbled)
    assert caught.value.code == "mojibake"


def test_text_is_cached_per_value_and_type_and_problems_are_raised_every_time():
    for _ in range(2):  # the second time from the cache
        with pytest.raises(ValueProblem) as caught:
            text("é™³å¤§æ–‡")
        assert caught.value.code == "mojibake"
    assert (text(1), text(1.0), text(True), text(1.5)) == ("1", "1", "TRUE", "1.5")
    assert text("  港鐵公司 ") == text("港鐵公司") == "港鐵公司"


@given(st.one_of(st.text(), st.text(alphabet="陳大文創新 (chuàng)（kē）\n\u3000\u200b")), st.booleans(), st.booleans())
def test_text_is_idempotent(cell, numeric, multiline):
    try:
        once = text(cell, numeric=numeric, multiline=multiline)
    except ValueProblem as problem:
        assert problem.code == "mojibake"
        return
    assert text(once, numeric=numeric, multiline=multiline) == once
    assert once is None or (once == once.strip() and "  " not in once)


# ---------------------------------------------------------------- choices


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("男", "M"), ("女", "F"), ("M", "M"), ("f", "F"), ("Male", "M"), ("FEMALE", "F"), ("先生", "M"),
     ("女士", "F"), ("小姐", "F"), (" 男 ", "M"), ("Ｍ", "M"), ("男性", "M"), (None, None), ("", None)],
)  # fmt: skip
def test_gender(cell, expected):
    assert gender(cell) == expected


def test_bad_gender():
    assert check(gender, "未知的") == (None, "gender")
    assert check(gender, 1) == (None, "gender")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("香港", ("HK", "")), ("港", ("HK", "")), ("HK", ("HK", "")), ("Hong Kong", ("HK", "")),
        ("中國香港", ("HK", "")), ("香港九龍", ("HK", "")),
        ("澳门", ("MO", "")), ("澳門", ("MO", "")), ("澳", ("MO", "")), ("MO", ("MO", "")),
        ("Macau", ("MO", "")), ("Macao", ("MO", "")),
        ("台湾", ("TW", "")), ("臺灣", ("TW", "")), ("台", ("TW", "")), ("TW", ("TW", "")), ("Taiwan", ("TW", "")),
        ("海外", ("OVERSEAS", "")), ("华侨", ("OVERSEAS", "")), ("華僑", ("OVERSEAS", "")),
        ("Overseas", ("OVERSEAS", "")), ("马来西亚", ("OVERSEAS", "马来西亚")), ("馬來西亞", ("OVERSEAS", "马来西亚")),
        ("新加坡", ("OVERSEAS", "新加坡")), ("Canada", ("OVERSEAS", "加拿大")), ("英国", ("OVERSEAS", "英国")),
        ("英國", ("OVERSEAS", "英国")), ("United Kingdom", ("OVERSEAS", "英国")), ("澳洲", ("OVERSEAS", "澳大利亚")),
        ("紐西蘭", ("OVERSEAS", "新西兰")),
        ("内地", ("MAINLAND", "")), ("內地", ("MAINLAND", "")), ("归国", ("MAINLAND", "")),
        ("留学归国", ("MAINLAND", "")), ("Mainland", ("MAINLAND", "")),
        (None, None), ("  ", None),
    ],
)  # fmt: skip
def test_region(cell, expected):
    assert region(cell) == expected


def test_bad_region_and_countries():
    assert check(region, "火星") == (None, "region")
    assert check(region, "港澳") == (None, "region")
    assert country("Malaysia") == "马来西亚" and country("Ruritania") == "Ruritania" and country(None) is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("是", True), ("否", False), ("Y", True), ("n", False), ("Yes", True), ("NO", False), ("✓", True),
     ("√", True), ("×", False), ("首次", True), ("非首次", False), (1, True), (0, False), ("1", True),
     (True, True), (False, False), (None, None), ("", None), ("是。", True)],
)  # fmt: skip
def test_boolean(cell, expected):
    assert boolean(cell) is expected


def test_bad_boolean():
    assert check(boolean, "maybe") == (None, "boolean")
    assert check(boolean, 2) == (None, "boolean")


# ---------------------------------------------------------------- documents


@pytest.mark.parametrize(
    ("name", "kind"),
    [("香港身份证", "hkid"), ("香港身份證", "hkid"), ("香港永久性居民身份證", "hkid"), ("HKID", "hkid"),
     ("澳門身份證", "mo_id"), ("BIR", "mo_id"), ("臺灣身分證", "tw_id"), ("回乡证", "hk_mo_permit"),
     ("回鄉證", "hk_mo_permit"), ("港澳居民來往內地通行證", "hk_mo_permit"), ("台胞证", "tw_permit"),
     ("臺灣居民來往大陸通行證", "tw_permit"), ("港澳台居民居住证", "residence_permit"), ("居民身份证", "cn_id"),
     ("护照", "passport"), ("護照", "passport"), ("Passport", "passport"), ("tw_permit", "tw_permit"),
     ("证件号码", GENERIC), ("身份证", GENERIC), ("身份證號", GENERIC), (None, None)],
)  # fmt: skip
def test_document_kind_names(name, kind):
    assert document_kind(name) == kind


@pytest.mark.parametrize(
    ("number", "kind"),
    [("A123456(3)", "hkid"), ("AB9876543", "hkid"), ("A123456789", "tw_id"), ("A800000014", "tw_id"),
     ("11010519491231002X", "cn_id"), ("810000199001010000", "residence_permit"), ("H12345678", "hk_mo_permit"),
     ("M1234567801", "hk_mo_permit"), ("23456789", "tw_permit"), ("1234567890", "tw_permit"),
     ("1234567(8)", "mo_id"), ("1/234567/8", "mo_id")],
)  # fmt: skip
def test_guess_document_kind_from_the_shape(number, kind):
    assert guess_document_kind(number) == kind


def test_eight_digits_starting_like_a_macao_id_are_ambiguous_unless_the_region_says():
    assert check(guess_document_kind, "12345678") == (None, "document_ambiguous")
    assert guess_document_kind("12345678", "MO") == "mo_id"
    assert guess_document_kind("12345678", "TW") == "tw_permit"
    assert check(document, "证件号码", "51234567") == (None, "document_ambiguous")
    assert document(None, "51234567", region="MO") == ("mo_id", "51234567")


def test_document_with_a_kind_cell():
    assert document("香港身份證", "A123456(3)") == ("hkid", "A1234563")
    assert document("香港身份證", "Ａ１２３４５６（３）") == ("hkid", "A1234563")
    assert document(None, " a123456(3) ") == ("hkid", "A1234563")
    assert document("身份证号", "11010519491231002x") == ("cn_id", "11010519491231002X")
    assert document("台胞證", "12345678") == ("tw_permit", "12345678")
    assert document("护照", "E12345678") == ("passport", "E12345678")
    assert document("香港身份證", None) is None and document(None, "  ") is None


@pytest.mark.parametrize(
    ("kind", "number", "code"),
    [("香港身份證", "A123456(4)", "document_checksum"), ("香港身份證", "A12345", "document_format"),
     ("回鄉證", "H1234567", "document_format"), (None, "A123456788", "document_checksum"),
     (None, "11010519491231002Y", "document_kind"), (None, "11010519491231003X", "document_checksum"),
     ("火车票", "G1234", "document_kind"), (None, "E12345678", "document_kind"),
     ("澳門身份證", "2345678", "document_format")],
)  # fmt: skip
def test_bad_documents(kind, number, code):
    assert check(document, kind, number) == (None, code)


def test_id_numbers_that_excel_stored_as_numbers():
    assert check(document, "身份证", 110105194912310020) == (None, "document_format")  # digits lost: say why
    assert check(document_for_column, "cn_id", 1.10105194912310e17) == (None, "document_format")
    assert document("台胞證", 12345678) == ("tw_permit", "12345678")


def test_document_for_column():
    assert document_for_column("hkid", "A123456(3)") == ("hkid", "A1234563")
    assert document_for_column("document_number", "A123456789") == ("tw_id", "A123456789")
    assert document_for_column("passport", None) is None
    assert check(document_for_column, "hkid", "A123456789") == (None, "document_format")
    assert check(document_for_column, "driving_licence", "123") == (None, "document_kind")


@given(st.sampled_from("ABCDEFGHKMPRVYZ"), st.integers(0, 999_999))
def test_any_valid_hkid_is_recognised(letter, digits):
    body = f"{letter}{digits:06d}"
    number = body + hkid_check_character(body)
    assert document(None, f"{number[:-1]}({number[-1]})") == ("hkid", number)


@given(st.sampled_from("ABCDEFGHJKLMNPQRSTUVXYWZIO"), st.sampled_from("12"), st.integers(0, 9_999_999))
def test_any_valid_taiwan_id_is_recognised(letter, sex, digits):
    first_nine = f"{letter}{sex}{digits:07d}"
    number = first_nine + tw_id_check_digit(first_nine)
    assert document("", number) == ("tw_id", number)


@given(
    st.sampled_from(["810000", "820000", "830000", "440102"]),
    st.dates(datetime.date(1930, 1, 1), datetime.date(2010, 1, 1)),
    st.integers(0, 999),
)
def test_any_valid_gb11643_number_is_recognised(prefix, born, sequence):
    first = f"{prefix}{born:%Y%m%d}{sequence:03d}"
    number = first + ric_check_character(first)
    expected = "residence_permit" if prefix.startswith("8") else "cn_id"
    assert document("身份证号", number) == (expected, number)


@given(st.text(max_size=25), st.one_of(st.none(), st.text(max_size=12)), st.sampled_from([None, "HK", "MO", "TW"]))
def test_document_never_raises_anything_but_value_problem(number, kind, origin):
    result = check(document, kind, number, origin)
    assert result[1] is None or result[1].startswith(("document_", "mojibake"))
    if result[0] is not None:
        assert result[0][0] in DOCUMENT_KINDS


# ---------------------------------------------------------------- phones and e-mails


def test_phones():
    assert phones("91234567", "HK") == ["+85291234567"]
    assert phones(91234567, "HK") == ["+85291234567"]
    assert phones("６６１２３４５６", "MO") == ["+85366123456"]
    assert phones("0912 345 678", "TW") == ["+886912345678"]
    assert phones("13800138000", "MAINLAND") == ["+8613800138000"]
    assert phones("(853) 6612-3456", "HK") == ["+85366123456"]
    assert phones("91234567 / 61234567；91234567\n+853 6612 3456、13800138000", "HK") == [
        "+85291234567", "+85261234567", "+85366123456", "+8613800138000",
    ]  # fmt: skip
    assert phones("９１２３４５６７，６１２３４５６７", "HK") == ["+85291234567", "+85261234567"]
    assert phones(None) == [] and phones(" ") == []


def test_bad_phones():
    assert check(phones, "12345", "HK") == (None, "phone")
    assert check(phones, "91234567", None) == (None, "phone")  # no country code, no region to guess from
    assert check(phones, "91234567 / abc", "HK") == (None, "phone")
    with pytest.raises(ValueProblem) as caught:
        phones("91234567, 1234", "HK")
    assert "1234" in caught.value.message


def test_emails():
    assert emails(" Chan@Example.COM ") == ["chan@example.com"]
    assert emails("a@example.com; b@example.hk、c@example.tw\nA@example.com") == [
        "a@example.com", "b@example.hk", "c@example.tw",
    ]  # fmt: skip
    assert emails("ａ＠ｅｘａｍｐｌｅ．ｃｏｍ") == ["a@example.com"]
    assert emails("mailto:<x.y+tag@mail.example.org>") == ["x.y+tag@mail.example.org"]
    assert emails(None) == []


@pytest.mark.parametrize("cell", ["not-an-email", "a@b", "a@@b.com", "陈@例子.中国", "a@b.c", "a b@c.com"])
def test_bad_emails(cell):
    assert check(emails, cell) == (None, "email")


def test_value_problem_codes_are_checked():
    with pytest.raises(ValueError):
        ValueProblem("nope", "x")
    assert set(values.VALUE_PROBLEM_CODES) >= {"mojibake", "date_format", "document_ambiguous", "phone", "email"}


# ---------------------------------------------------------------- organisations


def _uscc(first_seventeen):
    from qiao.identity import uscc_check_character

    return first_seventeen + uscc_check_character(first_seventeen)


def test_registration_numbers_by_shape_and_region():
    code = _uscc("91440300MA5FABCDE")
    assert values.registration(code) == ("uscc", code)
    assert values.registration(" " + code.lower() + " ") == ("uscc", code)
    assert values.registration(_uscc("12440000455859912")) == ("uscc", _uscc("12440000455859912"))
    assert values.registration("12345678-000-05-24-A") == ("hk_br", "12345678")
    assert values.registration("12345678", "HK") == ("hk_br", "12345678")
    assert values.registration("04595257", "TW") == ("tw_ubn", "04595257")
    assert values.registration(4595257, "TW") == ("tw_ubn", "04595257")  # typed as a number: zeros restored
    assert values.registration("１２３４５６７８", "HK") == ("hk_br", "12345678")
    assert values.registration("12345678") == ("other", "12345678")  # HK or Taiwan: cannot tell
    assert values.registration("440301000000000") == ("other", "440301000000000")  # an old 注册号
    for empty in (None, "", "  ", "无", "N/A", "-"):
        assert values.registration(empty) is None


@pytest.mark.parametrize(
    ("cell", "region"),
    [
        ("91440300MA5FABCDE0", None),  # wrong check character
        ("91440300IA5FABCDE1", None),  # I is not in the alphabet
        ("04595258", "TW"),  # wrong check digit
        ("1234567", "TW"),
        ("1234-5678-9", "HK"),
        (914403001234567890, None),  # 18 digits stored as a number: digits lost
    ],
)
def test_bad_registration_numbers(cell, region):
    assert check(values.registration, cell, region) == (None, "registration_number")


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17))
def test_any_valid_uscc_is_recognised(first_seventeen):
    code = _uscc(first_seventeen)
    assert values.registration(code) == ("uscc", code)


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("企業", "enterprise"),
        ("民营企业（港资）", "enterprise"),
        ("Company", "enterprise"),
        ("社團", "association"),
        ("商會", "association"),
        ("大学生协会", "association"),  # the word that ends the text decides
        ("NGO", "association"),
        ("高校", "university"),
        ("University", "university"),
        ("科研機構", "research"),
        ("研究所", "research"),
        ("政府機關", "government"),
        ("其他", "other"),
        ("government", "government"),
        (None, None),
        ("  ", None),
    ],
)
def test_organization_kind(cell, kind):
    assert values.organization_kind(cell) == kind


@pytest.mark.parametrize("cell", ["外星機構", "xyz", "123"])
def test_bad_organization_kind(cell):
    assert check(values.organization_kind, cell) == (None, "kind")


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("ABC Trading Co., Ltd.", "abctrading"),
        ("ABC Trading Company Limited", "abctrading"),
        ("華為技術有限公司", "华为技术"),
        ("华为技术股份有限公司", "华为技术"),
        ("華為技術（香港）有限公司", "华为技术香港"),  # a region in the name is another organisation
        ("香港青年協會", "香港青年协会"),
        ("香港青年公司", "香港青年"),  # 公司 goes, 協會 stays: the two never meet
        ("Taco Ltd", "taco"),  # only whole words: not "ta"
        ("有限公司", "有限公司"),
        ("Limited", "limited"),
        ("", ""),
    ],
)
def test_organization_core(name, core):
    assert values.organization_core(name) == core


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("香港青年協會", "association"),
        ("香港青年協會有限公司", "association"),  # a company limited by guarantee
        ("華為技術有限公司", "enterprise"),
        ("ABC Holdings Ltd", "enterprise"),
        ("香港大學", "university"),
        ("深圳前海創新研究院", "research"),
        ("Hong Kong Youth Federation", "association"),
        ("惠州市人民政府", "government"),
        ("港青聯", None),
    ],
)
def test_guess_organization_kind(name, kind):
    assert values.guess_organization_kind(name) == kind


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("www.hkuya.org.hk", "https://www.hkuya.org.hk"),
        ("HTTP://Example.ORG/a?b=1", "http://example.org/a?b=1"),
        ("https://例子.中国/路径", "https://例子.中国/路径"),
        ("  example.com/  ", "https://example.com/"),
        (None, None),
    ],
)
def test_url(cell, expected):
    assert values.url(cell) == expected


@pytest.mark.parametrize("cell", ["not a url", "example", "info@example.org", "ftp://example.org", "http://"])
def test_bad_url(cell):
    assert check(values.url, cell) == (None, "url")


def test_organization_region():
    assert values.organization_region("香港") == ("HK", "")
    assert values.organization_region("廣東省") == ("MAINLAND", "")
    assert values.organization_region("深圳") == ("MAINLAND", "")
    assert values.organization_region("China") == ("MAINLAND", "")
    assert values.organization_region(None) is None
    assert check(values.organization_region, "火星") == (None, "region")
