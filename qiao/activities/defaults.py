"""The kinds of activity and target groups the offices start with (they edit them afterwards)."""

KINDS = [
    ("exchange-visit", "交流访问", "交流訪問", "Exchange visit"),
    ("delegation", "接待来访团组", "接待來訪團組", "Delegation reception"),
    ("event", "活动", "活動", "Event"),
    ("talk", "讲座分享", "講座分享", "Talk"),
    ("field-visit", "实地考察", "實地考察", "Field visit"),
    ("training-camp", "训练营", "訓練營", "Training camp"),
    ("policy-consultation", "政策咨询", "政策諮詢", "Policy consultation"),
    ("matchmaking", "对接会", "對接會", "Matchmaking"),
    ("investment-promotion", "招商推介", "招商推介", "Investment promotion"),
    ("internship-batch", "实习批次", "實習批次", "Internship batch"),
]
GROUPS = [
    ("hk-youth", "香港青年", "香港青年", "Hong Kong youth"),
    ("mo-youth", "澳门青年", "澳門青年", "Macao youth"),
    ("tw-youth", "台湾青年", "台灣青年", "Taiwan youth"),
    ("overseas-youth", "海外华裔青年", "海外華裔青年", "Overseas Chinese youth"),
    ("returnees", "留学归国人员", "留學歸國人員", "Returnees"),
    ("experts", "专家人才", "專家人才", "Experts"),
    ("enterprises", "企业", "企業", "Enterprises"),
]


def ensure(kind_model=None, group_model=None) -> None:
    """Add the missing default entries (a migration passes its historical models)."""
    if kind_model is None:
        from .models import ActivityKind as kind_model
        from .models import TargetGroup as group_model
    for model, rows in ((kind_model, KINDS), (group_model, GROUPS)):
        for position, (code, name, name_hant, name_en) in enumerate(rows):
            model.objects.get_or_create(
                code=code, defaults={"name": name, "name_hant": name_hant, "name_en": name_en, "position": position}
            )
