"""A programme's framework of themes (a codebook, in qualitative research's words): themes with
descriptions, grouped in categories, versioned so that coding done against an old version keeps
its meaning."""

from __future__ import annotations

from django.conf import settings
from django.db import models

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

    class Meta:
        ordering = ["framework", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="theme_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
