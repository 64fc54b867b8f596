"""Damaged and hostile containers: the checks in ole.py and bounds.py run before calamine, whose
Rust code would otherwise abort the process (unbounded allocation) on these files."""

import io
import struct
import zipfile

import pytest

from qiao.imports import bounds, ole, sandbox
from qiao.imports.readers import FileProblem, read_table

from .conftest import xlsx_bytes


def problem(data, filename):
    with pytest.raises(FileProblem) as caught:
        read_table(data, filename)
    return caught.value


def test_stream_names_of_real_containers(fixture_bytes):
    assert {"Root Entry", "Workbook"} <= ole.stream_names(fixture_bytes("people.xls"))
    assert {"EncryptedPackage", "EncryptionInfo"} <= ole.stream_names(fixture_bytes("encrypted.xlsx"))


def _with_cyclic_directory(data: bytes) -> bytes:
    """The same file with the directory's sector chain pointing back to itself."""
    data = bytearray(data)
    dir_start = struct.unpack_from("<I", data, 0x30)[0]
    first_fat_sector = struct.unpack_from("<I", data, 0x4C)[0]
    struct.pack_into("<I", data, (first_fat_sector + 1) * 512 + dir_start * 4, dir_start)
    return bytes(data)


def test_a_cyclic_sector_chain_is_damaged_and_never_reaches_calamine(fixture_bytes):
    bad = _with_cyclic_directory(fixture_bytes("people.xls"))
    with pytest.raises(ole.Damaged):
        ole.stream_names(bad)
    assert problem(bad, "people.xls").code == "corrupt"


@pytest.mark.parametrize(
    ("offset", "value"),
    [(0x1E, struct.pack("<H", 10)), (0x2C, struct.pack("<I", 10**6)), (0x4C, struct.pack("<I", 10**6))],
)
def test_damaged_headers(fixture_bytes, offset, value):
    data = bytearray(fixture_bytes("people.xls"))
    data[offset : offset + len(value)] = value
    with pytest.raises(ole.Damaged):
        ole.stream_names(bytes(data))


def test_an_ole2_container_without_a_workbook(fixture_bytes):
    data = fixture_bytes("encrypted.xlsx")
    for name in ("EncryptedPackage", "EncryptionInfo"):
        data = data.replace(name.encode("utf-16-le"), name.upper().encode("utf-16-le"))
    assert problem(data, "list.xls").code == "corrupt"
    assert problem(data, "list").code == "unsupported"


def test_a_stray_value_far_from_the_table_is_refused_with_its_cell():
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["姓名", "手机"])
    book.active.append(["陈大文", "91234567"])
    book.active["XFD1048576"] = " "
    out = io.BytesIO()
    book.save(out)
    error = problem(out.getvalue(), "x.xlsx")
    assert error.code == "too_large" and "XFD1048576" in error.message


def test_formatting_alone_far_away_is_fine():
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    book.active.append(["姓名", "手机"])
    book.active.append(["陈大文", "91234567"])
    book.active["XFD1048576"].font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    assert len(read_table(out.getvalue(), "x.xlsx").rows) == 1


def test_xlsx_boxes_follow_the_workbook_order(monkeypatch):
    rows = [[None, None], [None, "x", "y"], [None, None, None, "z"]]
    data = xlsx_bytes(rows, extra_sheets=[("二", [["a"]], "visible")])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first, second = bounds.xlsx_sheet_boxes(archive)
        assert first.cells >= 6 and second.cells == 1 and second.far_corner == "A1"  # the quick pass: a bound
        monkeypatch.setattr(bounds, "MAX_CELLS", 0)  # every box measured again on the cells with values
        first, second = bounds.xlsx_sheet_boxes(archive)
    assert (first.top, first.left, first.bottom, first.right, first.cells) == (2, 2, 3, 4, 6)


