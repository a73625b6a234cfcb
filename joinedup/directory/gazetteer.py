"""Places and the areas they lie in, from a gazetteer shipped with the project.

The gazetteer is a CSV with the columns place, kind, parent, lat, lon: a kind is a town, a
district (a local authority), a county (an upper-tier authority over districts) or a postcode
district ("DY10"); its parent is the area it lies in, empty for none. A place in more than one
area has a row for each. `data/gazetteer.csv` is built from the ONS Postcode Directory (see
`data/GAZETTEER.md` for what it holds and its licence); `JOINEDUP_GAZETTEER` names a fuller one
made with `joinedup gazetteer build`.

It is read once per process into memory (a few thousand rows), so searching by area costs no
query: a service is indexed under the areas its places lie in (`areas_around`), and a postcode
district locates at the middle of its postcodes (`point`).
"""

from __future__ import annotations

import csv
import functools
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

SHIPPED = Path(__file__).parent / "data" / "gazetteer.csv"
COLUMNS = ["place", "kind", "parent", "lat", "lon"]
TOWN, DISTRICT, COUNTY, POSTCODE_DISTRICT = "town", "district", "county", "postcode district"
KINDS = (TOWN, DISTRICT, COUNTY, POSTCODE_DISTRICT)
# An outward code: one or two letters, a digit, then a digit or a letter ("M1", "DY10", "EC1A").
OUTWARD = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


def key(name: str) -> str:
    """How a place's name is compared: lower case, "&" as "and", runs of anything but letters
    and digits as one space ("Stourport-on-Severn" = "stourport on severn")."""
    text = (name or "").lower().replace("&", " and ")
    return NOT_WORD.sub(" ", text).strip()


def outward_code(text: str) -> str:
    """The postcode district `text` names or starts with, upper case: "dy10" → "DY10",
    "DY10 1AB" → "DY10", "dy101ab" → "DY10"; "" when it is not a UK postcode's start."""
    compact = "".join((text or "").split()).upper()
    if OUTWARD.match(compact):
        return compact
    if 5 <= len(compact) <= 7 and compact[-3].isdigit() and OUTWARD.match(compact[:-3]):
        return compact[:-3]
    return ""


@dataclass
class Place:
    name: str
    kind: str
    parents: list[str] = field(default_factory=list)
    point: tuple[float, float] | None = None


class Gazetteer:
    def __init__(self, rows: Iterable[dict[str, str]]) -> None:
        self.places: dict[str, Place] = {}
        for row in rows:
            name = (row.get("place") or "").strip()
            kind = (row.get("kind") or "").strip()
            if not name or kind not in KINDS:
                continue
            place = self.places.setdefault(key(name), Place(name=name, kind=kind))
            parent = (row.get("parent") or "").strip()
            if parent and parent not in place.parents:
                place.parents.append(parent)
            if place.point is None:
                place.point = _point(row.get("lat"), row.get("lon"))

    def __len__(self) -> int:
        return len(self.places)

    def find(self, text: str) -> Place | None:
        return self.places.get(key(text)) or self.places.get(key(outward_code(text)))

    def point(self, text: str) -> tuple[float, float] | None:
        place = self.find(text)
        return place.point if place else None

    def areas_around(self, text: str) -> list[str]:
        """The names of the areas `text` lies in, nearest first: "DY10" → Wyre Forest,
        Worcestershire. Nothing for a place the gazetteer does not know."""
        found: list[str] = []
        place = self.find(text)
        todo = list(place.parents) if place else []
        while todo and len(found) < 20:
            name = todo.pop(0)
            if name in found:
                continue
            found.append(name)
            around = self.places.get(key(name))
            if around is not None:
                todo.extend(around.parents)
        return found


def _point(lat: str | None, lon: str | None) -> tuple[float, float] | None:
    try:
        point = float(lat or ""), float(lon or "")
    except ValueError:
        return None
    if -90 <= point[0] <= 90 and -180 <= point[1] <= 180:
        return point
    return None


