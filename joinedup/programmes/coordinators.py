"""A hub's coordinator is told when someone asks the hub for a topic: a notice in the app and
an email, through `meetings.notices.tell` like every other message.

`joinedup.events.actions.request_topic` calls `tell_coordinator` in the transaction that writes
the request, so the notice and the email exist exactly when it does.
"""

from __future__ import annotations

from typing import Any


def tell_coordinator(instance: Any) -> None:
    """Tell the hub's coordinator of the new topic request `instance` (not their own)."""
    if instance.requested_by_id is None:
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
