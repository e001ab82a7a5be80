"""Search alerts end to end with the real parts: Redis broker, Celery worker processes, an SMTP server."""

import datetime as dt
import re
import time
from collections import Counter

import pytest
from django.db.models import Count
from django.utils import timezone

from applications.models import Alert, AlertMatch, AlertReport, Subscriber
from tests.factories import ProgrammeFactory, VacancyFactory
from vacancies import services as catalogue
from vacancies.models import PublicationStatus

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def jpo(db):
    return ProgrammeFactory(slug="jpo", name="Junior Professional Officer")


def path_of(message, kind):
    body = message.get_body(("plain",)).get_content()
    return re.search(rf"http://testserver(/[a-z]{{2}}/alerts/{kind}/[^/\s]+/)", body).group(1)


def reports_to(sink, address):
    subjects = ("voor je zoekopdracht", "for your search")
    return [m for m in sink.for_recipient(address) if m["Subject"].endswith(subjects)]


def test_follow_a_search_confirm_and_hear_once_of_the_matching_vacancy_only(
    start_worker, smtp_sink, jpo, client
):
    worker = start_worker()
    address = "follower@example.org"
    page = client.get("/nl/alerts/?programme=jpo&country=SN&sort=newest")
    search = re.search(r'name="search" value="([^"]*)"', page.text).group(1).replace("&amp;", "&")
    data = {"email": address, "language": "nl", "consent": "on", "search": search, "frequency": "hourly"}
    assert client.post("/nl/alerts/", data).status_code == 200
    assert smtp_sink.wait_for(lambda: smtp_sink.for_recipient(address)), worker.log()[-3000:]
    client.post(path_of(smtp_sink.for_recipient(address)[0], "confirm"))

    matching = VacancyFactory(programme=jpo, country="SN", status=PublicationStatus.DRAFT, published_at=None)
    other = VacancyFactory(programme=jpo, country="BE", status=PublicationStatus.DRAFT, published_at=None)
    catalogue.vacancy_publish(vacancy=matching)
    catalogue.vacancy_publish(vacancy=other)

    assert smtp_sink.wait_for(lambda: reports_to(smtp_sink, address)), worker.log()[-3000:]
    time.sleep(3)  # a second report, if any were coming, would arrive now
    [report] = reports_to(smtp_sink, address)
    assert report["Subject"] == "1 nieuwe vacature voor je zoekopdracht"
    body = report.get_body(("plain",)).get_content()
    assert f"/nl/vacancies/{matching.slug}/" in body
    assert other.slug not in body
    assert "/nl/alerts/manage/" in body


def rows_by_state():
    """Where the reports are, when a run does not finish: sent but not received, or left behind."""
    return {
        "reports": dict(AlertReport.objects.values_list("status").annotate(n=Count("pk")).order_by()),
        "matches without a report": AlertMatch.objects.filter(report__isnull=True).count(),
    }


def test_a_digest_run_with_its_worker_killed_twice_loses_and_repeats_nothing(start_worker, smtp_sink, jpo):
    count = 1500
    addresses = [f"digest{i}@example.org" for i in range(count)]
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=address, language="en", status="confirmed") for address in addresses
    )
    confirmed = timezone.now() - dt.timedelta(days=3)  # the daily digest of today (or yesterday) is due
    alerts = Alert.objects.bulk_create(
        Alert(
            subscriber=s, selection="programme=jpo", programmes=",jpo,", status="confirmed",
            frequency="daily", confirmed_at=confirmed, renewed_at=confirmed,
        )
        for s in subscribers
    )  # fmt: skip
    vacancies = [VacancyFactory(programme=jpo) for _ in range(2)]
    AlertMatch.objects.bulk_create(AlertMatch(alert=a, vacancy=v) for a in alerts for v in vacancies)

    first = start_worker("first")
    assert smtp_sink.wait_for(lambda: len(smtp_sink.messages) >= 200, timeout=60), first.log()[-3000:]
    first.kill()
    second = start_worker("second")
    assert smtp_sink.wait_for(lambda: len(smtp_sink.messages) >= 700, timeout=90), second.log()[-3000:]
    second.kill()
    assert len(set(smtp_sink.recipients())) < count, (
        "the run finished before the second kill: nothing was tested"
    )

    third = start_worker("third")
    finished = smtp_sink.wait_for(lambda: len(set(smtp_sink.recipients())) == count, timeout=240)
    assert finished, (rows_by_state(), len(set(smtp_sink.recipients())), third.log()[-2000:])
    time.sleep(3)  # let a duplicate, if any were coming, arrive

    received = Counter(smtp_sink.recipients())
    assert received == Counter(addresses), {a: n for a, n in received.items() if n != 1}
    assert AlertReport.objects.filter(status="sent").count() == count
    assert not AlertMatch.objects.filter(report__isnull=True).exists()
    assert all(m["Subject"] == "2 new vacancies for your search" for _r, m in smtp_sink.messages)
