"""Cached facet counts and pages: never stale after a catalogue write, nor after a vacancy opens or closes."""

import datetime as dt
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.factories import OrganisationFactory, ProgrammeFactory, VacancyFactory
from vacancies import caching, services
from vacancies.models import PublicationStatus, Vacancy

pytestmark = pytest.mark.django_db
LIST = "/en/vacancies/"


def programme_count(response, slug):
    return next(f["count"] for f in response.context["facets"]["programme"] if f["value"] == slug)


def listed(response):
    return [v.title for v in response.context["page"].object_list]


@pytest.fixture
def clock(monkeypatch, settings):
    """Moves the time forward for the site and its cache (a local-memory one: Redis counts real seconds)."""
    locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {"default": locmem, "pages": {**locmem, "KEY_PREFIX": "pages"}}
    cache.clear()
    shift = dt.timedelta()
    real_time, real_now = time.time, timezone.now
    monkeypatch.setattr(time, "time", lambda: real_time() + shift.total_seconds())
    monkeypatch.setattr(timezone, "now", lambda: real_now() + shift)

    def advance(delta):
        nonlocal shift
        shift += delta

    return advance


def test_facet_counts_change_right_after_a_publish_and_a_close(client, django_capture_on_commit_callbacks):
    jpo = ProgrammeFactory(slug="jpo")
    VacancyFactory(programme=jpo)
    draft = VacancyFactory(programme=jpo, status=PublicationStatus.DRAFT)
    assert programme_count(client.get(LIST), "jpo") == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_publish(vacancy=draft)
    assert programme_count(client.get(LIST), "jpo") == 2
    assert programme_count(client.get(LIST, {"country": "BE"}), "jpo") == 2

    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_close(vacancy=draft)
    assert programme_count(client.get(LIST), "jpo") == 1


def test_the_list_detail_and_api_show_a_publish_at_once(client, django_capture_on_commit_callbacks):
    VacancyFactory(title="Already there")
    draft = VacancyFactory(title="Just published", status=PublicationStatus.DRAFT)
    assert listed(client.get(LIST)) == ["Already there"]
    assert client.get("/api/v1/vacancies/").json()["count"] == 1
    assert client.get(draft.get_absolute_url()).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_publish(vacancy=draft)

    assert "Just published" in client.get(LIST).text
    assert client.get("/api/v1/vacancies/").json()["count"] == 2
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_an_organisation_renamed_in_the_admin_shows_at_once(client, django_capture_on_commit_callbacks):
    unicef = OrganisationFactory(name="UNICEF", acronym="")
    vacancy = VacancyFactory(organisation=unicef)
    assert "UNICEF" in client.get(vacancy.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        unicef.name = "United Nations Children's Fund"
        unicef.save()

    assert "United Nations Children&#x27;s Fund" in client.get(vacancy.get_absolute_url()).text


def test_counts_and_pages_are_not_stale_once_a_closing_time_passes(client, clock):
    jpo = ProgrammeFactory(slug="jpo")
    VacancyFactory(title="Stays open", programme=jpo)
    closing = VacancyFactory(
        title="Closes in a minute", programme=jpo, closes_at=timezone.now() + dt.timedelta(minutes=1)
    )
    assert programme_count(client.get(LIST), "jpo") == 2
    assert "Closes in a minute" in client.get(LIST).text
    assert "Closed on" not in client.get(closing.get_absolute_url()).text

    clock(dt.timedelta(minutes=2))  # no write: only the time passes, well within the cache's 5 minutes

    response = client.get(LIST)
    assert programme_count(response, "jpo") == 1
    assert listed(response) == ["Stays open"]
    assert "Closed on" in client.get(closing.get_absolute_url()).text


def test_an_upcoming_vacancy_opens_on_the_cached_list_at_its_opening_time(client, clock):
    VacancyFactory(title="Opens in a minute", opens_at=timezone.now() + dt.timedelta(minutes=1))
    assert listed(client.get(LIST)) == []

    clock(dt.timedelta(minutes=2))

    assert listed(client.get(LIST)) == ["Opens in a minute"]


def test_a_cached_page_has_the_same_security_headers_and_sets_no_cookie(client):
    vacancy = VacancyFactory()
    for url in (LIST, vacancy.get_absolute_url(), "/api/v1/vacancies/"):
        fresh, cached = client.get(url), client.get(url)
        assert cached.content == fresh.content
        for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Type", "Content-Language"):
            assert cached.headers.get(header) == fresh.headers.get(header), (url, header)
        assert not cached.cookies


def test_the_api_answers_in_each_accept_language_from_the_cache(client):
    VacancyFactory()
    french = client.get("/api/v1/vacancies/", headers={"accept-language": "fr"}).json()
    dutch = client.get("/api/v1/vacancies/", headers={"accept-language": "nl"}).json()
    again = client.get("/api/v1/vacancies/", headers={"accept-language": "fr"})

    assert "/fr/vacancies/" in french["results"][0]["url"]
    assert "/nl/vacancies/" in dutch["results"][0]["url"]
    assert again.json() == french
    assert "Accept-Language" in again.headers["Vary"]


def test_signed_in_staff_see_what_no_one_else_has_been_served(client, django_user_model):
    vacancy = VacancyFactory(title="Before")
    assert "Before" in client.get(vacancy.get_absolute_url()).text
    # A change that sends no signal (a raw update): the anonymous page stays as cached...
    type(vacancy).objects.filter(pk=vacancy.pk).update(title_nl="After")
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))

    # ...but a signed-in user always gets a page made for the request.
    assert "After" in client.get(vacancy.get_absolute_url()).text


