"""Joined Up's settings: one file, read from the environment.

Every value a deployment may change is read through `joinedup.lib.env`, which fails loudly on a
bad value. Defaults are the secure ones: DEBUG off, secure cookies and HSTS when the site is
served over HTTPS (`JOINEDUP_HTTPS=true`), a strict content security policy.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url

from joinedup.lib.env import SettingError, env_bool, env_int, env_list, env_str
from joinedup.ops.storage import default_storage as _default_storage

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("JOINEDUP_DATA_DIR", ".joinedup")).resolve()

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    # `joinedup demo` generates a key and keeps it in the data directory; nothing else may run
    # without one, so a production site never signs sessions with a guessable key.
    key_file = DATA_DIR / "secret_key"
    if env_bool("JOINEDUP_DEMO", False) and key_file.exists():
        SECRET_KEY = key_file.read_text().strip()
    else:
        raise SettingError("SECRET_KEY must be set (`joinedup demo` makes one for the demo)")
# A short key can be guessed offline from one signed cookie; only the demo may run with one.
SECRET_KEY_MIN_LENGTH = 50
if len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH and not env_bool("JOINEDUP_DEMO", False):
    raise SettingError(
        f"SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} characters long; make one with "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# Where people reach the site, for the links in emails (invitations).
SITE_URL = env_str("JOINEDUP_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Where people write when something goes wrong (shown on the help and error pages); optional.
JOINEDUP_SUPPORT_EMAIL = env_str("JOINEDUP_SUPPORT_EMAIL", "")
if JOINEDUP_SUPPORT_EMAIL and "@" not in JOINEDUP_SUPPORT_EMAIL.strip("@"):
    raise SettingError("JOINEDUP_SUPPORT_EMAIL must be an email address, e.g. help@example.org")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_ratelimit",
    "django_tasks",
    "django_tasks_db",
    "joinedup.accounts",
    "joinedup.audit",
    "joinedup.partnerships",
    "joinedup.organisations",
    "joinedup.programmes",
    "joinedup.resources",
    "joinedup.agreements",
    "joinedup.directory",
    "joinedup.meetings",
    "joinedup.decisions",
    "joinedup.referrals",
    "joinedup.health",
    "joinedup.learning",
    "joinedup.events",
    "joinedup.charter",
    "joinedup.reflection",
    "joinedup.ops",
    "joinedup.jobs",
    "joinedup.figures",
    "joinedup.demo",
]

MIDDLEWARE = [
    "joinedup.ops.probes.ProbesMiddleware",  # first: see its docstring
    # Compresses what the others have written, so it comes before them (issue 19).
    "joinedup.middleware.PageCompressionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "joinedup.middleware.ContentSecurityPolicyMiddleware",
    "joinedup.ops.middleware.ServiceErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "joinedup.accounts.middleware.TwoFactorRequiredMiddleware",
    "joinedup.middleware.NoStoreMiddleware",
    # After the service errors' middleware (a database away is a 503), around the API's views.
    "joinedup.api.idempotency.IdempotencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the sign-in that axes refused and answers with the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "joinedup.urls"
WSGI_APPLICATION = "joinedup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# Connections are kept for DATABASE_CONN_MAX_AGE seconds (0: one per request) and checked before
# each request reuses one, so a database restart costs no request a 500.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'joinedup.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writes wait for the lock instead of failing at once when two requests overlap.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A PostgreSQL read replica (README "Scaling out"): the programme view reads its stored figures
# from it; every other read and every write goes to the default (joinedup/figures/replica.py).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    if not DATABASE_REPLICA_URL.startswith(("postgres://", "postgresql://")):
        raise SettingError("DATABASE_REPLICA_URL must be a PostgreSQL URL")
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASE_ROUTERS = ["joinedup.figures.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in while an account or an address is locked out.
    "joinedup.accounts.throttle.SignInThrottle",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Apart from the data directory in a container image, which collects them at build.
STATIC_ROOT = Path(env_str("JOINEDUP_STATIC_ROOT", str(DATA_DIR / "static"))).resolve()
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_MANIFEST = env_bool("JOINEDUP_STATIC_MANIFEST", True)
# `joinedup collectstatic` collects the files with cache-busting names at install; a file it
# has not collected is served from the source folders (joinedup.ops.static), never a 500.
# Without the manifest (tests, development) every file is served from the source folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "joinedup.ops.static.CollectedStaticStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"

# Email: SMTP when EMAIL_HOST is set; in the demo, one file per message in <data dir>/mail/
# (joinedup.ops.mail), so none is printed among its progress.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# A relay that accepts and never answers must not hold a worker: give up after this many seconds.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Joined Up <joinedup@localhost>")
# `JOINEDUP_MAIL=off` sends nothing at all (and `joinedup serve` says so loudly at start); without
# it and without EMAIL_HOST, `joinedup serve` refuses to start outside the demo, so reset links
# are never printed where the logs keep them.
MAIL_OFF = env_str("JOINEDUP_MAIL", "on").lower() == "off"
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.dummy.EmailBackend"
    if MAIL_OFF
    else "joinedup.ops.mail.MailFolderBackend"
    if env_bool("JOINEDUP_DEMO", False)
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "mail"

# Security. Behind a TLS-terminating proxy set JOINEDUP_HTTPS=true.
HTTPS = env_bool("JOINEDUP_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("JOINEDUP_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("JOINEDUP_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Tokens in calendar, invitation and password-reset addresses never reach a log line.
    # A refused request (403, 400) is logged in one line; a 500 keeps its traceback.
    "filters": {
        "redact": {"()": "joinedup.lib.redact.RedactSecretsFilter"},
        "one_line_4xx": {"()": "joinedup.lib.logfilters.OneLineClientErrors"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["one_line_4xx", "redact"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Django's own loggers write through the same redacting handler, never their defaults.
    "loggers": {
        name: {"handlers": ["console"], "propagate": False} for name in ("django", "django.server")
    },
}

# The HSDS taxonomy whose terms are the needs people search by (its name).
JOINEDUP_NEEDS_TAXONOMY = env_str("JOINEDUP_NEEDS_TAXONOMY", "")
# A geocoder for postcodes the directory does not know: a URL template with {postcode} that
# answers as postcodes.io does. Off when empty, so nothing leaves the server.
JOINEDUP_GEOCODER_URL = env_str("JOINEDUP_GEOCODER_URL", "")
# The gazetteer search uses for areas and postcode districts (directory/gazetteer.py): a CSV
# made by `joinedup gazetteer build`; empty for the one shipped with the project.
JOINEDUP_GAZETTEER = env_str("JOINEDUP_GAZETTEER", "")

# Signing in (joinedup/accounts/throttle.py, README "Signing in safely").
# django-axes locks an account, and separately an address, after this many failed sign-ins
# (passwords or second-step codes) until the cool-off has passed since the last one; a
# password reset unlocks the account.
AXES_FAILURE_LIMIT = env_int("JOINEDUP_SIGN_IN_FAILURES", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("JOINEDUP_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "joinedup.accounts.throttle.username_of"
AXES_CLIENT_IP_CALLABLE = "joinedup.accounts.throttle.address_of"
AXES_LOCKOUT_CALLABLE = "joinedup.accounts.throttle.locked_out"
# Not axes' own reset on success: it deletes every failure from the address that signed in,
# so an attacker signing in to an account of their own wiped their guesses at anyone else's.
# `throttle.forget_own_failures` forgets only the failures of the account that signed in.
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
# Behind a proxy, how many proxies' X-Forwarded-For entries to trust (the proxy's own address
# would otherwise lock everyone out at once). JOINEDUP_HTTPS implies one.
JOINEDUP_PROXY_COUNT = env_int("JOINEDUP_PROXY_COUNT", 1 if HTTPS else 0)
# Password reset requests and new API tokens are throttled with django-ratelimit in a database
# cache, which every gunicorn worker shares. Its increments are not atomic, so in a race a
# request or two more may pass: a brake, not an exact count (hence the silenced check).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Figures that are pure functions of their key (a network's betweenness for its shape): kept
    # in each process, since asking a shared cache costs a query each, inside page loops.
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "joinedup_throttle",
    },
}
RATELIMIT_USE_CACHE = "throttle"
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Two-factor sign-in (django-otp): required for superusers and for anyone who can see the
# personal data of people being supported (`accounts.two_factor.two_factor_required`).
# `joinedup demo` turns the requirement off, so the demo's users sign in with a password
# unless they turn two-factor on themselves.
JOINEDUP_REQUIRE_2FA = env_bool("JOINEDUP_REQUIRE_2FA", not env_bool("JOINEDUP_DEMO", False))
OTP_TOTP_ISSUER = "Joined Up"
# The Django admin lists people's devices (to remove a lost one) without showing their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# API tokens expire after this many days unless made with another expiry.
JOINEDUP_TOKEN_DAYS = env_int("JOINEDUP_TOKEN_DAYS", 90)

# Background jobs through Django's tasks API (the django-tasks backport until Django 6.0).
# Define a job in an app's `tasks.py` with `@task()` (or `joinedup.jobs.job` to choose its
# retries) and call `.enqueue(...)` inside the write's transaction. The queue is a table in the
# database (django-tasks-db); `joinedup worker` runs the jobs (README "Background jobs").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Workers enqueue `remind` daily and `retention` nightly (joinedup/jobs/schedule.py); off when
# cron runs them instead.
JOINEDUP_SCHEDULE = env_bool("JOINEDUP_SCHEDULE", True)
# A worker beats every JOINEDUP_WORKER_BEAT seconds; the jobs of one silent for
# JOINEDUP_WORKER_STALE seconds (killed, or its machine gone) are taken up by another.
JOINEDUP_WORKER_BEAT = env_int("JOINEDUP_WORKER_BEAT", 5)
JOINEDUP_WORKER_STALE = env_int("JOINEDUP_WORKER_STALE", 30)
if JOINEDUP_WORKER_STALE < 2 * JOINEDUP_WORKER_BEAT:
    raise SettingError("JOINEDUP_WORKER_STALE must be at least twice JOINEDUP_WORKER_BEAT")

# Sessions live in the database, so any app server behind a balancer reads any visitor's.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The default cache (rendered charts and the like) must be shared by every app server too:
# the database cache by default (`joinedup migrate` makes its table), or Redis when
# JOINEDUP_CACHE_URL is given (redis://host:6379/0), through Django's own RedisCache.
CACHE_URL = env_str("JOINEDUP_CACHE_URL", "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise SettingError("JOINEDUP_CACHE_URL must be a Redis URL, e.g. redis://127.0.0.1:6379/0")
CACHES["default"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "joinedup_cache"}
)

# Directory imports (joinedup/directory/importer, README "Importing a directory"). A zip may
# unpack to at most this many MB in all (the Miami 2019 export of 4,000 services is 9 MB), and
# no entry over 1 MB may be compressed more than this many to one (directory exports are about
# 3 to 12 to one; zip bombs thousands): beyond either the import is refused, saying which.
JOINEDUP_IMPORT_MAX_UNPACKED_MB = env_int("JOINEDUP_IMPORT_MAX_UNPACKED_MB", 100)
JOINEDUP_IMPORT_MAX_RATIO = env_int("JOINEDUP_IMPORT_MAX_RATIO", 100)
# An import still marked queued or running after this many minutes is taken as abandoned (its
# worker was stopped) when the next import is asked for, so it no longer holds the others back.
JOINEDUP_IMPORT_ABANDONED_MINUTES = env_int("JOINEDUP_IMPORT_ABANDONED_MINUTES", 120)

# Exports built by a job (joinedup/jobs/exports.py, README "Exports"): the file is kept in the
# default storage this many hours after it was made, then removed by the hourly cleanup.
JOINEDUP_EXPORT_HOURS = env_int("JOINEDUP_EXPORT_HOURS", 24)

# Uploaded files (joinedup/ops/storage.py, README "Uploaded files"): a folder (MEDIA_ROOT, shared
# between servers) by default, S3-compatible object storage when JOINEDUP_S3_BUCKET is set.
STORAGES["default"] = _default_storage()
