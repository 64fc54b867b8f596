"""A bulletin (bulletin.Bulletin) written as DOCX, XLSX or Markdown, and its charts as PNG.

DOCX (python-docx): A4, title, date line, headings, paragraphs with a two-character indent, tables
with a repeated header row, charts as PNG. Fonts are named, not embedded, with the names Chinese
Windows has: 宋体 (SimSun) for the body, 黑体 (SimHei) for the title and headings, set for East Asian
text (w:eastAsia) in the document defaults and every style used, and declared in the font table with
their English names as alternatives; Word and WPS use them as they are, LibreOffice on Linux finds
them through fontconfig (Noto Serif/Sans CJK from fonts-noto-cjk). XLSX (openpyxl): the narrative,
one sheet per table, and a sheet 定义 of the metrics' definitions and the bulletin's filters.
Markdown: headings, paragraphs and tables.

Charts are drawn by matplotlib with a CJK font from fonts-noto-cjk found through matplotlib's font
manager or fc-list; without one, no chart is drawn (the rest of the bulletin is unchanged).
"""

from __future__ import annotations

import base64
import functools
import glob
import io
import logging
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal

from qiao.core.exporters import keep_text
from qiao.text.fold import to_traditional

from .bulletin import Bulletin, Cell, Chart, Table

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown; charset=utf-8",
}
BODY_FONT = ("Times New Roman", "宋体", "SimSun")  # Latin, East Asian, its English name
HEADING_FONT = ("Times New Roman", "黑体", "SimHei")
FONT_TABLE = {  # how Word itself declares them (panose, GB2312 charset)
    "宋体": ("SimSun", "02010600030101010101", "auto", "variable"),
    "黑体": ("SimHei", "02010609060101010101", "modern", "fixed"),
}
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
CHART_COLOURS = ["#c0392b", "#2e86c1", "#d68910", "#229954", "#7d3c98", "#5d6d7e", "#a04000", "#17a589"]


def render(bulletin: Bulletin, fmt: str) -> bytes:
    """The bulletin as a file of format `fmt` (docx, xlsx or md)."""
    if fmt == "docx":
        return write_docx(bulletin)
    if fmt == "xlsx":
        return write_xlsx(bulletin)
    if fmt == "md":
        return write_md(bulletin).encode("utf-8")
    raise ValueError(fmt)


def filename(bulletin: Bulletin, fmt: str) -> str:
    """简报_<unit>_<from>_<to>.<fmt> (簡報 in zh-Hant), safe on every file system."""
    unit = re.sub(r'[\\/:*?"<>|\s]+', "-", bulletin.unit_name).strip("-") or "qiao"
    word = "簡報" if bulletin.lang == "zh-hant" else "简报"
    return f"{word}_{unit}_{bulletin.period.start.isoformat()}_{bulletin.period.end.isoformat()}.{fmt}"


def _words(bulletin: Bulletin, text: str) -> str:
    return to_traditional(text) if bulletin.lang == "zh-hant" else text


# ---------------------------------------------------------------- cells


def _yuan_to_wan(value) -> Decimal:
    return (Decimal(value) / 10000).quantize(Decimal("0.01"), ROUND_HALF_UP)


def cell_text(cell: Cell) -> str:
    """A table cell as the DOCX and Markdown tables show it (amounts in 万元, rates in %)."""
    value = cell.value
    if value is None:
        return "—"
    if cell.measure == "amount":
        return f"{_yuan_to_wan(value):f}"
    if cell.measure == "percent":
        return f"{Decimal(value).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    if cell.measure == "change":
        return f"{'+' if value > 0 else ''}{Decimal(value).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    if cell.measure == "days":
        return format(Decimal(value).normalize(), "f")
    return str(int(value))


def cell_number(cell: Cell) -> tuple[object, str | None]:
    """A table cell as a spreadsheet value, with its number format."""
    value = cell.value
    if value is None:
        return None, None
    if cell.measure == "amount":
        return float(_yuan_to_wan(value)), "0.00"
    if cell.measure in ("percent", "change"):
        return float(Decimal(value) / 100), "0.0%"
    if cell.measure == "days":
        return float(value), "0.0"
    return int(value), "0"


