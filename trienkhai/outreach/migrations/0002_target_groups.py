from django.db import migrations

from trienkhai.outreach.defaults import ensure_target_groups


def add_groups(apps, schema_editor):
    ensure_target_groups(apps.get_model("outreach", "TargetGroup"))


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]
    operations = [migrations.RunPython(add_groups, migrations.RunPython.noop)]
