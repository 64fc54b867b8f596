"""Where the table is in a sheet: the header row (one or two rows, below any title rows), the
columns in use, the data rows without blank ones. Pure Python, no Django.

How the header is found (`find_header`): among the first 20 non-blank rows that have at least
two filled cells (one, for a one-column file), the row whose cells map to the most fields
(`headers.guess_mapping` over Simplified, Traditional and English aliases of people and
organisation columns); ties go to the upper row. Without any known header, the first row with
two filled cells is taken. A two-row header ("证件" merged over "类型 | 号码") is detected from
the merged ranges that calamine reports for xlsx and xls, and for formats without them (ods,
csv) from its shape: the upper row has an empty cell right of a filled one, with text below it,
and the lower row leaves a cell empty below a filled one. The pair wins only if its joined
texts ("证件 / 类型") map to strictly more fields than either row alone.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import re
from collections.abc import Iterable

from .errors import FileProblem
from .headers import HEADER_JOINER, guess_mapping

HEADER_SEARCH_ROWS = 20


@dataclasses.dataclass(slots=True)
class Row:
    number: int  # 1-based row number in the file, as the spreadsheet program shows it
    cells: list  # str, int, float, bool, date, datetime, time or None; one per header


@dataclasses.dataclass(slots=True)
class Sheet:
    name: str
    header_row: int  # 1-based; the lower row of a two-row header
    headers: list[str]
    rows: list[Row]
    first_column: int = 1  # 1-based column in the file of headers[0]
    format: str = ""  # "xlsx", "xls", "ods" or "csv"
    encoding: str | None = None  # for text files

    def column_letter(self, index: int) -> str:
        """The spreadsheet letter of column `index` of this table ("A", "AB"), for messages."""
        return column_letter(self.first_column + index)


def column_letter(number: int) -> str:
    """The spreadsheet letter of a 1-based column number: 1 → "A", 28 → "AB"."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# ---------------------------------------------------------------- header and table

_LINE_BREAK = re.compile(r"\s*(?:\r\n|\r|\n)\s*")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _header_text(value) -> str:
    """A header cell as text: stripped, line breaks inside joined ("手机\\n号码" → "手机号码",
    "Date of\\nbirth" → "Date of birth")."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    parts = [part for part in _LINE_BREAK.split(str(value).strip()) if part]
    text = ""
    for part in parts:
        cjk_join = text and (_CJK.match(text[-1]) or _CJK.match(part[0]))
        text = text + part if not text or cjk_join else f"{text} {part}"
    return _SPACES.sub(" ", text).strip()


def _mapped(headers: list[str]) -> int:
    """How many columns map to a field, for the better of the two import kinds."""
    return max(sum(field is not None for field in guess_mapping(headers, kind)) for kind in ("people", "organizations"))


def _fill_merged(number: int, texts: list[str], merged, texts_by_row: dict[int, list[str]]) -> list[str]:
    """A header row with the empty cells inside a merged range given the range's text."""
    filled = list(texts)
    for (r0, c0), (r1, c1) in merged:
        if r0 <= number <= r1 and r0 in texts_by_row:
            source = texts_by_row[r0]
            text = source[c0 - 1] if c0 - 1 < len(source) else ""
            for column in range(c0 - 1, min(c1, len(filled))):
                filled[column] = filled[column] or text
    return filled


def _two_row_headers(upper, lower, merged, texts_by_row) -> list[str] | None:
    """The joined headers of two consecutive rows if they look like a two-row header, else None."""
    (top_number, top_cells), (low_number, low_cells) = upper, lower
    if low_number != top_number + 1:
        return None
    if any(cell is not None and not isinstance(cell, str) for cell in top_cells + low_cells):
        return None  # a header is text; numbers and dates mean a data row
    top_raw, low_raw = texts_by_row[top_number], texts_by_row[low_number]
    spans_both = any(r0 <= top_number and r1 >= low_number for (r0, _), (r1, _) in merged)
    groups = any(
        r0 == r1 == top_number and c1 > c0 and any(low_raw[c] for c in range(c0 - 1, min(c1, len(low_raw))))
        for (r0, c0), (r1, c1) in merged
    )
    # Without merged ranges (ods, csv): text below an empty cell that follows a filled one, and
    # an empty cell below a filled one (where the upper cell was merged down).
    under_gap = any(not top_raw[c] and low_raw[c] and any(top_raw[:c]) for c in range(min(len(top_raw), len(low_raw))))
    gap_under = any(top_raw[c] and not low_raw[c] for c in range(min(len(top_raw), len(low_raw))))
    if not (spans_both or groups or (under_gap and gap_under)):
        return None
    top = _fill_merged(top_number, top_raw, merged, texts_by_row)
    low = _fill_merged(low_number, low_raw, merged, texts_by_row)
    for c in range(1, len(top)):
        if not top[c] and low[c]:  # a sub-column of the group to its left
            top[c] = top[c - 1]
    joined = []
    for t, b in zip(top, low, strict=True):
        joined.append(f"{t}{HEADER_JOINER}{b}" if t and b and t != b else t or b)
    return joined


