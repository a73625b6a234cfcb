from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "joinedup.programmes"
    label = "programmes"
    verbose_name = "Programmes and hubs"
