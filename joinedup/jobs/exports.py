"""Files built by a job instead of in the request: one mechanism for every export that may take
longer than a page should (the directory in HSDS, the learning matrix's workbook and REFI-QDA
project, the programme view's CSV, a partnership's health report).

Each kind names two functions of its own app:

- `check(request, params) -> Asked`: the access check of the page the export is asked for on
  (the same helper that page calls: 404 to whoever may not see it, 403 to whoever may look but
  not export) and the validation of its parameters (`ValidationError`: answered 422). It runs
  when the export is asked for and again on its status page and its download, so someone who
  has lost access since cannot fetch what they asked for earlier.
- `build(params, user) -> Built`: the file, in the worker, seen as `user` sees it.

A page asks through `start` (GET: a page with the button; POST: the export is asked for and its
job queued in the same transaction, then the status page). The status page polls (htmx) until
the file is ready and offers it; only the person who asked, or a superuser, sees it. Files are
removed `JOINEDUP_EXPORT_HOURS` after they were made by the scheduled cleanup
(`tasks.cleanup`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string

from joinedup.jobs.models import ExportRun

INVALID = 422


@dataclass(frozen=True)
class Asked:
    params: dict[str, Any]  # cleaned, JSON
    label: str  # "The directory as HSDS 3.0 JSON"
    back: str  # the page it was asked for on


@dataclass(frozen=True)
class Built:
    content: bytes
    filename: str
    content_type: str


@dataclass(frozen=True)
class Kind:
    check: str
    build: str

    def checked(self, request: HttpRequest, params: Mapping[str, Any]) -> Asked:
        check: Callable[[HttpRequest, Mapping[str, Any]], Asked] = import_string(self.check)
        return check(request, params)

    def built(self, params: dict[str, Any], user: Any) -> Built:
        build: Callable[[dict[str, Any], Any], Built] = import_string(self.build)
        return build(params, user)


KINDS = {
    "directory-hsds": Kind(
        "joinedup.directory.views.export_check", "joinedup.directory.exporter.export_file"
    ),
    "learning-xlsx": Kind(
        "joinedup.learning.views.export_check_xlsx", "joinedup.learning.exports.xlsx_file"
    ),
    "learning-qdpx": Kind(
        "joinedup.learning.views.export_check_qdpx", "joinedup.learning.exports.qdpx_file"
    ),
    "programme-csv": Kind(
        "joinedup.health.views_programme.export_check", "joinedup.health.programme.csv_file"
    ),
    "health-report": Kind(
        "joinedup.health.views_evidence.report_check", "joinedup.health.views_evidence.report_file"
    ),
}


def start(request: HttpRequest, kind: str, params: Mapping[str, Any]) -> HttpResponse:
    """The view of an export's own address: GET shows what will be prepared and a button; POST
    asks for it and goes to its status page. Access and parameters are checked first, as the
    source page checks them."""
    from joinedup.jobs.actions import export_run_create

    try:
        asked = KINDS[kind].checked(request, params)
    except ValidationError as error:
        return render(request, "jobs/export_start.html", {"errors": error.messages}, status=INVALID)
    if request.method == "POST":
        run = export_run_create(by=request.user, kind=kind, params=asked.params)
        return redirect("export_run", pk=run.pk)
    return render(
        request,
        "jobs/export_start.html",
        {"asked": asked, "hours": settings.JOINEDUP_EXPORT_HOURS},
    )


def visible(request: HttpRequest, pk: Any) -> tuple[ExportRun, Asked]:
    """The export `pk` if the person asked for it (or is a superuser) and may still see the page
    it came from; else 404."""
    runs = ExportRun.objects.select_related("requested_by")
    if not request.user.is_superuser:
        runs = runs.filter(requested_by=request.user.pk)
    run = runs.filter(pk=pk).first()
    if run is None or run.kind not in KINDS:
        raise Http404
    try:
        asked = KINDS[run.kind].checked(request, run.params)
    except ValidationError:
        raise Http404 from None
    return run, asked
