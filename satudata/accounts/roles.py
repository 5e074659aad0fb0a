"""The roles of the SOP and what each may do: the one table every permission check reads.

Executors in the SOP are the Kepala Bidang and the JF/Staf Pelaksana of the Walidata; the
Kepala Dinas signs. Producing agencies (OPD) and BPS as Pembina Data take part through their
own roles; the public is anonymous and has no row here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    WALIDATA = "walidata", _("Walidata staff (JF/Staf Pelaksana)")
    KEPALA_BIDANG = "kepala_bidang", _("Kepala Bidang (approver)")
    KEPALA_DINAS = "kepala_dinas", _("Kepala Dinas (signatory)")
    PRODUSEN = "produsen", _("Produsen Data (agency)")
    PEMBINA = "pembina", _("Pembina Data (BPS)")
    # An official named on a release's pre-release access list (e.g. the Bupati's office): no
    # rights of its own; it reads what a grant lets it read, until the release time.
    PEJABAT = "pejabat", _("Official (pre-release access only)")


STAFF_ROLES = frozenset({Role.WALIDATA, Role.KEPALA_BIDANG, Role.KEPALA_DINAS, Role.ADMINISTRATOR})


class Capability(models.TextChoices):
    VIEW_TASK_DASHBOARD = "sop.view_dashboard", _("See the SOP task dashboard")
    MANAGE_TASKS = "sop.manage_tasks", _("Start, finish, reassign and cancel SOP tasks")
    REVISE_SOP = "sop.revise", _("Revise the SOP and the holiday list")
    VIEW_AUDIT = "audit.view", _("Read the audit log")
    USE_API_TOKENS = "accounts.api_tokens", _("Hold personal API tokens")
    ADMINISTER = "admin.site", _("Use the administration site")
    MANAGE_DATA_LIST = "catalog.manage_data_list", _("Prepare and import the Daftar Data")
    APPROVE_DATA_LIST = "catalog.approve_data_list", _("Approve and freeze the Daftar Data")
    EDIT_METADATA = (
        "catalog.edit_metadata",
        _("Write statistical metadata (MS-Keg, MS-Var, MS-Ind)"),
    )
    REVIEW_METADATA = "catalog.review_metadata", _("Approve or return statistical metadata")
    MANAGE_RELEASES = (
        "releases.manage",
        _("Prepare releases, keep the release calendar and the pre-release access list"),
    )
    APPROVE_RELEASES = (
        "releases.approve",
        _("Approve releases, change announced dates, cancel and withdraw releases"),
    )
    VIEW_UNPUBLISHED = (
        "releases.view_unpublished",
        _("See content not yet released: drafts and embargoed releases"),
    )
    COMPOSE_PRODUCTS = (
        "products.compose",
        _("Compose dissemination products: tables, charts, infographics, publications"),
    )
    HANDLE_EMBARGOED = (
        "releases.handle_embargoed",
        _("Work on embargoed content without each read logged as pre-release access"),
    )
    HANDLE_TICKETS = (
        "support.handle",
        _("Work on user-support tickets: reply, assign, answer, close; keep the guest book"),
    )
    MANAGE_FAQ = "support.faq", _("Write the FAQ and the canned replies")
    DECIDE_OBJECTIONS = (
        "support.decide_objections",
        _("Decide objections (keberatan) to public-information requests"),
    )
    VIEW_SUPPORT_REPORTS = "support.reports", _("See user-support figures and the IKM recap")
    VIEW_REPORTS = (
        "reports.view",
        _("See usage analytics, the KPIs, SOP compliance and the dissemination reports"),
    )
    COMPOSE_REPORTS = (
        "reports.compose",
        _("Generate dissemination reports and write their narrative sections"),
    )
    REVIEW_REPORTS = "reports.review", _("Review dissemination reports")
    SIGN_REPORTS = "reports.sign", _("Sign dissemination reports")
    SET_KPI_TARGETS = "reports.targets", _("Set the KPI targets")


# Capability -> roles that hold it. Later features add their rows here, never a check by hand.
GRANTS: dict[Capability, frozenset[Role]] = {
    Capability.VIEW_TASK_DASHBOARD: STAFF_ROLES,
    Capability.MANAGE_TASKS: frozenset({Role.WALIDATA, Role.KEPALA_BIDANG, Role.ADMINISTRATOR}),
    Capability.REVISE_SOP: frozenset({Role.ADMINISTRATOR}),
    Capability.VIEW_AUDIT: frozenset({Role.ADMINISTRATOR, Role.KEPALA_BIDANG}),
    Capability.USE_API_TOKENS: frozenset(Role),
    Capability.ADMINISTER: frozenset({Role.ADMINISTRATOR}),
    Capability.MANAGE_DATA_LIST: frozenset({Role.WALIDATA, Role.KEPALA_BIDANG, Role.ADMINISTRATOR}),
    Capability.APPROVE_DATA_LIST: frozenset({Role.KEPALA_BIDANG}),
    # Producers write their own agency's metadata (acts_for_agency); the Walidata helps them.
    Capability.EDIT_METADATA: frozenset({Role.PRODUSEN, Role.WALIDATA, Role.ADMINISTRATOR}),
    # Perpres 39/2019 art. 11: BPS as Pembina Data reviews statistical metadata.
    Capability.REVIEW_METADATA: frozenset({Role.PEMBINA}),
    # SOP activity 3: the Walidata prepares, the Kepala Bidang approves (and alone changes what
    # was announced: T3.2 asks that date changes be agreed by the one in charge).
    Capability.MANAGE_RELEASES: frozenset({Role.WALIDATA, Role.KEPALA_BIDANG, Role.ADMINISTRATOR}),
    Capability.APPROVE_RELEASES: frozenset({Role.KEPALA_BIDANG}),
    # SOP activity 2: the Walidata composes the products (T2).
    Capability.COMPOSE_PRODUCTS: frozenset({Role.WALIDATA, Role.KEPALA_BIDANG, Role.ADMINISTRATOR}),
    # The gate's "sees everything": the staff who had it through the task dashboard before.
    Capability.VIEW_UNPUBLISHED: STAFF_ROLES,
    # Those who prepare and approve a release read it in the course of that work; anyone else
    # reading unreleased content (the Kepala Dinas, the administrator, a pre-release reader) is
    # logged, as the pre-release access rules (T3.3) ask. A producer's own agency's data is
    # exempt by agency, not by capability (``satudata.releases.access.must_log``).
    Capability.HANDLE_EMBARGOED: frozenset({Role.WALIDATA, Role.KEPALA_BIDANG}),
    # SOP activity 5: the Walidata serves requesters; a producer answers tickets assigned to its
    # agency (``satudata.support.services.may_handle``), not the desk as a whole.
    Capability.HANDLE_TICKETS: frozenset({Role.WALIDATA, Role.KEPALA_BIDANG, Role.ADMINISTRATOR}),
    Capability.MANAGE_FAQ: frozenset({Role.WALIDATA, Role.KEPALA_BIDANG, Role.ADMINISTRATOR}),
    # UU 14/2008 Pasal 36: the PPID's superior decides an objection; here the Kepala Dinas.
    Capability.DECIDE_OBJECTIONS: frozenset({Role.KEPALA_DINAS}),
    Capability.VIEW_SUPPORT_REPORTS: STAFF_ROLES,
    # SOP activity 6: the Walidata compiles the report, the Kepala Bidang reviews it, the Kepala
    # Dinas signs it; the administrator keeps the KPI targets.
    Capability.VIEW_REPORTS: STAFF_ROLES,
    Capability.COMPOSE_REPORTS: frozenset({Role.WALIDATA, Role.KEPALA_BIDANG, Role.ADMINISTRATOR}),
    Capability.REVIEW_REPORTS: frozenset({Role.KEPALA_BIDANG}),
    Capability.SIGN_REPORTS: frozenset({Role.KEPALA_DINAS}),
    Capability.SET_KPI_TARGETS: frozenset({Role.ADMINISTRATOR}),
}


class TokenScope(models.TextChoices):
    READ = "read", _("Read: data and metadata you may see")
    WRITE = "write", _("Write: submit data and metadata with your role's permissions")
