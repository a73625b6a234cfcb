"""`{% charter_signed organisation %}`: what an organisation signed, for its page. Signatures
are public (as on each programme's list of signatories)."""

from __future__ import annotations

from typing import Any

from django import template

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
