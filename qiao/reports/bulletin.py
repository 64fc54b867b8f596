"""Bulletins (简报/通报): a template (bulletin_templates.py) and the metrics make a narrative in the
style the offices publish, with tables and charts; documents.py writes it as DOCX, XLSX or Markdown.

How a paragraph meets missing data: it is cut into clauses at ，；。 and a clause whose figures are all
zero (or unknown) is left out; a paragraph left with no figure goes. A section whose figures are all
zero for the period says so in one line (无数据：…, or 本期暂无<heading>记录。); a bulletin whose
sections are all empty says so plainly and nothing else.

Every figure is computed once (metrics.compute for each metric's total with one breakdown; its other
breakdowns and comparisons once each, only those the template uses, and none for a figure that is
zero). zh-Hant bulletins are the zh-Hans text converted with OpenCC s2hk (qiao.text.fold.to_traditional).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from qiao.core.days import FLOOR
from qiao.text.fold import to_traditional

from . import metrics, periods, wording
from .bulletin_templates import (
    PLACEHOLDER,
    ChartSpec,
    Need,
    Placeholder,
    SectionSpec,
    Spec,
    TableSpec,
    default_template,
    parse,
    placeholder,
    placeholders,
)
from .models import BulletinTemplate

LANGUAGES = {"zh-hans": "简体中文", "zh-hant": "繁體中文"}
FORMATS = ("docx", "xlsx", "md")

COMPARE_HEADINGS = {"last_year": ("去年同期", "同比"), "previous": ("上期", "环比")}
SEPARATORS = {"，": 1, "；": 2, "。": 3, "！": 3, "？": 3}
CLAUSE = re.compile(r"([^，；。！？]*)([，；。！？]?)")
NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|\d+[.、．]\s*|[（(][一二三四五六七八九十\d]+[)）])")


# ---------------------------------------------------------------- the figures


class Figures:
    """The figures a bulletin uses, each computed once: a metric's total with one of its breakdowns
    (metrics.compute); its other breakdowns and its comparisons only when the total is not empty
    (the comparisons a table lists: always)."""

    def __init__(self, user, where: metrics.Scope, period: periods.Period, needs: dict[str, Need]):
        self.period, self.where = period, where
        self.figures: dict[str, metrics.Figure] = {}
        self.rows: dict[tuple[str, str], list[metrics.Row]] = {}
        self.before: dict[tuple[str, str], int | Decimal | None] = {}
        for key, need in needs.items():
            # the total with one breakdown (from one computation where the metric can), the region first
            first = min(need.bys, key=lambda by: (by != "region", by)) if need.bys else None
            figure = metrics.compute(user, key, period, by=first, scope_=where)
            self.figures[key] = figure
            nothing = empty(figure.metric, figure.total)
            for name in sorted(need.listed if nothing else need.compare):
                other = period.last_year() if name == "last_year" else period.previous()
                if figure.metric.snapshot or other.start < FLOOR:
                    self.before[key, name] = None
                else:
                    self.before[key, name] = metrics.compute(user, key, other, scope_=where).total
            for by in sorted(need.bys):
                rows = figure.rows if by == first else ([] if nothing else figure.metric.breakdown(where, period, by))
                self.rows[key, by] = every_month(rows, period, figure.metric) if by == "month" and rows else rows

    def metric(self, key: str) -> metrics.Metric:
        return self.figures[key].metric

    def total(self, key: str):
        return self.figures[key].total

    def row(self, key: str, by: str, value: str):
        for row in self.rows.get((key, by), ()):
            if row.key == value or row.label == value:
                return row.value
        return None

    def earlier(self, key: str, name: str):
        return self.before.get((key, name))

    def change(self, key: str, name: str) -> Decimal | None:
        """The change in percent on the earlier figure (None when it is 0 or unknown)."""
        return metrics.Comparison(name, self.period, self.earlier(key, name)).change(self.total(key))

    def has_data(self, key: str) -> bool:
        """Whether the period has data for the metric (figures as of today, like overdue cases, do
        not make a period less empty)."""
        return not self.metric(key).snapshot and not empty(self.metric(key), self.total(key))


def every_month(rows: list[metrics.Row], period: periods.Period, metric: metrics.Metric) -> list[metrics.Row]:
    """A monthly breakdown with the months of the period that have no records, as 0 (a trend
    shows them); left as it is for rates and medians, and beyond five years."""
    if metric.measure in ("percent", "days") or period.days > 5 * 366:
        return rows
    found = {row.key: row for row in rows}
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        key = day.strftime("%Y-%m")
        months.append(found.pop(key, None) or metrics.Row(key, key, 0))
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months + list(found.values())  # and any row outside them (none expected)


def empty(metric: metrics.Metric, value) -> bool:
    if metric.measure in ("percent", "days"):
        return value is None
    return not value


def say(metric: metrics.Metric, value, exact: bool) -> str:
    """A figure in the bulletin's words: counts approximated unless exact, amounts in 亿元/万元."""
    if metric.measure == "amount":
        return wording.amount(value, exact)
    if metric.measure == "percent":
        return wording.percent(value)
    if metric.measure == "days":
        return "—" if value is None else format(Decimal(value).normalize(), "f")
    return wording.count(value, exact)


