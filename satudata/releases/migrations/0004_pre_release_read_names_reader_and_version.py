"""A pre-release read names its reader and the content served, so that reads by staff who hold
no grant (the Kepala Dinas, the administrator) are logged too; earlier rows get both from their
grant."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def name_reader_and_content(apps, schema_editor):
    PreReleaseView = apps.get_model("releases", "PreReleaseView")
    for read in PreReleaseView.objects.select_related("access__release"):
        read.user_id = read.access.user_id
        read.content_type_id = read.access.release.content_type_id
        read.object_id = read.access.release.object_id
        read.save(update_fields=["user", "content_type", "object_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("releases", "0003_release_date_approval"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="prereleaseview",
            name="content_type",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AddField(
            model_name="prereleaseview",
            name="object_id",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="prereleaseview",
            name="user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="reader",
            ),
        ),
        migrations.AlterField(
            model_name="prereleaseview",
            name="access",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="views",
                to="releases.prereleaseaccess",
            ),
        ),
        migrations.RunPython(name_reader_and_content, migrations.RunPython.noop),
    ]
