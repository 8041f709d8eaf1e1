"""schemathesis against /openapi.json: no 5xx, and every response conforms to the schema."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from legation.registry.store import Store
from legation.web import Settings, create_app
from tests.webapp import load

_FOLDER = tempfile.mkdtemp(prefix="legation-schema-")
_STORE = Store.open(str(Path(_FOLDER) / "legation.db"))
load(_STORE)
APP = create_app(Settings(write_tokens=[]), store=_STORE)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(
        checks=[
            schemathesis.checks.not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            negative_data_rejection,
        ]
    )
