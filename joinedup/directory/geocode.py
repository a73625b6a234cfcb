"""Placing a postcode or a place on the map, without the network by default.

A postcode is first looked up among the directory's own public addresses that have
coordinates. A postcode district ("DY10"), a town or a local authority is placed by the
gazetteer (`directory.gazetteer`) at the middle of its postcodes. Beyond that, a deployment may
name a geocoder (`JOINEDUP_GEOCODER_URL`, a URL template with `{postcode}` answering as
postcodes.io does); it is off unless set. A full postcode that neither places is not located
(never at its district's middle: a search within 100 metres of it would mislead), and the
search form suggests its district instead.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
import urllib.request

from django.conf import settings

from joinedup.directory.gazetteer import gazetteer, outward_code
from joinedup.directory.models import Address, Visibility


def normalise(postcode: str) -> str:
    """Upper case with one space before the inward code: "m145tq" → "M14 5TQ"."""
    compact = "".join(postcode.split()).upper()
    if 5 <= len(compact) <= 7 and compact[-3].isdigit():
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def locate(postcode: str) -> tuple[float, float] | None:
    code = normalise(postcode)
    if not code:
        return None
    known = (
        Address.objects.filter(
            postal_code__in={code, code.replace(" ", ""), postcode.strip()},
            location__visibility=Visibility.PUBLIC,
            location__latitude__isnull=False,
            location__longitude__isnull=False,
        )
        .values_list("location__latitude", "location__longitude")
        .first()
    )
    if known is not None and known[0] is not None and known[1] is not None:
        return known[0], known[1]
    places = gazetteer()
    district = outward_code(postcode)
    if district == code or (not district and places.find(postcode)):
        # A postcode district, or a place by name: the gazetteer says where.
        return places.point(postcode)
    return _geocoded(code)


def _geocoded(code: str) -> tuple[float, float] | None:
    template = getattr(settings, "JOINEDUP_GEOCODER_URL", "")
    if not template:
        return None
    url = template.format(postcode=urllib.parse.quote(code))
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 (set by the operator)
            result = json.load(response).get("result") or {}
        return float(result["latitude"]), float(result["longitude"])
    # A connection cut mid-answer raises http.client's own errors, which are not OSErrors.
    except (OSError, http.client.HTTPException, ValueError, KeyError, TypeError):
        return None
