from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "joinedup.resources"
    label = "resources"
    verbose_name = "Resource sharing"
