"""The eligibility checker page and `/api/v1/eligibility/`, on the seeded programmes."""

import datetime as dt
import json
import logging
import re

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
        "languages": {"en": True, "fr": True},
    } | overrides


def post_json(client, payload):
    return client.post(API, json.dumps(payload), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def codes(body):
    return {r["code"]: r["passed"] for r in body["rules"]}


def jpo_belgian(age=30, **overrides):
    year = timezone.localdate().year
    return {
        "programme": "jpo",
        "birth_date": born_aged(age, year),
        "nationality": "BE",
        "education": "master",
        "experience_years": 2,
        "languages": {"en": True, "fr": True},
    } | overrides


def nato_candidate(**overrides):
    return {
        "programme": "nato-staff",
        "nationality": "BE",
        "education": "bachelor",
        "experience_years": 2,
        "languages": {"en": 5, "fr": 2},
    } | overrides


JPO_PARTNER_POST = "jpo-unicef-dr-congo-partnerland"
JPO_BELGIAN_POST = "jpo-unfpa-benin"
NATO_POST = "nato-staff-officer-operations-crse"
# Someone the three schemes without checkable conditions must never tell "you meet the conditions".
ANYONE = {"birth_date": "1950-01-01", "nationality": "US", "education": "secondary", "experience_years": 0}

# (payload, verdict): every programme, at programme and at vacancy level.
VERDICTS = [
    pytest.param(jpo_belgian(), "eligible", id="jpo-belgian-meets-all"),
    pytest.param(jpo_belgian(age=33), "not-eligible", id="jpo-belgian-over-the-age-limit"),
    pytest.param(jpo_belgian(education="bachelor"), "not-eligible", id="jpo-belgian-without-master"),
    pytest.param(jpo_belgian(experience_years=1.5), "not-eligible", id="jpo-belgian-short-of-experience"),
    pytest.param(jpo_belgian(languages={"en": True}), "not-eligible", id="jpo-belgian-without-french"),
    pytest.param(
        jpo_belgian(age=45, nationality="CD", education="secondary"), "unknown", id="jpo-partner-national"
    ),
    pytest.param(jpo_belgian(nationality="US"), "not-eligible", id="jpo-third-country-national"),
    pytest.param(jpo_belgian(vacancy=JPO_BELGIAN_POST), "eligible", id="jpo-belgian-on-a-belgian-post"),
    pytest.param(
        jpo_belgian(vacancy=JPO_BELGIAN_POST, age=33), "not-eligible", id="jpo-too-old-on-a-belgian-post"
    ),
    pytest.param(
        jpo_belgian(vacancy=JPO_BELGIAN_POST, nationality="CD"),
        "not-eligible",
        id="jpo-partner-on-belgian-post",
    ),
    pytest.param(
        jpo_belgian(
            vacancy=JPO_PARTNER_POST, age=45, nationality="CD", education="secondary", experience_years=0
        ),
        "unknown",  # the post's other conditions are in the organisation's job description
        id="jpo-partner-national-on-a-partner-post",
    ),
    pytest.param(jpo_belgian(vacancy=JPO_PARTNER_POST), "not-eligible", id="jpo-belgian-on-a-partner-post"),
    pytest.param(
        jpo_belgian(vacancy=JPO_PARTNER_POST, nationality="US"), "not-eligible", id="jpo-third-country-post"
    ),
    pytest.param(nato_candidate(), "eligible", id="nato-member-national-v-ii"),
    pytest.param(nato_candidate(languages={"en": 2, "fr": 5}), "eligible", id="nato-ii-v-either-order"),
    # NATO's source welcomes nationals of member nations and is silent on others.
    pytest.param(nato_candidate(nationality="CH"), "unknown", id="nato-non-member"),
    pytest.param(nato_candidate(languages={"en": 5, "fr": 1}), "not-eligible", id="nato-weak-french"),
    pytest.param(nato_candidate(languages={"en": 5, "fr": 0}), "not-eligible", id="nato-no-french"),
    pytest.param(nato_candidate(education="secondary"), "not-eligible", id="nato-without-degree"),
    pytest.param(nato_candidate(vacancy=NATO_POST), "eligible", id="nato-post"),
    pytest.param(nato_candidate(vacancy=NATO_POST, experience_years=1), "not-eligible", id="nato-post-short"),
    pytest.param({"programme": "defence-reserve"} | ANYONE, "unknown", id="defence"),
    pytest.param(
        {"programme": "defence-reserve", "vacancy": "defensie-reserve-verbindingsofficier-provinciecommando"}
        | ANYONE,
        "unknown",
        id="defence-post",
    ),
    pytest.param({"programme": "civil-crisis-expert"} | ANYONE, "unknown", id="civil-crisis"),
    pytest.param(
        {"programme": "civil-crisis-expert", "vacancy": "expert-civiel-crisisbeheer"} | ANYONE,
        "unknown",
        id="civil-crisis-post",
    ),
    pytest.param({"programme": "asylum-migration"} | ANYONE, "unknown", id="asylum-migration"),
    pytest.param(
        {"programme": "asylum-migration", "vacancy": "asiel-migratie-veiligheidsbegeleiders"} | ANYONE,
        "unknown",
        id="asylum-migration-post",
    ),
]
API_VALUE = {"eligible": True, "not-eligible": False, "unknown": None}


def as_form(payload):
    """The page's fields for an API payload (checkboxes for a very good knowledge, levels as numbers)."""
    fields = ("birth_date", "nationality", "education", "experience_years")
    data = {name: str(payload[name]) for name in fields if name in payload}
    for code, value in payload.get("languages", {}).items():
        if value is True:
            data[f"language_{code}"] = "on"
        elif value is not False:
            data[f"language_{code}"] = str(value)
    return data


def page_verdict(client, payload):
    url = f"/en/programmes/{payload['programme']}/eligibility/"
    if "vacancy" in payload:
        url += f"?vacancy={payload['vacancy']}"
    response = client.post(url, as_form(payload))
    assert response.status_code == 200, response.text
    return re.findall(r'data-verdict="([^"]*)"', response.text)


@pytest.mark.parametrize(("payload", "expected"), VERDICTS)
def test_the_page_and_the_api_give_the_same_verdict(client, seeded, payload, expected):
    body = post_json(client, payload).json()

    assert body["verdict"] == expected
    assert body["eligible"] is API_VALUE[expected]
    assert page_verdict(client, payload) == [expected]


def test_a_partner_national_is_shown_the_open_posts_reserved_for_their_country(client, seeded):
    body = post_json(client, jpo_belgian(nationality="CD")).json()

    assert [post["slug"] for post in body["reserved_posts"]] == [JPO_PARTNER_POST]
    assert {rule["code"] for rule in body["not_applicable"]} == {"education", "experience", "age"}
    assert {r["code"]: r["outcome"] for r in body["rules"]}["partner-posts"] == "depends"


def test_a_partner_national_is_not_asked_the_belgian_questions(client, seeded):
    body = post_json(
        client, {"programme": "jpo", "nationality": "RW", "languages": {"en": True, "fr": True}}
    ).json()

    assert body["verdict"] == "unknown"
    # The post in DR Congo is reserved for the nationals of every partner country, Rwanda's included.
    assert [post["slug"] for post in body["reserved_posts"]] == [JPO_PARTNER_POST]
    assert post_json(client, {"programme": "jpo", "nationality": "BE"}).status_code == 400


def test_a_belgian_must_answer_the_belgian_questions(client, seeded):
    errors = post_json(client, {"programme": "jpo", "nationality": "BE"}).json()["errors"]

    assert set(errors) == {"birth_date", "education", "experience_years"}
    assert errors["age" if "age" in errors else "birth_date"] == [
        "This field is required for nationals of Belgium."
    ]


def test_the_jpo_form_asks_about_a_very_good_knowledge_not_nato_levels(client, seeded):
    page = client.get("/en/programmes/jpo/eligibility/").text

    assert 'type="checkbox" name="language_en"' in page
    assert "I have a very good knowledge of French" in page
    assert "NATO level" not in page


def test_the_nato_form_asks_the_levels_the_source_names(client, seeded):
    page = client.get("/en/programmes/nato-staff/eligibility/").text

    assert "English (NATO level)" in page
    assert "V (Advanced)" in page and "II (Elementary)" in page
    assert 'name="birth_date"' not in page  # NATO's source sets no age limit


@pytest.mark.parametrize("slug", ["defence-reserve", "civil-crisis-expert", "asylum-migration"])
def test_a_programme_without_checkable_conditions_shows_what_the_source_says_and_no_form(
    client, seeded, slug
):
    page = client.get(f"/en/programmes/{slug}/eligibility/").text

    assert re.findall(r'data-verdict="([^"]*)"', page) == ["unknown"]
    assert "The source states no condition that can be checked here." in page
    assert "<form" not in page.split("<main", 1)[-1].split("</main>")[0]
    assert "You meet" not in page


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (jpo_candidate(birth_date="2999-01-01"), "birth_date"),
        (jpo_candidate(birth_date="31/12/1990"), "birth_date"),
        (jpo_candidate(nationality="XX"), "nationality"),
        (jpo_candidate(education="kindergarten"), "education"),
        (jpo_candidate(experience_years=-1), "experience_years"),
        (jpo_candidate(experience_years="many"), "experience_years"),
        (jpo_candidate(languages={"en": 5}), "languages.en"),  # JPO asks yes or no, not a NATO level
        (nato_candidate(languages={"en": 7}), "languages.en"),
        (nato_candidate(languages={"fr": True}), "languages.fr"),
        (nato_candidate(languages={"en": 5}), "languages.fr"),  # left out: asked for, not read as none
        (jpo_candidate(languages={"de": True}), "languages"),
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


def test_the_questions_and_errors_use_the_bodys_names_and_a_key_it_has_not_is_named(client, seeded):
    answer = post_json(client, nato_candidate()).json()
    misspelt = {k: v for k, v in nato_candidate().items() if k != "languages"} | {"language_en": 5}
    refused = post_json(client, misspelt)

    assert answer["questions"][-2:] == ["languages.en", "languages.fr"]  # {"languages": {"en": 5}}
    assert refused.status_code == 400
    assert sorted(refused.json()["errors"]) == ["language_en", "languages.en", "languages.fr"]
    assert refused.json()["errors"]["language_en"][0].startswith("Unknown field. The fields are: programme,")


def test_a_refused_value_is_named_as_refused_not_as_missing(client, seeded):
    level = post_json(client, nato_candidate(languages={"en": 7, "fr": 2}))
    date = post_json(client, jpo_candidate(birth_date="31/12/1990"))

    assert level.json()["errors"] == {"languages.en": ["Give a NATO level from 1 to 6, or 0 for none."]}
    assert date.json()["errors"] == {"birth_date": ["Give the date as YYYY-MM-DD."]}


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
            "language_en": "on",
            "language_fr": "on",
            "call_year": str(year),
        },
    )

    assert response.status_code == 200
    assert "You do not meet every condition." in response.text
    assert 'data-verdict="not-eligible"' in response.text
    assert "Not met" in response.text and "Master" in response.text
    assert f"You are 25 on 31 December {year}; the limit is 32." in response.text
    assert "no-store" in response["Cache-Control"]


