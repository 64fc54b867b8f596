"""The pieces together: a messy file read, its columns mapped, its cells parsed."""

import datetime

from qiao.imports import values
from qiao.imports.headers import guess_mapping
from qiao.imports.readers import read_table

TODAY = datetime.date(2024, 6, 30)


def parse_people(sheet):
    """A minimal stand-in for the import service: {row number: fields} and [(row, column, code)]."""
    mapping = guess_mapping(sheet.headers)
    people, problems = {}, []
    for row in sheet.rows:
        cells = dict(zip(mapping, row.cells, strict=True))
        person = {}
        checks = [
            ("name", values.text, (cells.get("name"),)),
            ("gender", values.gender, (cells.get("gender"),)),
            ("birth_date", values.date, (cells.get("birth_date"),), {"today": TODAY}),
            ("region", values.region, (cells.get("region"),)),
        ]
        for field, parse, args, *kwargs in checks:
            value, code = values.check(parse, *args, **(kwargs[0] if kwargs else {}))
            if code:
                problems.append((row.number, sheet.column_letter(mapping.index(field)), code))
            person[field] = value
        origin = person["region"][0] if person["region"] else None
        for field, parse, args in (
            ("document", values.document, (cells.get("document_kind"), cells.get("document_number"), origin)),
            ("phones", values.phones, (cells.get("phone"), origin)),
            ("emails", values.emails, (cells.get("email"),)),
        ):
            value, code = values.check(parse, *args)
            if code:
                problems.append((row.number, field, code))
            person[field] = value
        people[row.number] = person
    return people, problems


def test_messy_roster_end_to_end(roster_xlsx):
    people, problems = parse_people(read_table(roster_xlsx, "名单.xlsx"))
    assert problems == []
    assert people[4] == {
        "name": "陳大文", "gender": None, "birth_date": values.DateValue(datetime.date(1990, 5, 4)),
        "region": ("HK", ""), "document": ("hkid", "A1234563"), "phones": ["+85291234567"],
        "emails": ["chan@example.com"],
    }  # fmt: skip
    assert people[6]["document"] == ("hk_mo_permit", "H12345678")  # full-width digits
    assert people[6]["phones"] == ["+85366123456"] and people[6]["region"] == ("MO", "")
    assert people[6]["birth_date"].value == datetime.date(1994, 12, 1)  # Excel serial 34669
    assert people[7]["document"] == ("tw_id", "A123456789") and people[7]["phones"] == ["+886912345678"]
    assert people[7]["birth_date"].value == datetime.date(1988, 3, 15)  # date as text
    assert people[10]["region"] == ("OVERSEAS", "加拿大") and people[10]["document"] == ("passport", "E12345678")


def test_xls_fixture_end_to_end(fixture_bytes):
    people, problems = parse_people(read_table(fixture_bytes("people.xls"), "people.xls"))
    # No region column: numbers without a country code cannot be read; "(853) 6612-3456" can.
    assert problems == [(4, "phones", "phone"), (7, "phones", "phone")]
    assert people[6]["phones"] == ["+85366123456"]
    assert people[4]["document"] == ("hkid", "A1234563") and people[4]["gender"] == "M"
    assert people[6]["name"] == "黃嘉欣" and people[6]["birth_date"].value == datetime.date(1994, 12, 1)
    assert people[7]["document"] == ("tw_permit", "12345678")


def test_ods_fixture_reports_problems_with_row_and_column(fixture_bytes):
    sheet = read_table(fixture_bytes("people.ods"), "people.ods")
    people, problems = parse_people(sheet)
    assert people[4]["name"] == "陈大文" and people[4]["emails"] == ["chan@example.com"]
    assert people[7]["document"] == ("cn_id", "11010519491231002X") and people[7]["phones"] == ["+8613800138000"]
    assert (4, "phones", "phone") in problems  # 9123 4567 without a region: no country code to read it in
