"""``{% table_html cube %}``: a table product's cube as the accessible HTML table."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from satudata.products.cube import Cube
from satudata.products.formats.html_table import table_html as render_table

register = template.Library()


@register.simple_tag
def table_html(cube: Cube, prefix: str = "tabel") -> SafeString:
    return render_table(cube, prefix)
