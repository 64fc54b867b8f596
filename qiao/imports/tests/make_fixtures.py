"""Make the committed spreadsheet fixtures that the project's own libraries cannot write.

openpyxl writes xlsx, so the tests make those themselves; xls, ods and a password-protected
xlsx need other tools, which are NOT project dependencies. Rerun in a throwaway venv outside the
repository:

    python3 -m venv /tmp/fixture-venv
    /tmp/fixture-venv/bin/pip install xlwt odfpy msoffcrypto-tool openpyxl
    /tmp/fixture-venv/bin/python qiao/imports/tests/make_fixtures.py

It writes into qiao/imports/tests/fixtures/:
- people.xls: title row merged over the table, a two-row header with merged cells (證件 over
  類型/號碼), Traditional text, a date cell, an Excel serial number, a date as text, a blank row.
- people.ods: title row spanning the table, one header row in Simplified Chinese, a date cell,
  a date as text, full-width digits, trailing spaces, blank rows, data starting in column B.
- encrypted.xlsx: an xlsx saved with the password "qiao" (an OLE2 container, as Excel writes it).
The tests in test_readers.py describe what each file must read as.
"""

from __future__ import annotations

import datetime
import io
import pathlib

FIXTURES = pathlib.Path(__file__).with_name("fixtures")


def make_xls(path: pathlib.Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名單")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write_merge(0, 0, 0, 5, "2024年港澳青年交流團名單")
    # Two-row header: 姓名 and 手機 span both rows, 證件 spans the two columns below it.
    sheet.write_merge(1, 2, 0, 0, "姓名")
    sheet.write_merge(1, 2, 1, 1, "性別")
    sheet.write_merge(1, 2, 2, 2, "出生日期")
    sheet.write_merge(1, 1, 3, 4, "證件")
    sheet.write(2, 3, "類型")
    sheet.write(2, 4, "號碼")
    sheet.write_merge(1, 2, 5, 5, "手機")
    sheet.write(3, 0, "陳大文")
    sheet.write(3, 1, "男")
    sheet.write(3, 2, datetime.date(1990, 5, 4), date_style)
    sheet.write(3, 3, "香港身份證")
    sheet.write(3, 4, "A123456(3)")
    sheet.write(3, 5, 91234567)
    # Row 5 is blank on purpose.
    sheet.write(5, 0, "黃嘉欣 ")
    sheet.write(5, 1, "女")
    sheet.write(5, 2, 34669)  # an Excel serial date left unformatted: 1994-12-01
    sheet.write(5, 3, "回鄉證")
    sheet.write(5, 4, "H12345678")
    sheet.write(5, 5, "(853) 6612-3456")
    sheet.write(6, 0, "林志明")
    sheet.write(6, 1, "M")
    sheet.write(6, 2, "1988年3月15日")
    sheet.write(6, 3, "台胞證")
    sheet.write(6, 4, "12345678")
    sheet.write(6, 5, "0912345678")
    book.save(str(path))


def make_ods(path: pathlib.Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="名单")

    def row(*cells):
        table_row = TableRow()
        table_row.addElement(TableCell())  # data starts in column B
        for cell in cells:
            if cell is None:
                table_row.addElement(TableCell())
            elif isinstance(cell, datetime.date):
                element = TableCell(valuetype="date", datevalue=cell.isoformat())
                element.addElement(P(text=cell.isoformat()))
                table_row.addElement(element)
            elif isinstance(cell, int | float):
                element = TableCell(valuetype="float", value=cell)
                element.addElement(P(text=str(cell)))
                table_row.addElement(element)
            elif isinstance(cell, tuple):  # (text, columns spanned)
                element = TableCell(valuetype="string", numbercolumnsspanned=cell[1])
                element.addElement(P(text=cell[0]))
                table_row.addElement(element)
            else:
                element = TableCell(valuetype="string")
                element.addElement(P(text=cell))
                table_row.addElement(element)
        table.addElement(table_row)

    row(("2024年港澳青年交流团名单", 6))
    row()
    row("姓名", "性别", "出生日期", "证件号码", "联系电话", "电子邮箱")
    row("陈大文 ", "男", datetime.date(1990, 5, 4), "A123456(3)", "９１２３ ４５６７", "Chan@Example.com ")
    row()
    row()
    row("李嘉欣", "女", "1995/12/1", "11010519491231002X", "13800138000", "li@example.cn")
    doc.spreadsheet.addElement(table)
    doc.save(str(path))


def make_encrypted_xlsx(path: pathlib.Path) -> None:
    import openpyxl
    from msoffcrypto.format.ooxml import OOXMLFile

    book = openpyxl.Workbook()
    book.active.append(["姓名", "手机"])
    book.active.append(["陈大文", "91234567"])
    plain = io.BytesIO()
    book.save(plain)
    plain.seek(0)
    with path.open("wb") as out:
        OOXMLFile(plain).encrypt("qiao", out)


def main() -> None:
    FIXTURES.mkdir(exist_ok=True)
    make_xls(FIXTURES / "people.xls")
    make_ods(FIXTURES / "people.ods")
    make_encrypted_xlsx(FIXTURES / "encrypted.xlsx")
    for path in sorted(FIXTURES.iterdir()):
        print(path.name, path.stat().st_size)


if __name__ == "__main__":
    main()
