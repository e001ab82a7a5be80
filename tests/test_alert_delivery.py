"""The fan-out against a real SMTP server (aiosmtpd on loopback): exactly one alert per subscriber."""

import datetime as dt
import smtplib
import time
from collections import Counter

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from applications.models import AlertDelivery, Subscriber
from applications.sending import back_to_back, batches, deliver
from applications.sending.queue import deliveries_create, deliveries_sweep, pending_batches
from applications.sending.sent_mark import SentMark
from tests.factories import CallFactory, ProgrammeFactory, VacancyFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def call(db):
    programme = ProgrammeFactory(slug="jpo")
    call = CallFactory(programme=programme, title="JPO call")
    VacancyFactory(programme=programme, call=call, title="JPO Water Engineer")
    return call


def followers(call, count, prefix="person"):
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"{prefix}{i}@example.org", language="en", status="confirmed") for i in range(count)
    )
    for subscriber in subscribers:
        subscriber.programmes.add(call.programme)
    return [s.email for s in subscribers]


def fan_out(call):
    deliveries_create(call_id=call.pk)
    for batch in pending_batches(call_id=call.pk):
        deliver(AlertDelivery, batch)


def database_url():
    settings = connection.settings_dict
    return f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def before_step(monkeypatch, step, address, action):
    """Run `action(mark)` before the SentMark `step` of the delivery to `address`."""
    delivery_pk = AlertDelivery.objects.get(subscriber__email=address).pk
    real_step = getattr(SentMark, step)

    def step_with_action(mark, *args):
        if mark.pk == delivery_pk:
            action(mark)
        return real_step(mark, *args)

    monkeypatch.setattr(SentMark, step, step_with_action)


def exactly_once(sink, addresses):
    return Counter(sink.recipients()) == Counter(addresses)


def test_each_follower_gets_one_alert_and_each_batch_one_connection(smtp_sink, settings, call):
    settings.ALERTS_BATCH_SIZE = 5
    addresses = followers(call, 12)

    fan_out(call)

    assert exactly_once(smtp_sink, addresses)
    assert smtp_sink.sessions == 3
    message = smtp_sink.for_recipient(addresses[0])[0]
    assert message["Subject"] == "New call: JPO call"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].strip().startswith("<http://127.0.0.1:8000/en/alerts/withdraw/")
    assert "JPO Water Engineer" in message.get_body(("plain",)).get_content()
    assert AlertDelivery.objects.filter(status="sent").count() == 12


def test_running_the_fan_out_again_sends_nothing_more(smtp_sink, call):
    addresses = followers(call, 4)

    fan_out(call)
    fan_out(call)
    deliver(AlertDelivery, list(AlertDelivery.objects.values_list("pk", flat=True)))

    assert exactly_once(smtp_sink, addresses)


def test_an_address_the_server_refuses_fails_alone(smtp_sink, call):
    addresses = followers(call, 3)
    smtp_sink.refuse = {addresses[1]}

    fan_out(call)

    assert exactly_once(smtp_sink, [addresses[0], addresses[2]])
    failed = AlertDelivery.objects.get(status="failed")
    assert failed.subscriber.email == addresses[1]
    assert "550" in failed.last_error


def test_an_address_with_an_international_domain_gets_its_alert(smtp_sink, call):
    subscriber = Subscriber.objects.create(email="anna@bruxelles-café.be", language="fr", status="confirmed")
    subscriber.programmes.add(call.programme)
    plain = followers(call, 1)

    fan_out(call)

    # The envelope carries the domain as DNS knows it (IDNA), the plain address as it is.
    assert exactly_once(smtp_sink, ["anna@xn--bruxelles-caf-nhb.be", *plain])


def test_a_dropped_connection_loses_nothing_and_repeats_nothing(smtp_sink, call):
    addresses = followers(call, 6)
    smtp_sink.drop_at = 4  # the server hangs up instead of accepting the fourth message
    deliveries_create(call_id=call.pk)
    [batch] = pending_batches(call_id=call.pk)

    with pytest.raises((smtplib.SMTPException, OSError)):
        deliver(AlertDelivery, batch)
    assert len(smtp_sink.recipients()) == 3
    assert AlertDelivery.objects.filter(status="pending").count() == 3  # the dropped one included

    deliver(AlertDelivery, batch)  # what the task's retry does

    assert exactly_once(smtp_sink, addresses)


