"""The health module's API: rounds, answers, ratings, time logs and the computed scores."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["health"])
