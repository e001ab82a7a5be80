"""The eligibility checker page and `/api/v1/eligibility/`, on the seeded programmes."""

import datetime as dt
import json
import logging

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db
API = "/api/v1/eligibility/"


@pytest.fixture
def seeded(db):
    call_command("seed_demo", verbosity=0)


def born_aged(age_on_31_december, year):
    return dt.date(year - age_on_31_december, 6, 1).isoformat()


def jpo_candidate(**overrides):
    year = timezone.localdate().year
    return {
        "programme": "jpo",
        "birth_date": born_aged(30, year),
        "nationality": "BE",
        "education": "master",
        "experience_years": 2,
        "languages": {"en": 5, "fr": 4},
    } | overrides


def post_json(client, payload):
    return client.post(API, json.dumps(payload), content_type="application/json")


def codes(body):
    return {r["code"]: r["passed"] for r in body["rules"]}


def test_a_belgian_master_with_two_years_aged_thirty_meets_the_jpo_conditions(client, seeded):
    body = post_json(client, jpo_candidate()).json()

    assert codes(body)["nationality"] is True
    assert codes(body)["age"] is True
    assert all(passed is not False for passed in codes(body).values())
    assert body["eligible"] in (True, None)  # None only where a rule is left to the employer


def test_thirty_three_on_31_december_is_too_old_for_jpo(client, seeded):
    year = timezone.localdate().year
    body = post_json(client, jpo_candidate(birth_date=f"{year - 33}-12-31")).json()

    assert body["eligible"] is False
    assert codes(body)["age"] is False


def test_a_partner_country_post_takes_partner_nationals(client, seeded):
    post = "jpo-unicef-dr-congo-partnerland"

    congolese = post_json(client, jpo_candidate(vacancy=post, nationality="CD")).json()
    belgian = post_json(client, jpo_candidate(vacancy=post, nationality="BE")).json()

    assert codes(congolese)["nationality"] is True
    assert codes(belgian)["nationality"] is False


def test_the_nato_post_needs_a_member_state_and_v_ii_languages(client, seeded):
    base = jpo_candidate(
        programme="nato-staff", vacancy="nato-staff-officer-operations-crse", education="bachelor"
    )

    swiss = post_json(client, base | {"nationality": "CH"}).json()
    weak_french = post_json(client, base | {"languages": {"en": 5, "fr": 1}}).json()
    good = post_json(client, base | {"languages": {"en": 2, "fr": 5}}).json()

    assert codes(swiss)["nationality"] is False
    assert weak_french["eligible"] is False
    assert good["eligible"] is None  # security clearance and medical approval are the employer's to check
    assert [r for r in good["rules"] if r["passed"] is None]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (jpo_candidate(birth_date="2999-01-01"), "birth_date"),
        (jpo_candidate(birth_date="31/12/1990"), "birth_date"),
        (jpo_candidate(nationality="XX"), "nationality"),
        (jpo_candidate(education="kindergarten"), "education"),
        (jpo_candidate(experience_years=-1), "experience_years"),
        (jpo_candidate(experience_years="many"), "experience_years"),
        (jpo_candidate(languages={"en": 7}), "language_en"),
        (jpo_candidate(languages={"fr": 0}), "language_fr"),
        (jpo_candidate(languages={"de": 3}), "languages"),
        (jpo_candidate(languages=[5, 2]), "languages"),
        (jpo_candidate(programme="astronaut"), "programme"),
        (jpo_candidate(vacancy="no-such-post"), "vacancy"),
        (jpo_candidate(vacancy="nato-staff-officer-operations-crse"), "vacancy"),  # another programme's post
        ({k: v for k, v in jpo_candidate().items() if k != "birth_date"}, "birth_date"),
        ({}, "programme"),
    ],
)
def test_bad_input_gets_field_errors_and_a_400(client, seeded, payload, field):
    response = post_json(client, payload)

    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", "null", b"\xff\xfe"])
def test_malformed_json_gets_a_400(client, body):
    response = client.post(API, body, content_type="application/json")

    assert response.status_code == 400
    assert "body" in response.json()["errors"]


def test_the_api_answers_only_post(client):
    assert client.get(API).status_code == 405


def test_the_page_shows_every_rule_with_its_outcome(client, seeded):
    year = timezone.localdate().year
    response = client.post(
        "/en/programmes/jpo/eligibility/",
        {
            "birth_date": f"{year - 25}-03-01",
            "nationality": "BE",
            "education": "bachelor",
            "experience_years": "2.5",
            "language_en": "5",
            "language_fr": "3",
            "call_year": str(year),
        },
    )

    assert response.status_code == 200
    assert "You do not meet every condition." in response.text
    assert "Not met" in response.text and "Master" in response.text
    assert f"You are 25 on 31 December {year}; the limit is 32." in response.text
    assert "no-store" in response["Cache-Control"]


def test_the_page_per_vacancy_uses_the_vacancys_conditions(client, seeded):
    page = client.get("/en/programmes/jpo/eligibility/?vacancy=jpo-unicef-dr-congo-partnerland")

    assert page.status_code == 200
    assert "UNICEF" in page.text or "DR Congo" in page.text or "jpo-unicef" in page.text
    assert (
        client.get("/en/programmes/jpo/eligibility/?vacancy=nato-staff-officer-operations-crse").status_code
        == 404
    )


def test_bad_input_on_the_page_gives_field_errors_and_a_400(client, seeded):
    response = client.post(
        "/en/programmes/jpo/eligibility/",
        {"birth_date": "2999-01-01", "nationality": "XX", "education": "", "experience_years": "-3"},
    )

    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert "The date of birth cannot be in the future." in response.text
    assert "XX is not one of the available choices" in response.text


def test_a_check_stores_nothing_and_logs_no_birth_date(client, seeded, caplog):
    caplog.set_level(logging.DEBUG)
    payload = jpo_candidate(birth_date="1994-07-13")

    with CaptureQueriesContext(connection) as captured:
        post_json(client, payload)
        client.post(
            "/en/programmes/jpo/eligibility/",
            {"birth_date": "1994-07-13", "nationality": "BE", "education": "master", "experience_years": "3"},
        )

    writes = [
        q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert "1994-07-13" not in caplog.text
    assert "1994" not in " ".join(q["sql"] for q in captured)
