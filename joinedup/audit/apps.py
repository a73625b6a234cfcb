from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "joinedup.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from joinedup.audit import admin_log

        admin_log.install()
