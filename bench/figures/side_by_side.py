"""The programme view and the network page before and after, side by side, on one database.

    git archive main | tar -x -C /tmp/main          # the code before
    .venv/bin/python bench/figures/side_by_side.py --before /tmp/main --programme 500
    .venv/bin/python bench/figures/side_by_side.py --before /tmp/main --programme 69
    .venv/bin/python bench/figures/side_by_side.py --before /tmp/main --network 2000

It builds one database (`joinedup_bench_side_<what>_<n>`, dropped and made again; `--keep`
keeps it for the next run, `--reuse` reads a kept one) with `bench/figures/run.py`'s programme
of N partnerships of eight members, or `bench/network/run.py`'s partnership of N
organisations, and refreshes their stored figures. Then two processes — one with the code
before, one with this checkout's — time the same page as the same person **at the same
time**, `--runs` requests each after two to warm the caches, so that both meet the same load
on a shared machine and their ratio is the result. p50 and p95 in milliseconds, queries of a
request and its size; printed as a Markdown row for `bench/README.md`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def django_on(code: Path, db: str) -> None:
    sys.path.insert(0, str(code))
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ["JOINEDUP_STATIC_MANIFEST"] = "false"
    os.environ["JOINEDUP_DATA_DIR"] = tempfile.mkdtemp(prefix="joinedup-bench-side-")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "joinedup.settings"
    import django

    django.setup()
    import joinedup

    assert Path(joinedup.__file__).resolve().is_relative_to(code.resolve()), joinedup.__file__


def build(db: str, what: str, n: int) -> dict[str, Any]:
    """Make the database and its data; returns the user's id and the page's URL."""
    import importlib.util

    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {db}")
        c.execute(f"CREATE DATABASE {db}")
    django_on(ROOT, db)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings
    from django.urls import reverse

    from joinedup.figures.compute import refresh

    call_command("migrate", verbosity=0)

    def load(name: str, path: Path) -> Any:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        return module

    sys.path.insert(0, str(ROOT / "bench" / "network"))
    rng = random.Random(19)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        if what == "programme":
            from joinedup.accounts.models import User
            from joinedup.programmes import actions as programme_actions

            figures_run = load("figures_run", ROOT / "bench" / "figures" / "run.py")
            programme = programme_actions.programme_create(by=None, name="Bench programme")
            user = User.objects.create_user("officer@example.org", "bench-pw", name="Officer")
            programme_actions.programme_add_officer(programme=programme, user=user, by=None)
            made: list[Any] = []
            figures_run.programme_of(n, made, programme, rng)
            refresh([p.pk for p in made])
            url = reverse("programme_health", args=[programme.pk])
        else:
            network_run = load("network_run", ROOT / "bench" / "network" / "run.py")
            partnership, user = network_run.partnership_of(n, rng)
            refresh([partnership.pk])
            url = reverse("health_network", args=[partnership.pk])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()
    return {"user": user.pk, "url": url}


def measure(code: Path, db: str, user: int, url: str, runs: int) -> dict[str, Any]:
    """In a process of its own: time the page with `code`'s code."""
    django_on(code, db)
    from django.db import connection
    from django.test import Client

    from joinedup.accounts.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(pk=user))
    for _ in range(2):  # the first draws the picture, fills the caches
        assert client.get(url).status_code == 200
    sys.path.insert(0, str(ROOT / "bench"))
    from common import settle_heap

    settle_heap()
    seen: list[str] = []

    def count(execute: Any, sql: str, *args: Any) -> Any:
        seen.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        response = client.get(url)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "queries": len(seen),
        "kb": len(response.content) / 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="a copy of main's code")
    parser.add_argument("--programme", type=int, help="partnerships in the programme")
    parser.add_argument("--network", type=int, help="organisations in the partnership")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--reuse", action="store_true", help="read a kept database")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        code, db, user, url = options.child
        print(json.dumps(measure(Path(code), db, int(user), url, options.runs)))
        return
    if options.programme:
        what, n = "programme", options.programme
    else:
        what, n = "network", options.network
    db = f"joinedup_bench_side_{what}_{n}"
    state = Path(tempfile.gettempdir()) / f"{db}.json"
    if not options.reuse:
        here = str(ROOT / "bench" / "figures")
        script = (
            f"import sys, json; sys.path.insert(0, {here!r}); import side_by_side as s; "
            f"print(json.dumps(s.build({db!r}, {what!r}, {n})))"
        )
        out = subprocess.run(
            [sys.executable, "-c", script], check=True, stdout=subprocess.PIPE, text=True
        ).stdout
        state.write_text(out.strip().splitlines()[-1])
    built = json.loads(state.read_text())
    children = {}
    for label, code in (("before", options.before), ("after", ROOT)):
        command = [
            *(sys.executable, __file__, "--runs", str(options.runs)),
            *("--before", str(options.before), "--child", str(code), db),
            *(str(built["user"]), built["url"]),
        ]
        env = {**os.environ, "PYTHONPATH": str(code)}
        children[label] = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    found = {}
    for label, child in children.items():
        found[label] = json.loads(child.communicate()[0].strip().splitlines()[-1])
    b, a = found["before"], found["after"]
    print(
        f"| {what} | {n:,} | {b['p50']:.0f} | {a['p50']:.0f} | {b['p95']:.0f} | {a['p95']:.0f} "
        f"| {b['p50'] / a['p50']:.1f}× | {b['queries']} | {a['queries']} | {b['kb']:,.0f} "
        f"| {a['kb']:,.0f} |"
    )
    if not options.keep:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {db}")


if __name__ == "__main__":
    main()
