"""The OpenAPI document against the running app: schemathesis generates requests from it (with a
token of each role); no answer may be a 5xx or a status the document does not declare.

15 examples per operation in CI; ``INSPECTOR_API_EXAMPLES=150`` for a longer hunt (clean so far)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from inspector.server.app import OPERATIONS
from inspector.server.openapi import build_document
from tests.server.harness import Bureau, make_bureau

schemathesis = pytest.importorskip("schemathesis")


@pytest.fixture(scope="module")
def fuzzed_bureau(tmp_path_factory: pytest.TempPathFactory) -> Bureau:
    root = Path(tmp_path_factory.mktemp("openapi")) / "bureau"
    return make_bureau(root, rate_per_second=1e6, burst=1_000_000)


@pytest.fixture(scope="module")
def api_schema(fuzzed_bureau: Bureau):
    return schemathesis.openapi.from_asgi("/openapi.json", fuzzed_bureau.app)


schema = schemathesis.pytest.from_fixture("api_schema")

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


def _call(case, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def _fuzzing_as(role: str):
    """A schemathesis test sending every generated request with a token of ``role``."""

    @schema.parametrize()
    @settings(
        max_examples=int(os.environ.get("INSPECTOR_API_EXAMPLES", "15")),
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def test(case, fuzzed_bureau: Bureau) -> None:
        _call(case, fuzzed_bureau.tokens[role])

    return test


test_as_admin_no_5xx_and_no_undocumented_status = _fuzzing_as("admin")
test_as_lead_no_5xx_and_no_undocumented_status = _fuzzing_as("lead")
test_as_inspector_no_5xx_and_no_undocumented_status = _fuzzing_as("inspector")


def test_the_document_declares_every_operation_of_the_router() -> None:
    document = build_document()
    declared = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    assert declared == {(operation.path, operation.method) for operation in OPERATIONS}
    for item in document["paths"].values():
        for operation in item.values():
            assert {"401", "429"} <= set(operation["responses"])
