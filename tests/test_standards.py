"""What outside tools read: robots.txt as Python's parser reads it, sitemap dates, canonical links, a favicon,
and the JobPosting fields Google asks for."""

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.robotparser import RobotFileParser

import pytest
from django.core.management import call_command

from tests.factories import VacancyFactory

pytestmark = pytest.mark.django_db
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_robots_txt_keeps_python_s_parser_out_of_the_admin_and_the_api(client):
    parser = RobotFileParser()
    parser.parse(client.get("/robots.txt").text.splitlines())

    assert not parser.can_fetch("*", "https://jobs.example.be/admin/")
    assert not parser.can_fetch("*", "https://jobs.example.be/api/v1/vacancies/")
    assert parser.can_fetch("*", "https://jobs.example.be/nl/vacancies/")


def test_robots_txt_reads_the_same_to_an_rfc_9309_parser(client):
    from protego import Protego

    robots = Protego.parse(client.get("/robots.txt").text)

    assert not robots.can_fetch("https://jobs.example.be/admin/", "Googlebot")
    assert not robots.can_fetch("https://jobs.example.be/api/v1/vacancies/", "Googlebot")
    assert robots.can_fetch("https://jobs.example.be/nl/vacancies/", "Googlebot")
    assert list(robots.sitemaps) == ["http://testserver/sitemap.xml"]


@pytest.mark.parametrize("path", ["/en/programmes/jpo/eligibility/", "/en/eligibility/"])
def test_a_date_or_number_that_is_not_one_is_not_echoed_into_its_input(client, path):
    """`<input type="number" value="many">` is invalid HTML (the Nu Html Checker's error)."""
    call_command("seed_demo", verbosity=0)
    page = client.post(
        path, {"nationality": "BE", "experience_years": "many", "birth_date": "31/12/1990"}
    ).text

    inputs = re.findall(r"<input[^>]*type=\"(?:number|date)\"[^>]*>", page)
    assert inputs and not [i for i in inputs if "value=" in i]
    assert "Enter a number." in page


class IdsAndReferences(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.described_by = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        self.described_by += (attrs.get("aria-describedby") or "").split()


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/en/alerts/", {"email": "not an address", "programmes": "jpo", "language": "en"}),
        ("/en/alerts/", {"email": "", "language": "en", "consent": "on"}),  # and no programme
        ("/en/alerts/withdraw/", {"email": "not an address"}),
        ("/en/alerts/manage/", {"email": "not an address"}),
        ("/en/eligibility/", {"nationality": "", "birth_date": "2999-01-01", "experience_years": "99"}),
        ("/en/programmes/jpo/eligibility/", {"nationality": "BE", "birth_date": "1800-01-01"}),
    ],
)
def test_each_field_error_is_shown_beside_its_field_under_the_id_it_is_described_by(client, path, data):
    """A screen reader reads an invalid field's error from `aria-describedby`: the id must be on the page."""
    call_command("seed_demo", verbosity=0)
    response = client.post(path, data)
    assert response.status_code == 400
    page = IdsAndReferences()
    page.feed(response.text)

    assert page.described_by
    assert [ref for ref in page.described_by if ref not in page.ids] == []
    assert sorted(set(page.ids)) == sorted(page.ids)  # each id once


def test_every_sitemap_entry_has_a_last_modified_date(client):
    VacancyFactory()
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [
        loc.text.removeprefix("http://testserver") for loc in index.iterfind("s:sitemap/s:loc", SITEMAP)
    ]

    for section in sections:
        urls = ET.fromstring(client.get(section).content).findall("s:url", SITEMAP)
        assert urls, section
        assert all(url.find("s:lastmod", SITEMAP) is not None for url in urls), section


def test_a_filtered_list_names_the_list_as_its_canonical_page(client, settings):
    page = client.get("/en/vacancies/?programme=jpo&sort=newest&utm_source=x").text

    assert f'<link rel="canonical" href="{settings.SITE_URL}/en/vacancies/">' in page


def test_the_site_has_a_favicon(client):
    page = client.get("/en/").text
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)

    assert client.get(icon).status_code == 200
    assert client.get("/favicon.ico").status_code == 301


def test_the_job_posting_has_what_google_requires_and_recommends(client):
    vacancy = VacancyFactory(reference="JPO-2026-01", positions=2)

    page = client.get(f"/en/vacancies/{vacancy.slug}/").text
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))

    required = {"title", "description", "datePosted", "hiringOrganization", "jobLocation"}
    recommended = {"validThrough", "employmentType", "identifier", "directApply"}
    assert required | recommended <= set(data)
    assert data["directApply"] is False  # candidates apply at the organisation
    assert data["identifier"]["value"] == "JPO-2026-01"
