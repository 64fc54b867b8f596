"""Demo activities: about two years of delegations, talks (学长说 with editions and speakers), field
visits and an internship batch, under the programme 万名青年到惠州, with repeat visitors and
first-timers. The timeline ends in the month after the day the demo is loaded (the last month's lists
are registrations only), so that this year's figures and bulletins have something to show."""

from __future__ import annotations

import datetime

ACTIVITY_PLAN = [
    # kind, title, unit key, partner index (or None), size
    ("delegation", "香港青年联会交流团", "a", 0, 24),
    ("delegation", "澳门青年创业考察团", "b", 1, 18),
    ("exchange-visit", "台湾青年惠州行", "c", None, 15),
    ("field-visit", "仲恺高新区企业参访", "a", None, 12),
    ("training-camp", "港澳青年创业训练营", "centre", 2, 20),
    ("policy-consultation", "港澳青年就业创业政策宣讲", "hk", None, 10),
]


MONTHS = 22


def _months_before(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def load(rng, units, orgs, people, admin) -> int:
    """Add the demo activities; returns how many participations were written."""
    from qiao.activities import services
    from qiao.activities.defaults import ensure
    from qiao.activities.models import Activity, ActivityKind, Programme, Series, TargetGroup

    ensure()
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    groups = {g.code: g for g in TargetGroup.objects.all()}
    associations = [o for o in orgs if o.kind == "association"] or orgs
    today = datetime.date.today()
    first = _months_before(today, MONTHS - 2)  # the first month of the timeline
    programme = Programme.objects.create(
        unit=units["centre"], name="万名青年到惠州", start_date=first.replace(month=1), goal=10000
    )
    talks = Series.objects.create(unit=units["a"], name="学长说", kind=kinds["talk"])
    by_unit = {}
    for person in people:
        by_unit.setdefault(person.unit_id, []).append(person)
    everyone = list(people)
    written = 0
    start = first.replace(day=13)
    for month in range(MONTHS):
        day = start + datetime.timedelta(days=30 * month)
        for kind, title, unit_key, partner, size in ACTIVITY_PLAN:
            if (month + len(title)) % 3:
                continue
            unit = units[unit_key]
            activity = services.save_activity(
                admin,
                Activity(
                    unit=unit,
                    kind=kinds[kind],
                    title=f"{title}（{day.year}年{day.month}月）",
                    start_date=day,
                    end_date=day + datetime.timedelta(days=2 if kind in ("delegation", "training-camp") else 0),
                    place="惠州",
                    programme=programme,
                ),
                partners=[associations[partner % len(associations)]] if partner is not None else None,
                target_groups=[groups["hk-youth"], groups["mo-youth"]] if kind == "delegation" else None,
            )
            pool = by_unit.get(unit.pk) or everyone
            written += _attend(rng, admin, activity, rng.sample(pool, min(size, len(pool))), day)
        if month % 2 == 0:  # 学长说, an edition every two months, with a speaker
            edition = month // 2 + 1
            talk = services.save_activity(
                admin,
                Activity(
                    unit=units["a"],
                    kind=kinds["talk"],
                    title="学长说",
                    start_date=day + datetime.timedelta(days=7),
                    place="仲恺港澳青年创业基地",
                    series=talks,
                    edition=edition,
                    programme=programme,
                ),
            )
            pool = by_unit.get(units["a"].pk) or everyone
            chosen = rng.sample(pool, min(12, len(pool)))
            services.add_participant(admin, talk, chosen[0], role="speaker", status="attended")
            written += 1 + _attend(rng, admin, talk, chosen[1:], talk.start_date)
    # an internship batch
    batch = services.save_activity(
        admin,
        Activity(
            unit=units["centre"],
            kind=kinds["internship-batch"],
            title="香港青年到惠州实习 第4批",
            start_date=_months_before(today, 4),
            end_date=_months_before(today, 2) - datetime.timedelta(days=1),
            programme=programme,
        ),
    )
    hk = [p for p in everyone if p.region == "HK"]
    written += _internships(rng, admin, units, orgs, batch, rng.sample(hk, min(22, len(hk))))
    return written


POSITIONS = [
    ("数据分析实习生", "熟悉 Excel、Python 或 SQL，普通话或粤语沟通", 6),
    ("跨境电商运营实习生", "了解社交媒体运营，英语良好", 8),
    ("新能源电池研发助理", "理工科在读或应届，化学、材料相关专业优先", 4),
    ("港澳事务行政实习生", "熟悉繁简体中文写作，细心", 6),
]


def _internships(rng, admin, units, orgs, batch, interns) -> int:
    """Positions at enterprises, applications from the interns and a few more, placements in the batch."""
    from qiao.internships import services as internships
    from qiao.internships.models import InternshipPosition

    enterprises = [o for o in orgs if o.kind == "enterprise"] or orgs
    positions = [
        internships.save_position(
            admin,
            InternshipPosition(
                unit=units["centre"],
                organization=enterprises[index % len(enterprises)],
                title=title,
                requirements=requirements,
                slots=slots,
                start_date=batch.start_date,
                end_date=batch.end_date,
                place="惠州",
            ),
        )
        for index, (title, requirements, slots) in enumerate(POSITIONS)
    ]
    placed = 0
    for number, person in enumerate(interns):
        position = positions[number % len(positions)]
        application = internships.apply(admin, position, person)
        if placed < sum(p.slots for p in positions) and number % 5 != 4:
            internships.place(admin, application, batch, outcome=rng.choice(["completed"] * 4 + ["offered_job"]))
            placed += 1
        elif number % 2:
            internships.shortlist(admin, application)
    return placed


def _attend(rng, admin, activity, people, day) -> int:
    from qiao.activities import services

    past = day <= datetime.date.today()
    for person in people:
        roll = rng.random()
        status = "registered" if not past else "attended" if roll < 0.85 else "absent" if roll < 0.95 else "cancelled"
        services.add_participant(
            admin,
            activity,
            person,
            status=status,
            first_visit_declared=rng.random() < 0.4 if activity.kind.code == "delegation" else None,
        )
    return len(people)
