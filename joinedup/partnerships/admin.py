"""The Django admin for organisations and partnerships. It is not a back door: nobody is given
a role in an organisation here (only its own admins do that, on its people page), and neither
an organisation's people, its past people nor a partnership's membership history can be
deleted here. Every change made here is in the audit log (`joinedup/audit/admin_log.py`)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from joinedup.organisations.models import PastAffiliation
from joinedup.partnerships.models import Affiliation, Membership, Organisation, Partnership


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AffiliationInline(ReadOnlyInline):
    """Its people, to read: only the organisation's own admins add, change or remove them."""

    model = Affiliation
    fields = readonly_fields = ("user", "role", "job_title", "since")


class PastAffiliationInline(ReadOnlyInline):
    model = PastAffiliation
    fields = readonly_fields = ("user", "role", "since", "ended_at", "ended_by", "reason")
    verbose_name_plural = "people who have left"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "size", "user_led", "charity_number"]
    list_filter = ["sector", "size", "user_led"]
    search_fields = ["name", "charity_number", "company_number"]
    inlines = [AffiliationInline, PastAffiliationInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    """Memberships end (left on, with a reason); they are never deleted."""

    model = Membership
    extra = 0
    can_delete = False
    fields = ["organisation", "role", "funded", "joined_on", "left_on", "leaving_reason"]
    autocomplete_fields = ["organisation"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "hub", "status", "start_on"]
    list_filter = ["status", "model", "programme"]
    search_fields = ["name"]
    inlines = [MembershipInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
