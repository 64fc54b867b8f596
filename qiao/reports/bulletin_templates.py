"""Bulletin templates: the text an office worker edits in a text box (checked line by line), and
who may use and change which template. bulletin.py writes a bulletin from one.

A template is a title pattern and a body, one line each:

    # 一、青年交流                      a section and its heading
    {period}，累计接待…{activities.batches}批次…   a paragraph
    表：activities.batches、activities.person_times 按类别 | 交流活动分类统计
                                       a table: metrics by a breakdown (地区/来源地, 单位, 类别, 月份,
                                       行业, or region, unit, kind, month, industry), an optional title;
                                       without 按: one row per metric, with 同比 and/or 环比 columns
    图：activities.person_times 按月份 | 各月交流人次     a chart of one metric by a breakdown
                                       (折线/柱状/饼图 to choose its kind)
    无数据：本期暂无交流活动。            what the section says when it has no data
    // a note                           ignored

Lines before the first heading are the lead. Placeholders: {period} {unit} {today}; a metric's figure
{activities.people}; one row of its breakdown {activities.people[region=HK]}; and with an option after a
colon: {activities.person_times:精确} (exact whatever the bulletin's setting), {…:同比} / {…:环比} (同比增长
12.5%, 环比下降3.0%, 同比持平; nothing when there is nothing to compare with), {…:去年同期} / {…:上期} (the
earlier figure). Figures are approximated as wording.py says unless the bulletin is exact.

Keywords and placeholders may be typed in Traditional characters (圖：, 無數據：, 按來源地, {…:環比}):
they are read through OpenCC t2s. A template is shared (no unit: every unit may use it, system
administrators change it) or a unit's (its managers change it; its members and the members of the units
above it see and use it, like any record of the unit). The shared default (DEFAULT_*) is stored
on first use, so that it can be edited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from qiao.core import scoping
from qiao.core.choices import Region
from qiao.text.fold import to_simplified

from . import metrics
from .models import EDIT_ACTION, BulletinTemplate

DEFAULT_NAME = "港澳台侨工作简报"
DEFAULT_TITLE = "{unit}港澳台侨工作简报（{period}）"
DEFAULT_BODY = """\
// 每行一段。# 开头是小标题；“表：”“图：”是表格和图表；“无数据：”是本节没有数据时的说法；// 开头的行不印出。
{period}，累计接待港澳台侨青年交流{activities.batches}批次共{activities.person_times:精确}人次，其中{activities.first_timers}人首次来访；组织港澳青年实习{internships.interns}人；新签约招商项目{projects.signed}宗，计划投资总额{projects.planned_amount}；受理企业问题{cases.opened}件，办结{cases.resolved}件。

# 一、青年交流
{period}，共开展交流活动{activities.batches}批次，参与{activities.person_times:精确}人次，{activities.person_times:同比}；参与人员{activities.people}人，其中首次来访{activities.first_timers}人，香港青年{activities.people[region=HK]}人，澳门青年{activities.people[region=MO]}人，台湾青年{activities.people[region=TW]}人。
表：activities.batches、activities.person_times 按类别 | 交流活动分类统计
表：activities.people 按来源地 | 参与人员来源地分布
图：activities.person_times 按月份 | 各月交流人次

# 二、实习与学长说
组织港澳青年实习{internships.batches}批次，{internships.interns}人到岗实习；举办“学长说”等系列活动{activities.editions}期。
表：internships.interns 按来源地 | 实习人员来源地分布

# 三、精准匹配
人才库新增{registry.people}人；收集企业需求{matching.demands}个，促成人才与需求对接{matching.agreed}宗，{matching.talents}名人才达成意向。
表：registry.people 按来源地 | 人才库新增人员来源地分布
表：matching.demands 按类别 | 企业需求分类统计

# 四、招商引资
新签约招商项目{projects.signed}宗，计划投资总额{projects.planned_amount}，{projects.planned_amount:同比}；资金到位{projects.landed_amount}；新投产项目{projects.in_production}宗，签约项目投产率{projects.production_rate}。
表：projects.signed、projects.planned_amount 按行业 | 签约项目行业分布
图：projects.planned_amount 按来源地 饼图 | 签约项目计划投资来源地分布

