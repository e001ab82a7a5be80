"""Celery tasks of the alert service. Each is idempotent: running it twice changes nothing more."""

import logging
import smtplib

from celery import shared_task
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)


def dispatch(task, *args):
    """Queue a task; if the broker is down, say so and go on (the periodic sweep catches up)."""
    try:
        task.delay(*args)
    except OperationalError:
        log.warning("Broker unavailable: %s not queued now; the periodic sweep will catch up.", task.name)


@shared_task(acks_late=True)
def fan_out_call(call_id):
    from .delivery import deliveries_create, pending_batches

    deliveries_create(call_id=call_id)
    for batch in pending_batches(call_id=call_id):
        dispatch(send_alert_batch, batch)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=8,
)
def send_alert_batch(self, delivery_ids):
    from .delivery import deliveries_send

    return deliveries_send(delivery_ids=delivery_ids)


@shared_task
def sweep_deliveries():
    from .delivery import deliveries_sweep

    batches = deliveries_sweep()
    for batch in batches:
        dispatch(send_alert_batch, batch)
    return len(batches)


@shared_task
def erase_unconfirmed():
    from .services import subscribers_erase_unconfirmed

    return subscribers_erase_unconfirmed()


@shared_task(acks_late=True, autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=5, max_retries=6)
def send_subscriber_email(subscriber_id, kind):
    """The confirmation, withdrawal-link and already-subscribed e-mails (by id: no address in the broker)."""
    from . import emails
    from .models import Subscriber

    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return  # withdrawn or expired meanwhile
    build = {
        "confirm": emails.confirmation_message,
        "withdraw-link": emails.withdraw_link_message,
        "already-subscribed": emails.already_subscribed_message,
    }[kind]
    build(subscriber).send()
