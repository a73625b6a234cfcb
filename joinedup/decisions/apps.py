from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "joinedup.decisions"
    default_auto_field = "django.db.models.BigAutoField"