# ---------------------------------------------------------------- the bulletin


@dataclass
class Cell:
    value: int | Decimal | None
    measure: str  # count | people | amount | percent | days | change


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[tuple[str, list[Cell]]]
    total: tuple[str, list[Cell]] | None = None


@dataclass
class Chart:
    title: str
    kind: str  # bar | line | pie
    labels: list[str]
    values: list[float]
    axis: str  # the measure's unit: 人次, 万元 …


@dataclass
class Definition:
    key: str
    label: str
    definition: str
    unit_label: str


@dataclass
class Section:
    heading: str
    blocks: list = field(default_factory=list)  # str paragraphs, Table, Chart


@dataclass
class Bulletin:
    title: str
    unit_name: str
    period: periods.Period
    period_label: str
    lang: str
    exact: bool
    made_on: datetime.date
    date_line: str
    template_name: str
    sections: list[Section]
    definitions: list[Definition]
    empty: bool = False

    def tables(self) -> list[Table]:
        return [block for section in self.sections for block in section.blocks if isinstance(block, Table)]

    def paragraphs(self) -> list[str]:
        return [block for section in self.sections for block in section.blocks if isinstance(block, str)]


def _cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _stronger(a: str, b: str) -> str:
    return a if SEPARATORS.get(a, 0) >= SEPARATORS.get(b, 0) else b


