"""Synthetic relationship records (issue 7): interactions and key contacts, cooperation agreements
with parties and commitments, carriers with hosted teams and enterprises and their outcomes, and
proposals with the public roles of their authors.

Everything hangs on the existing registry (people, organisations) and network (units, their staff);
run `qiao synth --people … --organizations …` first. Like the other generators this writes rows in
bulk, bypassing the services layer (no change history), but it keeps every stored figure the
services keep: a key contact's `last_contact_on` and `due_on` are computed from the interactions
generated here exactly as relations.services would (latest local day of a contact with the party
by the key contact's unit or a unit below it; due = that day, or the day it became a key contact,
plus the cadence). Deterministic for a seed and a database state.
"""

from __future__ import annotations

import datetime
import decimal
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .synth import COUNTRIES, ensure_network
from .synth_projects import _draw, _moment_factory, _past_day, _staff, _taxonomy, _unit_weights, _weighted

YEARS = 3
BATCH = 5_000

INTERACTION_KINDS = _weighted([("visit", 4), ("call", 5), ("meeting", 3), ("message", 4), ("letter", 1), ("event", 2)])
SUMMARIES = {
    "visit": ["走访了解企业近况，反映用工需求", "上门走访，介绍最新人才政策", "走访交流，商议下半年合作活动"],
    "call": ["电话联系，跟进实习安排", "电话回访，了解政策申报进度", "电话沟通交流团行程"],
    "meeting": ["座谈交流，听取意见建议", "工作会议，商讨共建基地事宜", "约见会谈，推进项目对接"],
    "message": ["微信联系，发送活动邀请", "发送政策资讯并确认收到", "短讯跟进材料提交"],
    "letter": ["发函邀请参加交流活动", "寄送感谢信及活动资料"],
    "event": ["活动期间交流，对方有意参加后续活动", "交流会上结识，约定再联系"],
}
FOLLOW_UPS = ["寄送活动资料", "安排再次走访", "对接相关部门", "提交申报材料", "确认参访名单"]
CADENCES = _weighted([(30, 2), (60, 3), (90, 6), (180, 2)])

AGREEMENT_KINDS = _weighted(
    [("strategic", 4), ("talent_exchange", 3), ("joint_lab", 1), ("sister", 4), ("internship_base", 3), ("other", 1)]
)
AGREEMENT_TITLES = {
    "strategic": "战略合作框架协议",
    "talent_exchange": "人才交流合作协议",
    "joint_lab": "共建联合实验室协议",
    "sister": "缔结姊妹学校协议书",
    "internship_base": "共建青年实习基地协议",
    "other": "合作备忘录",
}
COMMITMENTS = [
    "每年互派交流学生不少于20人",
    "共同举办一次专题交流活动",
    "提供实习岗位不少于10个",
    "建立定期联络机制，每季度沟通一次",
    "联合申报一项科研项目",
    "共享培训资源与场地",
    "年度合作总结报告",
]

CARRIER_KINDS = _weighted([("incubator", 4), ("maker_space", 3), ("base", 2), ("park", 1), ("internship_base", 2)])
CARRIER_NAMES = {
    "incubator": "港澳青年创新创业孵化器",
    "maker_space": "青创汇众创空间",
    "base": "粤港澳青年交流基地",
    "park": "创新科技园",
    "internship_base": "港澳青年实习基地",
    "other": "合作平台",
}
PLACES = ["前海", "南沙", "横琴", "天河", "黄埔", "松山湖"]
TEAM_WORDS = ["智联", "云图", "星河", "湾区", "易行", "数启", "青禾", "创享", "未来", "匠心", "微光", "海帆"]
TEAM_FIELDS = ["科技", "文创", "医疗", "教育", "设计", "跨境电商", "金融科技"]
ORIGINS = _weighted([("HK", 6), ("MO", 2), ("TW", 1.5), ("OVERSEAS", 1)])

