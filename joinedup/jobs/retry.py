"""Retries with exponential back-off, on top of Django's tasks API.

django-tasks-db runs a job once: an exception marks it FAILED. `joinedup worker`
(`joinedup.jobs.worker`) adds what a service needs: a failed attempt goes back on the queue
with `run_after` = now + back-off × 2^(attempt − 1), the attempts are counted (one claim per
attempt, in the task's `worker_ids`), and after the last one the job is marked FAILED, logged,
and the job's `on_give_up` is called (the email job shows the message on "messages not
delivered").

Declare a job with `@job(...)` (same arguments as `django_tasks.task`, plus the policy) or a
plain `@task()`; a plain task gets `DEFAULT`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django_tasks import task
from django_tasks.base import Task

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Policy:
    attempts: int = 3  # in all, the first one included
    backoff: float = 10.0  # seconds before the second attempt; doubled for each after
    # Called once, in the worker, after the last attempt failed: (args, kwargs, error).
    on_give_up: Callable[[list[Any], dict[str, Any], BaseException], None] | None = None

    def delay(self, attempt: int) -> dt.timedelta:
        """How long to wait after failed attempt number `attempt` (1 for the first)."""
        return dt.timedelta(seconds=self.backoff * 2 ** (attempt - 1))


DEFAULT = Policy()
_policies: dict[str, Policy] = {}


def job(
    *,
    attempts: int = DEFAULT.attempts,
    backoff: float = DEFAULT.backoff,
    on_give_up: Callable[[list[Any], dict[str, Any], BaseException], None] | None = None,
    **task_options: Any,
) -> Callable[[Callable[P, T]], Task[P, T]]:
    """`@task(**task_options)`, retried up to `attempts` times in all."""

    def decorate(func: Callable[P, T]) -> Task[P, T]:
        made: Task[P, T] = task(**task_options)(func)
        _policies[made.module_path] = Policy(attempts, backoff, on_give_up)
        return made

    return decorate


def policy_for(task_path: str) -> Policy:
    return _policies.get(task_path, DEFAULT)
