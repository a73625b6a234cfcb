"""What the importer's parts share: the tables, the rows read, and the report."""

from __future__ import annotations

import csv
import functools
import io
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from joinedup.directory import hsds
from joinedup.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Metadata,
    Organization,
    OrganizationIdentifier,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

NAMESPACE = uuid.UUID("6f1c9a52-0a55-4b39-9a8e-6d2b1f1f6a10")
BATCH = 500

# Tables in the order they load: each only points at tables before it.
MODELS: dict[str, type[models.Model]] = {
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
    "organization": Organization,
    "organization_identifier": OrganizationIdentifier,
    "service": Service,
    "location": Location,
    "service_at_location": ServiceAtLocation,
    "address": Address,
    "contact": Contact,
    "phone": Phone,
    "schedule": Schedule,
    "service_area": ServiceArea,
    "cost_option": CostOption,
    "language": Language,
    "accessibility": Accessibility,
    "attribute": Attribute,
    "metadata": Metadata,
}

# Which table each reference points at.
REFERENCES = {
    "organization_id": "organization",
    "parent_organization_id": "organization",
    "service_id": "service",
    "location_id": "location",
    "service_at_location_id": "service_at_location",
    "contact_id": "contact",
    "phone_id": "phone",
    "taxonomy_term_id": "taxonomy_term",
    "taxonomy_id": "taxonomy",
}
SELF_REFERENCES = {("taxonomy_term", "parent_id"), ("organization", "parent_organization_id")}
# References a row cannot stand without; any other missing reference is dropped (repaired).
REQUIRED_REFERENCES = {
    ("organization_identifier", "organization_id"),
    ("service", "organization_id"),
    ("service_at_location", "service_id"),
    ("service_at_location", "location_id"),
    ("address", "location_id"),
    ("cost_option", "service_id"),
    ("attribute", "taxonomy_term_id"),
}
# A child row must hang from at least one of these.
ONE_OF = {
    "phone": [
        "location_id", "service_id", "organization_id", "contact_id", "service_at_location_id"
    ],
    "schedule": ["service_id", "location_id", "service_at_location_id"],
    "language": ["service_id", "location_id", "phone_id"],
    "accessibility": ["location_id"],
    "service_area": ["service_id"],
    "contact": ["organization_id", "service_id", "service_at_location_id", "location_id"],
}  # fmt: skip

# 3.0 tabular file names, and the HSDS 1.x ones that are read into 3.0 tables.
FILES_30 = {
    "organizations": "organization",
    "organization_identifiers": "organization_identifier",
    "services": "service",
    "locations": "location",
    "service_at_locations": "service_at_location",
    "service_at_location": "service_at_location",
    "addresses": "address",
    "contacts": "contact",
    "phones": "phone",
    "schedules": "schedule",
    "service_areas": "service_area",
    "cost_options": "cost_option",
    "languages": "language",
    "accessibility": "accessibility",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "attributes": "attribute",
    "metadata": "metadata",
}
MARKS_OF_1X = {
    "physical_addresses",
    "postal_addresses",
    "regular_schedules",
    "services_at_location",
    "services_taxonomy",
    "accessibility_for_disabilities",
    "taxonomy",
    "eligibility",
}
WEEKDAYS = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}
EXTENSIONS = {"service": set(hsds.SERVICE_EXTENSIONS), "location": {"visibility"}}


class ImportFailed(Exception):
    """The source cannot be read at all (not a file we know, not JSON, no CSVs)."""


@dataclass(frozen=True)
class Problem:
    file: str
    row: str
    field: str
    reason: str
    outcome: str  # "rejected" or "repaired"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    ignored_files: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> list[Problem]:
        return [p for p in self.problems if p.outcome == "rejected"]

    @property
    def repaired(self) -> list[Problem]:
        return [p for p in self.problems if p.outcome == "repaired"]

    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    def summary(self) -> list[str]:
        lines = []
        for table in MODELS:
            made, upd, same = (
                self.created.get(table, 0),
                self.updated.get(table, 0),
                self.unchanged.get(table, 0),
            )
            if made or upd or same:
                lines.append(f"{table}: {made} added, {upd} updated, {same} unchanged")
        counts: dict[tuple[str, str, str], int] = {}
        for p in self.problems:
            key = (p.outcome, p.file, f"{p.field}: {_general(p.reason)}")
            counts[key] = counts.get(key, 0) + 1
        for (outcome, file, reason), n in sorted(counts.items()):
            lines.append(f"{outcome} {n} in {file}: {reason}")
        lines += [
            f"not imported: {name} (the directory does not hold it)" for name in self.ignored_files
        ]
        return lines

    def write_csv(self, out: io.TextIOBase | Any) -> None:
        writer = csv.writer(out)
        writer.writerow(["outcome", "file", "row", "field", "reason"])
        for p in self.problems:
            writer.writerow([p.outcome, p.file, p.row, p.field, p.reason])


def _general(reason: str) -> str:
    """A reason without its particular values, to count like problems together."""
    return re.sub(r"'[^']*'", "'…'", reason)


@dataclass
class Row:
    table: str
    file: str
    where: str
    values: dict[str, Any]


Progress = Callable[[str, int, int], None]


def hsds_id(table: str, raw: Any, namespace: str = "") -> uuid.UUID:
    """The UUID of a record: its own id when that is a UUID, else one derived from it."""
    return _hsds_id(table, str(raw).strip(), namespace)


@functools.lru_cache(maxsize=65536)
def _hsds_id(table: str, text: str, namespace: str) -> uuid.UUID:
    # Memoised: an import asks for the same id once for its record and once for every
    # reference to it, and a failed UUID parse is an exception raised each time.
    try:
        return uuid.UUID(text)
    except ValueError:
        return uuid.uuid5(NAMESPACE, f"{namespace}:{table}:{text}")
