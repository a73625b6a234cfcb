"""Referring someone, in two steps: choose services, then confirm what is shared with whom.

The form opens with the person, their latest standing consent, the protocol in force and their
recorded needs already chosen (a link from a consent or a service's page brings that consent
or service with it); the finder lists only the services the consent and protocol allow and
counts the others by reason (`finder`). The confirm step ticks what the consent and the
protocol allow, except special category data, which the worker ticks only when the service
needs it; each field says which of the chosen organisations will get it.

Every query value goes through a form: a bad one is named on the page (422), never a 500."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.access import acting_for, get_for
from joinedup.directory.models import Service
from joinedup.directory.queries import services_visible_to
from joinedup.directory.search import Criteria
from joinedup.forms import act
from joinedup.http import AuthedRequest
from joinedup.partnerships.models import Organisation
from joinedup.referrals import actions
from joinedup.referrals.finder import (
    LeftOut,
    Receivers,
    need_terms,
    protocols_for,
    search,
    services_for,
    standing_consents,
)
from joinedup.referrals.forms import (
    ChooseForm,
    FindServiceForm,
    PickPersonForm,
    ReferralForm,
)
from joinedup.referrals.models import (
    FIELDS,
    SPECIAL_CATEGORY,
    AccessKind,
    Consent,
    Person,
    Protocol,
)
from joinedup.referrals.privacy import log_access, log_listed
from joinedup.referrals.sharing import offers

INVALID = 422
RENAME = {"services": "service", "fields": "share"}
LONG_LIST = 5  # more services listed than this, and a skip link leads past them
PEOPLE_SHOWN = 50


def _with_defaults(
    query: QueryDict, person: Person, consents: list[Consent], protocols: list[Protocol]
) -> tuple[QueryDict, QueryDict]:
    """The chooser's and the finder's data: what the query says, else the latest standing
    consent, the protocol in force, a referral, and a search by the person's needs."""
    chosen = query.copy()
    if not chosen.get("consent") and consents:
        chosen["consent"] = str(consents[0].pk)
    if not chosen.get("protocol") and protocols:
        chosen["protocol"] = str(protocols[0].pk)
    chosen.setdefault("purpose", "referral")
    finding = query.copy()
    if "words" not in query:  # not searched yet: the person's needs
        finding.setlist("needs", [str(term.pk) for term in need_terms(person.needs)])
    return chosen, finding


def share_rows(receivers: Receivers, services: list[Service]) -> list[dict[str, Any]]:
    """Per field: which chosen organisations may have it, and why each other may not."""
    owners: dict[int, Organisation] = {}
    for service in services:
        owner = service.organization.organisation
        if owner is not None:  # services_for lists only members' services: never None
            owners.setdefault(owner.pk, owner)
    per_org = [
        (
            org,
            offers(
                protocol=receivers.protocol,
                consent=receivers.consent,
                person=receivers.person,
                to_org=org,
                purpose=receivers.purpose,
            ),
        )
        for org in sorted(owners.values(), key=lambda o: o.name)
    ]
    rows = []
    for i, field in enumerate(FIELDS):
        answers = [(org, found[i]) for org, found in per_org]
        to = [str(org) for org, offer in answers if offer.allowed]
        not_to = [(str(org), offer.why_not) for org, offer in answers if not offer.allowed]
        rows.append(
            {
                "field": field,
                "label": FIELDS[field],
                "special": field in SPECIAL_CATEGORY,
                "allowed": bool(to),
                "to": to,
                "not_to": not_to,
                "reasons": list(dict.fromkeys(why for _, why in not_to)),
            }
        )
    return rows


def default_ticks(rows: list[dict[str, Any]]) -> list[str]:
    """What the consent and protocol allow, but not special category data: that is ticked
    on purpose, when the service needs it."""
    return [row["field"] for row in rows if row["allowed"] and not row["special"]]


