"""Background jobs: how to define one, and what runs them.

**Defining a job.** Use Django's tasks API (the `django-tasks` backport; `django.tasks` from
Django 6.0, so this code will not change): in an app's `tasks.py`

    from django_tasks import task

    @task()
    def refresh_chart(partnership_id: int) -> None: ...

and call `refresh_chart.enqueue(partnership.pk)` **inside the write's transaction**: the job
is a row in the same database (django-tasks-db), so it exists exactly when the write
committed. To choose the retries, declare it with `joinedup.jobs.job` instead, which takes
`task()`'s arguments and the policy:

    from joinedup.jobs import job

    @job(attempts=5, backoff=60)      # 5 tries in all, 1, 2, 4, 8 minutes apart
    def import_directory(upload_id: int) -> dict: ...

A plain `@task()` is tried `retry.DEFAULT.attempts` (3) times, 10 s then 20 s apart. Arguments
and the return value must be JSON (ids, not model instances).

**Write jobs that are safe to run twice.** A job cut off mid-way (its worker killed) is taken up
again from the start by another worker; a job that finished is never run again. Check the
state you are about to change under a row lock, as `tasks.send_email` does.

**Sending email:** `joinedup.jobs.mail.queue_email(to, subject, body, organisation=...)`, never
`send_mail`: the request only writes the message; a worker sends it, retries, and after the
last try shows it to the organisation's admins on "messages not delivered".

**Running jobs:** `joinedup worker [--threads N]` (`worker.py`: retries with back-off,
heartbeats, recovery of jobs whose worker died, the scheduled `remind`, `retention` and
hourly `cleanup`); `joinedup demo` runs one beside its server. Tests that want a job run at
once use the `jobs_run_at_once` fixture (the ImmediateBackend) or `worker.run_ready()`.

**Exports** that may take a while are jobs too: `exports.py` (one mechanism for all of them:
a start page, a status page, a download for whoever asked, removal after
`JOINEDUP_EXPORT_HOURS`).
"""

from joinedup.jobs.retry import job

__all__ = ["job"]
