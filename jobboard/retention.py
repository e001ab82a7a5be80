"""Records kept for a purpose end with it: staff sign-in records and the consent ledger (the privacy page
says how long). Run daily by beat (`jobboard.tasks.apply_retention`) and by `manage.py apply_retention`.
"""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applications.services import consent_ledger_purge


@transaction.atomic
def staff_login_records_purge(*, now=None) -> int:
    """Sign-in records (user name, network address, browser) older than STAFF_LOGIN_LOG_DAYS. A failed
    attempt stops counting after the lock-out time; it is kept as long as the log, to trace an attack."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.STAFF_LOGIN_LOG_DAYS)
    return sum(
        model.objects.filter(attempt_time__lt=cutoff).delete()[0]
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )


def retention_apply(*, now=None) -> dict:
    return {
        "staff_login_records": staff_login_records_purge(now=now),
        "consent_events": consent_ledger_purge(now=now),
    }
