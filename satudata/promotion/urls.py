"""URLs of promotion. Each part's addresses are in its own module:

* ``urls_subscribe``: /langganan/… (subscribing, confirming, preferences, unsubscribing);
* ``urls_plan``: /promosi/… (the staff's promotion plan and record per release, reach);
* ``urls_share``: /bagikan/… (share kits: social cards, suggested posts, press releases);
* ``urls_widgets``: /widget/… (embeddable widgets and their script);
* ``urls_news``: /rilis-terbaru/… (what's new, its feeds) and the yearly calendar PDF.
"""

from __future__ import annotations

from satudata.promotion import urls_news, urls_plan, urls_share, urls_subscribe, urls_widgets

app_name = "promotion"

urlpatterns = [
    *urls_subscribe.urlpatterns,
    *urls_plan.urlpatterns,
    *urls_share.urlpatterns,
    *urls_widgets.urlpatterns,
    *urls_news.urlpatterns,
]
