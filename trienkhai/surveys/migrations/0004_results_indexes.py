"""Indexes for the results page: the histogram of the answers' numbers (read in table order)
and a selection's tally cells."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0003_survey_structure_revision"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                condition=models.Q(("number__isnull", False)),
                fields=["question", "number"],
                name="surveys_answer_histogram",
            ),
        ),
        migrations.AddIndex(
            model_name="tally",
            index=models.Index(
                fields=["survey", "group_id", "unit_id"], name="surveys_tally_selection"
            ),
        ),
    ]
