"""The learning pages of a programme (the framework, evaluators, sources and coding, the matrix
and its exports) and a partnership's learning profile: check access, validate, act, respond."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.access import may
from joinedup.accounts.models import User
from joinedup.confirm import confirm_page
from joinedup.forms import act, add_action_errors
from joinedup.http import AuthedRequest
from joinedup.jobs.exports import Asked, start
from joinedup.learning import actions, exports, queries, refi
from joinedup.learning.forms import (
    DocumentForm,
    EvaluatorForm,
    HighlightForm,
    OutlineForm,
    QdcForm,
    SourceSortForm,
    SummaryForm,
    case_kind,
)
from joinedup.learning.models import CaseKind, Evaluator, Highlight, Source
from joinedup.learning.sources import SourceText, kind_label, providers
from joinedup.learning.text import locate, warnings
from joinedup.lib.spreadsheet import cell
from joinedup.partnerships.models import Membership, Partnership
from joinedup.programmes.models import Hub, Programme

INVALID = 422


def programme_for(request: AuthedRequest, pk: int, perm: str = "") -> Programme:
    """The programme, if the user sees its learning (else 404) and may do `perm` (else 403)."""
    programme = Programme.objects.filter(pk=pk).first()
    if programme is None or not may(request.user, "learning.view_learning", programme):
        raise Http404
    if perm and not may(request.user, perm, programme):
        raise PermissionDenied
    return programme


def _context(request: AuthedRequest, programme: Programme, **more: Any) -> dict[str, Any]:
    return {
        "programme": programme,
        "may_code": may(request.user, "learning.code", programme),
        "may_edit": may(request.user, "learning.change_framework", programme),
        "may_manage": may(request.user, "learning.manage_evaluators", programme),
        **more,
    }


@require_GET
@login_required
def matrix_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """The whole matrix: cases × themes, with counts, sources, coders, summaries and flags."""
    programme = programme_for(request, pk)
    kind = case_kind(request.GET.get("cases"))
    m = queries.matrix(programme, kind)
    coders = queries.coders_of(programme)
    agreement = None
    pair = _pair(request, coders)
    if pair:
        agreement = queries.agreement(programme, m.themes, *pair)
    names = {c[0]: c[1] for c in coders}
    return render(
        request,
        "learning/matrix.html",
        _context(
            request,
            programme,
            m=m,
            kind=kind,
            kinds=CaseKind.choices,
            coders=coders,
            pair=pair,
            pair_names=[names.get(p) for p in pair] if pair else [],
            agreement=agreement,
        ),
    )


def _pair(request: AuthedRequest, coders: list[tuple[int, str, int]]) -> tuple[int, int] | None:
    ids = [c[0] for c in coders]
    try:
        a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        return (ids[0], ids[1]) if len(ids) >= 2 else None
    return (a, b) if a in ids and b in ids and a != b else None


@require_GET
@login_required
def theme_page(request: AuthedRequest, pk: int, theme_pk: int) -> HttpResponse:
    """One theme across cases."""
    programme = programme_for(request, pk)
    kind = case_kind(request.GET.get("cases"))
    m = queries.matrix(programme, kind)
    theme = next((t for t in m.themes if t.pk == theme_pk), None)
    if theme is None:
        raise Http404
    return render(
        request,
        "learning/theme.html",
        _context(request, programme, m=m, theme=theme, column=m.column(theme), kind=kind),
    )


@require_GET
@login_required
def profile_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """A partnership's learning profile: its row of its programme's matrix."""
    partnership = Partnership.objects.select_related("programme").filter(pk=pk).first()
    if partnership is None or not may(request.user, "learning.view_profile", partnership):
        raise Http404
    programme = partnership.programme
    row: list[queries.Cell] = []
    if programme is not None:
        m = queries.matrix(programme, CaseKind.PARTNERSHIP, only_case=partnership.pk)
        if m.cases:
            row = m.row(m.cases[0])
    return render(
        request,
        "learning/profile.html",
        {
            "partnership": partnership,
            "programme": programme,
            "row": row,
            "sees_matrix": programme is not None
            and may(request.user, "learning.view_learning", programme),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def framework_page(request: AuthedRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk)
    framework = queries.current_framework(programme)
    initial = {
        "name": framework.name if framework else "Learning framework",
        "outline": actions.outline_of(framework),
    }
    form = OutlineForm(request.POST or None, initial=initial)
    if request.method == "POST":
        programme_for(request, pk, "learning.change_framework")
        if form.is_valid():
            try:
                codes = actions.parse_outline(form.cleaned_data["outline"])
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                made = act(
                    form,
                    actions.framework_revise,
                    by=request.user,
                    programme=programme,
                    codes=codes,
                    name=form.cleaned_data["name"],
                )
                if made is not None:
                    messages.success(request, f"Saved as version {made.version}.")
                    return redirect("learning_framework", pk=programme.pk)
    return render(
        request,
        "learning/framework.html",
        _context(
            request,
            programme,
            framework=framework,
            themes=queries.themes_of(framework),
            versions=programme.frameworks.order_by("-version")[:20],
            form=form,
            qdc_form=QdcForm(),
        ),
        status=INVALID if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def framework_import(request: AuthedRequest, pk: int) -> HttpResponse:
    """Import a `.qdc` codebook as a new version (a GET shows the framework page)."""
    programme = programme_for(request, pk)
    form = QdcForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        programme_for(request, pk, "learning.change_framework")
        if form.is_valid():
            try:
                codes = refi.parse_qdc(form.cleaned_data["file"])
            except refi.RefiError as error:
                form.add_error("file", str(error))
            else:
                made = act(
                    form,
                    actions.framework_revise,
                    rename={"outline": "file"},
                    by=request.user,
                    programme=programme,
                    codes=codes,
                    why="import",
                )
                if made is not None:
                    messages.success(request, f"Imported as version {made.version}.")
                    return redirect("learning_framework", pk=programme.pk)
    framework = queries.current_framework(programme)
    outline = OutlineForm(
        initial={
            "name": framework.name if framework else "Learning framework",
            "outline": actions.outline_of(framework),
        }
    )
    return render(
        request,
        "learning/framework.html",
        _context(
            request,
            programme,
            framework=framework,
            themes=queries.themes_of(framework),
            versions=programme.frameworks.order_by("-version")[:20],
            form=outline,
            qdc_form=form,
        ),
        status=INVALID if form.is_bound else 200,
    )


@require_GET
@login_required
def framework_qdc(request: AuthedRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk)
    framework = queries.current_framework(programme)
    version = framework.version if framework else 0
    response = HttpResponse(refi.export_qdc(framework), content_type="application/xml")
    response["Content-Disposition"] = (
        f'attachment; filename="framework-{programme.pk}-v{version}.qdc"'
    )
    return response


@require_http_methods(["GET", "POST"])
@login_required
def evaluators_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """The programme's evaluators; its officers add and remove them."""
    programme = programme_for(request, pk)
    form = EvaluatorForm(request.POST or None)
    if request.method == "POST":
        programme_for(request, pk, "learning.manage_evaluators")
        remove = request.POST.get("remove")
        if remove:
            number = remove.isascii() and remove.isdigit()
            user = get_object_or_404(User, pk=remove if number else 0)
            actions.evaluator_remove(by=request.user, programme=programme, user=user)
            messages.success(request, f"{user.name or user.email} is no longer an evaluator.")
            return redirect("learning_evaluators", pk=programme.pk)
        if form.is_valid():
            found = User.objects.filter(
                email__iexact=form.cleaned_data["email"], is_active=True
            ).first()
            if found is None:
                form.add_error("email", "No one has a Joined Up account with this email.")
            else:
                actions.evaluator_add(by=request.user, programme=programme, user=found)
                messages.success(request, f"{found.name or found.email} now evaluates here.")
                return redirect("learning_evaluators", pk=programme.pk)
    return render(
        request,
        "learning/evaluators.html",
        _context(
            request,
            programme,
            form=form,
            evaluators=Evaluator.objects.filter(programme=programme).select_related("user"),
        ),
        status=INVALID if form.is_bound else 200,
    )


