"""The catalogue as DCAT-AP 3 for RDF harvesters: ``/catalog.jsonld|ttl|rdf`` a page at a time
with Hydra paging (both the ``hydra:PagedCollection`` terms ckanext-dcat writes and the
``hydra:PartialCollectionView`` terms udata reads), and each dataset at
``/dataset/<slug>.jsonld|ttl|rdf``. Everything reads through the one gate.

Code lists are the EU authority tables DCAT-AP names (frequency, file type, language), so a
European-style harvester maps them without a table of its own; sectors and topics are concepts
of this portal's own schemes.
"""

from __future__ import annotations

import math
import mimetypes
from typing import Any

from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from satudata.api import packages
from satudata.catalog.models import Dataset, DatasetVersion, Frequency
from satudata.catalog.search import FORMATS
from satudata.core.models import SiteProfile
from satudata.datastore.exports import MEDIA_TYPES
from satudata.products.models import Product, ProductVersion
from satudata.releases import access

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU = "http://publications.europa.eu/resource/authority/"
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3, not in rdflib's DCAT 2 terms
PAGE_SIZE = 100

SERIALISATIONS = {
    "jsonld": ("json-ld", "application/ld+json"),
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("xml", "application/rdf+xml"),
}
EU_FREQUENCY = {
    Frequency.ANNUAL: "ANNUAL",
    Frequency.SEMESTER: "ANNUAL_2",
    Frequency.QUARTERLY: "QUARTERLY",
    Frequency.MONTHLY: "MONTHLY",
    Frequency.SCHOOL_YEAR: "ANNUAL",
    Frequency.FIVE_YEARLY: "QUINQUENNIAL",
    Frequency.AD_HOC: "IRREG",
}
EU_FILE_TYPE = {"CSV": "CSV", "XLSX": "XLSX", "JSON": "JSON", "Parquet": "PARQUET"}
IANA = "https://www.iana.org/assignments/media-types/"


def _graph() -> Graph:
    graph = Graph()
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("skos", SKOS),
        ("vcard", VCARD),
        ("hydra", HYDRA),
        ("adms", ADMS),
    ):
        graph.bind(prefix, namespace)
    return graph


def _text(graph: Graph, subject: Any, predicate: URIRef, value: str) -> None:
    if value:
        graph.add((subject, predicate, Literal(value, lang="id")))


def _moment(graph: Graph, subject: Any, predicate: URIRef, value: Any) -> None:
    if value is not None:
        graph.add((subject, predicate, Literal(value.isoformat(), datatype=XSD.dateTime)))


