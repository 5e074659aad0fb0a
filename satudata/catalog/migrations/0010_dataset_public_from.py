"""The gate reads each dataset's ``public_from`` (first publication of an open item) instead of
looking through every dataset's versions; filled here for the datasets that exist."""

from typing import Any

from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    Dataset = apps.get_model("catalog", "Dataset")
    DatasetVersion = apps.get_model("catalog", "DatasetVersion")
    first = (
        DatasetVersion.objects.filter(dataset=models.OuterRef("pk"), published_at__isnull=False)
        .order_by("published_at")
        .values("published_at")[:1]
    )
    Dataset.objects.filter(item__access="terbuka").update(public_from=models.Subquery(first))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0009_version_regions"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataset",
            name="public_from",
            field=models.DateTimeField(blank=True, db_index=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="dataset",
            name="modified_at",
            field=models.DateTimeField(
                auto_now=True, db_index=True, verbose_name="metadata modified"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
