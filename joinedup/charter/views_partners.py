"""Partnership pages of the Charter: the peer view (rating, how others see us, the lead's
distribution), an organisation's evidence, and its development plan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from joinedup.access import acting_for, get_for, org_roles, standing
from joinedup.charter import actions, queries, views
from joinedup.charter.defaults import principles
from joinedup.charter.editing import edit_page
from joinedup.charter.evidence import evidence
from joinedup.charter.forms import PeerViewOpenForm, PlanForm, RateForm, SignForm
from joinedup.charter.models import (
    Charter,
    CharterStatus,
    CharterVersion,
    PeerView,
    PlanItem,
    Signature,
)
from joinedup.charter.rules import plans_for, sees_organisation_record
from joinedup.confirm import confirm_page
from joinedup.forms import act
from joinedup.http import AuthedRequest
from joinedup.partnerships.models import MANAGING_ORG_ROLES, Organisation, Partnership

INVALID = 422
CLOSED = 409


def _partnership(
    request: AuthedRequest, pk: int, perm: str = "partnerships.view_partnership"
) -> Partnership:
    return get_for(
        request.user, Partnership.objects.select_related("programme", "hub"), perm=perm, pk=pk
    )


def _members(partnership: Partnership) -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            pk__in=partnership.memberships.current().values("organisation_id")
        ).order_by("name")
    )


def _mine(request: AuthedRequest, members: list[Organisation]) -> list[Organisation]:
    acting = set(acting_for(request.user))
    return [o for o in members if o.pk in acting]


def _context(request: AuthedRequest, partnership: Partnership) -> dict[str, Any]:
    charter = queries.charter_for(partnership)
    version = queries.adopted(charter)
    members = _members(partnership)
    mine = _mine(request, members)
    peer_view = queries.latest_peer_view(partnership)
    peer_open = peer_view is not None and peer_view.is_open()
    seen = standing(request.user, partnership)
    signatures = queries.standing_signatures(charter) if charter else []
    signed = {s.organisation_id for s in signatures}
    results = (
        [(o, queries.peer_result(peer_view, o)) for o in mine]
        if peer_view and not peer_open
        else []
    )
    revises = request.user.is_superuser or seen.manages
    signers = _own_signers(request, charter, version, mine, signed)
    roles = org_roles(request.user)
    # The programme's Charter is signed on the programme's page: those who may sign are
    # sent there from the top of this one.
    programme_signers = (
        [o for o in mine if roles.get(o.pk) in MANAGING_ORG_ROLES and o.pk not in signed]
        if charter is not None and version is not None and charter.programme_id
        else []
    )
    own = Charter.objects.filter(partnership=partnership).first() if revises else None
    today = timezone.localdate()
    return {
        "partnership": partnership,
        "charter": charter,
        "version": version,
        "members": [(o, o.pk in signed) for o in members],
        "mine": mine,
        "peer_view": peer_view,
        "peer_open": peer_open,
        "results": results,
        "distribution": queries.peer_distribution(peer_view)
        if peer_view and not peer_open and (seen.manages or seen.officer)
        else None,
        "manages": seen.manages,
        "officer": seen.officer,
        "anonymity": queries.ANONYMITY,
        "year": today.year,
        "open_form": PeerViewOpenForm()
        if seen.manages and version and (peer_view is None or peer_view.year < today.year)
        else None,
        "record_orgs": members if (seen.manages or seen.officer) else mine,
        "revises": revises,
        "sign_form": SignForm(signers=signers) if signers else None,
        "programme_signers": programme_signers,
        "ours": _own_signatures(request, charter, signatures),
        "own": own,
        "own_in_progress": _in_progress(own),
    }


@require_GET
@login_required
def partners_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """The Charter in this partnership: sign-up, the peer view, and links to each of our
    organisations' evidence and plan."""
    partnership = _partnership(request, pk)
    return render(request, "charter/partnership.html", _context(request, partnership))


@require_POST
@login_required
def peer_view_open(request: AuthedRequest, pk: int) -> HttpResponse:
    """The lead opens the year's peer view until the closing day it chooses."""
    partnership = _partnership(request, pk, "partnerships.change_partnership")
    version = queries.adopted(queries.charter_for(partnership))
    if version is None:
        messages.error(request, "Adopt a Charter before running a peer view.")
        return redirect("charter_partnership", pk)
    form = PeerViewOpenForm(request.POST)
    opened = None
    if form.is_valid():
        opened = act(
            form,
            actions.peer_view_open,
            rename={"year": "closes_on"},
            partnership=partnership,
            by=request.user,
            version=version,
            year=timezone.localdate().year,
            closes_on=form.cleaned_data["closes_on"],
        )
    if opened is None:
        context = _context(request, partnership) | {"open_form": form}
        return render(request, "charter/partnership.html", context, status=INVALID)
    messages.success(
        request,
        f"The peer view is open until {opened.closes_on:%-d %B %Y}: every member has been told.",
    )
    return redirect("charter_partnership", pk)


