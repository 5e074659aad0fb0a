"""Daftar Data pages: the public list per year, its XLSX, and the staff import and approval."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from satudata.accounts.models import User
from satudata.accounts.permissions import acts_for_agency, can, capability_required, role_of
from satudata.accounts.roles import Capability, Role
from satudata.catalog import services
from satudata.catalog.daftar import parse_daftar
from satudata.catalog.exports import (
    data_list_pdf,
    data_list_xlsx,
    upload_report_pdf,
    upload_report_xlsx,
)
from satudata.catalog.forms import (
    DaftarImportForm,
    DescribeDatasetForm,
    LetterForm,
    MappingForm,
    UploadForm,
)
from satudata.catalog.models import (
    Activity,
    DataItem,
    DataList,
    Dataset,
    DatasetVersion,
    Indicator,
    Letter,
    Upload,
    UploadStatus,
    Variable,
)
from satudata.catalog.sinkronisasi import services as sinkronisasi
from satudata.catalog.sinkronisasi.reading.upload import UnreadableUpload, read_upload
from satudata.catalog.sinkronisasi.services import sync_status, sync_statuses
from satudata.catalog.storage import clean_filename, keep_original, read_original
from satudata.core.taskqueue import QueueUnavailable, queue_unavailable_response
from satudata.releases import access

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What the report page says while the worker runs, per stage of the check.
CHECK_STAGES = {
    "queued": gettext_lazy("Waiting for the worker…"),
    "read": gettext_lazy("Reading the file: %(done)s of %(total)s bytes"),
    "load": gettext_lazy("Loading the rows…"),
    "check": gettext_lazy("Checking: column %(done)s of %(total)s"),
    "store": gettext_lazy("Storing the version: %(done)s of %(total)s rows"),
}


def data_list_index(request: HttpRequest) -> HttpResponse:
    lists = DataList.objects.visible_to(request.user)
    return render(
        request,
        "catalog/datalist_list.html",
        {"lists": lists, "can_import": can(request.user, Capability.MANAGE_DATA_LIST)},
    )


def _visible_list(request: HttpRequest, year: int) -> DataList:
    return get_object_or_404(DataList.objects.visible_to(request.user), year=year)


def data_list_detail(request: HttpRequest, year: int) -> HttpResponse:
    data_list = _visible_list(request, year)
    items = data_list.items.select_related("agency", "activity", "indicator").order_by(
        "number", "pk"
    )
    agency = request.GET.get("opd", "")
    if agency:
        items = items.filter(agency__slug=agency)
    statuses = sync_statuses(items)
    return render(
        request,
        "catalog/datalist_detail.html",
        {
            "data_list": data_list,
            "rows": [(item, statuses[item.pk]) for item in items],
            "uploadable": {i.pk for i in items if acts_for_agency(request.user, i.agency)},
            # Links to the metadata the visitor may open (drafts stay with their agency).
            "activities": set(
                Activity.objects.visible_to(request.user)
                .filter(items__in=items)
                .values_list("pk", flat=True)
            ),
            "indicators": set(
                Indicator.objects.visible_to(request.user)
                .filter(items__in=items)
                .values_list("pk", flat=True)
            ),
            "agency": agency,
            "agencies": sorted(
                {i.agency for i in data_list.items.select_related("agency")}, key=lambda a: a.name
            ),
            "can_approve": can(request.user, Capability.APPROVE_DATA_LIST)
            and not data_list.is_frozen,
        },
    )


def data_list_xlsx_view(request: HttpRequest, year: int) -> HttpResponse:
    data_list = _visible_list(request, year)
    response = HttpResponse(data_list_xlsx(data_list), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="daftar-data-{year}.xlsx"'
    return response


def data_list_pdf_view(request: HttpRequest, year: int) -> HttpResponse:
    data_list = _visible_list(request, year)
    response = HttpResponse(data_list_pdf(data_list), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="daftar-data-{year}.pdf"'
    return response


def _preview_context(data: bytes, filename: str) -> dict[str, object]:
    tables = read_upload(data, filename)
    table = next((t for t in tables if t.columns), tables[0])
    return {"table": table, "preview": parse_daftar(table)}


@capability_required(Capability.MANAGE_DATA_LIST)
def data_list_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview with every problem → confirm. The original is kept either way."""
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST" and "confirm" in request.POST:
        digest = request.POST.get("digest", "")
        filename = clean_filename(request.POST.get("filename", ""))
        try:
            year = int(request.POST.get("year", ""))
            context = _preview_context(read_original(digest), filename)
        except (ValueError, FileNotFoundError, UnreadableUpload):
            raise Http404 from None
        try:
            result = services.import_data_list(actor=user, year=year, preview=context["preview"])  # type: ignore[arg-type]
        except services.DataListFrozen:
            messages.error(
                request,
                _("The Daftar Data %(year)s is approved and frozen; it no longer changes.")
                % {"year": year},
            )
            return redirect("catalog:datalist-detail", year=year)
        messages.success(
            request,
            _("Saved: %(created)s new, %(updated)s updated, %(kept)s kept.")
            % {"created": result.created, "updated": result.updated, "kept": result.kept},
        )
        return redirect("catalog:datalist-detail", year=year)
    form = DaftarImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        digest, _size = keep_original(upload.chunks())
        filename = clean_filename(upload.name)
        try:
            context = _preview_context(read_original(digest), filename)
        except UnreadableUpload as error:
            form.add_error("file", str(error))
        else:
            return render(
                request,
                "catalog/datalist_preview.html",
                {
                    **context,
                    "digest": digest,
                    "filename": filename,
                    "year": form.cleaned_data["year"],
                },
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "catalog/datalist_import.html", {"form": form}, status=status)


