"""Reads for the learning framework, coding and the matrix (l-coding).

The matrix is read in a fixed number of queries whatever the number of cases, themes and
highlights: the framework's themes, the cases, every highlight of the programme (as values),
the summaries with the highlights they rest on, and the coders' names — then counted in Python.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch

from joinedup.accounts.models import User
from joinedup.learning.models import CaseKind, Framework, Highlight, Source, Summary, Theme
from joinedup.partnerships.models import Membership, Organisation, Partnership
from joinedup.programmes.models import Hub, Programme

NOT_MENTIONED = "not mentioned"


def current_framework(programme: Programme) -> Framework | None:
    return Framework.objects.filter(programme=programme).order_by("-version").first()


def themes_of(framework: Framework | None) -> list[Theme]:
    if framework is None:
        return []
    return list(
        framework.themes.select_related("category").order_by("category__order", "order", "name")
    )


@dataclass
class Case:
    kind: str
    id: int
    name: str
    url: str = ""


@dataclass
class Cell:
    case: Case
    theme: Theme
    highlights: list[int] = field(default_factory=list)  # Highlight ids
    sources: set[int] = field(default_factory=set)
    coders: set[int] = field(default_factory=set)
    latest: dt.datetime | None = None
    summary: Summary | None = None
    summary_rests_on: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.highlights)

    @property
    def mentioned(self) -> bool:
        return bool(self.highlights)

    @property
    def stale(self) -> bool:
        """A summary written before the cell's newest evidence."""
        return bool(self.summary and self.latest and self.latest > self.summary.written_at)


@dataclass
class Matrix:
    programme: Programme
    framework: Framework | None
    case_kind: str
    cases: list[Case]
    themes: list[Theme]
    cells: dict[tuple[int, uuid.UUID], Cell]
    coders: dict[int, str]
    sources: dict[int, str]  # id → title

    def row(self, case: Case) -> list[Cell]:
        return [self.cells[(case.id, t.guid)] for t in self.themes]

    def column(self, theme: Theme) -> list[Cell]:
        return [self.cells[(c.id, theme.guid)] for c in self.cases]

    @property
    def rows(self) -> list[tuple[Case, list[Cell]]]:
        return [(c, self.row(c)) for c in self.cases]

    def theme_totals(self) -> list[tuple[Theme, int]]:
        return [(t, sum(c.count for c in self.column(t))) for t in self.themes]


def cases_of(programme: Programme, kind: str) -> list[Case]:
    if kind == CaseKind.ORGANISATION:
        orgs = Organisation.objects.filter(
            pk__in=Membership.objects.current()
            .filter(partnership__programme=programme)
            .values("organisation_id")
        ).order_by("name")
        return [Case(kind, o.pk, o.name, o.get_absolute_url()) for o in orgs]
    if kind == CaseKind.HUB:
        return [
            Case(kind, h.pk, h.name, h.get_absolute_url())
            for h in Hub.objects.filter(programme=programme).order_by("name")
        ]
    return [
        Case(kind, p.pk, p.name, p.get_absolute_url())
        for p in Partnership.objects.filter(programme=programme).order_by("name")
    ]


def matrix(
    programme: Programme, kind: str = CaseKind.PARTNERSHIP, *, only_case: int | None = None
) -> Matrix:
    """Cases × themes of `programme`'s current framework; seven queries."""
    if kind not in CaseKind.values:
        kind = CaseKind.PARTNERSHIP
    framework = current_framework(programme)  # 1
    themes = themes_of(framework)  # 2
    cases = cases_of(programme, kind)  # 3
    if only_case is not None:
        cases = [c for c in cases if c.id == only_case]
    cells = {(c.id, t.guid): Cell(c, t) for c in cases for t in themes}
    rows = Highlight.objects.filter(source__programme=programme).values_list(  # 4
        "pk",
        "source_id",
        "source__title",
        "source__partnership_id",
        "source__organisation_id",
        "source__hub_id",
        "source__partnership__hub_id",
        "theme__guid",
        "coder_id",
        "coded_at",
    )
    sources: dict[int, str] = {}
    for pk, source, title, part, org, hub, part_hub, guid, coder, at in rows:
        case_id = (
            org
            if kind == CaseKind.ORGANISATION
            else (hub or part_hub)
            if kind == CaseKind.HUB
            else part
        )
        cell = cells.get((case_id, guid))
        if cell is None:
            continue
        sources[source] = title
        cell.highlights.append(pk)
        cell.sources.add(source)
        if coder:
            cell.coders.add(coder)
        if cell.latest is None or at > cell.latest:
            cell.latest = at
    summaries = Summary.objects.filter(programme=programme, case_kind=kind).prefetch_related(
        Prefetch("highlights", queryset=Highlight.objects.only("pk"))
    )  # 5, 6
    for summary in summaries:
        cell = cells.get((summary.case_id, summary.theme_guid))
        if cell is not None:
            cell.summary = summary
            cell.summary_rests_on = [h.pk for h in summary.highlights.all()]
    coder_ids = {c for cell in cells.values() for c in cell.coders}
    coders = dict(User.objects.filter(pk__in=coder_ids).values_list("pk", "name"))  # 7
    return Matrix(programme, framework, kind, cases, themes, cells, coders, sources)


