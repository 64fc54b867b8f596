"""How far the values of each sheet reach, read from the XML before calamine loads the sheet.

calamine 0.37 allocates one 32-byte cell for every position between the first and the last value
of a sheet, so a stray value far from the table (something typed in XFD1048576, which people do
by accident) makes a 5 KB xlsx ask for 512 GiB and abort the whole process. The scan here finds
that box cheaply (regular expressions over the decompressed XML, no tree) so that the reader can
refuse the sheet with a message that names the far cell. In xls the format stops at 65,536 × 256
cells, but calamine takes a damaged file's column numbers as they come (up to 65,535: a 5 KB
file asked for 80 GiB), so cells beyond column IV mark the file as damaged.
"""

from __future__ import annotations

import posixpath
import re
import struct
import xml.parsers.expat
import zipfile

from .layout import column_letter

# The most cells a sheet's box may span: 800 MB in calamine, room for 200,000 rows × 125 columns.
MAX_CELLS = 25_000_000

_XLSX_CELL = re.compile(
    rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(?:/>|>(.*?)</(?:\w+:)?c>)', re.DOTALL
)
_XLSX_ROW = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="([0-9]{1,7})"')
_XLSX_COLUMN = re.compile(rb'\sr="([A-Z]{1,3})[0-9]')  # the letters of a cell's reference
_XLSX_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)\b")
_SHEET = re.compile(rb'<(?:\w+:)?sheet\s[^>]*?\b(?:\w+:)?id="([^"]+)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")
_ATTRIBUTE = re.compile(rb'\b(Id|Target)="([^"]*)"')

_ODS_TOKEN = re.compile(rb"<table:table\s|<table:table-row\b([^>]*)>|<table:(?:covered-)?table-cell\b([^>]*?)/?>")
_REPEATED_ROWS = re.compile(rb'number-rows-repeated="([0-9]+)"')
_REPEATED_COLUMNS = re.compile(rb'number-columns-repeated="([0-9]+)"')


class Box:
    """The smallest rectangle holding every value of a sheet (1-based, inclusive)."""

    def __init__(self) -> None:
        self.top = self.left = 1 << 40
        self.bottom = self.right = 0

    def add(self, row: int, column: int, rows: int = 1, columns: int = 1) -> None:
        self.top, self.left = min(self.top, row), min(self.left, column)
        self.bottom, self.right = max(self.bottom, row + rows - 1), max(self.right, column + columns - 1)

    @property
    def cells(self) -> int:
        return 0 if not self.bottom else (self.bottom - self.top + 1) * (self.right - self.left + 1)

    @property
    def far_corner(self) -> str:
        return f"{column_letter(self.right)}{self.bottom}"


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def xlsx_sheet_boxes(archive: zipfile.ZipFile) -> list[Box | None]:
    """The value box of each sheet in workbook order (None where the sheet's part is missing)."""
    targets = {}
    for element in _RELATIONSHIP.findall(archive.read("xl/_rels/workbook.xml.rels")):
        attributes = dict(_ATTRIBUTE.findall(element))
        target = attributes.get(b"Target", b"").decode("utf-8", "replace")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[attributes.get(b"Id")] = path
    names = set(archive.namelist())
    boxes: list[Box | None] = []
    for relationship in _SHEET.findall(archive.read("xl/workbook.xml")):
        path = targets.get(relationship)
        if path not in names:
            boxes.append(None)
            continue
        xml = archive.read(path)
        box = Box()
        # First every row and cell, with or without a value (quick); only a box that is too
        # large is measured again on the cells that hold a value (formatting alone is no value).
        rows = [int(number) for number in _XLSX_ROW.findall(xml)]
        columns = [_column_number(letters) for letters in set(_XLSX_COLUMN.findall(xml))]
        if rows and columns:
            box.add(min(rows), min(columns), max(rows) - min(rows) + 1, max(columns) - min(columns) + 1)
        if box.cells > MAX_CELLS:
            box = Box()
            for letters, row, content in _XLSX_CELL.findall(xml):
                if content and _XLSX_VALUE.search(content):
                    box.add(int(row), _column_number(letters))
        boxes.append(box)
    return boxes


def ods_sheet_boxes(archive: zipfile.ZipFile) -> list[Box]:
    """The value box of each table in content.xml, counting repeated rows and cells; ValueError
    when content.xml is not well-formed XML."""
    content = archive.read("content.xml")
    try:  # calamine loops for ever on some malformed content (a table that never ends)
        xml.parsers.expat.ParserCreate().Parse(content, True)
    except (xml.parsers.expat.ExpatError, LookupError) as error:  # LookupError: an unknown encoding
        raise ValueError(f"content.xml is not well formed: {error}") from error
    boxes: list[Box] = []
    row = column = 0
    row_repeat = 1
    for match in _ODS_TOKEN.finditer(content):
        if match.group(1) is None and match.group(2) is None:  # a new table
            boxes.append(Box())
            row, row_repeat = 0, 1
        elif match.group(1) is not None:  # a row: the previous one's repeats come first
            row += row_repeat
            repeated = _REPEATED_ROWS.search(match.group(1))
            row_repeat = int(repeated.group(1)) if repeated else 1
            column = 0
        elif boxes:
            attributes = match.group(2) or b""
            repeated = _REPEATED_COLUMNS.search(attributes)
            columns = int(repeated.group(1)) if repeated else 1
            if b"value-type" in attributes:
                boxes[-1].add(max(row, 1), column + 1, row_repeat, columns)
            column += columns
    return boxes


# BIFF records that hold one cell (row and column first) or a run of cells (MULRK, MULBLANK: the
# last column in the final two bytes). BIFF8 has 256 columns; calamine believes any number.
_BIFF_CELLS = {0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x0406}
_BIFF_CELL_RUNS = {0x00BD, 0x00BE}
_BIFF_BOF, _BIFF_COLUMNS = 0x0809, 256


def xls_sheet_boxes(workbook: bytes) -> list[Box]:
    """The cell box of each sheet in an xls Workbook stream (blank cells with formatting count);
    ValueError for a cell beyond column IV, which only a damaged file has."""
    boxes: list[Box] = []
    position = 0
    while position + 4 <= len(workbook):
        kind, length = struct.unpack_from("<HH", workbook, position)
        body = workbook[position + 4 : position + 4 + length]
        position += 4 + length
        if kind == _BIFF_BOF:
            boxes.append(Box())
        elif boxes and len(body) >= 6 and (kind in _BIFF_CELLS or kind in _BIFF_CELL_RUNS):
            row, first = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, len(body) - 2)[0] if kind in _BIFF_CELL_RUNS else first
            if max(first, last) >= _BIFF_COLUMNS or last < first:
                raise ValueError("a cell beyond the last column of an xls sheet")
            boxes[-1].add(row + 1, first + 1, 1, last - first + 1)
    return boxes[1:]  # the first BOF opens the workbook globals, not a sheet
