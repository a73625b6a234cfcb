"""Joined Up's settings: one file, read from the environment.

Every value a deployment may change is read through `joinedup.lib.env`, which fails loudly on a
bad value. Defaults are the secure ones: DEBUG off, secure cookies and HSTS when the site is
served over HTTPS (`JOINEDUP_HTTPS=true`), a strict content security policy.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from joinedup.lib.env import SettingError, env_bool, env_int, env_list, env_str

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

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# Where people reach the site, for the links in emails (invitations).
SITE_URL = env_str("JOINEDUP_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
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
    "joinedup.accounts",
    "joinedup.audit",
    "joinedup.partnerships",
    "joinedup.programmes",
    "joinedup.resources",
    "joinedup.agreements",
    "joinedup.directory",
    "joinedup.meetings",
    "joinedup.decisions",
    "joinedup.referrals",
    "joinedup.health",
    "joinedup.demo",
]

MIDDLEWARE = [
    "joinedup.ops.probes.ProbesMiddleware",  # first: see its docstring
    "django.middleware.security.SecurityMiddleware",
    "joinedup.middleware.ContentSecurityPolicyMiddleware",
    "joinedup.ops.middleware.ServiceErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
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
STATIC_ROOT = DATA_DIR / "static"
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

# Email: the console in the demo, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Joined Up <joinedup@localhost>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

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
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# The HSDS taxonomy whose terms are the needs people search by (its name).
JOINEDUP_NEEDS_TAXONOMY = env_str("JOINEDUP_NEEDS_TAXONOMY", "")
# A geocoder for postcodes the directory does not know: a URL template with {postcode} that
# answers as postcodes.io does. Off when empty, so nothing leaves the server.
JOINEDUP_GEOCODER_URL = env_str("JOINEDUP_GEOCODER_URL", "")
