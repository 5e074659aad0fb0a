"""Inputs that fuzzing found answered 500 (most on PostgreSQL only): each is now a clear 4xx,
and API paths answer every error in their own JSON shape, never an HTML page."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

from django.test import Client
from django.urls import reverse

from satudata.accounts.services import create_api_token
from satudata.api import ckan
from satudata.catalog.testing import table_dataset
from satudata.core.input_limits import InputRefused, json_depth, load_json
from satudata.core.testing import PersonaTestCase

HUGE = "99999999999999999999"  # 10^20 - 1: past any 64-bit column
NESTED = "[" * 5000 + "]" * 5000


class HostileInputTests(PersonaTestCase):
    def setUp(self) -> None:
        self.dataset = table_dataset(
            actor=self.p.producer,
            agency=self.p.agency,
            name="Jumlah Puskesmas",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 3]],
            publisher=self.p.kepala_bidang,
        )

    def ckan(self, action: str, **params: Any) -> dict[str, Any]:
        response = self.client.get(f"/api/3/action/{action}", params)
        self.assertLess(response.status_code, 500, response.content[:300])
        self.assertEqual(response["Content-Type"], "application/json;charset=utf-8")
        return response.json()

    def assert_refused(self, response: Any, status: int = 400) -> dict[str, Any]:
        self.assertEqual(response.status_code, status, response.content[:300])
        self.assertIn("application/json", response["Content-Type"])
        return response.json()

    def test_it_refuses_a_nul_byte_in_any_query_parameter(self) -> None:
        for path in (
            "/dataset/?q=a%00b",
            "/api/v1/datasets?q=a%00b",
            "/api/v1/agencies?q=%00",
            "/api/v1/regions?q=%00",
            "/api/3/action/package_search?q=%00",
            "/api/3/action/package_show?id=%00",
            "/api/3/action/organization_show?id=x%00",
        ):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 400, response.content[:200])

    def test_it_answers_a_nul_byte_in_the_api_s_json_shape(self) -> None:
        body = self.assert_refused(self.client.get("/api/v1/datasets?q=%00"))
        self.assertEqual(body["error"]["code"], "invalid")
        body = self.assert_refused(self.client.get("/api/3/action/package_search?q=%00"))
        self.assertFalse(body["success"])
        self.assertIn("NUL", body["error"]["message"])

    def test_it_refuses_a_nul_byte_in_a_posted_form(self) -> None:
        response = self.client.post(
            reverse("accounts:login"), {"username": "a\x00b", "password": "x"}
        )
        self.assertEqual(response.status_code, 400)

    def test_it_refuses_a_title_with_an_escaped_nul_through_the_rest_api(self) -> None:
        token = create_api_token(actor=self.p.producer, name="w", scopes=["write"]).raw
        response = self.client.patch(
            f"/api/v1/datasets/{self.dataset.slug}",
            data=json.dumps({"title": "Judul\u0000jahat"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        self.assert_refused(response)
        self.dataset.refresh_from_db()
        self.assertNotIn("\x00", self.dataset.title)

    def test_it_bounds_ckan_limits_offsets_and_pages(self) -> None:
        for action, name in (
            ("package_search", "rows"),
            ("package_search", "start"),
            ("package_list", "limit"),
            ("package_list", "offset"),
            ("current_package_list_with_resources", "limit"),
            ("current_package_list_with_resources", "offset"),
            ("current_package_list_with_resources", "page"),
            ("organization_list", "limit"),
            ("organization_list", "offset"),
        ):
            with self.subTest(action=action, name=name):
                body = self.ckan(action, **{name: HUGE})
                self.assertFalse(body["success"])
                self.assertEqual(body["error"]["__type"], "Validation Error")

    def test_it_bounds_integers_in_rest_parameters_and_facets(self) -> None:
        response = self.client.get("/api/v1/datasets", {"year": HUGE})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["count"], 0)
        self.assert_refused(self.client.get(f"/api/v1/daftar-data/{HUGE}"))
        self.assert_refused(
            self.client.get(f"/api/v1/datasets/{self.dataset.slug}/versions/{HUGE}")
        )
        self.assert_refused(self.client.get(f"/api/v1/metadata/ms-var/{HUGE}"))
        body = self.ckan("package_search", fq=f"year:{HUGE}")
        self.assertEqual(body["result"]["count"], 0)

    def test_it_refuses_deeply_nested_json_in_ckan_bodies_and_filters(self) -> None:
        response = self.client.post(
            "/api/3/action/package_search", data=NESTED, content_type="application/json"
        )
        # CKAN answers an unreadable body with a bare JSON string, as CKAN itself does.
        self.assertIn("JSON Error", self.assert_refused(response))
        resource = self.ckan("package_show", id=self.dataset.slug)["result"]["resources"][0]
        deep = '{"a":' * 3000 + "1" + "}" * 3000
        body = self.ckan("datastore_search", resource_id=resource["id"], filters=deep)
        self.assertFalse(body["success"])
        self.assertIn("filters", body["error"])

    def test_it_answers_404_for_sitemap_files_out_of_range(self) -> None:
        for number in ("0", "2", HUGE):
            with self.subTest(number=number):
                response = self.client.get(f"/sitemap-dataset-{number}.xml")
                self.assertEqual(response.status_code, 404)

    def test_it_takes_a_5000_character_user_name_at_log_in_without_error(self) -> None:
        response = self.client.post(
            reverse("accounts:login"), {"username": "u" * 5000, "password": "salah"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "username", status_code=200)


class MachineErrorShapeTests(PersonaTestCase):
    def test_it_answers_an_unknown_rest_path_with_the_rest_error_shape(self) -> None:
        response = self.client.get("/api/v1/tidak-ada")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["error"]["code"], "not_found")

    def test_it_answers_an_unknown_ckan_path_with_the_ckan_envelope(self) -> None:
        response = self.client.get("/api/3/action/")
        self.assertEqual(response.status_code, 404)
        body = response.json()
        self.assertEqual(body["success"], False)
        self.assertEqual(body["error"]["__type"], "Not Found Error")

    def test_it_answers_a_wrong_method_on_the_rest_api_as_json(self) -> None:
        response = self.client.delete("/api/v1/datasets")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response.json()["error"]["code"], "method")

    def test_it_answers_an_unknown_machine_file_as_json(self) -> None:
        response = self.client.get("/dataset/tidak-ada/datapackage.json")
        self.assertEqual(response.status_code, 404)
        self.assertIn("error", response.json())

    def test_it_still_answers_pages_with_the_html_404(self) -> None:
        response = self.client.get("/tidak-ada/")
        self.assertEqual(response.status_code, 404)
        self.assertIn("text/html", response["Content-Type"])


class InputLimitTests(PersonaTestCase):
    def test_it_measures_nesting_outside_strings_only(self) -> None:
        self.assertEqual(json_depth('{"a": [1, {"b": "[[[["}]}'), 3)

    def test_it_refuses_json_deeper_than_the_bound(self) -> None:
        with self.assertRaises(InputRefused):
            load_json(NESTED)

    def test_it_refuses_an_escaped_nul_but_not_an_escaped_backslash_before_u(self) -> None:
        with self.assertRaises(InputRefused):
            load_json('{"a": "x\\u0000"}')
        self.assertEqual(load_json('{"a": "x\\\\u0000"}'), {"a": "x\\u0000"})


class ServerErrorShapeTests(PersonaTestCase):
    def test_it_answers_a_fault_on_a_ckan_path_with_the_envelope_not_the_html_page(self) -> None:
        client = Client(raise_request_exception=False)
        with mock.patch.dict(ckan.ACTIONS, {"site_read": mock.Mock(side_effect=RuntimeError)}):
            response = client.get("/api/3/action/site_read")
        self.assertEqual(response.status_code, 500)
        self.assertEqual(response.json()["error"]["__type"], "Internal Server Error")
