"""Periodic work of the catalogue."""

from celery import shared_task

from .models import Call
from .signals import call_opened


@shared_task
def announce_opened_calls():
    """Announce calls whose opening time has come and that nobody has been told about yet.

    Also the safety net for a publication whose announcement could not be queued (broker down).
    """
    calls = list(Call.objects.open().filter(opened_notified_at__isnull=True))
    for call in calls:
        call_opened.send(sender=Call, call=call)
    return len(calls)
