"""Writes for the directory: listing and updating services, keeping them true, merging
duplicates, and the search index they all keep."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from joinedup.actions import action, person
from joinedup.audit.actions import audit_record, snapshot
from joinedup.directory.gazetteer import areas_around
from joinedup.directory.geocode import normalise
from joinedup.directory.models import (
    Address,
    Attribute,
    Contact,
    CostOption,
    ImportRun,
    ImportState,
    Language,
    ListingReport,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
    Visibility,
)
from joinedup.directory.search import search_tokens
from joinedup.lib.postcodes import outward
from joinedup.notifications import notify
from joinedup.partnerships.models import Organisation
from joinedup.versions import next_version

NOT_PUBLIC_TO_MERGE = (
    "{name} has places or services that are not public; merging would show them to another "
    "organisation. Only {name}'s own staff can merge them."
)
SAME_ORGANIZATION = "Choose two different organisations to merge."
# Services are duplicates when one organisation lists the same one twice; merging across
# organisations would move one organisation's places, confidential ones too, to another.
SERVICE_OF_ANOTHER = "Only two listings of the same organisation can be merged."
NOT_OURS = "Only a listing of one of your organisations can be changed here."

SERVICE_FIELDS = [
    "name",
    "description",
    "url",
    "email",
    "status",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "gender",
    "referral_criteria",
    "referral_method",
    "application_process",
    "fees_description",
    "wait_days",
    "capacity",
    "visibility",
]


def reindex_services(ids: Iterable[uuid.UUID]) -> None:
    """Rebuild the search text and area text of the services `ids`.

    Area text holds the places a service serves and the towns and postcode districts of its
    public locations — never of a partners-only or confidential one, whose whereabouts must not
    be found by searching for them — and, from the gazetteer, the areas each of those lies in,
    so that a search for a district finds the services of its towns and postcode districts."""
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        terms: dict[Any, list[str]] = {}
        term_ids: dict[Any, list[uuid.UUID]] = {}
        # A need's parent is named too: a service for "Youth work" is one for "Children and
        # young people", and a search in either's words finds it.
        for link_id, term, name, parent in Attribute.objects.filter(
            link_id__in=chunk, link_entity="service"
        ).values_list(
            "link_id", "taxonomy_term_id", "taxonomy_term__name", "taxonomy_term__parent__name"
        ):
            terms.setdefault(link_id, []).extend(n for n in (name, parent) if n)
            term_ids.setdefault(link_id, []).append(term)
        areas: dict[Any, list[str]] = {}
        for service_id, name in ServiceArea.objects.filter(service_id__in=chunk).values_list(
            "service_id", "name"
        ):
            areas.setdefault(service_id, []).append(name)
        for service_id, city, postcode in (
            ServiceAtLocation.objects.filter(service_id__in=chunk)
            .filter(location__visibility=Visibility.PUBLIC)
            .values_list(
                "service_id", "location__addresses__city", "location__addresses__postal_code"
            )
        ):
            areas.setdefault(service_id, []).extend(
                part for part in (city, postcode and outward(postcode).lower()) if part
            )
        for service_id, places in areas.items():
            areas[service_id] = areas_around(places)
        services = list(Service.objects.filter(pk__in=chunk).select_related("organization"))
        for service in services:
            service.search_text = " ".join(
                part
                for part in (
                    service.name,
                    service.alternate_name,
                    service.organization.name,
                    service.description,
                    service.eligibility_description,
                    service.referral_criteria,
                    *terms.get(service.pk, []),
                    search_tokens(term_ids.get(service.pk, []), areas.get(service.pk, [])),
                )
                if part
            ).lower()
            service.area_text = " | ".join(sorted(set(areas.get(service.pk, [])))).lower()
        Service.objects.bulk_update(services, ["search_text", "area_text"], batch_size=500)


def listing_for(organisation: Organisation) -> Organization:
    """The directory's organization for one of ours, made on first use."""
    listing = Organization.objects.filter(organisation=organisation).first()
    if listing is None:
        listing = Organization.objects.create(
            organisation=organisation,
            name=organisation.name,
            description=organisation.description or organisation.name,
            website=organisation.website,
        )
    return listing


