"""Versions stored before the release workflow get their release: those already out as
released at their publication time (outside a calendar, as they were), the others as drafts."""

from django.db import migrations


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    DatasetVersion = apps.get_model("catalog", "DatasetVersion")
    Release = apps.get_model("releases", "Release")
    kind, _ = ContentType.objects.get_or_create(app_label="catalog", model="datasetversion")
    for version in DatasetVersion.objects.select_related("dataset").order_by("dataset", "number"):
        out = version.published_at is not None
        Release.objects.get_or_create(
            content_type=kind,
            object_id=version.pk,
            defaults={
                "title": f"{version.dataset.title} (versi {version.number})",
                "agency_id": version.dataset.agency_id,
                "kind": "pertama" if version.number == 1 else "revisi",
                "state": "dijadwalkan" if out else "draft",
                "release_at": version.published_at,
                "scheduled_at": version.published_at,
                "decided_by_id": version.published_by_id,
                "decided_at": version.published_at,
                "unscheduled_reason": "Terbit sebelum alur rilis dipakai." if out else "",
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0001_initial"),
        ("catalog", "0012_release_workflow"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
