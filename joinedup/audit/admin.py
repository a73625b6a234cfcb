from django.contrib import admin

from joinedup.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is only ever added to, by the actions."""

    list_display = ["at", "actor", "action", "object_repr", "partnership"]
    list_filter = ["action"]
    search_fields = ["object_repr", "actor__email"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
