"""Demo relationships (issue 7), written through the services as staff would: a contact log over the
last months, key contacts (two of them overdue, so the home pages have something to show) and a
one-to-one liaison, cooperation agreements with commitments (one overdue, one ticked off) and a pair of
sister institutions, two carriers hosting teams and enterprises with their outcomes, and proposals by
members who sit on people's congresses and political consultative conferences."""

from __future__ import annotations

import datetime
import decimal
import zoneinfo

from django.conf import settings
from django.utils import timezone

INTERACTIONS = [
    # days ago, unit, user, kind, people (indexes among the unit's own), organisations (names), summary, follow-up
    (3, "a", "base-a-staff", "visit", [0], [], "走访重点联系人，了解其在惠创业近况和子女入学需求。", "协调街道办理子女入学咨询"),
    (5, "a", "base-a-staff", "visit", [], ["港惠新能源科技有限公司"], "走访企业，了解港籍员工住房需求。", ""),
    (9, "a", "base-a-staff", "call", [1], [], "电话联系，确认参加下月青年交流活动。", ""),
    (15, "hk", "hk-staff", "meeting", [2, 3], [], "与两位社团负责人座谈，商议暑期交流团名单。", "寄送交流团行程"),
    (16, "hk", "hk-staff", "meeting", [], ["香港惠州社團聯合總會"], "到社团会所拜访，介绍年度交流计划。", ""),
    (22, "b", "base-b-staff", "message", [4], [], "微信发送最新人才政策解读。", ""),
    (31, "a", "base-a-staff", "event", [5], ["灣區智聯科技（惠州）有限公司"], "学长说活动后交流，对方有意提供实习岗位。", "跟进实习岗位需求"),
    (45, "hk", "hk-staff", "letter", [], ["香港青年創業家協會"], "发函邀请参加创新创业大赛。", ""),
    (60, "b", "base-b-staff", "visit", [6], ["澳惠中醫藥科技有限公司"], "上门走访，了解用地审批进度。", ""),
    (75, "a", "base-a-staff", "meeting", [], ["香港灣區青年創業孵化器有限公司"], "共建孵化基地工作会议。", ""),
    (110, "hk", "hk-staff", "call", [7], [], "电话回访，了解回乡证办理情况。", ""),
    (130, "a", "base-a-staff", "visit", [8], [], "走访重点联系人，听取对青年驿站的意见。", ""),
]  # fmt: skip
KEY_CONTACTS = [
    # unit, responsible, person (index among the unit's own) or organisation name, kind, cadence, since (days ago)
    ("a", "base-a-staff", 0, "key", 90, 300),
    ("a", "base-a-staff", 8, "key", 90, 400),  # last contact 130 days ago: overdue
    ("a", "base-a-staff", "港惠新能源科技有限公司", "liaison", 30, 200),
    ("hk", "hk-staff", 2, "key", 60, 200),
    ("hk", "hk-staff", 7, "key", 60, 365),  # last contact 110 days ago: overdue
    ("b", "base-b-staff", "澳惠中醫藥科技有限公司", "liaison", 30, 100),  # 60 days: overdue
    ("centre", "centre-manager", "香港廣東社團總會", "key", 90, 30),
]
AGREEMENTS = [
    # unit, kind, title, organisations, our units, signed (days ago), years, commitments (text, owner, due in days, done)
    ("centre", "strategic", "惠州港澳青年服务中心与香港廣東社團總會战略合作框架协议", ["香港廣東社團總會"], ["centre"], 400, 3,
     [("每年合办一次粤港青年交流营", "centre-manager", -35, False), ("建立季度联络机制", "centre-manager", -200, True)]),
    ("a", "internship_base", "共建港澳青年实习基地协议", ["灣區智聯科技（惠州）有限公司"], ["a"], 150, 2,
     [("每年提供不少于10个实习岗位", "base-a-staff", 60, False)]),
    ("centre", "sister", "惠州学院与香港理工大學缔结姊妹院校协议", ["惠州学院", "香港理工大學"], [], 700, 5,
     [("每年互派交换生不少于20人", "centre-manager", 120, False)]),
    ("hk", "talent_exchange", "香港青年創業家協會人才交流合作协议", ["香港青年創業家協會"], ["hk"], 1200, 3, []),
]  # fmt: skip
CARRIERS = [
    # unit, kind, name, operator, area, capacity, residents
    ("a", "incubator", "仲恺港澳青年创新创业基地", "香港灣區青年創業孵化器有限公司", "12000", 40, [
        # kind, name, origin, founders, entered (days ago), outcomes [(kind, days ago, amount)], exit (kind, days ago)
        ("team", "智联湾区科技团队", "HK", [0, 5], 500, [("registered", 300, None), ("funded", 120, "3000000")], ("graduated", 30)),
        ("team", "澳门青年文创工作室", "MO", [6], 260, [], None),
        ("team", "台湾精密设计团队", "TW", [9], 180, [("registered", 60, None)], None),
        ("enterprise", "港惠新能源科技有限公司", "HK", [], 400, [("registered", 380, None)], None),
        ("team", "南洋跨境电商团队", "OVERSEAS", [10], 420, [], ("left", 90)),
    ]),
    ("b", "maker_space", "惠阳青创汇众创空间", "", "3000", 20, [
        ("team", "湾区易行出行团队", "HK", [1], 90, [], None),
        ("enterprise", "澳惠中醫藥科技有限公司", "MO", [], 300, [("registered", 280, None)], None),
    ]),
]  # fmt: skip
ROLES = [
    # person index, kind, body, title, started (days ago), years
    (2, "cppcc_member", "惠州市政协", "委员", 1000, 5),
    (3, "npc_deputy", "广东省人民代表大会", "代表", 1100, 5),
    (0, "association_director", "香港惠州社團聯合總會", "常务理事", 700, 3),
]
PROPOSALS = [
    # unit, title, channel, authors, submitted (days ago), outcome, adopted/endorsed (days ago)
    ("hk", "关于便利港澳青年在惠州就业创业的建议", "proposal", [2], 300, "endorsed", (250, 200)),
    ("hk", "关于完善港澳居民医疗保障衔接的议案", "motion", [3], 290, "adopted", (200, None)),
    ("hk", "关于支持港澳青年创新创业基地建设的提案", "proposal", [2, 0], 40, "submitted", (None, None)),
    ("a", "港澳青年实习情况调研报告", "report", [0], 120, "submitted", (None, None)),
]


