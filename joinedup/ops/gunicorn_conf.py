"""gunicorn's settings for Joined Up, read from the environment.

`joinedup serve` starts gunicorn with them, and gunicorn started straight can use them too:
`gunicorn -c python:joinedup.ops.gunicorn_conf joinedup.wsgi`. Options given on the command
line win over these.
"""

from __future__ import annotations

from joinedup.lib.env import env_int, env_str

bind = [env_str("JOINEDUP_BIND", "127.0.0.1:8000")]
workers = env_int("WEB_CONCURRENCY", 2)
# A worker silent this long is killed and its request answers 502. Long work (imports,
# exports) belongs in a job, not a request, so gunicorn's own default stays.
timeout = env_int("JOINEDUP_GUNICORN_TIMEOUT", 30)
accesslog = "-"


def post_worker_init(worker: object) -> None:
    """Once a worker has loaded the app, settle its heap (`joinedup.ops.heap`)."""
    from joinedup.ops.heap import settle

    settle()
