"""A programme's framework of themes (a codebook, in qualitative research's words): themes with
descriptions, grouped in categories, versioned so that coding done against an old version keeps
its meaning."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.programmes.models import Programme


class Framework(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="frameworks")
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200, default="Learning framework")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["programme", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "version"], name="framework_version_unique_in_programme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class ThemeCategory(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    # The same category keeps its guid across framework versions (and in REFI-QDA files).
    guid = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["framework", "order", "name"]
        verbose_name_plural = "theme categories"

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="themes")
    category = models.ForeignKey(
        ThemeCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="themes"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    # The same theme keeps its guid across framework versions: coding made against an old
    # version counts towards the theme in the new one (and it is the Code's guid in REFI-QDA).
    guid = models.UUIDField(default=uuid.uuid4, editable=False)
    color = models.CharField(max_length=7, blank=True, help_text="#RRGGBB")

    class Meta:
        ordering = ["framework", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="theme_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


# --- Coding learning to the framework (l-coding) -------------------------------------------


class Evaluator(models.Model):
    """Someone who codes a programme's learning and reads its matrix: an evaluator or a
    learning partner. Added and removed by the programme's officers (or a superuser)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="evaluators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluator_of"
    )
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["programme", "user"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="one_evaluator_row_each")
        ]

    def __str__(self) -> str:
        return f"{self.user} evaluates {self.programme}"


class CaseKind(models.TextChoices):
    PARTNERSHIP = "partnership", "Partnerships"
    ORGANISATION = "organisation", "Organisations"
    HUB = "hub", "Hubs"


class Source(models.Model):
    """A snapshot of one piece of learning, taken when it is first coded (or uploaded): its
    text is normalised (Unicode NFC, newlines as \\n) once, and highlight positions count
    Unicode code points over this copy, so they keep their meaning whatever the original does
    later and whichever tool reads the export."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=100)
    title = models.CharField(max_length=300)
    text = models.TextField()
    written_at = models.DateTimeField()
    url = models.CharField(max_length=500, blank=True)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hub = models.ForeignKey(
        "programmes.Hub", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    taken_at = models.DateTimeField(default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["programme", "-written_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "key"], name="one_source_snapshot_each"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Highlight(models.Model):
    """A passage of a source coded to a theme: [start, end) in code points of `source.text`."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="highlights")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="highlights")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coded_at = models.DateTimeField(default=timezone.now)
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["source", "start", "end", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="highlight_not_empty"
            )
        ]
        indexes = [models.Index(fields=["theme", "coded_at"])]

    def __str__(self) -> str:
        return f"{self.theme} in {self.source}"

    @property
    def passage(self) -> str:
        return self.source.text[self.start : self.end]


class Summary(models.Model):
    """An analyst's summary of one cell of the matrix (a case and a theme), resting on
    highlights. Kept against the theme's `guid`, so it survives a new framework version."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="summaries")
    case_kind = models.CharField(max_length=20, choices=CaseKind.choices)
    case_id = models.PositiveIntegerField()
    theme_guid = models.UUIDField()
    text = models.TextField()
    highlights = models.ManyToManyField(Highlight, blank=True, related_name="summaries")
    written_at = models.DateTimeField(default=timezone.now)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["programme", "case_kind", "case_id"]
        verbose_name_plural = "summaries"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "case_kind", "case_id", "theme_guid"],
                name="one_summary_per_cell",
            )
        ]

    def __str__(self) -> str:
        return f"Summary of {self.case_kind} {self.case_id}"
