"""The worker's part of the dissemination report: freeze the figures (once per version) and make
the three files, with the progress written on the report for its page's progress bar.

A failure is written on the report and keeps the files of the previous run; the frozen figures
are never rebuilt, so a version made again (after its narrative changed, or once signed) shows
exactly the figures it was generated with.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from satudata.products.models import Generation
from satudata.reports import report_docx, report_pdf, report_xlsx, snapshot
from satudata.reports.models import Report
from satudata.reports.report_pdf import RenderError

logger = logging.getLogger(__name__)


def _progress(report_id: int) -> Any:
    def progress(percent: int, text: str = "") -> None:
        Report.objects.filter(pk=report_id).update(
            progress=max(0, min(99, int(percent))), progress_text=str(text)[:200]
        )

    return progress


def _freeze(report: Report) -> Report:
    """Build and keep the figures, only if the version has none yet (first generation)."""
    if report.snapshot is not None:
        return report
    figures = snapshot.build(report.start_on, report.end_on, report.period_kind)
    Report.objects.filter(pk=report.pk, snapshot__isnull=True).update(
        snapshot=figures, is_sample=bool(figures.get("sample"))
    )
    return Report.objects.get(pk=report.pk)


def _store(report: Report, fmt: str, content: bytes) -> dict[str, str]:
    """Keep a file under its digest (a file once written is never overwritten)."""
    digest = hashlib.sha256(content).hexdigest()
    path = f"laporan/{report.period_label}/v{report.version}/{digest[:16]}.{fmt}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(content))
    return {fmt: path, f"{fmt}_sha256": digest}


def run(report_id: int) -> str:
    """Make the version's figures (if need be) and files; a failure is written on the report."""
    progress = _progress(report_id)
    Report.objects.filter(pk=report_id).update(
        generation=Generation.RUNNING, progress=0, generation_error=""
    )
    try:
        progress(5, _("Gathering the figures"))
        report = _freeze(Report.objects.get(pk=report_id))
        progress(30, _("Writing the spreadsheet"))
        stored = _store(report, "xlsx", report_xlsx.render(report))
        progress(40, _("Typesetting the PDF"))
        stored |= _store(report, "pdf", report_pdf.render(report, progress))
        progress(75, _("Writing the Word document"))
        stored |= _store(report, "docx", report_docx.render(report))
    except RenderError as error:
        return _failed(report_id, str(error))
    except Exception:
        logger.exception("Generating dissemination report %s failed", report_id)
        return _failed(
            report_id,
            _(
                "The report could not be made because of an unexpected error. Try again, or tell "
                "the administrator."
            ),
        )
    Report.objects.filter(pk=report_id).update(
        **stored,
        generation=Generation.DONE,
        progress=100,
        progress_text="",
        generated_at=timezone.now(),
    )
    return Generation.DONE


def _failed(report_id: int, message: str) -> str:
    Report.objects.filter(pk=report_id).update(
        generation=Generation.FAILED, generation_error=message, progress=0
    )
    return Generation.FAILED


@task()
def generate_report_files(report_id: int) -> str:
    """Make a report version's figures and files (the worker's part of ``generate_report``)."""
    return run(report_id)
