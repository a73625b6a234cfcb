from django.apps import AppConfig


class ReflectionConfig(AppConfig):
    name = "joinedup.reflection"
    label = "reflection"
    verbose_name = "Reflective practice and handover"

    def ready(self) -> None:
        from joinedup.reflection import sources

        sources.register_all()