CHANNELS = _weighted([("proposal", 5), ("motion", 2), ("report", 3), ("letter", 1)])
TOPICS = [
    "关于进一步便利港澳青年来内地就业创业的建议",
    "关于完善港澳居民在内地医疗保障衔接的提案",
    "关于推动粤港澳大湾区职业资格互认的建议",
    "关于加强海外华侨华人青年交流的建议",
    "关于优化港澳青年创业孵化基地扶持政策的提案",
    "关于促进大湾区科研资金跨境使用的建议",
    "关于支持港澳高校毕业生到基层实习的建议",
]
ROLE_KINDS = _weighted([("cppcc_member", 4), ("npc_deputy", 2), ("association_director", 5)])
ROLE_BODIES = {
    "cppcc_member": ["广东省政协", "广州市政协", "深圳市政协"],
    "npc_deputy": ["广东省人民代表大会", "广州市人民代表大会"],
    "association_director": ["香港广东社团总会", "澳门广东同乡会", "欧洲华侨华人联合会"],
}
ROLE_TITLES = {
    "cppcc_member": ["委员", "常委"],
    "npc_deputy": ["代表"],
    "association_director": ["理事", "常务理事", "副会长"],
}


@dataclass
class Counts:
    interactions: int = 0
    key_contacts: int = 0
    agreements: int = 0
    commitments: int = 0
    carriers: int = 0
    residencies: int = 0
    proposals: int = 0
    public_roles: int = 0
    extra: dict = field(default_factory=dict)


@dataclass
class _Context:
    rng: random.Random
    today: datetime.date
    units: list
    staff: dict
    unit_table: tuple
    people: list  # (pk, unit)
    orgs: list  # (pk, unit, kind)
    paths: dict

    def member(self, unit: int) -> int | None:
        members = self.staff.get(unit) or []
        return self.rng.choice(members) if members else None

    def unit(self) -> int:
        return _draw(self.rng, self.unit_table)

    def day(self, years: int = YEARS) -> datetime.date:
        return _past_day(self.rng, self.today, years=years)


def _context(seed: int, today: datetime.date | None) -> _Context:
    from qiao.orgs.models import Organization
    from qiao.people.models import Person

    rng = random.Random(seed * 104729 + 7)
    units = ensure_network()
    return _Context(
        rng=rng,
        today=today or timezone.localdate(),
        units=units,
        staff=_staff(units, rng),
        unit_table=_unit_weights(units),
        people=list(Person.objects.order_by("pk").values_list("pk", "unit_id")[:200_000]),
        orgs=list(Organization.objects.order_by("pk").values_list("pk", "unit_id", "kind")[:200_000]),
        paths={unit.pk: unit.path for unit in units},
    )


def _chunks(count: int, size: int = BATCH):
    done = 0
    while done < count:
        step = min(size, count - done)
        yield step
        done += step


def _report(progress, name: str, done: int, count: int, started: float) -> None:
    if progress:
        rate = done / max(time.monotonic() - started, 1e-6)
        progress(f"{name}: {done:,}/{count:,} ({rate:,.0f}/s)")


# ---------------------------------------------------------------- interactions and key contacts


