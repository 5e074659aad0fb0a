"""The Walidata's forms to compose a chart from a table product, and an infographic from a
table and one or two charts (SOP activity 2).

Both go in two steps: choose the table (its newest released version gives the dimensions and
values to choose from), then the chart or page. "Preview" draws it on the server with the
same code the generation uses; "Save" creates the product (``create_product``, which opens the
activity-2 task) and leads to its page of work, where versions are generated.
"""

from __future__ import annotations

import base64
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.accounts.permissions import capability_required
from satudata.accounts.roles import Capability
from satudata.products import charts, infographics
from satudata.products.cube import Cube
from satudata.products.errors import ProductError
from satudata.products.models import Product, ProductKind, ProductVersion
from satudata.products.services import create_product

MARKS = [
    ("bar", gettext_lazy("Bars")),
    ("stacked-bar", gettext_lazy("Stacked bars")),
    ("line", gettext_lazy("Line (over time)")),
    ("pyramid", gettext_lazy("Population pyramid")),
    ("tile-map", gettext_lazy("Tile map of the kecamatan")),
]
ORIENTATIONS = [
    ("", gettext_lazy("Automatic")),
    ("across", gettext_lazy("Bars across")),
    ("up", gettext_lazy("Bars upwards")),
]
TEMPLATES = [
    ("square", gettext_lazy("Square, 1080 × 1080 (social media)")),
    ("a4", gettext_lazy("A4 portrait (print)")),
]
ALL = "*"  # a headline's choice to sum over a dimension


def _tables() -> list[Product]:
    """Table products that have a released version to draw from."""
    released = ProductVersion.objects.released().values("product_id")
    return list(Product.objects.filter(kind=ProductKind.TABLE, pk__in=released))