# ---------------------------------------------------------------- charts


@functools.cache
def cjk_font() -> str | None:
    """The family name of a CJK font matplotlib can draw with, or None when there is none."""
    from matplotlib import font_manager

    known = {font.name for font in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    found = None
    # installed after matplotlib's font cache was made: add them, a regular sans face first, until one fits
    preferred = sorted(_cjk_font_files(), key=lambda path: ("Regular" not in path, "Sans" not in path, path))
    for path in preferred:
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue
        known = {font.name for font in font_manager.fontManager.ttflist}
        found = next((family for family in CJK_FAMILIES if family in known), None)
        if found:
            break
    if found is None:
        logger.warning("No CJK font for charts: install fonts-noto-cjk; bulletins are written without charts.")
    return found


def _cjk_font_files() -> list[str]:
    files: list[str] = []
    if shutil.which("fc-list"):
        try:
            listed = subprocess.run(
                ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            listed = ""
        files = sorted({line.split(":")[0].strip() for line in listed.splitlines() if line.strip()})
    if not files:
        files = sorted(glob.glob("/usr/share/fonts/**/*CJK*.tt[cf]", recursive=True))
    return files


def chart_png(chart: Chart) -> bytes | None:
    """The chart as a PNG (matplotlib, a CJK font), or None when no CJK font is installed."""
    family = cjk_font()
    if family is None:
        return None
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.family": [family, "DejaVu Sans"], "axes.unicode_minus": False}):
        figure = Figure(figsize=(6.4, 3.6 if chart.kind != "bar" else max(2.4, 0.42 * len(chart.labels) + 1)), dpi=150)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        if chart.kind == "pie":
            axes.pie(
                chart.values,
                labels=chart.labels,
                autopct="%1.1f%%",
                startangle=90,
                counterclock=False,
                colors=CHART_COLOURS,
                textprops={"fontsize": 9},
            )
            axes.axis("equal")
        elif chart.kind == "line":
            places = range(len(chart.labels))  # positions, so that labels like 2025-01 stay labels
            axes.plot(places, chart.values, marker="o", color=CHART_COLOURS[0])
            for x, y in zip(places, chart.values, strict=True):
                axes.annotate(_short(y), (x, y), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=8)
            axes.set_xticks(places, chart.labels)
            axes.set_ylabel(chart.axis)
            axes.set_ylim(bottom=0, top=max(chart.values) * 1.15 or 1)
            axes.tick_params(axis="x", labelrotation=45 if len(chart.labels) > 6 else 0, labelsize=8)
        else:
            labels, values = chart.labels[::-1], chart.values[::-1]
            places = range(len(labels))
            bars = axes.barh(places, values, color=CHART_COLOURS[1])
            axes.set_yticks(places, labels)
            axes.bar_label(bars, labels=[_short(v) for v in values], padding=3, fontsize=8)
            axes.set_xlabel(chart.axis)
            axes.margins(x=0.15)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()


def _short(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def chart_data_uri(chart: Chart) -> str:
    png = chart_png(chart)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else ""


# ---------------------------------------------------------------- Markdown


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(table: Table) -> list[str]:
    lines = [f"**{_md_escape(table.title)}**", ""]
    lines.append("| " + " | ".join(_md_escape(h) for h in table.header) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(table.header) - 1)) + "|")
    for label, cells in [*table.rows, *([table.total] if table.total else [])]:
        lines.append("| " + " | ".join([_md_escape(label), *(cell_text(c) for c in cells)]) + " |")
    return [*lines, ""]


def write_md(bulletin: Bulletin) -> str:
    lines = [f"# {bulletin.title}", "", bulletin.date_line, ""]
    for section in bulletin.sections:
        if section.heading:
            lines += [f"## {section.heading}", ""]
        for block in section.blocks:
            if isinstance(block, str):
                lines += [block, ""]
            elif isinstance(block, Table):
                lines += _md_table(block)
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------- DOCX


def _set_fonts(rpr, fonts: tuple[str, str, str]) -> None:
    """Name the Latin and East Asian fonts of a run-properties element, dropping theme fonts (which
    would win over the names)."""
    from docx.oxml.ns import qn

    latin, east, _english = fonts
    rfonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east)


