"""The API object, with its OpenAPI document built once per process.

Building the document walks every route and schema: 1.2–1.7 s a time, and `openapi.json` is
open to anyone, so four anonymous loops on it slowed everyone's reads a hundredfold. The
routes cannot change while the process runs, so the first build is kept. The document is
shared: callers read it and must not change it.

Two promises that hold for every write are added to each operation here rather than on each
endpoint: a write can lose a race (409, see joinedup.api.errors), and a POST takes an
`Idempotency-Key` header (joinedup.api.idempotency).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema


class CachedSchemaApi(NinjaAPI):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[tuple[Any, ...], OpenAPISchema] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        if key not in self._schemas:
            schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
            _every_write(schema)
            self._schemas[key] = schema
        return self._schemas[key]


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": "A key of your own making (a UUID) to retry this POST safely: the same key "
    "within 24 hours gets the first 2xx answer again, marked `Idempotent-Replayed: true`, and "
    "writes nothing twice; the same key with another path or body gets 422.",
}
LOST_RACE = "A change made at the same moment won, or the `version` sent is not the current one."


def _every_write(schema: OpenAPISchema) -> None:
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch", "delete"):
                continue
            # Ninja keys the responses by number; JSON has them as strings.
            responses = operation.setdefault("responses", {})
            codes = {str(code): code for code in responses}
            if "409" not in codes and "422" in codes:
                conflict = 409 if isinstance(codes["422"], int) else "409"
                responses[conflict] = {**responses[codes["422"]], "description": LOST_RACE}
            if method == "post":
                operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
