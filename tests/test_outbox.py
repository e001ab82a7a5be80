"""Confirmation and withdrawal-link e-mails go through the outbox: delayed by a fault, never dropped."""

import datetime as dt
import smtplib
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from applications import sweeper
from applications.models import OutboxMessage, Subscriber
from applications.sending import deliver
from applications.sending.queue import outbox_sweep
from applications.services import subscribers_erase_unconfirmed
from applications.tasks import send_outbox
from tests.factories import ProgrammeFactory
from tests.test_alerts import link_in, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def jpo(db):
    return ProgrammeFactory(slug="jpo")


@pytest.fixture
def broker_down():
    with mock.patch.object(send_outbox, "delay", side_effect=OperationalError("Connection refused")):
        yield


def test_a_confirmation_that_cannot_be_queued_is_kept_and_sent_by_the_sweep(
    client, jpo, mailoutbox, broker_down, settings, caplog
):
    settings.ALERTS_OUTBOX_GRACE_SECONDS = 0

    assert "Check your inbox" in subscribe(client, email="someone@example.org").text

    assert mailoutbox == []  # the broker is down: not sent yet, and not dropped
    assert "Broker unavailable" in caplog.text
    assert OutboxMessage.objects.get().status == "pending"
    sweeper.sweep()
    [message] = mailoutbox
    assert message.to == ["someone@example.org"] and "/en/alerts/confirm/" in message.body
    sweeper.sweep()
    assert len(mailoutbox) == 1
    assert OutboxMessage.objects.get().status == "sent"


def test_a_withdrawal_link_that_cannot_be_queued_is_sent_by_the_sweep(
    client, jpo, mailoutbox, broker_down, settings
):
    settings.ALERTS_OUTBOX_GRACE_SECONDS = 0
    Subscriber.objects.create(email="someone@example.org", language="en", status="confirmed")

    client.post("/en/alerts/withdraw/", {"email": "someone@example.org"})
    assert mailoutbox == []
    sweeper.sweep()

    [message] = mailoutbox
    assert "/en/alerts/withdraw/" in message.body


def test_the_sweep_waits_for_the_task_it_expects_to_run(client, jpo, mailoutbox, broker_down):
    subscribe(client, email="someone@example.org")

    assert outbox_sweep() == []  # within ALERTS_OUTBOX_GRACE_SECONDS: the queued task may still come
    later = timezone.now() + dt.timedelta(seconds=31)
    assert outbox_sweep(now=later) == [OutboxMessage.objects.get().pk]


def test_a_mail_server_that_is_down_delays_the_confirmation_once(smtp_sink, client, jpo, broker_down):
    subscribe(client, email="someone@example.org")
    [message] = OutboxMessage.objects.all()

    down = mock.patch("smtplib.SMTP.docmd", side_effect=smtplib.SMTPServerDisconnected("down"))
    with down, pytest.raises(smtplib.SMTPServerDisconnected):
        deliver(OutboxMessage, [message.pk])
    message.refresh_from_db()
    assert message.status == "pending" and smtp_sink.recipients() == []

    deliver(OutboxMessage, [message.pk])
    deliver(OutboxMessage, [message.pk])  # a second run, a retried task: nothing more

    assert smtp_sink.recipients() == ["someone@example.org"]
    assert smtp_sink.messages[0][1]["Message-ID"].startswith(f"<outbox-{message.pk}@")


def test_a_dead_workers_outbox_claim_is_taken_over_after_its_lease(
    client, jpo, mailoutbox, broker_down, settings
):
    subscribe(client, email="someone@example.org")
    OutboxMessage.objects.update(status="sending", claim="f" * 32, claimed_at=timezone.now())

    assert outbox_sweep() == []
    later = timezone.now() + dt.timedelta(seconds=settings.ALERTS_CLAIM_LEASE_SECONDS + 1)
    deliver(OutboxMessage, outbox_sweep(now=later))

    assert len(mailoutbox) == 1


def test_nothing_is_sent_to_someone_who_withdrew_before_the_mail_went(client, jpo, mailoutbox, broker_down):
    subscribe(client, email="someone@example.org")
    Subscriber.objects.all().delete()

    assert not OutboxMessage.objects.exists()


def test_asking_again_renews_a_pending_subscription_so_the_new_link_outlives_the_purge(
    client, jpo, mailoutbox, settings
):
    subscribe(client, email="someone@example.org")
    almost = timezone.now() - dt.timedelta(days=settings.ALERTS_CONFIRMATION_DAYS, minutes=-1)
    Subscriber.objects.update(created_at=almost)  # the first request's link is about to expire

    subscribe(client, email="someone@example.org")  # a new link, "valid 7 days"
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + dt.timedelta(minutes=2)):
        assert subscribers_erase_unconfirmed() == 0

    response = client.post(link_in(mailoutbox[-1], "confirm"))
    assert "Alerts confirmed" in response.text


def test_an_email_backend_that_would_lose_mail_is_refused_and_the_mail_kept(settings):
    from django.core.exceptions import ImproperlyConfigured

    from applications.sending import email_backend_check
    from tests.factories import OutboxMessageFactory

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    message = OutboxMessageFactory()

    with pytest.raises(ImproperlyConfigured, match="cannot carry alerts"):
        deliver(OutboxMessage, [message.pk])

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)
    assert [error.id for error in email_backend_check()] == ["applications.E001"]


def test_a_message_django_s_backend_fails_to_take_goes_back_to_pending(settings, mailoutbox):
    from django.core.mail.backends.locmem import EmailBackend

    from tests.factories import OutboxMessageFactory

    message = OutboxMessageFactory()
    with (
        mock.patch.object(EmailBackend, "send_messages", side_effect=OSError("disk full")),
        pytest.raises(OSError),
    ):
        deliver(OutboxMessage, [message.pk])

    message.refresh_from_db()
    assert message.status == "pending" and message.sent_at is None
    deliver(OutboxMessage, [message.pk])
    assert len(mailoutbox) == 1
