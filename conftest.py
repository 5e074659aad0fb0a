"""Fixtures for function-style tests (the browser tests); class tests use PersonaTestCase."""

from __future__ import annotations

import pytest

from satudata.core.testing import Personas, load_reference_data, make_personas


@pytest.fixture
def personas(db: None) -> Personas:
    load_reference_data()
    return make_personas()
