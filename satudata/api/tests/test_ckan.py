"""The CKAN-compatible API read with the unmodified ``ckanapi`` client against a running
server, plus the request sequences of ckanext-harvest and udata (../shared/domain/portals.md)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

import ckanapi  # type: ignore[import-untyped]
from django.test import LiveServerTestCase
from django.utils import timezone

from satudata.catalog.models import Topic
from satudata.catalog.testing import table_dataset
from satudata.core.testing import load_reference_data, make_personas

# The keys udata's CKAN harvester requires of package_show and of each resource and tag.
PACKAGE_KEYS = {
    "id",
    "name",
    "title",
    "notes",
    "license_id",
    "license_title",
    "tags",
    "metadata_created",
    "metadata_modified",
    "organization",
    "resources",
    "private",
    "type",
    "author",
    "author_email",
    "maintainer",
    "maintainer_email",
    "state",
}
RESOURCE_KEYS = {
    "id",
    "position",
    "name",
    "description",
    "format",
    "mimetype",
    "size",
    "hash",
    "created",
    "last_modified",
    "url",
    "resource_type",
}


class CkanApiTests(LiveServerTestCase):
    def setUp(self) -> None:
        load_reference_data()
        self.p = make_personas()
        topic = Topic.objects.create(slug="kesehatan", name="Kesehatan")
        self.first = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Jumlah Puskesmas",
            columns=[("Kecamatan", "text"), ("Jenis", "text"), ("Jumlah", "int")],
            rows=[
                ["Pringsewu", "Rawat Inap", 1],
                ["Pringsewu", "Non Rawat Inap", 2],
                ["Gadingrejo", "Rawat Inap", 3],
                ["Pagelaran", "Non Rawat Inap", 4],
            ],
            publisher=self.p.kepala_bidang,
            sector="KESEHATAN",
            tags=["puskesmas"],
            topics=[topic],
            description="Puskesmas per kecamatan.",
        )
        self.second = table_dataset(
            actor=self.p.walidata,
            agency=self.p.other_agency,
            name="Jumlah Sekolah",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 9]],
            publisher=self.p.kepala_bidang,
            tags=["sekolah"],
        )
        self.hidden = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Data Belum Terbit",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 1]],
        )
        self.ckan = ckanapi.RemoteCKAN(self.live_server_url)

    def test_every_read_action_through_ckanapi(self) -> None:
        action = self.ckan.action
        self.assertEqual(action.package_list(), ["jumlah-puskesmas-2025", "jumlah-sekolah-2025"])
        self.assertEqual(action.package_list(limit=1, offset=1), ["jumlah-sekolah-2025"])

        found = action.package_search(q="puskesmas", **{"facet.field": '["organization","tags"]'})
        self.assertEqual(found["count"], 1)
        self.assertEqual(found["results"][0]["name"], "jumlah-puskesmas-2025")
        items = found["search_facets"]["organization"]["items"]
        self.assertEqual([(i["name"], i["count"]) for i in items], [(self.p.agency.slug, 1)])
        self.assertEqual(found["facets"]["tags"], {"puskesmas": 1})

        package = action.package_show(id="jumlah-puskesmas-2025")
        self.assertLessEqual(PACKAGE_KEYS, set(package))
        self.assertEqual(package, action.package_show(id=package["id"]))
        self.assertEqual(package["organization"]["name"], self.p.agency.slug)
        self.assertEqual([t["name"] for t in package["tags"]], ["puskesmas"])
        self.assertTrue(all("id" in t for t in package["tags"]))
        self.assertEqual(package["groups"][0]["name"], "kesehatan")
        self.assertEqual(
            [r["format"] for r in package["resources"]], ["CSV", "XLSX", "JSON", "Parquet"]
        )
        for resource in package["resources"]:
            self.assertLessEqual(RESOURCE_KEYS, set(resource))
            self.assertIn(resource["resource_type"], {"file", "api", None})
            with urllib.request.urlopen(resource["url"]) as answer:  # noqa: S310 - the test server
                self.assertEqual(answer.status, 200)
        csv_resource = package["resources"][0]
        self.assertEqual(action.resource_show(id=csv_resource["id"]), csv_resource)
        self.assertEqual(action.resource_view_list(id=csv_resource["id"]), [])

        listed = action.current_package_list_with_resources(limit=5)
        self.assertEqual(len(listed), 2)
        self.assertLessEqual({self.p.agency.slug, self.p.bps.slug}, set(action.organization_list()))
        orgs = action.organization_list(all_fields=True, sort="package_count desc")
        self.assertEqual(orgs[0]["package_count"], 1)
        self.assertTrue(all(o["is_organization"] for o in orgs))
        org = action.organization_show(id=self.p.agency.slug, include_datasets=True)
        self.assertEqual(org["package_count"], 1)
        self.assertEqual([p["name"] for p in org["packages"]], ["jumlah-puskesmas-2025"])
        self.assertEqual(action.organization_show(id=org["id"])["name"], self.p.agency.slug)
        self.assertEqual(action.group_list(), ["kesehatan"])
        self.assertEqual(action.group_list(all_fields=True)[0]["package_count"], 1)
        self.assertEqual(action.group_show(id="kesehatan")["package_count"], 1)
        self.assertEqual(len(action.group_package_show(id="kesehatan")), 1)
        self.assertEqual(action.tag_list(), ["puskesmas", "sekolah"])
        self.assertEqual(action.tag_list(query="sek"), ["sekolah"])
        self.assertIn("cc-by", [lic["id"] for lic in action.license_list()])
        self.assertIn("ckan_version", action.status_show())
        self.assertTrue(action.site_read())
        self.assertIn("q, fq", action.help_show(name="package_search"))

        rows = action.datastore_search(
            resource_id=csv_resource["id"],
            filters={"kecamatan": "Pringsewu"},
            sort="jumlah desc",
            limit=1,
        )
        self.assertEqual(rows["total"], 2)
        self.assertEqual(
            rows["records"],
            [{"_id": 2, "kecamatan": "Pringsewu", "jenis": "Non Rawat Inap", "jumlah": 2}],
        )
        lists = action.datastore_search(
            resource_id=csv_resource["id"],
            q="rawat inap",
            fields="kecamatan,jumlah",
            records_format="lists",
            offset=1,
        )
        self.assertEqual(lists["total"], 4)
        self.assertEqual(lists["records"][0], ["Pringsewu", 2])
        info = action.datastore_info(id=csv_resource["id"])
        self.assertEqual([f["id"] for f in info["fields"]], ["kecamatan", "jenis", "jumlah"])
        self.assertEqual(info["meta"]["count"], 4)

    def test_the_unpublished_dataset_is_on_no_action(self) -> None:
        action = self.ckan.action
        self.assertNotIn("data-belum-terbit-2025", action.package_list())
        self.assertEqual(action.package_search(q="terbit")["count"], 0)
        with self.assertRaises(ckanapi.NotFound):
            action.package_show(id="data-belum-terbit-2025")
        from satudata.api.packages import resource_id

        with self.assertRaises(ckanapi.NotFound):
            action.datastore_search(resource_id=resource_id(self.hidden, "CSV"))
        with self.assertRaises(ckanapi.NotFound):
            action.resource_show(id=resource_id(self.hidden, "CSV"))
        orgs = {o["name"]: o["package_count"] for o in action.organization_list(all_fields=True)}
        self.assertEqual(orgs[self.p.agency.slug], 1)

    def test_errors_reach_ckanapi_as_its_own_exceptions(self) -> None:
        action = self.ckan.action
        resource = action.package_show(id="jumlah-puskesmas-2025")["resources"][0]["id"]
        with self.assertRaises(ckanapi.SearchQueryError):
            action.package_search(colour="red")
        with self.assertRaises(ckanapi.SearchQueryError):
            action.package_search(fq="colour:red")
        with self.assertRaises(ckanapi.ValidationError):
            action.package_search(rows="many")
        for filters in ({"nope": 1}, {"jumlah": "1 OR 1=1"}, {"kecamatan": {"$ne": 1}}):
            with self.assertRaises(ckanapi.ValidationError):
                action.datastore_search(resource_id=resource, filters=filters)
        with self.assertRaises(ckanapi.ValidationError):
            action.datastore_search(resource_id=resource, sort="jumlah; DROP TABLE x")
        with self.assertRaises(ckanapi.NotFound):
            action.datastore_search(resource_id="not-a-resource")
        huge = action.datastore_search(resource_id=resource, limit=10**9)
        self.assertEqual(len(huge["records"]), 4)
        self.assertFalse(huge["truncated"])

    def raw(self, path: str, body: bytes | None = None) -> tuple[int, Any, str]:
        request = urllib.request.Request(self.live_server_url + path, data=body)  # noqa: S310
        if body is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request) as answer:  # noqa: S310
                return answer.status, json.loads(answer.read()), answer.headers["Content-Type"]
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read()), error.headers["Content-Type"]

    def test_envelope_statuses_and_versions_are_ckans(self) -> None:
        status, body, kind = self.raw("/api/3/action/package_show?id=nope")
        self.assertEqual((status, kind), (404, "application/json;charset=utf-8"))
        self.assertEqual(body["success"], False)
        self.assertEqual(body["error"]["__type"], "Not Found Error")
        self.assertTrue(body["help"].endswith("/api/3/action/help_show?name=package_show"))
        status, body, _ = self.raw("/api/3/action/nope")
        self.assertEqual((status, body), (400, "Bad request: Action name not known: nope"))
        status, body, _ = self.raw("/api/action/package_list", b"{not json")
        self.assertEqual(status, 400)
        self.assertEqual(self.raw("/api/3")[1], {"version": 3})
        self.assertEqual(self.raw("/api")[1], {"version": 1})
        status, body, _ = self.raw("/api/action/package_search", json.dumps({"rows": 1}).encode())
        self.assertEqual((status, body["result"]["count"]), (200, 2))
        jsonp = self.live_server_url + "/api/3/action/site_read?callback=cb"
        with urllib.request.urlopen(jsonp) as answer:  # noqa: S310
            self.assertEqual(
                answer.read(),
                b'cb({"help": "'
                + (self.live_server_url + "/api/3/action/help_show?name=site_read").encode()
                + b'", "success": true, "result": true});',
            )

    def test_ckanext_harvest_paging_and_filters(self) -> None:
        def page(start: int, fq: str) -> list[str]:
            result = self.ckan.action.package_search(rows=1, start=start, sort="id asc", fq=fq)
            return [p["name"] for p in result["results"]]

        orgs = f"organization:{self.p.agency.slug} OR organization:{self.p.other_agency.slug}"
        pages = [page(0, orgs), page(1, orgs), page(2, orgs)]
        self.assertEqual(
            sorted(pages[0] + pages[1]), ["jumlah-puskesmas-2025", "jumlah-sekolah-2025"]
        )
        self.assertNotEqual(pages[0], pages[1])
        self.assertEqual(pages[2], [])
        self.assertEqual(page(0, f"-organization:{self.p.agency.slug}"), ["jumlah-sekolah-2025"])
        since = (timezone.now() - timedelta(hours=1)).astimezone(timezone.get_fixed_timezone(0))
        stamp = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        found = self.ckan.action.package_search(fq=f"metadata_modified:[{stamp} TO *]")
        self.assertEqual(found["count"], 2)
        future = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(
            self.ckan.action.package_search(fq=f"metadata_modified:[{future} TO *]")["count"], 0
        )
        # udata puts its filters in q.
        udata = self.ckan.action.package_search(
            q=f"organization:{self.p.agency.slug} AND tags:puskesmas"
        )
        self.assertEqual(udata["count"], 1)
