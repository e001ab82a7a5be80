"""What a card says to a candidate with a profile: a closed vacancy is not one they "may apply" for (on the
list or in the API), and an undecided one says what is left open."""

import json
import re

import pytest
from django.core.management import call_command

from programmes.models import Programme
from tests.factories import VacancyFactory
from tests.test_eligibility_profile import belgian_answers, keep_profile, verdicts

pytestmark = pytest.mark.django_db
LIST = "/en/vacancies/"


@pytest.fixture
def seeded(db):
    call_command("seed_demo", verbosity=0)


FACET_COUNT = re.compile(r'id="f-eligibility-(\w*)"[^>]*>\s*<label[^>]*>[^<]*<span class="count">\((\d+)\)')


def counts(html):
    found = FACET_COUNT.findall(html)
    return {choice: int(n) for choice, n in found}


def cards(html):
    return re.findall(r'<article class="card[^"]*">.*?</article>', html, re.S)


def test_a_closed_post_whose_conditions_the_candidate_meets_says_it_is_closed(client, seeded):
    keep_profile(client)

    html = client.get(LIST, {"status": "closed"}).content.decode()

    closed = cards(html)
    assert closed, "the demo data has closed vacancies"
    for card in closed:
        assert "You may apply" not in card
        assert "This vacancy is closed: you can no longer apply for it." in card
    assert counts(html)["may"] == 0 and counts(html)["not"] == len(closed)


def test_may_apply_counts_and_lists_only_vacancies_still_open_or_to_open(client, seeded):
    keep_profile(client)

    open_or_upcoming = sum(
        counts(client.get(LIST, {"status": status}).content.decode())["may"]
        for status in ("open", "upcoming")
    )
    everything = client.get(LIST, {"status": "all"}).content.decode()
    may = client.get(LIST, {"status": "all", "eligibility": "may"}).content.decode()
    not_for_me = client.get(LIST, {"status": "all", "eligibility": "not"}).content.decode()

    assert counts(everything)["may"] == open_or_upcoming == len(verdicts(may)) > 0
    assert "card--closed" not in may
    assert any("card--closed" in card for card in cards(not_for_me))
    assert len(verdicts(not_for_me)) == counts(everything)["not"]


def test_the_api_gives_a_closed_post_the_verdict_not_and_says_why(client, seeded):
    body = {
        key: value
        for key, value in belgian_answers().items()
        if key in ("nationality", "birth_date", "education", "experience_years")
    }
    body |= {"languages": {"en": 5, "fr": 2}, "filters": {"status": "closed"}}

    answer = client.post(
        "/api/v1/vacancies/eligible/",
        json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["results"] and {r["eligibility"]["verdict"] for r in data["results"]} == {"not-eligible"}
    assert {r["eligibility"]["reason"] for r in data["results"]} == {
        "This vacancy is closed: you can no longer apply for it."
    }
    assert {f["value"]: f["count"] for f in data["facets"]["eligibility"]}["may"] == 0


def test_a_question_left_open_is_named_on_the_card_not_called_undecidable(client, seeded):
    answers = {k: v for k, v in belgian_answers().items() if k != "education"}
    response = client.post("/en/eligibility/", answers)
    assert response.status_code == 303

    jpo = client.get(LIST, {"programme": "jpo"}).content.decode()

    assert "Cannot tell – Your answers do not say: Highest degree." in jpo


def test_a_nationality_natos_source_is_silent_on_is_named_on_the_card(client, seeded):
    VacancyFactory(programme=Programme.objects.get(slug="nato-staff"), title_en="Open NATO post")
    keep_profile(client, nationality="CH")

    nato = client.get(LIST, {"programme": "nato-staff"}).content.decode()

    assert "The source does not say whether nationals of Switzerland may apply." in nato
    assert "not open to nationals of Switzerland" not in nato
