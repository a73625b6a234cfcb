from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "joinedup.figures"
    label = "figures"
    verbose_name = "Stored figures"

    def ready(self) -> None:
        from joinedup.figures import signals

        signals.connect()
