"""Importing HSDS: the real Miami 2019 export (1.x, with its defects), the HSDS 3.0 examples,
and bad input of every kind."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from joinedup.directory import hsds
from joinedup.directory.importer import ImportFailed, import_path
from joinedup.directory.models import (
    Address,
    Attribute,
    Contact,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = FIXTURES / "hsds-examples"
MIAMI = FIXTURES / "miami-211-2019-hsds1.zip"

pytestmark = pytest.mark.django_db


def reasons(report: Any, file: str, field: str) -> list[str]:
    return [p.reason for p in report.problems if p.file == file and p.field == field]


def test_the_miami_export_goes_in_with_every_defect_reported_and_twice_adds_nothing() -> None:
    report = import_path(MIAMI, country="US")

    # Services that point at an organization the export does not have are rejected, by row.
    missing_org = [
        p for p in report.rejected if p.file == "services.csv" and p.field == "organization_id"
    ]
    assert len(missing_org) == 447
    assert all(p.row.isdigit() for p in missing_org)
    # Eligibility rows that name no service are rejected.
    assert len(reasons(report, "eligibility.csv", "service_id")) == 2244
    # Times like "9:00am" are read and the repair is reported.
    assert "'9:00am' read as '09:00'" in reasons(report, "regular_schedules.csv", "opens_at")
    assert "'5:00pm' read as '17:00'" in reasons(report, "regular_schedules.csv", "closes_at")
    # Locations without coordinates are kept.
    assert Location.objects.filter(latitude__isnull=True).count() > 1000

    assert Organization.objects.count() == 1074
    assert Service.objects.count() == 4089 - 447
    # The directory is consistent: nothing hangs from nothing.
    assert not ServiceAtLocation.objects.exclude(service__in=Service.objects.all()).exists()
    assert not Phone.objects.filter(
        location=None, service=None, organization=None, contact=None, service_at_location=None
    ).exists()
    assert not Contact.objects.filter(
        organization=None, service=None, service_at_location=None, location=None
    ).exists()
    assert not Schedule.objects.filter(
        service=None, location=None, service_at_location=None
    ).exists()
    service_ids = set(Service.objects.values_list("pk", flat=True))
    linked = set(Attribute.objects.filter(link_entity="service").values_list("link_id", flat=True))
    assert linked <= service_ids
    assert Address.objects.filter(country="US").count() == Address.objects.count()
    counts = {model: model.objects.count() for model in (Service, Phone, Schedule, Attribute)}

    again = import_path(MIAMI, country="US")

    assert again.changed() == 0
    assert {model: model.objects.count() for model in counts} == counts
    assert len(again.rejected) == len(report.rejected)


def _kept(given: Any, held: Any, path: str) -> list[str]:
    """Where `held` (our export) lost or changed a value of `given` (the HSDS example)."""
    lost = []
    if isinstance(given, dict):
        for key, value in given.items():
            if value in ("", None, [], {}):
                continue
            if key not in held:
                lost.append(f"{path}.{key}")
            else:
                lost += _kept(value, held[key], f"{path}.{key}")
    elif isinstance(given, list):
        by_id = {item.get("id"): item for item in held if isinstance(item, dict)}
        for i, item in enumerate(given):
            match = by_id.get(item.get("id")) if isinstance(item, dict) else None
            if match is None:
                lost.append(f"{path}[{i}]")
            else:
                lost += _kept(item, match, f"{path}[{i}]")
    elif _same(given) != _same(held):
        lost.append(f"{path}: {given!r} became {held!r}")
    return lost


def _same(value: Any) -> Any:
    """A value as the directory normalises it: text trimmed, numbers as floats, 10:00:00 as
    10:00."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        return text[:-3] if len(text) == 8 and text.endswith(":00") and text[2] == ":" else text
    return value


# HSDS fields of the examples that the directory does not hold, by design (README).
NOT_HELD = {"program", "program_id", "funding", "required_documents", "organization.funding"}


