"""The dashboard's count of the work a subtree assigned outside it, from an index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                fields=["assigned_by", "lead_unit", "status", "deadline_end"],
                name="plan_task_assigner_lead",
            ),
        ),
    ]
