"""Showing health figures: one decimal, rounded half up, as the bands are decided."""

from __future__ import annotations

from fractions import Fraction

from django import template

from joinedup.health import evidence_tables
from joinedup.health.scoring import Band, one_place

register = template.Library()


@register.filter
def score(value: Fraction | None) -> str:
    # A missing variable reaches a filter as "".
    return "—" if value is None or value == "" else str(one_place(Fraction(value)))


@register.filter
def change(value: Fraction | None) -> str:
    """A change between rounds, signed: +0.5, -1.2, 0.0."""
    if value is None or value == "":
        return "—"
    shown = one_place(abs(Fraction(value)))
    sign = "" if shown == 0 else ("+" if value > 0 else "-")
    return f"{sign}{shown}"


@register.filter
def percent(value: Fraction | None) -> str:
    return "—" if value is None or value == "" else f"{round(float(value) * 100)}%"


@register.filter
def band_label(band: str | None) -> str:
    return Band.LABELS.get(band or "", "No answers")


@register.filter
def band_name(band: str | None) -> str:
    return {Band.STRENGTH: "Strength", Band.BORDERLINE: "Borderline", Band.CONCERN: "Concern"}.get(
        band or "", "No answers"
    )


@register.filter
def get(mapping: dict, key: object) -> object:
    return mapping.get(key)


@register.filter
def org(view: object, pk: int) -> str:
    """The name of member `pk` on the ratings page."""
    return str(view.organisation(pk).name)  # type: ignore[attr-defined]


# The evidence pages' long tables, made in Python (`health.evidence_tables`).
register.filter("reciprocity_rows", evidence_tables.reciprocity_rows)
register.filter("member_rows", evidence_tables.member_rows)
register.filter("organisation_rows", evidence_tables.organisation_rows)
