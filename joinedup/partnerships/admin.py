from django.contrib import admin

from joinedup.partnerships.models import Affiliation, Membership, Organisation, Partnership


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "size", "user_led", "charity_number"]
    list_filter = ["sector", "size", "user_led"]
    search_fields = ["name", "charity_number", "company_number"]
    inlines = [AffiliationInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["organisation", "role", "funded", "joined_on", "left_on", "leaving_reason"]
    autocomplete_fields = ["organisation"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "hub", "status", "start_on"]
    list_filter = ["status", "model", "programme"]
    search_fields = ["name"]
    inlines = [MembershipInline]
