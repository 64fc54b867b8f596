"""Synthetic investment projects, service-ledger cases with tasks and actions, and service records at
scale (issue 6), for the benchmarks of the pipeline board, the ledger lists and the reminder scan.

Projects belong to existing organisations (enterprises of the project's origin of capital, mostly
Hong Kong as in the offices' reports), with an industry of the taxonomy, a kind, a planned
investment drawn from a log-normal between 500万元 and 50亿元 and rounded as offices round (to 万元;
large plans to 百万 or 千万), and a stage drawn from a funnel (many leads, fewer signed, about four in
five signed projects in production). Every project goes through the pipeline stage by stage, each
change dated after the one before within the last five years (StageChange rows from the first
lead to the current stage; `signed_on` is the date it reached "signed"); dropped projects keep the
stage they were dropped at and a reason. Landed and producing projects have one to four dated
tranches whose exact sum is `landed_amount`: often exactly the plan, usually less, rarely more (with
a note on the tranche that went above). Some have a referral (an adviser or an association), a
signing activity, related people; the liaison is a member of the owning unit.

Cases (问题台账) concern an organisation, about a third of them one of its projects; categories,
priorities, owners who are members of the owning unit, raised over five years; old cases are
mostly closed or resolved, recent ones open or in progress, and about a fifth of the active ones
are past their due date. Each case has a task list (about five tasks on average, to the owner or a
colleague in the same unit; those of finished cases are done, some of active ones are overdue) and
a timeline of actions with notes. Service records are given by a unit to a person or an
organisation, with the number of people served.

Like `synth.people`, this bypasses the services layer on purpose: no change history, rows written
in bulk with ids chosen here (PostgreSQL: binary COPY; SQLite: executemany), search keys of projects
and cases written through `search.write_keys` exactly as a save writes them. For a large load on
PostgreSQL (as a superuser) the tables' secondary indexes are dropped and built again at the end,
and foreign-key triggers are skipped (the ids come from the database). Deterministic for a seed
and a database state; nothing else may write these tables while it runs.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import decimal
import functools
import itertools
import math
import random
import time
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from qiao import text
from qiao.core import search
from qiao.text.amounts import format_amount

from . import names
from .synth import COUNTRIES, ensure_network

YEARS = 5
WAN = 10_000
BULK_ROWS = 200_000  # from this many rows, a PostgreSQL load drops the secondary indexes first

ORIGINS = (("HK", 55), ("MO", 10), ("TW", 9), ("OVERSEAS", 12), ("MAINLAND", 14))
ORIGIN_WORDS = {"HK": "港资", "MO": "澳资", "TW": "台资", "OVERSEAS": "外资", "MAINLAND": "内资"}
KINDS = (("new", 42), ("expansion", 38), ("fund", 8), ("platform", 12))
# the stage a project is at now: many leads, fewer signed, most signed projects in production
FUNNEL = (
    ("lead", 27),
    ("visited", 16),
    ("negotiating", 11),
    ("signed", 2),
    ("landed", 3),
    ("in_production", 24),
    ("dropped", 17),
)  # production rate (in production ÷ ever signed, projects/services.py): about 80 %, as in the reports
DROPPED_FROM = (("lead", 35), ("visited", 30), ("negotiating", 30), ("signed", 5))
PIPELINE = ["lead", "visited", "negotiating", "signed", "landed", "in_production"]
# days from the previous stage to this one: (shortest, longest)
STEP_DAYS = {
    "visited": (5, 90),
    "negotiating": (10, 150),
    "signed": (20, 270),
    "landed": (20, 365),
    "in_production": (45, 540),
    "dropped": (15, 400),
}
NAME_SUFFIXES = {
    "new": ["生产基地项目", "总部项目", "智能工厂项目", "产业园项目", "研发制造基地项目", "华南区域中心项目"],
    "expansion": ["增资扩产项目", "二期扩产项目", "技改扩产项目", "新增生产线项目", "三期扩建项目"],
    "fund": ["产业投资基金", "股权投资基金", "创业投资基金", "产业引导子基金"],
    "platform": ["研发中心", "联合实验室", "创新研究院", "成果转化平台", "工程技术中心"],
}
DROPPED_REASONS = [
    "投资方战略调整，暂缓在内地布局。",
    "选址未能达成一致，企业转往其他城市落地。",
    "用地指标无法在企业要求的时间内落实。",
    "投资方资金安排出现变化，项目取消。",
    "市场环境变化，企业决定暂停投资计划。",
    "环评要求与项目工艺不符，无法继续推进。",
    "企业与合作方未能就股权结构达成一致。",
]
PROJECT_ROLES = ["投资方代表", "项目联系人", "顾问", "技术负责人", "财务总监"]
OVER_PLAN_NOTE = "投资方追加投资，到位资金超出原计划，已与企业书面确认。"

CATEGORIES = (
    ("land", 16),
    ("approvals", 22),
    ("financing", 12),
    ("talent", 18),
    ("customs", 9),
    ("policy", 17),
    ("other", 6),
)
PRIORITIES = (("low", 15), ("normal", 55), ("high", 22), ("urgent", 8))
DUE_DAYS = {"low": (30, 90), "normal": (14, 60), "high": (7, 30), "urgent": (3, 10)}
CASE_TITLES = {
    "land": ["二期厂房用地指标落实", "工业用地规划调整", "厂房租赁续期", "用地报批进度", "不动产权证办理",
             "标准厂房分配", "宿舍配套用地"],
    "approvals": ["环评审批进度", "施工许可证办理", "消防验收", "项目备案变更", "排污许可证申领",
                  "建设工程规划许可", "危化品经营许可"],
    "financing": ["流动资金贷款对接", "跨境融资额度申请", "产业基金投资对接", "设备融资租赁", "贷款贴息申报",
                  "外债登记", "跨境人民币结算"],
    "talent": ["港籍高管个税补贴申领", "技术工人招聘", "港澳员工社保办理", "人才住房申请", "子女入学安排",
               "高层次人才认定", "港澳青年实习岗位对接"],
    "customs": ["进口设备通关时效", "跨境物流车辆备案", "保税仓库申请", "出口退税办理", "原产地证书办理",
                "港澳车辆入出境指标"],
    "policy": ["增资扩产奖励申报", "高新技术企业认定", "研发费用加计扣除", "港澳青年创业补贴", "专精特新申报",
               "招商引资优惠兑现"],
    "other": ["周边道路交通配套", "员工通勤班车线路", "厂区供电扩容", "互联网专线开通", "知识产权纠纷协调",
              "厂区周边治安"],
}  # fmt: skip
TITLE_ENDS = ["问题", "事宜", "", "", "诉求"]
DEPARTMENTS = {
    "land": ["自然资源局", "住建局", "园区管委会"],
    "approvals": ["生态环境局", "住建局", "发改局", "应急管理局", "政务服务数据管理局"],
    "financing": ["金融工作局", "人民银行惠州市分行", "合作银行", "国资委"],
    "talent": ["人社局", "教育局", "税务局", "住房公积金中心"],
    "customs": ["惠州海关", "口岸办", "商务局", "税务局"],
    "policy": ["商务局", "工信局", "科技局", "港澳事务局"],
    "other": ["交通运输局", "供电局", "工信局", "公安分局"],
}
TASK_TEMPLATES = [
    "联系企业了解{title}详细情况",
    "收集企业申报材料",
    "现场走访核实",
    "向{dept}发函商请办理",
    "跟进{dept}办理进度",
    "协调{dept}召开专题协调会",
    "向企业反馈{dept}意见",
    "指导企业补充完善材料",
    "回访企业确认问题解决",
    "在问题台账中更新办理情况",
]
ACTION_KINDS = (("call", 30), ("visit", 18), ("meeting", 14), ("reply", 16), ("message", 14), ("note", 8))
ACTION_NOTES = {
    "call": ["电话联系企业负责人，了解{title}最新进展。", "与{dept}经办人电话沟通，对方表示正在审核。"],
    "visit": ["走访企业，现场查看{title}相关情况，企业提出希望加快办理。", "会同{dept}到企业现场办公。"],
    "meeting": ["组织{dept}与企业召开协调会，明确办理时限和责任人。", "参加{dept}专题会议，研究{title}解决方案。"],
    "reply": ["{dept}书面回复：已受理，预计十五个工作日内办结。", "{dept}回复需企业补充材料，已转告企业。"],
    "message": ["微信告知企业所需补充材料清单。", "向企业发送{dept}办事指南及联系人。"],
    "note": ["已录入问题台账，持续跟踪。", "企业表示满意，问题已解决。"],
}  # fmt: skip
STATUS_NOTES = {
    "resolved": ["经协调，{dept}已办结，企业确认。", "已协助企业完成办理。", "问题已解决，企业表示满意。"],
    "closed": ["经协调，{dept}已办结，企业确认。", "已协助企业办结，回访满意，予以销号。", "问题已解决，台账销号。"],
    "cannot_resolve": ["受上级政策限制，暂无法解决，已向企业解释。", "企业需求超出现行政策范围，已报上级研究。"],
}  # fmt: skip
RAISED_TITLES = ["先生", "女士", "经理", "总", "主管", "董事长"]
HK_TITLES = ["先生", "小姐", "生", "經理"]
SERVICE_SUMMARIES = {
    "policy-consultation": "解答港澳青年就业创业补贴及人才政策咨询。",
    "government-service": "协助办理跨境政务服务事项（“跨境通办”）。",
    "visit": "走访企业，了解生产经营情况和困难诉求。",
    "matchmaking": "组织供需对接，推荐合作企业。",
    "employment": "提供就业创业指导，推荐实习岗位。",
    "housing": "协助申请人才住房及租房补贴。",
    "schooling": "协助港澳子女办理入学手续。",
    "legal": "提供跨境商事法律咨询。",
    "financing": "对接合作银行，介绍跨境融资产品。",
    "other": "其他服务事项。",
}
HOURS = range(9, 18)


# ---------------------------------------------------------------------------------------------------------
# Writing rows in bulk, with ids chosen here


def _pg_type(field: models.Field) -> str:
    """The PostgreSQL type name binary COPY needs for a column."""
    kind = field.db_type(connection).split("(")[0].strip().lower()
    return {
        "bigint": "int8",
        "integer": "int4",
        "smallint": "int2",
        "varchar": "varchar",
        "text": "text",
        "date": "date",
        "timestamp with time zone": "timestamptz",
        "numeric": "numeric",
        "boolean": "bool",
        "jsonb": "jsonb",
    }[kind]


class _Table:
    """Rows of one model's table given as tuples in `columns` order (attribute names, the id first).
    Columns not given are written with the field's default (or NULL), the same for every row."""

    def __init__(self, model: type[models.Model], columns: Iterable[str]):
        self.model = model
        self.fields = [model._meta.get_field(name) for name in columns]
        given = {f.attname for f in self.fields}
        self.constants = []
        for f in model._meta.concrete_fields:
            if f.attname in given:
                continue
            if not f.null or f.has_default():
                self.constants.append((f, f.get_default()))
        self.next_id = (model._base_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1
        self.written = 0

    def ids(self, count: int) -> range:
        """Reserve `count` ids (written by `write`)."""
        start = self.next_id
        self.next_id += count
        return range(start, start + count)

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        fields = self.fields + [f for f, _value in self.constants]
        extra = tuple(value for _f, value in self.constants)
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        if connection.vendor == "postgresql":
            with (
                search.server_cursor() as cursor,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy,
            ):
                copy.set_types([_pg_type(f) for f in fields])
                write = copy.write_row
                if extra:
                    for row in rows:
                        write(row + extra)
                else:
                    for row in rows:
                        write(row)
        else:
            prepared = [
                tuple(f.get_db_prep_save(value, connection) for f, value in zip(fields, row + extra, strict=True))
                for row in rows
            ]
            marks = ", ".join(["%s"] * len(fields))
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", prepared)
        self.written += len(rows)


def _reset_sequences(*model_list) -> None:
    """Make the next id the database gives after the highest written here (PostgreSQL)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(model_list)):
            cursor.execute(sql)


@contextlib.contextmanager
def _bulk_load(tables: list[str], rows: int, progress):
    """Yields whether the load may skip foreign-key triggers (PostgreSQL superuser); for a large
    load there, the tables' secondary indexes are dropped first and built again at the end."""
    from .synth_activities import _superuser, _without_secondary_indexes

    bulk = connection.vendor == "postgresql" and _superuser()
    with contextlib.ExitStack() as stack:
        if bulk and rows >= BULK_ROWS:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT conindid::regclass::text FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) "
                    "AND contype IN ('p', 'u')",
                    [tables],
                )
                keep = tuple(name for (name,) in cursor.fetchall())
            for table in tables:
                stack.enter_context(_without_secondary_indexes(table, keep))
            if progress:
                progress(f"{', '.join(tables)}: secondary indexes dropped for the load, built again at the end")
        yield bulk
        if progress and bulk and rows >= BULK_ROWS:
            progress("building the indexes again")