def read(path: Path) -> Gazetteer:
    with path.open(newline="", encoding="utf-8") as rows:
        return Gazetteer(csv.DictReader(rows))


@functools.cache
def _loaded(path: str) -> Gazetteer:
    return read(Path(path))


def gazetteer() -> Gazetteer:
    """The gazetteer this installation uses: `JOINEDUP_GAZETTEER` or the shipped one."""
    return _loaded(str(getattr(settings, "JOINEDUP_GAZETTEER", "") or SHIPPED))


def areas_around(names: Iterable[str]) -> list[str]:
    """`names` and, after them, the areas each lies in (each name once)."""
    places = gazetteer()
    found: dict[str, None] = {}
    for name in names:
        if name:
            found[name] = None
            for area in places.areas_around(name):
                found[area] = None
    return list(found)


# Building a gazetteer from the ONS Postcode Directory -------------------------------------


@dataclass
class _Sum:
    n: int = 0
    lat: float = 0.0
    lon: float = 0.0
    by_district: dict[str, int] = field(default_factory=dict)

    def add(self, lat: float, lon: float, district: str) -> None:
        self.n += 1
        self.lat += lat
        self.lon += lon
        if district:
            self.by_district[district] = self.by_district.get(district, 0) + 1

    def middle(self) -> tuple[float, float]:
        return round(self.lat / self.n, 4), round(self.lon / self.n, 4)


def build(
    postcodes: Iterable[tuple[str, float, float, str]],
    district_names: dict[str, str],
    counties: dict[str, str],
    towns: Iterable[tuple[str, str]] = (),
    *,
    share: float = 0.1,
) -> Iterator[dict[str, str]]:
    """Gazetteer rows from postcodes, each (postcode, latitude, longitude, local authority
    code): a postcode district at the middle of its postcodes, in every district holding at
    least `share` of them; a district and a county at the middle of theirs. `district_names`
    names the local authority codes (codes it does not name are left out: a postcode district
    among them has no parent); `counties` gives a district's county by district name. `towns`
    are (town, postcode): a town placed at that postcode, in its district."""
    outward: dict[str, _Sum] = {}
    areas: dict[str, _Sum] = {}
    at: dict[str, tuple[float, float, str]] = {}
    wanted = {"".join(p.split()).upper(): t for t, p in towns}
    for postcode, lat, lon, code in postcodes:
        district = outward_code(postcode)
        if not district or math.isnan(lat) or math.isnan(lon):
            continue
        name = district_names.get(code, "")
        outward.setdefault(district, _Sum()).add(lat, lon, name)
        if name:
            areas.setdefault(name, _Sum()).add(lat, lon, "")
            county = counties.get(name)
            if county and county != name:
                areas.setdefault(county, _Sum()).add(lat, lon, "")
        compact = "".join(postcode.split()).upper()
        if compact in wanted:
            at[wanted[compact]] = (lat, lon, name)
    county_names = {c for d, c in counties.items() if c != d}
    for name in sorted(areas):
        lat, lon = areas[name].middle()
        if name in county_names:
            yield _row(name, COUNTY, "", lat, lon)
        else:
            parent = counties.get(name, "")
            yield _row(name, DISTRICT, parent if parent != name else "", lat, lon)
    for town, (lat, lon, district) in sorted(at.items()):
        if key(town) not in {key(a) for a in areas}:
            yield _row(town, TOWN, district, round(lat, 4), round(lon, 4))
    for district, total in sorted(outward.items(), key=lambda item: _outward_order(item[0])):
        lat, lon = total.middle()
        parents = [d for d, n in total.by_district.items() if n >= share * total.n]
        for parent in sorted(parents) or [""]:
            yield _row(district, POSTCODE_DISTRICT, parent, lat, lon)


def _outward_order(code: str) -> tuple[str, int, str]:
    match = re.match(r"([A-Z]+)(\d+)(.*)", code)
    return (match[1], int(match[2]), match[3]) if match else (code, 0, "")


