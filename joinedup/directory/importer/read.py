"""Reading HSDS sources — JSON documents, zips and folders of CSVs, 3.0 and 1.x — into rows
of HSDS 3.0 tables."""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
import zlib
from pathlib import Path
from typing import Any

from django.conf import settings

from joinedup.directory.importer.common import (
    FILES_30,
    MARKS_OF_1X,
    ImportFailed,
    Problem,
    Row,
)
from joinedup.lib.spreadsheet import uncell

# A zip's entries are inflated in chunks of this size, each counted before the next is read.
CHUNK = 1024 * 1024
# Small files may compress very well (a column of empty cells); their ratio is not judged.
RATIO_FROM_BYTES = 1024 * 1024


WEEKDAYS = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}


def read(
    path: Path, *, encoding: str = "", problems: list[Problem] | None = None
) -> tuple[list[Row], list[str], bool]:
    """Rows of every table in `path`, the files ignored, and whether the layout is 1.x.

    CSV files are read as UTF-8 (with or without a byte-order mark) unless `encoding` names
    another; a byte that is not of that encoding stops the import, named by file, row and
    column, and is never guessed at. Rows with fewer cells than the header are read with the
    missing cells empty and reported in `problems`; rows with more are rejected there; a file
    whose last row is cut off stops the import."""
    if not path.exists():
        raise ImportFailed(f"{path} does not exist.")
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ImportFailed(f"{encoding!r} is not an encoding Python knows.") from None
    reader = _Reader(encoding or "utf-8-sig", problems if problems is not None else [])
    try:
        return reader.read(path)
    except OSError as error:
        raise ImportFailed(f"{path} cannot be read: {error.strerror or error}.") from error


def limits() -> tuple[int, int]:
    """The largest a zip may unpack to (bytes) and the highest compression ratio of an entry."""
    return (
        settings.JOINEDUP_IMPORT_MAX_UNPACKED_MB * 1024 * 1024,
        settings.JOINEDUP_IMPORT_MAX_RATIO,
    )


