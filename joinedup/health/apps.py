from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "joinedup.health"
    label = "health"
    verbose_name = "Partnership health"
