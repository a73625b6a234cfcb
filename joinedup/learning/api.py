"""API for a programme's learning: its framework, sources, codings and matrix (l-coding),
under the pages' rules: 404 to anyone who does not see the programme's learning, 403 to an
officer who sees it but may not code."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from joinedup.access import may
from joinedup.api.common import MAX_ID, NO_NUL, Id, In, Name
from joinedup.api.errors import error_responses
from joinedup.learning import actions, queries
from joinedup.learning.models import CaseKind, Highlight, Source
from joinedup.learning.refi import CodeIn
from joinedup.learning.text import warnings
from joinedup.programmes.models import Programme

router = Router(tags=["learning"])
Description = Annotated[str, Field(max_length=5000, pattern=NO_NUL)]


class ThemeOut(Schema):
    id: int
    guid: uuid.UUID
    name: str
    description: str
    category: str | None
    color: str


class FrameworkOut(Schema):
    id: int
    version: int
    name: str
    created_at: dt.datetime
    themes: list[ThemeOut]


class ThemeIn(In):
    name: Name
    description: Description = ""


class CategoryIn(In):
    name: Name
    themes: list[ThemeIn] = Field(..., min_length=1, max_length=200)


class FrameworkIn(In):
    name: Name = "Learning framework"
    categories: list[CategoryIn] = Field(default_factory=list, max_length=100)
    themes: list[ThemeIn] = Field(
        default_factory=list, max_length=200, description="Themes outside any category."
    )


class SourceOut(Schema):
    id: int
    kind: str
    title: str
    written_at: dt.datetime
    partnership_id: int | None
    organisation_id: int | None
    hub_id: int | None
    length: int = Field(description="In Unicode code points: the unit of coding positions.")
    text: str


class CodingOut(Schema):
    id: int
    source_id: int
    theme_id: int
    theme_guid: uuid.UUID
    start: int
    end: int
    passage: str
    coder_id: int | None
    coded_at: dt.datetime


class CodingIn(In):
    source_id: StrictInt = Field(..., ge=1, le=MAX_ID)
    theme_id: StrictInt = Field(..., ge=1, le=MAX_ID)
    start: StrictInt = Field(..., ge=0, description="Unicode code point, counted from 0.")
    end: StrictInt = Field(..., ge=1, description="Unicode code point after the passage.")
    code_anyway: StrictBool = Field(
        False,
        description="The passage seems to hold a name or contact detail: code it anyway "
        "(without this, such a passage is refused with 422 naming what it holds).",
    )


class CellOut(Schema):
    case_id: int
    theme_id: int
    evidence: int
    mentioned: bool
    source_ids: list[int]
    coder_ids: list[int]
    summary: str | None
    summary_written_at: dt.datetime | None
    summary_highlight_ids: list[int]
    stale: bool


class CaseOut(Schema):
    id: int
    name: str


class MatrixOut(Schema):
    framework_version: int | None
    case_kind: CaseKind
    cases: list[CaseOut]
    themes: list[ThemeOut]
    cells: list[CellOut]


class MatrixParams(Schema):
    cases: Literal["partnership", "organisation", "hub"] = "partnership"


def _programme(request: HttpRequest, pk: int, perm: str = "") -> Programme:
    programme = Programme.objects.filter(pk=pk).first()
    if programme is None or not may(request.user, "learning.view_learning", programme):
        raise Http404
    if perm and not may(request.user, perm, programme):
        raise PermissionDenied
    return programme


def _theme_out(t: Any) -> dict[str, Any]:
    return {
        "id": t.pk,
        "guid": t.guid,
        "name": t.name,
        "description": t.description,
        "category": t.category.name if t.category else None,
        "color": t.color,
    }


def _framework_out(framework: Any) -> dict[str, Any]:
    return {
        "id": framework.pk,
        "version": framework.version,
        "name": framework.name,
        "created_at": framework.created_at,
        "themes": [_theme_out(t) for t in queries.themes_of(framework)],
    }


@router.get("/programmes/{pk}/framework", response={200: FrameworkOut, **error_responses(404)})
def framework_get(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """The programme's framework of themes, current version (404 if it has none)."""
    framework = queries.current_framework(_programme(request, pk))
    if framework is None:
        raise Http404
    return _framework_out(framework)


@router.post(
    "/programmes/{pk}/framework", response={201: FrameworkOut, **error_responses(403, 404, 409)}
)
def framework_post(request: HttpRequest, pk: Id, payload: FrameworkIn) -> Status[dict[str, Any]]:
    """A new version of the framework (evaluators and officers). A theme that keeps its name
    keeps its guid, and the evidence coded to it."""
    programme = _programme(request, pk, "learning.change_framework")
    codes = [
        CodeIn(
            name=c.name,
            codable=False,
            children=[CodeIn(name=t.name, description=t.description) for t in c.themes],
        )
        for c in payload.categories
    ] + [CodeIn(name=t.name, description=t.description) for t in payload.themes]
    framework = actions.framework_revise(
        by=request.user, programme=programme, codes=codes, name=payload.name
    )
    return Status(201, _framework_out(framework))


