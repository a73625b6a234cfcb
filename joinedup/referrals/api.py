"""API for people, their consents and signposting, under the pages' rules (referrals are in
`api_referrals`, their workflow and messages in `api_steps`, mounted on this router).

A person and their consents are seen only by the staff of the organisation that holds them:
everyone else gets a 404. Every response that carries personal data writes a row to the
personal-data access log (`privacy.log_access`, kind "view"); the list of people carries none
(ids and dates only), so that listing is not a view of everyone listed: read a person to see
their details.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from joinedup import dates
from joinedup.access import acting_for, get_for, organisations_visible_to
from joinedup.api.common import (
    MAX_ID,
    NO_NUL,
    Date,
    Id,
    In,
    PageParams,
    ShortText,
    Text,
    Versioned,
    paginate,
    resolve,
)
from joinedup.api.errors import error_responses
from joinedup.directory.queries import services_visible_to
from joinedup.lib.needs import NEEDS
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.referrals import actions
from joinedup.referrals.models import (
    FIELDS,
    SPECIAL_CATEGORY,
    AccessKind,
    AgeBand,
    Consent,
    ConsentMethod,
    Person,
    Purpose,
    Signpost,
)
from joinedup.referrals.privacy import log_access

router = Router(tags=["referrals"])

NeedCode = enum.StrEnum("NeedCode", {code: code for code in sorted(NEEDS)})  # type: ignore[misc]
FieldName = enum.StrEnum("FieldName", {field: field for field in FIELDS})  # type: ignore[misc]
# Named apart from meetings' Purpose in the OpenAPI document.
ReferralPurpose = enum.StrEnum(  # type: ignore[misc]
    "ReferralPurpose", {value: value for value in Purpose.values}
)
Ref = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
LongText = Annotated[str, Field(max_length=20000, pattern=NO_NUL)]
READ = "Read through the API"


@contextmanager
def fields_named(**names: str) -> Iterator[None]:
    """Name the fields of an action's ValidationError as the request body names them (the
    action's `service` is the body's `service_id`)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {names.get(field, field): errors for field, errors in exc.error_dict.items()}
        ) from exc


# --- people --------------------------------------------------------------------------------


class PersonItem(Schema):
    """A person in a list: no personal data, so that a list is nobody's record read."""

    id: int
    organisation_id: int
    invented: bool
    created_at: dt.datetime
    erased_at: dt.datetime | None


class PersonOut(PersonItem):
    version: int = Field(description="Send it back with a change (409 if someone saved since).")
    name: str
    contact: str
    safe_contact: str
    born_on: dt.date | None
    age_band: AgeBand | None
    postcode: str
    needs: list[str]
    notes: str

    @staticmethod
    def resolve_age_band(obj: Person) -> str | None:
        return obj.age_band or None


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonItem]


class PeopleQuery(PageParams):
    organisation_id: int | None = Field(None, ge=1, le=MAX_ID)


class PersonIn(In):
    organisation_id: Ref = Field(description="The organisation that holds the record: yours.")
    name: Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]
    contact: Text = ""
    safe_contact: Text = Field("", description="How not to contact them.")
    born_on: Annotated[Date, dates.BORN.api] | None = None
    age_band: AgeBand | None = None
    postcode: Annotated[str, Field(max_length=10, pattern=NO_NUL)] = ""
    needs: list[NeedCode] = Field(default_factory=list, max_length=len(NEEDS))
    notes: LongText = ""


class PersonPatch(Versioned):
    name: Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)] | None = None
    contact: Text | None = None
    safe_contact: Text | None = None
    born_on: Annotated[Date, dates.BORN.api] | None = None
    age_band: AgeBand | None = None
    postcode: Annotated[str, Field(max_length=10, pattern=NO_NUL)] | None = None
    needs: list[NeedCode] | None = Field(None, max_length=len(NEEDS))
    notes: LongText | None = None


def _person_values(data: dict[str, Any]) -> dict[str, Any]:
    """null empties a field; a person's name cannot be emptied."""
    if "name" in data and data["name"] is None:
        raise ValidationError({"name": "A person's name cannot be emptied."})
    if data.get("born_on") and data["born_on"] > timezone.localdate():
        raise ValidationError({"born_on": "Give a date of birth that is not in the future."})
    values = dict(data)
    for field in ("contact", "safe_contact", "postcode", "notes", "age_band"):
        if field in values and values[field] is None:
            values[field] = ""
    if "needs" in values:
        values["needs"] = [str(code) for code in values["needs"] or []]
    return values


