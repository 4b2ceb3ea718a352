"""Task tallies for the dashboard of a whole tree (plans.tallies), counted from the tasks."""

from django.db import migrations, models

STEPLEN = 4  # org.Unit.steplen
OPEN = ["in_progress", "not_started", "postponed"]


def count(apps, schema_editor):
    table = apps.get_model("plans", "TaskTally")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (lead_branch, assigner_root, status, deadline_end, n)
            SELECT substr(lu.path, 1, {2 * STEPLEN}), substr(ab.path, 1, {STEPLEN}), t.status,
                   CASE WHEN t.status IN (%s, %s, %s) THEN t.deadline_end END, COUNT(*)
            FROM plans_task t
            JOIN org_unit lu ON lu.id = t.lead_unit_id
            JOIN org_unit ab ON ab.id = t.assigned_by_id
            GROUP BY 1, 2, 3, 4""",
            OPEN,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("plans", "0004_dashboard_report_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="TaskTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("lead_branch", models.CharField(max_length=255)),
                ("assigner_root", models.CharField(max_length=255)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("not_started", "Chưa thực hiện"),
                            ("in_progress", "Đang thực hiện"),
                            ("done", "Hoàn thành"),
                            ("done_late", "Hoàn thành chậm"),
                            ("cancelled", "Hủy bỏ"),
                            ("postponed", "Tạm hoãn, lùi thời hạn"),
                        ],
                        max_length=20,
                    ),
                ),
                ("deadline_end", models.DateField(blank=True, null=True)),
                ("n", models.IntegerField(default=0)),
            ],
        ),
        migrations.RunPython(count, migrations.RunPython.noop),
    ]
