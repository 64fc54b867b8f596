"""Demo policies of Huizhou and the Greater Bay Area, with benefits and eligibility rules.

The titles, issuers and amounts are modelled on the kind of measures the offices explain to Hong
Kong and Macao youth (来惠创业就业补贴, 安家补贴, 实习补贴, the Bay Area's individual income tax
subsidy); the document numbers are made up for the demo. `qiao demo` calls `load(unit, user)`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from qiao.core import context

from . import defaults, services
from .models import BenefitKind, Policy

D = datetime.date
HK_MO = {"attr": "region", "op": "in", "value": ["HK", "MO"]}
HK_MO_TW = {"attr": "region", "op": "in", "value": ["HK", "MO", "TW"]}
IN_HUIZHOU = {"attr": "employer_location", "op": "contains", "value": "惠州"}
SIGNED = {"attr": "signed_local_employer", "op": "is_true"}

POLICIES = [
    {
        "title": "惠州市支持港澳青年来惠创新创业就业若干措施",
        "issuer": "惠州市人民政府港澳事务局、惠州市人力资源和社会保障局",
        "region": "惠州市",
        "document_number": "惠港澳〔2024〕8号（示例）",
        "effective_from": D(2024, 7, 1),
        "effective_to": D(2027, 6, 30),
        "summary": "面向在惠就业、创业的港澳青年，提供就业补贴、创业资助和场租补贴；"
        "符合条件者可向所在县（区）港澳事务部门申请。",
        "benefits": [
            {
                "kind": "employment-subsidy",
                "name": "港澳青年来惠就业补贴",
                "amount": Decimal(3000),
                "amount_note": "每月，最长12个月",
                "description": "与惠州用人单位签订一年以上劳动合同并在惠缴纳社保的港澳青年。",
                "rule": {
                    "all": [
                        HK_MO,
                        {"attr": "age", "op": "le", "value": 35},
                        SIGNED,
                        IN_HUIZHOU,
                    ]
                },
            },
            {
                "kind": "startup-funding",
                "name": "港澳青年创业项目资助",
                "amount_max": Decimal(100000),
                "amount_note": "一次性",
                "description": "在惠注册企业并担任法定代表人或主要股东的港澳台青年创业者。",
                "rule": {
                    "all": [
                        HK_MO_TW,
                        {"attr": "age", "op": "between", "value": [18, 45]},
                        {"attr": "employment_status", "op": "eq", "value": "self_employed"},
                    ]
                },
            },
            {
                "kind": "office-space",
                "name": "创业场租补贴",
                "amount_max": Decimal(2000),
                "amount_note": "每月，最长3年",
                "description": "入驻惠州港澳青年创新创业基地的创业团队。",
                "rule": {
                    "all": [
                        HK_MO_TW,
                        {"attr": "employment_status", "op": "eq", "value": "self_employed"},
                        {"attr": "residence", "op": "contains", "value": "惠州"},
                    ]
                },
            },
        ],
    },
    {
        "title": "惠州市高层次人才安家补贴实施办法",
        "issuer": "中共惠州市委人才工作领导小组办公室",
        "region": "惠州市",
        "document_number": "惠人才办〔2023〕5号（示例）",
        "effective_from": D(2023, 1, 1),
        "effective_to": D(2027, 12, 31),
        "summary": "对新引进、在惠全职工作的高层次人才发放安家补贴，分三年发放；博士、硕士另有租房补贴。",
        "benefits": [
            {
                "kind": "housing-subsidy",
                "name": "博士安家补贴",
                "amount_max": Decimal(300000),
                "amount_note": "分三年发放",
                "description": "全职引进、与惠州用人单位签订五年以上合同的博士。",
                "rule": {
                    "all": [
                        {"attr": "degree", "op": "eq", "value": "doctor"},
                        {"attr": "age", "op": "le", "value": 45},
                        SIGNED,
                    ]
                },
            },
            {
                "kind": "rent-subsidy",
                "name": "硕士以上青年人才租房补贴",
                "amount": Decimal(1500),
                "amount_note": "每月，最长3年",
                "rule": {
                    "all": [
                        {"attr": "degree", "op": "ge", "value": "master"},
                        {"attr": "age", "op": "le", "value": 35},
                        {"attr": "residence", "op": "contains", "value": "惠州"},
                    ]
                },
            },
            {
                "kind": "talent-award",
                "name": "重点产业紧缺人才奖励",
                "amount_max": Decimal(50000),
                "amount_note": "每年",
                "description": "在新能源、电子信息、绿色石化等重点产业工作满五年的专业人才。",
                "rule": {
                    "all": [
                        {"attr": "field", "op": "in", "value": ["new-energy", "electronics", "petrochemicals"]},
                        {"attr": "experience_years", "op": "ge", "value": 5},
                        {
                            "any": [
                                {"attr": "degree", "op": "ge", "value": "bachelor"},
                                {"attr": "experience_years", "op": "ge", "value": 10},
                            ]
                        },
                    ]
                },
            },
        ],
    },
    {
        "title": "“万名港澳青年到惠州”实习计划实习补贴办法",
        "issuer": "惠州市人民政府港澳事务局",
        "region": "惠州市",
        "document_number": "惠港澳〔2025〕2号（示例）",
        "effective_from": D(2025, 1, 1),
        "effective_to": None,
        "summary": "在校港澳台大学生参加实习计划，在惠实习期间发放实习补贴和交通补贴。",
        "benefits": [
            {
                "kind": "internship-allowance",
                "name": "港澳青年实习补贴",
                "amount": Decimal(3000),
                "amount_note": "每月，按实习天数折算",
                "rule": {
                    "all": [
                        HK_MO_TW,
                        {"attr": "employment_status", "op": "eq", "value": "student"},
                        {"attr": "age", "op": "between", "value": [18, 30]},
                    ]
                },
            },
            {
                "kind": "other",
                "name": "往返交通补贴",
                "amount_max": Decimal(1000),
                "amount_note": "每期实习一次",
                "rule": {"all": [HK_MO_TW, {"attr": "employment_status", "op": "eq", "value": "student"}]},
            },
        ],
    },
    {
        "title": "粤港澳大湾区个人所得税优惠政策（惠州市实施）",
        "issuer": "惠州市财政局、国家税务总局惠州市税务局",
        "region": "粤港澳大湾区（惠州）",
        "document_number": "惠财税〔2024〕3号（示例）",
        "effective_from": D(2024, 1, 1),
        "effective_to": D(2027, 12, 31),
        "summary": "在惠工作的境外（含港澳台）高端人才和紧缺人才，已缴个人所得税超过其按应纳税所得额的15%"
        "计算的部分，由政府给予财政补贴，该补贴免征个人所得税。",
        "benefits": [
            {
                "kind": "tax-relief",
                "name": "个人所得税超15%部分财政补贴",
                "amount_note": "按年申报",
                "rule": {
                    "all": [
                        {"any": [HK_MO_TW, {"attr": "region", "op": "eq", "value": "OVERSEAS"}]},
                        IN_HUIZHOU,
                        {"not": {"attr": "employment_status", "op": "in", "value": ["student", "retired"]}},
                    ]
                },
            },
        ],
    },
    {
        "title": "惠州市港澳青年创业补贴（2021年版，已到期）",
        "issuer": "惠州市人力资源和社会保障局",
        "region": "惠州市",
        "document_number": "惠人社〔2021〕15号（示例）",
        "effective_from": D(2021, 1, 1),
        "effective_to": D(2023, 12, 31),
        "summary": "已于2023年12月31日到期，由2024年的新措施取代；保留以备查询。",
        "benefits": [
            {
                "kind": "startup-funding",
                "name": "港澳青年一次性创业补贴（旧）",
                "amount": Decimal(10000),
                "rule": {"all": [HK_MO, {"attr": "employment_status", "op": "eq", "value": "self_employed"}]},
            },
        ],
    },
]


def load(unit, user) -> list[Policy]:
    """Create the demo policies for `unit` (skipping those already there) and return them."""
    defaults.ensure()
    kinds = {kind.code: kind for kind in BenefitKind.objects.all()}
    created = []
    with context.acting(user=user, source="command"):
        for data in POLICIES:
            if Policy.all_objects.filter(unit=unit, title=data["title"]).exists():
                continue
            fields = {key: value for key, value in data.items() if key != "benefits"}
            policy = Policy(unit=unit, **fields)
            benefits = [
                {**{k: v for k, v in item.items() if k != "kind"}, "kind": kinds[item["kind"]]}
                for item in data["benefits"]
            ]
            created.append(services.save_policy(user, policy, benefits=benefits))
    return created


__all__ = ["POLICIES", "load"]
