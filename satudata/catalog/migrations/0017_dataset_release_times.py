"""What channels show as a dataset's modification and first-release times, stored and moved at
each release's time (``DatasetQuerySet.refresh_release_times``), computed here for the datasets
already there, so that no first request after the upgrade computes them all."""

from django.db import migrations, models
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone


def compute(apps, schema_editor):
    Dataset = apps.get_model("catalog", "Dataset")
    DatasetVersion = apps.get_model("catalog", "DatasetVersion")
    moment = timezone.now()
    out = (
        DatasetVersion.objects.filter(dataset=models.OuterRef("pk"), published_at__lte=moment)
        .filter(models.Q(withdrawn_at__isnull=True) | models.Q(withdrawn_at__gt=moment))
        .values("published_at")
    )
    due = (
        DatasetVersion.objects.filter(
            dataset=models.OuterRef("pk"), withdrawn_at__isnull=True, published_at__gt=moment
        )
        .order_by("published_at")
        .values("published_at")[:1]
    )
    withdrawn = (
        DatasetVersion.objects.filter(dataset=models.OuterRef("pk"), withdrawn_at__lte=moment)
        .order_by("-withdrawn_at")
        .values("withdrawn_at")[:1]
    )
    Dataset.objects.update(
        changed_at=Greatest(
            "modified_at",
            Coalesce(models.Subquery(out.order_by("-published_at")[:1]), "modified_at"),
            Coalesce(models.Subquery(withdrawn), "modified_at"),
        ),
        issued_at=models.Subquery(out.order_by("published_at")[:1]),
        release_times_due_at=models.Subquery(due),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_notifications_and_officials"),
        ("catalog", "0016_upload_heartbeat"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="dataset",
            name="dataset_newest_public",
        ),
        migrations.AddField(
            model_name="dataset",
            name="changed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="changed"
            ),
        ),
        migrations.AddField(
            model_name="dataset",
            name="issued_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="first released"
            ),
        ),
        migrations.AddField(
            model_name="dataset",
            name="release_times_due_at",
            field=models.DateTimeField(blank=True, db_index=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="dataset",
            index=models.Index(fields=["changed_at", "public_from"], name="dataset_newest_public"),
        ),
        migrations.RunPython(compute, migrations.RunPython.noop),
    ]
