"""The OpenAPI 3.1 document, built from the same operation table as the router."""

from __future__ import annotations

from typing import Any

from inspector import __version__, wire
from inspector.server.app import CHECKLIST_ID, NONCE, OPERATIONS, Limits, Operation, operation_answers
from inspector.server.errors import ERROR_CODES
from inspector.server.records import MAX_FEED_PAGE

_PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "uuid": {"type": "string", "format": "uuid"},
    "version": {"type": "integer", "minimum": 1, "maximum": 999_999_999},
    "sha256": {"type": "string", "pattern": wire.SHA256_PATTERN},
    "event_id": {"type": "string", "minLength": 1, "maxLength": wire.MAX_ID, "pattern": wire.ID_PATTERN},
    "checklist_id": {"type": "string", "pattern": CHECKLIST_ID.pattern},
    "request_id": {"type": "string", "format": "uuid"},
}
_QUERY_PARAMETERS: dict[str, dict[str, Any]] = {
    "nonce": {"type": "string", "pattern": NONCE.pattern},
    "since": {"type": "integer", "minimum": 0, "maximum": wire.MAX_SEQ},
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_FEED_PAGE},
}
_REQUIRED_QUERY = {"nonce"}

_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string", "enum": [*ERROR_CODES, "method_not_allowed"]},
        "detail": {"type": "object"},
    },
}


def _parameters(operation: Operation) -> list[dict[str, Any]]:
    found = []
    for name, schema in _PATH_PARAMETERS.items():
        if "{" + name + "}" in operation.path:
            found.append({"name": name, "in": "path", "required": True, "schema": schema})
    for name in operation.query:
        found.append(
            {"name": name, "in": "query", "required": name in _REQUIRED_QUERY, "schema": _QUERY_PARAMETERS[name]}
        )
    return found


def _components() -> tuple[dict[type, dict[str, Any]], dict[str, Any]]:
    """Every wire model the operations name, as a reference, and the components they refer to."""
    models = list(
        dict.fromkeys(model for operation in OPERATIONS for model in (operation.request, operation.answer) if model)
    )
    references, components = wire.schemas(models)
    return dict(zip(models, references, strict=True)), components


def _response(operation: Operation, status: int, description: str, refs: dict[type, Any]) -> dict[str, Any]:
    if operation.method == "HEAD":
        return {"description": description}
    if status >= 400:
        return {"description": description, "content": {"application/json": {"schema": _ERROR_SCHEMA}}}
    if operation.name == "get_photo":
        return {"description": description, "content": {"application/octet-stream": {}}}
    schema = refs[operation.answer] if operation.answer else {"type": "object"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _request_schema(operation: Operation, refs: dict[type, Any]) -> dict[str, Any]:
    if "octet" in operation.body_type:
        return {"type": "string", "format": "binary"}
    return refs[operation.request] if operation.request else {"type": "object"}


def _operation(operation: Operation, refs: dict[type, Any]) -> dict[str, Any]:
    roles = sorted(role.value for role in operation.roles)
    document: dict[str, Any] = {
        "operationId": operation.name,
        "summary": operation.summary,
        "description": f"Roles: {', '.join(roles)}.",
        "parameters": _parameters(operation),
        "responses": {
            str(status): _response(operation, status, description, refs)
            for status, description in operation_answers(operation).items()
        },
    }
    if operation.max_body:
        limit = operation.max_body(Limits())
        document["requestBody"] = {
            "required": True,
            "description": f"At most {limit} bytes by default.",
            "content": {operation.body_type: {"schema": _request_schema(operation, refs)}},
        }
    return document


def build_document() -> dict[str, Any]:
    refs, schemas = _components()
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(operation, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Inspector bureau server",
            "version": __version__,
            "description": "Sync of signed-off visits, photos and rectification events; the change feed.",
        },
        "components": {"schemas": schemas, "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        "security": [{"token": []}],
        "paths": paths,
    }
