"""Security headers and what the pages contain, on every public page."""

import re

import pytest
from django.core.management import call_command

from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db

DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}


@pytest.fixture
def public_pages(db):
    call_command("seed_demo", verbosity=0)
    open_vacancy = Vacancy.objects.open().first()
    closed_vacancy = Vacancy.objects.closed().first()
    pages = []
    for language in ("nl", "fr", "en"):
        pages += [
            f"/{language}/",
            f"/{language}/vacancies/",
            f"/{language}/vacancies/?programme=jpo&country=BE&q=officer",
            f"/{language}/vacancies/{open_vacancy.slug}/",
            f"/{language}/vacancies/{closed_vacancy.slug}/",
            f"/{language}/vacancies/feed/",
            f"/{language}/programmes/",
            f"/{language}/programmes/jpo/",
            f"/{language}/programmes/jpo/eligibility/",
            f"/{language}/alerts/",
            f"/{language}/alerts/withdraw/",
            f"/{language}/privacy/",
            f"/{language}/no-such-page/",
        ]
    return pages + ["/api/v1/vacancies/", f"/api/v1/vacancies/{open_vacancy.slug}/", "/healthz"]


def test_every_public_page_sends_the_security_headers(client, public_pages):
    for url in public_pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        policy = response.get("Content-Security-Policy", "")
        assert (
            "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
        ), url
        assert "frame-ancestors 'none'" in policy, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Frame-Options"] == "DENY", url


def test_no_page_needs_an_inline_script_or_style(client, public_pages):
    for url in public_pages:
        response = client.get(url)
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.text
        for attributes in re.findall(r"<script\b([^>]*)>", html):
            kind = re.search(r'type="([^"]+)"', attributes)
            assert "src=" in attributes or (kind and kind.group(1) in DATA_SCRIPT_TYPES), (url, attributes)
        assert not re.search(r"<[^>]+\sstyle=", html), url
        assert not re.search(r"<[^>]+\son[a-z]+=", html), url
        assert "<style" not in html, url


def test_https_brings_hsts_and_secure_httponly_cookies(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True

    response = client.get("/en/alerts/", secure=True)

    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"


def test_every_form_that_changes_something_needs_its_csrf_token(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    data = {"email": "a@example.org", "programmes": ["jpo"], "language": "en", "consent": "on"}

    assert strict.post("/en/alerts/", data).status_code == 403
    assert strict.post("/en/alerts/withdraw/", {"email": "a@example.org"}).status_code == 403
    assert strict.post("/en/programmes/jpo/eligibility/", {}).status_code == 403
    assert strict.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 403
