"""Running Joined Up as a service: health probes for a load balancer, honest answers while the
database is away, static files that never stop a page, and gunicorn's settings."""