def test_a_delivery_another_worker_took_over_is_not_sent_twice(smtp_sink, call, monkeypatch):
    addresses = followers(call, 3)
    deliveries_create(call_id=call.pk)
    [batch] = pending_batches(call_id=call.pk)

    def slow_worker(mark):  # this worker was too slow: the sweep gave the delivery to another
        AlertDelivery.objects.filter(pk=mark.pk).update(claim="another-worker")

    before_step(monkeypatch, "hold_begin", addresses[1], slow_worker)
    counts = deliver(AlertDelivery, batch)

    # Abandoned after its content was sent, before the final dot: the server discarded it.
    assert counts == {"sent": 2, "abandoned": 1, "refused": 0}
    assert exactly_once(smtp_sink, [addresses[0], addresses[2]])


@pytest.mark.postgres
def test_a_database_connection_lost_after_the_final_dot_repeats_nothing(smtp_sink, call, monkeypatch):
    addresses = followers(call, 3)
    deliveries_create(call_id=call.pk)
    [batch] = pending_batches(call_id=call.pk)

    def database_restarts(mark):  # the connection dies between the UPDATE and its COMMIT
        pid = connection.connection.info.backend_pid
        with psycopg.connect(database_url(), autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
            while other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                time.sleep(0.01)

    before_step(monkeypatch, "commit_begin", addresses[1], database_restarts)
    counts = deliver(AlertDelivery, batch)

    # The server accepted the message whose COMMIT failed; it is recorded on a new connection, not sent again.
    assert counts == {"sent": 3, "abandoned": 0, "refused": 0}
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {"sent"}
    assert deliveries_sweep(now=timezone.now() + dt.timedelta(days=1)) == []
    assert exactly_once(smtp_sink, addresses)


def test_a_subscriber_who_withdraws_during_the_fan_out_gets_nothing(smtp_sink, call):
    addresses = followers(call, 3)
    deliveries_create(call_id=call.pk)
    Subscriber.objects.filter(email=addresses[0]).delete()

    fan_out(call)

    assert exactly_once(smtp_sink, addresses[1:])


def test_deliveries_held_by_a_dead_worker_are_sent_once_its_lease_ends(smtp_sink, settings, call):
    addresses = followers(call, 5)
    deliveries_create(call_id=call.pk)
    [batch] = pending_batches(call_id=call.pk)
    batches._claim(AlertDelivery, batch, "worker-that-died")  # claimed, then killed before sending anything

    assert deliveries_sweep() == []  # lease still running: nobody else may take them
    assert smtp_sink.recipients() == []

    later = timezone.now() + dt.timedelta(seconds=settings.ALERTS_CLAIM_LEASE_SECONDS + 1)
    for again in deliveries_sweep(now=later):
        deliver(AlertDelivery, again)

    assert exactly_once(smtp_sink, addresses)
    assert set(AlertDelivery.objects.values_list("attempts", flat=True)) == {2}


def test_no_alert_for_a_call_that_is_not_open(smtp_sink, call):
    followers(call, 2)
    type(call).objects.filter(pk=call.pk).update(status="draft")

    assert deliveries_create(call_id=call.pk) == 0
    assert not AlertDelivery.objects.exists()


@pytest.mark.postgres
def test_the_commit_and_the_final_dot_are_written_back_to_back(smtp_sink, call, monkeypatch):
    # The loss window of a killed worker is what separates the two writes: they must take the path where no
    # other thread can run between them, not the fallback, which is correct but leaves a wider window.
    addresses = followers(call, 3)
    deliveries_create(call_id=call.pk)
    [batch] = pending_batches(call_id=call.pk)
    written = []
    real = back_to_back.query_then_send

    def spy(pgconn, sql, sock, data):
        written.append((sql, data))
        return real(pgconn, sql, sock, data)

    monkeypatch.setattr(back_to_back, "query_then_send", spy)
    deliver(AlertDelivery, batch)

    assert written == [(b"COMMIT", b".\r\n")] * 3
    assert exactly_once(smtp_sink, addresses)
