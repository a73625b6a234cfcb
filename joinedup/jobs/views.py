"""Messages not delivered: the emails every try of which failed, for an organisation's admins
and managers (and, for every organisation and those of none, superusers), with a way to try
again; and the status page and download of an export (`exports`)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from joinedup.access import get_for
from joinedup.http import AuthedRequest
from joinedup.jobs import actions, exports
from joinedup.jobs.models import ExportState, OutgoingMessage
from joinedup.partnerships.models import Organisation

SHOWN = 200  # the newest this many; older ones are in the log


def _managed(request: HttpRequest, pk: int) -> Organisation:
    return get_for(request.user, Organisation, perm="partnerships.change_organisation", pk=pk)


@login_required
def undelivered(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _managed(request, pk)
    failed = OutgoingMessage.objects.filter(
        organisation=organisation, status=OutgoingMessage.FAILED
    ).order_by("-failed_at", "-pk")[:SHOWN]
    return render(
        request,
        "jobs/undelivered.html",
        {"organisation": organisation, "failed": failed, "shown": SHOWN},
    )


@login_required
def undelivered_all(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise Http404
    failed = (
        OutgoingMessage.objects.filter(status=OutgoingMessage.FAILED)
        .select_related("organisation")
        .order_by("-failed_at", "-pk")[:SHOWN]
    )
    return render(
        request, "jobs/undelivered.html", {"organisation": None, "failed": failed, "shown": SHOWN}
    )


@require_POST
@login_required
def retry(request: HttpRequest, message_pk: int) -> HttpResponse:
    message = OutgoingMessage.objects.filter(pk=message_pk).first()
    if message is None:
        raise Http404
    if message.organisation_id is not None:
        _managed(request, message.organisation_id)
    elif not request.user.is_superuser:
        raise Http404
    try:
        actions.message_retry(by=request.user, message=message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{message.subject}” will be sent again in a moment.")
    if message.organisation_id is not None and request.POST.get("back") != "all":
        return redirect("messages_undelivered", pk=message.organisation_id)
    return redirect("messages_undelivered_all")


@require_GET
@login_required
def export_run(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    """How an export is going; the download once it is ready. While it is prepared the page
    polls its status fragment (htmx), which stops polling once it has finished."""
    run, asked = exports.visible(request, pk)
    context = {"run": run, "asked": asked}
    if request.htmx:
        return render(request, "jobs/export_run.html#status", context)
    return render(request, "jobs/export_run.html", context)


@require_GET
@login_required
def export_download(request: AuthedRequest, pk: uuid.UUID) -> FileResponse:
    run, _ = exports.visible(request, pk)
    if run.state != ExportState.DONE or not run.file:
        raise Http404
    return FileResponse(
        run.file.open("rb"),
        as_attachment=True,
        filename=run.filename,
        content_type=run.content_type,
    )
