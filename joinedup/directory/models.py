"""The service directory, held in the shape of Open Referral HSDS 3.0.

Each model is one HSDS table; its fields carry HSDS names so that import, export and the HSDS
API map field for field. Ids are HSDS ids (UUIDs). Our additions are HSDS extension fields,
exported under the same names and documented in the README: referral criteria, how to refer,
waiting time in days, capacity, visibility, when the listing was last reviewed, eligible gender.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from joinedup.lib.weblinks import is_web_address
from joinedup.versions import version_field

REVIEW_EVERY = dt.timedelta(days=182)
NOT_A_WEB_ADDRESS = "Give a web address that starts with https:// or http://."


def validate_web_address(value: str) -> None:
    """A website is an http(s) address: any other scheme (`javascript:`, `data:`) would run in
    the browser of whoever follows the link."""
    if value and not is_web_address(value):
        raise ValidationError(NOT_A_WEB_ADDRESS, code="web_address")


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PARTNERS = "partners", "Partners only"
    CONFIDENTIAL = "confidential", "Confidential: our organisation only"


class ReferralMethod(models.TextChoices):
    JOINED_UP = "joined_up", "Refer through Joined Up"
    PHONE = "phone", "Refer by phone"
    SELF = "self", "Self-referral"


class Capacity(models.TextChoices):
    OPEN = "open", "Open"
    LIMITED = "limited", "Limited"
    FULL = "full", "Full"
    CLOSED = "closed", "Closed"


class Gender(models.TextChoices):
    ANY = "", "Anyone"
    WOMEN = "women", "Women"
    MEN = "men", "Men"


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class LocationType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    POSTAL = "postal", "Postal"
    VIRTUAL = "virtual", "Virtual"


def _text() -> models.TextField:
    return models.TextField(blank=True, default="")


class Record(models.Model):
    """An HSDS record: its id is the HSDS id, a UUID."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(getattr(self, "name", "") or self.pk)


class Taxonomy(Record):
    name = models.CharField(max_length=200)
    description = _text()
    uri = _text()
    version = models.CharField(max_length=50, blank=True, default="")

    class Meta:
        verbose_name_plural = "taxonomies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(Record):
    code = models.CharField(max_length=100, blank=True, default="")
    name = models.CharField(max_length=300)
    description = _text()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    taxonomy_name = models.CharField(
        max_length=200, blank=True, default="", help_text="HSDS `taxonomy`: its name, as text."
    )
    taxonomy_detail = models.ForeignKey(
        Taxonomy, null=True, blank=True, on_delete=models.CASCADE, related_name="terms"
    )
    language = models.CharField(max_length=20, blank=True, default="")
    term_uri = _text()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.name


