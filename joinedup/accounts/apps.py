from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "joinedup.accounts"
    label = "accounts"
    verbose_name = "People and sign-in"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from joinedup.accounts.throttle import forget_own_failures

        post_migrate.connect(_create_throttle_table, sender=self)
        user_logged_in.connect(forget_own_failures, dispatch_uid="joinedup.forget_own_failures")


def _create_throttle_table(using: str = "default", **kwargs: Any) -> None:
    """The throttles' database cache needs its table; `joinedup migrate` makes it (once)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