@require_http_methods(["GET", "POST"])
@login_required
def peer_view_close(request: AuthedRequest, pk: int) -> HttpResponse:
    """The lead closes the peer view before its closing day; its results show from then.
    GET asks first, saying how many members have rated (closing cannot be undone)."""
    partnership = _partnership(request, pk, "partnerships.change_partnership")
    peer_view = queries.latest_peer_view(partnership)
    if peer_view is None:
        raise Http404
    if request.method == "GET":
        if not peer_view.is_open():
            return redirect(reverse("charter_partnership", args=[pk]) + "#peer-view")
        return _close_confirm(request, partnership, peer_view)
    try:
        actions.peer_view_close(peer_view=peer_view, by=request.user)
    except actions.ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect("charter_partnership", pk)
    messages.success(request, "The peer view is closed: its results are shown below.")
    return redirect(reverse("charter_partnership", args=[pk]) + "#peer-view")


def _close_confirm(
    request: AuthedRequest, partnership: Partnership, peer_view: PeerView
) -> HttpResponse:
    members = _members(partnership)
    rated = set(
        peer_view.ratings.filter(rater_org__in=members).values_list("rater_org_id", flat=True)
    )
    have = len(rated)
    return confirm_page(
        request,
        title=f"Close peer view {peer_view.year} now?",
        happens=[
            f"{have} of {len(members)} member{pluralize(len(members))} "
            f"{'has' if have == 1 else 'have'} rated so far; it is open until "
            f"{peer_view.closes_on:%-d %B %Y}.",
            "Once closed, no more ratings are taken and the results are shown. An "
            "organisation's results show only when at least three raters from at least two "
            "other organisations rated it: with fewer, its results show nothing.",
            "There is one peer view a year: this year's cannot be reopened.",
        ],
        button=f"Close peer view {peer_view.year}",
        back=reverse("charter_partnership", args=[partnership.pk]) + "#peer-view",
        partnership=partnership,
    )


