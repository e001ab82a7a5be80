"""What candidates and their tools take away from the site: the Atom feed, the calendar entry, and what
search engines read (sitemap, robots.txt)."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from icalendar import Calendar

from tests.factories import CallFactory, OrganisationFactory, ProgrammeFactory, VacancyFactory
from vacancies.models import PublicationStatus

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
LANGUAGES = ("nl", "fr", "en")


# --- Atom feed ------------------------------------------------------------------------------------


@pytest.fixture
def catalogue():
    jpo, nato = ProgrammeFactory(slug="jpo"), ProgrammeFactory(slug="nato-staff")
    unicef = OrganisationFactory(slug="unicef", name="UNICEF", acronym="")
    VacancyFactory(title="Data analyst Cotonou", programme=jpo, organisation=unicef, country="BJ")
    VacancyFactory(title="Child protection Kinshasa", programme=jpo, country="CD")
    VacancyFactory(title="Staff officer Brussels", programme=nato, country="BE")
    VacancyFactory(title="Archived analyst Brussels", programme=nato, country="BE", closed=True)


def feed_titles(client, params):
    response = client.get("/en/vacancies/feed/", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return sorted(
        entry.findtext("atom:title", namespaces=ATOM).split(" — ")[0]
        for entry in root.iterfind("atom:entry", ATOM)
    )


def list_titles(client, params):
    return sorted(v.title for v in client.get("/en/vacancies/", params).context["page"].object_list)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Child protection Kinshasa", "Data analyst Cotonou", "Staff officer Brussels"]),
        ({"q": "analyst"}, ["Data analyst Cotonou"]),
        ({"programme": "nato-staff"}, ["Staff officer Brussels"]),
        ({"organisation": "unicef"}, ["Data analyst Cotonou"]),
        ({"country": ["BJ", "CD"]}, ["Child protection Kinshasa", "Data analyst Cotonou"]),
        ({"status": "closed"}, ["Archived analyst Brussels"]),
        ({"status": "all", "q": "analyst", "country": "BE"}, ["Archived analyst Brussels"]),
        ({"programme": "jpo", "country": "BE"}, []),
    ],
)
def test_the_feed_lists_what_the_list_page_lists_for_every_filter(client, catalogue, params, expected):
    assert feed_titles(client, params) == expected
    assert list_titles(client, params) == expected


def test_the_feed_links_back_to_the_list_and_to_itself_with_the_same_filters(client, catalogue):
    root = ET.fromstring(client.get("/fr/vacancies/feed/", {"programme": "jpo", "country": "BJ"}).content)

    links = {link.get("rel"): link.get("href") for link in root.iterfind("atom:link", ATOM)}
    assert links["alternate"] == "http://testserver/fr/vacancies/?programme=jpo&country=BJ"
    assert links["self"] == "http://testserver/fr/vacancies/feed/?programme=jpo&country=BJ"
    entry_link = root.find("atom:entry/atom:link", ATOM).get("href")
    assert entry_link.startswith("http://testserver/fr/vacancies/")


def test_staff_text_in_the_feed_is_text_a_feed_reader_shows_not_html_it_runs(client):
    VacancyFactory(summary='Apply <script>alert(1)</script> <img src=x onerror=alert(2)> & "soon"')

    root = ET.fromstring(client.get("/en/vacancies/feed/").content)
    [entry] = root.iterfind("atom:entry", ATOM)
    summary = entry.find("atom:summary", ATOM)

    # What a reader renders as HTML: the text, escaped; no element of the staff's making.
    assert summary.get("type") == "html"
    assert "<script" not in summary.text and "<img" not in summary.text
    assert summary.text.startswith(
        "Apply &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; "
        "&amp; &quot;soon&quot;<br><br>"
    )


def test_the_list_page_links_to_the_feed_of_its_current_filters(client, catalogue):
    html = client.get("/en/vacancies/", {"programme": "jpo", "country": "BJ", "page": "1"}).text

    feed = "/en/vacancies/feed/?programme=jpo&amp;country=BJ"
    assert re.search(
        rf'<link rel="alternate" type="application/atom\+xml" [^>]*href="{re.escape(feed)}"', html
    )
    assert f'<a class="feed-link" href="{feed}"' in html


# --- calendar entry -------------------------------------------------------------------------------


def calendar_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_the_calendar_entry_is_one_event_at_the_closing_time_in_utc(client):
    closes = dt.datetime(2031, 3, 14, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    vacancy = VacancyFactory(title="Data analyst", closes_at=closes)

    response = client.get(f"/en/vacancies/{vacancy.slug}/closing.ics")

    events = calendar_of(response).walk("VEVENT")
    assert len(events) == 1
    assert b"DTSTART:20310314T110000Z\r\n" in response.content
    assert events[0].decoded("dtstart") == closes
    assert "Data analyst" in str(events[0]["summary"])
    assert f"http://testserver/en/vacancies/{vacancy.slug}/" in str(events[0]["description"])
    assert response["Content-Disposition"] == f'attachment; filename="{vacancy.slug}.ics"'


def test_the_calendar_entry_keeps_its_uid_across_languages_and_downloads(client):
    vacancy = VacancyFactory()

    def uid(vacancy, language):
        response = client.get(f"/{language}/vacancies/{vacancy.slug}/closing.ics")
        return str(calendar_of(response).walk("VEVENT")[0]["uid"])

    uids = {uid(vacancy, language) for language in ("nl", "fr", "en", "en")}

    assert len(uids) == 1
    assert uid(VacancyFactory(), "en") not in uids


def test_the_calendar_entry_escapes_text_and_folds_long_lines(client):
    title = "Expert·e gestion de crise; Bruxelles, Genève \\ " + "é" * 60
    vacancy = VacancyFactory(title=title)

    response = client.get(f"/fr/vacancies/{vacancy.slug}/closing.ics")

    lines = response.content.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75  # octets, as RFC 5545 counts
    assert b"gestion de crise\\; Bruxelles\\, Gen" in response.content.replace(b"\r\n ", b"")
    summary = str(calendar_of(response).walk("VEVENT")[0]["summary"])
    assert title in summary  # unfolded and unescaped, the title comes back whole


def test_a_vacancy_without_dates_gets_its_calls_closing_date(client):
    closes = timezone.now().replace(microsecond=0) + dt.timedelta(days=9)
    vacancy = VacancyFactory(call=CallFactory(closes_at=closes), opens_at=None, closes_at=None)

    event = calendar_of(client.get(f"/en/vacancies/{vacancy.slug}/closing.ics")).walk("VEVENT")[0]

    assert event.decoded("dtstart") == closes


def test_there_is_no_calendar_entry_without_a_closing_date_or_for_a_hidden_vacancy(client):
    rolling = VacancyFactory(call=CallFactory(closes_at=None), opens_at=None, closes_at=None)
    draft = VacancyFactory(status=PublicationStatus.DRAFT)
    in_draft_call = VacancyFactory(call=CallFactory(status=PublicationStatus.DRAFT))

    for vacancy in (rolling, draft, in_draft_call):
        assert client.get(f"/en/vacancies/{vacancy.slug}/closing.ics").status_code == 404


def test_the_detail_page_offers_the_calendar_entry_only_while_it_is_useful(client):
    open_vacancy = VacancyFactory()
    closed = VacancyFactory(closed=True)
    rolling = VacancyFactory(call=CallFactory(closes_at=None), opens_at=None, closes_at=None)

    def offers(vacancy):
        html = client.get(f"/en/vacancies/{vacancy.slug}/").text
        return f'href="/en/vacancies/{vacancy.slug}/closing.ics"' in html

    assert offers(open_vacancy)
    assert not offers(closed)
    assert not offers(rolling)


# --- sitemap and robots.txt -----------------------------------------------------------------------


def sitemap_urls(client):
    """{location: {hreflang: alternate}} over every section the index lists."""
    index = ET.fromstring(client.get("/sitemap.xml").content)
    found = {}
    for section in index.iterfind("s:sitemap/s:loc", SITEMAP):
        response = client.get(section.text.removeprefix("http://testserver"))
        assert response.status_code == 200
        for url in ET.fromstring(response.content).iterfind("s:url", SITEMAP):
            alternates = {
                link.get("hreflang"): link.get("href") for link in url.iterfind("xhtml:link", SITEMAP)
            }
            found[url.findtext("s:loc", namespaces=SITEMAP)] = alternates
    return found


def test_the_sitemap_lists_every_public_page_in_every_language(client):
    ProgrammeFactory(slug="jpo")
    open_vacancy = VacancyFactory(programme__slug="jpo")
    closed = VacancyFactory(closed=True)
    draft = VacancyFactory(status=PublicationStatus.DRAFT)
    in_draft_call = VacancyFactory(call=CallFactory(status=PublicationStatus.DRAFT))

    urls = sitemap_urls(client)

    for language in LANGUAGES:
        for path in ("", "vacancies/", "programmes/", "programmes/jpo/"):
            assert f"http://testserver/{language}/{path}" in urls
        for vacancy in (open_vacancy, closed):
            assert f"http://testserver/{language}/vacancies/{vacancy.slug}/" in urls
    listed = "\n".join(urls)
    assert draft.slug not in listed
    assert in_draft_call.slug not in listed


def test_each_sitemap_entry_names_its_pages_in_the_other_languages(client):
    vacancy = VacancyFactory()

    alternates = sitemap_urls(client)[f"http://testserver/fr/vacancies/{vacancy.slug}/"]

    assert alternates == {
        "nl": f"http://testserver/nl/vacancies/{vacancy.slug}/",
        "fr": f"http://testserver/fr/vacancies/{vacancy.slug}/",
        "en": f"http://testserver/en/vacancies/{vacancy.slug}/",
        # The address without a language redirects by the browser's language.
        "x-default": f"http://testserver/vacancies/{vacancy.slug}/",
    }
    assert client.get(f"/vacancies/{vacancy.slug}/", headers={"accept-language": "fr"})["Location"] == (
        f"/fr/vacancies/{vacancy.slug}/"
    )


def test_robots_txt_allows_the_site_but_not_the_admin_or_the_api_and_names_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /admin/", "Disallow: /api/"} <= set(lines)
    assert "Disallow: /" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