class Writer:
    """Writes one bulletin: the template's texts with their figures, its tables and charts."""

    def __init__(self, spec: Spec, figures: Figures, *, exact: bool, lang: str, unit_name: str, today):
        self.spec, self.figures, self.exact, self.lang = spec, figures, exact, lang
        with translation.override("zh-hans"):
            label = figures.period.label()
        self.words = {
            "period": label,
            "unit": unit_name,
            "today": _cn_date(today),
        }
        self.tables = self.charts = 0

    def t(self, text: str) -> str:
        return to_traditional(text) if self.lang == "zh-hant" else text

    # -- texts

    def fill(self, placeholder: Placeholder) -> tuple[str, bool]:
        """(the placeholder's words, whether it is an empty figure)."""
        if placeholder.metric is None:
            return self.words[placeholder.name], False
        key, figures = placeholder.metric, self.figures
        metric = figures.metric(key)
        exact = self.exact or placeholder.option == "exact"
        if placeholder.by:
            value = figures.row(key, placeholder.by, placeholder.value)
            if value is None and metric.measure not in ("percent", "days"):
                value = 0
            return say(metric, value, exact), empty(metric, value)
        name = placeholder.comparison
        if placeholder.option.startswith("change:"):
            change = wording.change(figures.total(key), figures.earlier(key, name))
            if change is None:
                return "", True
            return ("同比" if name == "last_year" else "环比") + change, False
        if placeholder.option.startswith("before:"):
            value = figures.earlier(key, name)
            return say(metric, value, exact), empty(metric, value)
        value = figures.total(key)
        return say(metric, value, exact), empty(metric, value)

    def clause(self, text: str) -> tuple[str, bool, bool]:
        """(the clause filled in, whether it has figures, whether they are all empty)."""
        found, blanks = 0, 0

        def replace(match):
            nonlocal found, blanks
            found_here = placeholder(match[1])
            words, is_empty = self.fill(found_here)
            if found_here.metric:
                found += 1
                blanks += is_empty
            return words

        filled = PLACEHOLDER.sub(replace, text)
        return filled, found > 0, found > 0 and found == blanks

    def paragraph(self, text: str) -> str:
        """The paragraph filled in, without its clauses of empty figures ("" when nothing is left)."""
        kept: list[list[str]] = []
        figures_kept = any_figures = False
        for clause, separator in CLAUSE.findall(text):
            if not clause and not separator:
                continue
            filled, has_figures, all_empty = self.clause(clause)
            any_figures |= has_figures
            if all_empty:
                if kept:
                    kept[-1][1] = _stronger(kept[-1][1], separator)
                continue
            figures_kept |= has_figures
            kept.append([filled, separator])
        if any_figures and not figures_kept:
            return ""
        return "".join(clause + separator for clause, separator in kept).strip()

    def text(self, text: str) -> str:
        return PLACEHOLDER.sub(lambda match: self.fill(placeholder(match[1]))[0], text)

    # -- tables and charts

    def header(self, metric: metrics.Metric) -> str:
        return str(metric.label) + ("（万元）" if metric.measure == "amount" else "")

    def table(self, spec: TableSpec) -> Table | None:
        figures = self.figures
        chosen = [figures.metric(key) for key in spec.metrics]
        default = spec.title or "、".join(str(m.label) for m in chosen)
        if spec.by is None:
            header = ["指标", "本期"]
            for name in spec.compare:
                header += COMPARE_HEADINGS[name]
            rows = []
            for key, metric in zip(spec.metrics, chosen, strict=True):
                cells = [Cell(figures.total(key), metric.measure)]
                for name in spec.compare:
                    cells += [
                        Cell(figures.earlier(key, name), metric.measure),
                        Cell(figures.change(key, name), "change"),
                    ]
                rows.append((self.header(metric), cells))
            self.tables += 1
            return Table(f"表{self.tables}　{default}", header, rows)
        order: dict[str, str] = {}
        values: dict[tuple[str, str], object] = {}
        for key in spec.metrics:
            for row in figures.rows.get((key, spec.by), ()):
                order.setdefault(row.key, row.label)
                values[key, row.key] = row.value
        if not order:
            return None
        if spec.by == "unit" and figures.where.unit is not None:  # the top unit's own records
            own = str(figures.where.unit.pk)
            if own in order:
                order[own] = f"{order[own]}（本级）"
        rows = []
        for row_key, label in order.items():
            cells = []
            for key, metric in zip(spec.metrics, chosen, strict=True):
                value = values.get((key, row_key))
                cells.append(
                    Cell(0 if value is None and metric.measure in ("count", "people") else value, metric.measure)
                )
            rows.append((label, cells))
        total = ("合计", [Cell(figures.total(key), m.measure) for key, m in zip(spec.metrics, chosen, strict=True)])
        header = [str(metrics.BREAKDOWNS[spec.by]), *(self.header(m) for m in chosen)]
        self.tables += 1
        return Table(f"表{self.tables}　{default}", header, rows, total)

    def chart(self, spec: ChartSpec) -> Chart | None:
        metric = self.figures.metric(spec.metric)
        rows = self.figures.rows.get((spec.metric, spec.by), [])
        if spec.kind != "line":
            rows = [row for row in rows if row.value]
        if not any(row.value for row in rows):
            return None
        self.charts += 1
        if spec.kind != "line":
            rows = rows[:12]
        scale = Decimal(10000) if metric.measure == "amount" else Decimal(1)
        axis = (
            "万元" if metric.measure == "amount" else ("%" if metric.measure == "percent" else str(metric.unit_label))
        )
        title = spec.title or f"{metric.label}（按{metrics.BREAKDOWNS[spec.by]}）"
        return Chart(
            f"图{self.charts}　{title}",
            spec.kind,
            [row.label for row in rows],
            [float(Decimal(row.value or 0) / scale) for row in rows],
            axis,
        )

    # -- sections

    def section_has_data(self, section: SectionSpec) -> bool | None:
        """Whether any figure of the section has data; None when it uses no figure at all."""
        keys = set()
        for block in section.blocks:
            if isinstance(block, str):
                keys.update(p.metric for p in placeholders(block) if p.metric)
            elif isinstance(block, TableSpec):
                keys.update(block.metrics)
            else:
                keys.add(block.metric)
        if not keys:
            return None
        return any(self.figures.has_data(key) for key in keys)

    def section(self, spec: SectionSpec) -> Section | None:
        heading = self.t(self.text(spec.heading))
        has_data = self.section_has_data(spec)
        if has_data is False:
            if not spec.heading:
                return None
            words = self.text(spec.empty) if spec.empty else f"本期暂无{NUMBERING.sub('', spec.heading)}记录。"
            return Section(heading, [self.t(words)])
        section = Section(heading)
        for block in spec.blocks:
            if isinstance(block, str):
                made = self.paragraph(block)
            elif isinstance(block, TableSpec):
                made = self.table(block)
            else:
                made = self.chart(block)
            if made:
                section.blocks.append(self.t(made) if isinstance(made, str) else self.fold(made))
        return section

    def fold(self, made):
        """A table's or chart's words in the bulletin's script."""
        if self.lang != "zh-hant":
            return made
        if isinstance(made, Table):
            made.title, made.header = self.t(made.title), [self.t(h) for h in made.header]
            made.rows = [(self.t(label), cells) for label, cells in made.rows]
            if made.total:
                made.total = (self.t(made.total[0]), made.total[1])
        else:
            made.title, made.axis, made.labels = self.t(made.title), self.t(made.axis), [self.t(x) for x in made.labels]
        return made

    def sections(self) -> tuple[list[Section], bool]:
        """The sections, and whether the whole bulletin is without data."""
        if not any(self.section_has_data(section) for section in self.spec.sections):
            words = f"本期（{self.words['period']}）{self.words['unit']}暂无交流活动、项目、服务等业务记录。"
            return [Section("", [self.t(words)])], True
        return [s for s in (self.section(spec) for spec in self.spec.sections) if s is not None], False


