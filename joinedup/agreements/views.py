"""Pages for a partnership's agreements: check access, validate, act, respond."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from joinedup.access import get_for, org_roles
from joinedup.agreements import actions, mustdos, queries
from joinedup.agreements.forms import (
    AgreementForm,
    AttestForm,
    CommentForm,
    ConsultForm,
    SectionsForm,
    SignForm,
)
from joinedup.agreements.models import SECTION_TITLES, Agreement, AgreementVersion, VersionStatus
from joinedup.forms import act, merging
from joinedup.http import AuthedRequest
from joinedup.partnerships.models import (
    ACTING_ORG_ROLES,
    MANAGING_ORG_ROLES,
    Organisation,
    Partnership,
)
from joinedup.versions import Stale

INVALID = 422
CONFLICT = 409
VIEW = "agreements.view_agreement"
MANAGE = "agreements.change_agreement"


def _partnership(request: AuthedRequest, pk: int) -> Partnership:
    return get_for(request.user, Partnership, perm="partnerships.view_partnership", pk=pk)


def _agreement(request: AuthedRequest, pk: int, agreement_pk: int, perm: str = VIEW) -> Agreement:
    return get_for(
        request.user,
        Agreement.objects.select_related("partnership", "counterparty"),
        perm=perm,
        pk=agreement_pk,
        partnership_id=pk,
    )


def _version(agreement: Agreement, number: int | None) -> AgreementVersion:
    versions = agreement.versions.all()
    version = versions.filter(number=number).first() if number else versions.first()
    if version is None:
        raise Http404
    version.agreement = agreement
    return version


@require_GET
@login_required
def agreement_list(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    agreements = [
        a
        for a in partnership.agreements.select_related("counterparty").prefetch_related("versions")
        if request.user.has_perm(VIEW, a)
    ]
    return render(
        request,
        "agreements/list.html",
        {
            "partnership": partnership,
            "agreements": agreements,
            "manages": request.user.has_perm("partnerships.change_partnership", partnership),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def agreement_new(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = get_for(request.user, Partnership, perm="partnerships.change_partnership", pk=pk)
    members = Organisation.objects.filter(
        pk__in=partnership.memberships.current().values("organisation_id")
    ).order_by("name")
    form = AgreementForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agreement = act(
            form,
            actions.agreement_create,
            by=request.user,
            partnership=partnership,
            kind=data["kind"],
            title=data["title"],
            counterparty=data["counterparty"],
            sections=form.sections(),
            **form.delegated(),
        )
        if agreement is not None:
            messages.success(
                request, "Draft saved. Send it out for comment or sign-off when ready."
            )
            return redirect(agreement)
    return render(
        request,
        "agreements/edit.html",
        {"partnership": partnership, "form": form, "title": "Draft an agreement"},
        status=INVALID if form.is_bound else 200,
    )


@require_GET
@login_required
def agreement_detail(
    request: AuthedRequest, pk: int, agreement_pk: int, number: int | None = None
) -> HttpResponse:
    agreement = _agreement(request, pk, agreement_pk)
    version = _version(agreement, number)
    return _render_version(request, agreement, version)


def _render_version(
    request: AuthedRequest,
    agreement: Agreement,
    version: AgreementVersion,
    comment_form: CommentForm | None = None,
    sign_form: SignForm | None = None,
    consult_form: ConsultForm | None = None,
    status: int = 200,
) -> HttpResponse:
    parties = actions.parties(version)
    signed = {s.organisation_id: s for s in version.signoffs.select_related("signed_by")}
    roles = org_roles(request.user)
    acting = Organisation.objects.filter(
        pk__in=[p.pk for p in parties if roles.get(p.pk) in ACTING_ORG_ROLES]
    )
    signers = [p for p in parties if roles.get(p.pk) in MANAGING_ORG_ROLES and p.pk not in signed]
    if version.status == VersionStatus.COMMENT and acting.exists():
        comment_form = comment_form or CommentForm(acting=acting)
    if version.status == VersionStatus.SIGNOFF and signers:
        sign_form = sign_form or SignForm(signers=signers)
    manages = request.user.has_perm(MANAGE, agreement)
    if version.status == VersionStatus.IN_FORCE and manages:
        consult_form = consult_form or ConsultForm(parties=parties)
    return render(
        request,
        "agreements/version.html",
        {
            "partnership": agreement.partnership,
            "agreement": agreement,
            "version": version,
            "versions": agreement.versions.all(),
            "comments": version.comments.select_related("organisation", "author"),
            "parties": [(p, signed.get(p.pk)) for p in parties],
            "manages": manages,
            "consult_form": consult_form if version.status == VersionStatus.IN_FORCE else None,
            "review_notes": version.review_notes.select_related("organisation"),
            "comment_form": comment_form if version.status == VersionStatus.COMMENT else None,
            "sign_form": sign_form if version.status == VersionStatus.SIGNOFF else None,
        },
        status=status,
    )


def _draft(version: AgreementVersion) -> dict[str, Any]:
    """A draft's values as its form cleans them."""
    return {
        **{key: version.sections.get(key, "") for key in SECTION_TITLES},
        "delegates": list(version.delegates.order_by("name")),
        "delegate_roles": version.delegate_roles,
    }


