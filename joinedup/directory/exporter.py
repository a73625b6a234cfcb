"""Exporting the directory as HSDS 3.0: a JSON document and a tabular datapackage.

The datapackage's CSV files are opened in spreadsheets: a value that a spreadsheet would run
as a formula is written as text (`lib.spreadsheet.cell`), as in every CSV Joined Up writes,
and the importer reads it back as it was.

Only public records leave (`hsds.Scope.public()`): a service or location that is for partners
or confidential is not written, nor is anything that hangs from it. The JSON document is the
HSDS API's paginated list of full services, all on one page; the datapackage holds every table,
including organizations and taxonomies that no public service uses.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils import timezone

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
    Visibility,
)
from joinedup.jobs.exports import Built
from joinedup.lib.spreadsheet import cell

Progress = Callable[[str, int, int], None]
PAGE = 200


def json_document(progress: Progress = lambda label, done, total: None) -> dict[str, Any]:
    scope = hsds.Scope.public()
    services = hsds.public_services().order_by("id")
    total = services.count()
    contents: list[dict[str, Any]] = []
    for start in range(0, total, PAGE):
        batch = list(hsds.full_services(services[start : start + PAGE], scope))
        ids = [s.pk for s in batch]
        attributes, metadata = hsds.attributes_for(ids), hsds.metadata_for(ids)
        contents += [hsds.service_full_doc(s, attributes, metadata) for s in batch]
        progress("services", len(contents), total)
    return hsds.page(contents, total=total, number=1, per_page=max(total, 1))


def _public_rows() -> dict[str, Any]:
    """Each table's rows that may leave, as querysets."""
    services = Service.objects.filter(visibility=Visibility.PUBLIC)
    hidden_locations = Location.objects.exclude(visibility=Visibility.PUBLIC)
    hidden_services = Service.objects.exclude(visibility=Visibility.PUBLIC)
    sals = ServiceAtLocation.objects.filter(service__in=services).exclude(
        location__in=hidden_locations
    )
    hidden_sals = ServiceAtLocation.objects.exclude(pk__in=sals.values("pk"))
    hanging = ~Q(service__in=hidden_services) & ~Q(location__in=hidden_locations)
    hanging_sal = hanging & ~Q(service_at_location__in=hidden_sals)
    hidden_ids = [
        *hidden_services.values_list("pk", flat=True),
        *hidden_locations.values_list("pk", flat=True),
    ]
    contacts = Contact.objects.filter(hanging_sal)
    phones = Phone.objects.filter(hanging_sal).exclude(
        contact__in=Contact.objects.exclude(hanging_sal)
    )
    return {
        "taxonomy": Taxonomy.objects.all(),
        "taxonomy_term": TaxonomyTerm.objects.all(),
        "organization": Organization.objects.all(),
        "organization_identifier": OrganizationIdentifier.objects.all(),
        "service": services,
        "location": Location.objects.filter(visibility=Visibility.PUBLIC),
        "service_at_location": sals,
        "address": Address.objects.filter(location__visibility=Visibility.PUBLIC),
        "contact": contacts,
        "phone": phones,
        "schedule": Schedule.objects.filter(hanging_sal),
        "service_area": ServiceArea.objects.filter(service__in=services),
        "cost_option": CostOption.objects.filter(service__in=services),
        "language": Language.objects.filter(hanging).exclude(
            phone__in=Phone.objects.exclude(pk__in=phones.values("pk"))
        ),
        "accessibility": Accessibility.objects.filter(location__visibility=Visibility.PUBLIC),
        "attribute": Attribute.objects.exclude(link_id__in=hidden_ids),
        "metadata": Metadata.objects.exclude(resource_id__in=hidden_ids),
    }


FILE_NAMES = {
    "taxonomy": "taxonomies.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "organization": "organizations.csv",
    "organization_identifier": "organization_identifiers.csv",
    "service": "services.csv",
    "location": "locations.csv",
    "service_at_location": "service_at_locations.csv",
    "address": "addresses.csv",
    "contact": "contacts.csv",
    "phone": "phones.csv",
    "schedule": "schedules.csv",
    "service_area": "service_areas.csv",
    "cost_option": "cost_options.csv",
    "language": "languages.csv",
    "accessibility": "accessibility.csv",
    "attribute": "attributes.csv",
    "metadata": "metadata.csv",
}


def tabular_files(
    progress: Progress = lambda label, done, total: None,
) -> Iterator[tuple[str, str]]:
    """(file name, CSV text) for every table, public rows only, in HSDS 3.0 layout."""
    rows = _public_rows()
    resources = []
    for n, (table, qs) in enumerate(rows.items(), start=1):
        columns = [*hsds.FIELDS[table], *(hsds.SERVICE_EXTENSIONS if table == "service" else [])]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        extensions = hsds.SERVICE_EXTENSIONS if table == "service" else []
        for obj in qs.order_by("pk").iterator(chunk_size=2000):
            values = hsds.row(table, obj, extensions=extensions)
            writer.writerow({name: cell(value) for name, value in values.items()})
        resources.append(
            {
                "name": table,
                "path": FILE_NAMES[table],
                "format": "csv",
                "profile": "tabular-data-resource",
            }
        )
        progress("tables", n, len(rows))
        yield FILE_NAMES[table], out.getvalue()
    package = {
        "name": "joinedup-directory",
        "title": "Joined Up service directory",
        "profile": "tabular-data-package",
        "version": hsds.HSDS_VERSION,
        "resources": resources,
    }
    yield "datapackage.json", json.dumps(package, indent=2)


def write(path: Path, progress: Progress = lambda label, done, total: None) -> str:
    """Write the export to `path`: `.json` for the document, `.zip` for the datapackage, or a
    folder of CSV files. Returns what was written, in words."""
    if path.suffix.lower() == ".json":
        document = json_document(progress)
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False))
        return f"{document['total_items']} public services written to {path}"
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in tabular_files(progress):
                archive.writestr(name, text)
        return f"HSDS 3.0 datapackage written to {path}"
    path.mkdir(parents=True, exist_ok=True)
    for name, text in tabular_files(progress):
        (path / name).write_text(text)
    return f"HSDS 3.0 datapackage written to {path}/"


def export_file(params: dict[str, Any], user: Any) -> Built:
    """The export job's file (`jobs.exports`): the JSON document or the datapackage as a zip.
    Only public records leave, so the file is the same whoever asked."""
    fmt = params["format"]
    name = f"directory-hsds-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "json":
        body = json.dumps(json_document(), indent=2, ensure_ascii=False)
        return Built(body.encode(), name, "application/json")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, text in tabular_files():
            archive.writestr(entry, text)
    return Built(out.getvalue(), name, "application/zip")
