"""Alert fan-out: one `AlertDelivery` per subscriber and call, each sent exactly once.

1. `deliveries_create(call)`: one pending row per confirmed follower of the call's programme. The unique
   (subscriber, call) pair makes re-running it harmless: publishing twice, re-saving, a retried task.
2. `deliveries_send(ids)`: claims the pending rows among `ids` (SKIP LOCKED, so two workers never hold
   the same row), then sends them over one connection, marking each row sent *before* the message is
   committed to the server (see mailer.py and sent_mark.py). Rows it could not send go back to pending.
3. `deliveries_sweep()`: gives rows held by a dead worker (lease expired) back to pending, and dispatches
   pending rows whose task was lost.
"""

import logging
import smtplib
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from vacancies.models import Call, Vacancy

from .emails import Listing, alert_message
from .mailer import MessageRefused, transport
from .models import AlertDelivery, Subscriber
from .sent_mark import SentMark

log = logging.getLogger(__name__)
Status = AlertDelivery.Status


def deliveries_create(*, call_id) -> int:
    """Create the pending deliveries of an open call and mark it notified. Returns the number created."""
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(pk=call_id).first()
        if call is None or not Call.objects.open().filter(pk=call_id).exists():
            return 0  # unpublished, cancelled or not yet open: nobody is told
        delivery, subscriber = AlertDelivery._meta, Subscriber._meta
        follows = Subscriber.programmes.through._meta
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {delivery.db_table}
                       (subscriber_id, call_id, status, attempts, claim, created_at, last_error)
                SELECT s.id, %s, %s, 0, '', %s, ''
                  FROM {subscriber.db_table} s
                  JOIN {follows.db_table} f ON f.subscriber_id = s.id
                 WHERE s.status = %s AND f.programme_id = %s
                ON CONFLICT DO NOTHING
                """,  # noqa: S608 - table names come from model metadata, values are parameters
                [call.pk, Status.PENDING, timezone.now(), Subscriber.Status.CONFIRMED, call.programme_id],
            )
            created = cursor.rowcount
        if call.opened_notified_at is None:
            call.opened_notified_at = timezone.now()
            call.save(update_fields=["opened_notified_at"])
    return created


def pending_batches(*, call_id=None, created_before=None):
    """Ids of pending deliveries, in batches of ALERTS_BATCH_SIZE."""
    queryset = AlertDelivery.objects.filter(status=Status.PENDING).order_by("pk")
    if call_id is not None:
        queryset = queryset.filter(call_id=call_id)
    if created_before is not None:
        queryset = queryset.filter(created_at__lt=created_before)
    ids = list(queryset.values_list("pk", flat=True))
    size = settings.ALERTS_BATCH_SIZE
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _claim(delivery_ids, claim):
    with transaction.atomic():
        ids = list(
            AlertDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=delivery_ids, status=Status.PENDING)
            .values_list("pk", flat=True)
        )
        AlertDelivery.objects.filter(pk__in=ids, attempts__gte=settings.ALERTS_MAX_ATTEMPTS).update(
            status=Status.FAILED, last_error="too many attempts"
        )
        AlertDelivery.objects.filter(pk__in=ids, attempts__lt=settings.ALERTS_MAX_ATTEMPTS).update(
            status=Status.SENDING, claim=claim, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
    return ids


def _release(claim, *, pk=None, status=Status.PENDING, error=""):
    """Give deliveries of this run back (to pending) or settle them (failed)."""
    queryset = AlertDelivery.objects.filter(claim=claim).exclude(status=Status.FAILED)
    # One delivery whatever its state (it may be marked sent already), or every one still held.
    queryset = queryset.filter(pk=pk) if pk is not None else queryset.filter(status=Status.SENDING)
    queryset.update(status=status, claim="", claimed_at=None, sent_at=None, last_error=error[:200])


def _open_vacancies(call_ids):
    by_call = {call_id: [] for call_id in call_ids}
    for vacancy in (
        Vacancy.objects.public()
        .with_state()
        .filter(call_id__in=call_ids)
        .select_related("organisation")
        .by_closing()
    ):
        by_call[vacancy.call_id].append(vacancy)
    return {call_id: Listing(vacancies) for call_id, vacancies in by_call.items()}


def deliveries_send(*, delivery_ids) -> dict:
    """Send the pending deliveries among `delivery_ids`. Raises on a connection failure (the task retries)."""
    claim = uuid.uuid4().hex
    ids = _claim(delivery_ids, claim)
    counts = {"sent": 0, "abandoned": 0, "refused": 0}
    deliveries = list(
        AlertDelivery.objects.filter(pk__in=ids, claim=claim)
        .select_related("subscriber", "call")
        # What an alert needs: loading every column of three tables cost a tenth of the worker's time.
        .only(
            "call", "subscriber__email", "subscriber__language", "subscriber__token_key", "call__updated_at"
        )
        .order_by("pk")
    )
    if not deliveries:
        return counts
    vacancies = _open_vacancies({d.call_id for d in deliveries})
    in_flight = None
    try:
        with transport() as mail:
            for delivery in deliveries:
                in_flight = delivery
                message = alert_message(delivery, vacancies[delivery.call_id])
                try:
                    sent = mail.send(message, SentMark(delivery.pk, claim))
                except MessageRefused as error:
                    _release(claim, pk=delivery.pk, status=Status.FAILED, error=str(error))
                    counts["refused"] += 1
                    continue
                counts["sent" if sent else "abandoned"] += 1
                in_flight = None
    except (smtplib.SMTPException, OSError) as error:
        # Whatever was not confirmed by the server goes back to pending, the message in flight included.
        if in_flight is not None:  # marked sent, perhaps, but not accepted by the server
            _release(claim, pk=in_flight.pk, error=type(error).__name__)
        _release(claim, error=type(error).__name__)
        log.warning("Alert batch interrupted after %s sent: %s", counts["sent"], type(error).__name__)
        raise
    return counts


def deliveries_sweep(*, now=None) -> list[list[int]]:
    """Free deliveries whose worker died, and return the batches of pending ones that need a task again."""
    now = now or timezone.now()
    AlertDelivery.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - timedelta(seconds=settings.ALERTS_CLAIM_LEASE_SECONDS)
    ).update(status=Status.PENDING, claim="", claimed_at=None)
    return pending_batches(created_before=now - timedelta(seconds=settings.ALERTS_PENDING_GRACE_SECONDS))