@require_http_methods(["GET", "POST"])
@login_required
def version_edit(request: AuthedRequest, pk: int, agreement_pk: int, number: int) -> HttpResponse:
    agreement = _agreement(request, pk, agreement_pk, MANAGE)
    version = _version(agreement, number)
    members = Organisation.objects.filter(
        pk__in=agreement.partnership.memberships.current().values("organisation_id")
    ).order_by("name")
    form = SectionsForm(
        request.POST or None,
        members=members,
        initial={**_draft(version), "version": version.version},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        form.take_theirs(_draft(version))
        try:
            done = act(
                form,
                actions.version_edit,
                version=version,
                by=request.user,
                sections=form.sections(),
                based_on=form.based_on(),
                **form.delegated(),
            )
        except Stale as stale:
            # Someone saved since this form was filled in: show theirs and yours to merge.
            form = merging(
                form,
                current=stale.current,
                theirs=_draft(stale.obj),
                make=lambda data: SectionsForm(data, members=members),
            )
            done, status = None, CONFLICT
        if done is not None:
            messages.success(request, "Saved.")
            return redirect(version)
    elif request.method == "GET" and version.status not in (
        VersionStatus.DRAFT,
        VersionStatus.COMMENT,
    ):
        messages.error(request, actions.IN_FORCE_IS_FIXED)
        return redirect(version)
    if form.is_bound and status == 200:
        status = INVALID
    return render(
        request,
        "agreements/edit.html",
        {
            "partnership": agreement.partnership,
            "form": form,
            "title": f"Edit {version}",
            "version": version,
        },
        status=status,
    )


@require_POST
@login_required
def version_step(
    request: AuthedRequest, pk: int, agreement_pk: int, number: int, step: str
) -> HttpResponse:
    """Lead's steps: send out for comment or sign-off; start a new version."""
    agreement = _agreement(request, pk, agreement_pk, MANAGE)
    version = _version(agreement, number)
    try:
        if step == "new":
            version = actions.version_new(agreement=agreement, by=request.user)
        else:
            actions.version_advance(version=version, by=request.user, to=step)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _render_version(request, agreement, _version(agreement, number), status=INVALID)
    return redirect(version)


@require_POST
@login_required
def version_comment(
    request: AuthedRequest, pk: int, agreement_pk: int, number: int
) -> HttpResponse:
    agreement = _agreement(request, pk, agreement_pk)
    version = _version(agreement, number)
    roles = org_roles(request.user)
    acting = Organisation.objects.filter(
        pk__in=[o for o, r in roles.items() if r in ACTING_ORG_ROLES]
    )
    form = CommentForm(request.POST, acting=acting)
    if not acting.exists():
        raise PermissionDenied
    if form.is_valid():
        done = act(form, actions.comment_add, version=version, by=request.user, **form.cleaned_data)
        if done is not None:
            messages.success(request, "Comment added.")
            return redirect(version)
    return _render_version(request, agreement, version, comment_form=form, status=INVALID)


@require_POST
@login_required
def version_sign(request: AuthedRequest, pk: int, agreement_pk: int, number: int) -> HttpResponse:
    agreement = _agreement(request, pk, agreement_pk)
    version = _version(agreement, number)
    form = SignForm(
        request.POST,
        signers=list(Organisation.objects.filter(pk__in=list(org_roles(request.user)))),
    )
    if form.is_valid():
        done = act(form, actions.sign, version=version, by=request.user, **form.cleaned_data)
        if done is not None:
            messages.success(request, "Signed.")
            return redirect(_version(agreement, number))
    return _render_version(request, agreement, version, sign_form=form, status=INVALID)


@require_GET
@login_required
def version_diff(request: AuthedRequest, pk: int, agreement_pk: int) -> HttpResponse:
    agreement = _agreement(request, pk, agreement_pk)
    numbers = sorted(agreement.versions.values_list("number", flat=True))
    try:
        old = int(request.GET.get("from", numbers[-2] if len(numbers) > 1 else numbers[0]))
        new = int(request.GET.get("to", numbers[-1]))
    except (TypeError, ValueError):
        old = new = 0
    if old not in numbers or new not in numbers:
        return render(
            request,
            "agreements/diff.html",
            {
                "partnership": agreement.partnership,
                "agreement": agreement,
                "error": "Choose two versions of this agreement.",
            },
            status=INVALID,
        )
    return render(
        request,
        "agreements/diff.html",
        {
            "partnership": agreement.partnership,
            "agreement": agreement,
            "old": _version(agreement, old),
            "new": _version(agreement, new),
            "sections": queries.diff(_version(agreement, old), _version(agreement, new)),
            "numbers": numbers,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def must_dos(request: AuthedRequest, pk: int) -> HttpResponse:
    """The must-dos checklist: what the app sees done, what the lead attests, what is missing."""
    partnership = _partnership(request, pk)
    manages = request.user.has_perm("partnerships.change_partnership", partnership)
    form = AttestForm(request.POST or None) if manages else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            done = act(
                form, actions.attest, partnership=partnership, by=request.user, **form.cleaned_data
            )
            if done is not None:
                messages.success(request, "Recorded.")
                return redirect("must_dos", pk=partnership.pk)
        status = INVALID
    return render(
        request,
        "agreements/must_dos.html",
        {"partnership": partnership, "checklist": mustdos.checklist(partnership), "form": form},
        status=status,
    )


@require_POST
@login_required
def version_review(request: AuthedRequest, pk: int, agreement_pk: int, number: int) -> HttpResponse:
    """The lead's review of an agreement in force: a consultation note, or "no change"."""
    agreement = _agreement(request, pk, agreement_pk, MANAGE)
    version = _version(agreement, number)
    try:
        if request.POST.get("outcome") == "no_change":
            actions.review_no_change(version=version, by=request.user)
            messages.success(
                request, "Reviewed, no change: the next review is due in twelve months."
            )
            return redirect(version)
        form = ConsultForm(request.POST, parties=actions.parties(version))
        if not form.is_valid():
            return _render_version(request, agreement, version, consult_form=form, status=INVALID)
        actions.review_consult(version=version, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _render_version(request, agreement, version, status=INVALID)
    messages.success(request, "Consultation recorded.")
    return redirect(version)


@require_GET
@login_required
def version_download(
    request: AuthedRequest, pk: int, agreement_pk: int, number: int
) -> HttpResponse:
    """The version as one self-contained HTML file, to keep, send to a board or print."""
    agreement = _agreement(request, pk, agreement_pk)
    version = _version(agreement, number)
    signed = {s.organisation_id: s for s in version.signoffs.select_related("signed_by")}
    lead = (
        agreement.partnership.memberships.current()
        .filter(role="lead")
        .select_related("organisation")
        .first()
    )
    response = render(
        request,
        "agreements/standalone.html",
        {
            "version": version,
            "parties": [(p, signed.get(p.pk)) for p in actions.parties(version)],
            "lead": lead.organisation if lead else None,
        },
    )
    name = slugify(f"{agreement.title} v{version.number}") or "agreement"
    response["Content-Disposition"] = f'attachment; filename="{name}.html"'
    return response