@require_POST
@capability_required(Capability.APPROVE_DATA_LIST)
def data_list_approve(request: HttpRequest, year: int) -> HttpResponse:
    data_list = get_object_or_404(DataList, year=year)
    try:
        services.approve_data_list(actor=request.user, data_list=data_list)  # type: ignore[arg-type]
    except services.DataListFrozen:
        messages.error(request, _("It was already approved."))
    except PermissionDenied:
        raise
    else:
        messages.success(
            request, _("The Daftar Data %(year)s is approved and frozen.") % {"year": year}
        )
    return redirect("catalog:datalist-detail", year=year)


def _item_for(request: HttpRequest, pk: int) -> DataItem:
    item = get_object_or_404(DataItem.objects.select_related("agency", "data_list"), pk=pk)
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not acts_for_agency(request.user, item.agency):
        raise PermissionDenied("catalog.upload")
    return item


@login_required
def item_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A producer (or the Walidata for it) sends the item's data; the worker checks it.

    The page's script sends the file with a progress bar and expects JSON back; without
    script the form posts as usual and the answer is a redirect to the report.
    """
    item = _item_for(request, pk)
    user: User = request.user  # type: ignore[assignment]
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        dataset = services.create_dataset(actor=user, item=item)
        try:
            upload = sinkronisasi.receive_upload(
                actor=user,
                dataset=dataset,
                filename=upload_file.name,
                chunks=upload_file.chunks(),
            )
        except sinkronisasi.UploadRefused as error:
            form.add_error("file", str(error))
        except QueueUnavailable:
            return queue_unavailable_response(request, as_json=wants_json)
        else:
            report = reverse("catalog:upload-report", args=[upload.pk])
            if wants_json:
                return JsonResponse({"upload": upload.pk, "report": report}, status=201)
            return redirect(report)
    if request.method == "POST" and wants_json:
        return JsonResponse(
            {"errors": [str(e) for errors in form.errors.values() for e in errors]}, status=400
        )
    uploads = Upload.objects.filter(dataset__item=item).select_related("uploaded_by")[:20]
    return render(
        request,
        "catalog/item_upload.html",
        {"item": item, "form": form, "uploads": uploads, "status": sync_status(item)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def item_describe(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the description of the item's dataset, creating the dataset if nothing was uploaded
    yet: its key and its own limits are declared before the first upload is checked."""
    item = _item_for(request, pk)
    dataset = services.create_dataset(actor=request.user, item=item)  # type: ignore[arg-type]
    return redirect("catalog:dataset-describe", slug=dataset.slug)


@login_required
def dataset_describe(request: HttpRequest, slug: str) -> HttpResponse:
    """The producing agency (or the Walidata) says what the portal shows about a dataset:
    title, description, sector, licence, tags and topics. Its data stay as they are."""
    dataset = get_object_or_404(
        Dataset.objects.select_related("agency", "item__data_list").prefetch_related(
            "tags", "topics"
        ),
        slug=slug,
    )
    if not acts_for_agency(request.user, dataset.agency):
        raise PermissionDenied("catalog.describe_dataset")
    user: User = request.user  # type: ignore[assignment]
    back = (
        reverse("portal:dataset", args=[dataset.slug])
        if dataset.versions.visible_to(user).exists()
        else reverse("catalog:item-upload", args=[dataset.item.pk])
    )
    form = DescribeDatasetForm(request.POST or None, dataset=dataset)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.describe_dataset(
                actor=user,
                dataset=dataset,
                title=data["title"],
                description=data["description"],
                sector=data["sector"],
                license_id=data["license_id"],
                tags=data["tags"],
                topics=data["topics"],
                seen=data["seen"],
                key_variables=data["key_variables"],
                rule_overrides=data["limits"],
            )
        except services.ChangedMeanwhile as error:
            form.changed_meanwhile(error.modified_at)
        else:
            messages.success(request, _("The dataset's description is saved."))
            return redirect(back)
    return render(
        request,
        "catalog/dataset_describe.html",
        {"dataset": dataset, "form": form, "back": back},
        status=400 if request.method == "POST" else 200,
    )


