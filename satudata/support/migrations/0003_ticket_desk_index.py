"""A covering index for the staff desk's views and summaries over the open tickets."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0002_adhoc_table"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=[
                    "state",
                    "merged_into",
                    "answer_due",
                    "first_response_due",
                    "assignee",
                    "agency",
                ],
                name="ticket_desk_idx",
            ),
        ),
    ]