def _skip_triggers(bulk: bool) -> None:
    if bulk:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")


# ---------------------------------------------------------------------------------------------------------
# Shared helpers


def _weighted(pairs) -> tuple[list, list]:
    values = [value for value, _weight in pairs]
    return values, list(itertools.accumulate(weight for _value, weight in pairs))


def _draw(rng: random.Random, table: tuple[list, list]):
    values, cumulative = table
    return values[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


def _moment_factory():
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)

    def moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(rng.choice(HOURS), rng.randrange(60)), tzinfo=zone)

    return moment


def _staff(units: list, rng: random.Random, per_unit: int = 8) -> dict[int, list[int]]:
    """Users who are members (staff or manager) of each unit; units with fewer than three get
    synthetic users up to `per_unit` (one of them a manager), named like people of the region."""
    from qiao.core.models import Membership, User

    members: dict[int, list[int]] = defaultdict(list)
    for user, unit in (
        Membership.objects.filter(role__in=["staff", "manager", "admin"], user__is_active=True)
        .order_by("unit_id", "user_id")
        .values_list("user_id", "unit_id")
    ):
        members[unit].append(user)
    missing = [(unit, per_unit - len(members[unit.pk])) for unit in units if len(members[unit.pk]) < 3]
    if missing:
        with transaction.atomic():
            taken = set(User.objects.filter(username__startswith="synth-").values_list("username", flat=True))
            new_users, roles = [], []
            for unit, count in missing:
                for index in range(count):
                    username = f"synth-{unit.pk}-{index + 1}"
                    if username in taken:
                        continue
                    surname, given = rng.choice(names.SURNAMES), rng.choice(names.GIVEN)
                    new_users.append(
                        User(username=username, password="!", display_name=surname[4] + given[4], is_active=True)
                    )
                    roles.append((unit.pk, "manager" if index == 0 else "staff"))
            created = User.objects.bulk_create(new_users, batch_size=1000)
            if created and created[0].pk is None:  # backends without RETURNING: read the ids back
                by_name = dict(
                    User.objects.filter(username__in=[u.username for u in created]).values_list("username", "pk")
                )
                for user in created:
                    user.pk = by_name[user.username]
            Membership.objects.bulk_create(
                [
                    Membership(user_id=u.pk, unit_id=unit, role=role)
                    for u, (unit, role) in zip(created, roles, strict=True)
                ]
            )
            for user, (unit, _role) in zip(created, roles, strict=True):
                members[unit].append(user.pk)
    return {unit.pk: members[unit.pk] for unit in units}


