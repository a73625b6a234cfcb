"""Programmes (a funder's portfolio of partnerships) and their regional hubs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse


class Programme(models.Model):
    name = models.CharField(max_length=200, unique=True)
    funder = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funded_programmes",
    )
    description = models.TextField(blank=True)
    budget_pounds = models.PositiveBigIntegerField(null=True, blank=True)
    start_on = models.DateField(null=True, blank=True)
    end_on = models.DateField(null=True, blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="programmes_overseen",
        help_text="Programme officers and learning teams: they see every partnership here.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True)
                | Q(start_on__isnull=True)
                | Q(end_on__gte=F("start_on")),
                name="programme_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programme", args=[self.pk])


class Hub(models.Model):
    """A region within a programme, where partnerships meet to learn from each other (seed 000)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="hubs")
    name = models.CharField(max_length=200)
    region = models.CharField(max_length=200, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hubs_coordinated",
        help_text="Who brings the hub's partnerships together; they see the hub's page.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="hub_name_unique_in_programme"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("hub", args=[self.pk])

    @property
    def label(self) -> str:
        """Its name as pages say it: "North West hub", not "North West hub hub"."""
        return self.name if "hub" in self.name.lower() else f"{self.name} hub"
