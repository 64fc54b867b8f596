"""The kinds of service the offices start with (they edit them afterwards)."""

KINDS = [
    ("policy-consultation", "政策咨询", "政策諮詢", "Policy consultation"),
    ("government-service", "跨境政务服务", "跨境政務服務", "Cross-border government service"),
    ("visit", "走访", "走訪", "Visit"),
    ("matchmaking", "对接服务", "對接服務", "Matchmaking"),
    ("employment", "就业创业指导", "就業創業指導", "Employment and start-up guidance"),
    ("housing", "安居服务", "安居服務", "Housing"),
    ("schooling", "子女入学", "子女入學", "Schooling for children"),
    ("legal", "法律咨询", "法律諮詢", "Legal advice"),
    ("financing", "融资对接", "融資對接", "Financing"),
    ("other", "其他服务", "其他服務", "Other"),
]


def ensure(kind_model=None) -> None:
    """Add the missing default entries (a migration passes its historical model)."""
    if kind_model is None:
        from .models import ServiceKind as kind_model
    for position, (code, name, name_hant, name_en) in enumerate(KINDS):
        kind_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_hant": name_hant, "name_en": name_en, "position": position}
        )