def most_evidenced_themes(programme: Programme, limit: int = 5) -> list[Theme]:
    """The current framework's themes with the most coded evidence, most first, each with
    `evidence` (its number of highlights, counted across framework versions by theme guid);
    themes with none are left out. Two queries."""
    framework = current_framework(programme)
    if framework is None:
        return []
    counts = dict(
        Highlight.objects.filter(source__programme=programme)
        .values_list("theme__guid")
        .annotate(n=Count("pk"))
        .values_list("theme__guid", "n")
    )
    themes = [t for t in framework.themes.all() if counts.get(t.guid)]
    for t in themes:
        t.evidence = counts[t.guid]  # type: ignore[attr-defined]
    themes.sort(key=lambda t: (-t.evidence, t.name))  # type: ignore[attr-defined]
    return themes[:limit]


def learning_column(programme: Programme, theme_guid: uuid.UUID | None) -> dict[int, int]:
    """{partnership id: highlights coded to the theme (to any theme, without one)}; one query."""
    qs = Highlight.objects.filter(source__programme=programme, source__partnership__isnull=False)
    if theme_guid is not None:
        qs = qs.filter(theme__guid=theme_guid)
    return dict(
        qs.values_list("source__partnership_id")
        .annotate(n=Count("pk"))
        .values_list("source__partnership_id", "n")
    )


@dataclass
class Agreement:
    theme: Theme
    overlapping: int  # pairs of overlapping highlights (one by each coder) touching the theme
    same: int  # of those, pairs where both coded it to this theme

    @property
    def share(self) -> float | None:
        return self.same / self.overlapping if self.overlapping else None


def agreement(
    programme: Programme, themes: list[Theme], coder_a: int, coder_b: int
) -> list[Agreement]:
    """Agreement between two coders per theme: of the pairs of overlapping highlights (one by
    each coder, in the same source) where either coded the theme, the share where both did.
    One query."""
    rows = list(
        Highlight.objects.filter(
            source__programme=programme, coder_id__in=[coder_a, coder_b]
        ).values_list("coder_id", "source_id", "start", "end", "theme__guid")
    )
    a_rows = [r for r in rows if r[0] == coder_a]
    b_rows = [r for r in rows if r[0] == coder_b]
    by_source: dict[int, list[Any]] = defaultdict(list)
    for r in b_rows:
        by_source[r[1]].append(r)
    overlapping: dict[uuid.UUID, int] = defaultdict(int)
    same: dict[uuid.UUID, int] = defaultdict(int)
    for _, source, start, end, guid in a_rows:
        for _, _, s2, e2, guid2 in by_source[source]:
            if start < e2 and s2 < end:
                for g in {guid, guid2}:
                    overlapping[g] += 1
                if guid == guid2:
                    same[guid] += 1
    return [Agreement(t, overlapping[t.guid], same[t.guid]) for t in themes]


def coders_of(programme: Programme) -> list[tuple[int, str, int]]:
    """(user id, name, highlights) of everyone who has coded here, most first."""
    return [
        (row["coder_id"], row["coder__name"] or f"Coder {row['coder_id']}", row["n"])
        for row in Highlight.objects.filter(source__programme=programme, coder__isnull=False)
        .values("coder_id", "coder__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "coder_id")
    ]


def source_with_highlights(source: Source) -> list[Highlight]:
    return list(source.highlights.select_related("theme", "coder").order_by("start", "end"))


@dataclass
class LearningColumn:
    """The programme page's learning column: one theme (or all) across its partnerships."""

    themes: list[Theme]
    theme: Theme | None
    counts: dict[int, int]


def programme_column(
    user: Any, programme: Programme, theme_pk: str | None
) -> LearningColumn | None:
    """For those who see the programme's learning (its evaluators and officers), else None.
    Three queries."""
    from joinedup.access import may

    if not may(user, "learning.view_learning", programme):
        return None
    framework = current_framework(programme)
    themes = list(framework.themes.order_by("order", "name")) if framework else []
    theme = next((t for t in themes if str(t.pk) == (theme_pk or "")), None)
    return LearningColumn(themes, theme, learning_column(programme, theme.guid if theme else None))