def interactions(
    count: int,
    *,
    key_contacts: int | None = None,
    seed: int = 1,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> Counts:
    """`count` interactions over the last three years and `key_contacts` key contacts (default: one
    for every 20 interactions), a third of them organisations (some one-to-one liaisons); about a
    quarter of the key contacts are overdue, as offices find when they first look."""
    from qiao.relations.models import Interaction, KeyContact

    context = _context(seed, today)
    rng, result = context.rng, Counts()
    if not context.people and not context.orgs:
        return result
    key_count = count // 20 if key_contacts is None else key_contacts
    # the key contacts first: part of the interactions are with them, so their cadence is real
    keys = _key_contact_rows(context, key_count)
    # the day of each key contact's latest contact: up to 4/3 of a cadence ago, so about a quarter
    # are overdue (`due_on` holds it until the end; it is recomputed from the interactions made)
    latest = {}
    for key in keys:
        day = context.today - datetime.timedelta(days=int(rng.random() * key.cadence_days * 4 / 3))
        key.due_on = max(day, key.since)
        latest[id(key)] = key.due_on
    moment = _moment_factory()
    Through = Interaction.people.through
    OrgThrough = Interaction.organizations.through
    StaffThrough = Interaction.staff.through
    contacts: dict[tuple[str, int], list[tuple[int, datetime.date]]] = defaultdict(list)
    started = time.monotonic()
    for size in _chunks(count):
        with transaction.atomic():
            rows, parties = [], []
            for _ in range(size):
                kind = _draw(rng, INTERACTION_KINDS)
                if keys and rng.random() < 0.45:
                    key = rng.choice(keys)
                    unit = key.unit_id
                    people = [key.person_id] if key.person_id else []
                    orgs = [key.organization_id] if key.organization_id else []
                    on = latest.pop(id(key), None)  # its latest contact first, the earlier ones after
                    if on is None:
                        on = key.since + datetime.timedelta(days=rng.randrange(max((key.due_on - key.since).days, 1)))
                else:
                    unit = context.unit()
                    people, orgs = [], []
                    if context.people and rng.random() < 0.7:
                        people = [
                            pk
                            for pk, _unit in rng.sample(
                                context.people, min(len(context.people), rng.choice([1, 1, 1, 2, 3]))
                            )
                        ]
                    if context.orgs and (not people or rng.random() < 0.3):
                        orgs = [rng.choice(context.orgs)[0]]
                    on = context.day()
                at = moment(on, rng)
                staff = context.member(unit)
                follow = rng.random() < 0.3
                follow_on = on + datetime.timedelta(days=rng.choice([7, 14, 30])) if follow else None
                rows.append(
                    Interaction(
                        unit_id=unit,
                        kind=kind,
                        occurred_at=at,
                        occurred_on=on,
                        summary=rng.choice(SUMMARIES[kind]),
                        follow_up=rng.choice(FOLLOW_UPS) if follow else "",
                        follow_up_on=follow_on,
                        follow_up_done_on=follow_on
                        if follow and follow_on < context.today and rng.random() < 0.8
                        else None,
                        logged_by_id=staff,
                    )
                )
                parties.append((people, orgs, staff))
            made = Interaction.objects.bulk_create(rows)
            if made and made[0].pk is None:
                made = list(Interaction.objects.order_by("-pk")[: len(rows)])[::-1]
            people_rows, org_rows, staff_rows = [], [], []
            for interaction, (people, orgs, staff) in zip(made, parties, strict=True):
                people_rows += [Through(interaction_id=interaction.pk, person_id=pk) for pk in people]
                org_rows += [OrgThrough(interaction_id=interaction.pk, organization_id=pk) for pk in orgs]
                if staff:
                    staff_rows.append(StaffThrough(interaction_id=interaction.pk, user_id=staff))
                for pk in people:
                    contacts[("p", pk)].append((interaction.unit_id, interaction.occurred_on))
                for pk in orgs:
                    contacts[("o", pk)].append((interaction.unit_id, interaction.occurred_on))
            Through.objects.bulk_create(people_rows)
            OrgThrough.objects.bulk_create(org_rows)
            StaffThrough.objects.bulk_create(staff_rows)
        result.interactions += size
        _report(progress, "interactions", result.interactions, count, started)
    for key in keys:
        party = ("p", key.person_id) if key.person_id else ("o", key.organization_id)
        prefix = context.paths[key.unit_id]
        days = [day for unit, day in contacts.get(party, ()) if context.paths.get(unit, "").startswith(prefix)]
        key.last_contact_on = max(days) if days else None
        key.due_on = (key.last_contact_on or key.since) + datetime.timedelta(days=key.cadence_days)
    KeyContact.objects.bulk_create(keys, batch_size=BATCH)
    result.key_contacts = len(keys)
    return result


def _key_contact_rows(context: _Context, count: int) -> list:
    from qiao.relations.models import KeyContact

    rng, rows, taken = context.rng, [], set()
    enterprises = [(pk, unit) for pk, unit, kind in context.orgs if kind == "enterprise"]
    others = [(pk, unit) for pk, unit, _kind in context.orgs]
    for _ in range(count * 2):
        if len(rows) >= count:
            break
        if context.people and (not others or rng.random() < 0.67):
            pk, unit = rng.choice(context.people)
            person, org, kind = pk, None, "key"
        else:
            liaison = enterprises and rng.random() < 0.4
            pk, unit = rng.choice(enterprises if liaison else others)
            person, org, kind = None, pk, "liaison" if liaison else "key"
        if (unit, person, org, kind) in taken or unit not in context.staff or not context.staff[unit]:
            continue
        taken.add((unit, person, org, kind))
        since = context.day(years=2)
        rows.append(
            KeyContact(
                unit_id=unit,
                kind=kind,
                person_id=person,
                organization_id=org,
                cadence_days=_draw(rng, CADENCES),
                responsible_id=context.member(unit),
                since=since,
                due_on=since,
                reason="",
            )
        )
    return rows


# ---------------------------------------------------------------- agreements


def agreements(
    count: int,
    *,
    seed: int = 1,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> Counts:
    """`count` agreements over five years, each with two or three parties (sister agreements: two
    organisations, one of them a school or university of Hong Kong or Macao), one to four
    commitments, terms of three or five years (so the older ones have expired) and a few ended."""
    from qiao.agreements.models import Agreement, AgreementParty, Commitment

    context = _context(seed + 1, today)
    rng, result = context.rng, Counts()
    if len(context.orgs) < 2:
        return result
    schools = [(pk, unit) for pk, unit, kind in context.orgs if kind == "university"] or [
        (pk, unit) for pk, unit, _kind in context.orgs
    ]
    Units = Agreement.our_units.through
    started = time.monotonic()
    for size in _chunks(count, 2_000):
        with transaction.atomic():
            plans = []
            for _ in range(size):
                kind = _draw(rng, AGREEMENT_KINDS)
                unit = context.unit()
                signed = context.day(years=5)
                if kind == "sister":
                    first, second = (
                        rng.sample(schools, 2)
                        if len(schools) > 1
                        else rng.sample([(o[0], o[1]) for o in context.orgs], 2)
                    )
                    orgs, units = [first[0], second[0]], []
                else:
                    orgs, units = [rng.choice(context.orgs)[0]], [unit]
                    if rng.random() < 0.3:
                        extra = rng.choice(context.orgs)[0]
                        if extra not in orgs:
                            orgs.append(extra)
                years = rng.choice([3, 5, None])
                ends = (
                    signed.replace(year=signed.year + years)
                    if years and not (signed.month == 2 and signed.day == 29)
                    else None
                )
                ended = ends is not None and ends > context.today and rng.random() < 0.05
                agreement = Agreement(
                    unit_id=unit,
                    title=AGREEMENT_TITLES[kind],
                    kind=kind,
                    signed_on=signed,
                    starts_on=signed,
                    ends_on=ends,
                    scope="",
                    ended=ended,
                    ended_on=context.today - datetime.timedelta(days=rng.randint(1, 60)) if ended else None,
                    end_reason="双方协商提前终止" if ended else "",
                )
                plans.append((agreement, orgs, units))
            made = Agreement.objects.bulk_create([plan[0] for plan in plans])
            if made and made[0].pk is None:
                made = list(Agreement.objects.order_by("-pk")[: len(plans)])[::-1]
            parties, unit_rows, commitments = [], [], []
            for agreement, (_a, orgs, units) in zip(made, plans, strict=True):
                parties += [AgreementParty(agreement_id=agreement.pk, organization_id=pk) for pk in orgs]
                unit_rows += [Units(agreement_id=agreement.pk, unit_id=pk) for pk in units]
                for position, text in enumerate(rng.sample(COMMITMENTS, rng.randint(1, 4))):
                    due = agreement.signed_on + datetime.timedelta(days=rng.randint(60, 900))
                    done = due <= context.today and rng.random() < 0.75
                    commitments.append(
                        Commitment(
                            agreement_id=agreement.pk,
                            text=text,
                            owner_id=context.member(agreement.unit_id),
                            due_on=due,
                            done_on=min(due, context.today) if done else None,
                            position=position,
                        )
                    )
            AgreementParty.objects.bulk_create(parties)
            Units.objects.bulk_create(unit_rows)
            Commitment.objects.bulk_create(commitments)
            result.commitments += len(commitments)
        result.agreements += size
        _report(progress, "agreements", result.agreements, count, started)
    return result


# ---------------------------------------------------------------- carriers and residencies


def carriers(
    count: int,
    *,
    residencies: int | None = None,
    seed: int = 1,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> Counts:
    """`count` carriers with `residencies` teams and enterprises hosted in all (default: 15 per
    carrier), entering over five years and staying one to three years, never more at once than the
    carrier's capacity; about half the teams that left graduated, some registered a company or
    raised funding."""
    from qiao.carriers.models import Carrier, Milestone, Residency

    context = _context(seed + 2, today)
    rng, result = context.rng, Counts()
    total = count * 15 if residencies is None else residencies
    fields = [pk for pk, _name in _taxonomy()]
    carriers_made = []
    with transaction.atomic():
        for index in range(count):
            kind = _draw(rng, CARRIER_KINDS)
            unit = context.unit()
            carriers_made.append(
                Carrier(
                    unit_id=unit,
                    name=f"{rng.choice(PLACES)}{CARRIER_NAMES[kind]}{index + 1}",
                    kind=kind,
                    floor_area=decimal.Decimal(rng.choice([800, 1500, 3000, 5000, 12000, 30000])),
                    capacity=rng.choice([20, 30, 50, 80, 120]),
                    opened_on=context.today.replace(year=context.today.year - 6),
                )
            )
        carriers_made = Carrier.objects.bulk_create(carriers_made)
        if carriers_made and carriers_made[0].pk is None:
            carriers_made = list(Carrier.objects.order_by("-pk")[:count])[::-1]
    result.carriers = len(carriers_made)
    if not carriers_made:
        return result
    Founders = Residency.founders.through
    started = time.monotonic()
    per_carrier = defaultdict(list)  # carrier → [(entered, exited)] to respect the capacity
    for size in _chunks(total, 2_000):
        with transaction.atomic():
            plans = []
            for _ in range(size):
                carrier = rng.choice(carriers_made)
                for _attempt in range(5):
                    entered = context.day(years=5)
                    stay = rng.randint(300, 1100)
                    exited = entered + datetime.timedelta(days=stay)
                    exited = exited if exited <= context.today else None
                    stays = per_carrier[carrier.pk]
                    busy = sum(1 for a, b in stays if a <= entered and (b is None or b > entered))
                    if busy < carrier.capacity:
                        break
                else:
                    continue
                per_carrier[carrier.pk].append((entered, exited))
                kind = "team" if rng.random() < 0.7 else "enterprise"
                origin = _draw(rng, ORIGINS)
                graduated = exited is not None and rng.random() < 0.5
                residency = Residency(
                    carrier_id=carrier.pk,
                    kind=kind,
                    name=f"{rng.choice(TEAM_WORDS)}{rng.choice(TEAM_FIELDS)}{'团队' if kind == 'team' else '有限公司'}",
                    origin=origin,
                    origin_country=rng.choice(COUNTRIES) if origin == "OVERSEAS" else "",
                    field_id=rng.choice(fields) if fields else None,
                    entered_on=entered,
                    exited_on=exited,
                    exit_kind=("graduated" if graduated else "left") if exited else "",
                )
                plans.append(residency)
            made = Residency.objects.bulk_create(plans)
            if made and made[0].pk is None:
                made = list(Residency.objects.order_by("-pk")[: len(plans)])[::-1]
            milestones, founders = [], []
            for residency in made:
                end = residency.exited_on or context.today
                span = max((end - residency.entered_on).days, 1)
                if rng.random() < 0.35:
                    milestones.append(
                        Milestone(
                            residency_id=residency.pk,
                            kind="registered",
                            on=residency.entered_on + datetime.timedelta(days=rng.randrange(span)),
                        )
                    )
                if rng.random() < 0.15:
                    milestones.append(
                        Milestone(
                            residency_id=residency.pk,
                            kind="funded",
                            on=residency.entered_on + datetime.timedelta(days=rng.randrange(span)),
                            amount=decimal.Decimal(rng.choice([50, 100, 300, 500, 1000, 3000]) * 10_000),
                        )
                    )
                if residency.exited_on:
                    milestones.append(
                        Milestone(residency_id=residency.pk, kind=residency.exit_kind, on=residency.exited_on)
                    )
                if context.people:
                    for pk, _unit in rng.sample(context.people, min(len(context.people), rng.randint(1, 3))):
                        founders.append(Founders(residency_id=residency.pk, person_id=pk))
            Milestone.objects.bulk_create(milestones)
            Founders.objects.bulk_create(founders, ignore_conflicts=True)
            result.residencies += len(made)
        _report(progress, "hosted teams and enterprises", result.residencies, total, started)
    return result


# ---------------------------------------------------------------- proposals and public roles


def proposals(
    count: int,
    *,
    seed: int = 1,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> Counts:
    """Public roles for some people (one for every two proposals) and `count` proposals by them
    over five years, one to three authors each; about a third adopted and a tenth endorsed by
    leaders."""
    from qiao.proposals.models import Proposal, PublicRole

    context = _context(seed + 3, today)
    rng, result = context.rng, Counts()
    if not context.people:
        return result
    holders = rng.sample(context.people, min(len(context.people), max(1, count // 2)))
    roles = []
    for pk, _unit in holders:
        kind = _draw(rng, ROLE_KINDS)
        start = context.day(years=8)
        roles.append(
            PublicRole(
                person_id=pk,
                kind=kind,
                body=rng.choice(ROLE_BODIES[kind]),
                title=rng.choice(ROLE_TITLES[kind]),
                starts_on=start,
                ends_on=start.replace(year=start.year + 5) if not (start.month == 2 and start.day == 29) else None,
            )
        )
    PublicRole.objects.bulk_create(roles, batch_size=BATCH)
    result.public_roles = len(roles)
    Authors = Proposal.authors.through
    started = time.monotonic()
    for size in _chunks(count, 2_000):
        with transaction.atomic():
            plans = []
            for _ in range(size):
                authors = rng.sample(holders, min(len(holders), rng.choice([1, 1, 1, 2, 3])))
                submitted = context.day(years=5)
                outcome = "submitted"
                adopted = endorsed = None
                if rng.random() < 0.35:
                    outcome, adopted = "adopted", submitted + datetime.timedelta(days=rng.randint(30, 200))
                    if rng.random() < 0.3:
                        outcome, endorsed = "endorsed", adopted + datetime.timedelta(days=rng.randint(5, 60))
                    if (endorsed or adopted) > context.today:
                        outcome, adopted, endorsed = "submitted", None, None
                plans.append(
                    (
                        Proposal(
                            unit_id=authors[0][1],
                            title=rng.choice(TOPICS),
                            channel=_draw(rng, CHANNELS),
                            submitted_on=submitted,
                            venue="",
                            outcome=outcome,
                            adopted_on=adopted,
                            endorsed_on=endorsed,
                        ),
                        [pk for pk, _unit in authors],
                    )
                )
            made = Proposal.objects.bulk_create([plan[0] for plan in plans])
            if made and made[0].pk is None:
                made = list(Proposal.objects.order_by("-pk")[: len(plans)])[::-1]
            Authors.objects.bulk_create(
                [
                    Authors(proposal_id=p.pk, person_id=pk)
                    for p, (_p, people) in zip(made, plans, strict=True)
                    for pk in people
                ]
            )
        result.proposals += size
        _report(progress, "proposals", result.proposals, count, started)
    return result
