"""`{% charter_signed organisation %}`: what an organisation signed, for its page. Signatures
are public (as on each programme's list of signatories). `charter_cell`: the Charter's cell in
a programme's tables."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe

from joinedup.charter.models import Signature

register = template.Library()


@register.inclusion_tag("charter/_signed.html")
def charter_signed(organisation: Any) -> dict[str, Any]:
    signatures = (
        Signature.objects.filter(organisation=organisation, withdrawn_on__isnull=True)
        .select_related("version__charter__programme", "version__charter__partnership")
        .order_by("-signed_on")
    )
    return {"signatures": list(signatures)}


def _e(value: Any) -> str:
    return escape(str(value))


@register.filter
def charter_cell(c: dict[str, Any] | None) -> SafeString:
    """The Charter's cell in a programme's tables (`charter.queries.programme_column`'s
    summary): signed of members and the peer view's spread, made in Python once for both the
    programme page and the side-by-side programme view (`health.programme_table`)."""
    c = c or {}
    out = (
        f"{_e(c.get('signed'))} of {_e(c.get('members'))} signed"
        if c.get("has_charter")
        else ("No Charter")
    )
    if c.get("peer_year"):
        spread = c.get("spread")
        if c.get("peer_open_until"):
            until = date_filter(c["peer_open_until"], "j M Y")
            said = f"open until {_e(until)}, results when it closes"
        elif spread:
            said = (
                f"scores {_e(spread[0])} to {_e(spread[2])}, "
                f"middle {_e(floatformat(spread[1], '-1'))}"
            )
        else:
            said = "too few answers to show"
        out += f'<br><span class="meta">Peer view {_e(c["peer_year"])}: {said}</span>'
    return mark_safe(out)  # noqa: S308  (every value in it escaped above)