def _organisation_choices(programme: Programme) -> list[tuple[int, str]]:
    return [(c.id, c.name) for c in queries.cases_of(programme, CaseKind.ORGANISATION)]


def _partnership_choices(programme: Programme) -> list[tuple[int, str]]:
    return list(
        Partnership.objects.filter(programme=programme).order_by("name").values_list("pk", "name")
    )


@require_http_methods(["GET", "POST"])
@login_required
def sources_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """What may be coded: every registered provider's texts and the documents evaluators
    uploaded; opening one for coding takes its snapshot."""
    programme = programme_for(request, pk)
    partnerships = _partnership_choices(programme)
    organisations = _organisation_choices(programme)
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        partnerships=partnerships,
        organisations=organisations,
    )
    if request.method == "POST":
        programme_for(request, pk, "learning.code")
        if "kind" in request.POST:
            return _take(request, programme)
        if form.is_valid():
            data = form.cleaned_data
            partnership = (
                Partnership.objects.filter(programme=programme, pk=data["case"]).first()
                if data.get("case")
                else None
            )
            source = act(
                form,
                actions.document_upload,
                by=request.user,
                programme=programme,
                title=data["title"],
                text=data["text"],
                partnership=partnership,
                organisation_id=data.get("organisation"),
                hub=partnership.hub if partnership else None,
            )
            if source is not None:
                return redirect("learning_source", pk=programme.pk, source_pk=source.pk)
    sort_form = SourceSortForm(request.GET)
    sort = (sort_form.is_valid() and sort_form.cleaned_data["sort"]) or "newest"
    taken = {
        (s.kind, s.key): s
        for s in Source.objects.filter(programme=programme).only(
            "pk", "kind", "key", "title", "written_at", "partnership", "organisation", "hub"
        )
    }
    cases = _case_names(programme, partnerships, organisations)
    rows = [
        SourceRow(s.title, kind_label("document"), _case_of(cases, s), s.written_at, s)
        for s in taken.values()
        if s.kind == "document"
    ]
    for provider in providers().values():
        for text in provider(programme):
            rows.append(
                SourceRow(
                    text.title,
                    kind_label(text.kind),
                    _case_of(cases, text),
                    text.written_at,
                    taken.get((text.kind, text.key)),
                    text,
                )
            )
    _sort_sources(rows, sort)
    status = 200 if sort_form.is_valid() else INVALID
    return render(
        request,
        "learning/sources.html",
        _context(request, programme, rows=rows, form=form, sort_form=sort_form),
        status=INVALID if form.is_bound else status,
    )


