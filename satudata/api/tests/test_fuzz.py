"""Fuzzing the machine channels: no input gives a 5xx, and every error is JSON.

The REST API is fuzzed from its own OpenAPI description (schemathesis generates valid and
invalid requests for every operation); the CKAN actions from hypothesis strategies over their
parameters (NUL characters, integers past 64 bits, deeply nested JSON, any unicode). Runs on
SQLite and on PostgreSQL (DATABASE_URL); bounded to well under a minute on two cores.
``FUZZ_EXAMPLES`` raises the number of examples per operation for a longer local run.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import quote

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from satudata.accounts.services import create_api_token
from satudata.api.ckan import ACTIONS
from satudata.api.rest import api
from satudata.catalog.models import Dataset
from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every CI run; FUZZ_EXAMPLES widens the search
    database=None,
    suppress_health_check=list(HealthCheck),
)
# Multipart file uploads are fuzzed by the upload tests; the others are all here.
SKIPPED = {("POST", "/api/v1/item-data/{pk}/unggahan")}

CKAN_PARAMETERS = [
    "all_fields", "facet", "facet.field", "facet.limit", "facet.mincount", "fields", "filters",
    "fq", "fq_list", "id", "include_datasets", "include_total", "limit", "name", "offset",
    "page", "q", "query", "records_format", "resource_id", "rows", "sort", "start",
]  # fmt: skip
HOSTILE_TEXT = st.sampled_from(
    ["\x00", "a\x00b", "99999999999999999999", "-99999999999999999999", "1e400", "NaN",
     "[" * 200, '{"a":' * 200, "year:99999999999999999999", "name:\x00", "'; DROP TABLE x;--",
     "\ud800", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "*:*", "-", "", " ", "true", "null"]
)  # fmt: skip
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
DEEP = st.integers(min_value=30, max_value=3000).map(lambda n: "[" * n + "]" * n)
CKAN_VALUE = (
    HOSTILE_TEXT
    | st.text(max_size=40)
    | st.integers(min_value=-(10**30), max_value=10**30)
    | JSON_VALUES
    | DEEP
)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def query_string(query: dict[str, Any] | None) -> str:
    """A query string from generated values, whatever their type (even lone surrogates)."""
    pairs = []
    for key, value in (query or {}).items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((_text(key), _text(item)))
    return "&".join(
        f"{quote(k.encode('utf-8', 'surrogatepass'))}={quote(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in pairs
    )


class FuzzTestCase(PersonaTestCase):
    dataset: Dataset
    token: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dataset = table_dataset(
            actor=cls.p.producer,
            agency=cls.p.agency,
            name="Jumlah Puskesmas",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 3], ["Gadingrejo", 2]],
            publisher=cls.p.kepala_bidang,
        )
        cls.token = create_api_token(
            actor=cls.p.producer, name="fuzz", scopes=["read", "write"]
        ).raw

    def assert_answered(self, response: Any, what: str) -> None:
        self.assertLess(response.status_code, 500, f"{what}: {response.content[:300]!r}")
        if response.status_code >= 400:
            self.assertIn("json", response["Content-Type"], f"{what}: {response.content[:200]!r}")
            json.loads(response.content)


class RestFuzzTests(FuzzTestCase):
    """Every operation of the OpenAPI description, with valid and invalid requests."""

    def test_it_answers_every_generated_rest_request_without_a_5xx(self) -> None:
        schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
        operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
        self.assertGreater(len(operations), 15)
        for operation in operations:
            if (operation.method.upper(), operation.path) in SKIPPED:
                continue
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                with self.subTest(operation=operation.label, mode=mode.value):
                    try:
                        self._fuzz(operation.as_strategy(generation_mode=mode))
                    except Unsatisfiable:
                        # An operation without parameters has no invalid request to generate.
                        self.assertEqual(mode, GenerationMode.NEGATIVE)

    def _fuzz(self, strategy: Any) -> None:
        @FUZZ
        @given(case=strategy)
        def run(case: Any) -> None:
            path = quote(case.formatted_path.encode("utf-8", "surrogatepass"), safe="/")
            query = query_string(case.query)
            extra: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
            body = case.body if case.body is not schemathesis.core.NOT_SET else None
            if body is not None:
                raw = (
                    body
                    if isinstance(body, bytes)
                    else _text(body).encode("utf-8", "surrogatepass")
                )
                extra["data"] = raw
                extra["content_type"] = case.media_type or "application/json"
            response = self.client.generic(
                case.method, f"{path}?{query}" if query else path, **extra
            )
            self.assert_answered(response, f"{case.method} {path}?{query}")

        run()


class CkanFuzzTests(FuzzTestCase):
    """Every CKAN action with hostile parameters, by GET and by a JSON POST."""

    def test_it_answers_every_ckan_action_without_a_5xx(self) -> None:
        parameters = st.dictionaries(
            st.sampled_from(CKAN_PARAMETERS) | st.text(max_size=10), CKAN_VALUE, max_size=5
        )

        @settings(FUZZ, max_examples=EXAMPLES * 10)
        @given(name=st.sampled_from(sorted(ACTIONS)), params=parameters, post=st.booleans())
        def run(name: str, params: dict[str, Any], post: bool) -> None:
            path = f"/api/3/action/{name}"
            if post:
                body = json.dumps(params, ensure_ascii=False).encode("utf-8", "surrogatepass")
                response = self.client.post(path, body, content_type="application/json")
            else:
                response = self.client.get(f"{path}?{query_string(params)}")
            self.assert_answered(response, f"{name} {params!r}"[:300])
            self.assertIn("json", response["Content-Type"])

        run()

    def test_it_answers_deep_json_bodies_on_every_action(self) -> None:
        for name in sorted(ACTIONS):
            with self.subTest(action=name):
                response = self.client.post(
                    f"/api/3/action/{name}", "[" * 3000 + "]" * 3000, "application/json"
                )
                self.assertEqual(response.status_code, 400)


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _value in pairs]
    assert len(keys) == len(set(keys)), f"duplicated keys in {keys}"
    return dict(pairs)


class OpenApiDescriptionTests(FuzzTestCase):
    def test_it_lists_the_refusal_and_rate_limit_answers_of_every_operation(self) -> None:
        response = self.client.get("/api/v1/openapi.json")
        # Each key once: Swagger UI refuses a description with a duplicated key.
        json.loads(response.content, object_pairs_hook=_unique)
        schema = response.json()
        self.assertIn("ErrorOut", schema["components"]["schemas"])
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                with self.subTest(operation=f"{method} {path}"):
                    self.assertLessEqual({"400", "429"}, set(operation["responses"]))

    def test_it_gives_the_bounds_of_path_numbers(self) -> None:
        schema = self.client.get("/api/v1/openapi.json").json()
        (year,) = schema["paths"]["/api/v1/daftar-data/{year}"]["get"]["parameters"]
        self.assertEqual((year["schema"]["minimum"], year["schema"]["maximum"]), (1900, 2999))