def _holder_choices(request: HttpRequest) -> Any:
    return Organisation.objects.filter(pk__in=acting_for(request.user))


def _person(request: HttpRequest, pk: int, perm: str = "referrals.view_person") -> Person:
    return get_for(request.user, Person, perm=perm, pk=pk)


def _viewed(request: HttpRequest, person: Person) -> Person:
    log_access(
        by=request.user, kind=AccessKind.VIEW, person=person, record=str(person), purpose=READ
    )
    return person


@router.get("/people", response={200: PersonPage, **error_responses()})
def person_list(request: HttpRequest, query: Query[PeopleQuery]) -> dict[str, Any]:
    """The people held by the organisations you act for (or by one of them), newest first —
    without their personal data: read each person for that (which the access log records)."""
    people = Person.objects.filter(organisation_id__in=acting_for(request.user))
    if query.organisation_id is not None:
        people = people.filter(organisation_id=query.organisation_id)
    return paginate(people.order_by("-created_at", "-pk"), query)


@router.post("/people", response={201: PersonOut, **error_responses(409)})
def person_create(request: HttpRequest, payload: PersonIn) -> Status[Person]:
    """Record a person your organisation supports."""
    values = _person_values(payload.dict())
    organisation = resolve(
        _holder_choices(request), values.pop("organisation_id"), "organisation_id"
    )
    with fields_named(organisation="organisation_id"):
        person = actions.person_create(organisation=organisation, by=request.user, **values)
    return Status(201, person)


@router.get("/people/{pk}", response={200: PersonOut, **error_responses(404)})
def person_read(request: HttpRequest, pk: Id) -> Person:
    """A person's record, for the staff of the organisation holding it; the access log
    records the read."""
    return _viewed(request, _person(request, pk))


@router.patch("/people/{pk}", response={200: PersonOut, **error_responses(403, 404, 409)})
def person_update(request: HttpRequest, pk: Id, payload: PersonPatch) -> Person:
    """Change the fields given (null empties a field; the name cannot be emptied)."""
    person = _person(request, pk, "referrals.change_person")
    data = payload.dict(exclude_unset=True)
    based_on = data.pop("version", None)
    values = _person_values(data)
    if values:
        person = actions.person_update(person=person, by=request.user, based_on=based_on, **values)
    return _viewed(request, person)


# --- consents ------------------------------------------------------------------------------


class ConsentOut(Schema):
    id: int
    person_id: int
    given_by: str = Field(description="Blank when the person consented themselves.")
    method: ConsentMethod
    purposes: list[ReferralPurpose]
    fields: list[str]
    special_category_fields: list[str]
    recipient_ids: list[int]
    expires_on: dt.date
    recorded_at: dt.datetime
    withdrawn_at: dt.datetime | None
    stands: bool

    @staticmethod
    def resolve_special_category_fields(obj: Consent) -> list[str]:
        return [f for f in obj.fields if f in SPECIAL_CATEGORY]

    @staticmethod
    def resolve_recipient_ids(obj: Consent) -> list[int]:
        return sorted(o.pk for o in obj.recipients.all())

    @staticmethod
    def resolve_stands(obj: Consent) -> bool:
        return obj.stands()


class ConsentIn(In):
    method: ConsentMethod
    purposes: list[ReferralPurpose] = Field(min_length=1, max_length=len(Purpose.values))
    fields: list[FieldName] = Field(min_length=1, max_length=len(FIELDS))
    recipient_ids: list[Ref] = Field(min_length=1, max_length=100)
    expires_on: Annotated[Date, dates.CONSENT_EXPIRES.api]
    given_by: ShortText = Field("", description="Leave blank when the person consented.")


def _consent_viewed(request: HttpRequest, person: Person, record: str) -> None:
    log_access(by=request.user, kind=AccessKind.VIEW, person=person, record=record, purpose=READ)


@router.get("/people/{pk}/consents", response={200: list[ConsentOut], **error_responses(404)})
def consent_list(request: HttpRequest, pk: Id) -> list[Consent]:
    """The person's consents, the latest first, withdrawn and expired ones too."""
    person = _person(request, pk)
    _consent_viewed(request, person, f"consents of {person}")
    return list(person.consents.prefetch_related("recipients"))


