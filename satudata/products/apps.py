from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    """SOP activity 2: statistical tables, charts, infographics and publications composed from
    released dataset versions, each version released through activity 3's workflow."""

    name = "satudata.products"
    label = "products"
    verbose_name = _("Dissemination products")