def _row(place: str, kind: str, parent: str, lat: float, lon: float) -> dict[str, str]:
    return {"place": place, "kind": kind, "parent": parent, "lat": f"{lat}", "lon": f"{lon}"}


def write(rows: Iterable[dict[str, str]], path: Path) -> int:
    n = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


def osgb_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """Ordnance Survey National Grid easting and northing (OSGB36) to WGS84 latitude and
    longitude, to within about five metres: the inverse Transverse Mercator projection and a
    Helmert transformation, as in OS's "A guide to coordinate systems in Great Britain"."""
    a, b = 6377563.396, 6356256.909  # Airy 1830
    f0, lat0, lon0 = 0.9996012717, math.radians(49), math.radians(-2)
    n0, e0 = -100000.0, 400000.0
    e2 = 1 - (b * b) / (a * a)
    n = (a - b) / (a + b)
    lat, m = lat0, 0.0
    while True:
        lat = (northing - n0 - m) / (a * f0) + lat
        d, s = lat - lat0, lat + lat0
        m = (
            b
            * f0
            * (
                (1 + n + 1.25 * n**2 + 1.25 * n**3) * d
                - (3 * n + 3 * n**2 + 21 / 8 * n**3) * math.sin(d) * math.cos(s)
                + (15 / 8 * n**2 + 15 / 8 * n**3) * math.sin(2 * d) * math.cos(2 * s)
                - 35 / 24 * n**3 * math.sin(3 * d) * math.cos(3 * s)
            )
        )
        if abs(northing - n0 - m) < 0.00001:
            break
    sin, cos, tan = math.sin(lat), math.cos(lat), math.tan(lat)
    nu = a * f0 / math.sqrt(1 - e2 * sin**2)
    rho = a * f0 * (1 - e2) / (1 - e2 * sin**2) ** 1.5
    eta2 = nu / rho - 1
    sec = 1 / cos
    vii = tan / (2 * rho * nu)
    viii = tan / (24 * rho * nu**3) * (5 + 3 * tan**2 + eta2 - 9 * tan**2 * eta2)
    ix = tan / (720 * rho * nu**5) * (61 + 90 * tan**2 + 45 * tan**4)
    x = sec / nu
    xi = sec / (6 * nu**3) * (nu / rho + 2 * tan**2)
    xii = sec / (120 * nu**5) * (5 + 28 * tan**2 + 24 * tan**4)
    xiia = sec / (5040 * nu**7) * (61 + 662 * tan**2 + 1320 * tan**4 + 720 * tan**6)
    de = easting - e0
    lat = lat - vii * de**2 + viii * de**4 - ix * de**6
    lon = lon0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    # OSGB36 to WGS84: to Cartesian on Airy 1830, Helmert, back to latitude on GRS80.
    sin, cos = math.sin(lat), math.cos(lat)
    nu = a / math.sqrt(1 - e2 * sin**2)
    x1 = nu * cos * math.cos(lon)
    y1 = nu * cos * math.sin(lon)
    z1 = (1 - e2) * nu * sin
    tx, ty, tz = 446.448, -125.157, 542.060
    s = -20.4894e-6
    rx, ry, rz = (math.radians(v / 3600) for v in (0.1502, 0.2470, 0.8421))
    x2 = tx + (1 + s) * x1 - rz * y1 + ry * z1
    y2 = ty + rz * x1 + (1 + s) * y1 - rx * z1
    z2 = tz - ry * x1 + rx * y1 + (1 + s) * z1
    a2, b2 = 6378137.0, 6356752.3141
    e2w = 1 - (b2 * b2) / (a2 * a2)
    p = math.hypot(x2, y2)
    lat = math.atan2(z2, p * (1 - e2w))
    for _ in range(10):
        nu = a2 / math.sqrt(1 - e2w * math.sin(lat) ** 2)
        lat = math.atan2(z2 + e2w * nu * math.sin(lat), p)
    return math.degrees(lat), math.degrees(math.atan2(y2, x2))