class _Reader:
    def __init__(self, encoding: str, problems: list[Problem]) -> None:
        self.encoding = encoding
        self.problems = problems

    def read(self, path: Path) -> tuple[list[Row], list[str], bool]:
        if path.is_dir():
            files = {p.name: p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
            return self._read_files(files)
        if zipfile.is_zipfile(path):
            return self._read_files(_unzip(path))
        if path.suffix.lower() == ".json":
            return _read_json(path.name, path.read_bytes()), [], False
        raise ImportFailed(
            f"{path.name} is not HSDS data Joined Up can read: give a .json document, a .zip "
            "datapackage or a folder of CSV files."
        )

    def _read_files(self, files: dict[str, bytes]) -> tuple[list[Row], list[str], bool]:
        csvs = {Path(name).stem: data for name, data in files.items() if name.endswith(".csv")}
        if not csvs:
            jsons = [
                name for name in files if name.endswith(".json") and name != "datapackage.json"
            ]
            if not jsons:
                raise ImportFailed("No CSV files or JSON documents were found.")
            rows: list[Row] = []
            for name in jsons:
                rows += _read_json(name, files[name])
            return rows, [], False
        old = bool(MARKS_OF_1X & set(csvs))
        rows, ignored = [], []
        for stem, data in csvs.items():
            records = self._csv_records(stem + ".csv", data)
            made = _rows_1x(stem, records) if old else _rows_30(stem, records)
            if made is None:
                ignored.append(stem + ".csv")
            else:
                rows += made
        return rows, sorted(ignored), old

    def _csv_records(self, name: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
        """The rows of a CSV file, each with its number as the report gives it (the header is
        row 1)."""
        try:
            text = data.decode(self.encoding)
        except UnicodeDecodeError as error:
            raise ImportFailed(_bad_byte(name, data, error, self.encoding)) from None
        try:
            lines = [r for r in csv.reader(io.StringIO(text)) if r]
        except csv.Error as error:
            raise ImportFailed(f"{name} cannot be read as CSV: {error}.") from error
        if not lines:
            return []
        header, body = lines[0], lines[1:]
        if body and _cut(text, header, body[-1]):
            raise ImportFailed(
                f"{name} ends in the middle of row {len(lines)}: the file is cut short (an "
                "interrupted download or copy?). Nothing was imported; export it again."
            )
        records: list[tuple[int, dict[str, str]]] = []
        for row, cells in enumerate(body, start=2):
            if len(cells) > len(header):
                self.problems.append(
                    Problem(
                        name,
                        str(row),
                        "",
                        f"has {len(cells)} cells where the header has {len(header)}: the "
                        "values cannot be put in their columns",
                        "rejected",
                    )
                )
                continue
            if len(cells) < len(header):
                self.problems.append(
                    Problem(
                        name,
                        str(row),
                        header[len(cells)],
                        f"has {len(cells)} cells where the header has {len(header)}; "
                        "the missing ones read as empty",
                        "repaired",
                    )
                )
            cells += [""] * (len(header) - len(cells))
            records.append(
                (row, {key: uncell(value) for key, value in zip(header, cells, strict=True)})
            )
        return records


def _cut(text: str, header: list[str], last: list[str]) -> bool:
    """Whether the last row was cut off: the file stops without a line end, inside a quoted
    cell or short of the header's cells."""
    if text.endswith(("\n", "\r")):
        return False
    if len(last) < len(header):
        return True
    try:
        for _ in csv.reader(io.StringIO(text[-CHUNK:]), strict=True):
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


def _bad_byte(name: str, data: bytes, error: UnicodeDecodeError, encoding: str) -> str:
    """Where a byte that is not of the encoding is: the row (as the report counts them, the
    header being row 1) and the column, with its header."""
    before = data[: error.start].decode(encoding, errors="replace")
    try:
        rows = [r for r in csv.reader(io.StringIO(before)) if r]
    except csv.Error:
        rows = [line.split(",") for line in before.splitlines()]
    at_row_start = before == "" or before.endswith(("\n", "\r"))
    row = len(rows) + 1 if at_row_start or not rows else len(rows)
    column = 1 if at_row_start or not rows else len(rows[-1])
    header = rows[0] if rows and row > 1 else []
    named = f" ({header[column - 1]})" if 0 < column <= len(header) else ""
    byte = data[error.start : error.start + 1].hex()
    shown = "UTF-8" if encoding == "utf-8-sig" else encoding
    return (
        f"{name} is not {shown}: row {row}, column {column}{named} has the byte 0x{byte}, "
        f"which {shown} does not allow. Nothing was imported. Save the file as UTF-8, or "
        "give the encoding it was saved in (e.g. cp1252 for Windows' Western European)."
    )


def _unzip(path: Path) -> dict[str, bytes]:
    """The files of a zip, refused whole if it is damaged or would unpack too big or too
    compressed: the sizes it declares are checked first, then what is actually inflated, a
    chunk at a time, so a zip bomb stops within a chunk of the limit."""
    most, ratio = limits()
    too_big = (
        f"{path.name} unpacks to more than {most // (1024 * 1024)} MB "
        "(JOINEDUP_IMPORT_MAX_UNPACKED_MB). Nothing was imported."
    )

    def too_compressed(entry: str) -> ImportFailed:
        return ImportFailed(
            f"{entry} in {path.name} is compressed more than {ratio} to 1 "
            "(JOINEDUP_IMPORT_MAX_RATIO): directory exports compress about 3 to 12 to 1, zip "
            "bombs thousands to 1. Nothing was imported."
        )

    try:
        with zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if sum(info.file_size for info in members) > most:
                raise ImportFailed(too_big)
            files, size = {}, 0
            for info in members:
                packed = max(info.compress_size, 1)
                if info.file_size > RATIO_FROM_BYTES and info.file_size > ratio * packed:
                    raise too_compressed(info.filename)
                data = bytearray()
                with archive.open(info) as member:
                    while chunk := member.read(CHUNK):
                        data += chunk
                        size += len(chunk)
                        if size > most:
                            raise ImportFailed(too_big)
                        if len(data) > RATIO_FROM_BYTES and len(data) > ratio * packed:
                            raise too_compressed(info.filename)
                files[Path(info.filename).name] = bytes(data)
    # A damaged archive raises any of these; an encrypted one RuntimeError.
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise ImportFailed(f"{path.name} cannot be read as a zip: {error}.") from error
    return files


def _rows_30(stem: str, records: list[tuple[int, dict[str, Any]]]) -> list[Row] | None:
    table = FILES_30.get(stem)
    if table is None:
        return None
    name = stem + ".csv"
    return [Row(table, name, str(i), r) for i, r in records]


def _rows_1x(stem: str, records: list[tuple[int, dict[str, Any]]]) -> list[Row] | None:
    """HSDS 1.x files, read into 3.0 tables."""
    name = stem + ".csv"
    rows: list[Row] = []
    for i, r in records:
        where = str(i)
        if stem == "organizations":
            r = {**r, "website": r.pop("url", "")}
            rows.append(Row("organization", name, where, r))
        elif stem == "locations":
            rows.append(Row("location", name, where, {"location_type": "physical", **r}))
        elif stem in ("physical_addresses", "postal_addresses"):
            kind = "physical" if stem == "physical_addresses" else "postal"
            rows.append(Row("address", name, where, {**r, "address_type": kind}))
        elif stem == "services_at_location":
            rows.append(Row("service_at_location", name, where, r))
        elif stem == "contacts":
            phone = r.pop("phone_number", "").strip()
            area = r.pop("phone_areacode", "").strip()
            extension = r.pop("phone_extension", "").strip()
            rows.append(Row("contact", name, where, r))
            if phone and r.get("id"):
                number = f"{area}-{phone}" if area else phone
                rows.append(
                    Row(
                        "phone",
                        name,
                        where,
                        {
                            "id": f"contact-phone-{r['id']}",
                            "contact_id": r["id"],
                            "number": number,
                            "extension": extension,
                        },
                    )
                )
        elif stem == "phones":
            r.pop("language", None)
            rows.append(Row("phone", name, where, r))
        elif stem == "regular_schedules":
            day = WEEKDAYS.get(str(r.get("weekday", "")).strip().lower(), "")
            values = {
                "id": r.get("id", ""),
                "service_id": r.get("service_id", ""),
                "location_id": r.get("location_id", ""),
                "service_at_location_id": r.get("service_at_location_id", ""),
                "freq": "WEEKLY" if day else "",
                "wkst": "MO" if day else "",
                "byday": day,
                "opens_at": r.get("opens_at", ""),
                "closes_at": r.get("closes_at", ""),
                "description": r.get("original_text", ""),
            }
            if not values["id"]:
                values["id"] = (
                    "|".join(
                        str(values[k]) for k in ("service_id", "location_id", "byday", "opens_at")
                    )
                    + f"|{r.get('closes_at', '')}|{r.get('service_at_location_id', '')}"
                )
                values["_derived_id"] = True
            rows.append(Row("schedule", name, where, values))
        elif stem == "eligibility":
            rows.append(Row("eligibility", name, where, r))
        elif stem == "languages":
            rows.append(Row("language", name, where, {**r, "name": r.pop("language", "")}))
        elif stem == "accessibility_for_disabilities":
            values = {**r, "description": r.pop("accessibility", "")}
            rows.append(Row("accessibility", name, where, values))
        elif stem == "service_area":
            values = {**r, "name": r.pop("service_area", "")}
            rows.append(Row("service_area", name, where, values))
        elif stem == "taxonomy":
            vocabulary = str(r.get("vocabulary", "")).strip()
            if vocabulary:
                rows.append(
                    Row(
                        "taxonomy",
                        name,
                        where,
                        {
                            "id": f"vocabulary:{vocabulary}",
                            "name": vocabulary,
                            "description": vocabulary,
                        },
                    )
                )
            rows.append(
                Row(
                    "taxonomy_term",
                    name,
                    where,
                    {
                        "id": r.get("id", ""),
                        "code": r.get("id", ""),
                        "name": r.get("name", ""),
                        "description": r.get("name", ""),
                        "parent_id": r.get("parent_id", ""),
                        "taxonomy": vocabulary,
                        "taxonomy_id": f"vocabulary:{vocabulary}" if vocabulary else "",
                    },
                )
            )
        elif stem == "services_taxonomy":
            values = {
                "id": r.get("id", ""),
                "link_id": r.get("service_id", ""),
                "link_entity": "service",
                "taxonomy_term_id": r.get("taxonomy_id", ""),
                "value": r.get("taxonomy_detail", ""),
            }
            rows.append(Row("attribute", name, where, values))
        elif stem in FILES_30 and stem != "taxonomy":
            rows.append(Row(FILES_30[stem], name, where, r))
        else:
            return None
    return rows


def _read_json(name: str, data: bytes) -> list[Row]:
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ImportFailed(f"{name} is not valid JSON: {error}.") from error
    except RecursionError:
        raise ImportFailed(f"{name} is nested too deeply to be an HSDS document.") from None
    rows: list[Row] = []
    if isinstance(doc, dict) and any(str(k).endswith(".csv") for k in doc):
        for key, records in doc.items():
            if not isinstance(records, list):
                raise ImportFailed(f"{name}: {key} is not a list of records.")
            dicts = [r for r in records if isinstance(r, dict)]
            made = _rows_30(Path(str(key)).stem, list(enumerate(dicts, start=2)))
            rows += made or []
        return rows
    if isinstance(doc, dict) and isinstance(doc.get("contents"), list):
        items = [(f"contents[{i}]", item) for i, item in enumerate(doc["contents"])]
    elif isinstance(doc, list):
        items = [(f"[{i}]", item) for i, item in enumerate(doc)]
    elif isinstance(doc, dict):
        items = [("document", doc)]
    else:
        raise ImportFailed(f"{name} holds no HSDS document.")
    for where, item in items:
        if not isinstance(item, dict):
            rows.append(Row("unknown", name, where, {}))
            continue
        rows += _flatten(_kind_of(item, name), item, name, where, {})
    return rows


def _kind_of(doc: dict[str, Any], name: str = "") -> str:
    """Which HSDS table a document is: by its fields, or by its file's name when the fields
    could be either (an organization and a taxonomy may both have just id, name, description)."""
    keys = set(doc)
    if keys <= {"id", "name", "description"}:
        stem = Path(name).stem.lower()
        for table in ("taxonomy_term", "taxonomy", "organization"):
            if stem.startswith(table):
                return table
    if "status" in keys or "service_at_locations" in keys or "eligibility_description" in keys:
        return "service"
    if "location_type" in keys or "addresses" in keys:
        return "location"
    if "location" in keys or ("service_id" in keys and "location_id" in keys):
        return "service_at_location"
    if keys & {
        "website", "email", "tax_status", "tax_id", "legal_status", "year_incorporated", "logo",
        "organization_identifiers", "services", "funding", "parent_organization_id",
    }:  # fmt: skip
        return "organization"
    if keys & {"parent_id", "term_uri", "taxonomy_detail", "taxonomy_id", "code"}:
        return "taxonomy_term"
    if keys & {"version", "uri"} or keys <= {"id", "name", "description"}:
        return "taxonomy"
    return "unknown"


# Nested arrays of a table: key -> (table, the reference the parent gives each child).
NESTED: dict[str, dict[str, tuple[str, str]]] = {
    "service": {
        "phones": ("phone", "service_id"),
        "schedules": ("schedule", "service_id"),
        "service_areas": ("service_area", "service_id"),
        "service_at_locations": ("service_at_location", "service_id"),
        "languages": ("language", "service_id"),
        "cost_options": ("cost_option", "service_id"),
        "contacts": ("contact", "service_id"),
    },
    "organization": {
        "contacts": ("contact", "organization_id"),
        "phones": ("phone", "organization_id"),
        "locations": ("location", "organization_id"),
        "organization_identifiers": ("organization_identifier", "organization_id"),
    },
    "location": {
        "addresses": ("address", "location_id"),
        "contacts": ("contact", "location_id"),
        "accessibility": ("accessibility", "location_id"),
        "phones": ("phone", "location_id"),
        "schedules": ("schedule", "location_id"),
        "languages": ("language", "location_id"),
    },
    "service_at_location": {
        "contacts": ("contact", "service_at_location_id"),
        "phones": ("phone", "service_at_location_id"),
        "schedules": ("schedule", "service_at_location_id"),
    },
    "contact": {"phones": ("phone", "contact_id")},
    "phone": {"languages": ("language", "phone_id")},
}


def _listed(value: Any) -> list[Any]:
    """A nested array of a document; anything else in its place holds no records."""
    return value if isinstance(value, list) else []


def _flatten(
    table: str, doc: dict[str, Any], file: str, where: str, given: dict[str, Any]
) -> list[Row]:
    """A nested HSDS document as rows: itself, then what hangs from it."""
    if table == "unknown":
        return [Row("unknown", file, where, {})]
    own = {k: v for k, v in doc.items() if not isinstance(v, dict | list)}
    for key, value in given.items():
        own.setdefault(key, value)
    rows: list[Row] = []
    # What it points at comes first.
    if isinstance(doc.get("organization"), dict):
        org = doc["organization"]
        rows += _flatten("organization", org, file, f"{where}.organization", {})
        own.setdefault("organization_id", org.get("id"))
    if table == "service_at_location" and isinstance(doc.get("service"), dict):
        service = doc["service"]
        rows += _flatten("service", service, file, f"{where}.service", {})
        own.setdefault("service_id", service.get("id"))
    if table == "service_at_location" and isinstance(doc.get("location"), dict):
        location = doc["location"]
        rows += _flatten("location", location, file, f"{where}.location", {})
        own.setdefault("location_id", location.get("id"))
    if table == "taxonomy_term" and isinstance(doc.get("taxonomy_detail"), dict):
        detail = doc["taxonomy_detail"]
        rows += _flatten("taxonomy", detail, file, f"{where}.taxonomy_detail", {})
        own.setdefault("taxonomy_id", detail.get("id"))
    rows.append(Row(table, file, where, own))
    for key, (child, ref) in NESTED.get(table, {}).items():
        for i, item in enumerate(_listed(doc.get(key))):
            if isinstance(item, dict):
                rows += _flatten(child, item, file, f"{where}.{key}[{i}]", {ref: own.get("id")})
    if table == "organization":
        for i, item in enumerate(_listed(doc.get("services"))):
            if isinstance(item, dict) and "name" in item:
                rows += _flatten(
                    "service",
                    item,
                    file,
                    f"{where}.services[{i}]",
                    {"organization_id": own.get("id")},
                )
    for i, item in enumerate(_listed(doc.get("attributes"))):
        if isinstance(item, dict):
            term = item.get("taxonomy_term")
            if isinstance(term, dict):
                rows += _flatten(
                    "taxonomy_term", term, file, f"{where}.attributes[{i}].taxonomy_term", {}
                )
            values = {k: v for k, v in item.items() if not isinstance(v, dict | list)}
            values.setdefault("link_id", own.get("id"))
            values.setdefault("link_entity", table)
            if isinstance(term, dict):
                values.setdefault("taxonomy_term_id", term.get("id"))
            rows.append(Row("attribute", file, f"{where}.attributes[{i}]", values))
    for i, item in enumerate(_listed(doc.get("metadata"))):
        if isinstance(item, dict):
            values = {k: v for k, v in item.items() if not isinstance(v, dict | list)}
            values.setdefault("resource_id", own.get("id"))
            values.setdefault("resource_type", table)
            rows.append(Row("metadata", file, f"{where}.metadata[{i}]", values))
    return rows