def _upload_for(request: HttpRequest, pk: int) -> Upload:
    upload = get_object_or_404(
        Upload.objects.select_related("dataset__item__data_list", "dataset__agency", "version"),
        pk=pk,
    )
    if not (
        acts_for_agency(request.user, upload.dataset.agency)
        or can(request.user, Capability.VIEW_TASK_DASHBOARD)
    ):
        raise PermissionDenied("catalog.view_upload")
    return upload


def _version_of(upload: Upload) -> DatasetVersion | None:
    try:
        return upload.version
    except DatasetVersion.DoesNotExist:
        return None


@login_required
def upload_report(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _upload_for(request, pk)
    version = _version_of(upload)
    if version is not None:
        # A report quotes the table's rows and cells: reading the report of a version not yet
        # out is a pre-release read, logged like any other (the access module decides for whom).
        version.dataset = upload.dataset
        access.note_reads(request, request.user, [version])
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(upload_report_xlsx(upload), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="laporan-sinkronisasi-{pk}.xlsx"'
        return response
    if request.GET.get("format") == "pdf":
        response = HttpResponse(upload_report_pdf(upload), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="laporan-sinkronisasi-{pk}.pdf"'
        return response
    names = dict(Variable.objects.filter(pk__in=upload.mapping.values()).values_list("pk", "name"))
    mapped = [(column, names.get(pk, "—")) for column, pk in upload.mapping.items()]
    form = None
    if acts_for_agency(request.user, upload.dataset.agency) and upload.columns:
        form = MappingForm(upload=upload)
    return render(
        request,
        "catalog/upload_report.html",
        {
            "upload": upload,
            "missing": upload.missing_by_column(),
            "version": version,
            "mapped": mapped,
            "form": form,
            "checking": upload.status == UploadStatus.CHECKING,
            "stages": CHECK_STAGES,
            "later": upload.rechecks.order_by("-pk").first(),
        },
    )


@login_required
def upload_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Where the check of an upload stands, for the report page to follow while it runs."""
    upload = _upload_for(request, pk)
    return JsonResponse(
        {
            "status": upload.status,
            "label": str(upload.get_status_display()),
            "progress": upload.progress,
            "errors": upload.error_count,
            "warnings": upload.warning_count,
        }
    )


@login_required
@require_POST
def upload_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    """Check the same file again with the producer's own column mapping."""
    upload = _upload_for(request, pk)
    if not acts_for_agency(request.user, upload.dataset.agency):
        raise PermissionDenied("catalog.upload")
    form = MappingForm(request.POST, upload=upload)
    if not form.is_valid():
        messages.error(request, _("The mapping could not be read; choose again."))
        return redirect("catalog:upload-report", pk=pk)
    try:
        again = sinkronisasi.recheck_upload(
            actor=request.user,  # type: ignore[arg-type]
            upload=upload,
            mapping=form.mapping(),
            sheets=form.cleaned_data.get("sheets") or None,
            unpivot=form.cleaned_data.get("unpivot") or False,
        )
    except QueueUnavailable:
        return queue_unavailable_response(request, as_json=False)
    return redirect("catalog:upload-report", pk=again.pk)


@login_required
def letter_list(request: HttpRequest) -> HttpResponse:
    """Letters sent, and (for the Walidata) the form to issue one."""
    letters = Letter.objects.visible_to(request.user).select_related("agency", "signatory")
    # A producer always has the page (the menu links it), empty until a letter comes.
    producer = role_of(request.user) == Role.PRODUSEN
    if not can(request.user, Capability.VIEW_TASK_DASHBOARD) and not producer:
        raise PermissionDenied("catalog.view_letters")
    may_issue = can(request.user, Capability.MANAGE_DATA_LIST)
    form = LetterForm(request.POST or None) if may_issue else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("catalog.issue_letter")
        if form.is_valid():
            try:
                letter = services.issue_nota_dinas(
                    actor=request.user,  # type: ignore[arg-type]
                    data_list=form.cleaned_data["data_list"],
                    agency=form.cleaned_data["agency"],
                    signatory=form.cleaned_data["signatory"],
                )
            except services.NothingOutstanding:
                form.add_error(
                    "agency", _("Every item of this agency is synchronised; no letter is needed.")
                )
            else:
                messages.success(
                    request, _("Nota dinas %(number)s issued.") % {"number": letter.number}
                )
                return redirect("catalog:letter-list")
    return render(
        request,
        "catalog/letter_list.html",
        {"letters": letters, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def letter_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.visible_to(request.user), pk=pk)
    if kind not in ("pdf", "docx"):
        raise Http404
    path = letter.pdf_path if kind == "pdf" else letter.docx_path
    with default_storage.open(path, "rb") as handle:
        content = handle.read()
    types = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    response = HttpResponse(content, content_type=types[kind])
    response["Content-Disposition"] = (
        f'attachment; filename="nota-dinas-{letter.year}-{letter.sequence:04d}.{kind}"'
    )
    return response
