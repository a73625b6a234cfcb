from django.apps import AppConfig


class CharterConfig(AppConfig):
    name = "joinedup.charter"
    label = "charter"
    verbose_name = "Good Partners Charter"