class Builder:
    """Adds datasets to a graph with the IRIs of one site (the request's host)."""

    def __init__(self, request: HttpRequest, graph: Graph) -> None:
        self.request = request
        self.graph = graph
        self.profile = SiteProfile.current()
        self.base = request.build_absolute_uri("/").rstrip("/")
        self._agents: dict[int, URIRef] = {}

    def url(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def dataset_iri(self, dataset: Dataset) -> URIRef:
        """Stable whatever the slug becomes: the identifier, which the dataset page accepts."""
        return self.url(reverse("portal:dataset", args=[str(dataset.uuid)]))

    def walidata(self) -> URIRef:
        node = self.url("/#walidata")
        graph = self.graph
        if (node, RDF.type, FOAF.Agent) not in graph:
            graph.add((node, RDF.type, FOAF.Agent))
            graph.add((node, RDF.type, FOAF.Organization))
            _text(graph, node, FOAF.name, self.profile.walidata_name or self.profile.site_name)
            if self.profile.website:
                graph.add((node, FOAF.homepage, URIRef(self.profile.website)))
                graph.add((URIRef(self.profile.website), RDF.type, FOAF.Document))
        return node

    def language(self) -> URIRef:
        node = URIRef(EU + "language/IND")
        self.graph.add((node, RDF.type, DCTERMS.LinguisticSystem))
        return node

    def agency(self, dataset: Dataset) -> URIRef:
        return self._agent(dataset.agency)

    def concept(self, path: str, label: str, scheme: str, scheme_label: str) -> URIRef:
        node = self.url(path)
        scheme_node = self.url(scheme)
        self.graph.add((node, RDF.type, SKOS.Concept))
        _text(self.graph, node, SKOS.prefLabel, label)
        self.graph.add((node, SKOS.inScheme, scheme_node))
        self.graph.add((scheme_node, RDF.type, SKOS.ConceptScheme))
        _text(self.graph, scheme_node, DCTERMS.title, scheme_label)
        return node

    def add(self, dataset: Dataset, version: DatasetVersion | None) -> URIRef:
        graph, item = self.graph, dataset.item
        node = self.dataset_iri(dataset)
        landing = self.url(reverse("portal:dataset", args=[dataset.slug]))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCTERMS.identifier, Literal(str(dataset.uuid))))
        _text(graph, node, DCTERMS.title, dataset.title)
        _text(graph, node, DCTERMS.description, dataset.summary)
        graph.add((node, DCTERMS.publisher, self.agency(dataset)))
        graph.add((node, DCAT.landingPage, landing))
        graph.add((landing, RDF.type, FOAF.Document))
        graph.add((landing, RDF.type, RDFS.Resource))
        graph.add((node, DCTERMS.language, self.language()))
        frequency = URIRef(EU + "frequency/" + self._freq(item))
        graph.add((node, DCTERMS.accrualPeriodicity, frequency))
        graph.add((frequency, RDF.type, DCTERMS.Frequency))
        _moment(graph, node, DCTERMS.modified, dataset.shown_modified_at)
        _moment(graph, node, DCTERMS.issued, dataset.issued_at)
        if version is not None:
            graph.add((node, DCAT_VERSION, Literal(str(version.number))))
        for tag in dataset.tags.all():
            _text(graph, node, DCAT.keyword, tag.name)
        if dataset.sector:
            theme = self.concept(
                reverse("portal:search") + f"?sector={dataset.sector}",
                dataset.get_sector_display(),
                reverse("portal:search") + "#sektor",
                "Sektor statistik BPS",
            )
            graph.add((node, DCAT.theme, theme))
        for topic in dataset.topics.all():
            theme = self.concept(
                reverse("portal:search") + f"?groups={topic.slug}",
                topic.name,
                reverse("portal:search") + "#topik",
                "Topik",
            )
            graph.add((node, DCAT.theme, theme))
        period = BNode()
        year = item.data_list.year
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        graph.add((period, DCAT.startDate, Literal(f"{year}-01-01", datatype=XSD.date)))
        graph.add((period, DCAT.endDate, Literal(f"{year}-12-31", datatype=XSD.date)))
        if self.profile.region_code:
            place = self.url(reverse("regions:region-detail", args=[self.profile.region_code]))
            graph.add((place, RDF.type, DCTERMS.Location))
            graph.add((node, DCTERMS.spatial, place))
        contact = BNode()
        graph.add((node, DCAT.contactPoint, contact))
        graph.add((contact, RDF.type, VCARD.Organization))
        graph.add((contact, RDF.type, VCARD.Kind))
        _text(graph, contact, VCARD.fn, dataset.agency.name)
        if dataset.agency.email:
            graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{dataset.agency.email}")))
        if version is not None:
            self._distributions(node, dataset, version, landing)
        return node

    def add_product(self, product: Product, version: ProductVersion) -> URIRef:
        """A product (SOP activity 2) as a ``dcat:Dataset`` of its kind, with a
        ``dcat:Distribution`` per file of its newest version the viewer may see."""
        graph = self.graph
        landing = self.url(reverse("products:detail", args=[product.slug]))
        node = URIRef(f"{landing}#produk")
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCTERMS.identifier, Literal(str(product.uuid))))
        _text(graph, node, DCTERMS.title, product.title)
        _text(graph, node, DCTERMS.description, product.description)
        graph.add((node, DCTERMS.type, Literal(product.kind)))
        graph.add((node, DCTERMS.publisher, self._agent(product.agency)))
        graph.add((node, DCAT.landingPage, landing))
        graph.add((landing, RDF.type, FOAF.Document))
        graph.add((node, DCTERMS.language, self.language()))
        graph.add((node, DCAT_VERSION, Literal(str(version.number))))
        _moment(graph, node, DCTERMS.issued, version.published_at)
        _moment(graph, node, DCTERMS.modified, version.published_at or version.created_at)
        for source in version.sources.all():
            graph.add(
                (
                    node,
                    DCTERMS.source,
                    self.url(reverse("portal:dataset", args=[str(source.dataset.uuid)])),
                )
            )
        for file in version.files.all():
            download = self.url(
                reverse("products:file", args=[product.slug, version.number, file.name])
            )
            dist = URIRef(f"{landing}#berkas-{file.sha256[:16]}")
            graph.add((node, DCAT.distribution, dist))
            graph.add((dist, RDF.type, DCAT.Distribution))
            _text(graph, dist, DCTERMS.title, file.name)
            graph.add((dist, DCAT.accessURL, landing))
            graph.add((dist, DCAT.downloadURL, download))
            graph.add((dist, DCAT.byteSize, Literal(file.size, datatype=XSD.nonNegativeInteger)))
            graph.add((dist, DCTERMS["format"], Literal(file.format.upper())))
            media = mimetypes.guess_type(file.name)[0]
            if media:
                graph.add((dist, DCAT.mediaType, URIRef(IANA + media)))
        return node

    def _agent(self, agency: Any) -> URIRef:
        if agency.pk not in self._agents:
            node = self.url(reverse("accounts:agency-detail", args=[agency.slug]))
            self.graph.add((node, RDF.type, FOAF.Agent))
            self.graph.add((node, RDF.type, FOAF.Organization))
            _text(self.graph, node, FOAF.name, agency.name)
            self._agents[agency.pk] = node
        return self._agents[agency.pk]

    @staticmethod
    def _freq(item: Any) -> str:
        return EU_FREQUENCY.get(Frequency(item.frequency), "UNKNOWN")

    def _distributions(
        self, node: URIRef, dataset: Dataset, version: DatasetVersion, landing: URIRef
    ) -> None:
        graph = self.graph
        licence = dataset.license_url
        for fmt in FORMATS:
            key = fmt.lower()
            download = self.url(reverse("portal:download", args=[dataset.slug, key]))
            dist = self.url(
                reverse("portal:dataset", args=[str(dataset.uuid)]) + f"#distribusi-{key}"
            )
            graph.add((node, DCAT.distribution, dist))
            graph.add((dist, RDF.type, DCAT.Distribution))
            graph.add((dist, DCTERMS.identifier, Literal(packages.resource_id(dataset, fmt))))
            _text(graph, dist, DCTERMS.title, f"{dataset.title} ({fmt})")
            graph.add((dist, DCAT.accessURL, landing))
            graph.add((dist, DCAT.downloadURL, download))
            graph.add((download, RDF.type, RDFS.Resource))
            media = MEDIA_TYPES[key].split(";")[0]
            graph.add((dist, DCAT.mediaType, URIRef(IANA + media)))
            graph.add((URIRef(IANA + media), RDF.type, DCTERMS.MediaType))
            file_type = URIRef(EU + "file-type/" + EU_FILE_TYPE[fmt])
            graph.add((dist, DCTERMS["format"], file_type))
            graph.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
            if licence:
                graph.add((dist, DCTERMS.license, URIRef(licence)))
                graph.add((URIRef(licence), RDF.type, DCTERMS.LicenseDocument))
            _moment(graph, dist, DCTERMS.modified, version.published_at or version.created_at)