class Organization(Record):
    """An HSDS organization: anyone whose services are listed. `organisation` links it to the
    partnership organisation it is, when it is one of ours."""

    organisation = models.OneToOneField(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="listing",
    )
    name = models.CharField(max_length=300)
    alternate_name = _text()
    description = _text()
    email = models.CharField(max_length=254, blank=True, default="")
    website = models.TextField(blank=True, default="", validators=[validate_web_address])
    tax_status = models.CharField(max_length=200, blank=True, default="")
    tax_id = models.CharField(max_length=100, blank=True, default="")
    year_incorporated = models.IntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=200, blank=True, default="")
    logo = _text()
    uri = _text()
    parent_organization = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_modified = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganizationIdentifier(Record):
    """A registered number: charity, company, and so on (how duplicates are found)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="organization_identifiers"
    )
    identifier_scheme = models.CharField(max_length=100, blank=True, default="")
    identifier_type = models.CharField(max_length=200, blank=True, default="")
    identifier = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["identifier"])]


class Service(Record):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=300)
    alternate_name = _text()
    description = _text()
    url = models.TextField(
        blank=True, default="", validators=[validate_web_address], verbose_name="website"
    )
    email = models.CharField(max_length=254, blank=True, default="")
    status = models.CharField(
        max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    interpretation_services = _text()
    application_process = _text()
    fees_description = _text()
    wait_time = _text()
    fees = _text()
    accreditations = _text()
    eligibility_description = _text()
    minimum_age = models.FloatField(null=True, blank=True)
    maximum_age = models.FloatField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.CharField(max_length=254, blank=True, default="")
    licenses = _text()
    alert = _text()
    last_modified = models.DateTimeField(default=timezone.now)

    # Extension fields (see the README's "HSDS extension fields").
    referral_criteria = _text()
    referral_method = models.CharField(
        max_length=12, choices=ReferralMethod.choices, blank=True, default=""
    )
    wait_days = models.PositiveIntegerField(null=True, blank=True)
    wait_given_on = models.DateField(null=True, blank=True)
    capacity = models.CharField(max_length=10, choices=Capacity.choices, blank=True, default="")
    capacity_updated_at = models.DateTimeField(null=True, blank=True)
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True, default="")
    # Edits of the listing by its organisation (joinedup.versions); not part of HSDS.
    version = version_field()
    reviewed_on = models.DateField(default=dt.date.today)

    # Denormalised for search: words of the name, description, criteria and organisation, and
    # the places it serves. Kept by `directory.actions.service_reindex`.
    search_text = _text()
    area_text = _text()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["organization", "name"]),
            models.Index(fields=["last_modified"]),
            models.Index(fields=["visibility"]),
            # The open API's lists run in this order: a page (or the page after a cursor) is
            # read from the index rather than by sorting every match (issue 19).
            models.Index(fields=["name", "id"], name="service_name_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="service_visibility_valid"
            ),
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="service_ages_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory_service", args=[self.pk])

    @property
    def web_address(self) -> str:
        """Its website, if it is one a page may link to (a listing imported before websites
        were checked may hold something else)."""
        return self.url if is_web_address(self.url) else ""

    @property
    def review_due(self) -> bool:
        return self.reviewed_on < dt.date.today() - REVIEW_EVERY


class Location(Record):
    location_type = models.CharField(
        max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    url = _text()
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(max_length=300, blank=True, default="")
    alternate_name = _text()
    description = _text()
    transportation = _text()
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=200, blank=True, default="")
    external_identifier_type = models.CharField(max_length=200, blank=True, default="")
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="location_visibility_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.pk)


class ServiceAtLocation(Record):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = _text()


class Address(Record):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = _text()
    address_1 = models.CharField(max_length=300)
    address_2 = _text()
    city = models.CharField(max_length=200)
    region = models.CharField(max_length=200, blank=True, default="")
    state_province = models.CharField(max_length=200)
    postal_code = models.CharField(max_length=30)
    country = models.CharField(max_length=2)
    address_type = models.CharField(max_length=20, default="physical")

    class Meta:
        verbose_name_plural = "addresses"
        indexes = [models.Index(fields=["postal_code"])]


class Contact(Record):
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=300, blank=True, default="")
    title = models.CharField(max_length=300, blank=True, default="")
    department = models.CharField(max_length=300, blank=True, default="")
    email = models.CharField(max_length=254, blank=True, default="")


class Phone(Record):
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(max_length=100)
    extension = models.IntegerField(null=True, blank=True)
    type = models.CharField(max_length=20, blank=True, default="")
    description = _text()


class Schedule(Record):
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.FloatField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.IntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True, default="")
    freq = models.CharField(max_length=10, blank=True, default="")
    interval = models.IntegerField(null=True, blank=True)
    byday = models.CharField(max_length=100, blank=True, default="")
    byweekno = models.CharField(max_length=100, blank=True, default="")
    bymonthday = models.CharField(max_length=100, blank=True, default="")
    byyearday = models.CharField(max_length=100, blank=True, default="")
    description = _text()
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = _text()
    attending_type = models.CharField(max_length=100, blank=True, default="")
    notes = _text()


class ServiceArea(Record):
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="service_areas"
    )
    name = models.CharField(max_length=300, blank=True, default="")
    description = _text()
    extent = _text()
    extent_type = models.CharField(max_length=20, blank=True, default="")
    uri = _text()


class CostOption(Record):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = _text()
    currency = models.CharField(max_length=3, blank=True, default="")
    amount = models.FloatField(null=True, blank=True)
    amount_description = _text()


class Language(Record):
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    name = models.CharField(max_length=100, blank=True, default="")
    code = models.CharField(max_length=20, blank=True, default="")
    note = _text()


class Accessibility(Record):
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="accessibility"
    )
    description = _text()
    details = _text()
    url = _text()

    class Meta:
        verbose_name_plural = "accessibility"


class Attribute(Record):
    """A taxonomy term attached to any record; a service's needs are its attributes."""

    link_id = models.UUIDField()
    link_type = models.CharField(max_length=100, blank=True, default="")
    link_entity = models.CharField(max_length=50)
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes"
    )
    value = _text()

    class Meta:
        indexes = [
            models.Index(fields=["taxonomy_term", "link_entity", "link_id"]),
            models.Index(fields=["link_id"]),
        ]


class Metadata(Record):
    resource_id = models.UUIDField()
    resource_type = models.CharField(max_length=50)
    last_action_date = models.DateField()
    last_action_type = models.CharField(max_length=50)
    field_name = models.CharField(max_length=100)
    previous_value = _text()
    replacement_value = _text()
    updated_by = models.CharField(max_length=200)

    class Meta:
        verbose_name_plural = "metadata"
        indexes = [models.Index(fields=["resource_id"])]


class ListingReport(models.Model):
    """A partner's report that a listing is wrong; it reaches the organisation."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FIXED = "fixed", "Fixed"
        DISMISSED = "dismissed", "Dismissed"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="reports")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    what_is_wrong = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    note = _text()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Report on {self.service_id}"


from joinedup.directory.import_runs import ImportRun, ImportState  # noqa: E402, F401
