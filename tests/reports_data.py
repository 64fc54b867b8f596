"""A small network whose every figure is counted by hand, for the tests of the metric catalogue
(tests/test_reports_metrics.py, tests/test_reports_api.py).

The period counted is 1 November 2025 to 31 January 2026 (PERIOD, across a year boundary). For every
metric there is a record on its first day (FIRST) and its last day (LAST), one on the day before
(BEFORE) and one on the day after (AFTER); the timestamps of the records dated by the moment they
were recorded sit near midnight in the offices' time zone (Asia/Shanghai), where the day in UTC is
another. Its comparisons: the same days a year earlier (LAST_YEAR) and the 92 days before (PREVIOUS).

The network: the centre, base A with its office A1, base B and the Hong Kong workstation (nothing).

People (region, unit):
    hk1  陳大文   HK  A    attends X1 and X2 as a speaker; added on FIRST
    hk2           HK  B    attends X4 and X3 as a speaker
    mo            MO  A    attends X1 (and XD, in the trash); added on BEFORE
    tw            TW  B    absent from X1, attends X3; added on LAST
    os            OVERSEAS A1  attends X2; added on AFTER
    ml            MAINLAND A   the intern of IB
    old           (none) A  came last year (LY), attends X1: no first-timer
    moved         TW  B    came to base B before (B0), attends X1 in base A: new to A, not to the centre
    dup1, dup2    HK  A    one person recorded twice, both on X2's list, dup2 also at LY; merged into dup1
    edge          HK  A    speaker at E- (BEFORE) and E+ (AFTER) only
    gone          TW  A    cancelled at X1, attended XD only (in the trash): counted nowhere
    waiting       MO  A    registered at X1, never came
    intern_b/3/4/5         interns of IB0 (base B's batch, September 2025)
    trash               A  added in December, then deleted

Activities (unit, day, kind; attended participations):
    LY   A   2024-12-10 exchange-visit  old, dup2           E-  A  BEFORE  talk 学长说 #1  edge
    B0   B   2025-08-20 exchange-visit  moved               X1  A  FIRST   talk #2  hk1 mo old moved
    IB0  B   2025-09-01 internship      intern_b/3/4/5      IB  A  11-10   internship  ml
    X4   B   2025-12-01 exchange-visit  hk2                 X2  A1 12-15   talk #3  hk1 os dup1 (+dup2)
    XD   A   2025-12-20 (in the trash)  mo gone             X3  B  LAST    talk #4  hk2 tw
    E+   A   AFTER      talk #5         edge

The other records are listed in `build()`; EXPECTED holds what each metric counts.
"""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal
from types import SimpleNamespace

from qiao.reports.periods import Period

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
M = 1_000_000  # yuan

FIRST, LAST = D(2025, 11, 1), D(2026, 1, 31)
BEFORE, AFTER = D(2025, 10, 31), D(2026, 2, 1)
PERIOD = Period(FIRST, LAST)
LAST_YEAR = Period(D(2024, 11, 1), D(2025, 1, 31))
PREVIOUS = Period(D(2025, 8, 1), BEFORE)
TODAY = D(2026, 3, 31)  # the day the snapshot figures (cases overdue) are read in the metric tests