def test_pages_and_publishing_work_with_the_cache_down(client, settings, django_capture_on_commit_callbacks):
    # Nothing listens on port 1: every cache call fails at once.
    dead = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    settings.CACHES = {"default": dead, "pages": dead}
    draft = VacancyFactory(title="Published while the cache is down", status=PublicationStatus.DRAFT)

    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_publish(vacancy=draft)

    assert "Published while the cache is down" in client.get(LIST).text
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert client.get("/api/v1/vacancies/").json()["count"] == 1


def test_a_new_release_never_serves_pages_cached_by_the_one_before(client, settings):
    vacancy = VacancyFactory(title="Water engineer")
    settings.RELEASE = "release-1"
    caching.release.cache_clear()
    assert "Water engineer" in client.get(LIST).text
    # A change that renews no catalogue version, as new code rendering the same rows differently would be.
    Vacancy.objects.filter(pk=vacancy.pk).update(title_en="Water and sanitation engineer")
    assert "Water and sanitation engineer" not in client.get(LIST).text  # served from the cache

    settings.RELEASE = "release-2"
    caching.release.cache_clear()

    assert "Water and sanitation engineer" in client.get(LIST).text
    caching.release.cache_clear()


def cache_entries():
    store = cache._cache  # local memory: a dict; Redis: a client of the test's own database
    return len(store) if isinstance(store, dict) else store.get_client(None).dbsize()


def test_query_parameters_no_page_reads_do_not_grow_the_cache(client):
    VacancyFactory(title="Data analyst")
    for url in ("/en/vacancies/?q=analyst", "/api/v1/vacancies/?q=analyst"):
        client.get(url)
    entries = cache_entries()

    for i in range(20):
        page = client.get(f"/en/vacancies/?q=analyst&utm_source=mail{i}&fbclid={i}")
        api = client.get(f"/api/v1/vacancies/?utm_x={i}&q=analyst")
        assert page.status_code == api.status_code == 200

    assert cache_entries() == entries
    assert "utm_source" not in page.text and "fbclid" not in page.text  # links carry the known filters only
    assert "analyst" in page.text