def _respond(graph: Graph, fmt: str) -> HttpResponse:
    syntax, media = SERIALISATIONS[fmt]
    body = graph.serialize(format=syntax, encoding="utf-8")
    return HttpResponse(body, content_type=f"{media}; charset=utf-8")


def catalog(request: HttpRequest, fmt: str) -> HttpResponse:
    """One page of the catalogue (``?page=N``, 100 datasets each, oldest first so that pages
    stay put while datasets are added)."""
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 0
    if page < 1:
        return HttpResponse(
            _("page must be a whole number from 1."), status=400, content_type="text/plain"
        )
    visible = Dataset.objects.visible_to(request.user)
    # The products (SOP activity 2) follow the datasets, on the pages after theirs.
    products = Product.objects.visible_to(request.user).select_related("agency")
    dataset_count = visible.count()
    total = dataset_count + products.count()
    last = max(1, math.ceil(total / PAGE_SIZE))
    if page > last:
        raise Http404(_("The catalogue has %(n)s pages.") % {"n": last})
    first, end = (page - 1) * PAGE_SIZE, page * PAGE_SIZE
    datasets = visible.with_details().with_release_times().order_by("created_at", "pk")[first:end]
    products = products.order_by("created_at", "pk")[
        max(0, first - dataset_count) : max(0, end - dataset_count)
    ]
    graph = _graph()
    builder = Builder(request, graph)
    profile = builder.profile
    here = reverse("api:dcat-catalog", args=[fmt])
    node = builder.url(here)
    graph.add((node, RDF.type, DCAT.Catalog))
    _text(graph, node, DCTERMS.title, profile.site_name)
    _text(
        graph,
        node,
        DCTERMS.description,
        _("Data of %(regency)s published by %(walidata)s under Satu Data Indonesia.")
        % {"regency": profile.regency_name, "walidata": profile.walidata_name},
    )
    graph.add((node, DCTERMS.publisher, builder.walidata()))
    graph.add((node, FOAF.homepage, builder.url("/")))
    graph.add((builder.url("/"), RDF.type, FOAF.Document))
    graph.add((node, DCTERMS.language, builder.language()))
    if profile.region_code:
        place = builder.url(reverse("regions:region-detail", args=[profile.region_code]))
        graph.add((place, RDF.type, DCTERMS.Location))
        graph.add((node, DCTERMS.spatial, place))
    newest = visible.with_release_times().aggregate(newest=Max("changed_at"))["newest"]
    _moment(graph, node, DCTERMS.modified, newest)
    for dataset, version in access.newest_versions(request, datasets, request.user):
        graph.add((node, DCAT.dataset, builder.add(dataset, version)))
    for product, product_version in access.newest_product_versions(request, products, request.user):
        graph.add((node, DCAT.dataset, builder.add_product(product, product_version)))
    _paging(graph, builder, here, page, last, total)
    return _respond(graph, fmt)


def _paging(graph: Graph, builder: Builder, here: str, page: int, last: int, total: int) -> None:
    def page_url(n: int) -> URIRef:
        return builder.url(f"{here}?page={n}")

    view = page_url(page)
    graph.add((view, RDF.type, HYDRA.PartialCollectionView))
    graph.add((view, RDF.type, HYDRA.PagedCollection))
    graph.add((view, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    graph.add((view, HYDRA.itemsPerPage, Literal(PAGE_SIZE, datatype=XSD.integer)))
    links = {"first": 1, "last": last}
    if page > 1:
        links["previous"] = page - 1
    if page < last:
        links["next"] = page + 1
    for name, number in links.items():
        graph.add((view, HYDRA[name], page_url(number)))
        graph.add((view, HYDRA[f"{name}Page"], page_url(number)))


def dataset(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    found = access.dataset_for(request, slug)
    graph = _graph()
    Builder(request, graph).add(found, access.newest_version(request, found, request.user))
    return _respond(graph, fmt)
