"""A reflection and a handover in the named characters' partnership, for other apps' tests."""

from __future__ import annotations

from types import SimpleNamespace

from joinedup.reflection import actions
from joinedup.reflection.models import HandoverReason, Sharing


def reflecting_world(w: SimpleNamespace) -> SimpleNamespace:
    """Lena's reflection shared with the partnership, and a handover for Cora at Riverside Mind."""
    return SimpleNamespace(
        reflection=actions.reflection_write(
            by=w.lena,
            partnership=w.partnership,
            organisation=w.lead_org,
            title="Our first joint review",
            template="aar",
            answers={"intended": "Agree the triage form", "happened": "We ran out of time"},
            sharing=Sharing.PARTNERSHIP,
        ),
        handover=actions.handover_start(
            by=None, leaver=w.cora, organisation=w.core_org, reason=HandoverReason.LEFT
        ),
    )


def reflection_urls(w: SimpleNamespace) -> dict[str, str]:
    """One URL per page of reflective practice and handover, for the access matrix."""
    from django.urls import reverse

    r = reflecting_world(w)
    learning_set = actions.learning_set_create(
        by=w.lena,
        partnership=w.partnership,
        organisation=w.lead_org,
        name="Front door set",
        confidentiality="What is said here stays here.",
    )
    p = w.partnership.pk
    return {
        "reflective_practice": reverse("reflective_practice", args=[p]),
        "reflection_new": reverse("reflection_new", args=[p]),
        "learning_set_new": reverse("learning_set_new", args=[p]),
        "reflection": reverse("reflection", args=[r.reflection.pk]),
        "learning_set": reverse("learning_set", args=[learning_set.pk]),
        "handover": reverse("handover", args=[r.handover.pk]),
    }