@require_http_methods(["GET", "POST"])
@login_required
def peer_rate(request: AuthedRequest, pk: int, org_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    peer_view = queries.latest_peer_view(partnership)
    if peer_view is None:
        raise Http404
    members = _members(partnership)
    rated = next((o for o in members if o.pk == org_pk), None)
    if rated is None:
        raise Http404
    mine = _mine(request, members)
    if not mine:
        raise PermissionDenied
    items = principles(peer_view.version.themes)
    is_open = peer_view.is_open()
    form = RateForm(request.POST or None, principles=items, orgs=mine) if is_open else None
    status = 200
    if request.method == "POST":
        if form is None:
            status = CLOSED
        elif (
            form.is_valid()
            and act(
                form,
                actions.peer_rate,
                rename={p["key"]: f"p_{p['key']}" for p in items},
                peer_view=peer_view,
                by=request.user,
                rater_org=form.cleaned_data["rater_org"],
                rated_org=rated,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
            is not None
        ):
            messages.success(request, f"Your view of {rated} is saved.")
            return redirect("charter_partnership", pk)
        else:
            status = INVALID
    return render(
        request,
        "charter/rate.html",
        {
            "partnership": partnership,
            "peer_view": peer_view,
            "rated": rated,
            "form": form,
            "own": rated in mine,
        },
        status=status,
    )


def _record_org(request: AuthedRequest, partnership: Partnership, org_pk: int) -> Organisation:
    organisation = next((o for o in _members(partnership) if o.pk == org_pk), None)
    if organisation is None or not sees_organisation_record(
        request.user, partnership, organisation
    ):
        raise Http404
    return organisation


@require_GET
@login_required
def evidence_page(request: AuthedRequest, pk: int, org_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    organisation = _record_org(request, partnership, org_pk)
    return render(
        request,
        "charter/evidence.html",
        {
            "partnership": partnership,
            "organisation": organisation,
            "figures": evidence(partnership, organisation),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_page(request: AuthedRequest, pk: int, org_pk: int) -> HttpResponse:
    """The development plan: its lowest-rated principles (from the peer view, else its own
    view) and skills (its people's aggregate), and the support chosen for each."""
    partnership = _partnership(request, pk)
    organisation = _record_org(request, partnership, org_pk)
    suggestions = plan_suggestions(partnership, organisation)
    may_plan = plans_for(request.user, partnership, organisation)
    form = (
        PlanForm(
            request.POST or None, subjects=[(str(s["key"]), str(s["title"])) for s in suggestions]
        )
        if may_plan and suggestions
        else None
    )
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            chosen = next(s for s in suggestions if s["key"] == form.cleaned_data["subject"])
            if (
                act(
                    form,
                    actions.plan_add,
                    by=request.user,
                    partnership=partnership,
                    organisation=organisation,
                    subject=chosen["key"],
                    title=chosen["title"],
                    score=chosen["score"],
                    support=form.cleaned_data["support"],
                    note=form.cleaned_data["note"],
                )
                is not None
            ):
                messages.success(request, f"Added to the plan: {chosen['title']}.")
                return redirect("charter_plan", pk, org_pk)
        status = INVALID
    items = PlanItem.objects.filter(
        partnership=partnership, organisation=organisation
    ).select_related("topic_request", "mentor_offer__organisation")
    mentors = [o for o in _mine(request, _members(partnership)) if o.pk != organisation.pk]
    return render(
        request,
        "charter/plan.html",
        {
            "partnership": partnership,
            "organisation": organisation,
            "items": items,
            "suggestions": suggestions,
            "form": form,
            "mentor": mentors[0] if mentors else None,
        },
        status=status,
    )


LOWEST = 3


def plan_suggestions(
    partnership: Partnership, organisation: Organisation
) -> list[dict[str, object]]:
    """The lowest-rated principles and skills: principles as others see it (where shown),
    else as it sees itself; skills from its people's aggregate (three people at least)."""
    found: list[dict[str, object]] = []
    peer_view = queries.latest_closed_peer_view(partnership)
    if peer_view is not None:
        result = queries.peer_result(peer_view, organisation)
        for row in result["rows"]:
            score = row.others if row.others is not None else row.own
            if score is not None:
                found.append(
                    {
                        "key": row.key,
                        "title": row.title,
                        "score": score,
                        "from": "peer view" if row.others is not None else "own view",
                    }
                )
    if partnership.programme is not None:
        framework = actions.current_framework(partnership.programme)
        if framework is not None:
            _, rows = queries.skills_aggregate(framework, organisation)
            for r in rows or []:
                if r.mean is not None:
                    found.append(
                        {"key": r.key, "title": r.title, "score": r.mean, "from": "self-assessment"}
                    )
    found.sort(key=lambda s: (s["score"], s["title"]))  # type: ignore[return-value]
    return found[: LOWEST * 2]


@require_POST
@login_required
def plan_mentor(request: AuthedRequest, pk: int, org_pk: int, item_pk: int) -> HttpResponse:
    """A partner offers mentoring for a plan item, through Resources (so it is given and
    counted in the give-and-receive ledger like any offer)."""
    partnership = _partnership(request, pk)
    organisation = _record_org(request, partnership, org_pk)
    item = PlanItem.objects.filter(
        pk=item_pk, partnership=partnership, organisation=organisation
    ).first()
    if item is None:
        raise Http404
    mentors = [o for o in _mine(request, _members(partnership)) if o.pk != organisation.pk]
    if not mentors:
        raise PermissionDenied
    try:
        actions.plan_mentoring_offer(by=request.user, item=item, mentor=mentors[0])
    except actions.ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect("charter_plan", pk, org_pk)
    messages.success(request, f"{mentors[0]} offers mentoring: it is listed under Resources.")
    return redirect("charter_plan", pk, org_pk)


# --- the partnership's own revision of the Charter (the lead's admins and managers) -------


def _in_progress(charter: Charter | None) -> CharterVersion | None:
    if charter is None:
        return None
    return charter.versions.filter(status__in=[CharterStatus.DRAFT, CharterStatus.COMMENT]).first()


def _to_revise(request: AuthedRequest, pk: int) -> tuple[Partnership, Charter | None]:
    """Members and officers who see the partnership but do not manage its lead get 403;
    anyone else 404 (from `get_for`)."""
    partnership = _partnership(request, pk)
    if not (request.user.is_superuser or standing(request.user, partnership).manages):
        raise PermissionDenied
    return partnership, Charter.objects.filter(partnership=partnership).first()


@require_POST
@login_required
def own_step(request: AuthedRequest, pk: int) -> HttpResponse:
    """Start the partnership's own revision (from the programme's adopted Charter, else
    Joined Up's draft), start a new version, send it out for comment, adopt it."""
    partnership, charter = _to_revise(request, pk)
    step = request.POST.get("step", "")
    try:
        if step == "start" and charter is None:
            source = (
                queries.adopted(Charter.objects.filter(programme=partnership.programme_id).first())
                if partnership.programme_id
                else None
            )
            if source is None or source.from_default:
                actions.charter_start(by=request.user, partnership=partnership)
            else:
                actions.charter_start(
                    by=request.user,
                    partnership=partnership,
                    themes=source.themes,
                    title=source.title,
                )
        elif step == "new" and charter is not None:
            actions.charter_new_version(charter=charter, by=request.user)
        elif step in ("comment", "adopted") and charter is not None:
            version = _in_progress(charter)
            if version is None:
                raise Http404
            actions.charter_advance(version=version, by=request.user, to=step)
        else:
            return HttpResponse("That step does not follow from where the Charter is.", status=400)
    except IntegrityError:
        messages.error(request, "This partnership's own Charter has been started already.")
        return redirect("charter_partnership", pk)
    except actions.ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect("charter_partnership", pk)
    messages.success(request, "Done.")
    return redirect("charter_partnership", pk)


@require_http_methods(["GET", "POST"])
@login_required
def own_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership, charter = _to_revise(request, pk)
    return edit_page(
        request,
        charter,
        back=reverse("charter_partnership", args=[pk]),
        context={"partnership": partnership, "owner_name": partnership.name},
    )


def _own_signers(
    request: AuthedRequest,
    charter: Charter | None,
    version: CharterVersion | None,
    mine: list[Organisation],
    signed: set[int],
) -> list[Organisation]:
    """Our organisations that may sign the partnership's own adopted Charter and have not
    (the programme's Charter is signed on the programme's page)."""
    if charter is None or version is None or not charter.partnership_id:
        return []
    roles = org_roles(request.user)
    return [o for o in mine if roles.get(o.pk) in MANAGING_ORG_ROLES and o.pk not in signed]


@require_POST
@login_required
def own_sign(request: AuthedRequest, pk: int) -> HttpResponse:
    """An admin or manager signs the partnership's own adopted Charter for their organisation."""
    partnership = _partnership(request, pk)
    charter = queries.charter_for(partnership)
    version = queries.adopted(charter)
    if charter is None or version is None or not charter.partnership_id:
        raise Http404
    signed = {s.organisation_id for s in queries.standing_signatures(charter)}
    signers = _own_signers(request, charter, version, _mine(request, _members(partnership)), signed)
    if not signers:
        raise PermissionDenied
    form = SignForm(request.POST, signers=signers)
    if not form.is_valid():
        messages.error(request, "Choose an organisation you may sign for.")
        return redirect("charter_partnership", pk)
    try:
        actions.charter_sign(
            version=version,
            by=request.user,
            organisation=form.cleaned_data["organisation"],
            board_informed=form.cleaned_data["board_informed"],
            by_default=form.cleaned_data["by_default"],
        )
    except actions.ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect("charter_partnership", pk)
    messages.success(request, f"Signed for {form.cleaned_data['organisation']}.")
    return redirect("charter_partnership", pk)


def _own_signatures(
    request: AuthedRequest, charter: Charter | None, signatures: list[Signature]
) -> list[Signature]:
    """Standing signatures of the partnership's own Charter that this person may reaffirm or
    withdraw: those of organisations they are an admin or manager of."""
    if charter is None or not charter.partnership_id:
        return []
    return [s for s in signatures if actions.has_authority(request.user, s.organisation)]


def _own_signature(request: AuthedRequest, pk: int, signature_pk: int) -> Signature:
    """A standing signature of this partnership's own Charter, for someone with authority in
    the organisation that signed (404 for a signature of another charter)."""
    partnership = _partnership(request, pk)
    signature = (
        Signature.objects.select_related("organisation", "version__charter")
        .filter(pk=signature_pk, version__charter__partnership=partnership)
        .first()
    )
    if signature is None:
        raise Http404
    if not actions.has_authority(request.user, signature.organisation):
        raise PermissionDenied
    return signature


@require_POST
@login_required
def own_reaffirm(request: AuthedRequest, pk: int, signature_pk: int) -> HttpResponse:
    return views.reaffirm(
        request,
        _own_signature(request, pk, signature_pk),
        reverse("charter_partnership", args=[pk]),
    )


@require_POST
@login_required
def own_withdraw(request: AuthedRequest, pk: int, signature_pk: int) -> HttpResponse:
    return views.withdraw(
        request,
        _own_signature(request, pk, signature_pk),
        reverse("charter_partnership", args=[pk]),
    )
