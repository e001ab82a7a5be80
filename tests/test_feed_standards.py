"""The feeds as other tools check them: the Atom feed against RFC 4287's rules, the JSON Feed against the
JSON Feed 1.1 specification (a JSON Schema of its fields, plus the rules a schema cannot say)."""

import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import jsonschema
import pytest
from rfc3339_validator import validate_rfc3339

from tests.factories import OrganisationFactory, ProgrammeFactory, VacancyFactory

pytestmark = pytest.mark.django_db

A = "{http://www.w3.org/2005/Atom}"
SELECTIONS = [
    {},
    {"programme": "jpo"},
    {"q": "analyst"},
    {"status": "closed"},
    {"programme": "jpo", "country": "BE"},
]

# JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), as a schema: required fields, types, and the
# formats the specification names (URLs, RFC 3339 dates).
DATE = {"type": "string", "format": "date-time"}
URL = {"type": "string", "format": "uri"}
AUTHOR = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "url": URL, "avatar": URL},
    "anyOf": [{"required": ["name"]}, {"required": ["url"]}, {"required": ["avatar"]}],
}
JSON_FEED_1_1 = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string", "minLength": 1},
        "home_page_url": URL,
        "feed_url": URL,
        "description": {"type": "string"},
        "language": {"type": "string"},
        "authors": {"type": "array", "items": AUTHOR},
        "expired": {"type": "boolean"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "url": URL,
                    "title": {"type": "string"},
                    "content_text": {"type": "string"},
                    "content_html": {"type": "string"},
                    "summary": {"type": "string"},
                    "date_published": DATE,
                    "date_modified": DATE,
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "authors": {"type": "array", "items": AUTHOR},
                },
                "anyOf": [{"required": ["content_text"]}, {"required": ["content_html"]}],
            },
        },
    },
}
FORMATS = jsonschema.FormatChecker()


@pytest.fixture
def catalogue():
    jpo, nato = ProgrammeFactory(slug="jpo"), ProgrammeFactory(slug="nato-staff")
    unicef = OrganisationFactory(slug="unicef", name="UNICEF", acronym="")
    VacancyFactory(title="Data analyst Cotonou", programme=jpo, organisation=unicef, country="BJ")
    VacancyFactory(title="Child protection <Kinshasa> & co", programme=jpo, country="CD", is_example=True)
    VacancyFactory(title="Staff officer Brussels", programme=nato, country="BE")
    VacancyFactory(title="Archived analyst Brussels", programme=nato, country="BE", closed=True)


def atom(client, params):
    response = client.get("/en/vacancies/feed/", params)
    assert response.status_code == 200
    return ET.fromstring(response.content)


def json_feed(client, params):
    response = client.get("/en/vacancies/feed.json", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/feed+json; charset=utf-8"
    return response.json()


def rfc3339(text):
    assert text and validate_rfc3339(text), text
    return dt.datetime.fromisoformat(text)


def is_absolute_iri(text):
    parts = urlsplit(text)
    return bool(parts.scheme and (parts.netloc or parts.scheme in {"tag", "urn"}))


def one(element, name):
    found = element.findall(f"{A}{name}")
    assert len(found) == 1, (name, len(found))
    return found[0]


@pytest.mark.parametrize("params", SELECTIONS)
def test_the_atom_feed_follows_rfc_4287_for_every_selection(client, catalogue, params):
    feed = atom(client, params)

    assert feed.tag == f"{A}feed"
    # 4.1.1: exactly one id, title and updated; an author, as no entry has one of its own.
    assert is_absolute_iri(one(feed, "id").text)
    assert one(feed, "title").text
    feed_updated = rfc3339(one(feed, "updated").text)
    assert one(one(feed, "author"), "name").text == "jobboard"
    assert [link.get("rel") for link in feed.findall(f"{A}link")].count("self") == 1
    ids = []
    for entry in feed.findall(f"{A}entry"):
        # 4.1.2: each entry has one id, title and updated, and (having no content) an alternate link.
        ids.append(one(entry, "id").text)
        assert one(entry, "title").text
        assert rfc3339(one(entry, "updated").text) <= feed_updated
        alternates = [
            link for link in entry.findall(f"{A}link") if link.get("rel", "alternate") == "alternate"
        ]
        assert len(alternates) == 1 and is_absolute_iri(alternates[0].get("href"))
        if entry.find(f"{A}published") is not None:
            rfc3339(entry.find(f"{A}published").text)
    assert all(is_absolute_iri(i) for i in ids) and len(set(ids)) == len(ids)


def test_an_empty_atom_feed_still_has_its_author_id_and_updated(client):
    feed = atom(client, {"q": "nothing matches this"})

    assert feed.findall(f"{A}entry") == []
    assert one(one(feed, "author"), "name").text and one(feed, "id").text
    rfc3339(one(feed, "updated").text)


@pytest.mark.parametrize("params", SELECTIONS)
def test_the_json_feed_follows_json_feed_1_1_and_lists_what_the_atom_feed_lists(client, catalogue, params):
    feed = json_feed(client, params)

    jsonschema.validate(feed, JSON_FEED_1_1, format_checker=FORMATS)
    atom_entries = atom(client, params).findall(f"{A}entry")
    assert [item["id"] for item in feed["items"]] == [one(e, "id").text for e in atom_entries]
    assert [item["title"] for item in feed["items"]] == [one(e, "title").text for e in atom_entries]
    assert len({item["id"] for item in feed["items"]}) == len(feed["items"])  # ids are unique
    for item in feed["items"]:
        rfc3339(item["date_modified"])
        assert "Deadline:" in item["content_text"] or "Closed on" in item["content_text"]


def test_the_json_feed_says_where_it_is_and_which_list_it_follows(client, catalogue):
    feed = json_feed(client, {"programme": "jpo"})

    assert feed["feed_url"] == "http://testserver/en/vacancies/feed.json?programme=jpo"
    assert feed["home_page_url"] == "http://testserver/en/vacancies/?programme=jpo"
    assert feed["language"] == "en"
    example = next(item for item in feed["items"] if item["title"].startswith("Child protection"))
    assert example["title"].startswith("Child protection <Kinshasa> & co")  # text: nothing escaped
    assert example["content_text"].startswith("Example data, not a real vacancy:")


def test_the_list_page_names_the_json_feed_of_its_filters(client, catalogue):
    html = client.get("/en/vacancies/", {"programme": "jpo"}).text

    assert 'type="application/feed+json"' in html
    assert 'href="/en/vacancies/feed.json?programme=jpo"' in html