def _style(document, name: str, fonts, size: float, *, bold: bool = False, center: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    style = document.styles[name]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(style.element.get_or_add_rPr(), fonts)
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    if center:
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return style


def _document_defaults(document, lang: str) -> None:
    """East Asian fonts and language for every run, even one without a style."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    latin, east, _english = BODY_FONT
    for attribute, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin), ("w:eastAsia", east)):
        rfonts.set(qn(attribute), value)
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-HK" if lang == "zh-hant" else "zh-CN")


def _font_table(document) -> None:
    """Declare 宋体 and 黑体 with their English names, as Word does, so that every reader finds them."""
    from lxml import etree

    part = next((p for p in document.part.package.parts if p.partname == "/word/fontTable.xml"), None)
    if part is None or not hasattr(part, "_blob"):
        return
    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    w = f"{{{namespace}}}"
    root = etree.fromstring(part.blob)
    declared = {font.get(f"{w}name") for font in root.findall(f"{w}font")}
    for name, (english, panose, family, pitch) in FONT_TABLE.items():
        if name in declared:
            continue
        font = etree.SubElement(root, f"{w}font", {f"{w}name": name})
        etree.SubElement(font, f"{w}altName", {f"{w}val": english})
        etree.SubElement(font, f"{w}panose1", {f"{w}val": panose})
        etree.SubElement(font, f"{w}charset", {f"{w}val": "86"})
        etree.SubElement(font, f"{w}family", {f"{w}val": family})
        etree.SubElement(font, f"{w}pitch", {f"{w}val": pitch})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _row_flag(row, name: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    flag = OxmlElement(name)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _repeat_header(row) -> None:
    _row_flag(row, "w:tblHeader")


def _keep_together(row) -> None:
    _row_flag(row, "w:cantSplit")


def _shade(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _docx_table(document, table: Table) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document.add_paragraph(table.title, style="Caption")
    lines = [*table.rows, *([table.total] if table.total else [])]
    grid = document.add_table(rows=1 + len(lines), cols=len(table.header))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row in grid.rows:  # cantSplit before tblHeader: the schema's order
        _keep_together(row)
    _repeat_header(grid.rows[0])
    for column, text in enumerate(table.header):
        cell = grid.rows[0].cells[column]
        _shade(cell, "D9D9D9")
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = True
        run.font.size = Pt(10.5)
    for number, (label, cells) in enumerate(lines, 1):
        row = grid.rows[number]
        is_total = table.total is not None and number == len(lines)
        for column, text in enumerate([label, *(cell_text(c) for c in cells)]):
            paragraph = row.cells[column].paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if column == 0 else WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.line_spacing = 1.15
            run = paragraph.add_run(text)
            run.font.size = Pt(10.5)
            run.bold = is_total
    document.add_paragraph()


def write_docx(bulletin: Bulletin) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(30), Mm(28)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _document_defaults(document, bulletin.lang)
    _font_table(document)
    normal = _style(document, "Normal", BODY_FONT, 12)
    normal.paragraph_format.line_spacing = 1.5
    normal.paragraph_format.space_after = Pt(0)
    _style(document, "Title", HEADING_FONT, 22, center=True).paragraph_format.space_after = Pt(6)
    heading = _style(document, "Heading 1", HEADING_FONT, 16)
    heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(12), Pt(6)
    caption = _style(document, "Caption", HEADING_FONT, 10.5, center=True)
    caption.paragraph_format.keep_with_next = True

    properties = document.core_properties
    properties.title, properties.author = bulletin.title, "Qiao"
    properties.language = "zh-HK" if bulletin.lang == "zh-hant" else "zh-CN"
    properties.subject = bulletin.period_label
    properties.comments = bulletin.template_name

    document.add_paragraph(bulletin.title, style="Title")
    date_line = document.add_paragraph(bulletin.date_line)
    date_line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    date_line.paragraph_format.space_after = Pt(12)
    for part in bulletin.sections:
        if part.heading:
            document.add_paragraph(part.heading, style="Heading 1")
        for block in part.blocks:
            if isinstance(block, str):
                paragraph = document.add_paragraph(block)
                paragraph.paragraph_format.first_line_indent = Pt(24)  # two characters
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            elif isinstance(block, Table):
                _docx_table(document, block)
            else:
                png = chart_png(block)
                if png is None:
                    continue
                picture = document.add_paragraph()
                picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
                picture.paragraph_format.keep_with_next = True
                picture.add_run().add_picture(io.BytesIO(png), width=Cm(15))
                document.add_paragraph(block.title, style="Caption")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- XLSX


def _sheet_name(text: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]+", " ", text).strip()[:31] or "Sheet"
    base, number = name, 2
    while name in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name)
    return name


def write_xlsx(bulletin: Bulletin) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold, header_fill = Font(bold=True), PatternFill("solid", fgColor="D9D9D9")
    say = functools.partial(_words, bulletin)
    book = Workbook()
    taken: set[str] = set()
    summary = book.active
    summary.title = _sheet_name(say("简报"), taken)
    summary.column_dimensions["A"].width = 100
    summary.append([bulletin.title])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([bulletin.date_line])
    summary.append([])
    for section in bulletin.sections:
        if section.heading:
            summary.append([section.heading])
            summary.cell(summary.max_row, 1).font = bold
        for block in section.blocks:
            if isinstance(block, str):
                summary.append([block])
                summary.cell(summary.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    for table in bulletin.tables():
        sheet = book.create_sheet(_sheet_name(table.title.replace("　", " "), taken))
        sheet.append([table.title])
        sheet["A1"].font = bold
        sheet.append(table.header)
        for cell in sheet[2]:
            cell.font, cell.fill = bold, header_fill
        lines = [*table.rows, *([table.total] if table.total else [])]
        for number, (label, cells) in enumerate(lines):
            values = [cell_number(c) for c in cells]
            sheet.append([label, *(value for value, _format in values)])
            row = sheet.max_row
            for column, (_value, number_format) in enumerate(values, 2):
                if number_format:
                    sheet.cell(row, column).number_format = number_format
            if table.total is not None and number == len(lines) - 1:
                for cell in sheet[row]:
                    cell.font = bold
        sheet.freeze_panes = "B3"
        sheet.column_dimensions["A"].width = 28
        for column in range(2, len(table.header) + 1):
            sheet.column_dimensions[sheet.cell(2, column).column_letter].width = 18
    definitions = book.create_sheet(_sheet_name(say("定义"), taken))
    definitions.append([say(h) for h in ("指标", "代码", "定义", "计量单位")])
    for cell in definitions[1]:
        cell.font, cell.fill = bold, header_fill
    for item in bulletin.definitions:
        definitions.append([item.label, item.key, item.definition, item.unit_label])
    definitions.append([])
    for label, value in (
        ("范围", f"{bulletin.unit_name}（含下级单位）"),
        (
            "期间",
            f"{bulletin.period_label}（{bulletin.period.start.isoformat()} 至 {bulletin.period.end.isoformat()}）",
        ),
        ("数字", "精确数" if bulletin.exact else "约数（表格为精确数；金额单位：万元）"),
        ("模板", bulletin.template_name),
        ("生成日期", bulletin.made_on.isoformat()),
    ):
        definitions.append([say(label), say(value)])
        definitions.cell(definitions.max_row, 1).font = bold
    definitions.column_dimensions["A"].width = 24
    definitions.column_dimensions["B"].width = 28
    definitions.column_dimensions["C"].width = 90
    definitions.column_dimensions["D"].width = 12
    for row in definitions.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    keep_text(book)  # titles, headings and labels come from records' names: never formulas
    book.save(out)
    return out.getvalue()
