"""Who may see and do what: the one helper every view and API endpoint opens with.

`get_for(user, queryset, perm=..., pk=...)` fetches an object the way every page and endpoint
does: **404** when the object does not exist *or* the user may not see it (so existence does not
leak), **403** when the user may see it but not do `perm`. What a user may see is defined once,
in the `rules` predicates below; list pages and API lists use the `*_visible_to` querysets, and
tests hold the two to the same answer.

Who sees what:
- staff of a current member organisation see the partnership; **wider** partners see its goal,
  outcomes and members, **lead and core** partners also see contacts, levels, funding and the
  membership history;
- programme officers see, read-only, every partnership of their programme, as a core partner does;
- admins and managers of the lead organisation manage the partnership and read its audit log;
- a superuser administers everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import rules
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from joinedup.partnerships.models import (
    ACTING_ORG_ROLES,
    MANAGING_ORG_ROLES,
    Affiliation,
    MemberRole,
    Membership,
    Organisation,
    Partnership,
)
from joinedup.programmes.models import Programme

M = TypeVar("M", bound=models.Model)

_RANK: dict[str, int] = {MemberRole.WIDER: 1, MemberRole.CORE: 2, MemberRole.LEAD: 3}


def get_for(user: Any, queryset: QuerySet[M] | type[M], *, perm: str, **lookup: Any) -> M:
    """The object matching `lookup`, if `user` may see it (else 404) and do `perm` (else 403)."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise Http404
    meta = obj._meta
    if not may(user, f"{meta.app_label}.view_{meta.model_name}", obj):
        raise Http404
    if not may(user, perm, obj):
        raise PermissionDenied
    return obj


def may(user: Any, perm: str, obj: models.Model) -> bool:
    """`user.has_perm`, except that for personal data of people being supported (a model with
    `personal_data = True`) being a superuser grants nothing: only the rules decide."""
    if getattr(type(obj), "personal_data", False):
        return user.is_active and rules.has_perm(perm, user, obj)
    return user.has_perm(perm, obj)


def org_roles(user: Any) -> dict[int, str]:
    """{organisation id: the user's role there}, read once per request."""
    if not user.is_authenticated:
        return {}
    if not hasattr(user, "_joinedup_org_roles"):
        user._joinedup_org_roles = dict(
            Affiliation.objects.filter(user=user).values_list("organisation_id", "role")
        )
    return user._joinedup_org_roles


def acting_for(user: Any) -> list[int]:
    """The organisations `user` acts for: is their admin, manager or staff."""
    return [org for org, role in org_roles(user).items() if role in ACTING_ORG_ROLES]


def acts_for(user: Any, organisation_id: int | None) -> bool:
    return organisation_id is not None and org_roles(user).get(organisation_id) in ACTING_ORG_ROLES


def programmes_overseen(user: Any) -> set[int]:
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_joinedup_programmes"):
        user._joinedup_programmes = set(
            Programme.officers.through.objects.filter(user_id=user.pk).values_list(
                "programme_id", flat=True
            )
        )
    return user._joinedup_programmes


@dataclass(frozen=True)
class Standing:
    """Where a user stands in one partnership."""

    member_role: str | None  # the highest role of the user's organisations among current members
    manages: bool  # admin or manager of the current lead organisation
    officer: bool  # officer of the partnership's programme

    @property
    def can_view(self) -> bool:
        return self.member_role is not None or self.officer

    @property
    def can_view_core(self) -> bool:
        return self.member_role in (MemberRole.LEAD, MemberRole.CORE) or self.officer


def standing(user: Any, partnership: Partnership) -> Standing:
    """Where `user` stands in `partnership`, read once per request."""
    return standings(user, [partnership])[partnership.pk]


def standings(user: Any, partnerships: list[Partnership]) -> dict[int, Standing]:
    """`standing` for many partnerships in one query, kept where `standing` looks for it, so
    that a page listing things from many partnerships checks each one without a query more."""
    # Through getattr and setattr, not __dict__: a view's `request.user` is a lazy wrapper,
    # and the rules see the user inside it; both must find the same cache.
    cache: dict[int, Standing] | None = getattr(user, "_joinedup_standing", None)
    if cache is None:
        cache = user._joinedup_standing = {}
    wanted = [p for p in partnerships if p.pk not in cache]
    if wanted:
        roles = org_roles(user)
        rows: dict[int, list[tuple[int, str]]] = {p.pk: [] for p in wanted}
        for partnership_id, org_id, role in (
            Membership.objects.current()
            .filter(partnership_id__in=list(rows), organisation_id__in=list(roles))
            .values_list("partnership_id", "organisation_id", "role")
        ):
            rows[partnership_id].append((org_id, role))
        overseen = programmes_overseen(user)
        for p in wanted:
            mine = rows[p.pk]
            cache[p.pk] = Standing(
                max((role for _, role in mine), key=_RANK.__getitem__, default=None),
                any(
                    role == MemberRole.LEAD and roles[org_id] in MANAGING_ORG_ROLES
                    for org_id, role in mine
                ),
                p.programme_id in overseen,
            )
    return {p.pk: cache[p.pk] for p in partnerships}


