from django.db import migrations

ROLES = [
    ("youth", "青年", "青年", "Youth"),
    ("student", "学生", "學生", "Student"),
    ("talent", "人才", "人才", "Talent"),
    ("expert", "专家", "專家", "Expert"),
    ("entrepreneur", "创业者", "創業者", "Entrepreneur"),
    ("speaker", "发言人", "發言人", "Speaker"),
    ("association_leader", "社团负责人", "社團負責人", "Association leader"),
    ("investment_adviser", "招商顾问", "招商顧問", "Investment adviser"),
    ("intern", "实习生", "實習生", "Intern"),
    ("key_contact", "重点联系人", "重點聯繫人", "Key contact"),
]


def add_roles(apps, schema_editor):
    PersonRole = apps.get_model("people", "PersonRole")
    for position, (code, name, name_hant, name_en) in enumerate(ROLES):
        PersonRole.objects.update_or_create(code=code, defaults={
            "name": name, "name_hant": name_hant, "name_en": name_en, "position": position})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(add_roles, migrations.RunPython.noop)]