def _set_place(service: Service, place: dict[str, Any] | None) -> None:
    """Where the service is delivered: its first location and that location's address."""
    if not place or not (place.get("address_1") or place.get("latitude") is not None):
        return
    sal = service.service_at_locations.select_related("location").first()
    location = sal.location if sal else Location(organization=service.organization)
    shared = (
        sal is not None
        and ServiceAtLocation.objects.filter(location=location).exclude(service=service).exists()
    )
    if shared:
        # Other services are delivered there too (imported data shares places): this service
        # moves to a place of its own rather than moving theirs.
        location = Location(organization=service.organization, name=location.name)
    location.latitude = place.get("latitude")
    location.longitude = place.get("longitude")
    location.visibility = place.get("location_visibility") or Visibility.PUBLIC
    location.organization = location.organization or service.organization
    location.save()
    if sal is None:
        ServiceAtLocation.objects.create(service=service, location=location)
    elif shared:
        sal.location = location
        sal.save(update_fields=["location"])
    if place.get("address_1"):
        address = location.addresses.first() or Address(location=location, country="GB")
        address.address_1 = place["address_1"]
        address.city = place["city"]
        address.postal_code = normalise(place["postal_code"])
        address.state_province = address.state_province or place["city"]
        address.save()


@action
def service_create(
    *,
    organisation: Organisation,
    by: Any,
    needs: list[TaxonomyTerm],
    place: dict[str, Any] | None = None,
    areas: list[str] | None = None,
    **values: Any,
) -> Service:
    """List a new service of `organisation`, with the needs it meets and where it is."""
    listing = listing_for(organisation)
    service = Service(organization=listing, **values)
    if service.capacity:
        service.capacity_updated_at = timezone.now()
    if service.wait_days is not None:
        service.wait_given_on = dt.date.today()
    service.full_clean()
    service.save()
    _set_needs(service, needs)
    _set_place(service, place)
    if areas is not None:
        _set_areas(service, areas)
    reindex_services([service.pk])
    audit_record(
        actor=by,
        action="directory.service_create",
        obj=service,
        after=snapshot(service, SERVICE_FIELDS),
    )
    return service


