"""Directory pages: search, a service, keeping listings true, and the leads' tools (import,
export, duplicates). Check access, validate, act, respond."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from joinedup.access import acting_for, acts_for, get_for, partnerships_visible_to
from joinedup.confirm import confirm_page, is_confirmed
from joinedup.directory import actions
from joinedup.directory.duplicates import duplicate_organizations, duplicate_services
from joinedup.directory.forms import (
    ImportForm,
    MergeForm,
    NewServiceForm,
    ReportForm,
    ResolveForm,
    SearchForm,
    ServiceForm,
)
from joinedup.directory.models import (
    Attribute,
    ListingReport,
    Location,
    Organization,
    ReferralMethod,
    Service,
    ServiceAtLocation,
)
from joinedup.directory.queries import (
    PROBLEMS_SHOWN,
    Viewer,
    imports_visible_to,
    recent_imports,
    services_visible_to,
    viewer,
    write_problems,
)
from joinedup.directory.search import find, km_between, paginator
from joinedup.forms import act, merging
from joinedup.http import AuthedRequest
from joinedup.jobs import exports
from joinedup.partnerships.models import Membership, Organisation
from joinedup.referrals.queries import acceptance_rates
from joinedup.versions import Stale

INVALID = 422
CONFLICT = 409
PER_PAGE = 20
VIEW = "directory.view_service"
CHANGE = "directory.change_service"


def _needs_of(ids: list[Any]) -> dict[Any, list[str]]:
    needs: dict[Any, list[str]] = {}
    for link_id, name in Attribute.objects.filter(
        link_id__in=ids, link_entity="service"
    ).values_list("link_id", "taxonomy_term__name"):
        needs.setdefault(link_id, []).append(name)
    return needs


def _places(services: list[Service], seer: Viewer) -> dict[Any, list[Any]]:
    """The locations of each service, with the address only where the viewer may see it."""
    sals = (
        ServiceAtLocation.objects.filter(service__in=services)
        .select_related("location__organization")
        .prefetch_related("location__addresses")
    )
    by_service = {s.pk: s for s in services}
    places: dict[Any, list[Any]] = {}
    for sal in sals:
        service = by_service[sal.service_id]
        shown = seer.sees_location(sal.location, service)
        places.setdefault(sal.service_id, []).append((sal.location, shown))
    return places


@require_GET
@login_required
def directory_search(request: AuthedRequest) -> HttpResponse:
    partnerships = partnerships_visible_to(request.user).order_by("name")
    form = SearchForm(request.GET or None, partnerships=partnerships)
    seer = viewer(request.user)
    results: list[dict[str, Any]] = []
    page = None
    searched: list[tuple[str, str]] = []
    if form.is_bound and form.is_valid():
        searched = form.described()
        chosen = form.cleaned_data["partnership"]
        members: tuple[int, ...] = ()
        if chosen is not None:
            members = tuple(
                Membership.objects.current()
                .filter(partnership=chosen)
                .values_list("organisation_id", flat=True)
            )
        criteria = form.criteria(members)
        qs = find(
            # The organisations of the page come in one more query: joining them to the
            # search would make PostgreSQL hash every organisation in the directory.
            services_visible_to(request.user).prefetch_related("organization"),
            criteria,
            locations=seer.locations(),
            now=timezone.localtime(),
        )
        page = paginator(qs, criteria, PER_PAGE).get_page(request.GET.get("page"))
        services = list(page.object_list)
        needs = _needs_of([s.pk for s in services])
        places = _places(services, seer)
        rates = acceptance_rates([s.pk for s in services])
        for service in services:
            shown = places.get(service.pk, [])
            distance = None
            if criteria.near is not None:
                found = [
                    km_between(criteria.near, (loc.latitude, loc.longitude))
                    for loc, visible in shown
                    if visible and loc.latitude is not None and loc.longitude is not None
                ]
                distance = min(found) if found else None
            results.append(
                {
                    "service": service,
                    "member": service.member,  # type: ignore[attr-defined]
                    "needs": needs.get(service.pk, []),
                    "places": shown,
                    "distance": distance,
                    "acceptance": rates.get(service.pk),
                }
            )
    status = INVALID if form.is_bound and not form.is_valid() else 200
    query = request.GET.copy()
    query.pop("page", None)
    nothing = page is not None and page.paginator.count == 0
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "results": results,
            "page": page,
            "query": query.urlencode(),
            "searched": [label for label, _ in searched],
            "looser": _looser(query, searched, form) if nothing else [],
        },
        status=status,
    )


def _looser(query: QueryDict, searched: list[tuple[str, str]], form: Any) -> list[dict[str, str]]:
    """Searches that drop one thing from a search that found nothing, each as a link: a wider
    distance first, then each part without it."""
    found: list[tuple[str, QueryDict]] = []
    if form.cleaned_data["near"] is not None:
        km = form.cleaned_data["within_km"] or 10.0
        if km < 200:
            wider = query.copy()
            wider["within_km"] = f"{min(km * 3, 200):g}"
            found.append((f"Search within {wider['within_km']} km", wider))
    for label, field in searched:
        looser = query.copy()
        if field.startswith("needs="):
            looser.setlist("needs", [n for n in query.getlist("needs") if f"needs={n}" != field])
        else:
            looser.pop(field, None)
            if field == "near":
                looser.pop("within_km", None)
        found.append((f"Search without {label}", looser))
    return [{"label": label, "url": "?" + q.urlencode()} for label, q in found]


def _service(request: AuthedRequest, service_id: uuid.UUID, perm: str = VIEW) -> Service:
    return get_for(
        request.user, Service.objects.select_related("organization"), perm=perm, pk=service_id
    )


def _render_service(
    request: AuthedRequest,
    service: Service,
    report_form: ReportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    seer = viewer(request.user)
    places = _places([service], seer).get(service.pk, [])
    mine = acts_for(request.user, service.organization.organisation_id)
    owner = service.organization.organisation_id
    # Someone acting for another organisation may refer to it through Joined Up.
    refers = service.referral_method == ReferralMethod.JOINED_UP and any(
        org != owner for org in acting_for(request.user)
    )
    known = Q(location__isnull=True) | Q(location__in=Location.objects.filter(seer.locations()))
    return render(
        request,
        "directory/service.html",
        {
            "service": service,
            "needs": _needs_of([service.pk]).get(service.pk, []),
            "places": places,
            # Not those that name a place whose whereabouts the reader may not know.
            "phones": service.phones.filter(known),
            "schedules": service.schedules.filter(known),
            "mine": mine,
            "refers": refers and owner is not None,
            "reports": service.reports.filter(status=ListingReport.Status.OPEN) if mine else [],
            "report_form": report_form or ReportForm(),
        },
        status=status,
    )


@require_GET
@login_required
def directory_service(request: AuthedRequest, service_id: uuid.UUID) -> HttpResponse:
    return _render_service(request, _service(request, service_id))


def _acting_organisations(request: AuthedRequest) -> Any:
    mine = acting_for(request.user)
    return Organisation.objects.filter(pk__in=mine).order_by("name")


@require_http_methods(["GET", "POST"])
@login_required
def directory_service_new(request: AuthedRequest) -> HttpResponse:
    organisations = _acting_organisations(request)
    if not organisations.exists():
        raise PermissionDenied
    form = NewServiceForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        service = act(
            form,
            actions.service_create,
            organisation=form.cleaned_data["organisation"],
            by=request.user,
            needs=list(form.cleaned_data["needs"]),
            place=form.place(),
            areas=form.area_names(),
            **form.service_values(),
        )
        if service is not None:
            messages.success(request, f"“{service.name}” is listed in the directory.")
            return redirect(service)
    return render(
        request,
        "directory/service_form.html",
        {"form": form, "title": "List a service"},
        status=INVALID if form.is_bound else 200,
    )


def _initial_place(service: Service) -> dict[str, Any]:
    sal = service.service_at_locations.select_related("location").first()
    if sal is None:
        return {}
    location = sal.location
    address = location.addresses.first()
    return {
        "latitude": location.latitude,
        "longitude": location.longitude,
        "location_visibility": location.visibility,
        "address_1": address.address_1 if address else "",
        "city": address.city if address else "",
        "postal_code": address.postal_code if address else "",
    }


@require_http_methods(["GET", "POST"])
@login_required
def directory_service_edit(request: AuthedRequest, service_id: uuid.UUID) -> HttpResponse:
    service = _service(request, service_id, CHANGE)
    initial = {
        "needs": Attribute.objects.filter(link_id=service.pk).values_list(
            "taxonomy_term_id", flat=True
        ),
        **_initial_place(service),
        "areas": ", ".join(service.service_areas.values_list("name", flat=True)),
    }
    initial["version"] = service.version
    form = ServiceForm(request.POST or None, instance=service, initial=initial)
    status = INVALID if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        form.take_theirs(_listing(service))
        try:
            done = act(
                form,
                actions.service_update,
                service=service,
                by=request.user,
                needs=list(form.cleaned_data["needs"]),
                place=form.place(),
                areas=form.area_names(),
                based_on=form.based_on(),
                **form.service_values(),
            )
        except Stale as stale:
            # Someone saved the listing since: theirs and yours, field by field, to merge.
            form = merging(
                form,
                current=stale.current,
                theirs=_listing(stale.obj),
                make=lambda data: ServiceForm(data, instance=service, initial=initial),
            )
            done, status = None, CONFLICT
        if done is not None:
            messages.success(request, "The listing is updated.")
            return redirect(done)
    return render(
        request,
        "directory/service_form.html",
        {"form": form, "title": f"Edit “{service.name}”", "service": service},
        status=status,
    )


def _listing(service: Service) -> dict[str, Any]:
    """The listing's own fields as its form cleans them (not its needs, place or areas)."""
    return {name: getattr(service, name) for name in ServiceForm.Meta.fields}


