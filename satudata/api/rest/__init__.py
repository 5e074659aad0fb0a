"""REST API v1 (``/api/v1/``) with its OpenAPI 3 description at ``/api/v1/openapi.json`` and
interactive docs at ``/api/v1/docs`` (served from this site's own static files).

Reads are for everyone and go through the one gate; a personal token (``Authorization: Bearer
<token>``) reads as its owner. Writes need a token with the *write* scope and the role the
service asks for. Every error has one shape: ``{"error": {"code", "message", "fields"?}}``.
Parameters are typed: a wrong type or a value out of range is a 400 naming the parameter.

One router per part of the API, added here in the order the description lists them:
``datasets``, ``data`` (a version's rows), ``tables`` (statistical tables computed from a
selection, PxWebApi 2 style), ``writes`` (with a token) and ``reference``
(agencies, regions, metadata, the Daftar Data). ``base`` holds the API object, its errors and
who is asking; ``shapes`` the answers' shared schemas.
"""

from __future__ import annotations

from satudata.api.rest import data, datasets, reference, tables, writes
from satudata.api.rest.base import api

for part in (datasets, data, tables, writes, reference):
    api.add_router("", part.router)

__all__ = ["api"]
