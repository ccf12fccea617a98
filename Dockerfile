# Production image of the TKPKD portal (web, Celery worker and beat share it).
# Not built or run in the development environment of this project: see README.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # The project folder comes first on the path, so settings find templates/,
    # static/, fixtures/ and locale/ beside it (BASE_DIR = /app).
    PYTHONPATH=/app

WORKDIR /app

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

# Dependencies first, from pyproject.toml alone: this layer is rebuilt only when
# the dependencies change, not on every code change.
COPY pyproject.toml ./
RUN python -c "import subprocess, sys, tomllib; \
deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; \
subprocess.check_call([sys.executable, '-m', 'pip', 'install', *deps])"

COPY . .
RUN pip install --no-deps .

# Static files are collected into the image (var/static) and served by WhiteNoise.
# The key below exists only for this build step.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput \
    && mkdir -p var/media var/beat \
    && chown -R app:app var

USER app
EXPOSE 8000

CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
