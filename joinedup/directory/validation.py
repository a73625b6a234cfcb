"""Checking documents against the HSDS 3.0 JSON schemas, offline.

The schemas in `hsds/schema/` refer to one another by relative names (`phone.json`) and the
OpenAPI document refers to them by their published addresses
(`https://raw.githubusercontent.com/openreferral/specification/3.0/schema/...`). Both resolve
here to the local copies; nothing is fetched. The OpenAPI names `compiled/service.json` and
`compiled/organization.json`, which the 3.0 release does not ship: they are the nested
`service.json` and `organization.json`, and resolve to those.

The schemas declare no dialect; the OpenAPI document's `jsonSchemaDialect` is Draft 2020-12.
Formats are checked where a wrong value would mislead a reader of the data: uuid, date,
date-time and email. (`uri` is not: HSDS data in the wild holds bare host names.)
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds" / "schema"
PUBLISHED = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
OPENAPI = "openapi.json"

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

FORMATS = FormatChecker(formats=())


@FORMATS.checks("uuid", raises=ValueError)
def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or str(uuid.UUID(value)) == value.lower()


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_DATE.match(value)) and bool(dt.date.fromisoformat(value))


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_DATE_TIME.match(value)) and bool(dt.datetime.fromisoformat(value))


@FORMATS.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or "@" in value


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def registry() -> Registry:
    """Every local schema under its published address, and under `compiled/` too, so that a
    compiled schema's relative references and the OpenAPI's `compiled/service.json` resolve."""
    resources: list[tuple[str, Resource]] = []
    compiled = {p.name for p in (SCHEMA_DIR / "compiled").glob("*.json")}
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        resource = Resource.from_contents(_load(path), default_specification=DRAFT202012)
        resources.append((PUBLISHED + path.name, resource))
        if path.name not in compiled:
            resources.append((PUBLISHED + "compiled/" + path.name, resource))
    for name in sorted(compiled):
        contents = _load(SCHEMA_DIR / "compiled" / name)
        resource = Resource.from_contents(contents, default_specification=DRAFT202012)
        resources.append((PUBLISHED + "compiled/" + name, resource))
    return Registry().with_resources(resources)


@cache
def _validator(uri: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": uri}, registry=registry(), format_checker=FORMATS)


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def errors(document: Any, schema_file: str) -> list[str]:
    """What is wrong with `document` as `schema_file` (`service.json`,
    `compiled/service_list.json`), one line each with where it is; empty when it is valid."""
    found = _validator(PUBLISHED + schema_file).iter_errors(document)
    return sorted(f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in found)


def validate(document: Any, schema_file: str) -> None:
    """Raise `ValueError` listing every problem if `document` is not valid as `schema_file`."""
    problems = errors(document, schema_file)
    if problems:
        raise ValueError(f"Not valid as {schema_file}:\n" + "\n".join(problems))


def response_errors(document: Any, path: str, status: str = "200") -> list[str]:
    """What is wrong with `document` as the response the HSDS OpenAPI describes for GET
    `path` (as written there: `/services/{id}`)."""
    pointer = _pointer("paths", path, "get", "responses", status, "content", "application/json")
    found = _validator(f"{PUBLISHED}{OPENAPI}#/{pointer}/schema").iter_errors(document)
    return sorted(f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in found)


def openapi() -> dict[str, Any]:
    """The HSDS 3.0 OpenAPI document."""
    document: dict[str, Any] = _load(SCHEMA_DIR / OPENAPI)
    return document
