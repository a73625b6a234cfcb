"""Where a postcode is: from the directory's own public addresses first, then, if one is
configured, from a postcodes.io-shaped geocoder (`JOINEDUP_GEOCODER_URL`).

The directory is asked first so that a small install needs no outside service, and so that the
tests never touch the network. Only public locations are used: a confidential address must not
be found out by asking whether its postcode can be located.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.request
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db.models import Q

from joinedup.directory.hsds import Scope
from joinedup.directory.models import Location

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 3.0
# The outward code, then the inward code: a digit and two letters (SW1A 1AA, M1 1AE).
UK_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")


def normalise(postcode: str) -> str:
    """Upper case, one space before the inward code of a UK postcode ("sw1a1aa" → "SW1A 1AA");
    anything else upper case with its spaces collapsed."""
    compact = re.sub(r"\s+", "", postcode or "").upper()
    match = UK_POSTCODE.match(compact)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    return " ".join((postcode or "").upper().split())


def locate(postcode: str) -> tuple[float, float] | None:
    """The latitude and longitude of `postcode`, or None when it cannot be located."""
    normal = normalise(postcode)
    if not normal:
        return None
    return _from_directory(normal) or _from_geocoder(normal)


def _from_directory(normal: str) -> tuple[float, float] | None:
    compact = normal.replace(" ", "")
    found = (
        Location.objects.filter(Scope.public().locations)
        .filter(
            Q(addresses__postal_code__iexact=normal) | Q(addresses__postal_code__iexact=compact)
        )
        .filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("id")
        .values_list("latitude", "longitude")
        .first()
    )
    if found is None or found[0] is None or found[1] is None:
        return None
    return found[0], found[1]


def _from_geocoder(normal: str) -> tuple[float, float] | None:
    template = settings.JOINEDUP_GEOCODER_URL
    if not template:
        return None
    url = template.replace("{postcode}", quote(normal))
    if urlsplit(url).scheme not in ("http", "https"):
        log.warning("JOINEDUP_GEOCODER_URL is not an http(s) URL; postcodes are not geocoded")
        return None
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (scheme checked above)
            result = json.load(response)["result"]
        return float(result["latitude"]), float(result["longitude"])
    except Exception:  # any failure of an outside service means "not located", never a 500
        log.info("The geocoder could not locate %s", normal, exc_info=True)
        return None