def test_the_page_per_vacancy_uses_the_vacancys_conditions(client, seeded):
    page = client.get(f"/en/programmes/jpo/eligibility/?vacancy={JPO_PARTNER_POST}")

    assert page.status_code == 200
    assert "Junior Professional Officer – UNICEF DR Congo" in page.text
    assert 'name="birth_date"' not in page.text  # the Belgian conditions do not apply on a partner post
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


def test_the_nato_checker_asks_for_a_level_rather_than_reading_none_into_a_blank(client, seeded):
    url = "/en/programmes/nato-staff/eligibility/"
    answers = {"nationality": "BE", "birth_date": "1995-01-01", "education": "master", "experience_years": 3}

    blank = client.post(url, answers | {"language_en": "", "language_fr": ""})
    none = client.post(url, answers | {"language_en": "5", "language_fr": "0"})

    assert blank.status_code == 400 and "data-verdict" not in blank.text
    assert "This field is required." in blank.text
    assert 'data-verdict="not-eligible"' in none.text and "French none" in none.text


def test_more_years_of_experience_than_a_working_life_is_refused_as_a_typo(client, seeded):
    answers = {"nationality": "BE", "birth_date": "2015-06-01", "education": "master", "experience_years": 45}

    page = client.post("/en/programmes/jpo/eligibility/", answers)
    api = post_json(client, jpo_candidate(birth_date="2015-06-01", experience_years=45))

    assert page.status_code == 400 and "more years of experience than years since the age of 15" in page.text
    assert api.status_code == 400 and "experience_years" in api.json()["errors"]
