# Joined Up: one image for the app servers and the workers (README "Deploying with containers").
#   docker build -t joinedup .
#   docker compose up -d          (app, worker and PostgreSQL: see compose.yaml)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# pg_dump and pg_restore, for `joinedup backup` and `joinedup restore` (Debian 12's client, 15:
# use PostgreSQL 15 or older for the database, as compose.yaml does).
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin joinedup

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY joinedup ./joinedup
# The `s3` extra: uploads in S3-compatible object storage when JOINEDUP_S3_BUCKET is set.
RUN pip install '.[s3]' && rm -rf /app/joinedup

# Uploads (and an SQLite file, if no DATABASE_URL) live in /data, a volume; the static files are
# collected into the image at build, so a start never waits for them.
ENV JOINEDUP_DATA_DIR=/data \
    JOINEDUP_STATIC_ROOT=/app/static \
    JOINEDUP_BIND=0.0.0.0:8000
RUN SECRET_KEY=build-only-this-key-signs-nothing-and-is-never-used-to-serve-0123456789 \
    joinedup collectstatic --noinput \
 && mkdir -p /data && chown -R joinedup:joinedup /data

USER joinedup
VOLUME ["/data"]
EXPOSE 8000
# Liveness: the process answers. (Readiness, /readyz, is for the load balancer.)
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["joinedup", "serve"]
