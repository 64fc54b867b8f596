"""Build the demo network, users, organisations and people."""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from qiao import identity

from . import activities as demo_activities
from . import matching as demo_matching
from . import names, numbers
from . import organizations as orgdata
from . import projects as demo_projects
from . import relations as demo_relations

PASSWORD = "qiao-demo-2024"
SEED = 2024

UNITS = [
    # key, name, kind, parent key, code
    ("centre", "惠州港澳青年服务中心", "centre", None, "hz-centre"),
    ("a", "仲恺基地", "base", "centre", "zhongkai"),
    ("b", "惠阳基地", "base", "centre", "huiyang"),
    ("c", "大亚湾基地", "base", "centre", "daya-bay"),
    ("a1", "仲恺陈江街道服务点", "office", "a", "zhongkai-chenjiang"),
    ("hk", "香港工作站", "workstation", "centre", "hk-station"),
]
USERS = [
    # username, display name, unit key, role
    ("centre-manager", "李主任", "centre", "manager"),
    ("centre-admin", "系统管理员（中心）", "centre", "admin"),
    ("base-a-staff", "黄小燕", "a", "staff"),
    ("base-a-viewer", "刘志华", "a", "viewer"),
    ("base-b-staff", "张伟", "b", "staff"),
    ("base-c-manager", "陈敏", "c", "manager"),
    ("hk-staff", "何嘉欣", "hk", "staff"),
]
PERSON_UNITS = ["a", "a", "a1", "b", "b", "c", "c", "hk", "hk", "centre"]


def load(stdout=None) -> dict:
    """Load the whole demo in one transaction. Returns counts."""
    from qiao.core.context import acting
    from qiao.core.models import Membership, Unit, User

    rng = random.Random(SEED)
    with transaction.atomic():
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = User.objects.create_superuser("admin", email="", password=PASSWORD, display_name="系统管理员")
        with acting(user=admin, source="command"):
            units = {}
            for key, name, kind, parent, code in UNITS:
                units[key] = Unit.objects.create(name=name, kind=kind, parent=units.get(parent), code=code)
            for username, display, unit_key, role in USERS:
                user = User.objects.create_user(username, password=PASSWORD, display_name=display)
                Membership.objects.create(user=user, unit=units[unit_key], role=role)
            orgs = _organizations(rng, units)
            people = _people(rng, units, orgs, admin)
            participations = demo_activities.load(rng, units, orgs, people, admin)
            matching = demo_matching.load(rng, units, orgs, people, admin)
            ledger = demo_projects.load(units, orgs, people, admin)
            relations = demo_relations.load(units, orgs, people, admin)
    return {
        "units": len(units),
        "users": len(USERS) + 1,
        "organizations": len(orgs),
        "people": len(people),
        "participations": participations,
        **matching,
        **ledger,
        **relations,
    }