def _setting(request: AuthedRequest, person: Person) -> dict[str, Any]:
    protocols = protocols_for(person.organisation_id)
    protocol_list = list(protocols)
    services = services_for(
        request.user,
        person.organisation_id,
        [p.version.agreement.partnership_id for p in protocol_list],
    ).select_related("organization__organisation")
    consents = standing_consents(person)
    return {
        "querysets": {"services": services, "consents": consents, "protocols": protocols},
        "consents": list(consents),
        "protocols": protocol_list,
    }


@require_http_methods(["GET", "POST"])
@login_required
def referral_new(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_for(
        request.user,
        Person.objects.select_related("organisation"),
        perm="referrals.change_person",
        pk=pk,
    )
    if person.erased_at is not None:
        messages.error(request, "This person's data has been erased.")
        return redirect(person)
    setting = _setting(request, person)
    if not (setting["consents"] and setting["protocols"]):
        return render(request, "referrals/refer_services.html", {"person": person, **setting})
    if request.method == "POST":
        return _send(request, person, setting)
    chosen_data, finder_data = _with_defaults(
        request.GET, person, setting["consents"], setting["protocols"]
    )
    chooser = ChooseForm(chosen_data, person=person, **setting["querysets"])
    if "confirm" in request.GET and _ready(chooser):
        return _confirm_step(request, person, chooser, setting)
    return _choose_step(request, person, chooser, FindServiceForm(finder_data), setting)


def _ready(chooser: ChooseForm) -> bool:
    """Whether the services chosen can go on to the confirm step; if none is, it says so."""
    if not chooser.is_valid():
        return False
    if not chooser.cleaned_data["service"]:
        chooser.add_error("service", "Choose one or more services.")
        return False
    return True


def _confirm_step(
    request: AuthedRequest, person: Person, chooser: ChooseForm, setting: dict[str, Any]
) -> HttpResponse:
    log_access(
        by=request.user,
        kind=AccessKind.VIEW,
        person=person,
        record=str(person),
        purpose="Confirming what to share in a referral",
    )
    under = chooser.cleaned_data
    chosen = list(under["service"])
    form = ReferralForm(
        initial={k: under[k] for k in ("consent", "protocol", "purpose")},
        person_needs=person.needs,
        chosen=chosen,
        person=person,
        **setting["querysets"],
    )
    return _confirm(request, person, form, chooser.receivers, chosen, ticked=None)


def _choose_step(
    request: AuthedRequest,
    person: Person,
    chooser: ChooseForm,
    finder: FindServiceForm,
    setting: dict[str, Any],
) -> HttpResponse:
    log_access(
        by=request.user,
        kind=AccessKind.VIEW,
        person=person,
        record=str(person),
        purpose="Choosing services to refer them to",
    )
    chooser_ok, finder_ok = chooser.is_valid(), finder.is_valid()
    chosen = list(chooser.cleaned_data.get("service") or [])
    found: list[Service] = []
    left_out: list[LeftOut] = []
    looked = finder.cleaned_data
    if chooser_ok and finder_ok and chooser.receivers is not None:
        criteria = Criteria(
            needs=tuple(term.pk for term in looked["needs"]),
            words=looked["words"],
            area=looked["area"],
        )
        found, left_out = search(
            user=request.user,
            services=setting["querysets"]["services"],
            criteria=criteria,
            receivers=chooser.receivers,
        )
        found = [s for s in found if s not in chosen]
    searched_for = [term.name for term in looked.get("needs") or []]
    searched_for += [w for w in (looked.get("words"), looked.get("area")) if w]
    return render(
        request,
        "referrals/refer_services.html",
        {
            "person": person,
            **setting,
            "chooser": chooser,
            "finder": finder,
            "chosen": chosen,
            "found": found,
            "left_out": [str(item) for item in left_out],
            "searched_for": searched_for,
            "listed": len(found) + len(chosen),
            "long_list": len(found) + len(chosen) > LONG_LIST,
            "receivers": chooser.receivers if chooser_ok else None,
        },
        status=200 if chooser_ok and finder_ok else INVALID,
    )


def _confirm(
    request: AuthedRequest,
    person: Person,
    form: ReferralForm,
    receivers: Receivers | None,
    chosen: list[Service],
    *,
    ticked: list[str] | None,
    status: int = 200,
) -> HttpResponse:
    rows = share_rows(receivers, chosen) if receivers is not None else []
    back = request.GET.copy()
    back.pop("confirm", None)
    return render(
        request,
        "referrals/refer_confirm.html",
        {
            "person": person,
            "form": form,
            "chosen": chosen,
            "to": list(zip(form.chosen, form.need_fields(), strict=True)),
            "receivers": receivers,
            "offered": [row for row in rows if row["allowed"]],
            "not_offered": [row for row in rows if not row["allowed"]],
            "ticked": default_ticks(rows) if ticked is None else ticked,
            "back": reverse("referral_new", args=[person.pk]) + "?" + back.urlencode(),
            "query": request.GET.urlencode(),
        },
        status=status,
    )


def _send(request: AuthedRequest, person: Person, setting: dict[str, Any]) -> HttpResponse:
    form = ReferralForm(
        request.POST, person_needs=person.needs, person=person, **setting["querysets"]
    )
    if form.is_valid():
        data = form.cleaned_data
        sent = act(
            form,
            actions.referral_net,
            rename=RENAME,
            person=person,
            consent=data["consent"],
            protocol=data["protocol"],
            by=request.user,
            from_org=person.organisation,
            services=form.needs(),
            fields=data["share"],
            purpose=data["purpose"],
            summary=data["summary"],
            send="draft" not in request.POST,
        )
        if sent is not None:
            what = "Saved as a draft" if "draft" in request.POST else "Sent"
            to = " and ".join(f"{r.to_org} ({r.service})" for r in sent)
            messages.success(
                request, f"{what}: {len(sent)} referral{'s' * (len(sent) > 1)}, to {to}."
            )
            return redirect(sent[0] if len(sent) == 1 else person)
    chosen = form.chosen
    return _confirm(
        request,
        person,
        form,
        form.receivers,
        chosen,
        ticked=request.POST.getlist("share"),
        status=INVALID,
    )


@require_GET
@login_required
def refer_someone(request: AuthedRequest) -> HttpResponse:
    """Whom to refer: the people of the worker's organisations with a standing consent (one
    that covers the service's organisation, when a service's page sent them here)."""
    mine = acting_for(request.user)
    if not mine:
        raise PermissionDenied
    form = PickPersonForm(
        request.GET or None,
        services=services_visible_to(request.user).select_related("organization__organisation"),
    )
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    service: Service | None = data.get("service")
    to_org = service.organization.organisation if service is not None else None
    people = Person.objects.filter(organisation_id__in=mine, erased_at__isnull=True)
    if data.get("name"):
        people = people.filter(name__icontains=data["name"])
    standing = Consent.objects.filter(
        withdrawn_at__isnull=True, expires_on__gte=timezone.localdate()
    )
    if to_org is not None:
        standing = standing.filter(recipients=to_org)
    covered = people.filter(pk__in=standing.values("person_id"))
    shown = list(
        covered.select_related("organisation").prefetch_related(
            Prefetch(
                "consents", queryset=standing.order_by("-recorded_at", "-pk"), to_attr="covering"
            )
        )[: PEOPLE_SHOWN + 1]
    )
    rows = []
    for person in shown[:PEOPLE_SHOWN]:
        query: dict[str, Any] = {"consent": person.covering[0].pk}  # type: ignore[attr-defined]
        if service is not None:
            query["service"] = service.pk
        rows.append((person, reverse("referral_new", args=[person.pk]) + "?" + urlencode(query)))
    log_listed(
        by=request.user,
        people=[person for person, _ in rows],
        purpose="Listed by name to choose whom to refer",
    )
    return render(
        request,
        "referrals/refer_someone.html",
        {
            "form": form,
            "service": service,
            "to_org": to_org,
            "rows": rows,
            "more": len(shown) > PEOPLE_SHOWN,
            "without": people.exclude(pk__in=standing.values("person_id")).count(),
        },
        status=200 if valid else INVALID,
    )
