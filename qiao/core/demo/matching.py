"""Demo matching: talent profiles for half the demo people (written in Simplified, Traditional or
English), a dozen enterprise demands, matches at every stage, a plan (一人一策) for 陳大文, and the
policies of the policy navigator."""

from __future__ import annotations

import datetime

# field code, profile sentences (any script), skills
PROFILES = [
    (
        "lithium-battery",
        ["從事鋰電池電芯設計與測試多年", "熟悉动力电池热管理", "Lithium-ion cell design and BMS testing"],
        "电芯设计, BMS",
    ),
    (
        "energy-storage",
        ["負責儲能系統集成項目", "参与工商业储能电站建设", "Energy storage system integration"],
        "储能系统集成",
    ),
    ("hydrogen", ["研究燃料電池催化劑", "氢能装备研发工程师", "Hydrogen fuel cell stack research"], "燃料电池"),
    ("photovoltaic", ["光伏組件工藝工程師", "太阳能电站运维", "Solar PV project development"], "光伏"),
    (
        "semiconductors",
        ["芯片設計工程師，熟悉數字前端", "集成电路封装测试", "IC design and verification"],
        "芯片设计, Verilog",
    ),
    (
        "ai",
        ["從事機器學習及計算機視覺研究", "大模型应用开发", "Machine learning engineer, computer vision"],
        "Python, 深度学习",
    ),
    ("software", ["軟件工程師，全棧開發", "企业软件项目经理", "Full-stack software developer"], "Java, 前端"),
    ("data", ["數據分析師，擅長商業智能", "大数据平台开发", "Data scientist, big data analytics"], "SQL, 数据分析"),
    (
        "fintech",
        ["金融科技創業者，熟悉跨境支付", "区块链金融应用", "Fintech product manager, cross-border payments"],
        "跨境支付",
    ),
    ("investment", ["私募股權投資經理", "风险投资分析师", "Venture capital associate"], "投资分析"),
    ("accounting", ["註冊會計師，審計經驗豐富", "跨境税务筹划", "Certified public accountant, audit"], "审计, 税务"),
    (
        "law",
        ["香港執業律師，熟悉商事仲裁", "知识产权律师", "Lawyer, cross-border commercial arbitration"],
        "仲裁, 知识产权",
    ),
    ("pharmaceuticals", ["藥物研發科學家", "创新药临床研究", "Drug discovery scientist"], "药物研发"),
    ("medical-devices", ["醫療器械註冊專員", "医疗设备研发工程师", "Medical device R&D engineer"], "医疗器械"),
    ("logistics", ["跨境電商運營，熟悉供應鏈", "国际物流管理", "Cross-border e-commerce and supply chain"], "跨境电商"),
    ("design", ["工業設計師", "UI/UX 设计师", "Industrial and product designer"], "产品设计"),
    ("petrochemicals", ["石油化工工藝工程師", "精细化工研发", "Petrochemical process engineer"], "化工工艺"),
    ("robotics", ["機械人控制算法工程師", "智能制造产线自动化", "Robotics and automation engineer"], "PLC, 机器人"),
]

