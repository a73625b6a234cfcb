from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "joinedup.programmes"
    label = "programmes"
    verbose_name = "Programmes and hubs"

    def ready(self) -> None:
        from joinedup.programmes.coordinators import connect

        connect()  # a hub's coordinator hears of each new topic request