@action
def service_update(
    *,
    service: Service,
    by: Any,
    needs: list[TaxonomyTerm],
    place: dict[str, Any] | None = None,
    areas: list[str] | None = None,
    based_on: int | None = None,
    **values: Any,
) -> Service:
    """Change a service's listing; its capacity and waiting time carry the date they were given,
    and saving counts as reviewing it. `based_on` is the listing's `version` the change was
    made from (joinedup.versions: if someone saved since, `Stale` and nothing saved)."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    next_version(service, based_on)
    before = snapshot(service, SERVICE_FIELDS)
    if "capacity" in values and values["capacity"] != service.capacity:
        service.capacity_updated_at = timezone.now()
    if "wait_days" in values and values["wait_days"] != service.wait_days:
        service.wait_given_on = dt.date.today()
    for key, value in values.items():
        setattr(service, key, value)
    service.reviewed_on = dt.date.today()
    service.last_modified = timezone.now()
    service.full_clean()
    service.save()
    _set_needs(service, needs)
    _set_place(service, place)
    if areas is not None:
        _set_areas(service, areas)
    reindex_services([service.pk])
    audit_record(
        actor=by,
        action="directory.service_update",
        obj=service,
        before=before,
        after=snapshot(service, SERVICE_FIELDS),
    )
    return service


def _set_areas(service: Service, areas: list[str]) -> None:
    """The places the service serves, by name (HSDS service areas)."""
    wanted = [a.strip() for a in areas if a.strip()]
    service.service_areas.exclude(name__in=wanted).delete()
    have = set(service.service_areas.values_list("name", flat=True))
    ServiceArea.objects.bulk_create(
        ServiceArea(service=service, name=name)
        for name in dict.fromkeys(wanted)
        if name not in have
    )


def _set_needs(service: Service, needs: list[TaxonomyTerm]) -> None:
    held = Attribute.objects.filter(link_id=service.pk, link_entity="service")
    held.exclude(taxonomy_term__in=needs).delete()
    have = set(held.values_list("taxonomy_term_id", flat=True))
    Attribute.objects.bulk_create(
        Attribute(link_id=service.pk, link_entity="service", taxonomy_term=term)
        for term in needs
        if term.pk not in have
    )


@action
def service_mark_reviewed(*, service: Service, by: Any) -> Service:
    """The organisation confirms the listing is still true."""
    service.reviewed_on = dt.date.today()
    service.save(update_fields=["reviewed_on"])
    audit_record(actor=by, action="directory.service_reviewed", obj=service)
    return service


@action
def listing_report_create(*, service: Service, by: Any, what_is_wrong: str) -> ListingReport:
    """A partner says a listing is wrong; the organisation hears of it."""
    if not what_is_wrong.strip():
        raise ValidationError({"what_is_wrong": "Say what is wrong with the listing."})
    report = ListingReport.objects.create(
        service=service, reported_by=person(by), what_is_wrong=what_is_wrong.strip()
    )
    audit_record(actor=by, action="directory.listing_reported", obj=report)
    owner = service.organization.organisation
    if owner is not None:
        notify(
            owner,
            f"A partner reported a problem with {service.name}",
            f"{what_is_wrong.strip()}\n\nPlease check the listing and update it in Joined Up.",
        )
    return report


@action
def listing_report_resolve(
    *, report: ListingReport, by: Any, fixed: bool, note: str = ""
) -> ListingReport:
    if report.status != ListingReport.Status.OPEN:
        raise ValidationError("This report has already been dealt with.")
    report.status = ListingReport.Status.FIXED if fixed else ListingReport.Status.DISMISSED
    report.note = note
    report.resolved_at = timezone.now()
    report.save()
    audit_record(
        actor=by,
        action="directory.listing_report_resolved",
        obj=report,
        after={"status": report.status},
    )
    return report


@action
def organization_merge(*, keep: Organization, duplicate: Organization, by: Any) -> Organization:
    """Fold `duplicate` into `keep`: its services, locations, contacts and phones move across,
    and it is deleted. The audit row keeps what it was."""
    if keep.pk == duplicate.pk:
        raise ValidationError(SAME_ORGANIZATION)
    hidden = (
        Location.objects.filter(organization=duplicate)
        .exclude(visibility=Visibility.PUBLIC)
        .exists()
        or Service.objects.filter(organization=duplicate)
        .exclude(visibility=Visibility.PUBLIC)
        .exists()
    )
    if (
        keep.organisation_id is not None
        and duplicate.organisation_id != keep.organisation_id
        and hidden
    ):
        # Merging would hand places or services that are not public to another organisation.
        raise ValidationError(NOT_PUBLIC_TO_MERGE.format(name=duplicate.name))
    moved = {
        "services": Service.objects.filter(organization=duplicate).update(organization=keep),
        "locations": Location.objects.filter(organization=duplicate).update(organization=keep),
        "contacts": Contact.objects.filter(organization=duplicate).update(organization=keep),
        "phones": Phone.objects.filter(organization=duplicate).update(organization=keep),
    }
    if keep.organisation_id is None and duplicate.organisation_id is not None:
        keep.organisation_id, duplicate.organisation_id = duplicate.organisation_id, None
        duplicate.save(update_fields=["organisation"])
        keep.save(update_fields=["organisation"])
    audit_record(
        actor=by,
        action="directory.organization_merge",
        obj=keep,
        before={"duplicate": str(duplicate.pk), "name": duplicate.name},
        after=moved,
    )
    duplicate.delete()
    reindex_services(Service.objects.filter(organization=keep).values_list("pk", flat=True))
    return keep


@action
def service_merge(*, keep: Service, duplicate: Service, by: Any) -> Service:
    """Fold a duplicate listing of the same service into `keep`."""
    if keep.pk == duplicate.pk:
        raise ValidationError("Choose two different services to merge.")
    if keep.organization_id != duplicate.organization_id:
        raise ValidationError(SERVICE_OF_ANOTHER)
    # Where both are delivered at one place, `keep`'s record of it takes what hangs from the
    # duplicate's, so the place is not listed twice.
    places = {sal.location_id: sal for sal in ServiceAtLocation.objects.filter(service=keep)}
    for sal in ServiceAtLocation.objects.filter(service=duplicate, location_id__in=places):
        for hanging in (Phone, Contact, Schedule):
            hanging._default_manager.filter(service_at_location=sal).update(
                service_at_location=places[sal.location_id]
            )
        sal.delete()
    for model in (
        ServiceAtLocation,
        Phone,
        Contact,
        ServiceArea,
        Schedule,
        CostOption,
        Language,
        ListingReport,
    ):
        model._default_manager.filter(service=duplicate).update(service=keep)
    have = set(Attribute.objects.filter(link_id=keep.pk).values_list("taxonomy_term_id", flat=True))
    Attribute.objects.filter(Q(link_id=duplicate.pk) & Q(taxonomy_term_id__in=have)).delete()
    Attribute.objects.filter(link_id=duplicate.pk).update(link_id=keep.pk)
    audit_record(
        actor=by,
        action="directory.service_merge",
        obj=keep,
        before={"duplicate": str(duplicate.pk), "name": duplicate.name},
    )
    duplicate.delete()
    reindex_services([keep.pk])
    return keep


def directory_imported(*, by: Any, name: str, report: Any, run: Any = None) -> None:
    """Record that an import happened, with what it did (the import wrote its own rows)."""
    audit_record(
        actor=by,
        action="directory.import",
        obj=run if run is not None else by,
        after={
            "file": name,
            "changed": report.changed(),
            "rejected": len(report.rejected),
            "repaired": len(report.repaired),
        },
    )


ANOTHER_IMPORT = (
    "Another import is {state}: {name}, asked for by {who} at {when}. One import runs at a "
    "time; start this one when that one has finished (its page shows how far it has got)."
)


def _another_import(held: ImportRun) -> ValidationError:
    who = "the command line" if held.from_command else (held.by.name if held.by else "someone")
    when = timezone.localtime(held.created_at).strftime("%H:%M on %d %B %Y")
    state = "running" if held.state == ImportState.RUNNING else "waiting for a worker"
    return ValidationError(
        ANOTHER_IMPORT.format(state=state, name=held.name, who=who, when=when), code="busy"
    )


@action
def import_run_create(
    *,
    by: Any,
    name: str,
    country: str,
    encoding: str = "",
    namespace: str = "",
    taxonomy_changes: bool = False,
    upload: Any = None,
) -> ImportRun:
    """Ask for an import. With `upload` (the web) the file is stored and the import job is
    queued in this same transaction, so a job exists exactly when the run does; without (the
    command line) the caller runs it (`imports.execute`). Refused while another import is
    queued or running; one abandoned for JOINEDUP_IMPORT_ABANDONED_MINUTES is closed first."""
    from joinedup.directory.tasks import import_directory

    stale = timezone.now() - dt.timedelta(minutes=settings.JOINEDUP_IMPORT_ABANDONED_MINUTES)
    ImportRun.objects.filter(active=True, created_at__lt=stale).update(
        state=ImportState.FAILED,
        active=None,
        finished_at=timezone.now(),
        error="Abandoned: it had not finished after "
        f"{settings.JOINEDUP_IMPORT_ABANDONED_MINUTES} minutes (was its worker stopped?). "
        "Nothing of it was imported.",
    )
    run = ImportRun(
        by=person(by),
        name=name[:200],
        from_command=upload is None,
        country=country,
        encoding=encoding,
        namespace=namespace,
        taxonomy_changes=taxonomy_changes,
    )
    if upload is not None:
        run.file.save(upload.name, upload, save=False)
    try:
        # The unique constraint on `active` is the lock: of two asked for at the same moment,
        # the database lets one in.
        with transaction.atomic():
            run.save(force_insert=True)
    except IntegrityError:
        if run.file:
            run.file.delete(save=False)
        held = ImportRun.objects.filter(active=True).select_related("by").first()
        raise (_another_import(held) if held else ValidationError(ANOTHER_IMPORT_GONE)) from None
    if upload is not None:
        import_directory.enqueue(str(run.pk))
    return run


ANOTHER_IMPORT_GONE = "Another import was asked for at the same moment. Try again."


def import_upload_remove(*, run: ImportRun) -> bool:
    """Delete a web import's uploaded file from the storage; say whether there was one."""
    name = ImportRun.objects.filter(pk=run.pk).values_list("file", flat=True).first()
    if not name:
        return False
    run.file.storage.delete(name)
    ImportRun.objects.filter(pk=run.pk).update(file="")
    run.file.name = ""
    return True


def import_uploads_remove() -> int:
    """The scheduled cleanup: delete the uploads of every import that has finished (or was
    abandoned), which their runs left behind (a worker killed between the import and removing
    its file, or imports from before uploads were removed); say how many."""
    removed = 0
    for run in ImportRun.objects.filter(active__isnull=True).exclude(file=""):
        removed += import_upload_remove(run=run)
    return removed


def import_run_finish(*, run: ImportRun, report: Any = None, error: str = "") -> None:
    """Record how an import ended, in the transaction of its writes when it wrote any (so a
    run is done exactly when its records are in), and the audit row of an import that did."""
    run.state = ImportState.FAILED if error else ImportState.DONE
    run.active = None
    run.error = error
    run.finished_at = timezone.now()
    if report is not None:
        run.report = report_as_json(report)
        run.stage, run.done = "done", run.total
    run.save()
    if report is not None:
        directory_imported(by=run.by, name=run.name, report=report, run=run)


def report_as_json(report: Any) -> dict[str, Any]:
    return {
        "changed": report.changed(),
        "rejected": len(report.rejected),
        "repaired": len(report.repaired),
        "summary": report.summary(),
        "problems": [[p.outcome, p.file, p.row, p.field, p.reason] for p in report.problems],
    }
