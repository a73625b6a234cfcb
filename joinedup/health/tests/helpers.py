"""Shared steps for the health tests."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from joinedup.health import actions
from joinedup.health.models import Round
from joinedup.health.statements import FACTORS


def open_round(w: SimpleNamespace, days: int = 28) -> Round:
    return actions.round_open(
        by=w.lena,
        partnership=w.partnership,
        closes_on=timezone.localdate() + dt.timedelta(days=days),
    )


def every_statement(score: int | None) -> dict[str, int | None]:
    return {s.code: score for f in FACTORS for s in f.statements}


def answer(round: Round, user: Any, organisation: Any, score: int | None, **kw: Any) -> Any:
    return actions.answer_submit(
        by=user, round=round, organisation=organisation, scores=every_statement(score), **kw
    )


def colleagues(organisation: Any, n: int, prefix: str = "colleague") -> list[Any]:
    """`n` more people at `organisation`, who may answer the check for it."""
    from joinedup.conftest import make_user

    return [
        make_user(
            f"{prefix}{i}.{organisation.pk}@example.org", f"{prefix.title()} {i}", organisation
        )
        for i in range(n)
    ]