def local(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


# ---------------------------------------------------------------- the hand counts

EXPECTED_COLUMNS = ("total", "a", "b", "first", "last", "before", "after", "last_year", "previous")


def _row(total, a, b, first, last, before, after, last_year, previous) -> dict:
    return dict(zip(EXPECTED_COLUMNS, (total, a, b, first, last, before, after, last_year, previous), strict=True))


def _pct(text):
    return None if text is None else Decimal(text)


# per metric: the total for PERIOD of the whole network, of base A (with A1) and of base B; the
# totals of the single days FIRST, LAST, BEFORE and AFTER; the totals of LAST_YEAR and PREVIOUS
EXPECTED = {
    # X1 IB X2 X4 X3; A: X1 IB X2; B: X4 X3; previous: B0 IB0 E-
    "activities.batches": _row(5, 3, 2, 1, 1, 1, 1, 1, 3),
    # X1 4, IB 1, X2 3 (dup1 and dup2 are one), X4 1, X3 2; previous: B0 1, IB0 4, E- 1
    "activities.person_times": _row(11, 8, 3, 4, 2, 1, 1, 2, 6),
    # hk1 mo old moved ml os dup1 | hk2 tw
    "activities.people": _row(9, 7, 2, 4, 2, 1, 1, 2, 6),
    # not old (LY), dup1 (LY as dup2), moved (B0): 6; in A moved is new: 5; FIRST: hk1 mo; LAST: tw
    "activities.first_timers": _row(6, 5, 2, 2, 1, 1, 0, 2, 6),
    "activities.speakers": _row(2, 1, 1, 1, 1, 1, 1, 0, 1),
    "activities.editions": _row(3, 2, 1, 1, 1, 1, 1, 0, 1),
    # ml (A, FIRST), intern_b (B, LAST); intern3 BEFORE, intern4 AFTER; intern5's position is in the trash
    "internships.interns": _row(2, 1, 1, 1, 1, 1, 1, 0, 1),
    "internships.batches": _row(2, 1, 1, 1, 1, 1, 1, 0, 1),
    # d1 (A, FIRST 00:30), d2 (B, LAST 23:30); d5 in the trash, d6's organisation in the trash
    "matching.demands": _row(2, 1, 1, 1, 1, 1, 1, 0, 1),
    # m1 m5 (agreed twice) m6 | m2 m7
    "matching.agreed": _row(5, 3, 2, 1, 1, 1, 1, 0, 1),
    # hk1 os dup1 | hk2 dup1: dup1 is one person of the network
    "matching.talents": _row(4, 3, 2, 1, 1, 1, 1, 0, 1),
    # pj1 (A, FIRST) pj6 (A, dropped) pj2 (B, LAST); pj5 in the trash; last year pj7; previous pj8 pj3
    "projects.signed": _row(3, 2, 1, 1, 1, 1, 1, 1, 2),
    "projects.planned_amount": _row(*(Decimal(v * M) for v in (460, 340, 120, 300, 120, 80, 50, 60, 90))),
    # pj1 50+70, pj3 30 | pj2 20; pj5's 100 in the trash
    "projects.landed_amount": _row(*(Decimal(v * M) for v in (170, 150, 20, 50, 20, 10, 5, 60, 20))),
    # pj7 (B, FIRST), pj1 (A, LAST); pj8 BEFORE, pj3 AFTER
    "projects.production_rate": _row(
        *(_pct(v) for v in ("33.3", "50.0", "0.0", "100.0", "0.0", "100.0", "0.0", "100.0", "100.0"))
    ),
    "projects.in_production": _row(2, 1, 1, 1, 1, 1, 1, 0, 1),
    # c1 c9 | c2 c5 c7 c10; c8 in the trash
    "cases.opened": _row(6, 2, 4, 1, 1, 1, 1, 0, 2),
    # c1 (30 days) c3 (1 day, A1) | c5 (57 days); c9 was reopened
    "cases.resolved": _row(3, 2, 1, 1, 1, 1, 1, 0, 1),
    # as of TODAY, whatever the period: c4 c9 | c2 (c8 in the trash)
    "cases.overdue": _row(3, 2, 1, 3, 3, 3, 3, None, None),
    "cases.median_days": _row(
        *(_pct(v) for v in ("30.0", "15.5", "57.0", "1.0", "57.0", "60.0", "62.0", None, "60.0"))
    ),
    "services.records": _row(3, 2, 1, 1, 1, 1, 1, 0, 1),
    "services.people_served": _row(10, 5, 5, 3, 5, 7, 11, 0, 7),
    # hk1 (FIRST 00:30) dup1 | tw (LAST 23:30); dup2 merged, trash deleted
    "registry.people": _row(3, 2, 1, 1, 1, 1, 1, 0, 1),
    "registry.organizations": _row(2, 1, 1, 1, 1, 1, 1, 0, 1),
    "relations.interactions": _row(3, 2, 1, 1, 1, 1, 1, 0, 1),
    "agreements.signed": _row(2, 1, 1, 1, 1, 1, 1, 0, 1),
    "carriers.entered": _row(2, 1, 1, 1, 1, 1, 1, 0, 1),
    "proposals.submitted": _row(2, 1, 1, 1, 1, 1, 1, 0, 2),
    "proposals.adopted": _row(2, 2, 0, 1, 1, 1, 1, 0, 1),
}


# ---------------------------------------------------------------- the records


def build() -> SimpleNamespace:
    """Write the network through the services (so the stored aggregates follow as in real use) and
    return its records by name."""
    from qiao.activities import defaults as activity_defaults
    from qiao.activities import services as activities
    from qiao.activities.models import Activity, ActivityKind, Series
    from qiao.agreements import services as agreements
    from qiao.agreements.models import Agreement
    from qiao.carriers import services as carriers
    from qiao.carriers.models import Carrier, Residency
    from qiao.core import services as core
    from qiao.core.models import Membership, Unit, UnitKind, User
    from qiao.internships import services as internships
    from qiao.internships.models import InternshipPosition
    from qiao.ledger import defaults as ledger_defaults
    from qiao.ledger import services as ledger
    from qiao.ledger.models import Case, ServiceKind, ServiceRecord
    from qiao.matching import defaults as matching_defaults
    from qiao.matching import services as matching
    from qiao.matching.models import Demand, Field, MatchStep
    from qiao.orgs.models import Organization
    from qiao.people import merging
    from qiao.people.models import Person
    from qiao.people.services import save_person
    from qiao.policies import defaults as policy_defaults
    from qiao.projects import services as projects
    from qiao.projects.models import Project
    from qiao.proposals import services as proposals
    from qiao.proposals.models import Proposal
    from qiao.relations import services as relations

    activity_defaults.ensure()
    matching_defaults.ensure()
    policy_defaults.ensure()
    ledger_defaults.ensure()
    d = SimpleNamespace()

    # -- units and readers
    d.centre = centre = Unit.objects.create(name="中心", kind=UnitKind.CENTRE, code="centre")
    d.a = a = Unit.objects.create(name="基地甲", kind=UnitKind.BASE, parent=centre, code="base-a")
    d.a1 = a1 = Unit.objects.create(name="A1办事处", kind=UnitKind.OFFICE, parent=a, code="office-a1")
    d.b = b = Unit.objects.create(name="基地乙", kind=UnitKind.BASE, parent=centre, code="base-b")
    d.hk = Unit.objects.create(name="香港工作站", kind=UnitKind.WORKSTATION, parent=centre, code="hk")
    d.root = root = User.objects.create_superuser("root", password=None)
    d.readers = {}
    for key in ("centre", "a", "a1", "b"):
        reader = User.objects.create_user(f"viewer-{key}", password=None)
        Membership.objects.create(user=reader, unit=getattr(d, key), role="viewer")
        d.readers[key] = reader

    def person(unit, name, region, **fields):
        if region == "OVERSEAS":
            fields.setdefault("country", "英国")
        return save_person(root, Person(unit=unit, name=name, region=region, **fields), documents=[])

    def org(unit, name, region, kind="enterprise", **fields):
        if region == "OVERSEAS":
            fields.setdefault("country", "新加坡")
        return Organization.objects.create(unit=unit, name=name, region=region, kind=kind, **fields)

    def added(record, moment):  # when the record was recorded (the services stamp it now)
        type(record)._base_manager.filter(pk=record.pk).update(created=moment)

    # -- people
    d.hk1 = person(a, "陳大文", "HK", name_latin="CHAN Tai Man")
    d.hk2 = person(b, "李嘉欣", "HK")
    d.mo = person(a, "何美玲", "MO")
    d.tw = person(b, "林志明", "TW")
    d.os = person(a1, "王海伦", "OVERSEAS")
    d.ml = person(a, "张小军", "MAINLAND")
    d.old = person(a, "黄老友", "")
    d.moved = person(b, "吴立行", "TW")
    d.dup1 = person(a, "梁家辉", "HK", birth_date=D(1995, 5, 4))
    d.dup2 = person(a, "梁家輝", "HK", birth_date=D(1995, 5, 4))
    d.edge = person(a, "郑边界", "HK")
    d.gone = person(a, "许取消", "TW")
    d.waiting = person(a, "冯报名", "MO")
    d.intern_b = person(b, "邓实习", "HK")
    d.intern3 = person(a, "曹实习", "MO")
    d.intern4 = person(b, "彭实习", "TW")
    d.intern5 = person(a, "袁实习", "OVERSEAS")
    d.trash = person(a, "错录入", "HK")

    # -- organisations
    d.org_a = org(a, "惠州电子科技有限公司", "HK", industry="电子信息")
    d.org_b = org(b, "澳门新能源有限公司", "MO", industry="新能源")
    d.org_c = org(a1, "台湾青年协会", "TW", kind="association")
    d.org_d = org(b, "新加坡国立大学", "OVERSEAS", kind="university")
    d.org_gone = org(a, "重复录入公司", "HK", industry="电子信息")

    # -- activities and participations
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    d.series = core.save(root, Series(unit=centre, name="学长说", kind=kinds["talk"]))

    def activity(unit, day, kind, title, edition=None):
        fields = {"series": d.series, "edition": edition} if edition else {}
        return activities.save_activity(
            root, Activity(unit=unit, kind=kinds[kind], title=title, start_date=day, **fields)
        )

    def attend(act, who, status="attended", role="participant"):
        activities.add_participant(root, act, who, status=status, role=role)

    d.ly = activity(a, D(2024, 12, 10), "exchange-visit", "去年的交流")
    d.b0 = activity(b, D(2025, 8, 20), "exchange-visit", "乙基地暑期交流")
    d.ib0 = activity(b, D(2025, 9, 1), "internship-batch", "第1批实习")
    d.e_before = activity(a, BEFORE, "talk", "学长说", edition=1)
    d.x1 = activity(a, FIRST, "talk", "学长说", edition=2)
    d.ib = activity(a, D(2025, 11, 10), "internship-batch", "第2批实习")
    d.x4 = activity(b, D(2025, 12, 1), "exchange-visit", "乙基地冬季交流")
    d.x2 = activity(a1, D(2025, 12, 15), "talk", "学长说", edition=3)
    d.xd = activity(a, D(2025, 12, 20), "exchange-visit", "录错的交流")
    d.x3 = activity(b, LAST, "talk", "学长说", edition=4)
    d.e_after = activity(a, AFTER, "talk", "学长说", edition=5)

    attend(d.ly, d.old)
    attend(d.ly, d.dup2)
    attend(d.b0, d.moved)
    attend(d.e_before, d.edge, role="speaker")
    attend(d.x1, d.hk1, role="speaker")
    for who in (d.mo, d.old, d.moved):
        attend(d.x1, who)
    attend(d.x1, d.tw, status="absent")
    attend(d.x1, d.gone, status="cancelled")
    attend(d.x1, d.waiting, status="registered")
    attend(d.x2, d.hk1, role="speaker")
    for who in (d.os, d.dup1, d.dup2):
        attend(d.x2, who)
    attend(d.x4, d.hk2, role="speaker")
    attend(d.x3, d.hk2, role="speaker")
    attend(d.x3, d.tw)
    attend(d.xd, d.mo)
    attend(d.xd, d.gone)
    attend(d.e_after, d.edge, role="speaker")

    # -- internships (a placement puts the intern on the batch's list as attended)
    def position(unit, organization, title):
        return internships.save_position(
            root, InternshipPosition(unit=unit, organization=organization, title=title, slots=5)
        )

    d.pos_a = position(a, d.org_a, "硬件实习生")
    d.pos_b = position(b, d.org_b, "储能实习生")
    d.pos_gone = position(a, d.org_a, "撤销的岗位")

    def place(pos, who, batch, start):
        return internships.place(root, internships.apply(root, pos, who), batch, start_date=start)

    place(d.pos_a, d.ml, d.ib, FIRST)
    place(d.pos_b, d.intern_b, d.ib0, LAST)
    place(d.pos_a, d.intern3, d.ib0, BEFORE)
    place(d.pos_b, d.intern4, d.ib0, AFTER)
    place(d.pos_gone, d.intern5, d.ib0, D(2025, 12, 15))

    # -- demands and matches
    def demand(unit, organization, kind, moment):
        found = matching.save_demand(
            root, Demand(unit=unit, organization=organization, kind=kind, title=f"{kind}需求", headcount=10)
        )
        added(found, moment)
        return found

    d.d1 = demand(a, d.org_a, "job", local(FIRST, 0, 30))
    d.d2 = demand(b, d.org_b, "internship", local(LAST, 23, 30))
    d.d3 = demand(a, d.org_a, "technology", local(BEFORE, 23, 59))
    d.d4 = demand(b, d.org_b, "job", local(AFTER, 0, 1))
    d.d5 = demand(a, d.org_a, "job", local(D(2025, 12, 1)))
    d.d6 = demand(a1, d.org_gone, "job", local(D(2025, 12, 1)))

    def stamp_agreed(match, moment):
        step = MatchStep.objects.filter(match=match, stage="agreed").latest("id")
        MatchStep.objects.filter(pk=step.pk).update(at=moment)

    def agreed(dem, who, moment, again=None):
        match = matching.propose(root, dem, who)
        matching.move(root, match, "agreed")
        stamp_agreed(match, moment)
        if again is not None:  # declined, proposed again and agreed again: one match agreed
            for stage in ("declined", "proposed", "agreed"):
                matching.move(root, match, stage)
            stamp_agreed(match, again)
        return match

    d.m1 = agreed(d.d1, d.hk1, local(FIRST, 0, 30))
    d.m2 = agreed(d.d2, d.hk2, local(LAST, 23, 30))
    d.m3 = agreed(d.d3, d.mo, local(BEFORE, 23, 59))
    d.m4 = agreed(d.d4, d.tw, local(AFTER, 0, 10))
    d.m5 = agreed(d.d1, d.os, local(D(2025, 12, 10)), again=local(D(2026, 1, 10)))
    d.m6 = agreed(d.d1, d.dup2, local(D(2025, 12, 12)))
    d.m7 = agreed(d.d2, d.dup1, local(D(2025, 12, 20)))

    # -- projects
    fields_ = {f.code: f for f in Field.objects.filter(code__in=["electronics", "new-energy"])}
    d.f1, d.f2 = fields_["electronics"], fields_["new-energy"]

    def project(unit, name, origin, kind, industry, planned, signed_on):
        extra = {"origin_country": "新加坡"} if origin == "OVERSEAS" else {}
        return projects.save_project(
            root,
            Project(
                unit=unit,
                name=name,
                investor=d.org_b if unit == b else d.org_a,
                origin=origin,
                kind=kind,
                industry=industry,
                planned_amount=Decimal(planned * M),
                stage="signed",
                stage_on=signed_on,
                **extra,
            ),
        )

    def tranche(proj, millions, on):
        projects.add_tranche(root, proj, amount=Decimal(millions * M), on=on)

    d.pj1 = project(a, "电子元件产线", "HK", "new", d.f1, 300, FIRST)
    tranche(d.pj1, 50, FIRST)
    tranche(d.pj1, 70, D(2025, 12, 20))
    projects.move(root, d.pj1, "landed", on=D(2025, 12, 20))
    projects.move(root, d.pj1, "in_production", on=LAST)
    d.pj2 = project(b, "储能电站扩建", "MO", "expansion", d.f2, 120, LAST)
    tranche(d.pj2, 20, LAST)
    d.pj3 = project(a1, "电子研发中心", "TW", "new", d.f1, 80, BEFORE)
    tranche(d.pj3, 10, BEFORE)
    tranche(d.pj3, 30, D(2026, 1, 5))
    projects.move(root, d.pj3, "landed", on=D(2026, 1, 5))
    projects.move(root, d.pj3, "in_production", on=AFTER)
    d.pj4 = project(b, "新能源基金", "OVERSEAS", "fund", None, 50, AFTER)
    tranche(d.pj4, 5, AFTER)
    d.pj5 = project(a, "录错的项目", "HK", "new", d.f1, 500, D(2025, 12, 1))
    tranche(d.pj5, 100, D(2025, 12, 5))
    d.pj6 = project(a, "撤回的增资", "HK", "expansion", None, 40, D(2025, 12, 10))
    projects.move(root, d.pj6, "dropped", on=D(2026, 1, 10), reason="投资方撤回")
    d.pj7 = project(b, "储能二期", "HK", "expansion", d.f2, 60, D(2024, 12, 1))
    tranche(d.pj7, 60, D(2025, 1, 15))
    projects.move(root, d.pj7, "landed", on=D(2025, 1, 15))
    projects.move(root, d.pj7, "in_production", on=FIRST)
    d.pj8 = project(a, "电子配件厂", "HK", "new", d.f1, 10, D(2025, 9, 1))
    tranche(d.pj8, 10, D(2025, 9, 10))
    projects.move(root, d.pj8, "landed", on=D(2025, 9, 10))
    projects.move(root, d.pj8, "in_production", on=BEFORE)

    # -- the ledger: cases and service records
    def case(unit, category, raised_on, due=None):
        organization = d.org_b if unit == b else d.org_a
        return ledger.save_case(
            root,
            Case(
                unit=unit,
                organization=organization,
                category=category,
                title=f"{category}问题",
                raised_on=raised_on,
                due_date=due,
            ),
        )

    def resolve(found, on):
        ledger.set_status(root, found, "in_progress")
        ledger.set_status(root, found, "resolved", note="已协调解决")
        Case.objects.filter(pk=found.pk).update(resolved_on=on)  # the service dates it today

    d.c1 = case(a, "land", FIRST)
    resolve(d.c1, D(2025, 12, 1))
    d.c2 = case(b, "approvals", LAST, due=D(2026, 2, 15))
    d.c3 = case(a1, "financing", BEFORE)
    resolve(d.c3, FIRST)
    d.c4 = case(a, "talent", AFTER, due=D(2026, 2, 10))
    ledger.set_status(root, d.c4, "in_progress")
    d.c5 = case(b, "policy", D(2025, 12, 5))
    resolve(d.c5, LAST)
    d.c6 = case(a, "land", D(2025, 9, 1))
    resolve(d.c6, BEFORE)
    d.c7 = case(b, "other", D(2025, 12, 1))
    resolve(d.c7, AFTER)
    d.c8 = case(a, "land", D(2025, 12, 10), due=D(2025, 12, 20))
    d.c9 = case(a, "land", D(2025, 11, 15), due=D(2025, 12, 1))
    resolve(d.c9, D(2025, 12, 15))
    ledger.set_status(root, d.c9, "in_progress", note="问题复发")
    d.c10 = case(b, "customs", D(2025, 12, 20))

    service_kinds = {k.code: k for k in ServiceKind.objects.all()}

    def service(unit, kind, on, served, who):
        return ledger.save_service_record(
            root, ServiceRecord(unit=unit, kind=service_kinds[kind], on=on, people_served=served, person=who)
        )

    d.s1 = service(a, "policy-consultation", FIRST, 3, d.hk1)
    d.s2 = service(b, "visit", LAST, 5, d.hk2)
    d.s3 = service(a1, "policy-consultation", D(2025, 12, 10), 2, d.os)
    d.s4 = service(a, "policy-consultation", BEFORE, 7, d.mo)
    d.s5 = service(b, "visit", AFTER, 11, d.tw)
    d.s6 = service(a, "visit", D(2025, 12, 15), 13, d.ml)

    # -- contacts, agreements, carriers, proposals
    def contact(unit, kind, day, who):
        return relations.log_interaction(
            root, unit=unit, kind=kind, occurred_at=local(day), summary="了解近况", people=[who]
        )

    d.i1 = contact(a, "visit", FIRST, d.hk1)
    d.i2 = contact(b, "call", LAST, d.hk2)
    d.i3 = contact(a1, "meeting", D(2025, 12, 10), d.os)
    d.i4 = contact(a, "visit", BEFORE, d.mo)
    d.i5 = contact(b, "call", AFTER, d.tw)
    d.i6 = contact(a, "call", D(2025, 12, 12), d.ml)

    def agreement(unit, kind, signed_on, party):
        return agreements.save_agreement(
            root,
            Agreement(unit=unit, title=f"{kind}协议", kind=kind, signed_on=signed_on),
            parties=[{"organization": party, "role": "甲方"}],
            our_units=[unit],
        )

    d.ag1 = agreement(a, "strategic", FIRST, d.org_c)
    d.ag2 = agreement(b, "joint_lab", LAST, d.org_d)
    d.ag3 = agreement(a, "talent_exchange", BEFORE, d.org_a)
    d.ag4 = agreement(b, "internship_base", AFTER, d.org_b)
    d.ag5 = agreement(a, "strategic", D(2025, 12, 3), d.org_a)

    def carrier(unit, name):
        return carriers.save_carrier(root, Carrier(unit=unit, name=name, kind="incubator"))

    d.ca_a = carrier(a, "港澳青年创新创业基地")
    d.ca_b = carrier(b, "乙基地孵化器")
    d.ca_gone = carrier(a1, "撤销的载体")

    def resident(where, kind, origin, field, entered_on):
        extra = {"origin_country": "英国"} if origin == "OVERSEAS" else {}
        return carriers.save_residency(
            root,
            Residency(carrier=where, name=f"{origin}团队", kind=kind, origin=origin, field=field,
                      entered_on=entered_on, **extra),
        )  # fmt: skip

    d.r1 = resident(d.ca_a, "team", "HK", d.f1, FIRST)
    d.r2 = resident(d.ca_b, "enterprise", "MO", d.f2, LAST)
    d.r3 = resident(d.ca_a, "team", "TW", None, BEFORE)
    d.r4 = resident(d.ca_b, "team", "HK", None, AFTER)
    d.r5 = resident(d.ca_gone, "team", "HK", None, D(2025, 12, 10))

    def proposal(unit, channel, submitted_on, adopted_on=None):
        found = proposals.save_proposal(
            root,
            Proposal(unit=unit, title=f"关于{channel}的建议", channel=channel, submitted_on=submitted_on),
            authors=[d.hk1],
        )
        if adopted_on is not None:
            proposals.set_outcome(root, found, "adopted", adopted_on=adopted_on)
        return found

    d.pr1 = proposal(a, "proposal", FIRST, LAST)
    d.pr2 = proposal(b, "motion", LAST, AFTER)
    d.pr3 = proposal(a1, "proposal", BEFORE, FIRST)
    d.pr4 = proposal(b, "report", AFTER)
    d.pr5 = proposal(a, "proposal", D(2025, 12, 5), D(2025, 12, 20))
    d.pr6 = proposal(a, "letter", D(2025, 9, 1), BEFORE)

    # -- when people and organisations were added to the registry
    for record, moment in (
        (d.hk1, local(FIRST, 0, 30)),
        (d.tw, local(LAST, 23, 30)),
        (d.mo, local(BEFORE, 23, 59)),
        (d.os, local(AFTER, 0, 1)),
        (d.dup2, local(D(2025, 12, 5))),
        (d.dup1, local(D(2025, 12, 6))),
        (d.trash, local(D(2025, 12, 8))),
        (d.org_a, local(FIRST, 0, 30)),
        (d.org_b, local(LAST, 23, 30)),
        (d.org_c, local(BEFORE, 23, 59)),
        (d.org_d, local(AFTER, 0, 1)),
        (d.org_gone, local(D(2025, 12, 1))),
    ):
        added(record, moment)

    # -- mistakes: to the trash; and the duplicate merged
    core.delete(root, d.xd)
    core.delete(root, d.pos_gone)
    core.delete(root, d.d5)
    core.delete(root, d.org_gone)
    core.delete(root, d.pj5)
    ledger.delete_case(root, d.c8)
    core.delete(root, d.s6)
    relations.delete_interaction(root, d.i6)
    agreements.delete_agreement(root, d.ag5)
    carriers.delete_carrier(root, d.ca_gone)
    proposals.delete_proposal(root, d.pr5)
    core.delete(root, d.trash)
    merging.merge(root, d.dup1, d.dup2)
    return d


def kept(django_db_blocker):
    """The network built once for a test module, inside a transaction rolled back after its last test
    (each test runs in a savepoint of it): a generator for a module-scoped fixture."""
    from django.db import transaction
    from django.test import override_settings

    quick = {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    }
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(**quick):
            built = build()
        yield built
        transaction.set_rollback(True)