@router.post("/people/{pk}/consents", response={201: ConsentOut, **error_responses(403, 404, 409)})
def consent_record(request: HttpRequest, pk: Id, payload: ConsentIn) -> Status[Consent]:
    """Record the person's consent: for which purposes, which kinds of data, with which
    organisations, until when."""
    person = _person(request, pk, "referrals.change_person")
    visible = organisations_visible_to(request.user)
    recipients = [resolve(visible, org_id, "recipient_ids") for org_id in payload.recipient_ids]
    with fields_named(recipients="recipient_ids"):
        consent = actions.consent_record(
            person=person,
            by=request.user,
            method=payload.method,
            purposes=[str(p) for p in payload.purposes],
            fields=[str(f) for f in payload.fields],
            recipients=recipients,
            expires_on=payload.expires_on,
            given_by=payload.given_by,
        )
    return Status(201, consent)


CONSENTS = Consent.objects.select_related("person").prefetch_related("recipients")


@router.get("/consents/{pk}", response={200: ConsentOut, **error_responses(404)})
def consent_read(request: HttpRequest, pk: Id) -> Consent:
    consent = get_for(request.user, CONSENTS, perm="referrals.view_consent", pk=pk)
    _consent_viewed(request, consent.person, str(consent))
    return consent


@router.post(
    "/consents/{pk}/withdraw", response={200: ConsentOut, **error_responses(403, 404, 409)}
)
def consent_withdraw(request: HttpRequest, pk: Id) -> Consent:
    """The person withdrew their consent: from now on no receiver sees their details through
    any referral made under it, and its open referrals are withdrawn."""
    consent = get_for(request.user, CONSENTS, perm="referrals.change_consent", pk=pk)
    actions.consent_withdraw(consent=consent, by=request.user)
    return CONSENTS.get(pk=consent.pk)


# --- signposting ---------------------------------------------------------------------------


class SignpostOut(Schema):
    id: int
    partnership_id: int
    from_organisation_id: int
    to_organisation_id: int | None
    service_id: uuid.UUID | None
    need: str
    area: str
    on: dt.date

    @staticmethod
    def resolve_from_organisation_id(obj: Signpost) -> int:
        return obj.from_org_id

    @staticmethod
    def resolve_to_organisation_id(obj: Signpost) -> int | None:
        return obj.to_org_id


class SignpostIn(In):
    organisation_id: Ref = Field(description="Your organisation, which signposted them.")
    service_id: uuid.UUID | None = Field(None, description="A directory service's id.")
    to_organisation_id: Ref | None = None
    need: NeedCode | None = None
    area: Annotated[str, Field(max_length=10, pattern=NO_NUL)] = Field(
        "", description="The outward part of their postcode at most, e.g. RV1."
    )
    on: Annotated[Date, dates.SIGNPOSTED.api] | None = None


def resolve_service(request: HttpRequest, pk: uuid.UUID | None, field: str) -> Any:
    """A directory service the user may see, by its HSDS id."""
    if pk is None:
        return None
    found = services_visible_to(request.user).filter(pk=pk).select_related("organization").first()
    if found is None:
        raise ValidationError({field: f"There is no service with id {pk} that you can use here."})
    return found


@router.post(
    "/partnerships/{pk}/signposts", response={201: SignpostOut, **error_responses(404, 409)}
)
def signpost_record(request: HttpRequest, pk: Id, payload: SignpostIn) -> Status[Signpost]:
    """Record that someone was signposted to a service (or an organisation, or for a need),
    with nothing about them: it counts in the flows between organisations."""
    partnership = get_for(request.user, Partnership, perm="partnerships.view_partnership", pk=pk)
    with fields_named(from_org="organisation_id", service="service_id"):
        signpost = actions.signpost_record(
            partnership=partnership,
            by=request.user,
            from_org=resolve(_holder_choices(request), payload.organisation_id, "organisation_id"),
            service=resolve_service(request, payload.service_id, "service_id"),
            to_org=resolve(
                Organisation.objects.filter(
                    pk__in=partnership.memberships.current().values("organisation_id")
                ),
                payload.to_organisation_id,
                "to_organisation_id",
            ),
            need=str(payload.need or ""),
            area=payload.area,
            on=payload.on,
        )
    return Status(201, signpost)


def _mount() -> None:
    from joinedup.referrals.api_referrals import router as referrals_router
    from joinedup.referrals.api_steps import router as steps_router

    router.add_router("/", referrals_router)
    router.add_router("/", steps_router)


_mount()
