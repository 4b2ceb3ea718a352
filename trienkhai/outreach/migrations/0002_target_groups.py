from django.db import migrations

# The groups that dissemination plans and surveys name most often; more can be added.
GROUPS = [
    ("can-bo-chu-chot", "Cán bộ chủ chốt"),
    ("can-bo-huu-tri", "Cán bộ hưu trí"),
    ("dang-vien", "Đảng viên"),
    ("cong-chuc-vien-chuc", "Cán bộ, công chức, viên chức"),
    ("nganh-giao-duc", "Ngành giáo dục"),
    ("doan-vien-hoi-vien", "Đoàn viên, hội viên"),
    ("nhan-dan", "Nhân dân"),
]


def add_groups(apps, schema_editor):
    TargetGroup = apps.get_model("outreach", "TargetGroup")
    for position, (code, name) in enumerate(GROUPS, start=1):
        TargetGroup.objects.get_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]
    operations = [migrations.RunPython(add_groups, migrations.RunPython.noop)]