# 五、企业服务
受理企业问题{cases.opened}件，办结{cases.resolved}件，办结用时中位数为{cases.median_days}天；开展服务{services.records}次，服务{services.people_served}人次；目前尚有{cases.overdue}件问题逾期未办结。
表：cases.opened、cases.resolved 按类别 | 企业问题分类统计

# 六、联络与合作
联络走访{relations.interactions}次，签订合作协议{agreements.signed}份，新入驻载体团队和企业{carriers.entered}个；收到建言献策{proposals.submitted}条，采纳{proposals.adopted}条。
表：relations.interactions 按类别 | 联络方式统计

# 附表
表：activities.batches、activities.person_times、projects.signed、projects.planned_amount 同比 | 主要指标同比
表：activities.batches、activities.person_times、projects.signed、cases.opened 按单位 | 各单位主要数据
"""

BREAKDOWN_WORDS = {
    "region": ("region", "地区", "来源地", "来源", "地域"),
    "unit": ("unit", "单位", "基地"),
    "kind": ("kind", "类别", "类型", "种类", "分类"),
    "month": ("month", "月份", "月"),
    "industry": ("industry", "行业", "领域"),
}
BY = {word: key for key, words in BREAKDOWN_WORDS.items() for word in words}
COMPARE = {"同比": "last_year", "last_year": "last_year", "环比": "previous", "previous": "previous"}
CHART_KINDS = {"柱状": "bar", "柱状图": "bar", "bar": "bar", "条形": "bar", "折线": "line", "折线图": "line"}
CHART_KINDS |= {"line": "line", "饼图": "pie", "pie": "pie"}
NAMES = {"period": "period", "时期": "period", "期间": "period", "unit": "unit", "单位": "unit"}
NAMES |= {"today": "today", "日期": "today"}
OPTIONS = {"精确": "exact", "exact": "exact", "去年同期": "before:last_year", "上期": "before:previous"}
OPTIONS |= {name: f"change:{value}" for name, value in COMPARE.items()}
KEYWORDS = {"表": "table", "table": "table", "图": "chart", "chart": "chart", "无数据": "empty", "empty": "empty"}
LINE = re.compile(r"^(?P<word>表|图|无数据|table|chart|empty)\s*[:：]\s*(?P<rest>.*)$", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
INSIDE = re.compile(r"^(?P<name>[\w.]+?)(?:\[(?P<by>[^=\]]+)=(?P<value>[^\]]+)\])?(?:\s*[:：]\s*(?P<option>[^:：]+))?$")


# ---------------------------------------------------------------- the template, parsed


@dataclass(frozen=True)
class Placeholder:
    name: str  # period | unit | today | a metric key
    by: str | None = None
    value: str | None = None
    option: str = ""  # "" | exact | change:<comparison> | before:<comparison>

    @property
    def metric(self) -> str | None:
        return self.name if "." in self.name else None

    @property
    def comparison(self) -> str | None:
        return self.option.split(":", 1)[1] if ":" in self.option else None


@dataclass
class TableSpec:
    metrics: list[str]
    by: str | None
    compare: list[str]
    title: str


@dataclass
class ChartSpec:
    metric: str
    by: str
    kind: str
    title: str


@dataclass
class SectionSpec:
    heading: str
    blocks: list = field(default_factory=list)  # paragraph texts, TableSpec, ChartSpec, in order
    empty: str = ""


@dataclass
class Spec:
    title: str
    sections: list[SectionSpec]

    def needs(self) -> dict[str, Need]:
        """What each metric the template uses needs: its breakdowns and comparisons."""
        found: dict[str, Need] = {}

        def need(key: str) -> Need:
            return found.setdefault(key, Need())

        for text in self.texts():
            for placeholder in placeholders(text):
                if placeholder.metric:
                    item = need(placeholder.metric)
                    if placeholder.by:
                        item.bys.add(placeholder.by)
                    if placeholder.comparison:
                        item.compare.add(placeholder.comparison)
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, TableSpec):
                    for key in block.metrics:
                        need(key).compare.update(block.compare)
                        need(key).listed.update(block.compare)
                        if block.by:
                            need(key).bys.add(block.by)
                elif isinstance(block, ChartSpec):
                    need(block.metric).bys.add(block.by)
        order = list(metrics.CATALOGUE)
        return dict(sorted(found.items(), key=lambda item: order.index(item[0])))

    def texts(self):
        yield self.title
        for section in self.sections:
            yield section.heading
            yield from (block for block in section.blocks if isinstance(block, str))
            yield section.empty


@dataclass
class Need:
    bys: set[str] = field(default_factory=set)
    compare: set[str] = field(default_factory=set)
    listed: set[str] = field(default_factory=set)  # comparisons a table lists, even when the figure is 0


def placeholders(text: str) -> list[Placeholder]:
    """The placeholders of a checked text (see `check_text` for the messages)."""
    return [placeholder(inside) for inside in PLACEHOLDER.findall(text)]


def placeholder(inside: str) -> Placeholder:
    inside = to_simplified(inside)  # the words may be typed in Traditional characters (環比, 來源地)
    found = INSIDE.match(inside.strip())
    if not found:
        raise ValueError(_("“{%(text)s}” is not a placeholder; write e.g. {activities.people}.") % {"text": inside})
    name, by, value, option = found["name"], found["by"], found["value"], (found["option"] or "").strip()
    if name in NAMES:
        if by or option:
            raise ValueError(_("“{%(text)s}” takes no breakdown or option.") % {"text": inside})
        return Placeholder(NAMES[name])
    if name not in metrics.CATALOGUE:
        raise ValueError(
            _("there is no metric “%(key)s” (see the list of metrics beside the text box).") % {"key": name}
        )
    if option and option not in OPTIONS:
        raise ValueError(
            _("“%(option)s” is not an option; use one of %(choices)s.")
            % {"option": option, "choices": "、".join(OPTIONS)}
        )
    option = OPTIONS.get(option, "")
    if by is not None:
        by = _breakdown(name, by.strip())
        value = value.strip()
        if option.startswith(("change:", "before:")):
            raise ValueError(_("同比 and 环比 are for a metric's total, not for one row of it."))
        if by == "region" and value not in Region.values and value != metrics.NONE:
            raise ValueError(
                _("“%(value)s” is not a region; use one of %(choices)s.")
                % {"value": value, "choices": ", ".join(Region.values)}
            )
    return Placeholder(name, by, value, option)


def _breakdown(key: str, word: str) -> str:
    by = BY.get(word.lower())
    if by is None:
        raise ValueError(
            _("“%(word)s” is not a breakdown; use one of %(choices)s.") % {"word": word, "choices": "、".join(BY)}
        )
    metric = metrics.CATALOGUE[key]
    if by not in metrics.breakdowns(metric):
        raise ValueError(
            _("“%(metric)s” (%(key)s) cannot be broken down by %(by)s.")
            % {"metric": metric.label, "key": key, "by": word}
        )
    return by


def _metric(word: str) -> str:
    if word not in metrics.CATALOGUE:
        raise ValueError(
            _("there is no metric “%(key)s” (see the list of metrics beside the text box).") % {"key": word}
        )
    return word


def _words(text: str) -> list[str]:
    words = []
    for word in re.split(r"[\s,，、]+", text.strip()):
        if word.startswith("按") and len(word) > 1:
            words += ["按", word[1:]]
        elif word:
            words.append(word)
    return words


def _table(rest: str) -> TableSpec:
    spec, _bar, title = rest.partition("|")
    keys, by, compare, words = [], None, [], _words(spec)
    while words:
        word = words.pop(0)
        if word.lower() in ("按", "by"):
            if not words:
                raise ValueError(_("say by what after 按, e.g. 按来源地."))
            by = words.pop(0)
        elif word.lower() in COMPARE:
            compare.append(COMPARE[word.lower()])
        else:
            keys.append(_metric(word))
    if not keys:
        raise ValueError(_("name at least one metric, e.g. 表：activities.batches 按类别."))
    if by is not None:
        by = _breakdown(keys[0], by)
        for key in keys[1:]:
            _breakdown(key, BREAKDOWN_WORDS[by][0])
        if compare:
            raise ValueError(_("a table by a breakdown cannot have 同比 or 环比 columns; leave out 按 … for them."))
    return TableSpec(keys, by, list(dict.fromkeys(compare)), title.strip())


def _chart(rest: str) -> ChartSpec:
    spec, _bar, title = rest.partition("|")
    keys, by, kind, words = [], None, "", _words(spec)
    while words:
        word = words.pop(0)
        if word.lower() in ("按", "by"):
            if not words:
                raise ValueError(_("say by what after 按, e.g. 按月份."))
            by = words.pop(0)
        elif word.lower() in CHART_KINDS:
            kind = CHART_KINDS[word.lower()]
        else:
            keys.append(_metric(word))
    if len(keys) != 1 or by is None:
        raise ValueError(_("a chart shows one metric by one breakdown, e.g. 图：activities.person_times 按月份."))
    by = _breakdown(keys[0], by)
    return ChartSpec(keys[0], by, kind or {"month": "line", "region": "pie"}.get(by, "bar"), title.strip())


def parse(title: str, body: str) -> Spec:
    """The template as a Spec; bad lines are refused with one message per line, naming it:
    ValidationError({"title": […], "body": […]})."""
    errors: dict[str, list[str]] = {}
    try:
        placeholders(title)
    except ValueError as error:
        errors["title"] = [str(error)]
    sections = [SectionSpec("")]
    problems = []
    for number, raw in enumerate(body.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("//"):
            continue
        try:
            if line.startswith("#"):
                heading = line.lstrip("#").strip()
                if not heading:
                    raise ValueError(_("a heading needs some words after #."))
                placeholders(heading)
                sections.append(SectionSpec(heading))
                continue
            keyword = LINE.match(to_simplified(line))  # 圖：… 按來源地 餅圖 as 图：… 按来源地 饼图
            kind = KEYWORDS[keyword["word"].lower()] if keyword else "paragraph"
            if kind == "table":
                sections[-1].blocks.append(_table(keyword["rest"]))
            elif kind == "chart":
                sections[-1].blocks.append(_chart(keyword["rest"]))
            elif kind == "empty":
                placeholders(keyword["rest"])
                sections[-1].empty = re.split("[:：]", line, maxsplit=1)[1].strip()  # as written
            else:
                placeholders(line)
                sections[-1].blocks.append(line)
        except ValueError as error:
            problems.append(_("Line %(line)d: %(problem)s") % {"line": number, "problem": error})
    if problems:
        errors["body"] = problems
    elif not any(section.blocks for section in sections):
        errors["body"] = [_("The template says nothing: write at least one paragraph or table.")]
    if errors:
        raise ValidationError(errors)
    return Spec(title, [s for s in sections if s.blocks or s.heading])


# ---------------------------------------------------------------- templates


def default_template() -> BulletinTemplate:
    """The shared default template: the stored one (editable), else the built-in text."""
    stored = BulletinTemplate.objects.filter(unit__isnull=True, name=DEFAULT_NAME).first()
    return stored or BulletinTemplate(name=DEFAULT_NAME, title=DEFAULT_TITLE, body=DEFAULT_BODY)


def ensure_default() -> BulletinTemplate:
    """Store the shared default template on first use, so that it can be edited."""
    found, _created = BulletinTemplate.objects.get_or_create(
        unit=None, name=DEFAULT_NAME, defaults={"title": DEFAULT_TITLE, "body": DEFAULT_BODY}
    )
    return found


def templates_for(user):
    return BulletinTemplate.objects.restrict(user, "view").select_related("unit")


def find_template(user, value) -> BulletinTemplate:
    """A template the user may use, by id or name; refused naming the field `template`."""
    text = str(value).strip()
    visible = templates_for(user)
    found = visible.filter(pk=int(text)).first() if text.isdigit() else None
    found = found or visible.filter(name=text).order_by("unit__path").first()
    if found is None:
        raise ValidationError(
            {"template": _("template: there is no bulletin template “%(value)s” that you may use.") % {"value": text}}
        )
    return found


def may_edit(user, template: BulletinTemplate) -> bool:
    if template.unit_id is None:
        return bool(user.is_superuser)
    return scoping.may(user, EDIT_ACTION, template.unit_id)


def may_add(user) -> bool:
    return scoping.has_any(user, EDIT_ACTION)


def save_template(user, template: BulletinTemplate) -> BulletinTemplate:
    """Check the template's text and the user's right to keep it for its unit, then save it."""
    from qiao.core.services import writing

    parse(template.title, template.body)
    with writing():
        if template.pk is not None:
            stored = BulletinTemplate.objects.select_for_update().filter(pk=template.pk).first()
            if stored is None or not may_edit(user, stored):
                raise PermissionDenied(_("You may not change this bulletin template."))
        if not may_edit(user, template):
            raise PermissionDenied(_("You may not keep bulletin templates for this unit."))
        template.save()
    return template
