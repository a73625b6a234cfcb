from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "joinedup.events"
    label = "events"
    verbose_name = "Hub events"

    def ready(self) -> None:
        from joinedup.events import sources

        sources.install()
