"""A hub's coordinator is told when someone asks the hub for a topic: a notice in the app and
an email, through `meetings.notices.tell` like every other message.

The topic request is written by `joinedup.events.actions.request_topic`; this listens for the
new row (connected in `ProgrammesConfig.ready`) so that the hub's side stays here. It runs in
the same transaction as the request, so the notice and the email exist exactly when it does.
"""

from __future__ import annotations

from typing import Any


def tell_coordinator(
    sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any
) -> None:
    if not created or raw or instance.requested_by_id is None:
        return  # a request the system wrote (the demo's) is nobody's news
    from joinedup.programmes.models import Hub

    # Read afresh: the hub the caller holds may predate a change of coordinator.
    hub = Hub.objects.select_related("coordinator").get(pk=instance.hub_id)
    coordinator = hub.coordinator
    if coordinator is None or coordinator.pk == instance.requested_by_id:
        return
    from joinedup.meetings.notices import tell

    asker = instance.requested_by.name
    tell(
        [],
        f"New topic request in the {hub.label}: “{instance.title[:200]}”",
        f"{asker} asked the {hub.label} for a topic: “{instance.title}”. Read it, see who "
        "supports it, and schedule it at an event.",
        url=instance.get_absolute_url(),
        also=[coordinator],
    )


def connect() -> None:
    from django.db.models.signals import post_save

    from joinedup.events.models import TopicRequest

    post_save.connect(
        tell_coordinator, sender=TopicRequest, dispatch_uid="joinedup.programmes.coordinators"
    )
