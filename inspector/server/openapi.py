"""The OpenAPI 3.1 document, built from the same operation table as the router."""

from __future__ import annotations

from typing import Any

from inspector import __version__
from inspector.server.app import OPERATIONS, Limits, Operation, operation_answers
from inspector.server.errors import ERROR_CODES

_PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "uuid": {"type": "string", "format": "uuid"},
    "version": {"type": "integer", "minimum": 1},
    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    "event_id": {"type": "string", "minLength": 1, "maxLength": 200},
    "checklist_id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_]{0,63}$"},
    "request_id": {"type": "string", "format": "uuid"},
}
_QUERY_PARAMETERS: dict[str, dict[str, Any]] = {
    "nonce": {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,128}$"},
    "since": {"type": "integer", "minimum": 0},
    "limit": {"type": "integer", "minimum": 1, "maximum": 500},
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


def _response(operation: Operation, status: int, description: str) -> dict[str, Any]:
    if operation.method == "HEAD":
        return {"description": description}
    if status >= 400:
        return {"description": description, "content": {"application/json": {"schema": _ERROR_SCHEMA}}}
    if operation.name == "get_photo":
        return {"description": description, "content": {"application/octet-stream": {}}}
    return {"description": description, "content": {"application/json": {"schema": {"type": "object"}}}}


def _operation(operation: Operation) -> dict[str, Any]:
    roles = sorted(role.value for role in operation.roles)
    document: dict[str, Any] = {
        "operationId": operation.name,
        "summary": operation.summary,
        "description": f"Roles: {', '.join(roles)}.",
        "parameters": _parameters(operation),
        "responses": {
            str(status): _response(operation, status, description)
            for status, description in operation_answers(operation).items()
        },
    }
    if operation.max_body:
        limit = operation.max_body(Limits())
        schema = {"type": "string", "format": "binary"} if "octet" in operation.body_type else {"type": "object"}
        document["requestBody"] = {
            "required": True,
            "description": f"At most {limit} bytes by default.",
            "content": {operation.body_type: {"schema": schema}},
        }
    return document


def build_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(operation)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Inspector bureau server",
            "version": __version__,
            "description": "Sync of signed-off visits, photos and rectification events; the change feed.",
        },
        "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        "security": [{"token": []}],
        "paths": paths,
    }
