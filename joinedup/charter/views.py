"""Programme pages of the Charter: its text and versions, signing, the public list of
signatories, the self-assessment, an organisation's skills in aggregate, and the
recruitment and induction sheet."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from joinedup.access import acting_for, get_for, org_roles
from joinedup.charter import actions, queries
from joinedup.charter.defaults import default_skills, principles
from joinedup.charter.editing import edit_page
from joinedup.charter.forms import ReaffirmForm, SelfAssessmentForm, SignForm, WithdrawForm
from joinedup.charter.models import Charter, CharterStatus, Signature
from joinedup.forms import act
from joinedup.http import AuthedRequest
from joinedup.partnerships.models import MANAGING_ORG_ROLES, Organisation
from joinedup.programmes.models import Programme

INVALID = 422


def _programme(request: AuthedRequest, pk: int) -> Programme:
    return get_for(request.user, Programme, perm="programmes.view_programme", pk=pk)


def _charter(programme: Programme) -> Charter | None:
    return Charter.objects.filter(programme=programme).first()


@require_http_methods(["GET", "POST"])
@login_required
def charter_page(request: AuthedRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    charter = _charter(programme)
    manages = request.user.is_superuser or request.user.has_perm(
        "programmes.change_programme", programme
    )
    version = queries.adopted(charter)
    covered = list(actions.covered_organisations(charter)) if charter else []
    roles = org_roles(request.user)
    mine = [o for o in covered if roles.get(o.pk) in MANAGING_ORG_ROLES]
    standing = (
        {s.organisation_id: s for s in queries.standing_signatures(charter)} if charter else {}
    )
    signers = [
        o
        for o in mine
        if o.pk not in standing or standing[o.pk].version_id != (version.pk if version else None)
    ]
    form = SignForm(signers=signers) if version and signers else None
    status = 200
    if request.method == "POST":
        if form is None or version is None:
            raise PermissionDenied
        form = SignForm(request.POST, signers=signers)
        if (
            form.is_valid()
            and act(
                form,
                actions.charter_sign,
                version=version,
                by=request.user,
                organisation=form.cleaned_data["organisation"],
                board_informed=form.cleaned_data["board_informed"],
                by_default=form.cleaned_data["by_default"],
            )
            is not None
        ):
            messages.success(request, f"Signed for {form.cleaned_data['organisation']}.")
            return redirect("charter", pk)
        status = INVALID
    in_progress = (
        charter.versions.filter(status__in=[CharterStatus.DRAFT, CharterStatus.COMMENT]).first()
        if charter
        else None
    )
    return render(
        request,
        "charter/charter.html",
        {
            "programme": programme,
            "charter": charter,
            "version": version,
            "in_progress": in_progress,
            "versions": charter.versions.all() if charter else [],
            "manages": manages,
            "form": form,
            "ours": [standing[o.pk] for o in mine if o.pk in standing],
            "reaffirm_form": ReaffirmForm(),
            "withdraw_form": WithdrawForm(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def charter_edit_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """Officers edit the text of the version in progress (the rule the API uses)."""
    programme = _programme(request, pk)
    charter = _charter(programme)
    may = request.user.is_superuser or (
        request.user.has_perm("charter.change_charter", charter)
        if charter
        else request.user.has_perm("programmes.change_programme", programme)
    )
    if not may:
        raise PermissionDenied
    return edit_page(
        request,
        charter,
        back=reverse("charter", args=[pk]),
        context={"programme": programme, "owner_name": programme.name},
    )


@require_POST
@login_required
def charter_step(request: AuthedRequest, pk: int) -> HttpResponse:
    """Officers: adopt the default, start a new version, send out for comment, adopt."""
    programme = get_for(request.user, Programme, perm="programmes.change_programme", pk=pk)
    charter = _charter(programme)
    step = request.POST.get("step", "")
    try:
        if step == "start" and charter is None:
            actions.charter_start(by=request.user, programme=programme)
        elif step == "new" and charter is not None:
            actions.charter_new_version(charter=charter, by=request.user)
        elif step in ("comment", "adopted") and charter is not None:
            version = charter.versions.filter(
                status__in=[CharterStatus.DRAFT, CharterStatus.COMMENT]
            ).first()
            if version is None:
                raise Http404
            actions.charter_advance(version=version, by=request.user, to=step)
        else:
            return HttpResponse("That step does not follow from where the Charter is.", status=400)
    except actions.ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect("charter", pk)
    messages.success(request, "Done.")
    return redirect("charter", pk)


def _signature(request: AuthedRequest, pk: int, signature_pk: int) -> Signature:
    programme = _programme(request, pk)
    signature = get_object_or_404(
        Signature.objects.select_related("organisation", "version__charter"),
        pk=signature_pk,
        version__charter__programme=programme,
    )
    if not actions.has_authority(request.user, signature.organisation):
        raise PermissionDenied
    return signature


def reaffirm(request: AuthedRequest, signature: Signature, back: str) -> HttpResponse:
    """Reaffirm `signature` (a programme's Charter or a partnership's own) and go `back`."""
    form = ReaffirmForm(request.POST)
    form.is_valid()
    try:
        actions.charter_reaffirm(
            signature=signature,
            by=request.user,
            board_informed=form.cleaned_data.get("board_informed", False),
        )
    except actions.ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect(back)
    messages.success(request, f"Reaffirmed for {signature.organisation}.")
    return redirect(back)


def withdraw(request: AuthedRequest, signature: Signature, back: str) -> HttpResponse:
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the organisation is withdrawing.")
        return redirect(back)
    try:
        actions.charter_withdraw(
            signature=signature, by=request.user, reason=form.cleaned_data["reason"]
        )
    except actions.ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect(back)
    messages.success(request, f"{signature.organisation} has withdrawn from the Charter.")
    return redirect(back)


@require_POST
@login_required
def charter_reaffirm(request: AuthedRequest, pk: int, signature_pk: int) -> HttpResponse:
    return reaffirm(request, _signature(request, pk, signature_pk), reverse("charter", args=[pk]))


@require_POST
@login_required
def charter_withdraw(request: AuthedRequest, pk: int, signature_pk: int) -> HttpResponse:
    return withdraw(request, _signature(request, pk, signature_pk), reverse("charter", args=[pk]))


@require_GET
def signatories(request: AuthedRequest, pk: int) -> HttpResponse:
    """Public, like any pledge: the organisations that signed the programme's Charter."""
    programme = get_object_or_404(Programme, pk=pk)
    charter = _charter(programme)
    adopted = queries.adopted(charter) is not None
    return render(
        request,
        "charter/signatories.html",
        {
            "programme": programme,
            "adopted": adopted,
            "signatures": queries.standing_signatures(charter) if charter and adopted else [],
            "withdrawn": queries.withdrawn_signatures(charter) if charter and adopted else [],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def self_assessment(request: AuthedRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    orgs = list(Organisation.objects.filter(pk__in=acting_for(request.user)).order_by("name"))
    if not orgs and request.method == "POST":
        raise PermissionDenied
    framework = actions.current_framework(programme)
    skills = framework.skills if framework else default_skills()["skills"]
    form = SelfAssessmentForm(request.POST or None, skills=skills, orgs=orgs)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            framework = actions.framework_for(programme)
            if (
                act(
                    form,
                    actions.self_assess,
                    rename={k: f"level_{k}" for k in (s["key"] for s in skills)},
                    by=request.user,
                    framework=framework,
                    organisation=form.cleaned_data["organisation"],
                    answers=form.answers(),
                    shared_with_manager=form.cleaned_data["shared_with_manager"],
                )
                is not None
            ):
                messages.success(request, "Your self-assessment is saved.")
                return redirect("charter_self_assessment", pk)
        status = INVALID
    latest = (
        request.user.charter_assessments.filter(framework__programme=programme)
        .select_related("organisation")
        .first()
    )
    return render(
        request,
        "charter/self_assessment.html",
        {
            "programme": programme,
            "form": form,
            "latest": latest,
            "latest_rows": [(s, latest.answers.get(s["key"], {})) for s in skills]
            if latest
            else [],
            "levels": default_skills()["levels"],
            "orgs": orgs,
            "form_shown": bool(orgs),
        },
        status=status,
    )


@require_GET
@login_required
def organisation_skills(request: AuthedRequest, pk: int, org_pk: int) -> HttpResponse:
    """An organisation's people's skills in aggregate (three people at least), and the
    assessments its people shared with their managers, for its admins and managers."""
    programme = _programme(request, pk)
    roles = org_roles(request.user)
    if roles.get(org_pk) is None and not request.user.is_superuser:
        raise Http404
    organisation = get_object_or_404(Organisation, pk=org_pk)
    framework = actions.current_framework(programme)
    people, rows = queries.skills_aggregate(framework, organisation) if framework else (0, None)
    shared = (
        queries.shared_with_manager(framework, organisation)
        if framework and roles.get(org_pk) in MANAGING_ORG_ROLES
        else []
    )
    skills = framework.skills if framework else []
    return render(
        request,
        "charter/organisation_skills.html",
        {
            "programme": programme,
            "organisation": organisation,
            "people": people,
            "rows": rows,
            "min_people": queries.MIN_PEOPLE,
            "shared": [
                (a, [(s["title"], a.answers.get(s["key"], {})) for s in skills]) for a in shared
            ],
        },
    )


@require_GET
@login_required
def recruitment(request: AuthedRequest, pk: int) -> HttpResponse:
    """Interview questions and an induction checklist from the Charter and the skills,
    printable (seed 004: developing the behaviours "starts with recruitment")."""
    programme = _programme(request, pk)
    version = queries.adopted(_charter(programme))
    framework = actions.current_framework(programme)
    skills = framework.skills if framework else default_skills()["skills"]
    themes = version.themes if version else []
    return render(
        request,
        "charter/recruitment.html",
        {
            "programme": programme,
            "version": version,
            "questions": [(s["title"], _interview_question(s)) for s in skills],
            "checklist": principles(themes),
        },
    )


def _interview_question(skill: dict[str, Any]) -> str:
    """The level-3 question turned outward: "Tell us about a time when you …"."""
    question = skill["levels"][2].rstrip("?")
    if question.startswith("Do I "):
        question = question[len("Do I ") :]
    replacements = {
        " my ": " your ",
        " me": " you",
        " I ": " you ",
        " we ": " your team ",
        " our ": " your ",
    }
    for old, new in replacements.items():
        question = f" {question} ".replace(old, new).strip()
    return f"Tell us about a time when you had to {question}. What did you do, and what happened?"
