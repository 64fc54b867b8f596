import datetime
import io
import zipfile

import pytest

from qiao.imports.headers import guess_mapping
from qiao.imports.readers import FileProblem, Row, column_letter, read_table

from .conftest import xlsx_bytes


def problem(data, filename, **limits):
    with pytest.raises(FileProblem) as caught:
        read_table(data, filename, **limits)
    return caught.value.code


# ---------------------------------------------------------------- xlsx


def test_messy_xlsx_finds_the_two_row_header_below_the_title(roster_xlsx):
    sheet = read_table(roster_xlsx, "名单.xlsx")
    assert sheet.name == "交流团" and sheet.format == "xlsx"
    assert sheet.header_row == 3  # the lower row of the two-row header
    assert sheet.headers == [
        "姓名",
        "证件 / 类型",
        "证件 / 号码",
        "联系方式 / 手机",
        "联系方式 / 邮箱",
        "出生日期",
        "来源地",
    ]
    assert guess_mapping(sheet.headers) == [
        "name", "document_kind", "document_number", "phone", "email", "birth_date", "region",
    ]  # fmt: skip


def test_messy_xlsx_rows_keep_their_file_numbers_and_raw_cells(roster_xlsx):
    rows = read_table(roster_xlsx, "名单.xlsx").rows
    assert [row.number for row in rows] == [4, 6, 7, 10]  # blank rows 5, 8 and 9 skipped
    first = rows[0]
    assert first.cells == [
        "陳大文 ", "香港身份證", "A123456(3)", 91234567, "chan@example.com", datetime.date(1990, 5, 4), "香港",
    ]  # fmt: skip
    assert isinstance(first.cells[3], int)  # Excel stores 91234567.0; an integral float comes back as int
    assert rows[1].cells[2] == "Ｈ１２３４５６７８" and rows[1].cells[4] is None and rows[1].cells[5] == 34669
    assert rows[2].cells[5] == "1988年3月15日"


def test_single_header_row_with_title_and_notes(roster_xlsx):
    data = xlsx_bytes(
        [
            ["惠州市港澳青年交流活动报名表", None, None],
            ["填表日期：2024年5月", None, None],
            [None, None, None],
            ["姓名*", "手機（必填）", "電郵"],
            ["陈大文", "91234567", "a@example.com"],
        ],
        merges=("A1:C1",),
    )
    sheet = read_table(data, "form.xlsx")
    assert sheet.header_row == 4 and sheet.headers == ["姓名*", "手機（必填）", "電郵"]
    assert sheet.rows == [Row(5, ["陈大文", "91234567", "a@example.com"])]


def test_header_with_line_breaks_inside_cells():
    data = xlsx_bytes([["姓名", "手机\n号码", "Date of\nbirth"], ["陈大文", "91234567", "1990-05-04"]])
    assert read_table(data, "x.xlsx").headers == ["姓名", "手机号码", "Date of birth"]


def test_unknown_headers_fall_back_to_the_first_row_with_two_cells():
    data = xlsx_bytes([["Liste"], ["Alpha", "Beta"], ["1", "2"]])
    sheet = read_table(data, "x.xlsx")
    assert sheet.header_row == 2 and sheet.headers == ["Alpha", "Beta"] and sheet.rows == [Row(3, ["1", "2"])]


def test_one_column_file():
    sheet = read_table(xlsx_bytes([["姓名"], ["陈大文"], ["李四"]]), "x.xlsx")
    assert sheet.headers == ["姓名"] and [row.cells for row in sheet.rows] == [["陈大文"], ["李四"]]


def test_table_not_starting_in_column_a_keeps_true_column_letters():
    data = xlsx_bytes([[None, None, "姓名", "性别"], [None, None, "陈大文", "男"]])
    sheet = read_table(data, "x.xlsx")
    assert sheet.first_column == 3 and sheet.headers == ["姓名", "性别"]
    assert sheet.column_letter(1) == "D"
    assert [column_letter(n) for n in (1, 26, 27, 28, 703)] == ["A", "Z", "AA", "AB", "AAA"]


def test_repeated_header_rows_are_not_data():
    data = xlsx_bytes([["姓名", "性别"], ["陈大文", "男"], ["姓名", "性别"], ["李四", "女"]])
    assert [row.number for row in read_table(data, "x.xlsx").rows] == [2, 4]


def test_first_sheet_with_data_is_read_and_hidden_sheets_come_last():
    data = xlsx_bytes(
        [],
        title="空白",
        extra_sheets=[
            ("下拉选项", [["性别", "地区"], ["男", "香港"]], "hidden"),
            ("名单", [["姓名", "性别"], ["陈大文", "男"]], "visible"),
        ],
    )
    sheet = read_table(data, "x.xlsx")
    assert sheet.name == "名单"