@dataclass(frozen=True)
class SourceRow:
    """One line of the sources list: a text a provider offers, or an uploaded document."""

    title: str
    kind: str
    case: str  # the partnership, organisation or hub it is about, or ""
    written_at: dt.datetime
    taken: Source | None  # its snapshot, once opened for coding
    text: SourceText | None = None  # None for an uploaded document


def _case_names(
    programme: Programme,
    partnerships: list[tuple[int, str]],
    organisations: list[tuple[int, str]],
) -> dict[str, dict[int, str]]:
    hubs = Hub.objects.filter(programme=programme).values_list("pk", "name")
    return {
        "partnership": dict(partnerships),
        "organisation": dict(organisations),
        "hub": dict(hubs),
    }


def _case_of(cases: dict[str, dict[int, str]], source: Source | SourceText) -> str:
    """The case a source is about: its partnership, else its organisation, else its hub."""
    for kind in ("partnership", "organisation", "hub"):
        pk = getattr(source, f"{kind}_id")
        if pk is not None and pk in cases[kind]:
            return cases[kind][pk]
    return ""


def _sort_sources(rows: list[SourceRow], sort: str) -> None:
    """Newest first (the default), oldest first, or by case (those about none last), newest
    first within each; the title breaks ties so the order is the same every time."""
    rows.sort(key=lambda r: r.title.lower())
    rows.sort(key=lambda r: r.written_at, reverse=sort != "oldest")
    if sort == "case":
        rows.sort(key=lambda r: (not r.case, r.case.lower()))


def _take(request: AuthedRequest, programme: Programme) -> HttpResponse:
    kind, key = request.POST.get("kind", ""), request.POST.get("key", "")
    provider = providers().get(kind)
    text = next((t for t in provider(programme) if t.key == key), None) if provider else None
    if text is None:
        raise Http404
    try:
        source = actions.source_take(by=request.user, programme=programme, text=text)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("learning_sources", pk=programme.pk)
    return redirect("learning_source", pk=programme.pk, source_pk=source.pk)