class TableChoiceForm(forms.Form):
    tabel = forms.ChoiceField(label=gettext_lazy("Table product to draw from"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tables: forms.ChoiceField = self.fields["tabel"]  # type: ignore[assignment]
        tables.choices = [(t.slug, t.title) for t in _tables()]


def _held_field(dimension: Any, first: str, first_value: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=dimension.label,
        required=False,
        choices=[(first_value, first)] + [(c.code, c.label) for c in dimension.categories],
        initial=first_value,
    )


class ChartForm(forms.Form):
    """A chart over one table: which dimension goes where, and the value each other dimension
    is held at."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    mark = forms.ChoiceField(label=gettext_lazy("Chart type"), choices=MARKS)
    x = forms.ChoiceField(label=gettext_lazy("Along the axis (categories)"))
    color = forms.ChoiceField(
        label=gettext_lazy("Colour (series, stack or the pyramid's two sides)"), required=False
    )
    orientation = forms.ChoiceField(
        label=gettext_lazy("Bars"), choices=ORIENTATIONS, required=False
    )
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=100, required=False)
    source = forms.CharField(label=gettext_lazy("Source"), max_length=300, required=False)
    alt_text = forms.CharField(
        label=gettext_lazy("Text alternative (alt text)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "What the chart shows, in one or two sentences, for people who cannot see it."
        ),
    )

    def __init__(self, *args: Any, cube: Cube, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cube = cube
        dimensions = [(d.id, d.label) for d in cube.dimensions]
        x: forms.ChoiceField = self.fields["x"]  # type: ignore[assignment]
        color: forms.ChoiceField = self.fields["color"]  # type: ignore[assignment]
        x.choices = dimensions
        color.choices = [("", _("— none —")), *dimensions]
        self.fields["unit"].initial = cube.unit
        self.fields["source"].initial = cube.source
        self.fields["title"].initial = cube.title
        for dimension in cube.dimensions:
            self.fields[f"held_{dimension.id}"] = _held_field(
                dimension, _("If not drawn: the newest or the first value")
            )

    def held_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("held_")]

    def chart(self) -> dict[str, Any]:
        data = self.cleaned_data
        chart: dict[str, Any] = {
            "mark": data["mark"],
            "x": data["x"],
            "title": data["title"],
            "unit": data["unit"],
            "source": data["source"],
            "alt_text": data["alt_text"],
        }
        if data["color"]:
            chart["color"] = data["color"]
        if data["orientation"]:
            chart["horizontal"] = data["orientation"] == "across"
        held = {d.id: data.get(f"held_{d.id}") for d in self.cube.dimensions}
        chart["filter"] = {name: code for name, code in held.items() if code}
        return chart

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if not self.errors:
            try:
                charts.vegalite_spec(self.cube, self.chart())
            except ProductError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned


class InfographicForm(forms.Form):
    """One page over one table: up to three headline figures and one or two chart products."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    subtitle = forms.CharField(
        label=gettext_lazy("Line under the title"), max_length=300, required=False
    )
    template = forms.ChoiceField(label=gettext_lazy("Template"), choices=TEMPLATES)
    charts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Charts (one or two)"),
        queryset=Product.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    source = forms.CharField(label=gettext_lazy("Source"), max_length=300, required=False)
    alt_text = forms.CharField(
        label=gettext_lazy("Text alternative (alt text)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The page's figures and what the charts show, in a few sentences."),
    )

    def __init__(self, *args: Any, cube: Cube, table: Product, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cube, self.table = cube, table
        drawn: forms.ModelMultipleChoiceField = self.fields["charts"]  # type: ignore[assignment]
        drawn.queryset = Product.objects.filter(kind=ProductKind.CHART, source__isnull=False)
        self.fields["title"].initial = cube.title
        for n in range(1, infographics.MAX_HEADLINES + 1):
            self.fields[f"label_{n}"] = forms.CharField(
                label=_("Headline figure %(n)s: its name") % {"n": n},
                max_length=100,
                required=n == 1,
            )
            for dimension in cube.dimensions:
                if dimension.role == "time":
                    continue  # the newest period, compared with the one before
                self.fields[f"headline_{n}_{dimension.id}"] = _held_field(
                    dimension, _("All (summed)"), ALL
                )

    def headline_groups(self) -> list[list[forms.BoundField]]:
        return [
            [self[name] for name in self.fields if name.startswith(f"headline_{n}_")]
            for n in range(1, infographics.MAX_HEADLINES + 1)
        ]

    def label_fields(self) -> list[forms.BoundField]:
        return [self[f"label_{n}"] for n in range(1, infographics.MAX_HEADLINES + 1)]

    def spec(self) -> dict[str, Any]:
        data = self.cleaned_data
        headlines = []
        for n in range(1, infographics.MAX_HEADLINES + 1):
            if not data.get(f"label_{n}"):
                continue
            choices = {
                d.id: data.get(f"headline_{n}_{d.id}") or ALL
                for d in self.cube.dimensions
                if d.role != "time"
            }
            headlines.append(
                {
                    "label": data[f"label_{n}"],
                    "total": [name for name, code in choices.items() if code == ALL],
                    "filter": {name: code for name, code in choices.items() if code != ALL},
                }
            )
        drawn = [
            {**dict(chart.spec), "table": chart.source.slug, "alt_text": chart.alt_text}
            for chart in data["charts"]
        ]
        return {
            "template": data["template"],
            "title": data["title"],
            "subtitle": data["subtitle"],
            "headlines": headlines,
            "charts": drawn,
            "source": data["source"],
            "alt_text": data["alt_text"],
        }

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if not self.errors:
            try:
                self.page = infographics.content(self.draft())
            except ProductError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned

    def draft(self) -> ProductVersion:
        """An unsaved version to lay out the page from."""
        product = Product(
            kind=ProductKind.INFOGRAPHIC,
            title=self.cleaned_data["title"],
            source=self.table,
            alt_text=self.cleaned_data["alt_text"],
        )
        return ProductVersion(product=product, number=1, spec=self.spec())


def _table_and_cube(request: HttpRequest) -> tuple[TableChoiceForm, Product | None, Cube | None]:
    """The table chosen (``?tabel=``), and its newest released version's cube."""
    choice = TableChoiceForm(request.GET or None)
    if not choice.is_valid():
        return choice, None, None
    table = Product.objects.get(slug=choice.cleaned_data["tabel"], kind=ProductKind.TABLE)
    try:
        cube = charts.table_cube(charts.released_table(table))
    except ProductError as error:
        choice.add_error("tabel", error.message)
        return choice, None, None
    return choice, table, cube


def _data_uri(content: bytes | str, media_type: str) -> str:
    raw = content.encode() if isinstance(content, str) else content
    return f"data:{media_type};base64,{base64.b64encode(raw).decode()}"


def _work_page(product: Product) -> str:
    return reverse("products:manage", args=[product.slug])


@capability_required(Capability.COMPOSE_PRODUCTS)
def chart_new(request: HttpRequest) -> HttpResponse:
    choice, table, cube = _table_and_cube(request)
    context: dict[str, Any] = {"choice": choice, "table": table}
    if table is None or cube is None:
        return render(request, "products/chart_form.html", context)
    form = ChartForm(request.POST or None, cube=cube)
    if request.method == "POST" and form.is_valid():
        chart = form.chart()
        if "preview" not in request.POST:
            product = create_product(
                actor=request.user,  # type: ignore[arg-type]
                kind=ProductKind.CHART,
                title=chart["title"],
                agency=table.agency,
                spec=chart,
                source=table,
                alt_text=chart["alt_text"],
            )
            return redirect(_work_page(product))
        try:
            svg = charts.render_svg(cube, chart)
        except ProductError as error:
            form.add_error(None, error.message)
        else:
            context["preview"] = _data_uri(svg, "image/svg+xml")
            context["preview_alt"] = chart["alt_text"]
    context["form"] = form
    return render(request, "products/chart_form.html", context)


@capability_required(Capability.COMPOSE_PRODUCTS)
def infographic_new(request: HttpRequest) -> HttpResponse:
    choice, table, cube = _table_and_cube(request)
    context: dict[str, Any] = {"choice": choice, "table": table}
    if table is None or cube is None:
        return render(request, "products/infographic_form.html", context)
    form = InfographicForm(request.POST or None, cube=cube, table=table)
    if request.method == "POST" and form.is_valid():
        spec = form.spec()
        if "preview" not in request.POST:
            product = create_product(
                actor=request.user,  # type: ignore[arg-type]
                kind=ProductKind.INFOGRAPHIC,
                title=spec["title"],
                agency=table.agency,
                spec=spec,
                source=table,
                alt_text=spec["alt_text"],
            )
            return redirect(_work_page(product))
        embedded = form.page[1]
        try:
            png = infographics.typeset(form.page[0], embedded, "png")
        except ProductError as error:
            form.add_error(None, error.message)
        else:
            context["preview"] = _data_uri(png, "image/png")
            context["preview_alt"] = spec["alt_text"]
    context["form"] = form
    return render(request, "products/infographic_form.html", context)