def test_data_cells_after_the_last_header_are_kept_under_an_empty_header():
    data = xlsx_bytes([["姓名", "性别"], ["陈大文", "男", "多余"]])
    sheet = read_table(data, "x.xlsx")
    assert sheet.headers == ["姓名", "性别", ""] and sheet.rows[0].cells == ["陈大文", "男", "多余"]


# ---------------------------------------------------------------- xls and ods fixtures


def test_xls_fixture_with_merged_two_row_header(fixture_bytes):
    sheet = read_table(fixture_bytes("people.xls"), "people.xls")
    assert sheet.format == "xls" and sheet.name == "名單" and sheet.header_row == 3
    assert sheet.headers == ["姓名", "性別", "出生日期", "證件 / 類型", "證件 / 號碼", "手機"]
    assert guess_mapping(sheet.headers) == ["name", "gender", "birth_date", "document_kind", "document_number", "phone"]
    assert [row.number for row in sheet.rows] == [4, 6, 7]
    assert sheet.rows[0].cells == ["陳大文", "男", datetime.date(1990, 5, 4), "香港身份證", "A123456(3)", 91234567]
    assert sheet.rows[1].cells[2] == 34669 and sheet.rows[2].cells[2] == "1988年3月15日"


def test_ods_fixture_with_title_blank_rows_and_offset_columns(fixture_bytes):
    sheet = read_table(fixture_bytes("people.ods"), "people.ods")
    assert sheet.format == "ods" and sheet.header_row == 3 and sheet.first_column == 2
    assert guess_mapping(sheet.headers) == ["name", "gender", "birth_date", "document_number", "phone", "email"]
    assert [row.number for row in sheet.rows] == [4, 7]
    assert sheet.rows[0].cells[:3] == ["陈大文 ", "男", datetime.date(1990, 5, 4)]
    assert sheet.rows[0].cells[4] == "９１２３ ４５６７"


def test_magic_bytes_win_over_the_name(fixture_bytes):
    assert read_table(fixture_bytes("people.xls"), "people.csv").format == "xls"
    assert read_table(fixture_bytes("people.ods"), "people.xlsx").format == "ods"


# ---------------------------------------------------------------- csv and text


CSV_TEXT = '2024年港澳青年交流團名單,,\r\n姓名,性別,手機\r\n陳大文 ,男,91234567\r\n,,\r\n黃嘉欣,女,"6612 3456"\r\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16"])
def test_csv_in_every_encoding(encoding):
    sheet = read_table(CSV_TEXT.encode(encoding), "名單.csv")
    assert sheet.format == "csv" and sheet.encoding == encoding and sheet.name == "名單"
    assert sheet.header_row == 2 and sheet.headers == ["姓名", "性別", "手機"]
    assert sheet.rows == [Row(3, ["陳大文 ", "男", "91234567"]), Row(5, ["黃嘉欣", "女", "6612 3456"])]


def test_simplified_csv_in_gb18030():
    text = "姓名,性别,来源地,备注\n陈大文,男,香港,首次来惠参加交流\n李嘉欣,女,澳门,\n"
    sheet = read_table(text.encode("gb18030"), "x.csv")
    assert sheet.encoding == "gb18030" and sheet.rows[0].cells == ["陈大文", "男", "香港", "首次来惠参加交流"]


def test_traditional_csv_saved_as_gbk_is_not_read_as_big5():
    text = "姓名,性別,來源地,工作單位\n陳大文,男,香港,香港青年聯會\n黃嘉欣,女,澳門,澳門大學\n"
    sheet = read_table(text.encode("gbk"), "x.csv")
    assert sheet.encoding == "gb18030"
    assert sheet.rows[0].cells == ["陳大文", "男", "香港", "香港青年聯會"]


@pytest.mark.parametrize(("delimiter", "name"), [(";", "x.csv"), ("\t", "x.txt"), ("\t", "x.tsv"), (",", "x")])
def test_delimiter_is_sniffed(delimiter, name):
    text = delimiter.join(["姓名", "手机", "备注"]) + "\n" + delimiter.join(["陈大文", "91234567", '"甲,乙;丙"']) + "\n"
    sheet = read_table(text.encode("utf-8"), name)
    assert sheet.headers == ["姓名", "手机", "备注"] and sheet.rows[0].cells == ["陈大文", "91234567", "甲,乙;丙"]


