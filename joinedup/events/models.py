"""Hub events and the topic requests that set their agenda (seed 000)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from joinedup.learning.models import Theme
from joinedup.partnerships.models import Organisation
from joinedup.programmes.models import Hub


class TopicStatus(models.TextChoices):
    OPEN = "open", "Open"
    SCHEDULED = "scheduled", "Scheduled"
    MET = "met", "Met"
    MERGED = "merged", "Merged into another request"


class TopicRequest(models.Model):
    """What a project needs to know or have, asked of its hub."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="topic_requests")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="topic_requests")
    requesters = models.ManyToManyField(Organisation, related_name="topic_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=TopicStatus.choices, default=TopicStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