def load(units: dict, orgs: list, people: list, admin) -> dict:
    """Add the demo relationships. Returns counts."""
    from qiao.core.models import User

    today = timezone.localdate()
    users = {user.username: user for user in User.objects.all()}
    by_name = {org.name: org for org in orgs}
    interactions = _interactions(today, units, users, people, by_name)
    key_contacts = _key_contacts(today, units, users, people, by_name)
    agreements = _agreements(today, units, users, by_name, admin)
    residencies = _carriers(today, units, people, by_name, admin)
    proposals = _proposals(today, units, people, admin)
    return {
        "interactions": interactions,
        "key_contacts": key_contacts,
        "agreements": agreements,
        "residencies": residencies,
        "proposals": proposals,
    }


def _ago(today: datetime.date, days: int) -> datetime.date:
    return today - datetime.timedelta(days=days)


STAFF_OF = {"a": "base-a-staff", "a1": "base-a-staff", "b": "base-b-staff", "c": "base-c-manager", "hk": "hk-staff"}


def _acting(units, users, unit_key: str, username: str, orgs: list) -> tuple:
    """The unit and the staff member who keep a record with these organisations: the ones named, or,
    when one of the organisations belongs to another base (the demo spreads enterprises at random),
    that base and its staff, so that every record is one its keeper may see."""
    from qiao.orgs.models import Organization

    user = users[username]
    for org in orgs:
        if not Organization.objects.restrict(user, "view").filter(pk=org.pk).exists():
            key = next(key for key, unit in units.items() if unit.pk == org.unit_id)
            return units[key], users[STAFF_OF.get(key, "centre-manager")]
    return units[unit_key], user


def _own(people: list, unit, index: int):
    """The `index`-th person owned by `unit` (wrapping round), so its staff may see them."""
    own = [person for person in people if person.unit_id == unit.pk]
    return own[index % len(own)]