@require_POST
@login_required
def directory_service_reviewed(request: AuthedRequest, service_id: uuid.UUID) -> HttpResponse:
    service = _service(request, service_id, CHANGE)
    actions.service_mark_reviewed(service=service, by=request.user)
    messages.success(request, f"“{service.name}” is marked as checked today.")
    if request.POST.get("next") == "listings":
        return redirect("directory_listings")
    return redirect(service)


@require_POST
@login_required
def directory_service_report(request: AuthedRequest, service_id: uuid.UUID) -> HttpResponse:
    service = _service(request, service_id)
    form = ReportForm(request.POST)
    if form.is_valid():
        done = act(
            form,
            actions.listing_report_create,
            service=service,
            by=request.user,
            what_is_wrong=form.cleaned_data["what_is_wrong"],
        )
        if done is not None:
            messages.success(request, f"Thank you: {service.organization.name} has been told.")
            return redirect(service)
    return _render_service(request, service, report_form=form, status=INVALID)


@require_GET
@login_required
def directory_listings(request: AuthedRequest) -> HttpResponse:
    """Your organisations' listings: what is due a review, and what partners reported."""
    organisations = list(_acting_organisations(request))
    services = (
        Service.objects.filter(organization__organisation__in=organisations)
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=ListingReport.objects.filter(status=ListingReport.Status.OPEN),
                to_attr="open_reports",
            )
        )
        .order_by("organization__name", "name")
    )
    return render(
        request,
        "directory/listings.html",
        {"organisations": organisations, "services": services, "resolve_form": ResolveForm()},
    )


