# The portal image: gunicorn serves Django (WhiteNoise serves the static files); the same image
# runs the Celery worker and beat. See docker-compose.yml and the README's "Deploy" section.
FROM python:3.11-slim

# The code runs from /app, where templates/, static/ and locale/ sit beside the Python packages.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=congress.settings.production \
    CONGRESS_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles

RUN groupadd --system congress \
    && useradd --system --gid congress --home-dir /app --shell /usr/sbin/nologin congress

WORKDIR /app
COPY . .
RUN pip install . \
    && mkdir -p /app/var/media \
    && chown -R congress:congress /app/var

# collectstatic only needs the settings to load: these placeholder values exist in this step alone.
RUN SECRET_KEY=collectstatic-only-placeholder \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput --verbosity 0

USER congress
EXPOSE 8000

CMD ["gunicorn", "congress.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
