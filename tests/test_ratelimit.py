"""Rate limits of the alert forms: per purpose, per mailbox, per domain and per client, behind proxies too."""

import statistics
import time

import pytest
from django.test import Client

from applications.models import Subscriber
from tests.factories import ProgrammeFactory
from tests.test_alerts import subscribe

pytestmark = pytest.mark.django_db(transaction=True)
DEAD_CACHE = dict.fromkeys(
    ("default", "pages"),
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
)


@pytest.fixture
def jpo(db):
    return ProgrammeFactory(slug="jpo")


@pytest.mark.parametrize(
    ("spelling", "mailbox"),
    [
        ("Name@Example.org", "name@example.org"),
        ("name+alerts@example.org", "name@example.org"),
        ("n.ame@example.org", "n.ame@example.org"),  # another mailbox, for all we know
        ("N.a.m.e+x@GoogleMail.com", "name@gmail.com"),
        ("name@gmail.com", "name@gmail.com"),
        ("+only@example.org", "+only@example.org"),
    ],
)
def test_an_address_is_folded_to_the_mailbox_it_reaches(spelling, mailbox):
    from applications.ratelimit import fold_address

    assert fold_address(spelling) == mailbox


def test_spellings_of_one_mailbox_share_its_limit(client, jpo, mailoutbox):
    spellings = ["name@gmail.com", "Name+a@gmail.com", "name+b@gmail.com", "n.ame@gmail.com",
                 "na.me+c@googlemail.com", "NAME@gmail.com", "n.a.m.e@gmail.com"]  # fmt: skip

    statuses = [
        subscribe(client, email=s, REMOTE_ADDR=f"192.0.2.{i}").status_code for i, s in enumerate(spellings)
    ]

    assert statuses == [200] * 5 + [429] * 2
    assert len(mailoutbox) == 5


def test_subscriptions_by_a_stranger_do_not_lock_the_owner_out_of_withdrawing(client, jpo, mailoutbox):
    Subscriber.objects.create(email="victim@example.org", language="en", status="confirmed")
    for i in range(6):
        subscribe(client, email="victim@example.org", REMOTE_ADDR=f"198.51.100.{i}")
    mailoutbox.clear()

    response = client.post("/en/alerts/withdraw/", {"email": "victim@example.org"}, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 200
    [message] = mailoutbox
    assert "/en/alerts/withdraw/" in message.body


def test_one_domain_has_a_cap_of_its_own(client, jpo, settings):
    settings.ALERTS_RATE_PER_DOMAIN = 3

    statuses = [
        subscribe(client, email=f"person{i}@company.example", REMOTE_ADDR=f"192.0.2.{i}").status_code
        for i in range(4)
    ]

    assert statuses == [200, 200, 200, 429]
    assert subscribe(client, email="person@elsewhere.example", REMOTE_ADDR="192.0.2.99").status_code == 200


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(client, jpo, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.ALERTS_RATE_PER_CLIENT = 2

    def from_client(address, i):
        return subscribe(
            client, email=f"p{address[-1]}{i}@example.org", REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"{address}, 10.0.0.7",
        ).status_code  # fmt: skip

    assert [from_client("203.0.113.5", i) for i in range(3)] == [200, 200, 429]
    assert from_client("203.0.113.6", 0) == 200  # another visitor behind the same proxy


def test_a_client_cannot_choose_its_address_or_claim_https(client, jpo, settings):
    settings.ALERTS_RATE_PER_CLIENT = 2

    statuses = [
        subscribe(
            client, email=f"p{i}@example.org", REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"
        ).status_code
        for i in range(3)
    ]

    assert statuses == [200, 200, 429]
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # middleware reads SECURE_SSL_REDIRECT when it starts
    assert client.get("/en/alerts/", HTTP_X_FORWARDED_PROTO="https").status_code == 301
    settings.TRUSTED_PROXIES = ["192.0.2.50"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert (
        client.get("/en/alerts/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="192.0.2.50").status_code == 200
    )


def test_with_the_cache_down_subscribing_and_withdrawing_still_work(client, jpo, settings, mailoutbox):
    Subscriber.objects.create(email="known@example.org", language="en", status="confirmed")
    settings.CACHES = DEAD_CACHE

    subscribed = subscribe(client, email="new@example.org")
    withdraw = client.post("/en/alerts/withdraw/", {"email": "known@example.org"})

    assert subscribed.status_code == 200 and withdraw.status_code == 200
    assert Subscriber.objects.filter(email="new@example.org").exists()
    assert sorted(m.to[0] for m in mailoutbox) == ["known@example.org", "new@example.org"]


def test_with_the_cache_down_spellings_of_one_mailbox_still_share_its_limit(
    client, jpo, settings, mailoutbox
):
    settings.CACHES = DEAD_CACHE
    spellings = ["name@gmail.com", "Name+a@gmail.com", "name+b@gmail.com", "n.ame@gmail.com",
                 "na.me+c@googlemail.com", "NAME@gmail.com", "n.a.m.e@gmail.com"]  # fmt: skip

    statuses = [
        subscribe(client, email=s, REMOTE_ADDR=f"192.0.2.{i}").status_code for i, s in enumerate(spellings)
    ]

    assert statuses == [200] * 5 + [429] * 2  # counted from the outbox instead of the cache
    assert len(mailoutbox) == 5


def test_with_the_cache_down_a_domain_still_has_its_cap(client, jpo, settings, mailoutbox):
    settings.CACHES = DEAD_CACHE
    settings.ALERTS_RATE_PER_DOMAIN = 3

    statuses = [subscribe(client, email=f"person{i}@example.net").status_code for i in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_how_long_an_answer_takes_does_not_tell_whether_an_address_is_known(client, jpo, settings):
    settings.ALERTS_RATE_PER_ADDRESS = settings.ALERTS_RATE_PER_CLIENT = 10**6
    Subscriber.objects.create(email="known@example.org", language="en", status="confirmed")

    def median_seconds(url, data):
        times = []
        for _ in range(7):
            start = time.perf_counter()
            assert client.post(url, data).status_code == 200
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    form = {"programmes": ["jpo"], "language": "en", "consent": "on"}
    timings = {
        "withdraw known": median_seconds("/en/alerts/withdraw/", {"email": "known@example.org"}),
        "withdraw unknown": median_seconds("/en/alerts/withdraw/", {"email": "nobody@example.org"}),
        "subscribe confirmed": median_seconds("/en/alerts/", {**form, "email": "known@example.org"}),
        "subscribe new": median_seconds("/en/alerts/", {**form, "email": "new@example.org"}),
    }

    assert min(timings.values()) >= settings.ALERTS_ANSWER_SECONDS, timings
    assert max(timings.values()) - min(timings.values()) < 0.01, timings