# organisation index, kind, title, field codes, description, min degree, required, experience,
# languages, place, mode, headcount, amounts
DEMANDS = [
    (
        0,
        "job",
        "储能系统研发工程师",
        ["energy-storage", "lithium-battery"],
        "负责工商业储能系统的电芯选型、BMS 与热管理设计。",
        "master",
        True,
        3,
        ["mandarin"],
        "惠州仲恺",
        "full_time",
        2,
        (25000, 40000),
    ),
    (
        1,
        "technology",
        "固态锂电池技术攻关合作",
        ["lithium-battery"],
        "寻求固态电解质方向的专家或团队开展联合攻关。",
        "doctor",
        False,
        5,
        [],
        "惠州",
        "short_visit",
        1,
        (500000, 2000000),
    ),
    (
        2,
        "job",
        "算法工程师（计算机视觉）",
        ["ai"],
        "工业质检视觉算法开发，熟悉深度学习框架。",
        "master",
        False,
        2,
        ["english"],
        "惠州",
        "full_time",
        3,
        (20000, 35000),
    ),
    (
        3,
        "internship",
        "数据分析实习生",
        ["data"],
        "暑期实习，协助整理销售数据、制作报表。",
        "bachelor",
        False,
        None,
        ["cantonese", "mandarin"],
        "惠州",
        "full_time",
        4,
        (3000, 4000),
    ),
    (
        4,
        "consultation",
        "跨境支付合规咨询",
        ["fintech", "law"],
        "为企业出海提供跨境支付与数据合规意见。",
        "",
        False,
        5,
        ["english", "cantonese"],
        "香港 / 远程",
        "remote",
        1,
        (None, 80000),
    ),
    (
        5,
        "research",
        "氢燃料电池催化剂联合研究",
        ["hydrogen"],
        "与高校合作研究低铂催化剂。",
        "doctor",
        True,
        None,
        [],
        "惠州大亚湾",
        "part_time",
        2,
        (None, None),
    ),
    (
        6,
        "job",
        "芯片验证工程师",
        ["semiconductors"],
        "数字 IC 验证，熟悉 UVM。",
        "bachelor",
        False,
        3,
        [],
        "深圳 / 惠州",
        "full_time",
        2,
        (30000, 50000),
    ),
    (
        7,
        "partnership",
        "光伏电站项目合作伙伴",
        ["photovoltaic"],
        "寻找港澳投资方共同开发分布式光伏项目。",
        "",
        False,
        None,
        ["cantonese"],
        "惠州",
        "short_visit",
        1,
        (None, None),
    ),
    (
        0,
        "job",
        "跨境电商运营主管",
        ["logistics"],
        "负责亚马逊及独立站运营，英语流利。",
        "bachelor",
        False,
        3,
        ["english"],
        "惠州",
        "full_time",
        1,
        (15000, 25000),
    ),
    (
        2,
        "consultation",
        "知识产权布局咨询",
        ["law"],
        "为新产品线做专利布局与风险排查。",
        "",
        False,
        5,
        [],
        "远程",
        "remote",
        1,
        (None, 50000),
    ),
    (
        3,
        "job",
        "工业机器人调试工程师",
        ["robotics"],
        "负责产线机器人调试与维护。",
        "associate",
        False,
        2,
        [],
        "惠州",
        "full_time",
        3,
        (12000, 18000),
    ),
    (
        1,
        "internship",
        "新药研发实习生",
        ["pharmaceuticals"],
        "协助化合物筛选与实验记录。",
        "bachelor",
        False,
        None,
        [],
        "惠州",
        "full_time",
        2,
        (3500, 4500),
    ),
]