def _organizations(rng, units) -> list:
    from qiao.orgs.models import Organization

    created = []

    def make(name, kind, region, unit_key, **extra):
        org = Organization.objects.create(name=name, kind=kind, region=region, unit=units[unit_key], **extra)
        created.append(org)
        return org

    federation = make(
        orgdata.FEDERATION[0],
        "association",
        "HK",
        "hk",
        name_latin=orgdata.FEDERATION[1],
        registration_kind="hk_br",
        registration_number=numbers.hk_br(rng),
        address="香港九龍",
    )
    for name, region in orgdata.MEMBER_ASSOCIATIONS:
        make(
            name,
            "association",
            region,
            "hk",
            parent=federation,
            registration_kind="hk_br",
            registration_number=numbers.hk_br(rng),
        )
    for name, region in orgdata.OTHER_ASSOCIATIONS:
        make(name, "association", region, rng.choice(["centre", "hk", "a", "b"]))
    for name, latin, region in orgdata.UNIVERSITIES:
        make(name, "university", region, "centre", name_latin=latin)
    for name, region, industry in orgdata.ENTERPRISES:
        registration = {
            "MAINLAND": ("uscc", numbers.uscc(rng)),
            "TW": ("tw_ubn", numbers.tw_ubn(rng)),
            "HK": ("uscc", numbers.uscc(rng)),
            "MO": ("uscc", numbers.uscc(rng)),
        }.get(region, ("", ""))
        make(
            name,
            "enterprise",
            region,
            rng.choice(["a", "a", "b", "c", "a1"]),
            industry=industry,
            registration_kind=registration[0],
            registration_number=registration[1],
        )
    group = created[-1]
    for suffix in ("（香港）有限公司", "（惠州）有限公司"):
        make(
            group.name.replace("有限公司", "") + suffix,
            "enterprise",
            "MO",
            group.unit and "a",
            parent=group,
            industry=group.industry,
        )
    for name, region in orgdata.INSTITUTES:
        make(name, "research", region, "centre")
    for name in orgdata.GOVERNMENT:
        make(name, "government", "HK" if "香港" in name else "MAINLAND", "centre")
    while len(created) < 80:
        index = len(created)
        make(
            f"惠州港澳青年创业团队{index:02d}号有限公司",
            "enterprise",
            rng.choice(["HK", "MO"]),
            rng.choice(["a", "b", "c"]),
            industry=rng.choice(names.TAGS),
        )
    return created


def _birth(rng) -> datetime.date:
    return datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randint(0, 365 * 40))


def _phone(rng, region) -> str:
    for _attempt in range(50):
        try:
            return identity.normalize_phone(_raw_phone(rng, region), "CN" if region == "MAINLAND" else None)
        except identity.NumberError:
            continue  # a number in an unallocated range: draw again
    raise RuntimeError("could not draw a valid phone number")


def _raw_phone(rng, region) -> str:
    if region == "HK":
        raw = f"+852 {rng.choice('569')}{rng.randint(1000000, 9999999)}"
    elif region == "MO":
        raw = f"+853 6{rng.randint(1000000, 9999999)}"
    elif region == "TW":
        raw = f"+886 9{rng.randint(10000000, 99999999)}"
    elif region == "OVERSEAS":
        raw = rng.choice(
            [
                f"+65 9{rng.randint(1000000, 9999999)}",
                f"+60 12{rng.randint(1000000, 9999999)}",
                f"+1 416{rng.randint(2000000, 9999999)}",
                f"+44 7700{rng.randint(100000, 999999)}",
            ]
        )
    else:
        raw = f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}"
    return raw


def person_spec(rng, region: str):
    """(name, latin, documents, country) for one person of a region."""
    surname = rng.choice(names.SURNAMES)
    given = rng.choice(names.GIVEN)
    birth = _birth(rng)
    if region == "HK":
        docs = [("hkid", numbers.hkid(rng))]
        if rng.random() < 0.6:
            docs.append(("hk_mo_permit", numbers.hk_mo_permit(rng, "HK")))
        return surname[0] + given[0], f"{surname[1]} {given[1]}", docs, "", birth
    if region == "MO":
        docs = [("mo_id", numbers.macao_id(rng)), ("hk_mo_permit", numbers.hk_mo_permit(rng, "MO"))]
        return surname[0] + given[0], f"{surname[2]} {given[2]}", docs, "", birth
    if region == "TW":
        docs = [("tw_id", numbers.taiwan_id(rng)), ("tw_permit", numbers.tw_permit(rng))]
        return surname[0] + given[0], f"{surname[3]} {given[3]}", docs, "", birth
    if region == "OVERSEAS":
        name, latin, country = rng.choice(names.OVERSEAS)
        return name, latin, [("passport", numbers.passport(rng))], country, birth
    docs = [("cn_id", numbers.cn_id(rng, birth))]
    return surname[4] + given[4], f"{surname[5].upper()} {given[5]}", docs, "", birth


