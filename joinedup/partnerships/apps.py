from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "joinedup.partnerships"
    label = "partnerships"
    verbose_name = "Partnerships and members"

    def ready(self) -> None:
        from joinedup import access  # noqa: F401  (registers the object permissions)
