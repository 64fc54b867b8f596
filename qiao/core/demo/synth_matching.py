"""Synthetic talent profiles and demands at scale, with a labelled evaluation set for the ranking.

Profiles are written for existing synthetic people: one true field each (a leaf of the taxonomy,
some much more common than others), tagged on the profile for a little over half of them; the
others only name it in their text, in Simplified, Traditional or English, often by a synonym
(動力電池, Li-ion, 芯片 …), among sentences that name no field (studies, employers, wishes). A
tenth also mention a second, unrelated field in passing. Degree (an Education row), years of
experience, languages by region of origin, work modes, places, consent (mostly yes) and
availability are drawn as an office's records would have them.

Demands ask for one field (a leaf, sometimes the level above), tagged or only named in their text,
with a minimum degree (sometimes a hard condition), experience, languages, work mode and place.

The evaluation set comes from the generator's own truth, not from the engine: for each demand, the
grade of every profile it generated (3: the demand's field, or one under it, and meets the degree,
experience and languages asked; 2: that field without those conditions, or a close field — sibling,
parent or child — with them; 1: the same top branch; 0: otherwise, and anyone the demand's hard
conditions exclude: no consent, unavailable, below a required degree).

Like `synth.people`, this bypasses the services layer on purpose (bulk inserts, no history).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

from qiao import text

SCRIPTS = (("hans", 0.45), ("hant", 0.30), ("en", 0.25))
DEGREES = (("secondary", 0.04), ("associate", 0.09), ("bachelor", 0.44), ("master", 0.30), ("doctor", 0.13))
RANK = {"": 0, "secondary": 1, "associate": 2, "bachelor": 3, "master": 4, "doctor": 5}
PLACES = ["惠州", "深圳", "广州", "香港", "东莞", "珠海", "澳门", "佛山"]
PLACES_EN = {"惠州": "Huizhou", "深圳": "Shenzhen", "广州": "Guangzhou", "香港": "Hong Kong", "东莞": "Dongguan",
             "珠海": "Zhuhai", "澳门": "Macao", "佛山": "Foshan"}  # fmt: skip
LANGUAGES_BY_REGION = {
    "HK": (("cantonese", 1.0), ("english", 0.9), ("mandarin", 0.7)),
    "MO": (("cantonese", 1.0), ("mandarin", 0.8), ("portuguese", 0.2), ("english", 0.6)),
    "TW": (("mandarin", 1.0), ("hokkien", 0.5), ("english", 0.5), ("japanese", 0.1)),
    "OVERSEAS": (("english", 1.0), ("mandarin", 0.6), ("cantonese", 0.4), ("french", 0.05)),
    "MAINLAND": (("mandarin", 1.0), ("english", 0.6), ("cantonese", 0.2)),
}
UNIVERSITIES = {
    "hans": ["清华大学", "中山大学", "华南理工大学", "南方科技大学", "暨南大学", "深圳大学"],
    "hant": ["香港大學", "香港中文大學", "香港科技大學", "澳門大學", "國立臺灣大學", "國立清華大學"],
    "en": ["the University of Hong Kong", "HKUST", "the University of Toronto", "NUS", "UCL", "Monash University"],
}
# Sentences that name no field of the taxonomy: what profiles say besides their speciality.
FILLER = {
    "hans": [
        "毕业于{uni}，获{degree}学位。",
        "{years}年相关从业背景，沟通能力强。",
        "曾在多家企业任职，带领过十人以上团队。",
        "性格开朗，执行力强，乐于学习新事物。",
        "希望到大湾区内地城市发展，可以接受出差。",
        "普通话流利，能用英文撰写报告。",
        "参加过多次港澳青年交流活动。",
        "有创业经历，熟悉团队管理和项目统筹。",
    ],
    "hant": [
        "畢業於{uni}，獲{degree}學位。",
        "{years}年相關從業背景，溝通能力強。",
        "曾在多間公司任職，帶領過十人以上團隊。",
        "性格開朗，執行力強，樂於學習新事物。",
        "希望到大灣區內地城市發展，可接受出差。",
        "粵語為母語，普通話流利。",
        "曾參與多次青年交流團。",
        "有創業經驗，熟悉團隊管理及項目統籌。",
    ],
    "en": [
        "Graduated from {uni} with a {degree} degree.",
        "{years} years in the industry; strong communicator.",
        "Has led teams of more than ten people.",
        "Open to relocating to the Greater Bay Area.",
        "Fluent in English, conversational Mandarin.",
        "Took part in several youth exchange programmes.",
        "Founded a small start-up after graduating.",
    ],
}
CORE = {
    "hans": ["从事{name}相关研发{years}年。", "主要方向是{name}，负责{name}项目的落地。", "长期专注{name}领域。",
             "在{name}方面积累了丰富的实践。"],
    "hant": ["從事{name}相關研發{years}年。", "主要方向是{name}，負責{name}項目的落地。", "長期專注{name}領域。",
             "在{name}方面累積了豐富的實踐。"],
    "en": ["{years} years working on {name}.", "Focus on {name}; delivered several {name} projects.",
           "Specialist in {name}.", "Hands-on background in {name}."],
}  # fmt: skip
PASSING = {"hans": "业余关注{name}。", "hant": "業餘關注{name}。", "en": "Also curious about {name}."}
TITLES = {"hans": ["{name}工程师", "{name}研究员", "{name}经理", "{name}顾问"],
          "hant": ["{name}工程師", "{name}研究員", "{name}經理", "{name}顧問"],
          "en": ["{name} engineer", "{name} researcher", "{name} manager", "{name} specialist"]}  # fmt: skip
DEMAND_TITLES = {
    "hans": ["招聘{name}工程师", "{name}研发岗位", "寻找{name}方向专家", "{name}项目合作"],
    "hant": ["招聘{name}工程師", "{name}研發崗位", "尋找{name}方向專家", "{name}項目合作"],
    "en": ["{name} engineer wanted", "Senior {name} specialist", "{name} research partner"],
}
DEMAND_TEXT = {
    "hans": "公司位于{place}，现因业务扩展，需要熟悉{name}的人才加入，参与{name2}相关产品的开发。",
    "hant": "公司位於{place}，現因業務擴展，需要熟悉{name}的人才加入，參與{name2}相關產品的開發。",
    "en": "We are based in {place} and growing; we need people who know {name} to work on our {name2} products.",
}
DEGREE_WORDS = {
    "hans": {"secondary": "中学", "associate": "副学士", "bachelor": "学士", "master": "硕士", "doctor": "博士"},
    "hant": {"secondary": "中學", "associate": "副學士", "bachelor": "學士", "master": "碩士", "doctor": "博士"},
    "en": {"secondary": "secondary", "associate": "associate", "bachelor": "bachelor's", "master": "master's",
           "doctor": "doctoral"},
}  # fmt: skip


@dataclass
class Node:
    pk: int
    parent: int | None
    top: int
    names: dict  # script → list of names


@dataclass
class Person:
    field: int
    degree: str
    years: int | None
    languages: tuple
    consent: bool
    available: bool


@dataclass
class Result:
    people: dict[int, Person] = field(default_factory=dict)
    nodes: dict[int, Node] = field(default_factory=dict)
    demands: dict[int, dict] = field(default_factory=dict)


def _taxonomy() -> dict[int, Node]:
    from qiao.matching.defaults import ensure
    from qiao.matching.models import Field

    if not Field.objects.exists():
        ensure()
    rows = list(Field.objects.order_by("path"))
    nodes = {}
    for row in rows:
        names = {"hans": [row.name], "hant": [row.name_hant or row.name], "en": [row.name_en or row.name]}
        for synonym in row.names()[3:]:
            if not text.has_han(synonym):
                if len(synonym) > 3 or synonym.isupper():
                    names["en"].append(synonym)
            elif text.to_simplified(synonym) == synonym:
                names["hans"].append(synonym)
            else:
                names["hant"].append(synonym)
        top = row.ancestor_ids[0] if row.ancestor_ids else row.pk
        nodes[row.pk] = Node(row.pk, row.parent_id, top, names)
    return nodes


def _leaves(nodes: dict[int, Node]) -> list[int]:
    parents = {n.parent for n in nodes.values()}
    return [pk for pk in nodes if pk not in parents]


def _pick(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _name(rng: random.Random, node: Node, script: str, canonical: float = 0.5) -> str:
    names = node.names[script]
    return names[0] if rng.random() < canonical or len(names) == 1 else rng.choice(names[1:])


def _languages(rng: random.Random, region: str) -> tuple:
    if rng.random() < 0.05:
        return ()
    return tuple(code for code, share in LANGUAGES_BY_REGION.get(region or "MAINLAND", ()) if rng.random() < share)


def profiles(count: int, *, seed: int = 1, batch: int = 5000, progress: Callable[[str], None] | None = None,
             truth: Result | None = None) -> Result:  # fmt: skip
    """Talent profiles for up to `count` existing people who have none (lowest ids first)."""
    from qiao.matching.models import TalentProfile
    from qiao.people.models import Person as PersonModel

    rng = random.Random(seed)
    result = truth or Result()
    result.nodes = result.nodes or _taxonomy()
    leaves = _leaves(result.nodes)
    leaf_weights = [1 / (rank + 3) ** 0.7 for rank in range(len(leaves))]  # some fields much more common
    rng.shuffle(leaves)
    people = list(
        PersonModel.objects.filter(talent__isnull=True, deleted_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "region")[:count]
    )
    started, done = time.monotonic(), 0
    for offset in range(0, len(people), batch):
        chunk = people[offset : offset + batch]
        _profiles_batch(rng, chunk, result, leaves, leaf_weights)
        done += len(chunk)
        if progress:
            rate = done / max(time.monotonic() - started, 1e-6)
            progress(f"talent profiles: {done:,}/{len(people):,} ({rate:,.0f}/s)")
    if done and progress:
        progress(f"talent profiles: {TalentProfile.objects.count():,} in the database")
    return result


def _profiles_batch(rng, chunk, result: Result, leaves, leaf_weights) -> None:
    from qiao.matching.models import TalentProfile
    from qiao.people.models import Education

    nodes = result.nodes
    rows, tags, education, texts = [], [], [], []
    for pk, region in chunk:
        node = nodes[rng.choices(leaves, leaf_weights)[0]]
        script = _pick(rng, SCRIPTS)
        degree = _pick(rng, DEGREES) if rng.random() < 0.92 else ""
        years = rng.choice(range(0, 26)) if rng.random() < 0.9 else None
        languages = _languages(rng, region)
        consent = rng.random() < 0.85
        availability = _pick(rng, (("available", 0.3), ("open", 0.6), ("unavailable", 0.1)))
        tagged = rng.random() < 0.55
        sentences = [rng.choice(CORE[script]).format(name=_name(rng, node, script), years=years or 3)]
        if rng.random() < 0.6:
            sentences.append(rng.choice(CORE[script]).format(name=_name(rng, node, script, 0.2), years=years or 3))
        degree_word = DEGREE_WORDS[script].get(degree or "bachelor")
        for template in rng.sample(FILLER[script], rng.randint(1, 3)):
            sentences.append(template.format(uni=rng.choice(UNIVERSITIES[script]), degree=degree_word,
                                             years=years or 2))  # fmt: skip
        if rng.random() < 0.1:  # a second, unrelated field in passing
            other = nodes[rng.choice([pk for pk in leaves if nodes[pk].top != node.top])]
            sentences.append(PASSING[script].format(name=_name(rng, other, script)))
        rng.shuffle(sentences)
        glue = " " if script == "en" else ""
        title = rng.choice(TITLES[script]).format(name=_name(rng, node, script, 0.7)) if rng.random() < 0.7 else ""
        skills = _name(rng, node, script, 0.3) if rng.random() < 0.5 else ""
        places = rng.choice(PLACES) if rng.random() < 0.6 else ""
        modes = rng.sample(["full_time", "part_time", "remote", "short_visit"], rng.choice((0, 1, 1, 2)))
        rows.append(
            {
                "person_id": pk,
                "skills": skills[:300],
                "experience_years": years,
                "languages": list(languages),
                "work_modes": modes,
                "availability": availability,
                "contact_consent": consent,
                "desired_places": places,
                "residence": {"HK": "香港", "MO": "澳门", "TW": "台北"}.get(region, rng.choice(PLACES)),
            }
        )
        tags.append([node.pk] if tagged else [])
        if degree:
            education.append({"person_id": pk, "degree": degree, "institution": rng.choice(UNIVERSITIES[script])})
        texts.append((pk, glue.join(sentences)[:2000], title[:100]))
        result.people[pk] = Person(node.pk, degree, years, languages, consent, availability != "unavailable")
    with transaction.atomic():
        ids = insert(TalentProfile, rows, key="person_id")
        through = TalentProfile.fields.through
        insert(
            through,
            [{"talentprofile_id": ids[row["person_id"]], "field_id": f} for row, fs in zip(rows, tags, strict=True)
             for f in fs],
        )  # fmt: skip
        insert(Education, education)
        _write_texts(texts)


def insert(model, rows: list[dict], key: str | None = None) -> dict:
    """Insert `rows` (attribute name → value) into `model`'s table in one statement (PostgreSQL: arrays
    through unnest; SQLite: executemany); columns not given get the field's default, the same for every
    row, and created/updated stamps now. With `key`, returns key value → new id. No signals, no history:
    synthetic data only."""
    import json as json_module

    from django.db import models
    from django.utils import timezone

    if not rows:
        return {}
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    given = set(rows[0])
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)

    def constant(f):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return now
        return f.get_default()

    def prepared(f, values):
        if isinstance(f, models.JSONField):
            return [None if v is None else json_module.dumps(v, ensure_ascii=False) for v in values]
        if connection.vendor != "postgresql" and isinstance(f, models.DateTimeField):
            return [connection.ops.adapt_datetimefield_value(v) for v in values]
        return values

    count = len(rows)
    data = []
    for f in fields:
        if f.attname in given:
            data.append(prepared(f, [row[f.attname] for row in rows]))
        else:
            data.append(prepared(f, [constant(f)]) * count)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            casts = []
            for f in fields:
                kind = f.db_type(connection)
                if isinstance(f, models.JSONField):
                    kind = "text"
                casts.append(f"%s::{kind}[]")
            selects = ", ".join(
                f"u.c{i}::jsonb" if isinstance(f, models.JSONField) else f"u.c{i}" for i, f in enumerate(fields)
            )
            names = ", ".join(f"c{i}" for i in range(len(fields)))
            sql = f"INSERT INTO {table} ({columns}) SELECT {selects} FROM unnest({', '.join(casts)}) AS u({names})"
            if key:
                sql += f" RETURNING id, {connection.ops.quote_name(model._meta.get_field(key).column)}"
            cursor.execute(sql, data)
            return {k: pk for pk, k in cursor.fetchall()} if key else {}
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(zip(*data, strict=True)))
        if not key:
            return {}
        column = connection.ops.quote_name(model._meta.get_field(key).column)
        wanted = [row[key] for row in rows]
        found = {}
        for start in range(0, len(wanted), 900):
            part = wanted[start : start + 900]
            cursor.execute(
                f"SELECT {column}, id FROM {table} WHERE {column} IN ({', '.join(['%s'] * len(part))})", part
            )
            found.update(cursor.fetchall())
        return found


def _write_texts(texts: list[tuple[int, str, str]]) -> None:
    """Person.profile and Person.title in one statement per batch."""
    from qiao.people.models import Person as PersonModel

    table = connection.ops.quote_name(PersonModel._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids, profiles_, titles = zip(*texts, strict=True) if texts else ((), (), ())
            cursor.execute(
                f"UPDATE {table} AS p SET profile = v.profile, title = v.title "
                "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(id, profile, title) WHERE p.id = v.id",
                [list(ids), list(profiles_), list(titles)],
            )
        else:
            cursor.executemany(f"UPDATE {table} SET profile = %s, title = %s WHERE id = %s",
                               [(p, t, pk) for pk, p, t in texts])  # fmt: skip


def demands(count: int, *, seed: int = 1, truth: Result | None = None, progress=None) -> list[int]:
    """`count` open demands from existing organisations (a few are created when there are none)."""
    from qiao.core.models import Unit
    from qiao.matching.models import Demand
    from qiao.orgs.models import Organization

    from .synth import ensure_network

    rng = random.Random(seed + 7)
    result = truth if truth is not None else Result()
    result.nodes = result.nodes or _taxonomy()
    nodes = result.nodes
    leaves = _leaves(nodes)
    middles = [pk for pk, n in nodes.items() if n.parent is not None and pk not in leaves]
    ensure_network()
    units = list(Unit.objects.order_by("pk").values_list("pk", flat=True))
    organizations = list(Organization.objects.order_by("pk").values_list("pk", "unit_id")[:2000])
    if not organizations:
        for index in range(20):
            org = Organization.objects.create(
                unit_id=rng.choice(units), name=f"合成企业{index:02d}有限公司", kind="enterprise"
            )
            organizations.append((org.pk, org.unit_id))
    made = []
    with transaction.atomic():
        for _ in range(count):
            node = nodes[rng.choice(middles) if middles and rng.random() < 0.15 else rng.choice(leaves)]
            script = _pick(rng, (("hans", 0.6), ("hant", 0.2), ("en", 0.2)))
            place = rng.choice(PLACES)
            name = _name(rng, node, script, 0.6)
            description = DEMAND_TEXT[script].format(
                place=PLACES_EN[place] if script == "en" else place, name=name, name2=_name(rng, node, script, 0.3)
            )
            min_degree = _pick(rng, (("", 0.4), ("bachelor", 0.3), ("master", 0.24), ("doctor", 0.06)))
            org, unit = rng.choice(organizations)
            demand = Demand.objects.create(
                unit_id=unit,
                organization_id=org,
                title=rng.choice(DEMAND_TITLES[script]).format(name=name)[:200],
                description=description,
                skills=_name(rng, node, script, 0.2) if rng.random() < 0.4 else "",
                min_degree=min_degree,
                degree_required=bool(min_degree) and rng.random() < 0.3,
                min_experience_years=rng.choice((1, 2, 3, 5, 8)) if rng.random() < 0.5 else None,
                languages=[c for c in ("mandarin", "cantonese", "english") if rng.random() < 0.25],
                place=place if rng.random() < 0.7 else "",
                work_mode=rng.choice(["full_time", "part_time", "remote", "short_visit", ""]),
                headcount=rng.randint(1, 5),
            )
            if rng.random() < 0.7:
                demand.fields.set([node.pk])
            result.demands[demand.pk] = {
                "field": node.pk,
                "min_degree": min_degree,
                "degree_required": demand.degree_required,
                "min_experience": demand.min_experience_years or 0,
                "languages": tuple(demand.languages),
            }
            made.append(demand.pk)
    if progress:
        progress(f"demands: {len(made):,}")
    return made


def grade(result: Result, demand: dict, person: Person) -> int:
    """The evaluation grade of `person` for `demand`, from the generator's truth (see the module)."""
    if not person.consent or not person.available:
        return 0
    if demand["degree_required"] and RANK[person.degree] < RANK[demand["min_degree"]]:
        return 0
    nodes = result.nodes
    wanted, have = nodes[demand["field"]], nodes[person.field]
    lineage = _lineage(nodes, have.pk)
    exact = wanted.pk in lineage  # the field itself or one under it
    close = not exact and (
        (have.parent is not None and have.parent == wanted.parent) or have.pk in _lineage(nodes, wanted.pk)
    )
    conditions = (
        RANK[person.degree] >= RANK[demand["min_degree"]]
        and (person.years or 0) >= demand["min_experience"]
        and (not demand["min_experience"] or person.years is not None)
        and all(code in person.languages for code in demand["languages"])
    )
    if exact:
        return 3 if conditions else 2
    if close and conditions:
        return 2
    if have.top == wanted.top:
        return 1
    return 0


def _lineage(nodes, pk) -> list[int]:
    found = []
    while pk is not None:
        found.append(pk)
        pk = nodes[pk].parent
    return found


def evaluation(result: Result, demand_ids: list[int]) -> list[dict]:
    """For each demand, the grade (1–3) of every generated profile that has one."""
    labels = []
    for pk in demand_ids:
        demand = result.demands[pk]
        grades = {}
        for person, truth in result.people.items():
            value = grade(result, demand, truth)
            if value:
                grades[str(person)] = value
        labels.append({"demand": pk, "grades": grades})
    return labels


def write_evaluation(labels: list[dict], path: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        legend = "3: exact field and conditions; 2: exact field, or close field and conditions; 1: same branch"
        json.dump({"grades": legend, "demands": labels}, handle)
