"""A partnership's register of data-sharing protocols, the terms of each version, and the
timings that chase an unanswered referral. Members and programme officers read them; the
lead's admins and managers set them. Sign-off is the agreements lifecycle's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.access import get_for
from joinedup.agreements.models import AgreementKind, AgreementVersion, VersionStatus
from joinedup.forms import act
from joinedup.http import AuthedRequest
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.referrals import actions
from joinedup.referrals.forms import TermsForm, TimingsForm, field_label
from joinedup.referrals.models import FIELDS, Protocol, Purpose, Timings

INVALID = 422
VIEW = "partnerships.view_partnership"
MANAGE = "partnerships.change_partnership"


def _partnership(request: AuthedRequest, pk: int) -> Partnership:
    perm = MANAGE if request.method == "POST" else VIEW
    return get_for(request.user, Partnership, perm=perm, pk=pk)


@require_GET
@login_required
def protocols(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    versions = (
        AgreementVersion.objects.filter(
            agreement__partnership=partnership, agreement__kind=AgreementKind.DATA_SHARING
        )
        .select_related("agreement", "protocol")
        .prefetch_related("signoffs__organisation", "signoffs__signed_by")
        .order_by("agreement__title", "agreement_id", "-number")
    )
    return render(
        request,
        "referrals/protocols.html",
        {
            "partnership": partnership,
            "versions": versions,
            "timings": Timings.objects.filter(partnership=partnership).first() or Timings(),
            "manages": request.user.has_perm(MANAGE, partnership),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def protocol_terms(request: AuthedRequest, pk: int, version_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    version = (
        AgreementVersion.objects.select_related("agreement")
        .filter(
            pk=version_pk,
            agreement__partnership=partnership,
            agreement__kind=AgreementKind.DATA_SHARING,
        )
        .first()
    )
    if version is None:
        raise Http404
    protocol = (
        Protocol.objects.filter(version=version).prefetch_related("flows__recipients").first()
    )
    manages = request.user.has_perm(MANAGE, partnership)
    editable = manages and version.status in (VersionStatus.DRAFT, VersionStatus.COMMENT)
    members = Organisation.objects.filter(
        pk__in=partnership.memberships.current().values("organisation_id")
    ).order_by("name")
    form = None
    if editable or request.method == "POST":
        form = TermsForm(
            request.POST or None, members=members, initial=TermsForm.initial_for(protocol)
        )
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        done = act(
            form,
            actions.protocol_set,
            rename={field: f"{field}-purposes" for field in FIELDS},
            version=version,
            by=request.user,
            lawful_basis=data["lawful_basis"],
            retention_days=data["retention_days"],
            security=data["security"],
            flows=form.flows(),
        )
        if done is not None:
            messages.success(request, "The data-sharing terms are saved.")
            return redirect("protocol_terms", pk=partnership.pk, version_pk=version.pk)
    flows = []
    if protocol is not None:
        purposes = dict(Purpose.choices)
        for flow in protocol.flows.all():
            flows.append(
                {
                    "label": field_label(flow.field),
                    "purposes": [purposes.get(p, p) for p in flow.purposes],
                    "recipients": [o.name for o in flow.recipients.all()],
                }
            )
    return render(
        request,
        "referrals/protocol_terms.html",
        {
            "partnership": partnership,
            "version": version,
            "protocol": protocol,
            "flows": flows,
            "form": form,
            "not_shared": [
                field_label(f)
                for f in FIELDS
                if protocol is None or f not in {flow.field for flow in protocol.flows.all()}
            ],
        },
        status=INVALID if form is not None and form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def timings(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    current = Timings.objects.filter(partnership=partnership).first() or Timings()
    manages = request.user.has_perm(MANAGE, partnership)
    form = TimingsForm(
        request.POST or None,
        initial={
            "remind_after": current.remind_after,
            "escalate_after": current.escalate_after,
            "expire_after": current.expire_after,
        },
    )
    if request.method == "POST" and form.is_valid():
        done = act(
            form, actions.timings_set, partnership=partnership, by=request.user, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, "Saved.")
            return redirect("protocols", pk=partnership.pk)
    return render(
        request,
        "referrals/timings.html",
        {
            "partnership": partnership,
            "timings": current,
            "form": form if manages else None,
        },
        status=INVALID if form.is_bound else 200,
    )
