"""Addresses of this part of promotion (see ``satudata.promotion.urls``): what's new, its feeds
(``?sektor=<key>&instansi=<slug>`` narrow them) and the yearly release calendar for print."""

from __future__ import annotations

from typing import Any

from django.urls import path

from satudata.promotion import feeds, views_news

urlpatterns: list[Any] = [
    path("rilis-terbaru/", views_news.news_page, name="news"),
    path("rilis-terbaru/feed.rss", feeds.NewsFeed(), name="news-rss"),
    path("rilis-terbaru/feed.atom", feeds.NewsAtom(), name="news-atom"),
    path("jadwal-rilis/cetak/<int:year>.pdf", views_news.calendar_print, name="calendar-pdf"),
]
