"""The `joinedup` command: `demo`, `serve`, `token`, and every Django management command."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

USAGE = """usage: joinedup COMMAND [options]

  demo      make a data directory, load the demo data and serve it on http://127.0.0.1:8000
  serve     serve the app with gunicorn (production: set SECRET_KEY and DATABASE_URL)
  collectstatic --noinput   collect the static files: once at install and after each upgrade
  token     print a new API token: joinedup token --user EMAIL
  anything else is a Django management command: joinedup migrate, joinedup createsuperuser, …
"""


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.settings")
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return
    command, rest = args[0], args[1:]
    if command == "demo":
        demo(rest)
    elif command == "serve":
        serve(rest)
    else:
        _django([command, *rest])


def _django(args: list[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["joinedup", *args])


def demo(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="joinedup demo", description="Run Joined Up with the demo data."
    )
    parser.add_argument("--data-dir", default=os.environ.get("JOINEDUP_DATA_DIR", ".joinedup"))
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--no-serve", action="store_true", help="Load the demo and stop.")
    options = parser.parse_args(argv)

    data_dir = Path(options.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    os.environ["JOINEDUP_DATA_DIR"] = str(data_dir)
    os.environ["JOINEDUP_DEMO"] = "true"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    database = settings.DATABASES["default"]
    print(
        f"Joined Up demo: data in {data_dir}, "
        f"database {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}"
    )
    call_command("migrate", interactive=False, verbosity=0)
    print("Database migrated.")
    call_command("demo_load")
    if options.no_serve:
        return
    if not static_collected():
        print("Collecting the static files (the first time only)…", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    serve(["--bind", f"{options.host}:{options.port}"])


def serve(argv: list[str]) -> None:
    """Hand the process to gunicorn, with the settings of `joinedup.ops.gunicorn_conf` (extra
    options pass through). Static files are collected at install and upgrade, not here."""
    import django

    django.setup()
    refuse_without_collected_static()
    command = [sys.executable, "-m", "gunicorn", "-c", "python:joinedup.ops.gunicorn_conf"]
    command += ["joinedup.wsgi:application"]
    if not any(arg == "--bind" or arg.startswith(("--bind=", "-b")) for arg in argv):
        command += ["--bind", os.environ.get("JOINEDUP_BIND", "127.0.0.1:8000")]
    command += ["--no-control-socket", *argv]
    print(f"Serving Joined Up on http://{_bind_of(command)} (Ctrl-C stops it)", flush=True)
    os.execv(sys.executable, command)


NOT_COLLECTED = (
    "The static files have not been collected into {root}.\n"
    "Run `joinedup collectstatic --noinput` once after installing and after every upgrade, "
    "then `joinedup serve` again."
)


def static_collected() -> bool:
    from django.contrib.staticfiles.storage import staticfiles_storage

    manifest = getattr(staticfiles_storage, "manifest_name", None)
    return manifest is None or staticfiles_storage.exists(manifest)


def refuse_without_collected_static() -> None:
    """Stop, saying what to run, when the static files have not been collected: collecting
    on every start made each restart wait most of a minute."""
    from django.conf import settings

    if not static_collected():
        raise SystemExit(NOT_COLLECTED.format(root=settings.STATIC_ROOT))


def _bind_of(command: list[str]) -> str:
    binds = [command[i + 1] for i, part in enumerate(command[:-1]) if part == "--bind"]
    return binds[-1] if binds else "the address given"
