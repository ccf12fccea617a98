"""One log line per request: gunicorn's access log stays off unless asked for
(the portal's RequestLogMiddleware writes the line, with the request id)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import runpy, sys
from gunicorn.config import Config
from gunicorn.glogging import Logger
cfg = Config()
for name, value in runpy.run_path("config/gunicorn.py").items():
    if name in cfg.settings:
        cfg.set(name, value)
log = Logger(cfg)
class R:  # the least gunicorn's atoms need
    status = "200 OK"; headers = (); response_length = 2; sent = 2
class Q:
    headers = (); method = "GET"; path = "/"; query = ""; uri = "/"; version = (1, 1)
import datetime
log.access(R(), Q(), {"REMOTE_ADDR": "1.2.3.4", "RAW_URI": "/", "REQUEST_METHOD": "GET",
           "SERVER_PROTOCOL": "HTTP/1.1"}, datetime.timedelta(seconds=0.01))
sys.stdout.flush(); sys.stderr.flush()
"""


def _access_lines(**env):
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "LOG_FORMAT": "json", **env}, timeout=60, check=True,
    )
    return [line for line in (result.stdout + result.stderr).splitlines() if "1.2.3.4" in line]


@pytest.mark.parametrize("asked", ["", None])
def test_gunicorn_writes_no_access_line_unless_asked(asked):
    env = {"GUNICORN_ACCESSLOG": asked} if asked is not None else {}
    assert _access_lines(**env) == []


def test_gunicorn_access_log_when_asked():
    assert len(_access_lines(GUNICORN_ACCESSLOG="-")) == 1