def find_header(candidates: list[tuple[int, list]], merged) -> tuple[int, list[str]]:
    """(row number of the header's last row, header texts); see this module's docstring."""
    width = max(len(cells) for _, cells in candidates)
    candidates = [(number, cells + [None] * (width - len(cells))) for number, cells in candidates]
    texts_by_row = {number: [_header_text(cell) for cell in cells] for number, cells in candidates}
    eligible = [i for i, (_, cells) in enumerate(candidates) if sum(cell is not None for cell in cells) >= 2]
    eligible = eligible or list(range(len(candidates)))
    best: tuple[int, int, list[str]] | None = None  # (score, row number, headers)
    best_score = 0
    for i in eligible:
        number = candidates[i][0]
        single = _fill_merged(number, texts_by_row[number], merged, texts_by_row)
        options = [(_mapped(single), number, single)]
        if i + 1 < len(candidates):
            joined = _two_row_headers(candidates[i], candidates[i + 1], merged, texts_by_row)
            if joined is not None:
                options.append((_mapped(joined), candidates[i + 1][0], joined))
        for option in options:  # strictly better only: ties keep the upper row and the single row
            if option[0] > best_score:
                best, best_score = option, option[0]
    if best is None:
        number = candidates[eligible[0]][0]
        return number, _fill_merged(number, texts_by_row[number], merged, texts_by_row)
    return best[1], best[2]


def _repeats(cells: list, headers: list[str]) -> bool:
    """Whether a row repeats the header: checked on the first header's column, then in full."""
    first = next((i for i, text in enumerate(headers) if text), None)
    if first is None or first >= len(cells) or not isinstance(cells[first], str):
        return False
    if _header_text(cells[first]) != headers[first]:
        return False
    return [_header_text(cell) for cell in cells if cell is not None] == [text for text in headers if text]


def build_table(name: str, rows: Iterable[tuple[int, list]], merged, max_rows: int) -> tuple[Sheet | None, bool]:
    """The table of one sheet, or None without data rows; and whether a header was found."""
    kept: list[tuple[int, list]] = []
    for number, cells in rows:
        if cells.count(None) == len(cells):  # a blank row
            continue
        kept.append((number, cells))
        if len(kept) > max_rows + HEADER_SEARCH_ROWS:
            raise FileProblem("too_large", f"The file has more than {max_rows:,} rows: split it and import the parts.")
    if not kept:
        return None, False
    header_row, headers = find_header(kept[:HEADER_SEARCH_ROWS], merged)
    data = [(number, cells) for number, cells in kept if number > header_row]
    # A header repeated further down (lists pasted together) is not a row of data.
    data = [(n, cells) for n, cells in data if not _repeats(cells, headers)]
    if not data:
        return None, True
    if len(data) > max_rows:
        raise FileProblem("too_large", f"The file has more than {max_rows:,} rows: split it and import the parts.")
    # Keep the columns from the first to the last that hold anything, in the header or below.
    # (Column by column: tuple.count runs in C, which matters at a million cells.)
    columns = itertools.zip_longest(headers, *(cells for _, cells in data))
    used = [i for i, column in enumerate(columns) if column[0] or column.count(None) < len(column) - 1]
    first, last = min(used), max(used)
    headers = (headers + [""] * (last + 1 - len(headers)))[first : last + 1]
    table_rows = [Row(n, (cells + [None] * (last + 1 - len(cells)))[first : last + 1]) for n, cells in data]
    return Sheet(name=name, header_row=header_row, headers=headers, rows=table_rows, first_column=first + 1), True
