"""The dashboard's count of the reports a subtree submitted, from an index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_task_list_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                fields=["unit", "status", "period_end"], name="plan_report_unit_status"
            ),
        ),
    ]
