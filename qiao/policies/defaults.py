"""The kinds of benefit Qiao starts with (offices edit the list afterwards)."""

KINDS = [
    ("housing-subsidy", "安家补贴", "安家補貼", "Housing subsidy"),
    ("rent-subsidy", "租房补贴", "租房補貼", "Rent subsidy"),
    ("startup-funding", "创业资助", "創業資助", "Start-up funding"),
    ("project-financing", "项目融资支持", "項目融資支援", "Project financing"),
    ("talent-award", "人才奖励", "人才獎勵", "Talent award"),
    ("internship-allowance", "实习补贴", "實習補貼", "Internship allowance"),
    ("employment-subsidy", "就业补贴", "就業補貼", "Employment subsidy"),
    ("tax-relief", "个税优惠", "個稅優惠", "Tax relief"),
    ("social-insurance", "社保补贴", "社保補貼", "Social insurance subsidy"),
    ("office-space", "办公场地支持", "辦公場地支援", "Office space"),
    ("other", "其他", "其他", "Other"),
]


def ensure(kind_model=None) -> None:
    if kind_model is None:
        from .models import BenefitKind as kind_model
    for position, (code, name, name_hant, name_en) in enumerate(KINDS):
        kind_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_hant": name_hant, "name_en": name_en, "position": position}
        )
