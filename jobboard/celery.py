"""Celery application. Without REDIS_URL tasks run eagerly (see settings)."""

import os

from celery import Celery
from celery.signals import worker_ready, worker_shutting_down

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")

app = Celery("jobboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _start_sweeper(**kwargs):
    """Every worker recovers what a dead one left, without beat (applications/sweeper.py)."""
    from applications import sweeper

    sweeper.start()


@worker_shutting_down.connect
def _stop_sweeper(**kwargs):
    from applications import sweeper

    sweeper.stop()
