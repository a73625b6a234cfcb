"""The API object, with its OpenAPI document built once per process.

Building the document walks every route and schema: 1.2–1.7 s a time, and `openapi.json` is
open to anyone, so four anonymous loops on it slowed everyone's reads a hundredfold. The
routes cannot change while the process runs, so the first build is kept. The document is
shared: callers read it and must not change it.
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
            self._schemas[key] = super().get_openapi_schema(
                path_prefix=path_prefix, path_params=path_params
            )
        return self._schemas[key]
