"""gunicorn settings of the production web container (``gunicorn -c config/gunicorn.py``).

Every value can be overridden from the environment (WEB_CONCURRENCY, ...).
Per-request lines come from config.middleware.RequestLogMiddleware (JSON, with
the request id), so gunicorn's own access log is off unless asked for.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # noqa: S104 - inside the container
workers = int(
    os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9))
)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Long enough for the largest export; a stuck worker is replaced after it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then: bounds the damage of any slow leak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn's own messages as JSON lines too, like the application's.
if os.environ.get("LOG_FORMAT", "json") == "json":
    # Any logconfig_dict switches gunicorn's access log on (glogging's
    # access_log_enabled), whatever accesslog says: so the access logger gets a
    # handler only when GUNICORN_ACCESSLOG asks for it, and is silenced
    # otherwise. Without this every request was logged twice.
    access = (
        {"handlers": ["console"], "level": "INFO", "propagate": False}
        if accesslog
        else {"handlers": ["null"], "level": "CRITICAL", "propagate": False}
    )
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "config.logging.JsonFormatter"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json"},
            "null": {"class": "logging.NullHandler"},
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(),
                               "propagate": False},
            "gunicorn.access": access,
        },
    }