def _interactions(today, units, users, people, by_name) -> int:
    from qiao.relations import services

    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    for days, unit_key, username, kind, persons, names, summary, follow_up in INTERACTIONS:
        day = _ago(today, days)
        orgs = [by_name[name] for name in names]
        unit, user = _acting(units, users, unit_key, username, orgs)
        services.log_interaction(
            user,
            unit=unit,
            kind=kind,
            occurred_at=datetime.datetime.combine(day, datetime.time(10, 30), tzinfo=zone),
            summary=summary,
            people=[_own(people, unit, index) for index in persons],
            organizations=orgs,
            follow_up=follow_up,
            follow_up_on=day + datetime.timedelta(days=14) if follow_up else None,
        )
    return len(INTERACTIONS)


def _key_contacts(today, units, users, people, by_name) -> int:
    from qiao.relations import services

    for unit_key, username, party, kind, cadence, since in KEY_CONTACTS:
        org = None if isinstance(party, int) else by_name[party]
        unit, user = _acting(units, users, unit_key, username, [org] if org else [])
        person = _own(people, unit, party) if org is None else None
        services.mark_key_contact(
            user,
            unit=unit,
            responsible=user,
            person=person,
            organization=org,
            kind=kind,
            cadence_days=cadence,
            since=_ago(today, since),
        )
    return len(KEY_CONTACTS)


def _agreements(today, units, users, by_name, admin) -> int:
    from qiao.agreements import services
    from qiao.agreements.models import Agreement, Commitment

    for unit, kind, title, names, ours, signed, years, commitments in AGREEMENTS:
        signed_on = _ago(today, signed)
        agreement = services.save_agreement(
            admin,
            Agreement(
                unit=units[unit],
                kind=kind,
                title=title,
                signed_on=signed_on,
                starts_on=signed_on,
                ends_on=signed_on.replace(year=signed_on.year + years) - datetime.timedelta(days=1),
            ),
            parties=[{"organization": by_name[name], "role": ""} for name in names],
            our_units=[units[key] for key in ours],
        )
        for text, owner, due, done in commitments:
            commitment = services.save_commitment(
                admin,
                Commitment(
                    agreement=agreement, text=text, owner=users[owner], due_on=today + datetime.timedelta(days=due)
                ),
            )
            if done:
                services.tick(users[owner], commitment, True)
    return len(AGREEMENTS)


def _carriers(today, units, people, by_name, admin) -> int:
    from qiao.carriers import services
    from qiao.carriers.models import Carrier, Residency

    count = 0
    for unit, kind, name, operator, area, capacity, residents in CARRIERS:
        carrier = services.save_carrier(
            admin,
            Carrier(
                unit=units[unit],
                kind=kind,
                name=name,
                operator=by_name.get(operator),
                floor_area=decimal.Decimal(area),
                capacity=capacity,
                opened_on=_ago(today, 900),
            ),
        )
        for resident_kind, resident, origin, founders, entered, outcomes, exit_ in residents:
            residency = services.save_residency(
                admin,
                Residency(
                    carrier=carrier,
                    kind=resident_kind,
                    name=resident,
                    origin=origin,
                    origin_country="新加坡" if origin == "OVERSEAS" else "",
                    organization=by_name.get(resident),
                    entered_on=_ago(today, entered),
                ),
                founders=[people[index] for index in founders],
            )
            for outcome, days, amount in outcomes:
                services.add_milestone(
                    admin, residency, outcome, _ago(today, days), amount=decimal.Decimal(amount) if amount else None
                )
            if exit_:
                services.exit_residency(admin, residency, exit_[0], _ago(today, exit_[1]))
            count += 1
    return count


def _proposals(today, units, people, admin) -> int:
    from qiao.proposals import services
    from qiao.proposals.models import Proposal, PublicRole

    for index, kind, body, title, started, years in ROLES:
        starts = _ago(today, started)
        services.save_role(
            admin,
            PublicRole(
                person=people[index],
                kind=kind,
                body=body,
                title=title,
                starts_on=starts,
                ends_on=starts.replace(year=starts.year + years) - datetime.timedelta(days=1),
            ),
        )
    for unit, title, channel, authors, submitted, outcome, (adopted, endorsed) in PROPOSALS:
        proposal = services.save_proposal(
            admin,
            Proposal(unit=units[unit], title=title, channel=channel, submitted_on=_ago(today, submitted)),
            authors=[people[index] for index in authors],
        )
        if outcome != "submitted":
            services.set_outcome(
                admin,
                proposal,
                outcome,
                adopted_on=_ago(today, adopted) if adopted else None,
                endorsed_on=_ago(today, endorsed) if endorsed else None,
            )
    return len(PROPOSALS)
