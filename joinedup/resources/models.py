"""Resources partners share: offers, requests, bookings, the ledger of exchanges, and the
partnership's library of policies and templates."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone


class ResourceKind(models.TextChoices):
    VENUE = "venue", "Venue or room"
    TRAINING = "training", "Training place or course"
    STAFF_TIME = "staff_time", "Staff time"
    EQUIPMENT = "equipment", "Equipment"
    EXPERTISE = "expertise", "Expertise or advice"
    DOCUMENT = "document", "Policy or template document"
    OTHER = "other", "Other"


# Booked for a time; the rest (documents, expertise, other) are simply given.
BOOKABLE_KINDS = {
    ResourceKind.VENUE,
    ResourceKind.TRAINING,
    ResourceKind.STAFF_TIME,
    ResourceKind.EQUIPMENT,
}


class Reach(models.TextChoices):
    PARTNERSHIP = "partnership", "This partnership"
    ALL = "all", "Every partnership we belong to"
    HUB = "hub", "Every partnership in this partnership's hub"


class Audience(models.TextChoices):
    PEOPLE = "people", "For delivery with people (e.g. a drop-in clinic)"
    STAFF = "staff", "For staff"


class Offer(models.Model):
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="offers"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.CASCADE,
        related_name="offers",
        help_text="Where it was offered; with a wider reach it is seen further.",
    )
    reach = models.CharField(max_length=12, choices=Reach.choices, default=Reach.PARTNERSHIP)
    kind = models.CharField(max_length=12, choices=ResourceKind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    availability = models.CharField(
        max_length=200, blank=True, help_text="When it is available, e.g. “Tuesdays 9am–5pm”."
    )
    capacity = models.PositiveIntegerField(
        default=1,
        validators=[MinValueValidator(1)],
        help_text="People a room holds, or places on a course.",
    )
    conditions = models.TextField(blank=True)
    free = models.BooleanField(default=True)
    cost_pounds = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.STAFF)
    area = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="offer_capacity_positive"),
            models.CheckConstraint(
                condition=Q(free=True) | Q(cost_pounds__isnull=False),
                name="offer_at_cost_names_its_cost",
                violation_error_message="Give the cost, or mark the offer as free.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("offer", args=[self.partnership_id, self.pk])

    @property
    def bookable(self) -> bool:
        return self.kind in BOOKABLE_KINDS

    @property
    def slots(self) -> int:
        """How many bookings may overlap: each place on a course, but one room is one room."""
        return self.capacity if self.kind == ResourceKind.TRAINING else 1


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ResourceRequest(models.Model):
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="resource_requests"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="resource_requests"
    )
    kind = models.CharField(max_length=12, choices=ResourceKind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    area = models.CharField(max_length=200, blank=True)
    when = models.CharField(max_length=200, blank=True, help_text="e.g. “Wednesday mornings”.")
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("resource_request", args=[self.partnership_id, self.pk])


class RequestResponse(models.Model):
    request = models.ForeignKey(ResourceRequest, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.request}"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


class Booking(models.Model):
    """A partner's booking of an offer for a time. Confirming it takes a slot; the database
    refuses two confirmed bookings of one slot at overlapping times (see the migration)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="bookings")
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="bookings"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="bookings"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    slot = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    note = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set by `booking_confirm`: the requests its confirmation declined (not stored).
    displaced: list[Booking]

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["offer", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="booking_ends_after_it_starts",
                violation_error_message="A booking must end after it starts.",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(slot__isnull=False),
                name="confirmed_booking_has_a_slot",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at)
        return f"{self.offer} for {self.organisation}, {when:%d %b %Y %H:%M}"

    def get_absolute_url(self) -> str:
        """The booking on its offer's page, as the offering organisation sees it."""
        return (
            reverse("offer", args=[self.offer.partnership_id, self.offer_id])
            + f"#booking-{self.pk}"
        )

    def booker_url(self) -> str:
        """The booking on its offer's page, through the partnership it was made in: an offer
        made to a whole hub is seen by the booker there, not in the offerer's partnership."""
        return reverse("offer", args=[self.partnership_id, self.offer_id]) + f"#booking-{self.pk}"

    @property
    def hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds() / 3600).quantize(
            Decimal("0.1")
        )


class Exchange(models.Model):
    """One line of the ledger: something one organisation gave and another received."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="exchanges"
    )
    giver = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="gave"
    )
    receiver = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="received"
    )
    kind = models.CharField(max_length=12, choices=ResourceKind.choices)
    description = models.CharField(max_length=300)
    on = models.DateField()
    hours = models.DecimalField(
        max_digits=7, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    value_pounds = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.SET_NULL, related_name="exchanges"
    )
    booking = models.OneToOneField(
        Booking, null=True, blank=True, on_delete=models.CASCADE, related_name="exchange"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["partnership", "on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(giver=F("receiver")),
                name="exchange_between_two_organisations",
                violation_error_message="An organisation cannot give to itself.",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0),
                name="exchange_hours_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(value_pounds__isnull=True) | Q(value_pounds__gte=0),
                name="exchange_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.giver} → {self.receiver}: {self.description}"


class DocumentKind(models.TextChoices):
    POLICY = "policy", "Policy"
    TEMPLATE = "template", "Template"
    PROTOCOL = "protocol", "Protocol"
    OTHER = "other", "Other"


class DocumentAudience(models.TextChoices):
    MEMBERS = "members", "Every member of the partnership"
    CORE = "core", "Lead and core partners"


DOCUMENT_EXTENSIONS = ["pdf", "doc", "docx", "odt", "rtf", "txt", "md", "xls", "xlsx", "ods", "csv"]
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def _document_path(instance: SharedDocument, filename: str) -> str:
    return f"documents/{instance.partnership_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class SharedDocument(models.Model):
    """A policy or template a member shares with the partnership, by upload or by link.
    A new version replaces the old one, which stays in the history."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="documents"
    )
    owner = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=10, choices=DocumentKind.choices, default=DocumentKind.POLICY
    )
    description = models.TextField(blank=True)
    version = models.CharField(max_length=40, default="1")
    link = models.URLField(blank=True)
    file = models.FileField(
        upload_to=_document_path,
        blank=True,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
    )
    audience = models.CharField(
        max_length=8,
        choices=DocumentAudience.choices,
        default=DocumentAudience.MEMBERS,
        help_text="Who may see and use it.",
    )
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "-added_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(link="") | ~Q(file=""),
                name="document_has_a_link_or_a_file",
                violation_error_message="Upload a file or give a link.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"
