"""Answers that help everyone: a confirmed data correction becomes an erratum on the release
(activity 3), and the requester is answered with it; a data request answered with a table is
published for everyone as an ad hoc table, through the release workflow.

The agency that holds the data confirms the error (its producer says so on the ticket, or the
Walidata records that it did); the Walidata or the Kepala Bidang then notes the erratum, which
is published on the release's page like any other, and the ticket is answered in one step.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from satudata.accounts.permissions import require
from satudata.accounts.roles import Capability
from satudata.core.audit import record
from satudata.products.models import Generation, Product, ProductKind, ProductVersion
from satudata.releases.models import Release, ReleaseState
from satudata.releases.services import add_erratum, prepare_release, submit_release
from satudata.releases.services.common import ReleaseRefused
from satudata.support import services
from satudata.support.models import AdhocTable, Category, State, Ticket


@transaction.atomic
def erratum_from_ticket(
    *, actor: Any, ticket: Ticket, release: Release, note: str, significant: bool
) -> Ticket:
    """Note the erratum a "koreksi data" ticket found and answer the ticket with it."""
    require(actor, Capability.MANAGE_RELEASES)
    if ticket.category != Category.CORRECTION:
        raise services.SupportError(_("Only a data-correction ticket can start an erratum."))
    if not ticket.is_open:
        raise services.SupportError(_("This ticket is no longer open."))
    try:
        erratum = add_erratum(actor=actor, release=release, note=note, significant=significant)
    except ReleaseRefused as error:
        raise services.SupportError(str(error), "note") from error
    if ticket.release_id != release.pk:
        ticket.release = release
        ticket.save(update_fields=["release", "updated_at"])
    record(
        "support.erratum_started",
        actor=actor,
        obj=ticket,
        summary=f"Ralat pada {release.title} dari laporan {ticket.number}",
    )
    with translation.override(ticket.language or "id"):
        body = _(
            "Thank you: the error you reported was confirmed, and an erratum is now shown with "
            "the data (%(title)s): %(note)s"
        ) % {"title": release.title, "note": erratum.note}
    return services.answer(actor=actor, ticket=ticket, body=body)


TABLE_MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


def table_files(version: ProductVersion) -> list[services.NewFile]:
    """The version's XLSX and CSV, attached to the answer so the requester has the table at
    once (it is made from released data; the public waits for its own release)."""
    from django.core.files.storage import default_storage

    limit = int(settings.SUPPORT_ATTACHMENT_MAX_BYTES)
    files = []
    for item in version.files.filter(format__in=TABLE_MEDIA).order_by("format"):
        if item.size > limit:
            continue
        try:
            with default_storage.open(item.path, "rb") as handle:
                content = handle.read(limit + 1)
        except OSError:
            continue  # the product's page reports a missing file; the answer goes without it
        if content and len(content) <= limit:
            files.append(
                services.NewFile(
                    filename=item.name, content=content, mimetype=TABLE_MEDIA[item.format]
                )
            )
    return files


def adhoc_version(product: Product) -> ProductVersion | None:
    """The table's newest version whose files are made and that was not withdrawn."""
    return (
        ProductVersion.objects.filter(
            product=product, generation=Generation.DONE, withdrawn_at__isnull=True
        )
        .order_by("-number")
        .first()
    )


@transaction.atomic
def adhoc_table_from_ticket(
    *, actor: Any, ticket: Ticket, product: Product, note: str = ""
) -> AdhocTable:
    """Publish the table that answers a data request for everyone.

    The table is an activity-2 table product (made with the table builder from released data),
    so it carries the data's metadata and nothing of the requester. Its newest generated
    version is submitted for the Kepala Bidang's approval (or keeps the release it has); the
    public sees it when that release is out, like every product. An open ticket is answered
    with the table's files attached and its future address; an answered or closed one gets the
    address as a further reply. A release returned or withdrawn is settled on its own page
    first."""
    require(actor, Capability.COMPOSE_PRODUCTS)
    require(actor, Capability.MANAGE_RELEASES)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.category != Category.DATA_REQUEST:
        raise services.SupportError(_("Only a data request can be published as an ad hoc table."))
    services.require_not_merged(ticket)
    if AdhocTable.objects.filter(ticket=ticket).exists():
        raise services.SupportError(_("This request already has its ad hoc table."))
    if product.kind != ProductKind.TABLE:
        raise services.SupportError(_("Choose a table (a product of the kind Table)."), "product")
    version = adhoc_version(product)
    if version is None:
        raise services.SupportError(
            _(
                "This table has no version with its files yet: make a version on the table's "
                "page first, then publish it here."
            ),
            "product",
        )
    release = Release.objects.for_content(version).first()
    if release is not None and release.state in {ReleaseState.RETURNED, ReleaseState.WITHDRAWN}:
        raise services.SupportError(
            _(
                "The release of this table's version was returned or withdrawn: settle it on "
                "its release page (or make a new version) first."
            ),
            "product",
        )
    try:
        if release is None:
            release = prepare_release(actor=actor, content=version)
        if release.state == ReleaseState.DRAFT:
            release = submit_release(
                actor=actor,
                release=release,
                note=f"Tabel ad hoc atas permintaan data {ticket.number}.",
            )
    except ReleaseRefused as error:
        raise services.SupportError(str(error), "product") from error
    text = note.strip()[:2000]
    adhoc = AdhocTable.objects.create(
        ticket=ticket,
        product=product,
        version=version,
        release=release,
        note=text,
        created_by=actor,
    )
    if ticket.product_id != product.pk:
        ticket.product = product
        ticket.save(update_fields=["product", "updated_at"])
    record(
        "support.adhoc_table",
        actor=actor,
        obj=ticket,
        summary=f"Tabel ad hoc {product.title} dari permintaan {ticket.number}",
        changes={"product": [None, product.slug], "release": [None, release.pk]},
    )
    url = services.site_url(reverse("products:detail", args=[product.slug]))
    files = table_files(version)
    with translation.override(ticket.language or "id"):
        body = _(
            "The table made for your request is attached. It will also be published for "
            "everyone as an ad hoc table (%(title)s) once it is approved, at %(url)s"
        ) % {"title": product.title, "url": url}
        subject = _("The table for your request")
    if text:
        body = f"{text}\n\n{body}"
    if ticket.is_open:
        services.answer(actor=actor, ticket=ticket, body=body, files=files)
    elif ticket.state in {State.ANSWERED, State.CLOSED}:
        services.inform(actor=actor, ticket=ticket, subject=subject, body=body)
    return adhoc
