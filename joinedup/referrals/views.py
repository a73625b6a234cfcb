"""Pages for the people an organisation supports and their consents, and the referrals home:
check access, validate, act, respond. Every page that shows a person's data writes the access
log. Making a referral is in `views_refer`, a referral's pages in `views_referral`, the
protocols' in `views_protocols`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.timesince import timesince
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.access import acting_for, get_for, may
from joinedup.confirm import confirm_page
from joinedup.forms import act, merging
from joinedup.http import AuthedRequest
from joinedup.lib.needs import NEEDS
from joinedup.partnerships.models import Membership, Organisation
from joinedup.referrals import actions
from joinedup.referrals.forms import ConsentForm, NewPersonForm, PersonForm, field_label
from joinedup.referrals.models import (
    FIELDS,
    AccessKind,
    Consent,
    Message,
    Person,
    Purpose,
    Referral,
    Status,
)
from joinedup.referrals.privacy import log_access, log_listed
from joinedup.referrals.views_protocols import protocol_terms, protocols, timings
from joinedup.referrals.views_refer import refer_someone, referral_new
from joinedup.referrals.views_referral import (
    referral_detail,
    referral_message,
    referral_pass_on,
    referral_step,
)
from joinedup.referrals.wording import consent_summary, shown
from joinedup.versions import Stale

__all__ = [
    "consent_detail",
    "consent_new",
    "consent_withdraw",
    "person_detail",
    "person_edit",
    "person_new",
    "protocol_terms",
    "protocols",
    "refer_someone",
    "referral_detail",
    "referral_message",
    "referral_new",
    "referral_pass_on",
    "referral_step",
    "referrals_home",
    "timings",
]

INVALID = 422
CONFLICT = 409
SHOWN = 50  # referrals and people listed on the home page, the latest first

WAITING_FOR = {
    Status.DRAFT: ("from_org", "to send it"),
    Status.SENT: ("to_org", "to accept or decline"),
    Status.SEEN: ("to_org", "to accept or decline"),
    Status.ACCEPTED: ("to_org", "to start the support"),
    Status.IN_PROGRESS: ("to_org", "to say how it went"),
}


def waiting_on(referral: Referral) -> str:
    """Who the referral waits on now, in words ("" once it has ended)."""
    if referral.status not in WAITING_FOR:
        return ""
    if getattr(referral, "asked", False) and referral.asked_by == referral.to_org_id:  # type: ignore[attr-defined]
        return f"{referral.from_org}, for more information"
    side, what = WAITING_FOR[Status(referral.status)]
    return f"{getattr(referral, side)}, {what}"


def _person(request: AuthedRequest, pk: int, perm: str = "referrals.view_person") -> Person:
    return get_for(request.user, Person.objects.select_related("organisation"), perm=perm, pk=pk)


def _looked_at(request: AuthedRequest, person: Person, record: str, purpose: str) -> None:
    log_access(by=request.user, kind=AccessKind.VIEW, person=person, record=record, purpose=purpose)


def recipients_for(person: Person) -> QuerySet[Organisation]:
    """Who a person may agree to share with: the other current members of every partnership
    the organisation holding the record is in."""
    partnerships = (
        Membership.objects.current()
        .filter(organisation_id=person.organisation_id)
        .values("partnership_id")
    )
    members = Membership.objects.current().filter(partnership_id__in=partnerships)
    return (
        Organisation.objects.filter(pk__in=members.values("organisation_id"))
        .exclude(pk=person.organisation_id)
        .order_by("name")
    )


@require_GET
@login_required
def referrals_home(request: AuthedRequest) -> HttpResponse:
    mine = acting_for(request.user)
    last = Message.objects.filter(referral=OuterRef("pk")).order_by("-at", "-pk")
    listed = Referral.objects.select_related("from_org", "to_org", "service", "person").annotate(
        asked=Subquery(last.values("asks_for_info")[:1]),
        asked_by=Subquery(last.values("organisation_id")[:1]),
    )
    sent = list(listed.filter(from_org_id__in=mine)[:SHOWN])
    received = list(listed.filter(to_org_id__in=mine).exclude(status=Status.DRAFT)[:SHOWN])
    for referral in (*sent, *received):
        referral.waiting = waiting_on(referral)  # type: ignore[attr-defined]
        referral.age = timesince(referral.sent_at or referral.created_at)  # type: ignore[attr-defined]
        # A name only for the staff of the organisation holding the record.
        referral.holder_sees = referral.person.organisation_id in mine  # type: ignore[attr-defined]
        referral.need_label = NEEDS.get(referral.need, referral.need)  # type: ignore[attr-defined]
    people = list(
        Person.objects.filter(organisation_id__in=mine, erased_at__isnull=True).select_related(
            "organisation"
        )[:SHOWN]
    )
    shown = (*sent, *received)
    named = [*people, *(r.person for r in shown if r.holder_sees and not r.person.erased_at)]  # type: ignore[attr-defined]
    log_listed(by=request.user, people=named, purpose="Listed by name on the referrals page")
    return render(
        request,
        "referrals/home.html",
        {
            "sent": sent,
            "received": received,
            "people": people,
            "acting": bool(mine),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_new(request: AuthedRequest) -> HttpResponse:
    acting = Organisation.objects.filter(pk__in=acting_for(request.user)).order_by("name")
    if not acting.exists():
        raise PermissionDenied
    form = NewPersonForm(request.POST or None, acting=acting)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        organisation = values.pop("organisation")
        person = act(
            form, actions.person_create, organisation=organisation, by=request.user, **values
        )
        if person is not None:
            messages.success(request, "Recorded. Next, record their consent to share.")
            return redirect(person)
    return render(
        request,
        "referrals/person_form.html",
        {"form": form, "title": "A person you support", "submit": "Save"},
        status=INVALID if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, "referrals.change_person")
    if person.erased_at is not None:
        messages.error(request, "This person's data has been erased.")
        return redirect(person)
    form = PersonForm(request.POST or None, initial={**_record(person), "version": person.version})
    status = INVALID if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        form.take_theirs(_record(person))
        changed = {
            field: form.cleaned_data[field] for field in form.changed_data if field in FIELDS
        }
        try:
            done = act(
                form,
                actions.person_update,
                person=person,
                by=request.user,
                based_on=form.based_on(),
                **changed,
            )
        except Stale as stale:
            # Someone saved the record since this form was filled in: theirs and yours, to merge.
            form = merging(form, current=stale.current, theirs=_record(stale.obj), make=PersonForm)
            done, status = None, CONFLICT
        if done is not None:
            messages.success(request, "Saved." if changed else "Nothing changed.")
            return redirect(person)
    if request.method == "GET":
        _looked_at(request, person, str(person), "Opened the record to edit it")
    return render(
        request,
        "referrals/person_form.html",
        {"form": form, "person": person, "title": f"Edit {person.name}", "submit": "Save"},
        status=status,
    )


def _record(person: Person) -> dict[str, Any]:
    return {field: getattr(person, field) for field in FIELDS}


@require_GET
@login_required
def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    _looked_at(request, person, str(person), "Opened the person's record")
    mine = acting_for(request.user)
    consents = list(person.consents.prefetch_related("recipients"))
    referrals = (
        person.referrals.filter(Q(from_org_id__in=mine) | Q(to_org_id__in=mine))
        .exclude(Q(status=Status.DRAFT) & ~Q(from_org_id__in=mine))
        .select_related("from_org", "to_org", "service")
    )
    record = [
        (field_label(field), shown(person, field)) for field in FIELDS if field not in ("name",)
    ]
    return render(
        request,
        "referrals/person.html",
        {
            "person": person,
            "record": record,
            "consents": consents,
            "standing": [c for c in consents if c.stands()],
            "referrals": referrals,
            "may_erase": may(request.user, "referrals.erase_person", person),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def consent_new(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, "referrals.change_person")
    form = ConsentForm(request.POST or None, recipients=recipients_for(person))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        consent = act(
            form,
            actions.consent_record,
            rename={"fields": "categories"},
            person=person,
            by=request.user,
            method=data["method"],
            given_by=data["given_by"],
            purposes=data["purposes"],
            fields=data["categories"],
            recipients=data["recipients"],
            expires_on=data["expires_on"],
        )
        if consent is not None:
            messages.success(request, "Consent recorded. Read it back to them, or print it.")
            return redirect(consent)
    if request.method == "GET":
        _looked_at(request, person, str(person), "Recording their consent")
    return render(
        request,
        "referrals/consent_form.html",
        {"form": form, "person": person},
        status=INVALID if form.is_bound else 200,
    )


def _consent(request: AuthedRequest, pk: int, consent_pk: int, perm: str) -> Consent:
    return get_for(
        request.user,
        Consent.objects.select_related("person__organisation", "recorded_by", "withdrawn_by"),
        perm=perm,
        pk=consent_pk,
        person_id=pk,
    )


@require_GET
@login_required
def consent_detail(request: AuthedRequest, pk: int, consent_pk: int) -> HttpResponse:
    consent = _consent(request, pk, consent_pk, "referrals.view_consent")
    person = consent.person
    _looked_at(request, person, str(consent), "Read the consent")
    return render(
        request,
        "referrals/consent.html",
        {
            "consent": consent,
            "person": person,
            "summary": consent_summary(consent) if person.erased_at is None else [],
            "fields": [field_label(f) for f in FIELDS if f in consent.fields],
            "purposes": [Purpose(p).label for p in consent.purposes],
            "referrals": consent.referrals.select_related("to_org").filter(
                from_org_id__in=acting_for(request.user)
            ),
            "may_withdraw": may(request.user, "referrals.change_consent", consent),
            "may_refer": person.erased_at is None
            and consent.stands()
            and may(request.user, "referrals.change_person", person),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def consent_withdraw(request: AuthedRequest, pk: int, consent_pk: int) -> HttpResponse:
    """GET asks (withdrawing cannot be undone: a new consent is recorded instead); POST
    withdraws."""
    consent = _consent(request, pk, consent_pk, "referrals.change_consent")
    if request.method == "GET":
        if consent.withdrawn_at is not None:
            return redirect(consent)
        return confirm_page(
            request,
            title=f"Withdraw the consent {consent.person} gave?",
            happens=[
                "Nothing more is shared under it from now. Open referrals made under it are "
                "withdrawn, and the organisations they went to no longer see the person's "
                "details; that the referrals happened stays, without their details.",
                "If the person agrees again later, record a new consent.",
            ],
            button="Withdraw this consent",
            back=consent.get_absolute_url(),
        )
    actions.consent_withdraw(consent=consent, by=request.user)
    messages.success(
        request,
        "Consent withdrawn. Nothing more is shared under it, and the organisations it was "
        "shared with no longer see the person's details.",
    )
    return redirect(consent)
