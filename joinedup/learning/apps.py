from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "joinedup.learning"
    label = "learning"
    verbose_name = "Learning"

    def ready(self) -> None:
        from joinedup.learning import providers, sources

        sources.register("minutes", providers.meeting_minutes)
        sources.register("health", providers.health_free_text)
