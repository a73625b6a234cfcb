"""Writes for hub events and topic requests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from joinedup.actions import action, person
from joinedup.audit.actions import audit_record
from joinedup.events.models import TopicRequest
from joinedup.learning.models import Theme
from joinedup.partnerships.models import Organisation
from joinedup.programmes.models import Hub


@action
def request_topic(
    *,
    by: Any,
    hub: Hub,
    organisation: Organisation,
    title: str,
    description: str = "",
    themes: Iterable[Theme] = (),
) -> TopicRequest:
    """`organisation` asks its hub for a topic. Access is the caller's to check."""
    request = TopicRequest.objects.create(
        hub=hub, title=title, description=description, requested_by=person(by)
    )
    request.requesters.add(organisation)
    request.themes.set(list(themes))
    audit_record(actor=by, action="topic requested", obj=request)
    return request