def _segments(text: str, highlights: list[Highlight]) -> list[tuple[str, list[Highlight]]]:
    """The text cut at every highlight's edges, each piece with the highlights over it."""
    cuts = sorted({0, len(text), *(h.start for h in highlights), *(h.end for h in highlights)})
    return [
        (text[a:b], [h for h in highlights if h.start < b and a < h.end])
        for a, b in itertools.pairwise(cuts)
        if b > a
    ]


def supported_names(source: Source) -> list[str]:
    """Names of people supported by the organisations of the source's partnership (or the
    programme's), to warn before coding a passage that names one. Only matched, never shown."""
    from joinedup.referrals.models import Person

    members = Membership.objects.filter(partnership__programme_id=source.programme_id)
    if source.partnership_id:
        members = members.filter(partnership_id=source.partnership_id)
    return list(
        Person.objects.filter(
            organisation_id__in=members.values("organisation_id"), erased_at__isnull=True
        )
        .exclude(name="")
        .values_list("name", flat=True)
    )


@require_http_methods(["GET", "POST"])
@login_required
def source_page(request: AuthedRequest, pk: int, source_pk: int) -> HttpResponse:
    """One source's text with its highlights; evaluators code passages to themes."""
    programme = programme_for(request, pk)
    source = get_object_or_404(Source, programme=programme, pk=source_pk)
    framework = queries.current_framework(programme)
    themes = queries.themes_of(framework)
    form = HighlightForm(request.POST or None, themes=themes, initial={"occurrence": 1})
    found: list[str] = []
    if request.method == "POST":
        programme_for(request, pk, "learning.code")
        if form.is_valid():
            data = form.cleaned_data
            span = locate(source.text, data["passage"], data["occurrence"])
            theme = next((t for t in themes if t.pk == data["theme"]), None)
            if span is None:
                form.add_error(
                    "passage",
                    "This passage is not in the text (or not that many times): copy it exactly.",
                )
            elif theme is not None:
                found = warnings(source.text[span[0] : span[1]], supported_names(source))
                if found and not data["code_anyway"]:
                    form.add_error(
                        "passage",
                        "This passage seems to hold "
                        + ", ".join(found)
                        + ". Coding is about what was learnt, "
                        "never about who was supported: choose a shorter passage, or "
                        "tick “code it anyway” if it names no one being supported.",
                    )
                else:
                    made = act(
                        form,
                        actions.highlight_create,
                        by=request.user,
                        source=source,
                        theme=theme,
                        start=span[0],
                        end=span[1],
                    )
                    if made is not None:
                        messages.success(request, f"Coded to {theme.name}.")
                        return redirect("learning_source", pk=programme.pk, source_pk=source.pk)
    highlights = queries.source_with_highlights(source)
    for h in highlights:
        h.removable = removes(request.user, h)  # type: ignore[attr-defined]
    return render(
        request,
        "learning/source.html",
        _context(
            request,
            programme,
            source=source,
            kind=kind_label(source.kind),
            form=form,
            themes=themes,
            highlights=highlights,
            segments=_segments(source.text, highlights),
            found=found,
        ),
        status=INVALID if form.is_bound else 200,
    )


def removes(user: Any, highlight: Highlight) -> bool:
    """An evaluator removes only their own codings (others' count in the two-coder agreement
    figures); one whose coder's account is gone, any evaluator; a superuser, any."""
    return user.is_superuser or highlight.coder_id in (user.pk, None)


@require_http_methods(["GET", "POST"])
@login_required
def highlight_delete(request: AuthedRequest, pk: int, highlight_pk: int) -> HttpResponse:
    """GET asks first; POST removes. Only the coder's own coding (`removes`)."""
    programme = programme_for(request, pk, "learning.code")
    highlight = get_object_or_404(
        Highlight.objects.select_related("source", "theme"),
        source__programme=programme,
        pk=highlight_pk,
    )
    if not removes(request.user, highlight):
        raise PermissionDenied
    if request.method == "GET":
        return confirm_page(
            request,
            title=f"Remove your coding “{highlight.theme.name}”?",
            happens=[
                f"The passage “{highlight.passage}” in {highlight.source.title} is no longer "
                f"coded to {highlight.theme.name} by you; the matrix and the agreement "
                "between coders are counted without it.",
                "To code it again, choose the passage and the theme on the source's page.",
            ],
            button="Remove my coding",
            back=reverse("learning_source", args=[programme.pk, highlight.source_id]),
        )
    actions.highlight_delete(by=request.user, highlight=highlight)
    messages.success(request, "Highlight removed.")
    return redirect("learning_source", pk=programme.pk, source_pk=highlight.source_id)