def test_the_hsds_examples_keep_every_field_the_model_holds() -> None:
    given = json.loads((EXAMPLES / "service_full.json").read_text())
    import_path(EXAMPLES / "service_full.json")

    services = hsds.full_services(Service.objects.filter(pk=given["id"]), hsds.Scope.public())
    service = services.get()
    ids = [service.pk]
    held = hsds.service_full_doc(service, hsds.attributes_for(ids), hsds.metadata_for(ids))

    for key in NOT_HELD:
        given.pop(key, None)
    given["organization"].pop("funding", None)
    for part in ("contacts", "phones", "locations", "programs"):
        given["organization"].pop(part, None)  # an organization's own lists: in the datapackage
    lost = _kept(given, held, "service")
    # HSDS puts the parent of a term that is not in the example: we drop the dangling link.
    lost = [p for p in lost if not p.endswith("taxonomy_term.parent_id")]
    lost = [p for p in lost if not p.endswith("organization.parent_organization_id")]
    assert lost == [], "\n".join(x[:150] for x in lost)


def test_every_example_document_and_the_csv_folder_import() -> None:
    for name in sorted(EXAMPLES.glob("*.json")):
        if name.name == "base.json":
            continue
        report = import_path(name)
        assert report.rejected == [], name
    report = import_path(EXAMPLES / "csv")
    assert "funding.csv" in report.ignored_files
    assert report.rejected == []
    assert TaxonomyTerm.objects.exists()
    assert Location.objects.get(pk="3a19ff88-4620-4d17-9830-ac1d859eb5d5").name


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
SERVICE = "ac148810-d857-441c-9679-408f346de14b"


