"""End to end with the real parts: Redis broker, Celery worker processes, an SMTP server on loopback."""

import re
import time
from collections import Counter

import pytest
from django.test import Client

from applications.models import AlertDelivery, Subscriber
from tests.factories import CallFactory, ProgrammeFactory, VacancyFactory
from tests.test_alerts import assert_address_nowhere
from vacancies import services as catalogue
from vacancies.models import PublicationStatus

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def jpo(db):
    return ProgrammeFactory(slug="jpo", name="Junior Professional Officer")


def draft_call(programme, title):
    call = CallFactory(programme=programme, title=title, status=PublicationStatus.DRAFT, published_at=None)
    VacancyFactory(programme=programme, call=call, status=PublicationStatus.DRAFT)
    return call


def path_of(message, kind):
    body = message.get_body(("plain",)).get_content()
    return re.search(rf"http://testserver(/[a-z]{{2}}/alerts/{kind}/[^/\s]+/)", body).group(1)


def alerts_to(sink, address):
    return [m for m in sink.for_recipient(address) if m["Subject"].startswith("New call")]


def test_subscribe_confirm_alert_withdraw_and_nothing_after(start_worker, smtp_sink, jpo, client):
    worker = start_worker()
    address = "candidate@example.org"

    assert (
        client.post(
            "/en/alerts/", {"email": address, "programmes": ["jpo"], "language": "en", "consent": "on"}
        ).status_code
        == 200
    )
    assert smtp_sink.wait_for(lambda: smtp_sink.for_recipient(address)), worker.log()[-3000:]
    confirm = path_of(smtp_sink.for_recipient(address)[0], "confirm")
    assert client.get(confirm).status_code == 200
    assert "Alerts confirmed" in client.post(confirm).text

    catalogue.call_publish(call=draft_call(jpo, "JPO call one"))
    assert smtp_sink.wait_for(lambda: alerts_to(smtp_sink, address)), worker.log()[-3000:]
    time.sleep(2)  # a second alert, if any were coming, would arrive now
    [alert] = alerts_to(smtp_sink, address)
    assert alert["Subject"] == "New call: JPO call one"

    withdraw = path_of(alert, "withdraw")
    assert client.get(withdraw).status_code == 200
    assert "Alerts stopped" in Client().post(withdraw).text

    second = draft_call(jpo, "JPO call two")
    catalogue.call_publish(call=second)
    assert smtp_sink.wait_for(lambda: type(second).objects.get(pk=second.pk).opened_notified_at is not None)
    time.sleep(2)
    assert len(alerts_to(smtp_sink, address)) == 1
    assert not Subscriber.objects.exists()
    assert_address_nowhere(address)


def test_a_worker_killed_mid_fan_out_loses_and_repeats_nothing(start_worker, smtp_sink, jpo):
    addresses = [f"subscriber{i}@example.org" for i in range(2000)]
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=address, language="en", status="confirmed") for address in addresses
    )
    Subscriber.programmes.through.objects.bulk_create(
        Subscriber.programmes.through(subscriber_id=s.pk, programme_id=jpo.pk) for s in subscribers
    )
    first = start_worker("first")

    catalogue.call_publish(call=draft_call(jpo, "JPO call"))
    assert smtp_sink.wait_for(lambda: len(smtp_sink.messages) >= 300, timeout=60), first.log()[-3000:]
    first.kill()
    delivered_before_kill = len(smtp_sink.messages)
    assert delivered_before_kill < 2000, "the fan-out finished before the kill: nothing was tested"

    second = start_worker("second")
    assert smtp_sink.wait_for(lambda: len(set(smtp_sink.recipients())) == 2000, timeout=180), second.log()[
        -3000:
    ]
    time.sleep(3)  # let a duplicate, if any were coming, arrive

    received = Counter(smtp_sink.recipients())
    assert received == Counter(addresses), {a: n for a, n in received.items() if n != 1}
    assert AlertDelivery.objects.filter(status="sent").count() == 2000
