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
  worker    run the background jobs (emails, reminders, retention): run it beside serve
            (--threads N runs N jobs at once); the demo runs one itself
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
        return
    make_data_private()
    if command == "serve":
        serve(rest)
    else:
        _django([command, *rest])


def make_data_private() -> None:
    """Make the data directory and the SQLite file readable by their owner only, before
    Django, SQLite or `collectstatic` first create them with the umask's wider permissions."""
    from django.conf import settings

    from joinedup.lib.private import private_data

    database = settings.DATABASES["default"]
    name = str(database.get("NAME") or "")
    sqlite = database["ENGINE"].endswith("sqlite3") and name not in ("", ":memory:")
    private_data(Path(settings.DATA_DIR), Path(name) if sqlite else None)


def _django(args: list[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["joinedup", *args])


def demo(argv: list[str]) -> None:
    from joinedup.lib.private import private_dir, private_file

    parser = argparse.ArgumentParser(
        prog="joinedup demo", description="Run Joined Up with the demo data."
    )
    parser.add_argument("--data-dir", default=os.environ.get("JOINEDUP_DATA_DIR", ".joinedup"))
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--no-serve", action="store_true", help="Load the demo and stop.")
    options = parser.parse_args(argv)

    data_dir = Path(options.data_dir).resolve()
    private_dir(data_dir)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        private_file(key_file, secrets.token_urlsafe(50))
    demo_environment(data_dir, host=options.host, port=options.port)
    make_data_private()

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
    print(demo_notes(settings.SITE_URL, settings.EMAIL_BACKEND, Path(settings.EMAIL_FILE_PATH)))
    if options.no_serve:
        return
    if not static_collected():
        print("Collecting the static files (the first time only)…", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    start_demo_worker()
    serve(["--bind", f"{options.host}:{options.port}"])


def start_demo_worker() -> None:
    """The demo runs its own worker, so the quick start stays one command: a child process
    (`joinedup worker`) that stops when the demo's server does (Ctrl-C reaches both; if the
    server dies otherwise, the worker sees its parent gone and stops)."""
    import subprocess

    env = {**os.environ, "JOINEDUP_WORKER_PARENT": str(os.getpid())}
    subprocess.Popen([sys.executable, "-m", "joinedup.cli", "worker"], env=env)
    print("Background jobs run in a worker beside the server.", flush=True)


def demo_environment(data_dir: Path, *, host: str, port: int) -> None:
    """The settings the demo runs with. The links in the emails it writes (invitations,
    password resets) point at the address it serves on, `--port` included, unless
    JOINEDUP_SITE_URL says otherwise."""
    os.environ["JOINEDUP_DATA_DIR"] = str(data_dir)
    os.environ["JOINEDUP_DEMO"] = "true"
    os.environ.setdefault("JOINEDUP_SITE_URL", f"http://{host}:{port}")


def demo_notes(site_url: str, email_backend: str, mail_folder: Path) -> str:
    """Where to sign in, and where the emails the demo sends (invitations, booking requests,
    password resets) are: one file each in the data directory, not printed here."""
    notes = f"\nSign in at {site_url}/accounts/login/ as any of the people above."
    if email_backend == "joinedup.ops.mail.MailFolderBackend":
        notes += f"\nThe emails the demo sends are files in {mail_folder}/ (one .eml each)."
    return notes


NO_MAIL = """joinedup serve: EMAIL_HOST is not set, so password-reset and invitation emails
(and the secret links in them) would be printed to the console and kept in its log.
Set EMAIL_HOST (and EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) to send them, or set JOINEDUP_MAIL=off
to serve without sending any mail at all."""
MAIL_OFF = """
*** JOINEDUP_MAIL=off: Joined Up sends NO email. Nobody can reset a forgotten password or ***
*** receive an invitation until EMAIL_HOST is set.                                        ***
"""


def serve(argv: list[str]) -> None:
    """Hand the process to gunicorn, with the settings of `joinedup.ops.gunicorn_conf` (extra
    options pass through). Static files are collected at install and upgrade, not here.

    Outside the demo it will not serve with mail printed to the console: it needs EMAIL_HOST,
    or JOINEDUP_MAIL=off, which it announces loudly. The access log goes through a logger that
    redacts the secret tokens in calendar, invitation and reset links."""
    import django

    django.setup()
    from django.conf import settings

    if not settings.EMAIL_HOST and not os.environ.get("JOINEDUP_DEMO"):
        if not settings.MAIL_OFF:
            print(NO_MAIL, file=sys.stderr)
            sys.exit(2)
        print(MAIL_OFF, file=sys.stderr, flush=True)
    refuse_without_collected_static()
    command = [sys.executable, "-m", "gunicorn", "-c", "python:joinedup.ops.gunicorn_conf"]
    command += ["joinedup.wsgi:application"]
    if not any(arg == "--bind" or arg.startswith(("--bind=", "-b")) for arg in argv):
        command += ["--bind", os.environ.get("JOINEDUP_BIND", "127.0.0.1:8000")]
    command += ["--no-control-socket", "--logger-class", "joinedup.accesslog.RedactingLogger"]
    command += argv
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


if __name__ == "__main__":
    main()