@require_http_methods(["GET", "POST"])
@login_required
def cell_page(request: AuthedRequest, pk: int, theme_pk: int, case_pk: int) -> HttpResponse:
    """One cell: its evidence, and the analyst's summary resting on chosen highlights."""
    programme = programme_for(request, pk)
    kind = case_kind(request.GET.get("cases") or request.POST.get("cases"))
    m = queries.matrix(programme, kind, only_case=case_pk)
    theme = next((t for t in m.themes if t.pk == theme_pk), None)
    if theme is None or not m.cases:
        raise Http404
    c = m.cells[(case_pk, theme.guid)]
    evidence = list(
        Highlight.objects.filter(pk__in=c.highlights)
        .select_related("source", "theme", "coder")
        .order_by("source", "start")
    )
    form = SummaryForm(
        request.POST or None,
        highlights=evidence,
        initial={"text": c.summary.text if c.summary else "", "highlights": c.summary_rests_on},
    )
    if request.method == "POST":
        programme_for(request, pk, "learning.code")
        if form.is_valid():
            chosen = [h for h in evidence if h.pk in form.cleaned_data["highlights"]]
            made = act(
                form,
                actions.summary_write,
                by=request.user,
                programme=programme,
                case_kind=kind,
                case_id=case_pk,
                theme=theme,
                text=form.cleaned_data["text"],
                highlights=chosen,
            )
            if made is not None:
                messages.success(request, "Summary saved.")
                return redirect(reverse("learning_matrix", args=[programme.pk]) + f"?cases={kind}")
    return render(
        request,
        "learning/cell.html",
        _context(
            request,
            programme,
            m=m,
            cell=c,
            theme=theme,
            case=m.cases[0],
            evidence=evidence,
            form=form,
            kind=kind,
        ),
        status=INVALID if form.is_bound else 200,
    )


@require_GET
@login_required
def export_csv(request: AuthedRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk)
    kind = case_kind(request.GET.get("cases"))
    out = io.StringIO()
    writer = csv.writer(out)
    for row in exports.long_rows(queries.matrix(programme, kind)):
        writer.writerow([cell(v) for v in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="learning-{programme.pk}-{kind}.csv"'
    return response


def export_check_xlsx(request: AuthedRequest, params: Mapping[str, Any]) -> Asked:
    """Who may export the matrix: whoever sees the programme's learning (`programme_for`)."""
    programme = programme_for(request, int(params["programme"]))
    kind = params.get("cases") or CaseKind.PARTNERSHIP
    if kind not in CaseKind.values:
        raise ValidationError(f"cases must be one of {', '.join(CaseKind.values)}.")
    return Asked(
        {"programme": programme.pk, "cases": kind},
        f"The learning matrix of {programme.name} ({CaseKind(kind).label.lower()}) as a workbook",
        reverse("learning_matrix", args=[programme.pk]) + f"?cases={kind}",
    )


def export_check_qdpx(request: AuthedRequest, params: Mapping[str, Any]) -> Asked:
    programme = programme_for(request, int(params["programme"]))
    return Asked(
        {"programme": programme.pk},
        f"The learning of {programme.name} as a REFI-QDA project (.qdpx)",
        reverse("learning_matrix", args=[programme.pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def export_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The matrix as an Excel workbook, prepared by a job (`exports.xlsx_file`)."""
    return start(request, "learning-xlsx", {"programme": pk, "cases": request.GET.get("cases")})


@require_http_methods(["GET", "POST"])
@login_required
def export_qdpx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The coded sources as a REFI-QDA project, prepared by a job (`exports.qdpx_file`)."""
    return start(request, "learning-qdpx", {"programme": pk})
