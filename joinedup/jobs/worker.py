"""`joinedup worker`: django-tasks-db's worker, with what a service needs around it.

- **Retries with back-off** (`joinedup.jobs.retry`): a failed attempt goes back on the queue
  with a later `run_after`; after the last attempt the job is FAILED and its `on_give_up` runs.
- **Heartbeats and recovery**: each worker process writes its beat (`WorkerBeat`) every
  `JOINEDUP_WORKER_BEAT` seconds from a thread of its own, so a long job does not stop it. A
  job left RUNNING by a worker whose beat is older than `JOINEDUP_WORKER_STALE` seconds (the
  worker was killed, or its machine died) is put back on the queue and taken up by another
  worker: no job is lost. A job that finished is never touched, so none is run twice; a job
  cut off mid-way may run again from the start, so jobs are written to be safe to run again
  (the email job checks its message's status under a row lock). Each recovery counts as an
  attempt, so a job that kills its worker every time is given up after its last attempt.
- **Scheduled jobs** (`joinedup.jobs.schedule`): `remind` daily and `retention` nightly,
  enqueued once per period however many workers run.

Claiming is the library's: `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, an exclusive
transaction on SQLite. Run only `joinedup worker` (not the library's `db_worker`, which writes
no beat: its running jobs would look abandoned).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import signal
import socket
import threading
import time
from types import FrameType

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import TaskContext
from django_tasks.signals import task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker as LibraryWorker
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from joinedup.jobs.models import WorkerBeat
from joinedup.jobs.retry import policy_for

logger = logging.getLogger(__name__)


def beat_every() -> float:
    """Seconds between a worker's beats (JOINEDUP_WORKER_BEAT, default 5)."""
    return float(settings.JOINEDUP_WORKER_BEAT)


def stale_after() -> float:
    """A worker silent this long is taken for dead (JOINEDUP_WORKER_STALE, default 30 s)."""
    return float(settings.JOINEDUP_WORKER_STALE)


class WorkerDied(Exception):
    """The worker running this job stopped beating (killed, or its machine died)."""


class Worker(LibraryWorker):
    """One worker loop (one job at a time). `worker_id` names the process it runs in, whose
    beat vouches for it."""

    def __init__(self, *, worker_id: str, interval: float = 1.0, batch: bool = False) -> None:
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )

    def run(self) -> None:
        """The library's loop, except that connections are not recycled inside a transaction
        (a test's, when `run_ready` is called from one)."""
        while self.running:
            if not connection.in_atomic_block:
                close_old_connections()
            tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
            claimed = None
            with exclusive_transaction(tasks.db):
                try:
                    claimed = tasks.get_locked()
                    if claimed is not None:
                        claimed.claim(self.worker_id)  # RUNNING, this worker's id appended
                except OperationalError as error:
                    if not is_locked_database_exception(error):
                        raise
                    claimed = None  # SQLite busy: look again
            if claimed is not None:
                self.run_task(claimed)
            elif self.batch:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self.running and claimed is None:
                time.sleep(self.interval)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            task_started.send(sender=type(task.get_backend()), task_result=task_result)
            if task.takes_context:
                value = task.call(
                    TaskContext(task_result=task_result),  # type: ignore[arg-type]
                    *task_result.args,
                    **task_result.kwargs,
                )
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            db_task_result.set_successful(value)
            task_finished.send(
                sender=type(task.get_backend()), task_result=db_task_result.task_result
            )
        except Exception as error:
            failed(db_task_result, error)
        finally:
            self.running_task = False
            self._run_tasks += 1


def failed(db_task_result: DBTaskResult, error: BaseException) -> None:
    """After a failed attempt: back on the queue after the back-off, or, after the last
    attempt, FAILED for good (logged, and the job's `on_give_up` called)."""
    policy = policy_for(db_task_result.task_path)
    attempt = len(db_task_result.worker_ids)
    name = db_task_result.task_path.rsplit(".", 1)[-1]
    if attempt < policy.attempts:
        delay = policy.delay(attempt)
        logger.warning(
            "Job %s (%s) failed on attempt %d of %d, tried again in %ds: %s",
            name, db_task_result.id, attempt, policy.attempts, delay.total_seconds(), error,
        )  # fmt: skip
        DBTaskResult.objects.filter(pk=db_task_result.pk).update(
            status="READY",
            run_after=timezone.now() + delay,
            exception_class_path=f"{type(error).__module__}.{type(error).__qualname__}",
            traceback=str(error)[:2000],
        )
        return
    logger.error(
        "Job %s (%s) failed on its last attempt (%d): %s", name, db_task_result.id, attempt, error
    )
    db_task_result.set_failed(error)
    if policy.on_give_up is not None:
        args = db_task_result.args_kwargs
        try:
            policy.on_give_up(args["args"], args["kwargs"], error)
        except Exception:
            logger.exception("Job %s: giving up failed too", name)