@router.get("/programmes/{pk}/sources", response={200: list[SourceOut], **error_responses(404)})
def sources_list(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    """The sources opened for coding, with the normalised text positions count over."""
    programme = _programme(request, pk)
    return [
        {
            "id": s.pk,
            "kind": s.kind,
            "title": s.title,
            "written_at": s.written_at,
            "partnership_id": s.partnership_id,
            "organisation_id": s.organisation_id,
            "hub_id": s.hub_id,
            "length": len(s.text),
            "text": s.text,
        }
        for s in Source.objects.filter(programme=programme).order_by("-written_at", "pk")
    ]


def _coding_out(h: Highlight) -> dict[str, Any]:
    return {
        "id": h.pk,
        "source_id": h.source_id,
        "theme_id": h.theme_id,
        "theme_guid": h.theme.guid,
        "start": h.start,
        "end": h.end,
        "passage": h.passage,
        "coder_id": h.coder_id,
        "coded_at": h.coded_at,
    }


@router.get("/programmes/{pk}/codings", response={200: list[CodingOut], **error_responses(404)})
def codings_list(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    """Every coded passage of the programme."""
    programme = _programme(request, pk)
    return [
        _coding_out(h)
        for h in Highlight.objects.filter(source__programme=programme)
        .select_related("source", "theme")
        .order_by("source_id", "start", "pk")
    ]


@router.post(
    "/programmes/{pk}/codings", response={201: CodingOut, **error_responses(403, 404, 409)}
)
def codings_create(request: HttpRequest, pk: Id, payload: CodingIn) -> Status[dict[str, Any]]:
    """Code a passage [start, end) of a source to a theme of the current framework
    (evaluators)."""
    programme = _programme(request, pk, "learning.code")
    source = Source.objects.filter(programme=programme, pk=payload.source_id).first()
    if source is None:
        raise ValidationError({"source_id": "No such source in this programme."})
    framework = queries.current_framework(programme)
    theme = framework.themes.filter(pk=payload.theme_id).first() if framework else None
    if theme is None:
        raise ValidationError({"theme_id": "No such theme in the framework's current version."})
    if not 0 <= payload.start < payload.end <= len(source.text):
        raise ValidationError({"end": f"A passage runs within 0–{len(source.text)}, not empty."})
    if not payload.code_anyway:
        from joinedup.learning.views import supported_names

        found = warnings(source.text[payload.start : payload.end], supported_names(source))
        if found:
            raise ValidationError({"start": "The passage seems to hold " + ", ".join(found) + "."})
    highlight = actions.highlight_create(
        by=request.user, source=source, theme=theme, start=payload.start, end=payload.end
    )
    return Status(201, _coding_out(highlight))


@router.post(
    "/programmes/{pk}/codings/{coding_pk}/remove",
    response={204: None, **error_responses(403, 404)},
)
def codings_delete(request: HttpRequest, pk: Id, coding_pk: Id) -> Status[None]:
    """Remove a coded passage (evaluators)."""
    programme = _programme(request, pk)
    highlight = (
        Highlight.objects.select_related("source", "theme")
        .filter(source__programme=programme, pk=coding_pk)
        .first()
    )
    if highlight is None:
        raise Http404
    _programme(request, pk, "learning.code")
    actions.highlight_delete(by=request.user, highlight=highlight)
    return Status(204, None)


@router.get("/programmes/{pk}/matrix", response={200: MatrixOut, **error_responses(404)})
def matrix_get(request: HttpRequest, pk: Id, params: Query[MatrixParams]) -> dict[str, Any]:
    """Cases × themes: evidence count, sources, coders, the summary and its stale flag. A cell
    with no evidence has `mentioned: false` (the pages say "not mentioned")."""
    m = queries.matrix(_programme(request, pk), params.cases)
    return {
        "framework_version": m.framework.version if m.framework else None,
        "case_kind": m.case_kind,
        "cases": [{"id": c.id, "name": c.name} for c in m.cases],
        "themes": [_theme_out(t) for t in m.themes],
        "cells": [
            {
                "case_id": c.case.id,
                "theme_id": c.theme.pk,
                "evidence": c.count,
                "mentioned": c.mentioned,
                "source_ids": sorted(c.sources),
                "coder_ids": sorted(c.coders),
                "summary": c.summary.text if c.summary else None,
                "summary_written_at": c.summary.written_at if c.summary else None,
                "summary_highlight_ids": sorted(c.summary_rests_on),
                "stale": c.stale,
            }
            for _, cells in m.rows
            for c in cells
        ],
    }