def _ods_with(content_rows: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="名单">{content_rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
    return out.getvalue()


def _cell(value, repeat=1):
    attribute = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell office:value-type="string"{attribute}><text:p>{value}</text:p></table:table-cell>'


def test_ods_boxes_count_repeated_rows_and_cells_with_values():
    rows = (
        f"<table:table-row>{_cell('姓名')}{_cell('手机')}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="3">{_cell("x", 4)}<table:table-cell '
        'table:number-columns-repeated="1000"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
    )
    with zipfile.ZipFile(io.BytesIO(_ods_with(rows))) as archive:
        (box,) = bounds.ods_sheet_boxes(archive)
    assert (box.top, box.left, box.bottom, box.right) == (1, 1, 4, 4)


def test_ods_that_would_span_too_many_cells_is_refused():
    rows = (
        f"<table:table-row>{_cell('姓名')}{_cell('手机')}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="100000">{_cell("x", 1000)}</table:table-row>'
    )
    error = problem(_ods_with(rows), "x.ods")
    assert error.code == "too_large" and "ALL100001" in error.message and "'1'" in error.message


def test_xlsb_is_unsupported():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x00")
    assert problem(out.getvalue(), "x.xlsb").code == "unsupported"
    assert problem(out.getvalue(), "x.xlsx").code == "unsupported"


def _ods_with_content(fixture_bytes, change):
    source = zipfile.ZipFile(io.BytesIO(fixture_bytes("people.ods")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            archive.writestr(item, change(data) if item.filename == "content.xml" else data)
    return out.getvalue()


def test_ods_whose_table_never_ends_is_corrupt_at_once(fixture_bytes):
    # calamine 0.37 loops for ever on this one; the XML check in bounds.py stops it first.
    data = _ods_with_content(fixture_bytes, lambda content: content[: content.index(b"</table:table>")])
    assert problem(data, "x.ods").code == "corrupt"


def test_the_child_process_is_stopped_when_it_takes_too_long(roster_xlsx):
    with pytest.raises(FileProblem) as caught:
        sandbox.read_workbook(roster_xlsx, "xlsx", 100, timeout=0.01)
    assert caught.value.code == "corrupt" and "too long" in caught.value.message


def test_the_child_process_runs_out_of_memory_instead_of_this_one():
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["姓名", "手机"])
    book.active["T1000000"] = "far"  # 20 million cells for calamine: within MAX_CELLS, over 256 MiB
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(FileProblem) as caught:
        sandbox.read_workbook(out.getvalue(), "xlsx", 100, memory=256 * 2**20)
    assert caught.value.code == "corrupt"  # calamine aborted the child; this process goes on


def test_reading_in_this_process_gives_the_same_sheet(roster_xlsx, fixture_bytes):
    for data, name in (
        (roster_xlsx, "x.xlsx"),
        (fixture_bytes("people.xls"), "x.xls"),
        (fixture_bytes("people.ods"), "x.ods"),
    ):
        assert read_table(data, name) == read_table(data, name, isolate=False)


def _changed(data: bytes, changes) -> bytes:
    data = bytearray(data)
    for offset, value in changes:
        data[offset] = value
    return bytes(data)


# Bytes of people.xls changed by fuzzing; each made calamine 0.37 abort the whole process.
CELL_BEYOND_COLUMN_IV = [
    (1130, 104), (1542, 49), (2265, 255), (2266, 255), (2564, 160), (3013, 255), (3014, 255), (3121, 240),
]  # fmt: skip
HUGE_ALLOCATION_AT_OPEN = [(787, 162), (1107, 255), (1108, 255), (1603, 27), (1866, 128)]
DOUBLE_PANIC = [(811, 47), (1860, 237), (2506, 73), (3140, 50)]


def test_xls_with_a_cell_beyond_the_last_column_is_corrupt_before_calamine(fixture_bytes):
    data = _changed(fixture_bytes("people.xls"), CELL_BEYOND_COLUMN_IV)
    assert problem(data, "x.xls").code == "corrupt"
    with pytest.raises(FileProblem):
        read_table(data, "x.xls", isolate=False)  # caught in this process: calamine never sees it


@pytest.mark.parametrize("changes", [HUGE_ALLOCATION_AT_OPEN, DOUBLE_PANIC])
def test_xls_that_crashes_calamine_is_corrupt_and_this_process_goes_on(fixture_bytes, changes):
    assert problem(_changed(fixture_bytes("people.xls"), changes), "x.xls").code == "corrupt"
