"""The matrix as a long CSV and an XLSX workbook, and the programme's coding as REFI-QDA data.

XLSX is written with **openpyxl**: well kept (since 2010, MIT-licensed, pure Python), and it
also reads workbooks back, which the tests use; XlsxWriter writes only."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch

from joinedup.accounts.models import User
from joinedup.jobs.exports import Built
from joinedup.learning.models import CaseKind, Highlight, Source, Summary
from joinedup.learning.queries import NOT_MENTIONED, Matrix, cases_of, current_framework
from joinedup.learning.refi import ProjectData
from joinedup.lib.spreadsheet import cell as defuse
from joinedup.programmes.models import Programme

HEADER = [
    "case_kind",
    "case_id",
    "case",
    "category",
    "theme",
    "evidence",
    "sources",
    "coders",
    "summary",
    "summary_stale",
    "status",
]


def long_rows(m: Matrix) -> Iterator[list[Any]]:
    """One row per cell (case × theme): the long format spreadsheets and R read best."""
    yield HEADER
    for case, cells in m.rows:
        for c in cells:
            yield [
                m.case_kind,
                case.id,
                case.name,
                c.theme.category.name if c.theme.category else "",
                c.theme.name,
                c.count,
                "; ".join(sorted(m.sources[s] for s in c.sources)),
                "; ".join(sorted(m.coders.get(u) or f"Coder {u}" for u in c.coders)),
                c.summary.text if c.summary else "",
                "yes" if c.stale else "",
                "mentioned" if c.mentioned else NOT_MENTIONED,
            ]


def xlsx(m: Matrix) -> bytes:
    """Two sheets: the matrix as users read it (counts, "not mentioned"), and the long rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    grid = wb.active
    grid.title = "Matrix"
    grid.append([defuse(v) for v in ["Case", *(t.name for t in m.themes)]])
    for cell in grid[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for case, cells in m.rows:
        grid.append(
            [defuse(case.name), *(c.count if c.mentioned else NOT_MENTIONED for c in cells)]
        )
    grid.freeze_panes = "B2"
    long = wb.create_sheet("Long")
    for row in long_rows(m):
        long.append([defuse(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def project_data(programme: Programme) -> ProjectData:
    """Everything a `.qdpx` holds: the current codebook, the coders, the sources with their
    highlights coded to its themes, partnerships as cases and the summaries as notes."""
    framework = current_framework(programme)
    themes = {t.guid: t for t in framework.themes.all()} if framework else {}
    coded = Highlight.objects.filter(theme__guid__in=list(themes)).select_related("theme")
    sources = list(
        Source.objects.filter(programme=programme)
        .prefetch_related(Prefetch("highlights", queryset=coded.order_by("start", "end")))
        .order_by("written_at", "pk")
    )
    by_partnership: dict[int, list[Source]] = {}
    for s in sources:
        if s.partnership_id:
            by_partnership.setdefault(s.partnership_id, []).append(s)
    cases = [
        (str(_case_guid(c.id)), c.name, by_partnership.get(c.id, []))
        for c in cases_of(programme, CaseKind.PARTNERSHIP)
    ]
    coder_ids = {h.coder_id for s in sources for h in s.highlights.all() if h.coder_id}
    summaries = list(
        Summary.objects.filter(programme=programme, theme_guid__in=list(themes)).prefetch_related(
            "highlights"
        )
    )
    coder_ids |= {s.written_by_id for s in summaries if s.written_by_id}
    names = {c.id: c.name for kind in (CaseKind.PARTNERSHIP,) for c in cases_of(programme, kind)}
    notes = [
        (
            s,
            f"{themes[s.theme_guid].name} — "
            f"{names.get(s.case_id, s.case_kind + ' ' + str(s.case_id))}",
            [h for h in s.highlights.all() if h.theme.guid in themes],
        )
        for s in summaries
    ]
    return ProjectData(
        name=f"{programme.name}: {framework.name} (version {framework.version})"
        if framework
        else programme.name,
        framework=framework,
        users=list(User.objects.filter(pk__in=coder_ids).order_by("pk")),
        sources=sources,
        cases=cases,
        summaries=notes,
        themes_by_guid={str(k): v for k, v in themes.items()},
    )


def _case_guid(partnership_id: int) -> Any:
    import uuid

    return uuid.uuid5(uuid.NAMESPACE_URL, f"joinedup:partnership:{partnership_id}")


def xlsx_file(params: dict[str, Any], user: Any) -> Built:
    """The export job's workbook of the matrix (`jobs.exports`)."""
    from joinedup.learning.queries import matrix

    programme = Programme.objects.get(pk=params["programme"])
    kind = params["cases"]
    return Built(
        xlsx(matrix(programme, kind)),
        f"learning-{programme.pk}-{kind}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def qdpx_file(params: dict[str, Any], user: Any) -> Built:
    """The export job's REFI-QDA project (`jobs.exports`)."""
    from joinedup.learning.refi import export_qdpx

    programme = Programme.objects.get(pk=params["programme"])
    return Built(
        export_qdpx(project_data(programme)), f"learning-{programme.pk}.qdpx", "application/zip"
    )