def _unit_weights(units) -> tuple[list, list]:
    """Owning units: bases most, offices and workstations less, the centre least."""
    weight = {"centre": 0.3, "base": 1.0, "office": 0.6, "workstation": 0.6}
    return _weighted([(unit.pk, weight.get(unit.kind, 0.5)) for unit in units])


def _past_day(rng: random.Random, today: datetime.date, *, years: int = YEARS) -> datetime.date:
    """A day in the last `years` years, more often recent: offices record more every year, the
    latest days 2.5 times as many as the first (a uniform and a triangular draw mixed)."""
    share = rng.random() if rng.random() < 0.571 else 1 - math.sqrt(rng.random())
    return today - datetime.timedelta(days=int(share * (365 * years - 1)))


def _round_plan(yuan: float) -> int:
    """Round a planned investment as offices write it: to 万元, large plans to 百万 or 千万."""
    step = 10**7 if yuan >= 10**9 else 10**6 if yuan >= 10**8 else 10**5 if yuan >= 10**7 else WAN
    return max(int(round(yuan / step)) * step, WAN)


def planned_amount(rng: random.Random) -> decimal.Decimal:
    """A planned investment: log-normal around 1.5亿元, between 500万元 and 50亿元, in whole 万元."""
    value = math.exp(rng.gauss(math.log(1.5e8), 1.1))
    value = min(max(value, 5e6), 5e9)
    return decimal.Decimal(_round_plan(value))


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` yuan (a multiple of 万) in `parts` positive amounts of whole 万元 adding up to it."""
    units = total // WAN
    parts = max(1, min(parts, units))
    cuts = sorted(rng.sample(range(1, units), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, units]
    return [(bounds[i + 1] - bounds[i]) * WAN for i in range(parts)]


@functools.cache
def _brand(name: str) -> str:
    """The short name an office uses for an investor: "香港創新智能新能源有限公司000123" → "香港创新智能"."""
    short = name.rstrip("0123456789")
    for suffix in ("股份有限公司", "科技有限公司", "私人有限公司", "有限公司", "集团", "集團"):
        short = short.removesuffix(suffix)
    short = text.to_simplified(short)
    return short[:6] if len(short) > 8 else short


def _taxonomy() -> list[tuple[int, str]]:
    from qiao.matching.defaults import ensure
    from qiao.matching.models import Field

    if not Field.objects.exists():
        ensure()
    return list(Field.objects.order_by("path").values_list("pk", "name"))


def _keys(model, content_type_id: int, named: dict[int, str]) -> None:
    """Search keys of new records, exactly as a save writes them (`model.search_keys()`)."""
    field = model.search_fields[0]
    cache: dict[str, dict] = {}
    keys = {}
    for pk, value in named.items():
        if value not in cache:
            cache[value] = model(**{field: value}).search_keys()
        keys[pk] = cache[value]
    search.write_keys(content_type_id, keys)


# ---------------------------------------------------------------------------------------------------------
# Projects

PROJECT_COLUMNS = (
    "id", "unit_id", "name", "investor_id", "origin", "origin_country", "industry_id", "kind", "description",
    "planned_amount", "landed_amount", "referral_person_id", "referral_organization_id", "signing_activity_id",
    "liaison_id", "stage", "stage_on", "signed_on", "dropped_from", "dropped_reason", "created", "updated",
    "deleted_at",
)  # fmt: skip
CHANGE_COLUMNS = ("id", "project_id", "from_stage", "to_stage", "on", "note", "by_id", "recorded_at")
TRANCHE_COLUMNS = ("id", "project_id", "on", "amount", "note", "by_id", "created", "updated")
PROJECT_PERSON_COLUMNS = ("id", "project_id", "person_id", "role")


class _ProjectContext:
    def __init__(self, rng, today):
        from qiao.activities.models import Activity
        from qiao.orgs.models import Organization
        from qiao.people.models import Person

        self.rng, self.today = rng, today
        self.units = ensure_network()
        self.staff = _staff(self.units, rng)
        self.unit_table = _unit_weights(self.units)
        orgs = list(
            Organization.objects.order_by("pk").values_list("pk", "unit_id", "region", "kind", "name")
        )  # alive ones (the default manager)
        if not orgs:
            from .synth import organizations

            organizations(50, seed=rng.randrange(10**6))
            orgs = list(Organization.objects.order_by("pk").values_list("pk", "unit_id", "region", "kind", "name"))
        self.investors: dict[str, list] = defaultdict(list)
        for pk, unit, region, kind, name in orgs:
            if kind == "enterprise":
                self.investors[region].append((pk, unit, name))
        everyone = [(pk, unit, name) for pk, unit, _r, _k, name in orgs]
        for region, _weight in ORIGINS:
            self.investors[region] = self.investors[region] or everyone
        self.associations = [pk for pk, _u, _r, kind, _n in orgs if kind == "association"][:5000]
        self.people = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:50_000])
        self.fields = _taxonomy()
        self.activities = sorted(
            (day, pk) for pk, day in Activity.objects.order_by("pk").values_list("pk", "start_date")[:20_000]
        )
        self.activity_days = [day for day, _pk in self.activities]
        self.origins = _weighted(ORIGINS)
        self.kinds = _weighted(KINDS)
        self.funnel = _weighted(FUNNEL)
        self.dropped_from = _weighted(DROPPED_FROM)
        self.moment = _moment_factory()


def projects(
    count: int,
    *,
    seed: int = 1,
    batch: int = 5000,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Add `count` projects with their stage changes, tranches and related people. Returns how many."""
    from qiao.projects.models import Project, ProjectPerson, StageChange, Tranche

    rng = random.Random(seed * 7919 + 11)
    today = today or timezone.localdate()
    context = _ProjectContext(rng, today)
    tables = {
        "project": _Table(Project, PROJECT_COLUMNS),
        "change": _Table(StageChange, CHANGE_COLUMNS),
        "tranche": _Table(Tranche, TRANCHE_COLUMNS),
        "person": _Table(ProjectPerson, PROJECT_PERSON_COLUMNS),
    }
    content_type = ContentType.objects.get_for_model(Project).pk
    names_ = [t.model._meta.db_table for t in tables.values()]
    started, done = time.monotonic(), 0
    with _bulk_load(names_, count * 5, progress) as bulk:
        while done < count:
            size = min(batch, count - done)
            rows = _project_rows(context, tables, size)
            with transaction.atomic():
                _skip_triggers(bulk)
                for key, table in tables.items():
                    table.write(rows[key])
                _keys(Project, content_type, {row[0]: row[2] for row in rows["project"]})
            done += size
            if progress:
                rate = done / max(time.monotonic() - started, 1e-6)
                progress(f"projects: {done:,}/{count:,} ({rate:,.0f}/s)")
    _reset_sequences(*(t.model for t in tables.values()))
    return done


def _project_rows(context: _ProjectContext, tables: dict[str, _Table], size: int) -> dict[str, list]:
    rng, today, moment = context.rng, context.today, context.moment
    rows = {"project": [], "change": [], "tranche": [], "person": []}
    for pk in tables["project"].ids(size):
        origin = _draw(rng, context.origins)
        investor, investor_unit, investor_name = rng.choice(context.investors[origin])
        kind = _draw(rng, context.kinds)
        field, field_name = rng.choice(context.fields) if context.fields else (None, "")
        unit = investor_unit if rng.random() < 0.6 else _draw(rng, context.unit_table)
        staff = context.staff.get(unit) or []
        liaison = rng.choice(staff) if staff and rng.random() < 0.9 else None
        final = _draw(rng, context.funnel)
        if final == "dropped":
            dropped_from = _draw(rng, context.dropped_from)
            path = PIPELINE[: PIPELINE.index(dropped_from) + 1] + ["dropped"]
        else:
            dropped_from = ""
            path = PIPELINE[: PIPELINE.index(final) + 1]
        steps = [rng.randint(*STEP_DAYS[stage]) for stage in path[1:]]
        span = 365 * YEARS - 1
        if sum(steps) > span:
            steps = [max(1, step * span // sum(steps)) for step in steps]
        # early stages are mostly recent; a project in production began years ago
        slack = span - sum(steps)
        recent = rng.random() ** (1.6 if len(path) < 3 else 1.0)
        start = today - datetime.timedelta(days=sum(steps) + int(recent * slack))
        days = [start]
        for step in steps:
            days.append(days[-1] + datetime.timedelta(days=step))
        signed_on = days[path.index("signed")] if "signed" in path else None
        plan = planned_amount(rng) if final in ("landed", "in_production") or rng.random() < 0.9 else None
        landed = 0
        if final in ("landed", "in_production") and plan is not None:
            landed = _tranches(rng, rows["tranche"], tables["tranche"], pk, int(plan), final, days, today, liaison,
                               moment)  # fmt: skip
        brand = _brand(investor_name)
        name = f"{brand}{field_name}{rng.choice(NAME_SUFFIXES[kind])}"[:200]
        what = NAME_SUFFIXES[kind][0].removesuffix("项目")
        description = f"{ORIGIN_WORDS[origin]}企业{brand}拟投资建设{field_name}{what}" + (
            f"，计划总投资{format_amount(plan, 'yi' if plan >= 10**8 else 'wan')}。" if plan else "。"
        )
        referral_person = rng.choice(context.people) if context.people and rng.random() < 0.15 else None
        referral_org = rng.choice(context.associations) if context.associations and rng.random() < 0.2 else None
        activity = None
        if signed_on and context.activities and rng.random() < 0.3:
            at = bisect.bisect_right(context.activity_days, signed_on) - 1
            if at >= 0 and (signed_on - context.activity_days[at]).days <= 60:
                activity = context.activities[at][1]
        created = moment(days[0], rng)
        rows["project"].append(
            (pk, unit, name, investor, origin, rng.choice(COUNTRIES) if origin == "OVERSEAS" else "", field, kind,
             description, plan, decimal.Decimal(landed), referral_person, referral_org, activity, liaison, path[-1],
             days[-1], signed_on, dropped_from, rng.choice(DROPPED_REASONS) if dropped_from else "", created,
             max(created, moment(days[-1], rng)), None)
        )  # fmt: skip
        previous = ""
        for stage, day in zip(path, days, strict=True):
            rows["change"].append((0, pk, previous, stage, day, "", liaison, moment(day, rng)))
            previous = stage
        if context.people and rng.random() < 0.25:
            for person in set(rng.sample(context.people, min(len(context.people), rng.choice((1, 1, 2))))):
                rows["person"].append((0, pk, person, rng.choice(PROJECT_ROLES)))
    for key in ("change", "person"):
        ids = tables[key].ids(len(rows[key]))
        rows[key] = [(pk, *row[1:]) for pk, row in zip(ids, rows[key], strict=True)]
    return rows


def _tranches(rng, rows, table, project, plan, final, days, today, liaison, moment) -> int:
    """Add the tranches of a landed or producing project; returns their sum (the landed amount)."""
    draw = rng.random()
    if final == "in_production":
        ratio = 1.0 if draw < 0.62 else rng.uniform(1.01, 1.15) if draw > 0.95 else rng.uniform(0.5, 0.99)
    else:
        ratio = 1.0 if draw < 0.25 else rng.uniform(1.01, 1.1) if draw > 0.97 else rng.uniform(0.2, 0.95)
    total = plan if ratio == 1.0 else max(WAN, int(round(plan * ratio / WAN)) * WAN)
    if ratio > 1 and total <= plan:
        total = plan + WAN
    if ratio < 1 and total >= plan:
        total = max(WAN, plan - WAN)
    first = days[PIPELINE.index("landed")]
    amounts = _split(rng, total, rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0])
    room = max((today - first).days, 0)
    offsets = sorted([0] + [rng.randint(0, room) for _ in amounts[1:]])
    running = 0
    for amount, offset in zip(amounts, offsets, strict=True):
        day = first + datetime.timedelta(days=offset)
        note = OVER_PLAN_NOTE if running <= plan < running + amount else ""
        running += amount
        stamp = moment(day, rng)
        rows.append((table.ids(1)[0], project, day, decimal.Decimal(amount), note, liaison, stamp, stamp))
    return total


# ---------------------------------------------------------------------------------------------------------
# Cases, tasks and actions

CASE_COLUMNS = (
    "id", "unit_id", "organization_id", "project_id", "category", "title", "description", "raised_by_id",
    "raised_by_name", "raised_on", "priority", "owner_id", "due_date", "status", "status_note", "resolved_on",
    "closed_on", "source", "created", "updated", "deleted_at",
)  # fmt: skip
TASK_COLUMNS = ("id", "case_id", "title", "assignee_id", "due_date", "done", "done_at", "done_by_id", "created",
                "updated")  # fmt: skip
ACTION_COLUMNS = ("id", "case_id", "kind", "on", "note", "attachment", "attachment_name", "by_id", "recorded_at")


def _spread(rng: random.Random, items: int, total: int) -> list[int]:
    """How many of `total` things each of `items` gets: each thing to an item drawn at random
    (a Poisson-like spread, exact total)."""
    counts = [0] * items
    if items:
        for index in rng.choices(range(items), k=total):
            counts[index] += 1
    return counts


def _active_share(age: int) -> float:
    """The share of cases raised `age` days ago that are still open or in progress."""
    if age < 30:
        return 0.85
    if age < 90:
        return 0.45
    if age < 180:
        return 0.15
    if age < 365:
        return 0.03
    return 0.004


class _CaseContext:
    def __init__(self, rng, today):
        from qiao.orgs.models import Organization
        from qiao.people.models import Person
        from qiao.projects.models import Project

        self.rng, self.today = rng, today
        self.units = ensure_network()
        self.staff = _staff(self.units, rng)
        self.unit_table = _unit_weights(self.units)
        self.orgs = list(Organization.objects.order_by("pk").values_list("pk", "unit_id"))
        if not self.orgs:
            from .synth import organizations

            organizations(50, seed=rng.randrange(10**6))
            self.orgs = list(Organization.objects.order_by("pk").values_list("pk", "unit_id"))
        self.projects = list(Project.objects.order_by("pk").values_list("pk", "investor_id", "unit_id", "created"))
        self.people = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:50_000])
        self.categories = _weighted(CATEGORIES)
        self.priorities = _weighted(PRIORITIES)
        self.action_kinds = _weighted(ACTION_KINDS)
        self.moment = _moment_factory()
        self.local = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def cases(
    count: int,
    *,
    tasks: int | None = None,
    actions: int | None = None,
    seed: int = 1,
    batch: int = 10_000,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Add `count` cases with `tasks` tasks in all (5 per case when not given) and `actions` actions
    (2 per case when not given). Returns the numbers written."""
    from qiao.ledger.models import Case, CaseAction, CaseTask

    rng = random.Random(seed * 7919 + 13)
    today = today or timezone.localdate()
    context = _CaseContext(rng, today)
    tasks = 5 * count if tasks is None else tasks
    actions = 2 * count if actions is None else actions
    task_counts = _spread(rng, count, tasks)
    action_counts = _spread(rng, count, actions)
    tables = {
        "case": _Table(Case, CASE_COLUMNS),
        "task": _Table(CaseTask, TASK_COLUMNS),
        "action": _Table(CaseAction, ACTION_COLUMNS),
    }
    content_type = ContentType.objects.get_for_model(Case).pk
    names_ = [t.model._meta.db_table for t in tables.values()]
    started, done = time.monotonic(), 0
    with _bulk_load(names_, count + tasks + actions, progress) as bulk:
        while done < count:
            size = min(batch, count - done)
            rows = _case_rows(context, tables, task_counts[done : done + size], action_counts[done : done + size])
            with transaction.atomic():
                _skip_triggers(bulk)
                for key, table in tables.items():
                    table.write(rows[key])
                _keys(Case, content_type, {row[0]: row[5] for row in rows["case"]})
            done += size
            if progress:
                rate = done / max(time.monotonic() - started, 1e-6)
                progress(
                    f"cases: {done:,}/{count:,} ({rate:,.0f}/s); tasks: {tables['task'].written:,}; "
                    f"actions: {tables['action'].written:,}"
                )
    _reset_sequences(*(t.model for t in tables.values()))
    if bulk:  # the load skipped the triggers that keep the case tally exact: count again
        from qiao.ledger import tally

        tally.rebuild()
    return {"cases": done, "tasks": tables["task"].written, "actions": tables["action"].written}


def _raised_by(rng: random.Random, people: list[int]) -> tuple[int | None, str]:
    draw = rng.random()
    if people and draw < 0.15:
        return rng.choice(people), ""
    if draw < 0.6:
        surname = rng.choice(names.SURNAMES)
        if rng.random() < 0.4:  # Hong Kong managers, as they sign
            return None, surname[0] + rng.choice(HK_TITLES)
        return None, surname[4] + rng.choice(RAISED_TITLES)
    return None, ""


def _case_rows(context: _CaseContext, tables, task_counts: list[int], action_counts: list[int]) -> dict[str, list]:
    rng, today, moment = context.rng, context.today, context.moment
    rows = {"case": [], "task": [], "action": []}
    for pk, n_tasks, n_actions in zip(tables["case"].ids(len(task_counts)), task_counts, action_counts, strict=True):
        raised = _past_day(rng, today)
        project = None
        if context.projects and rng.random() < 0.35:
            project, org, unit, project_created = rng.choice(context.projects)
            start = timezone.localtime(project_created, context.local).date()
            if raised < start:
                raised = start + datetime.timedelta(days=rng.randint(0, max((today - start).days, 0)))
        else:
            org, unit = rng.choice(context.orgs)
            if rng.random() < 0.3:
                unit = _draw(rng, context.unit_table)
        staff = context.staff.get(unit) or []
        owner = rng.choice(staff) if staff and rng.random() < 0.96 else None
        category = _draw(rng, context.categories)
        priority = _draw(rng, context.priorities)
        subject = rng.choice(CASE_TITLES[category])
        title = subject + rng.choice(TITLE_ENDS)
        dept = rng.choice(DEPARTMENTS[category])
        age = (today - raised).days
        active = rng.random() < _active_share(age)
        due = None
        if rng.random() < 0.92:
            low, high = DUE_DAYS[priority]
            due = raised + datetime.timedelta(days=rng.randint(low, high))
            if active and due < today and rng.random() < 0.65:
                # the due date of most cases still being worked on was set, or pushed, ahead
                due = max(today + datetime.timedelta(days=rng.randint(0, 45)), raised)
        resolved_on = closed_on = None
        note = ""
        if active:
            status = "open" if age < 7 and rng.random() < 0.6 or rng.random() < 0.3 else "in_progress"
            end = today
        else:
            recent = age < 120
            draw = rng.random()
            status = "cannot_resolve" if draw < 0.06 else "resolved" if draw < (0.3 if recent else 0.1) else "closed"
            took = rng.randint(2, max(3, min(age, (due - raised).days + 30 if due else 90)))
            end = min(raised + datetime.timedelta(days=took), today)
            if status != "cannot_resolve":  # as ledger.services.set_status: a reason, no dates
                resolved_on = end
            if status == "closed":
                closed_on = min(end + datetime.timedelta(days=rng.choice((0, 0, 1, 3, 7))), today)
                end = closed_on
            note = rng.choice(STATUS_NOTES[status]).format(dept=dept)
        raised_by, raised_by_name = _raised_by(rng, context.people)
        created = touched = moment(raised, rng)
        task_end = due or raised + datetime.timedelta(days=30)
        for index in range(n_tasks):
            template = TASK_TEMPLATES[min(index, len(TASK_TEMPLATES) - 1) if index < 3 else rng.randrange(3, 10)]
            task_due = raised + datetime.timedelta(days=rng.randint(1, max(1, (task_end - raised).days)))
            assignee = owner if owner and rng.random() < 0.6 else (rng.choice(staff) if staff else None)
            done = rng.random() < (0.8 if task_due < today else 0.25) if active else True  # finished: all done
            done_at = done_by = None
            if done:
                last = min(end, today, task_due + datetime.timedelta(days=10))
                done_day = raised + datetime.timedelta(days=rng.randint(0, max((last - raised).days, 0)))
                done_at = moment(done_day, rng)
                done_by = assignee or owner
                touched = max(touched, done_at)
            rows["task"].append(
                (0, pk, template.format(title=subject, dept=dept), assignee, task_due, done, done_at, done_by, created,
                 done_at or created)
            )  # fmt: skip
        span = max((end - raised).days, 0)
        for _index in range(n_actions):
            kind = _draw(rng, context.action_kinds)
            on = raised + datetime.timedelta(days=rng.randint(0, span))
            recorded = moment(on, rng)
            touched = max(touched, recorded)
            rows["action"].append(
                (0, pk, kind, on, rng.choice(ACTION_NOTES[kind]).format(title=subject, dept=dept), "", "",
                 owner, recorded)
            )  # fmt: skip
        # last changed: when it was resolved or closed, else its last task done or action recorded
        updated = touched if active else max(touched, moment(end, rng))
        rows["case"].append(
            (pk, unit, org, project, category, title,
             f"企业反映{subject}方面的困难，需{dept}协助办理，希望尽快解决。", raised_by, raised_by_name, raised,
             priority, owner, due, status, note, resolved_on, closed_on, "public" if rng.random() < 0.08 else "staff",
             created, updated, None)
        )  # fmt: skip
    for key in ("task", "action"):
        ids = tables[key].ids(len(rows[key]))
        rows[key] = [(pk, *row[1:]) for pk, row in zip(ids, rows[key], strict=True)]
    return rows


# ---------------------------------------------------------------------------------------------------------
# Service records

SERVICE_COLUMNS = (
    "id", "unit_id", "kind_id", "on", "person_id", "organization_id", "people_served", "summary", "case_id", "by_id",
    "created", "updated", "deleted_at",
)  # fmt: skip


def services(
    count: int,
    *,
    seed: int = 1,
    batch: int = 20_000,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Add `count` service records to existing people and organisations (a tenth of those to
    organisations about one of their cases). Returns how many."""
    from qiao.ledger.defaults import ensure
    from qiao.ledger.models import Case, ServiceKind, ServiceRecord
    from qiao.orgs.models import Organization
    from qiao.people.models import Person

    rng = random.Random(seed * 7919 + 17)
    today = today or timezone.localdate()
    ensure()
    units = ensure_network()
    staff = _staff(units, rng)
    kinds = list(ServiceKind.objects.order_by("position", "pk").values_list("pk", "code"))
    kind_weights = _weighted([(kind, 1 / (rank + 1.5)) for rank, kind in enumerate(kinds)])
    people = list(Person.objects.order_by("pk").values_list("pk", "unit_id")[:200_000])
    orgs = list(Organization.objects.order_by("pk").values_list("pk", "unit_id")[:200_000])
    some_cases = list(Case.objects.order_by("pk").values_list("pk", "organization_id", "unit_id")[:100_000])
    if not people and not orgs:
        return 0
    unit_table = _unit_weights(units)
    moment = _moment_factory()
    table = _Table(ServiceRecord, SERVICE_COLUMNS)
    started, done = time.monotonic(), 0
    with _bulk_load([ServiceRecord._meta.db_table], count, progress) as bulk:
        while done < count:
            size = min(batch, count - done)
            rows = []
            for pk in table.ids(size):
                kind, code = _draw(rng, kind_weights)
                on = _past_day(rng, today)
                person = org = case = None
                if people and (not orgs or rng.random() < 0.6):
                    person, unit = rng.choice(people)
                    served = 1 if rng.random() < 0.8 else rng.randint(2, 4)  # with family
                else:
                    if some_cases and rng.random() < 0.1:
                        case, org, unit = rng.choice(some_cases)
                    else:
                        org, unit = rng.choice(orgs)
                    served = max(1, min(int(rng.lognormvariate(1.8, 1.0)), 300))
                if rng.random() < 0.25:
                    unit = _draw(rng, unit_table)
                members = staff.get(unit) or []
                stamp = moment(on, rng)
                rows.append(
                    (pk, unit, kind, on, person, org, served, SERVICE_SUMMARIES.get(code, ""), case,
                     rng.choice(members) if members else None, stamp, stamp, None)
                )  # fmt: skip
            with transaction.atomic():
                _skip_triggers(bulk)
                table.write(rows)
            done += size
            if progress:
                rate = done / max(time.monotonic() - started, 1e-6)
                progress(f"service records: {done:,}/{count:,} ({rate:,.0f}/s)")
    _reset_sequences(ServiceRecord)
    return done