# Heartbeats and recovery.


def beat(worker_id: str, started_at: dt.datetime) -> None:
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "beat_at": now,
            "host": socket.gethostname()[:200],
            "pid": os.getpid(),
            "started_at": started_at,
        },
    )


def recover() -> int:
    """Put back on the queue every job left RUNNING by a worker silent for `stale_after()`
    seconds; say how many."""
    now = timezone.now()
    stale = dt.timedelta(seconds=stale_after())
    alive = set(
        WorkerBeat.objects.filter(beat_at__gte=now - stale).values_list("worker_id", flat=True)
    )
    running = DBTaskResult.objects.running().only("pk", "worker_ids", "started_at")
    cut_off = [
        r.pk
        for r in running
        if (r.worker_ids[-1] if r.worker_ids else "") not in alive
        and (r.started_at is None or r.started_at < now - stale)
    ]
    recovered = 0
    for pk in cut_off:
        with transaction.atomic():
            row = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status="RUNNING")
                .first()
            )
            if row is None:
                continue  # finished meanwhile, or another worker is recovering it
            error = WorkerDied(f"worker {row.worker_ids[-1] if row.worker_ids else '?'} stopped")
            if len(row.worker_ids) >= policy_for(row.task_path).attempts:
                transaction.on_commit(functools.partial(failed, row, error))
                continue
            logger.warning("Job %s (%s) taken up again: %s", row.task_path, row.pk, error)
            DBTaskResult.objects.filter(pk=pk).update(status="READY", run_after=get_date_max())
            recovered += 1
    WorkerBeat.objects.filter(beat_at__lt=now - dt.timedelta(days=1)).delete()
    return recovered


def housekeeping(worker_id: str, started_at: dt.datetime, stop: threading.Event) -> None:
    """Beat, recover abandoned jobs and enqueue scheduled ones, until `stop` is set."""
    from joinedup.jobs.schedule import enqueue_due

    while not stop.is_set():
        try:
            close_old_connections()
            beat(worker_id, started_at)
            recover()
            enqueue_due()
        except Exception:
            logger.exception("Worker housekeeping failed; trying again")
        stop.wait(beat_every())
    connection.close()


def run(*, threads: int = 1, interval: float = 1.0, stop: threading.Event | None = None) -> None:
    """Run `threads` worker loops and the housekeeping in this process until SIGTERM/SIGINT
    (or `stop`, when run inside another program such as `joinedup demo`). A job being run
    is finished before the process ends; a second signal ends it at once (the job is then
    recovered by another worker)."""
    worker_id = f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"
    started_at = timezone.now()
    stop = stop or threading.Event()
    beat(worker_id, started_at)
    workers = [Worker(worker_id=worker_id, interval=interval) for _ in range(threads)]

    def loop(worker: Worker) -> None:
        try:
            worker.run()
        finally:
            connection.close()

    started = [threading.Thread(target=loop, args=(w,), daemon=True) for w in workers]
    keeper = threading.Thread(target=housekeeping, args=(worker_id, started_at, stop), daemon=True)
    for thread in [keeper, *started]:
        thread.start()
    if threading.current_thread() is threading.main_thread():

        def shut(signum: int, frame: FrameType | None) -> None:
            if stop.is_set():
                os._exit(1)
            logger.warning("Stopping the worker once its jobs have finished (again: at once)")
            stop.set()

        signal.signal(signal.SIGTERM, shut)
        signal.signal(signal.SIGINT, shut)
    logger.info("Worker %s running %d thread(s)", worker_id, threads)
    parent = int(os.environ.get("JOINEDUP_WORKER_PARENT") or 0)  # `joinedup demo`'s server
    while not stop.is_set():
        stop.wait(0.5)
        if parent and os.getppid() != parent:
            logger.warning("The demo's server has stopped; so does its worker")
            stop.set()
    for worker in workers:
        worker.running = False
    for thread in started:
        thread.join()
    keeper.join()
    WorkerBeat.objects.filter(worker_id=worker_id).delete()
    connection.close()


def run_ready(worker_id: str = "now") -> int:
    """Run every job that is ready, here and now, then return how many ran (tests, and
    `joinedup worker --batch`)."""
    worker = Worker(worker_id=worker_id, interval=0, batch=True)
    worker.run()
    return worker._run_tasks
