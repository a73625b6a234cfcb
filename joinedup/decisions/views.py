"""Pages for shared decisions: check access, validate, act, respond."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from joinedup.access import get_for, org_roles
from joinedup.confirm import confirm_page, is_confirmed
from joinedup.decisions import actions, counting
from joinedup.decisions.forms import (
    LeadTimeForm,
    PositionForm,
    ProposalForm,
    RatifyForm,
    StatementForm,
    UrgentForm,
)
from joinedup.decisions.models import (
    STANCES,
    DecisionKind,
    LeadTime,
    Outcome,
    Position,
    Proposal,
    Stance,
)
from joinedup.forms import act
from joinedup.http import AuthedRequest
from joinedup.meetings.models import Meeting, MeetingStatus
from joinedup.pages import paged
from joinedup.partnerships.models import (
    ACTING_ORG_ROLES,
    MANAGING_ORG_ROLES,
    Organisation,
    Partnership,
)

INVALID = 422
VIEW, HANDLE = "decisions.view_proposal", "decisions.change_proposal"
MANAGE = "partnerships.change_partnership"

CURRENT_POSITIONS = Prefetch(
    "positions",
    queryset=Position.objects.filter(current=True).select_related("organisation"),
    to_attr="current_positions",
)


def _partnership(
    request: AuthedRequest, pk: int, perm: str = "partnerships.view_partnership"
) -> Partnership:
    return get_for(request.user, Partnership, perm=perm, pk=pk)


def _members(partnership: Partnership, roles: tuple[str, ...], user_roles: dict[int, str]) -> Any:
    return Organisation.objects.filter(
        pk__in=partnership.memberships.current()
        .filter(organisation_id__in=[o for o, r in user_roles.items() if r in roles])
        .values("organisation_id")
    ).order_by("name")


def _with_counts(proposals: QuerySet[Proposal]) -> list[Proposal]:
    """The proposals, each with `stance_counts`: [(stance label, current positions)] for the
    stances taken, and `positions_count`; counted by the database, so the log's size does not
    grow with the number of members (each proposal's positions are on its own page)."""
    counts = {
        stance: Count("positions", filter=Q(positions__current=True, positions__stance=stance))
        for stance in Stance.values
    }
    found = list(proposals.annotate(**{f"n_{stance}": n for stance, n in counts.items()}))
    for p in found:
        taken = [(label, getattr(p, f"n_{stance}")) for stance, label in Stance.choices]
        p.stance_counts = [(label, n) for label, n in taken if n]  # type: ignore[attr-defined]
        p.positions_count = sum(n for _, n in taken)  # type: ignore[attr-defined]
    return found


@require_GET
@login_required
def decision_log(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every proposal and decision: how it was taken, how many organisations took each
    position, the outcome and the meeting it links to; each proposal's positions are on its
    own page. Proposals past their closing date close first."""
    partnership = _partnership(request, pk)
    actions.close_due(partnership.pk)
    proposals = _with_counts(
        partnership.proposals.select_related(
            "organisation",
            "closed_by",
            "meeting",
            "meeting__series",
            "ratification_item__meeting",
        )
    )
    delegation = counting.delegated_authority(partnership.pk)
    return render(
        request,
        "decisions/log.html",
        {
            "partnership": partnership,
            "open": [p for p in proposals if p.is_open],
            "closed": paged(request, [p for p in proposals if not p.is_open]),
            "can_propose": _members(
                partnership, ACTING_ORG_ROLES, org_roles(request.user)
            ).exists(),
            "delegation": delegation,
            "may_decide_urgently": bool(delegation.held_by(request.user)),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def proposal_new(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    acting = _members(partnership, ACTING_ORG_ROLES, org_roles(request.user))
    if not acting.exists():
        raise PermissionDenied
    coming = Meeting.objects.filter(
        series__partnership=partnership,
        series__in=[
            s
            for s in partnership.meeting_series.all()
            if request.user.has_perm("meetings.view_series", s)
        ],
        starts_at__gte=timezone.now(),
        status=MeetingStatus.SCHEDULED,
    ).select_related("series")
    form = ProposalForm(request.POST or None, acting=acting, meetings=coming)
    if request.method == "POST" and form.is_valid():
        proposal = act(
            form,
            actions.proposal_create,
            by=request.user,
            partnership=partnership,
            **form.cleaned_data,
        )
        if proposal is not None:
            messages.success(request, "Proposal open; the deciding organisations have been told.")
            return redirect(proposal)
    return render(
        request,
        "decisions/form.html",
        {
            "partnership": partnership,
            "form": form,
            "title": "Propose a decision",
            "button": "Open the proposal",
        },
        status=INVALID if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def urgent_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """For those holding delegated authority under the agreement in force (403 to others)."""
    partnership = _partnership(request, pk)
    delegation = counting.delegated_authority(partnership.pk)
    held = delegation.held_by(request.user)
    if not held:
        raise PermissionDenied
    acting = Organisation.objects.filter(pk__in=[o.pk for o in held]).order_by("name")
    form = UrgentForm(request.POST or None, acting=acting)
    if request.method == "POST" and form.is_valid():
        proposal = act(
            form,
            actions.proposal_record_urgent,
            by=request.user,
            partnership=partnership,
            **form.cleaned_data,
        )
        if proposal is not None:
            messages.success(
                request, "Urgent decision recorded; it goes to the next meeting for ratification."
            )
            return redirect(proposal)
    return render(
        request,
        "decisions/form.html",
        {
            "partnership": partnership,
            "form": form,
            "title": "Record an urgent decision",
            "button": "Record the decision",
            "note": (
                "A decision taken at once under delegated authority, held by "
                f"{delegation.describe()}. It goes on the next meeting's agenda for the "
                "partners to ratify."
            ),
        },
        status=INVALID if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def lead_time(request: AuthedRequest, pk: int) -> HttpResponse:
    """Each member's lead time, and a form for the organisations the user manages."""
    partnership = _partnership(request, pk)
    mine = _members(partnership, MANAGING_ORG_ROLES, org_roles(request.user))
    if request.method == "POST" and not mine.exists():
        raise PermissionDenied
    form = LeadTimeForm(request.POST or None, organisations=mine) if mine.exists() else None
    if (
        request.method == "POST"
        and form is not None
        and form.is_valid()
        and act(form, actions.lead_time_set, by=request.user, **form.cleaned_data) is not None
    ):
        messages.success(request, "Lead time saved.")
        return redirect("lead_time", pk=partnership.pk)
    members = (
        partnership.memberships.current()
        .select_related("organisation")
        .order_by("organisation__name")
    )
    times = {
        t.organisation_id: t
        for t in LeadTime.objects.filter(organisation__in=[m.organisation_id for m in members])
    }
    return render(
        request,
        "decisions/lead_time.html",
        {
            "partnership": partnership,
            "rows": [(m.organisation, times.get(m.organisation_id)) for m in members],
            "form": form,
        },
        status=INVALID if form is not None and form.is_bound else 200,
    )


def _proposal(request: AuthedRequest, pk: int, proposal_pk: int, perm: str = VIEW) -> Proposal:
    proposal = get_for(
        request.user,
        Proposal.objects.select_related(
            "partnership", "organisation", "proposed_by", "closed_by", "meeting"
        ),
        perm=perm,
        pk=proposal_pk,
        partnership_id=pk,
    )
    if proposal.is_open and proposal.closes_on < timezone.localdate():
        actions.close_due(proposal.partnership_id)
        proposal.refresh_from_db()
    return proposal


def _castable(request: AuthedRequest, proposal: Proposal, deciding: list[Organisation]) -> Any:
    mine = counting.organisations_spoken_for(request.user, proposal.partnership_id)
    return Organisation.objects.filter(
        pk__in=[o.pk for o in deciding if mine is None or o.pk in mine]
    ).order_by("name")


def _render_proposal(
    request: AuthedRequest, proposal: Proposal, status: int = 200, **forms: Any
) -> HttpResponse:
    deciding = counting.deciding_organisations(proposal)
    positions = list(proposal.positions.select_related("organisation", "cast_by"))
    current = {p.organisation_id: p for p in positions if p.current}
    castable = _castable(request, proposal, deciding) if proposal.is_open else None
    handles = request.user.has_perm(HANDLE, proposal)
    manages = request.user.has_perm(MANAGE, proposal.partnership)
    rule = counting.rule_for(proposal.partnership_id, len(deciding))
    awaiting = proposal.urgent and proposal.outcome == Outcome.URGENT
    waiting = (
        counting.not_yet_heard(proposal, deciding, list(current.values()), rule, timezone.now())
        if proposal.is_open
        else []
    )
    held = _held_meetings(proposal) if awaiting and manages else None
    return render(
        request,
        "decisions/proposal.html",
        {
            "partnership": proposal.partnership,
            "proposal": proposal,
            "rows": [(o, current.get(o.pk)) for o in deciding],
            "history": [p for p in positions if not p.current],
            "rule": rule,
            "waiting": waiting,
            "item": proposal.ratification_item if proposal.ratification_item_id else None,
            "position_form": forms.get("position_form")
            or (
                PositionForm(organisations=castable, stances=STANCES[DecisionKind(proposal.kind)])
                if castable is not None and castable.exists()
                else None
            ),
            "statement_form": forms.get("statement_form")
            or (StatementForm() if handles and not proposal.urgent else None),
            "ratify_form": forms.get("ratify_form")
            or (RatifyForm(meetings=held) if held is not None and held.exists() else None),
            "awaiting": awaiting,
        },
        status=status,
    )


def _held_meetings(proposal: Proposal) -> QuerySet[Meeting]:
    """The meetings that may ratify an urgent decision: held since it was taken, not
    cancelled; the one whose agenda it is on first."""
    return (
        Meeting.objects.filter(
            series__partnership_id=proposal.partnership_id,
            starts_at__lte=timezone.now(),
            ends_at__gte=proposal.closed_at or proposal.opened_at,
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("series")
        .order_by("starts_at")
    )


@require_GET
@login_required
def proposal_detail(request: AuthedRequest, pk: int, proposal_pk: int) -> HttpResponse:
    return _render_proposal(request, _proposal(request, pk, proposal_pk))


@require_POST
@login_required
def position_cast(request: AuthedRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = _proposal(request, pk, proposal_pk)
    deciding = counting.deciding_organisations(proposal)
    form = PositionForm(
        request.POST,
        organisations=Organisation.objects.filter(pk__in=[o.pk for o in deciding]),
        stances=STANCES[DecisionKind(proposal.kind)],
    )
    if (
        form.is_valid()
        and act(
            form, actions.position_cast, by=request.user, proposal=proposal, **form.cleaned_data
        )
        is not None
    ):
        messages.success(request, "Position recorded.")
        return redirect(proposal)
    return _render_proposal(request, proposal, INVALID, position_form=form)


@require_POST
@login_required
def proposal_outcome(request: AuthedRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """Close early with a statement (the proposer or the lead), or state a closed one's outcome."""
    proposal = _proposal(request, pk, proposal_pk, HANDLE)
    form = StatementForm(request.POST)
    if form.is_valid():
        statement = form.cleaned_data["statement"]
        if proposal.is_open and not is_confirmed(request):
            # Closing cannot be undone: refuse now what the action would, else ask first.
            if act(form, actions.proposal_may_close, proposal=proposal) is not None:
                early = proposal.closes_on >= timezone.localdate()
                return confirm_page(
                    request,
                    title="Close the proposal now?",
                    happens=[
                        (
                            f"It closes before its closing date of {proposal.closes_on:%-d %B %Y}"
                            if early
                            else "It closes"
                        )
                        + ": the outcome is counted from the positions given so far, and "
                        "nobody can give or change a position after.",
                    ],
                    button="Close the proposal",
                    back=proposal.get_absolute_url(),
                    partnership=proposal.partnership,
                    carry={"statement": statement},
                )
            done = None
        elif proposal.is_open:
            done = act(
                form,
                actions.proposal_close,
                by=request.user,
                proposal=proposal,
                statement=statement,
            )
        else:
            done = act(
                form,
                actions.proposal_state_outcome,
                by=request.user,
                proposal=proposal,
                statement=statement,
            )
        if done is not None:
            messages.success(request, "Outcome recorded.")
            return redirect(proposal)
    return _render_proposal(request, proposal, INVALID, statement_form=form)


@require_POST
@login_required
def proposal_ratify(request: AuthedRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = _proposal(request, pk, proposal_pk)
    if not request.user.has_perm(MANAGE, proposal.partnership):
        raise PermissionDenied
    form = RatifyForm(request.POST, meetings=_held_meetings(proposal))
    if (
        form.is_valid()
        and act(
            form, actions.proposal_ratify, by=request.user, proposal=proposal, **form.cleaned_data
        )
        is not None
    ):
        messages.success(request, "Ratification recorded.")
        return redirect(proposal)
    return _render_proposal(request, proposal, INVALID, ratify_form=form)