def test_a_bad_row_is_rejected_whole_and_the_good_rows_go_in(tmp_path: Path) -> None:
    source = tmp_path / "services.zip"
    source.write_bytes(
        _zip(
            {
                "organizations.csv": f"id,name,description\n{ORG},Rise,Refuges\n",
                "services.csv": "id,organization_id,name,status,minimum_age\n"
                f"{SERVICE},{ORG},Outreach,active,16\n"
                "11111111-1111-4111-8111-111111111111,,Orphan,active,\n"
                f"22222222-2222-4222-8222-222222222222,{ORG},Odd,sometimes,\n"
                f"33333333-3333-4333-8333-333333333333,{ORG},,active,\n"
                f"44444444-4444-4444-8444-444444444444,{ORG},Ages,active,old\n",
                "phones.csv": "id,service_id,number\n"
                f"55555555-5555-4555-8555-555555555555,{SERVICE},0161 000 0000\n"
                "66666666-6666-4666-8666-666666666666,22222222-2222-4222-8222-222222222222,01\n",
            }
        )
    )

    report = import_path(source)

    rejected = {(p.file, p.row, p.field) for p in report.rejected}
    assert ("services.csv", "3", "organization_id") in rejected
    assert ("services.csv", "4", "status") in rejected
    assert ("services.csv", "5", "name") in rejected
    assert ("phones.csv", "3", "service_id") in rejected
    assert set(Service.objects.values_list("name", flat=True)) == {"Outreach", "Ages"}
    assert Service.objects.get(name="Ages").minimum_age is None
    assert "'old' is not a number; left empty" in reasons(report, "services.csv", "minimum_age")
    assert Phone.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.json", b"{not json", "is not valid JSON"),
        ("data.json", b"42", "holds no HSDS document"),
        ("data.txt", b"hello", "is not HSDS data"),
        ("empty.zip", _zip({"readme.md": "nothing"}), "No CSV files or JSON documents"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_and_nothing_changes(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    import_path(EXAMPLES / "organization_full.json")
    before = Organization.objects.count()
    source = tmp_path / name
    source.write_bytes(content)

    with pytest.raises(ImportFailed, match=message):
        import_path(source)
    assert Organization.objects.count() == before


def test_the_command_reports_and_writes_the_problems_file(tmp_path: Path) -> None:
    out = io.StringIO()
    problems = tmp_path / "problems.csv"
    source = tmp_path / "one.json"
    source.write_text(json.dumps({"contents": [{"id": SERVICE, "name": "No org", "status": "x"}]}))

    call_command("directory", "import", str(source), "--report", str(problems), stdout=out)

    assert "1 rejected" in out.getvalue()
    assert "status" in problems.read_text()
    with pytest.raises(CommandError, match="does not exist"):
        call_command("directory", "import", str(tmp_path / "nowhere.zip"), stdout=out)
    with pytest.raises(CommandError, match="two-letter"):
        call_command("directory", "import", str(source), "--country", "USA", stdout=out)


def _corrupt_zip() -> bytes:
    data = bytearray(_zip({"services.csv": "id,name\n" + "x" * 200 + "\n"}))
    at = data.index(b"x" * 50)
    data[at : at + 10] = b"y" * 10  # the stored CRC no longer matches
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("corrupt.zip", _corrupt_zip(), "cannot be read"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "is nested too deeply"),
        ("tables.json", b'{"services.csv": 5}', "is not a list of records"),
        ("long.zip", _zip({"services.csv": "id,name\n1," + "x" * 200_000 + "\n"}), "larger than"),
    ],
)
def test_a_broken_file_is_refused_with_a_reason_and_nothing_changes(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)

    with pytest.raises(ImportFailed, match=message):
        import_path(source)
    assert not Service.objects.exists()


def test_numbers_that_are_not_finite_or_fit_no_field_are_left_empty_and_twice_adds_nothing(
    tmp_path: Path,
) -> None:
    source = tmp_path / "numbers.json"
    doc = {
        "id": SERVICE,
        "name": "Outreach",
        "status": "active",
        "minimum_age": float("nan"),
        "maximum_age": "inf",
        "wait_days": -3,
        "organization": {
            "id": ORG,
            "name": "Rise",
            "description": "Refuges",
            "year_incorporated": 1e30,
        },
        "phones": [
            {"id": "55555555-5555-4555-8555-555555555555", "number": "1", "extension": "inf"}
        ],
        "service_at_locations": [
            {
                "id": "66666666-6666-4666-8666-666666666666",
                "location": {
                    "id": "77777777-7777-4777-8777-777777777777",
                    "location_type": "physical",
                    "latitude": "nan",
                    "longitude": "-inf",
                },
            }
        ],
    }
    source.write_text(json.dumps(doc))

    report = import_path(source)

    service = Service.objects.get()
    assert (service.minimum_age, service.maximum_age, service.wait_days) == (None, None, None)
    assert Organization.objects.get().year_incorporated is None
    assert Phone.objects.get().extension is None
    assert Location.objects.values_list("latitude", "longitude").get() == (None, None)
    for field in ("minimum_age", "maximum_age", "wait_days", "year_incorporated", "latitude"):
        assert [p for p in report.repaired if p.field == field], field
    again = import_path(source)
    assert not again.changed()


def test_nested_values_that_are_not_lists_of_records_are_passed_over(tmp_path: Path) -> None:
    source = tmp_path / "odd.json"
    doc = {
        "id": SERVICE,
        "name": "Outreach",
        "status": "active",
        "organization": {"id": ORG, "name": "Rise", "description": "d", "services": 3},
        "phones": 5,
        "schedules": {"id": "x"},
        "attributes": True,
        "metadata": "x",
        "service_areas": ["Riverside", 4],
    }
    source.write_text(json.dumps(doc))

    import_path(source)

    assert Service.objects.get().name == "Outreach"


def test_short_rows_of_a_1x_export_are_read_and_reported(tmp_path: Path) -> None:
    source = tmp_path / "old.zip"
    source.write_bytes(
        _zip(
            {
                "organizations.csv": "id,name,description,url\no1,Rise,Refuges\n",
                "services.csv": "id,organization_id,name,status\ns1,o1,Outreach\n",
                "contacts.csv": "id,service_id,name,phone_number,phone_areacode\nc1,s1,Ann\n",
                "regular_schedules.csv": "id,service_id,weekday,opens_at,closes_at\nr1,s1\n",
            }
        )
    )

    report = import_path(source)

    assert Service.objects.get().name == "Outreach"
    assert Contact.objects.get().name == "Ann"
    short = {(p.file, p.row, p.field) for p in report.repaired if "cells where" in p.reason}
    assert ("services.csv", "2", "status") in short
    assert ("regular_schedules.csv", "2", "weekday") in short


def test_a_service_whose_ages_are_out_of_order_is_rejected_and_the_rest_go_in(
    tmp_path: Path,
) -> None:
    source = tmp_path / "ages.json"
    org = {"id": ORG, "name": "Rise", "description": "Refuges"}
    source.write_text(
        json.dumps(
            [
                {
                    "id": SERVICE,
                    "name": "Upside down",
                    "status": "active",
                    "organization": org,
                    "minimum_age": 20,
                    "maximum_age": 10,
                },
                {
                    "id": "11111111-1111-4111-8111-111111111111",
                    "name": "Right way up",
                    "status": "active",
                    "organization_id": ORG,
                    "minimum_age": 10,
                },
            ]
        )
    )

    report = import_path(source)

    assert [p.field for p in report.rejected] == ["maximum_age"]
    assert list(Service.objects.values_list("name", flat=True)) == ["Right way up"]


def test_a_nul_character_is_taken_out_of_text(tmp_path: Path) -> None:
    source = tmp_path / "nul.json"
    source.write_text(
        json.dumps({"id": ORG, "name": "Ri\u0000se", "description": "Ref\u0000uges", "tax_id": "1"})
    )

    report = import_path(source)

    assert Organization.objects.values_list("name", "description").get() == ("Rise", "Refuges")
    assert reasons(report, "nul.json", "name")
    assert not import_path(source).changed()


def test_the_command_refuses_paths_it_cannot_write_before_it_changes_anything(
    tmp_path: Path,
) -> None:
    out = io.StringIO()
    nowhere = tmp_path / "no" / "such" / "folder"
    with pytest.raises(CommandError, match="cannot be written"):
        call_command("directory", "export", str(nowhere / "out.json"), stdout=out)
    with pytest.raises(CommandError, match="cannot be written"):
        call_command(
            "directory",
            "import",
            str(EXAMPLES / "organization_full.json"),
            "--report",
            str(nowhere / "problems.csv"),
            stdout=out,
        )
    assert not Organization.objects.exists()


def test_an_import_neither_changes_nor_adds_to_the_listings_joined_up_members_keep(
    tmp_path: Path, listed: Any
) -> None:
    """The ids of public listings are published by the HSDS API: a file that reuses them must
    not rewrite, or hang new records from, what a member organisation keeps in Joined Up."""
    from joinedup.directory import exporter

    advice, riverside = listed.advice, listed.advice.organization
    place = advice.service_at_locations.get().location
    source = tmp_path / "takeover.json"
    new = "11111111-1111-4111-8111-111111111111"
    source.write_text(
        json.dumps(
            [
                {
                    "id": str(advice.pk),
                    "name": "Taken",
                    "status": "active",
                    "organization_id": str(listed.larder.organization_id),
                },
                {
                    "id": str(riverside.pk),
                    "name": "Riverside",
                    "description": "Defaced",
                    "email": "x@example.com",
                },
                {
                    "id": new,
                    "name": "Fake",
                    "status": "active",
                    "organization_id": str(riverside.pk),
                    "phones": [{"id": "22222222-2222-4222-8222-222222222222", "number": "1"}],
                },
                {
                    "id": str(place.pk),
                    "location_type": "physical",
                    "name": "Moved",
                    "latitude": 1.0,
                    "longitude": 1.0,
                },
                {
                    "id": "33333333-3333-4333-8333-333333333333",
                    "service_id": str(advice.pk),
                    "location_id": str(place.pk),
                },
            ]
        )
    )

    report = import_path(source)

    advice.refresh_from_db()
    riverside.refresh_from_db()
    place.refresh_from_db()
    assert (advice.name, advice.organization_id) == ("Riverside advice drop-in", riverside.pk)
    assert riverside.description != "Defaced"
    assert (place.name, place.latitude) != ("Moved", 1.0)
    assert not Service.objects.filter(name="Fake").exists()
    assert not Phone.objects.filter(number="1").exists()
    assert ServiceAtLocation.objects.filter(service=advice).count() == 1
    assert report.changed() == 0
    assert {p.field for p in report.rejected} >= {"id", "organization_id"}

    # The directory's own export, imported again, changes nothing and is not refused.
    document = tmp_path / "export.json"
    document.write_text(json.dumps(exporter.json_document()))
    again = import_path(document)
    assert again.changed() == 0
    assert not again.rejected


def test_a_later_file_that_would_put_a_held_services_ages_out_of_order_is_rejected(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    org = {"id": ORG, "name": "Rise", "description": "Refuges", "email": "a@example.com"}
    first.write_text(
        json.dumps(
            {
                "id": SERVICE,
                "name": "Outreach",
                "status": "active",
                "organization": org,
                "minimum_age": 16,
            }
        )
    )
    second.write_text(
        json.dumps(
            {
                "id": SERVICE,
                "name": "Outreach",
                "status": "active",
                "organization_id": ORG,
                "maximum_age": 10,
            }
        )
    )
    import_path(first)

    report = import_path(second)

    assert [p.field for p in report.rejected] == ["maximum_age"]
    assert Service.objects.values_list("minimum_age", "maximum_age").get() == (16, None)
