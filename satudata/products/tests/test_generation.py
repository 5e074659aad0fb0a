from __future__ import annotations

from django.core.files.storage import default_storage

from satudata.core.testing import PersonaTestCase
from satudata.products import generation
from satudata.products.errors import ProductError
from satudata.products.models import Generation, ProductFile
from satudata.products.testing import (
    EXPLODING,
    FAILING,
    generated_version,
    generator,
    product,
)
from satudata.releases.models import Release, ReleaseKind, ReleaseState


class GenerationTests(PersonaTestCase):
    def setUp(self) -> None:
        self.item = product(actor=self.p.walidata, agency=self.p.agency, title="Jumlah Puskesmas")

    def test_it_freezes_the_definition_and_numbers_the_versions(self) -> None:
        first = generation.new_version(self.p.walidata, self.item, "Pertama")
        self.item.spec = {"rows": [["Pringsewu", 99]]}
        self.item.save()
        second = generation.new_version(self.p.walidata, self.item)
        self.assertEqual([first.number, second.number], [1, 2])
        self.assertEqual(first.spec["rows"][0], ["Pringsewu", 12])
        self.assertEqual(second.spec["rows"], [["Pringsewu", 99]])
        self.assertEqual(first.change_note, "Pertama")
        self.assertEqual(first.generation, Generation.WAITING)

    def test_a_producer_may_not_make_a_version(self) -> None:
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            generation.new_version(self.p.producer, self.item)

    def test_it_keeps_the_files_by_digest_and_prepares_a_draft_release(self) -> None:
        version = generated_version(self.p.walidata, self.item)
        self.assertEqual(version.generation, Generation.DONE)
        self.assertEqual(version.progress, 100)
        self.assertIsNotNone(version.generated_at)
        files = {f.format: f for f in version.files.all()}
        self.assertEqual(set(files), {"csv", "html"})
        csv = files["csv"]
        self.assertEqual(csv.path, f"products/{csv.sha256[:2]}/{csv.sha256}")
        with default_storage.open(csv.path, "rb") as handle:
            self.assertEqual(handle.read(), b"Pringsewu;12\nGadingrejo;7")
        self.assertEqual(csv.size, len(b"Pringsewu;12\nGadingrejo;7"))
        release = Release.objects.for_content(version).get()
        self.assertEqual((release.state, release.kind), (ReleaseState.DRAFT, ReleaseKind.FIRST))

    def test_a_refusal_is_written_on_the_version_and_keeps_the_previous_files(self) -> None:
        good = generated_version(self.p.walidata, self.item)
        kept = list(good.files.values_list("path", flat=True))
        with generator(FAILING):
            bad = generation.new_version(self.p.walidata, self.item, "Coba")
            status = generation.generate_version.enqueue(bad.pk).return_value
        bad.refresh_from_db()
        self.assertEqual(status, Generation.FAILED)
        self.assertEqual(bad.generation, Generation.FAILED)
        self.assertEqual(bad.generation_error, "Dimensi 'umur' tidak ada pada data sumber.")
        self.assertFalse(bad.files.exists())
        self.assertFalse(Release.objects.for_content(bad).exists())
        self.assertEqual(list(good.files.values_list("path", flat=True)), kept)
        for path in kept:
            self.assertTrue(default_storage.exists(path))

    def test_an_unexpected_error_is_a_failure_in_indonesian_not_a_crash(self) -> None:
        with generator(EXPLODING), self.assertLogs("satudata.products.generation", "ERROR"):
            version = generation.new_version(self.p.walidata, self.item)
            generation.run_generation(version.pk)
        version.refresh_from_db()
        self.assertEqual(version.generation, Generation.FAILED)
        self.assertIn("Berkas sebelumnya tetap", version.generation_error)
        self.assertEqual(ProductFile.objects.count(), 0)

    def test_a_source_the_composer_may_not_see_is_refused_at_its_field(self) -> None:
        self.item.spec = {"sources": [{"dataset": "tidak-ada"}]}
        self.item.save()
        with self.assertRaises(ProductError) as caught:
            generation.new_version(self.p.walidata, self.item)
        self.assertEqual(caught.exception.field, "sources")

    def test_a_version_of_a_released_product_is_a_revision(self) -> None:
        from satudata.releases.testing import release

        first = generated_version(self.p.walidata, self.item)
        release(first, kepala_bidang=self.p.kepala_bidang, walidata=self.p.walidata)
        second = generated_version(self.p.walidata, self.item, "Data 2025 diperbarui")
        self.assertEqual(Release.objects.for_content(second).get().kind, ReleaseKind.REVISION)

    def test_progress_is_written_on_the_version_while_it_runs(self) -> None:
        with generator("satudata.products.testing.reporting_files_for"):
            version = generation.new_version(self.p.walidata, self.item)
            generation.run_generation(version.pk)
        seen = version.files.get()
        with default_storage.open(seen.path, "rb") as handle:
            self.assertEqual(handle.read(), b"berjalan 60")

    def test_the_sources_named_in_the_definition_are_bound_to_the_version(self) -> None:
        from satudata.catalog.testing import published_table

        dataset = published_table(self.p, "Jumlah Puskesmas", [["Pringsewu", 3]])
        self.item.spec = {"sources": [{"dataset": dataset.slug}]}
        self.item.save()
        version = generation.new_version(self.p.walidata, self.item)
        self.assertEqual(list(version.sources.all()), [dataset.versions.get()])
