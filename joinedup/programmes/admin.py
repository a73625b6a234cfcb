from django.contrib import admin

from joinedup.programmes.models import Hub, Programme


class HubInline(admin.TabularInline):
    model = Hub
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "funder", "start_on", "end_on"]
    search_fields = ["name"]
    filter_horizontal = ["officers"]
    inlines = [HubInline]