def load(rng, units, orgs, people, admin) -> dict:
    from qiao.matching import engine, services
    from qiao.matching.defaults import ensure
    from qiao.matching.models import Availability, Demand, EmploymentStatus, Field, MatchStage, PlanTask, TalentProfile
    from qiao.policies import demo as policy_demo

    ensure()
    fields = {f.code: f for f in Field.objects.all()}
    profiles = 0
    for index, person in enumerate(people):
        if index % 2 and index > 3:
            continue
        code, sentences, skills = PROFILES[index % len(PROFILES)] if index else PROFILES[8]
        language = rng.choice(["cantonese", "mandarin", "english"])
        profile = TalentProfile(
            person=person,
            skills=skills,
            experience_years=rng.randint(0, 15),
            languages=sorted({language, "mandarin" if person.region == "MAINLAND" else "cantonese"}),
            work_modes=rng.sample(["full_time", "part_time", "remote", "short_visit"], k=rng.randint(1, 2)),
            availability=rng.choice(
                [Availability.AVAILABLE, Availability.OPEN, Availability.OPEN, Availability.UNAVAILABLE]
            ),
            contact_consent=index == 0 or rng.random() < 0.85,
            employment_status=rng.choice(list(EmploymentStatus.values)),
            residence=rng.choice(["惠州", "深圳", "香港", "澳门", "广州"]),
            signed_local_employer=rng.choice([True, False, None]),
        )
        services.save_profile(admin, profile, fields=[fields[code]])
        text = sentences[0] if person.region in ("HK", "MO", "TW") else rng.choice(sentences)
        if not person.profile:
            person.profile = text
            person.save(update_fields=["profile", "updated"])
        profiles += 1
    enterprises = [o for o in orgs if o.kind == "enterprise"] or orgs
    demands = []
    today = datetime.date.today()
    for (
        org_index,
        kind,
        title,
        codes,
        description,
        degree,
        required,
        years,
        languages,
        place,
        mode,
        headcount,
        amounts,
    ) in DEMANDS:
        demands.append(
            services.save_demand(
                admin,
                Demand(
                    unit=units["a"] if org_index % 2 == 0 else units["centre"],
                    organization=enterprises[org_index % len(enterprises)],
                    kind=kind,
                    title=title,
                    description=description,
                    min_degree=degree,
                    degree_required=required,
                    min_experience_years=years,
                    languages=languages,
                    place=place,
                    work_mode=mode,
                    headcount=headcount,
                    amount_min=amounts[0],
                    amount_max=amounts[1],
                    amount_period="total" if kind in ("technology", "consultation", "partnership") else "month",
                    valid_until=today + datetime.timedelta(days=rng.randint(30, 180)),
                ),
                fields=[fields[c] for c in codes],
            )
        )
    from qiao.matching import index

    index.rebuild()
    matches = 0
    stages = [
        MatchStage.PROPOSED,
        MatchStage.CONTACTED,
        MatchStage.INTERVIEWING,
        MatchStage.AGREED,
        MatchStage.DECLINED,
    ]
    notes = {MatchStage.CONTACTED: "已电话联系，对岗位有兴趣", MatchStage.DECLINED: "本人暂不考虑离港工作"}
    paths = {
        MatchStage.CONTACTED: [MatchStage.CONTACTED],
        MatchStage.INTERVIEWING: [MatchStage.CONTACTED, MatchStage.INTERVIEWING],
        MatchStage.AGREED: [MatchStage.CONTACTED, MatchStage.INTERVIEWING, MatchStage.AGREED],
        MatchStage.DECLINED: [MatchStage.CONTACTED, MatchStage.DECLINED],
    }
    by_pk = {p.pk: p for p in people}
    for number, demand in enumerate(demands[:8]):
        proposed = [
            services.propose(admin, demand, by_pk[r.pk], score=r.score, reasons=[x.as_dict() for x in r.reasons])
            for r in engine.candidates(demand, admin, limit=3)
        ]  # all proposed first: an agreed match may fill the demand
        for rank, match in enumerate(proposed):
            for step in paths.get(stages[(number + rank) % len(stages)], []):
                services.move(admin, match, step, note=notes.get(step, ""))
            matches += 1
    chan = people[0]
    fintech = next(d for d in demands if d.title == "跨境支付合规咨询")
    ranked = engine.rank_one(fintech, chan)
    services.propose(
        admin,
        fintech,
        chan,
        score=ranked.score if ranked else None,
        reasons=[r.as_dict() for r in ranked.reasons] if ranked else [],
    )
    policies = policy_demo.load(units["centre"], admin)
    plan = services.plan_for(admin, chan, create=True)
    plan.goal = "协助陈先生在仲恺落地跨境支付创业项目，申请创业资助与人才安家补贴。"
    plan.status = "active"
    services.save_plan(admin, plan, matches=list(chan.matches.all()))
    for what, days, who in (
        ("约见了解创业项目进展", 7, ""),
        ("协助准备港澳青年创业资助申请材料", 21, ""),
        ("对接仲恺港澳青年创业基地入驻", 30, "仲恺港澳青年创业基地"),
    ):
        services.save_task(
            admin, PlanTask(plan=plan, what=what, due=today + datetime.timedelta(days=days), assignee_text=who)
        )
    return {"profiles": profiles, "demands": len(demands), "matches": matches, "policies": len(policies)}
