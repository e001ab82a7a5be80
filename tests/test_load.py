"""A burst of subscriptions from one client stays rate-limited, and the site stays up for everyone else.

Real HTTP against the threaded live server; the burst and the other visitor come from two different
loopback addresses (127.0.0.1 and 127.0.0.2), as two clients would.
"""

import http.client
import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest

from applications.models import Subscriber
from tests.factories import ProgrammeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
BURST = 60


class Visitor:
    """A browser-like client bound to one source address, with the CSRF cookie and token of the form."""

    def __init__(self, base_url, source):
        parts = urlsplit(base_url)
        self.host, self.port, self.source = parts.hostname, parts.port, source
        status, headers, body = self.request("GET", "/en/alerts/")
        assert status == 200
        self.cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=30, source_address=(self.source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            connection.close()

    def subscribe(self, email):
        form = {"email": email, "programmes": "jpo", "language": "en", "consent": "on"}
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={self.cookie}",
            "X-CSRFToken": self.token,
        }
        return self.request(
            "POST", "/en/alerts/", urlencode(form | {"csrfmiddlewaretoken": self.token}), headers
        )[0]


def test_a_burst_from_one_client_is_limited_and_others_are_served(live_server, settings, mailoutbox):
    settings.ALERTS_RATE_PER_CLIENT = 20
    ProgrammeFactory(slug="jpo")
    flooder = Visitor(live_server.url, "127.0.0.1")
    other = Visitor(live_server.url, "127.0.0.2")

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda i: flooder.subscribe(f"burst{i}@example.org"), range(BURST)))
        others = [other.subscribe("someone.else@example.org"), other.request("GET", "/en/vacancies/")[0]]

    assert all(status < 500 for status in statuses)
    assert statuses.count(200) == 20 and statuses.count(429) == BURST - 20
    assert others == [200, 200]
    assert Subscriber.objects.count() == 21  # the burst's first twenty, and the other visitor