def _people(rng, units, orgs, admin) -> list:
    from qiao.core.models import Tag
    from qiao.people.models import Affiliation, Person, PersonRole, PersonShare
    from qiao.people.services import save_person

    roles = {role.code: role for role in PersonRole.objects.all()}
    tags = Tag.for_names(names.TAGS)
    associations = [o for o in orgs if o.kind == "association"]
    people = []

    def add(unit_key, region, spec, **extra):
        name, latin, docs, country, birth = spec
        person = Person(
            unit=units[unit_key],
            name=name,
            name_latin=latin,
            region=region,
            country=country,
            gender=rng.choice("MF"),
            birth_date=birth,
            phones=[_phone(rng, region)],
            emails=[f"{latin.split()[-1].lower().replace('-', '')}.{len(people) + 1}@example.org"],
            employer=rng.choice(names.EMPLOYERS[region]),
            title=rng.choice(names.TITLES),
            consent_date=datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 600)),
            consent_scope="联络、活动通知及统计",
            consent_source=rng.choice(["活动报名表", "纸质同意书", "线上登记"]),
            profile=extra.pop("profile", ""),
        )
        institution, inst_country = rng.choice(names.INSTITUTIONS[region])
        education = [
            {
                "degree": rng.choice(["bachelor", "bachelor", "master", "doctor"]),
                "institution": institution,
                "country": inst_country,
                "field": rng.choice(names.FIELDS),
                "year": birth.year + rng.randint(21, 30),
            }
        ]
        documents = [
            {
                "kind": kind,
                "number": identity.normalize_document(kind, number),
                "country": country if kind == "passport" else "",
            }
            for kind, number in docs
        ]
        person_roles = [roles[c] for c in rng.sample(sorted(roles), k=rng.randint(1, 2))] if roles else []
        save_person(
            admin,
            person,
            documents=documents,
            education=education,
            tags=[t.name for t in rng.sample(tags, k=rng.randint(1, 3))],
            roles=person_roles,
        )
        people.append(person)
        return person

    # The people the docs and tests talk about
    chan = add(
        "a",
        "HK",
        ("陳大文", "CHAN Tai Man", [("hkid", "A1234563")], "", datetime.date(1990, 5, 4)),
        profile="金融科技创业者，十年投行经验，熟悉跨境支付。",
    )
    add("b", "HK", ("陳大文", "CHAN Tai Man", [("hk_mo_permit", "H12345678")], "", datetime.date(1990, 5, 4)))
    add("hk", "MO", ("黃嘉欣", "VONG Ka Ian", [("mo_id", "12345678")], "", datetime.date(1996, 3, 12)))
    add("a", "TW", ("林美玲", "LIN Mei-ling", [("tw_id", "A123456789")], "", datetime.date(1993, 8, 20)))

    weights = [("HK", 40), ("MO", 15), ("TW", 12), ("OVERSEAS", 13), ("MAINLAND", 20)]
    regions = [region for region, weight in weights for _ in range(weight)]
    while len(people) < 300:
        region = rng.choice(regions)
        unit_key = "hk" if region == "HK" and rng.random() < 0.3 else rng.choice(PERSON_UNITS)
        person = add(unit_key, region, person_spec(rng, region))
        if rng.random() < 0.25 and associations:
            Affiliation.objects.create(
                person=person,
                organization=rng.choice(associations),
                unit=person.unit,
                kind=rng.choice(["member", "member", "leader"]),
                title=rng.choice(["会员", "理事", "副会长", "会长", "秘书长"]),
                start=datetime.date(rng.randint(2015, 2024), 1, 1),
            )
    enterprises = [o for o in orgs if o.kind == "enterprise"]
    for person in rng.sample(people, 40):
        Affiliation.objects.create(
            person=person,
            organization=rng.choice(enterprises),
            unit=person.unit,
            kind=rng.choice(["employee", "founder", "adviser"]),
        )
    PersonShare.objects.create(person=chan, unit=units["hk"], access="view", note="香港工作站协助联络")
    return people
