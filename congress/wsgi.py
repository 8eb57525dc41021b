"""WSGI entry point for gunicorn."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings.production")
application = get_wsgi_application()
# What is loaded by now (settings, apps, models) lives as long as the worker: keep it out of the cyclic
# collector's full passes, which otherwise scan it all again and show up as the slowest requests.
gc.freeze()
