"""Registering an organisation: the duplicate check a person sees first, and the write.

`organisation_register` is the one entry point for "someone signs in and registers their
organisation"; whoever registers it becomes its first admin, the only way anyone gains a role
in an organisation that has no admin yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from django.core.exceptions import ValidationError

from joinedup.actions import action
from joinedup.organisations.actions import organisation_first_admin
from joinedup.partnerships.actions import organisation_create
from joinedup.partnerships.models import Organisation

# Words so common in organisations' names that two names differing only in them are the same.
_FILLER = {
    "the", "and", "of", "ltd", "limited", "cic", "cio", "charity", "trust", "uk", "group",
}  # fmt: skip
SIMILAR = 0.85  # SequenceMatcher ratio of the cleaned names at which we ask "is it this one?"
MOST_SHOWN = 5


@dataclass(frozen=True)
class Duplicate:
    organisation: Organisation
    why: str  # "charity_number", "company_number" or "name": the field that matched


def _clean_name(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", name.lower().replace("&", " and "))
    return " ".join(w for w in words if w not in _FILLER)


def _shortened(a: str, b: str) -> bool:
    """Whether one cleaned name is the other cut short, as people write it ("Wyre Forest
    Nightstop" for "Wyre Forest Nightstop and Mediation Scheme"): the first words, at least two
    and at least half of them. A similarity ratio misses these, the length differing so."""
    short, long = sorted((a.split(), b.split()), key=len)
    return len(short) >= 2 and 2 * len(short) >= len(long) and long[: len(short)] == short


def likely_duplicates(
    *, name: str, charity_number: str | None = None, company_number: str | None = None
) -> list[Duplicate]:
    """Organisations already in Joined Up that may be the one being registered: the same
    charity or company number, or a very similar name. Only their names are shown to the person
    registering, which the public registers would tell them anyway."""
    found: dict[int, Duplicate] = {}
    for field, number in (("charity_number", charity_number), ("company_number", company_number)):
        if number:
            for org in Organisation.objects.filter(**{field: number.strip().upper()}):
                found.setdefault(org.pk, Duplicate(org, field))
    wanted = _clean_name(name)
    words = sorted(wanted.split(), key=len, reverse=True)
    if words:
        for org in Organisation.objects.filter(name__icontains=words[0])[:200]:
            theirs = _clean_name(org.name)
            ratio = SequenceMatcher(None, wanted, theirs).ratio()
            if ratio >= SIMILAR or _shortened(wanted, theirs):
                found.setdefault(org.pk, Duplicate(org, "name"))
    return list(found.values())[:MOST_SHOWN]


NAME_TAKEN = (
    "{organisation} is in Joined Up already: ask its admins to add you. A new organisation "
    "needs a name of its own (add the place, say), so that nobody takes one for the other."
)


def same_name(name: str) -> Organisation | None:
    """The organisation already called `name`, but for case and spacing. A second one would
    be a look-alike: its first admin would be taken for the real one's by partners and leads
    (a similar name is only questioned, `likely_duplicates`; the very same one is refused)."""
    return Organisation.objects.filter(name__iexact=" ".join(name.split())).first()


@action
def organisation_register(*, by: Any, name: str, sector: str, **fields: Any) -> Organisation:
    """A new organisation, registered by `by`, who becomes its first admin."""
    taken = same_name(name)
    if taken is not None:
        raise ValidationError({"name": NAME_TAKEN.format(organisation=taken)})
    organisation = organisation_create(by=by, name=name, sector=sector, **fields)
    organisation_first_admin(organisation=organisation, user=by, by=by)
    return organisation
