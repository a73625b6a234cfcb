from django.contrib import admin

from joinedup.resources.models import Booking, Exchange, Offer, ResourceRequest, SharedDocument


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "partnership", "kind", "reach", "active"]
    list_filter = ["kind", "reach", "active"]
    search_fields = ["title", "organisation__name"]
    # Kind and capacity decide how many bookings may overlap; they change through the app,
    # which refuses a change that confirmed bookings would not fit.
    readonly_fields = ["kind", "capacity"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only here: bookings change through the pages and API, which hold the rules."""

    list_display = ["offer", "organisation", "starts_at", "ends_at", "status"]
    list_filter = ["status"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Exchange)
class ExchangeAdmin(admin.ModelAdmin):
    list_display = ["on", "giver", "receiver", "kind", "description", "hours", "value_pounds"]
    list_filter = ["kind"]


admin.site.register(ResourceRequest)
admin.site.register(SharedDocument)