def test_quoted_line_breaks_count_as_one_row():
    text = '姓名,备注\n陈大文,"第一行\n第二行"\n李四,无\n'
    rows = read_table(text.encode(), "x.csv").rows
    assert rows == [Row(2, ["陈大文", "第一行\n第二行"]), Row(3, ["李四", "无"])]


def test_two_row_header_in_csv_is_found_from_its_shape():
    text = "姓名,证件,,出生日期\n,类型,号码,\n陈大文,香港身份证,A123456(3),1990-05-04\n"
    sheet = read_table(text.encode(), "x.csv")
    assert sheet.header_row == 2
    assert guess_mapping(sheet.headers) == ["name", "document_kind", "document_number", "birth_date"]


def test_a_data_row_with_gaps_is_not_taken_for_a_second_header_row():
    text = "姓名,,手机\n陈大文,男,\n李四,女,61234567\n"
    sheet = read_table(text.encode(), "x.csv")
    assert sheet.header_row == 1 and [row.number for row in sheet.rows] == [2, 3]


# ---------------------------------------------------------------- bad files


def test_empty_files():
    assert problem(b"", "x.xlsx") == "empty"
    assert problem(b" \r\n ", "x.csv") == "empty"
    assert problem(b",,,\n,,\n", "x.csv") == "empty"
    assert problem(xlsx_bytes([]), "x.xlsx") == "empty"


def test_header_without_rows_is_empty():
    with pytest.raises(FileProblem) as caught:
        read_table(xlsx_bytes([["名单"], ["姓名", "手机"], [None, None]]), "x.xlsx")
    assert caught.value.code == "empty" and "header" in caught.value.message
    assert problem("姓名,手机\n".encode(), "x.csv") == "empty"


def test_garbage_with_a_spreadsheet_name_is_corrupt():
    assert problem(b"this is not a spreadsheet at all", "x.xlsx") == "corrupt"
    assert problem(bytes(range(256)) * 4, "x.xls") == "corrupt"
    assert problem(b"<html><table><tr><td>1</td></tr></table></html>", "export.xls") == "corrupt"


def test_damaged_containers_are_corrupt(roster_xlsx, fixture_bytes):
    assert problem(roster_xlsx[: len(roster_xlsx) // 2], "x.xlsx") == "corrupt"
    xls = fixture_bytes("people.xls")
    assert problem(xls[:512] + b"\x00" * 1024, "x.xls") == "corrupt"
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert problem(other_zip.getvalue(), "x.xlsx") == "corrupt"


def test_password_protected_xlsx_is_encrypted(fixture_bytes):
    assert problem(fixture_bytes("encrypted.xlsx"), "protected.xlsx") == "encrypted"
    assert problem(fixture_bytes("encrypted.xlsx"), "protected.xls") == "encrypted"


def test_encrypted_ods_is_encrypted():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", "<manifest:encryption-data manifest:checksum='x'/>")
        archive.writestr("content.xml", "\x00garbage")
    assert problem(out.getvalue(), "x.ods") == "encrypted"


def test_oversize_files_and_too_many_rows(roster_xlsx):
    assert problem(roster_xlsx, "x.xlsx", max_bytes=len(roster_xlsx) - 1) == "too_large"
    assert problem(roster_xlsx, "x.xlsx", max_rows=3) == "too_large"
    assert len(read_table(roster_xlsx, "x.xlsx", max_rows=4).rows) == 4
    many = "姓名,手机\n" + "陈大文,91234567\n" * 500
    assert problem(many.encode(), "x.csv", max_rows=100) == "too_large"


def test_zip_bomb_is_too_large():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * 5_000_000)
    data = out.getvalue()
    assert len(data) < 20_000
    assert problem(data, "bomb.xlsx", max_bytes=100_000) == "too_large"


def test_other_file_types_are_unsupported():
    assert problem(b"%PDF-1.7 ...", "list.pdf") == "unsupported"
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert problem(docx.getvalue(), "list.docx") == "unsupported"
    assert problem(docx.getvalue(), "list") == "unsupported"


def test_text_in_an_unknown_encoding():
    assert problem("Nom,Prénom\nDurand,Hélène\n".encode("cp1252") + b"\xff\xfe\x80", "x.csv") == "encoding"
    assert problem(b"a,b\n\x00\x01,\x02\n", "x.csv") == "encoding"


def test_file_problem_codes_are_checked():
    with pytest.raises(ValueError):
        FileProblem("nope", "x")
    assert repr(FileProblem("empty", "The file is empty.")) == "FileProblem('empty', 'The file is empty.')"
