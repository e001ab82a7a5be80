"""The candidate pages beyond the catalogue basics: link previews, empty states, the language switcher and
what a printed vacancy carries."""

import re
from html import unescape

import pytest

from tests.factories import OrganisationFactory, ProgrammeFactory, VacancyFactory
from tests.test_translations import compiled  # noqa: F401 - the fixture: the catalogues, compiled afresh

pytestmark = pytest.mark.django_db


def meta(html, name):
    match = re.search(rf'<meta property="{re.escape(name)}" content="([^"]*)"', html)
    return unescape(match.group(1)) if match else None


def hrefs(html, selector_class):
    return [unescape(h) for h in re.findall(rf'<a class="{selector_class}" href="([^"]*)"', html)]


@pytest.fixture
def catalogue():
    jpo = ProgrammeFactory(slug="jpo", name="Junior Professional Officer")
    unicef = OrganisationFactory(slug="unicef", name="UNICEF", acronym="")
    vacancy = VacancyFactory(
        slug="data-analyst", title="Data analyst", programme=jpo, organisation=unicef, country="BJ"
    )
    VacancyFactory(slug="old-post", title="Old post", programme=jpo, closed=True)
    return vacancy


# --- Open Graph -----------------------------------------------------------------------------------

PUBLIC_PAGES = [
    "",
    "vacancies/",
    "vacancies/?programme=jpo&country=BJ",
    "vacancies/data-analyst/",
    "vacancies/old-post/",
    "programmes/",
    "programmes/jpo/",
    "programmes/jpo/eligibility/",
    "alerts/",
    "alerts/withdraw/",
    "no-such-page/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
@pytest.mark.parametrize(("language", "locale"), [("nl", "nl_BE"), ("fr", "fr_BE"), ("en", "en_GB")])
def test_every_public_page_carries_open_graph_tags_in_its_language(client, catalogue, path, language, locale):
    html = client.get(f"/{language}/{path}").text

    assert meta(html, "og:title")
    assert meta(html, "og:description")
    assert meta(html, "og:url") == f"http://testserver/{language}/{path}"
    assert meta(html, "og:type") in {"website", "article"}
    assert meta(html, "og:locale") == locale
    alternates = set(re.findall(r'<meta property="og:locale:alternate" content="([^"]*)"', html))
    assert alternates == {"nl_BE", "fr_BE", "en_GB"} - {locale}


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_page_has_inline_scripts_or_styles_a_content_security_policy_would_block(client, catalogue, path):
    html = client.get(f"/en/{path}").text

    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert all("src=" in attributes or 'type="application/ld+json"' in attributes for attributes in scripts)
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)  # no event handler attributes either


def test_a_shared_vacancy_previews_with_its_title_and_summary(client, catalogue):
    html = client.get("/en/vacancies/data-analyst/").text

    assert meta(html, "og:title") == "Data analyst – UNICEF"
    assert meta(html, "og:description") == "Support the programme team."
    assert meta(html, "og:type") == "article"


# --- empty states ---------------------------------------------------------------------------------


def removal_links(html):
    block = re.search(r'<ul class="removals">(.*?)</ul>', html, re.S).group(1)
    return {
        unescape(text): unescape(href) for href, text in re.findall(r'<a href="([^"]*)">([^<]*)</a>', block)
    }


def test_with_no_match_each_link_removes_one_filter_and_keeps_the_others(client, catalogue):
    OrganisationFactory(slug="wfp", name="World Food Programme", acronym="WFP")
    params = {"q": "analyst", "programme": "jpo", "organisation": ["unicef", "wfp"], "country": "BE"}

    response = client.get("/en/vacancies/", params)

    assert response.context["page"].paginator.count == 0
    assert "No open vacancies match; clear a filter" in response.text
    links = removal_links(response.text)
    organisations = "organisation=unicef&organisation=wfp"
    assert links == {
        "Remove “Search: analyst”": f"?programme=jpo&{organisations}&country=BE",
        "Remove “Programme: Junior Professional Officer”": f"?q=analyst&{organisations}&country=BE",
        "Remove “Organisation: UNICEF”": "?q=analyst&programme=jpo&organisation=wfp&country=BE",
        "Remove “Organisation: WFP”": "?q=analyst&programme=jpo&organisation=unicef&country=BE",
        "Remove “Country: Belgium”": f"?q=analyst&programme=jpo&{organisations}",
        "Clear all filters": "/en/vacancies/",
    }
    # Without the country, the analyst in Benin is found again.
    found = client.get(f"/en/vacancies/{links['Remove “Country: Belgium”']}")
    assert [v.title for v in found.context["page"].object_list] == ["Data analyst"]


def test_an_empty_archive_offers_to_leave_the_archive(client, catalogue):
    html = client.get("/en/vacancies/", {"status": "closed", "country": "BJ"}).text

    assert "No closed vacancies match; clear a filter" in html
    links = removal_links(html)
    assert links["Remove “Status: Closed”"] == "?country=BJ"
    assert links["Remove “Country: Benin”"] == "?status=closed"


def test_an_empty_catalogue_says_so_and_offers_alerts(client):
    html = client.get("/en/vacancies/").text

    assert "There are no open vacancies right now." in html
    assert 'href="/en/alerts/"' in html
    assert '<ul class="removals">' not in html


# --- language switcher ----------------------------------------------------------------------------


def switcher(html):
    return {
        code: unescape(href)
        for href, code in re.findall(r'<li><a href="([^"]*)" hreflang="(\w+)" lang="\w+"', html)
    }


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # The list's query in its normal form (vacancies.selection), which its cached page is kept under.
        (
            "/en/vacancies/?programme=jpo&country=BJ&q=data+analyst&sort=title&utm_source=x",
            "/{}/vacancies/?q=data+analyst&programme=jpo&country=BJ&sort=title",
        ),
        ("/en/vacancies/?q=caf%C3%A9", "/{}/vacancies/?q=caf%C3%A9"),
        ("/en/vacancies/data-analyst/", "/{}/vacancies/data-analyst/"),
        (
            "/en/programmes/jpo/eligibility/?vacancy=data-analyst",
            "/{}/programmes/jpo/eligibility/?vacancy=data-analyst",
        ),
        ("/en/alerts/?programme=jpo", "/{}/alerts/?programme=jpo"),
        ("/en/no-such-page/?x=1", "/{}/no-such-page/?x=1"),
        ("/no-such-page/", "/{}/no-such-page/"),
    ],
)
def test_the_language_switcher_keeps_the_page_and_its_query(client, catalogue, path, expected):
    links = switcher(client.get(path).text)

    assert links == {code: expected.format(code) for code in ("nl", "fr", "en")}


@pytest.mark.usefixtures("compiled")
def test_switching_language_keeps_the_filters_applied(client, catalogue):
    english = client.get("/en/vacancies/", {"programme": "jpo", "status": "all"})

    french = client.get(switcher(english.text)["fr"])

    assert '<html lang="fr">' in french.text
    assert sorted(v.title for v in french.context["page"].object_list) == ["Data analyst", "Old post"]
    assert re.search(r'name="programme" value="jpo"[^>]*checked', french.text)


# --- print ----------------------------------------------------------------------------------------


def test_a_printed_vacancy_carries_its_own_address_and_the_apply_link(client, catalogue):
    html = client.get("/en/vacancies/data-analyst/").text

    assert '<p class="print-only">Online at http://testserver/en/vacancies/data-analyst/</p>' in html
    assert '<a class="button" href="https://careers.example.org/apply"' in html
