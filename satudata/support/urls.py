"""URLs of the support desk. Public pages live under /bantuan/, staff pages under /layanan/.

Each part's views are in their own module: ``views_public`` (asking, following a ticket),
``views_help`` (Bantuan: guides and FAQ), ``views_desk`` (staff), ``views_ikm`` (the survey and
its recap), ``views_reports`` (figures for activity 6 and turning answers into publications).
"""

from __future__ import annotations

from django.urls import path

from satudata.support import views_desk, views_help, views_ikm, views_public, views_reports

app_name = "support"

urlpatterns = [
    # Public: help, FAQ and guides (part C).
    path("bantuan/", views_help.help_home, name="help"),
    path("bantuan/faq/", views_help.faq_list, name="faq"),
    path("bantuan/faq/<int:pk>/", views_help.faq_entry, name="faq_entry"),
    path("bantuan/panduan/<slug:slug>/", views_help.guide, name="guide"),
    # Public: asking and following a ticket (part B).
    path("bantuan/tanya/", views_public.ask, name="ask"),
    path("bantuan/saran.json", views_public.suggest, name="suggest"),
    path("bantuan/saran/terjawab/", views_public.suggest_answered, name="suggest_answered"),
    path("bantuan/tantangan.json", views_public.challenge, name="challenge"),
    path("bantuan/tiket/<str:token>/", views_public.follow, name="follow"),
    path(
        "bantuan/tiket/<str:token>/lampiran/<int:pk>/",
        views_public.follow_attachment,
        name="follow_attachment",
    ),
    path("bantuan/tiket/<str:token>/keberatan/", views_public.objection, name="objection"),
    path("bantuan/tabel-adhoc/", views_reports.adhoc_list, name="adhoc_list"),
    # Public: the IKM survey (part D).
    path("bantuan/survei/", views_ikm.survey, name="survey"),
    path("bantuan/tiket/<str:token>/survei/", views_ikm.survey_ticket, name="survey_ticket"),
    # Staff: the desk (part A).
    path("layanan/", views_desk.desk, name="desk"),
    path("layanan/tiket/baru/", views_desk.ticket_new, name="ticket_new"),
    path("layanan/tiket/<int:pk>/", views_desk.ticket, name="ticket"),
    path(
        "layanan/tiket/<int:pk>/aksi/<slug:action>/", views_desk.ticket_action, name="ticket_action"
    ),
    path(
        "layanan/tiket/<int:pk>/lampiran/<int:attachment>/",
        views_desk.ticket_attachment,
        name="ticket_attachment",
    ),
    path("layanan/balasan-siap/", views_desk.canned_replies, name="canned"),
    path("layanan/keberatan/<int:pk>/", views_desk.objection_decide, name="objection_decide"),
    path("layanan/buku-tamu/", views_desk.guestbook, name="guestbook"),
    path(
        "layanan/buku-tamu/unduh.<slug:fmt>", views_desk.guestbook_export, name="guestbook_export"
    ),
    # Staff: FAQ management (part C).
    path("layanan/faq/", views_help.faq_manage, name="faq_manage"),
    path("layanan/faq/baru/", views_help.faq_edit, name="faq_new"),
    path("layanan/faq/<int:pk>/", views_help.faq_edit, name="faq_edit"),
    path("layanan/tiket/<int:pk>/jadikan-faq/", views_help.faq_from_ticket, name="faq_from_ticket"),
    # Staff: the IKM recap (part D).
    path("layanan/ikm/", views_ikm.recap, name="ikm"),
    path("layanan/ikm/unduh.<slug:fmt>", views_ikm.recap_export, name="ikm_export"),
    # Staff: figures and publishing answers (part E).
    path("layanan/laporan/", views_reports.report, name="report"),
    path("layanan/laporan.json", views_reports.report_json, name="report_json"),
    path("layanan/tiket/<int:pk>/tabel-adhoc/", views_reports.adhoc_table, name="adhoc_table"),
    path("layanan/tiket/<int:pk>/ralat/", views_reports.erratum, name="erratum"),
]
