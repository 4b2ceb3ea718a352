"""The task lists of open work from indexes alone: a subtree's led tasks in deadline order, the
open tasks by id (for those its units coordinate), and the coordinations by unit."""

from django.db import migrations, models

OPEN = ["in_progress", "not_started", "postponed"]


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_dashboard_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                fields=["lead_unit", "deadline_end", "id"],
                include=["status"],
                condition=models.Q(status__in=OPEN),
                name="plan_task_open_lead",
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                fields=["id"],
                include=["deadline_end", "status"],
                condition=models.Q(status__in=OPEN),
                name="plan_task_open_id",
            ),
        ),
        migrations.AddIndex(
            model_name="taskcoordination",
            index=models.Index(fields=["unit", "task"], name="plan_coordination_unit"),
        ),
    ]
