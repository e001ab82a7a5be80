"""Celery tasks of the alert service. Each is idempotent: running it twice changes nothing more."""

import logging
import smtplib

from celery import shared_task
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)


def dispatch(task, *args):
    """Queue a task; if the broker is down, say so and go on (the workers' sweep catches up: sweeper.py)."""
    try:
        task.delay(*args)
    except OperationalError:
        log.warning("Broker unavailable: %s not queued now; the workers' sweep will catch up.", task.name)


@shared_task(acks_late=True)
def fan_out_call(call_id):
    from .sending.queue import deliveries_create, pending_batches

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
    from .models import AlertDelivery
    from .sending import deliver

    return deliver(AlertDelivery, delivery_ids)


@shared_task(acks_late=True)
def match_vacancies(vacancy_ids):
    """Match published vacancies against the search alerts (those not open yet wait for the sweep)."""
    from .sending.queue import vacancies_match

    return vacancies_match(vacancy_ids=vacancy_ids)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=8,
)
def send_report_batch(self, report_ids):
    """Search alert e-mails (reports, by id)."""
    from .models import AlertReport
    from .sending import deliver

    return deliver(AlertReport, report_ids)


@shared_task
def renew_or_lapse_alerts():
    """Offer renewal to alerts that lapse within a month; delete those that lapsed."""
    from .services import alerts_lapse, alerts_remind

    return {"reminded": alerts_remind(), "lapsed": alerts_lapse()}


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=8,
)
def send_outbox(message_ids):
    """Confirmation and withdrawal-link e-mails (outbox rows, by id: no address in the broker)."""
    from .models import OutboxMessage
    from .sending import deliver

    return deliver(OutboxMessage, message_ids)


@shared_task
def sweep_deliveries():
    """What the workers' own sweeper does (sweeper.py), also run by beat."""
    from .sweeper import sweep

    return sweep()


@shared_task
def erase_unconfirmed():
    from .services import subscribers_erase_unconfirmed

    return subscribers_erase_unconfirmed()


@shared_task(acks_late=True)
def send_subscriber_email(subscriber_id, kind):
    """Before the outbox: a task of this name may still be queued by the release before; put it there."""
    from .models import OutboxMessage, Subscriber

    if Subscriber.objects.filter(pk=subscriber_id).exists():
        message = OutboxMessage.objects.create(subscriber_id=subscriber_id, kind=kind)
        dispatch(send_outbox, [message.pk])