def partnerships_visible_to(user: Any, *, core: bool = False) -> QuerySet[Partnership]:
    """The partnerships `user` sees; with `core`, only those they see as a lead or core partner
    or programme officer does (with contacts, funding and the membership history)."""
    if user.is_superuser:
        return Partnership.objects.all()
    if not user.is_authenticated:
        return Partnership.objects.none()
    member_of = Membership.objects.current().filter(organisation_id__in=list(org_roles(user)))
    if core:
        member_of = member_of.filter(role__in=[MemberRole.LEAD, MemberRole.CORE])
    return Partnership.objects.filter(
        Q(pk__in=member_of.values("partnership_id")) | Q(programme_id__in=programmes_overseen(user))
    )


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    """Your own organisations, those you added, the current members of every partnership you
    see, and its former members where you see its history."""
    if user.is_superuser:
        return Organisation.objects.all()
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(pk__in=list(org_roles(user)))
        | Q(added_by=user)
        | Q(pk__in=memberships_visible_to(user).values("organisation_id"))
    )


def memberships_visible_to(user: Any) -> QuerySet[Membership]:
    """Current memberships of the partnerships you see; past ones where you see the history."""
    return Membership.objects.filter(
        Q(left_on__isnull=True, partnership__in=partnerships_visible_to(user))
        | Q(partnership__in=partnerships_visible_to(user, core=True))
    )


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    if user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(
        Q(pk__in=programmes_overseen(user))
        | Q(pk__in=partnerships_visible_to(user).values("programme_id"))
        | Q(evaluators__user_id=user.pk)  # its evaluators (joinedup.learning) see its page
    ).distinct()


@rules.predicate
def can_view_partnership(user: Any, partnership: Partnership) -> bool:
    return standing(user, partnership).can_view


@rules.predicate
def can_view_partnership_core(user: Any, partnership: Partnership) -> bool:
    return standing(user, partnership).can_view_core


@rules.predicate
def manages_partnership(user: Any, partnership: Partnership) -> bool:
    return standing(user, partnership).manages


@rules.predicate
def can_view_organisation(user: Any, organisation: Organisation) -> bool:
    return organisations_visible_to(user).filter(pk=organisation.pk).exists()


@rules.predicate
def manages_organisation(user: Any, organisation: Organisation) -> bool:
    return org_roles(user).get(organisation.pk) in MANAGING_ORG_ROLES


@rules.predicate
def oversees_programme(user: Any, programme: Programme) -> bool:
    return programme.pk in programmes_overseen(user)


@rules.predicate
def can_view_programme(user: Any, programme: Programme) -> bool:
    return programmes_visible_to(user).filter(pk=programme.pk).exists()


rules.add_perm("partnerships.view_partnership", can_view_partnership)
rules.add_perm("partnerships.view_partnership_core", can_view_partnership_core)
rules.add_perm("partnerships.change_partnership", manages_partnership)
rules.add_perm("partnerships.view_audit", manages_partnership)
rules.add_perm("partnerships.view_organisation", can_view_organisation)
rules.add_perm("partnerships.change_organisation", manages_organisation)
rules.add_perm("programmes.view_programme", can_view_programme)
rules.add_perm("programmes.change_programme", oversees_programme)


@rules.predicate
def can_view_membership(user: Any, membership: Membership) -> bool:
    return standing(user, membership.partnership).can_view


@rules.predicate
def manages_membership(user: Any, membership: Membership) -> bool:
    return standing(user, membership.partnership).manages


rules.add_perm("partnerships.view_membership", can_view_membership)
rules.add_perm("partnerships.change_membership", manages_membership)


# Starting things, and hubs. A hub is seen by whoever sees its programme, and by its
# coordinator; it is run by the programme's officers (and superusers, who may do anything).


@rules.predicate
def manages_an_organisation(user: Any) -> bool:
    return any(role in MANAGING_ORG_ROLES for role in org_roles(user).values())


@rules.predicate
def is_programme_officer(user: Any) -> bool:
    return bool(programmes_overseen(user))


@rules.predicate
def can_view_hub(user: Any, hub: Any) -> bool:
    if user.is_authenticated and hub.coordinator_id == user.pk:
        return True
    seen: dict[int, bool] = user.__dict__.setdefault("_joinedup_programmes_seen", {})
    if hub.programme_id not in seen:
        visible = programmes_visible_to(user).filter(pk=hub.programme_id).exists()
        seen[hub.programme_id] = visible
    return seen[hub.programme_id]


@rules.predicate
def oversees_hub(user: Any, hub: Any) -> bool:
    return hub.programme_id in programmes_overseen(user)


rules.add_perm("partnerships.add_partnership", manages_an_organisation)
rules.add_perm("partnerships.add_organisation", rules.is_authenticated)
rules.add_perm("programmes.add_programme", is_programme_officer)
rules.add_perm("programmes.add_hub", oversees_programme)
rules.add_perm("programmes.view_hub", can_view_hub)
rules.add_perm("programmes.change_hub", oversees_hub)