@require_POST
@login_required
def directory_report_resolve(request: AuthedRequest, report_pk: int) -> HttpResponse:
    report = get_for(
        request.user,
        ListingReport.objects.select_related("service__organization"),
        perm="directory.change_listingreport",
        pk=report_pk,
    )
    form = ResolveForm(request.POST)
    if form.is_valid():
        done = act(
            form,
            actions.listing_report_resolve,
            report=report,
            by=request.user,
            fixed=form.cleaned_data["fixed"],
            note=form.cleaned_data["note"],
        )
        if done is not None:
            messages.success(request, "The report is closed.")
            return redirect("directory_listings")
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("directory_listings", permanent=False)


def _lead(request: AuthedRequest) -> None:
    if not request.user.has_perm("directory.manage_directory"):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@login_required
def directory_import(request: AuthedRequest) -> HttpResponse:
    """Upload a file to import: it is stored and an import job queued; the run's page follows
    it. The recent imports are listed with the form."""
    _lead(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = act(
            form,
            actions.import_run_create,
            by=request.user,
            name=upload.name,
            country=form.cleaned_data["country"],
            encoding=form.cleaned_data["encoding"],
            taxonomy_changes=request.user.is_superuser,
            upload=upload,
        )
        if run is not None:
            return redirect("directory_import_run", pk=run.pk)
    status = 200
    if form.is_bound:
        status = 409 if form.has_error(NON_FIELD_ERRORS, "busy") else INVALID
    return render(
        request,
        "directory/import.html",
        {"form": form, "runs": recent_imports(request.user)},
        status=status,
    )


@require_GET
@login_required
def directory_import_run(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    """How an import is going, and what it did once done. While it runs the page polls its
    progress fragment (htmx), which stops polling once the import has finished."""
    _lead(request)
    run = imports_visible_to(request.user).select_related("by").filter(pk=pk).first()
    if run is None:
        raise Http404
    context = {"run": run, "shown": PROBLEMS_SHOWN}
    if request.htmx:
        return render(request, "directory/import_run.html#progress", context)
    return render(request, "directory/import_run.html", context)


@require_GET
@login_required
def directory_import_problems(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    """Every rejected or repaired record of a finished import, as CSV."""
    _lead(request)
    run = imports_visible_to(request.user).filter(pk=pk, report__isnull=False).first()
    if run is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-problems-{str(pk)[:8]}.csv"'
    write_problems(response, (run.report or {}).get("problems", []))
    return response


HSDS_FORMATS = {
    "json": "The directory as HSDS 3.0 JSON",
    "zip": "The directory as an HSDS 3.0 datapackage (zip of CSV files)",
}


def export_check(request: AuthedRequest, params: Mapping[str, Any]) -> exports.Asked:
    """Who may export the directory (its leads), and in which format (`jobs.exports`)."""
    _lead(request)
    fmt = params.get("format")
    if fmt not in HSDS_FORMATS:
        raise ValidationError("The format must be json or zip.")
    return exports.Asked({"format": fmt}, HSDS_FORMATS[fmt], reverse("directory_import"))


@require_http_methods(["GET", "POST"])
@login_required
def directory_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    """The directory's public records in HSDS 3.0, prepared by a job (`exporter.export_file`)."""
    if fmt not in HSDS_FORMATS:
        raise Http404
    return exports.start(request, "directory-hsds", {"format": fmt})


@require_GET
@login_required
def directory_duplicates(request: AuthedRequest) -> HttpResponse:
    _lead(request)
    return render(
        request,
        "directory/duplicates.html",
        {
            "organizations": duplicate_organizations(),
            "services": duplicate_services(services_visible_to(request.user)),
            "form": MergeForm(),
        },
    )


def _may_merge(request: AuthedRequest, record: Organization | Service) -> bool:
    """A lead merges imported records and their own organisations' listings. Another member's
    listing is its staff's to keep: merging it away would hand over what it hides."""
    organization = record if isinstance(record, Organization) else record.organization
    owner = organization.organisation_id
    return owner is None or acts_for(request.user, owner)


@require_POST
@login_required
def directory_merge(request: AuthedRequest) -> HttpResponse:
    _lead(request)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the two records to merge.")
        return redirect("directory_duplicates")
    data = form.cleaned_data
    # A service the lead may not see is answered as one that is not there.
    records: Any = (
        Organization.objects.all()
        if data["kind"] == "organization"
        else services_visible_to(request.user).select_related("organization")
    )
    keep = records.filter(pk=data["keep"]).first()
    duplicate = records.filter(pk=data["duplicate"]).first()
    if keep is None or duplicate is None:
        messages.error(request, "One of those records is no longer in the directory.")
        return redirect("directory_duplicates")
    if not all(_may_merge(request, record) for record in (keep, duplicate)):
        raise PermissionDenied
    if not is_confirmed(request):  # merging cannot be undone: say what it does, and ask
        return confirm_page(
            request,
            title=f"Merge “{duplicate.name}” into “{keep.name}”?",
            happens=[
                f"Everything on “{duplicate.name}” ({str(duplicate.pk)[:8]}) moves onto "
                f"“{keep.name}” ({str(keep.pk)[:8]}), and “{duplicate.name}” leaves the "
                "directory. The audit log keeps what was merged.",
            ],
            button="Merge the records",
            back=reverse("directory_duplicates"),
            carry=data,
        )
    merge = actions.organization_merge if data["kind"] == "organization" else actions.service_merge
    done = act(form, merge, keep=keep, duplicate=duplicate, by=request.user)
    if done is None:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    else:
        messages.success(request, f"Merged into “{keep.name}”.")
    return redirect("directory_duplicates")
