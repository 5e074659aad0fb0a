"""Who gets what on every URL of the site. A new URL fails this test until it is listed here."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from satudata.catalog.metadata.services import save_activity
from satudata.catalog.models import (
    Activity,
    DataItem,
    DataList,
    DataListStatus,
    Dataset,
    Letter,
    Upload,
)
from satudata.catalog.services import create_dataset, issue_nota_dinas
from satudata.catalog.sinkronisasi.services import receive_upload
from satudata.catalog.testing import table_dataset
from satudata.core.models import SiteProfile
from satudata.core.testing import PersonaTestCase
from satudata.products.models import ChapterProduct, Product, PublicationChapter
from satudata.products.services import create_product
from satudata.products.testing import generated_version, product
from satudata.releases.models import Release, ReleaseEntry
from satudata.releases.services import plan_entry
from satudata.sop import services
from satudata.sop.models import SopTask

ALL = (
    "anonymous",
    "producer",
    "other_producer",
    "walidata",
    "kepala_bidang",
    "kepala_dinas",
    "pembina",
    "admin",
)
SIGNED_IN = ALL[1:]
STAFF = ("walidata", "kepala_bidang", "kepala_dinas", "admin")
WRITERS = ("producer", "other_producer", "walidata", "admin")  # of statistical metadata
RELEASERS = ("walidata", "kepala_bidang", "admin")
COMPOSERS = ("walidata", "kepala_bidang", "admin")  # of dissemination products


def row(default: int, **by_persona: int) -> dict[str, int]:
    return {persona: by_persona.get(persona, default) for persona in ALL}


def signed_in(code: int, **overrides: int) -> dict[str, int]:
    return row(code, anonymous=302, **overrides)


def only(code_for: tuple[str, ...], ok: int = 200) -> dict[str, int]:
    return {p: 302 if p == "anonymous" else ok if p in code_for else 403 for p in ALL}


# A draft MS-Keg of the producer's agency: hidden (404) from the public and other agencies.
DRAFT_READERS = row(200, anonymous=404, other_producer=404)

UNPUBLISHED = row(200, anonymous=404, other_producer=404, pembina=404)

# URL name -> (kwargs, expected status per persona)
MATRIX: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    "portal:home": ({}, row(200)),
    "portal:workspace": ({}, only(("producer", "other_producer"))),
    "api:developers": ({}, row(200)),
    # 503: no scheduler has ticked in the test database (core/tests/test_health.py has the 200).
    "core:healthz": ({}, row(503)),
    # The test client comes from 127.0.0.1, which METRICS_ALLOWED_IPS lets in by default.
    "core:metrics": ({}, row(200)),
    "core:audit": ({}, only(("admin", "kepala_bidang"))),
    "accounts:login": ({}, row(302, anonymous=200)),
    "accounts:logout": ({}, row(405)),
    "accounts:profile": ({}, signed_in(200)),
    "accounts:notifications": ({}, signed_in(200)),
    "accounts:notification-open": ({"pk": 999999}, signed_in(404)),
    "accounts:password_change": ({}, signed_in(200)),
    "accounts:token-create": ({}, signed_in(405)),
    "accounts:token-revoke": ({"prefix": "sdk_00000000"}, signed_in(405)),
    "accounts:password_reset": ({}, row(200)),
    "accounts:password_reset_done": ({}, row(200)),
    "accounts:password_reset_confirm": ({"uidb64": "MQ", "token": "x-y"}, row(200)),
    "accounts:password_reset_complete": ({}, row(200)),
    "accounts:agency-list": ({}, row(200)),
    "accounts:agency-detail": ({"slug": "dinkes"}, row(200)),
    "regions:region-index": ({}, row(200)),
    "regions:region-detail": ({"code": "18.10.02"}, row(200)),
    "sop:sop": ({}, row(200)),
    "sop:sop-revise": ({}, only(("admin",))),
    "sop:sop-revision": ({"revision": 1}, row(200)),
    # Producers follow their agency's tasks, read-only; the test task belongs to no agency.
    "sop:dashboard": ({}, only((*STAFF, "producer", "other_producer"))),
    "sop:task-detail": (
        {"pk": "TASK"},
        only(STAFF) | {"producer": 404, "other_producer": 404},
    ),
    "catalog:datalist-list": ({}, row(200)),
    "catalog:datalist-import": ({}, only(("walidata", "kepala_bidang", "admin"))),
    "catalog:datalist-detail": ({"year": 2026}, row(200)),
    "catalog:datalist-xlsx": ({"year": 2026}, row(200)),
    "catalog:datalist-pdf": ({"year": 2026}, row(200)),
    "catalog:datalist-approve": ({"year": 2026}, row(405)),
    "catalog:item-describe": ({"pk": "ITEM"}, row(405)),
    "catalog:item-upload": (
        {"pk": "ITEM"},
        {
            "anonymous": 302,
            "producer": 200,
            "other_producer": 403,
            "walidata": 200,
            "kepala_bidang": 200,
            "kepala_dinas": 403,
            "pembina": 403,
            "admin": 200,
        },
    ),
    "catalog:upload-report": (
        {"pk": "UPLOAD"},
        {
            "anonymous": 302,
            "producer": 200,
            "other_producer": 403,
            "walidata": 200,
            "kepala_bidang": 200,
            "kepala_dinas": 200,
            "pembina": 403,
            "admin": 200,
        },
    ),
    "catalog:upload-status": (
        {"pk": "UPLOAD"},
        {
            "anonymous": 302,
            "producer": 200,
            "other_producer": 403,
            "walidata": 200,
            "kepala_bidang": 200,
            "kepala_dinas": 200,
            "pembina": 403,
            "admin": 200,
        },
    ),
    "catalog:upload-recheck": ({"pk": "UPLOAD"}, signed_in(405)),
    "catalog:letter-list": (
        {},
        {
            "anonymous": 302,
            "producer": 200,
            "other_producer": 200,
            "walidata": 200,
            "kepala_bidang": 200,
            "kepala_dinas": 200,
            "pembina": 403,
            "admin": 200,
        },
    ),
    "catalog:letter-file": (
        {"pk": "LETTER", "kind": "pdf"},
        {
            "anonymous": 302,
            "producer": 200,
            "other_producer": 404,
            "walidata": 200,
            "kepala_bidang": 200,
            "kepala_dinas": 200,
            "pembina": 404,
            "admin": 200,
        },
    ),
    "catalog:metadata-index": ({}, row(200)),
    "catalog:metadata-import": ({}, only(WRITERS)),
    "catalog:metadata-export": ({"fmt": "json"}, row(200)),
    "catalog:metadata-new": ({"slug": "kegiatan"}, only(WRITERS)),
    "catalog:metadata-detail": ({"slug": "kegiatan", "pk": "ACTIVITY"}, DRAFT_READERS),
    "catalog:metadata-file": (
        {"slug": "kegiatan", "pk": "ACTIVITY", "fmt": "xlsx"},
        DRAFT_READERS,
    ),
    "catalog:metadata-edit": (
        {"slug": "kegiatan", "pk": "ACTIVITY"},
        {
            "anonymous": 302,
            "producer": 200,
            "other_producer": 404,
            "walidata": 200,
            "kepala_bidang": 403,
            "kepala_dinas": 403,
            "pembina": 403,
            "admin": 200,
        },
    ),
    "catalog:metadata-submit": ({"slug": "kegiatan", "pk": "ACTIVITY"}, row(405)),
    "catalog:metadata-review": ({"slug": "kegiatan", "pk": "ACTIVITY"}, row(405)),
    "catalog:metadata-activity-variables": ({"pk": "ACTIVITY"}, row(405)),
    # The dataset is synchronised but not yet published: the gate shows it to Walidata staff and
    # its own agency only.
    "portal:search": ({}, row(200)),
    "portal:search-file": ({"fmt": "json"}, row(200)),
    "portal:dataset": ({"slug": "DATASET"}, UNPUBLISHED),
    "portal:dataset-file": ({"slug": "DATASET", "fmt": "json"}, UNPUBLISHED),
    "portal:dataset-version": ({"slug": "DATASET", "number": 1}, UNPUBLISHED),
    "portal:download": ({"slug": "DATASET", "fmt": "csv"}, UNPUBLISHED),
    "portal:download-version": ({"slug": "DATASET", "number": 1, "fmt": "xlsx"}, UNPUBLISHED),
    "portal:rows": ({"slug": "DATASET", "number": 1}, UNPUBLISHED),
    "portal:compare": ({"slug": "DATASET"}, UNPUBLISHED),
    "portal:compare-json": ({"slug": "DATASET"}, UNPUBLISHED),
    # Without a column to draw the chart's numbers are a 400 for those the gate lets in.
    "portal:chart": (
        {"slug": "DATASET", "number": 1},
        row(400, anonymous=404, other_producer=404, pembina=404),
    ),
    # SOP activity 3: the calendar, its feeds and the Daftar Produk are public; the desk and
    # each release's page are for those who prepare releases (the Kepala Bidang among them).
    "releases:calendar": ({}, row(200)),
    "releases:calendar-ics": ({}, row(200)),
    "releases:calendar-json": ({}, row(200)),
    "releases:entry": ({"key": "ENTRY"}, row(200)),
    "releases:feed-rss": ({}, row(200)),
    "releases:feed-atom": ({}, row(200)),
    "releases:daftar-produk": ({}, row(200)),
    "releases:daftar-produk-file": ({"fmt": "xlsx"}, row(200)),
    "releases:punctuality": ({}, row(200)),
    "releases:punctuality-file": ({"fmt": "json"}, row(200)),
    "releases:desk": ({}, only(RELEASERS)),
    "releases:plan-year": ({}, row(405)),
    "releases:release": ({"key": "RELEASE"}, only(RELEASERS)),
    "releases:release-action": ({"key": "RELEASE", "action": "submit"}, row(405)),
    "releases:entry-action": ({"key": "ENTRY", "action": "confirm"}, row(405)),
    # Composing charts and infographics (issue 18, part D): those who compose products.
    "product_charts:chart-new": ({}, only(RELEASERS)),
    "product_charts:infographic-new": ({}, only(RELEASERS)),
    # The publication editor (issue 18, part E): the staff who compose products; changes are POST.
    "publications:new": ({}, only(COMPOSERS)),
    "publications:edit": ({"slug": "PUBLICATION"}, only(COMPOSERS)),
    "publications:chapter": ({"slug": "PUBLICATION", "pk": "CHAPTER"}, only(COMPOSERS)),
    "publications:chapter-add": ({"slug": "PUBLICATION"}, row(405)),
    "publications:chapter-move": ({"slug": "PUBLICATION", "pk": "CHAPTER"}, row(405)),
    "publications:chapter-remove": ({"slug": "PUBLICATION", "pk": "CHAPTER"}, row(405)),
    "publications:binding-add": ({"slug": "PUBLICATION", "pk": "CHAPTER"}, row(405)),
    "publications:binding-move": (
        {"slug": "PUBLICATION", "pk": "CHAPTER", "binding": "BINDING"},
        row(405),
    ),
    "publications:binding-remove": (
        {"slug": "PUBLICATION", "pk": "CHAPTER", "binding": "BINDING"},
        row(405),
    ),
    # Describing a dataset: its own agency's producer and the Walidata staff who act for all.
    "catalog:dataset-describe": (
        {"slug": "DATASET"},
        only(("producer", "walidata", "kepala_bidang", "admin")),
    ),
    "api:ckan-api": ({}, row(200)),
    "api:ckan-api-3": ({}, row(200)),
    "api:ckan-action": ({"name": "package_list"}, row(200)),
    "api:ckan-action-unversioned": ({"name": "status_show"}, row(200)),
    # REST v1: reads follow the gate with the session's user too; writes need a token.
    "api-v1:api-root": ({}, row(404)),
    "api-v1:openapi-json": ({}, row(200)),
    "api-v1:openapi-view": ({}, row(200)),
    "api-v1:list_datasets": ({}, row(200)),
    "api-v1:dataset": ({"key": "DATASET"}, UNPUBLISHED),
    "api-v1:change_dataset": ({"key": "DATASET"}, UNPUBLISHED),  # GET of the same path
    "api-v1:list_versions": ({"key": "DATASET"}, UNPUBLISHED),
    "api-v1:get_version": ({"key": "DATASET", "number": 1}, UNPUBLISHED),
    "api-v1:data": ({"key": "DATASET"}, UNPUBLISHED),
    "api-v1:export_data": ({"key": "DATASET"}, UNPUBLISHED),
    "api-v1:list_tables": ({}, row(200)),
    "api-v1:table": ({"table_id": "DATASET"}, UNPUBLISHED),
    "api-v1:table-metadata": ({"table_id": "DATASET"}, UNPUBLISHED),
    "api-v1:table-data": ({"table_id": "DATASET"}, UNPUBLISHED),
    "api-v1:post_table_data": ({"table_id": "DATASET"}, UNPUBLISHED),  # GET of the same path
    "api-v1:publish": ({"key": "DATASET", "number": 1}, row(405)),
    "api-v1:get_resource": ({"resource_id": "00000000-0000-0000-0000-000000000000"}, row(404)),
    "api-v1:list_agencies": ({}, row(200)),
    "api-v1:get_agency": ({"name": "dinkes"}, row(200)),
    "api-v1:list_regions": ({}, row(200)),
    "api-v1:get_region": ({"code": "18.10"}, row(200)),
    "api-v1:list_metadata": ({"kind": "ms-keg"}, row(200)),
    "api-v1:get_metadata": ({"kind": "ms-keg", "pk": "ACTIVITY"}, DRAFT_READERS),
    "api-v1:list_data_lists": ({}, row(200)),
    "api-v1:get_data_list": ({"year": 2026}, row(200)),
    "api-v1:item-upload": ({"pk": "ITEM"}, row(405)),
    "api-v1:upload": ({"pk": "UPLOAD"}, row(401)),
    "api-v1:me": ({}, row(401)),
    # The table builder (issue 18): through the same gate as the dataset's page.
    "builder:table": ({"slug": "DATASET"}, UNPUBLISHED),
    "builder:fragment": ({"slug": "DATASET"}, UNPUBLISHED),
    "builder:download": ({"slug": "DATASET", "fmt": "csv"}, UNPUBLISHED),
    "builder:save": ({"slug": "DATASET"}, row(405)),
    "portal:robots": ({}, row(200)),
    "portal:sitemap": ({}, row(200)),
    "portal:sitemap-pages": ({}, row(200)),
    "portal:sitemap-datasets": ({"number": 1}, row(200)),
    "api:dcat-catalog": ({"fmt": "ttl"}, row(200)),
    "api:dcat-dataset": ({"slug": "DATASET", "fmt": "jsonld"}, UNPUBLISHED),
    "api:data-json": ({}, row(200)),
    "api:datapackage": ({"slug": "DATASET"}, UNPUBLISHED),
    # SOP activity 2: a product whose first version is generated, its release a draft (so the
    # gate shows it as the unpublished dataset above); its page of work is for composers.
    "portal:sitemap-products": ({}, row(200)),
    # Issue 19: the help desk. Public pages for everyone; a secret link that is not a ticket's
    # is 404 for all; staff pages by capability (the producer sees its agency's ticket, the
    # Kepala Dinas a ticket carrying an objection and the objections to decide).
    "promotion:subscribe": ({}, row(200)),
    "promotion:confirm": ({"token": "bukan-token"}, row(404)),
    "promotion:manage": ({"token": "bukan-token"}, row(404)),
    "promotion:unsubscribe": ({"token": "bukan-token"}, row(404)),
    "promotion:share": ({"release": "RELEASE"}, UNPUBLISHED),
    # The promotion plan (activity 4): staff read every plan, producers their agency's
    # (read-only; another agency's release is 404), the Pembina nothing; writing is
    # MANAGE_RELEASES; evidence files and the reach are for staff only.
    "promotion:plan-list": ({}, signed_in(200, pembina=403)),
    "promotion:widget-builder": ({}, row(200)),
    "promotion:widget-sample": ({}, row(200)),
    "promotion:widget-upcoming": ({}, row(200)),
    # Widgets read through the public gate for everyone (staff included): an unreleased
    # dataset or product is 404 on a widget even to those who may see it on the portal.
    "promotion:widget-figure": ({"slug": "DATASET"}, row(404)),
    "promotion:widget-chart": ({"slug": "PRODUCT"}, row(404)),
    "promotion:news": ({}, row(200)),
    "promotion:news-rss": ({}, row(200)),
    "promotion:news-atom": ({}, row(200)),
    "promotion:calendar-pdf": ({"year": 2026}, row(200)),
    "promotion:reach": ({}, only(STAFF)),
    "promotion:reach-json": ({}, only(STAFF)),
    "promotion:plan": ({"key": "RELEASE"}, signed_in(200, other_producer=404, pembina=403)),
    "promotion:plan-add": ({"key": "RELEASE"}, row(405)),
    "promotion:plan-default": ({"key": "RELEASE"}, row(405)),
    "promotion:plan-complete": ({"key": "RELEASE"}, row(405)),
    "promotion:action-edit": ({"tag": "tidak-ada"}, only(RELEASERS, ok=404)),
    "promotion:action-done": ({"tag": "tidak-ada"}, only(RELEASERS, ok=404)),
    "promotion:action-cancel": ({"tag": "tidak-ada"}, row(405)),
    "promotion:action-evidence": ({"tag": "tidak-ada"}, only(STAFF, ok=404)),
    "promotion:share_file": ({"release": "RELEASE", "format": "kartu-1200x630"}, UNPUBLISHED),
    "promotion:share_entry": ({"entry": "ENTRY"}, row(200)),
    "promotion:share_entry_file": ({"entry": "ENTRY", "format": "kartu-1200x630"}, row(200)),
    # Issue 21, SOP activity 6: staff pages; the KPI targets are the administrator's.
    "usage:dashboard": ({}, only(STAFF)),
    "usage:chart": ({"figure": "tren"}, only(STAFF)),
    "usage:figure-csv": ({"figure": "format"}, only(STAFF)),
    "usage:figure-json": ({"figure": "format"}, only(STAFF)),
    "usage_export:index": ({}, only(STAFF)),
    "usage_export:table": ({"name": "monthly_usage"}, only(STAFF)),
    "epss:evidence": ({}, only(STAFF)),
    "epss:evidence-xlsx": ({}, only(STAFF)),
    "epss:evidence-pdf": ({}, only(STAFF)),
    "kpi:table": ({}, only(STAFF)),
    "kpi:table-csv": ({}, only(STAFF)),
    "kpi:table-json": ({}, only(STAFF)),
    "kpi:compliance": ({}, only(STAFF)),
    "kpi:compliance-csv": ({}, only(STAFF)),
    "kpi:compliance-json": ({}, only(STAFF)),
    "kpi:targets": ({}, only(("admin",))),
    "laporan:list": ({}, only(STAFF)),
    "laporan:detail": ({"uuid": "REPORT"}, only(STAFF)),
    "laporan:status": ({"uuid": "REPORT"}, only(STAFF)),
    "laporan:file": ({"uuid": "REPORT", "fmt": "pdf"}, only(STAFF, ok=404)),
    "laporan:regenerate": ({"uuid": "REPORT"}, row(405)),
    "laporan:narrative": ({"uuid": "REPORT", "key": "ringkasan"}, row(405)),
    "laporan:submit": ({"uuid": "REPORT"}, row(405)),
    "laporan:review": ({"uuid": "REPORT"}, row(405)),
    "laporan:sign": ({"uuid": "REPORT"}, row(405)),
    "laporan:publish": ({"uuid": "REPORT"}, row(405)),
    "support:help": ({}, row(200)),
    "support:faq": ({}, row(200)),
    "support:faq_entry": ({"pk": "FAQ"}, row(200)),
    "support:guide": ({"slug": "publik"}, row(200)),
    "support:ask": ({}, row(200)),
    "support:suggest": ({}, row(200)),
    "support:suggest_answered": ({}, row(405)),
    "support:challenge": ({}, row(200)),
    "support:survey": ({}, row(200)),
    "support:follow": ({"token": "bukan-token"}, row(404)),
    "support:follow_attachment": ({"token": "bukan-token", "pk": 1}, row(404)),
    "support:objection": ({"token": "bukan-token"}, row(405)),
    "support:survey_ticket": ({"token": "bukan-token"}, row(404)),
    "support:desk": ({}, signed_in(200, pembina=403)),
    "support:ticket": (
        {"pk": "TICKET"},
        signed_in(200, other_producer=403, pembina=403),
    ),
    "support:ticket_action": ({"pk": "TICKET", "action": "note"}, row(405)),
    "support:ticket_attachment": (
        {"pk": "TICKET", "attachment": 999},
        signed_in(404, other_producer=403, pembina=403),
    ),
    "support:ticket_new": ({}, only(RELEASERS)),
    "support:canned": ({}, only(RELEASERS)),
    "support:objection_decide": ({"pk": "OBJECTION"}, only(("kepala_dinas",))),
    "support:guestbook": ({}, only(RELEASERS)),
    "support:guestbook_export": ({"fmt": "csv"}, only(RELEASERS)),
    "support:faq_manage": ({}, only(RELEASERS)),
    "support:faq_new": ({}, only(RELEASERS)),
    "support:faq_edit": ({"pk": "FAQ"}, only(RELEASERS)),
    "support:faq_from_ticket": ({"pk": "TICKET"}, only(RELEASERS)),
    "support:ikm": ({}, only(STAFF)),
    "support:ikm_export": ({"fmt": "xlsx"}, only(STAFF)),
    "support:report": ({}, only(STAFF)),
    "support:report_json": ({}, only(STAFF)),
    # The ticket is a KIP request, not a data request: 404 to those who may publish one.
    "support:adhoc_table": ({"pk": "TICKET"}, only(RELEASERS, ok=404)),
    "support:adhoc_list": ({}, row(200)),
    "support:erratum": (
        {"pk": "TICKET"},
        only(RELEASERS, ok=404),
    ),
    "products:list": ({}, row(200)),
    "products:detail": ({"slug": "PRODUCT"}, UNPUBLISHED),
    "products:version": ({"slug": "PRODUCT", "number": 1}, UNPUBLISHED),
    "products:file": ({"slug": "PRODUCT", "number": 1, "name": "produk-uji.csv"}, UNPUBLISHED),
    "products:manage": ({"slug": "PRODUCT"}, only(RELEASERS)),
    "products:manage-status": ({"slug": "PRODUCT"}, only(RELEASERS)),
    "products:generate": ({"slug": "PRODUCT"}, row(405)),
    "set_language": ({}, row(302)),
    "admin:index": ({}, row(302, admin=200)),
}


def _names(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            if pattern.namespace != "admin":
                found += _names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append(prefix + pattern.name)
    return found


class AccessMatrixTests(PersonaTestCase):
    task: SopTask
    item: DataItem
    upload: Upload
    letter: Letter
    activity: Activity
    dataset: Dataset
    release: Release
    entry: ReleaseEntry
    product: Product
    publication: Product
    chapter: PublicationChapter
    binding: ChapterProduct
    ticket: Any
    objection: Any
    faq: Any
    report: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        services.revise_sop(actor=cls.p.admin, changes={}, steps=[], note="revisi uji")
        cls.task = services.open_task(actor=None, step="layanan", title="Tugas uji")
        data_list = DataList.objects.create(year=2026, status=DataListStatus.APPROVED)
        cls.item = DataItem.objects.create(
            data_list=data_list,
            number=1,
            agency=cls.p.agency,
            name="Jumlah Puskesmas",
            frequency="tahunan",
        )
        dataset = create_dataset(actor=cls.p.walidata, item=cls.item)
        cls.dataset = table_dataset(
            actor=cls.p.producer,
            agency=cls.p.agency,
            name="Jumlah Bidan",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 4]],
        )
        cls.release = Release.objects.for_content(cls.dataset.versions.get()).get()
        cls.entry = plan_entry(
            actor=cls.p.walidata,
            title="Jumlah Bidan 2025",
            agency=cls.p.agency,
            planned_at=timezone.now() + timedelta(days=40),
        )
        # A letterhead needs the site profile (setup_site makes it on a real site).
        SiteProfile.objects.create(
            site_name="Uji", regency_name="Kabupaten Uji", walidata_name="Diskominfo"
        )
        cls.letter = issue_nota_dinas(
            actor=cls.p.walidata,
            data_list=data_list,
            agency=cls.p.agency,
            signatory=cls.p.kepala_dinas,
        )
        cls.activity = save_activity(
            actor=cls.p.producer,
            agency=cls.p.agency,
            answers={"judul_kegiatan": "Kompilasi Uji 2026", "tahun": 2026},
        )
        cls.upload = receive_upload(
            actor=cls.p.walidata,
            dataset=dataset,
            filename="a.csv",
            chunks=[b"a;b\n1;2\n"],
            check=False,
        )
        cls.product = product(actor=cls.p.walidata, agency=cls.p.agency, title="Produk Uji")
        generated_version(cls.p.walidata, cls.product)
        cls.publication = create_product(
            actor=cls.p.walidata, kind="publikasi", title="Uji Dalam Angka", agency=cls.p.agency
        )
        cls.chapter = PublicationChapter.objects.create(product=cls.publication, title="Bab")
        table = create_product(
            actor=cls.p.walidata, kind="tabel", title="Tabel uji", agency=cls.p.agency
        )
        cls.binding = ChapterProduct.objects.create(chapter=cls.chapter, bound=table)
        # A KIP request of the producer's agency, answered with a refusal and objected to.
        from satudata.support import services as support
        from satudata.support.models import FaqEntry

        cls.ticket, _token = support.create_ticket(
            actor=None,
            category="kip",
            subject="Permohonan uji",
            message="Mohon data uji.",
            requester_name="Pemohon Uji",
            requester_email="pemohon@example.org",
            agency=cls.p.agency,
        )
        support.answer(
            actor=cls.p.walidata,
            ticket=cls.ticket,
            body="Ditolak.",
            outcome="refused",
            refusal_reason="17h",
        )
        cls.objection = support.file_objection(
            ticket=cls.ticket, reason="a", statement="Saya keberatan."
        )
        cls.faq = FaqEntry.objects.create(question="Pertanyaan uji?", answer="Jawaban uji.")
        # A dissemination report's draft (issue 21), its files not made yet.
        from satudata.reports.models import Report

        cls.report = Report.objects.create(
            period_kind="bulan",
            period_label="2026-01",
            start_on=date(2026, 1, 1),
            end_on=date(2026, 1, 31),
            version=1,
            created_by=cls.p.walidata,
        )

    def test_every_url_is_in_the_matrix(self) -> None:
        missing = sorted(set(_names(get_resolver())) - set(MATRIX))
        self.assertEqual(missing, [], "add these URL names to MATRIX with their expected codes")

    def test_each_persona_gets_the_expected_status_everywhere(self) -> None:
        people = self.p.by_role()
        failures = []
        for name, (kwargs, expected) in MATRIX.items():
            objects = {
                "TASK": self.task.pk,
                "ITEM": self.item.pk,
                "UPLOAD": self.upload.pk,
                "LETTER": self.letter.pk,
                "ACTIVITY": self.activity.pk,
                "DATASET": self.dataset.slug,
                "RELEASE": str(self.release.uuid),
                "ENTRY": str(self.entry.uuid),
                "PRODUCT": self.product.slug,
                "PUBLICATION": self.publication.slug,
                "CHAPTER": self.chapter.pk,
                "BINDING": self.binding.pk,
                "TICKET": self.ticket.pk,
                "OBJECTION": self.objection.pk,
                "FAQ": self.faq.pk,
                "REPORT": str(self.report.uuid),
            }
            args = {k: objects.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()}
            url = reverse(name, kwargs=args)
            for persona, status in expected.items():
                self.client.logout()
                user = people[persona]
                if user is not None:
                    self.client.force_login(user)
                got = self.client.get(url).status_code
                if got != status:
                    failures.append(f"{name} as {persona}: expected {status}, got {got}")
        self.assertEqual(failures, [])

    def test_the_task_dashboard_does_not_leak_tasks_to_producers(self) -> None:
        self.client.force_login(self.p.producer)
        response = self.client.get(reverse("sop:task-detail", args=[self.task.pk]))
        self.assertNotContains(response, "Tugas uji", status_code=404)
        self.assertTrue(SopTask.objects.filter(pk=self.task.pk).exists())
