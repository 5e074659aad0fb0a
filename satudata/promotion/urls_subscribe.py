"""Addresses of subscriptions (see ``satudata.promotion.urls``)."""

from __future__ import annotations

from django.urls import path

from satudata.promotion import views_subscribe

urlpatterns = [
    path("langganan/", views_subscribe.subscribe, name="subscribe"),
    path("langganan/konfirmasi/<str:token>/", views_subscribe.confirm, name="confirm"),
    path("langganan/atur/<str:token>/", views_subscribe.manage, name="manage"),
    # GET: a page with one button; POST: RFC 8058 one-click (List-Unsubscribe-Post).
    path("langganan/berhenti/<str:token>/", views_subscribe.unsubscribe, name="unsubscribe"),
]