# ---------------------------------------------------------------- building


def period_from(params, where: metrics.Scope) -> periods.Period:
    return periods.parse(params, where.today)


def build(
    user,
    *,
    period: periods.Period,
    unit=None,
    lang: str = "zh-hans",
    exact: bool = False,
    template: BulletinTemplate | None = None,
    where: metrics.Scope | None = None,
) -> Bulletin:
    """The bulletin of `template` (the shared default when None) for `period` and `user`'s figures of
    `unit`'s subtree (a Unit, its id or code; None: everything the user may see)."""
    lang = lang.lower()
    if lang not in LANGUAGES:
        raise ValidationError(
            {
                "lang": _("lang: “%(value)s” is not one of %(choices)s.")
                % {"value": lang, "choices": "、".join(LANGUAGES)}
            }
        )
    template = template or default_template()
    where = where or metrics.scope(user, unit)
    with translation.override("zh-hans"):
        spec = parse(template.title, template.body)
        figures = Figures(user, where, period, spec.needs())
        writer = Writer(spec, figures, exact=exact, lang=lang, unit_name=where.name, today=where.today)
        sections, nothing = writer.sections()
        definitions = [
            Definition(
                key,
                writer.t(str(f.metric.label)),
                writer.t(str(f.metric.definition)),
                writer.t(str(f.metric.unit_label)),
            )
            for key, f in figures.figures.items()
        ]
        return Bulletin(
            title=writer.t(writer.text(spec.title)),
            unit_name=writer.t(where.name),
            period=period,
            period_label=writer.t(period.label()),
            lang=lang,
            exact=exact,
            made_on=where.today,
            date_line=writer.t(f"{where.name}　{_cn_date(where.today)}"),
            template_name=template.name,
            sections=sections,
            definitions=definitions,
            empty=nothing,
        )
