"""The candidate's eligibility profile: kept by the browser, read by the list and the detail page."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programmes import profile as eligibility_profile
from programmes.eligibility import Scale, languages_scale, rules_for
from tests.factories import VacancyFactory
from vacancies import selectors

pytestmark = pytest.mark.django_db
PROFILE_PAGE = "/en/eligibility/"
LIST = "/en/vacancies/"


@pytest.fixture
def seeded(db):
    call_command("seed_demo", verbosity=0)


def belgian_answers(**overrides):
    year = timezone.localdate().year
    return {
        "nationality": "BE",
        "birth_date": dt.date(year - 30, 6, 1).isoformat(),
        "education": "master",
        "experience_years": "3",
        "language_en": "5",
        "language_fr": "2",
        "very_good_en": "on",
        "very_good_fr": "on",
    } | overrides


def keep_profile(client, **overrides):
    response = client.post(PROFILE_PAGE, belgian_answers(**overrides))
    assert response.status_code == 303, response.content.decode()
    return response


def verdicts(html):
    return re.findall(r'data-verdict="([\w-]+)"', html)


def test_the_profile_page_asks_each_question_the_catalogue_uses_once(client, seeded):
    html = client.get(PROFILE_PAGE).content.decode()
    names = re.findall(r'<(?:input|select)[^>]* name="(\w+)"', html)
    asked = [name for name in names if name not in ("csrfmiddlewaretoken",)]
    assert sorted(asked) == sorted(
        [
            "nationality",
            "birth_date",
            "education",
            "experience_years",
            "very_good_en",
            "very_good_fr",
        ]  # no NATO levels: the demo's only NATO post closed on its source's deadline
    )


def test_keeping_the_answers_sets_a_browser_cookie_and_goes_to_the_list(client, seeded):
    response = keep_profile(client)
    assert response["Location"].endswith("/vacancies/")
    cookie = response.cookies[eligibility_profile.COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert eligibility_profile.decode(cookie.value).nationality == "BE"


def test_missing_answers_are_named_and_nothing_is_kept(client, seeded):
    response = client.post(PROFILE_PAGE, belgian_answers(nationality="", birth_date="2999-01-01"))
    assert response.status_code == 400
    assert eligibility_profile.COOKIE_NAME not in response.cookies
    assert "This field is required." in response.content.decode()


def test_without_a_profile_the_list_has_no_verdicts_and_invites_to_check(client, seeded):
    html = client.get(LIST).content.decode()
    assert verdicts(html) == []
    assert "Check my eligibility for all vacancies" in html


def test_with_a_profile_each_card_says_whether_the_candidate_may_apply(client, seeded):
    keep_profile(client)
    response = client.get(LIST)
    html = response.content.decode()
    assert response["Cache-Control"].count("no-store") == 1
    assert "eligible" in verdicts(html) and "not-eligible" in verdicts(html) and "unknown" in verdicts(html)
    assert "Not for you: This is not open to nationals of Belgium." in html


def test_the_eligibility_facet_counts_and_filters_the_list(client, seeded):
    keep_profile(client)
    html = client.get(LIST).content.decode()
    counts = dict(
        re.findall(r'id="f-eligibility-(\w*)"[^>]*>\s*<label[^>]*>[^<]*<span class="count">\((\d+)\)', html)
    )
    assert int(counts[""]) == int(counts["may"]) + int(counts["not"]) + int(counts["unknown"])
    for choice, name in (("may", "eligible"), ("not", "not-eligible"), ("unknown", "unknown")):
        narrowed = client.get(LIST, {"eligibility": choice}).content.decode()
        assert set(verdicts(narrowed)) == {name}
        assert len(verdicts(narrowed)) == int(counts[choice])


def test_an_unknown_eligibility_choice_is_named_and_the_list_stays_whole(client, seeded):
    keep_profile(client)
    response = client.get(LIST, {"eligibility": "perhaps"})
    assert response.status_code == 400
    assert "Eligibility: Unknown choice." in response.content.decode()


def test_the_detail_page_gives_the_verdict_without_the_checker(client, seeded):
    keep_profile(client)
    html = client.get("/en/vacancies/jpo-unicef-dr-congo-partnerland/").content.decode()
    assert 'data-verdict="not-eligible"' in html
    assert "This is not open to nationals of Belgium." in html


def test_forgetting_the_answers_deletes_the_cookie_at_once(client, seeded):
    keep_profile(client)
    response = client.post("/en/eligibility/forget/")
    assert response.status_code == 303
    assert response.cookies[eligibility_profile.COOKIE_NAME].value == ""
    assert verdicts(client.get(LIST).content.decode()) == []


def test_a_cookie_that_does_not_parse_is_no_profile_and_no_error(client, seeded):
    for value in ("%%%", "bm90IGpzb24", "W1tbXV1d", "eyJuYXRpb25hbGl0eSI6IlhYIn0", "x" * 5000):
        client.cookies[eligibility_profile.COOKIE_NAME] = value
        response = client.get(LIST)
        assert response.status_code == 200
        assert verdicts(response.content.decode()) == []


def test_list_verdicts_equal_the_checkers_for_every_demo_vacancy(client, seeded):
    keep_profile(client)
    candidate = eligibility_profile.decode(client.cookies[eligibility_profile.COOKIE_NAME].value)
    vacancies = list(selectors.public_vacancies())
    assert {v.programme.slug for v in vacancies} == {
        "jpo",
        "civil-crisis-expert",
        "nato-staff",
        "defence-reserve",
        "asylum-migration",
    }
    for vacancy in vacancies:
        scale = languages_scale(rules_for(vacancy))
        body = {
            "programme": vacancy.programme.slug,
            "vacancy": vacancy.slug,
            "nationality": candidate.nationality,
            "birth_date": candidate.birth_date.isoformat(),
            "education": candidate.education,
            "experience_years": float(candidate.experience_years),
            "languages": candidate.very_good if scale == Scale.VERY_GOOD else candidate.levels,
        }
        checked = client.post("/api/v1/eligibility/", json.dumps(body), content_type="application/json")
        listed = selectors.vacancy_verdict(vacancy=vacancy, profile=candidate)
        if checked.status_code == 400:  # a question the profile left open: the API asks for it
            assert listed.name == "unknown"
            assert set(checked.json()["errors"]) <= {"languages.en", "languages.fr"}
            continue
        assert listed.name == checked.json()["verdict"], vacancy.slug
    page = client.get(LIST, {"status": "all"}).content.decode()
    assert len(verdicts(page)) == len(vacancies)


def test_the_list_with_a_profile_takes_as_many_queries_for_one_vacancy_as_for_many(
    client, seeded, django_assert_num_queries
):
    keep_profile(client)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(LIST, {"eligibility": "may"}).status_code == 200
        return len(context)

    client.get(LIST)  # the catalogue's groups and other facets are cached
    few = queries()
    VacancyFactory.create_batch(30)  # each under a programme of its own: 30 more groups
    client.get(LIST)
    with django_assert_num_queries(few):
        client.get(LIST, {"eligibility": "may", "page": "2"})


ELIGIBLE_API = "/api/v1/vacancies/eligible/"


def post_eligible(client, payload):
    return client.post(
        ELIGIBLE_API, json.dumps(payload), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


def api_candidate(**overrides):
    answers = belgian_answers()
    return {
        "nationality": answers["nationality"],
        "birth_date": answers["birth_date"],
        "education": answers["education"],
        "experience_years": 3,
        "languages": {"en": 5, "fr": 2},
        "very_good": {"en": True, "fr": True},
    } | overrides


def test_the_api_answers_the_list_with_the_verdicts_and_counts_the_page_gives(client, seeded):
    body = post_eligible(client, api_candidate(filters={"status": "all"})).json()
    keep_profile(client)
    page = client.get(LIST, {"status": "all"}).content.decode()
    assert sorted(r["eligibility"]["verdict"] for r in body["results"]) == sorted(verdicts(page))
    counts = {option["value"]: option["count"] for option in body["facets"]["eligibility"]}
    assert sum(counts.values()) == body["count"]
    narrowed = post_eligible(client, api_candidate(filters={"status": "all"}, eligibility="not")).json()
    assert narrowed["count"] == counts["not"]
    assert {r["eligibility"]["verdict"] for r in narrowed["results"]} == {"not-eligible"}
    assert narrowed["results"][0]["eligibility"]["reason"] == "This is not open to nationals of Belgium."


def test_the_api_names_each_bad_value_and_answers_400(client, seeded):
    response = post_eligible(
        client,
        {"eligibility": "perhaps", "filters": {"colour": ["red"], "status": "someday"}, "page": "two"},
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"nationality", "eligibility", "filters.colour", "page"} <= set(errors)
    for body in (b"[]", b"{", b"\xff"):
        assert client.post(ELIGIBLE_API, body, content_type="application/json").status_code == 400


def test_the_api_names_its_questions_as_the_body_does_and_names_a_key_it_does_not_take(client, seeded):
    answer = post_eligible(client, api_candidate()).json()
    # A form's name, a key of /api/v1/eligibility/ and a level off NATO's scale: each used to be ignored.
    refused = post_eligible(client, api_candidate(language_en=5, programme="jpo", languages={"en": 9}))

    assert answer["questions"] == [
        "nationality",
        "birth_date",
        "education",
        "experience_years",
        "very_good.en",
        "very_good.fr",
    ]  # no NATO levels: the demo's only NATO post is closed
    assert refused.status_code == 400
    assert sorted(refused.json()["errors"]) == ["language_en", "languages.en", "programme"]


def test_the_api_refuses_a_get(client):
    response = client.get(ELIGIBLE_API)
    assert response.status_code == 405


def cache_contents():
    """Every key and value the cache holds, as bytes (Redis: every key of its database; else locmem)."""
    from django.conf import settings
    from django.core.cache import cache

    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        return b"".join(key + (client.dump(key) or b"") for key in client.scan_iter())
    return b"".join(key.encode() + value for key, value in cache._cache.items())


def test_the_profile_never_reaches_the_database_the_logs_the_cache_or_a_url(client, seeded, caplog):
    import logging
    import pickle
    from io import StringIO

    birth_date = dt.date(1991, 7, 23)
    caplog.set_level(logging.DEBUG)
    urls = []
    with CaptureQueriesContext(connection) as queries:
        response = keep_profile(client, birth_date=birth_date.isoformat(), experience_years="7.25")
        urls.append(response["Location"])
        cookie = response.cookies[eligibility_profile.COOKIE_NAME].value
        pages = [
            client.get(LIST),
            client.get(LIST, {"eligibility": "may"}),
            client.get(LIST, {"status": "all"}),
        ]
        pages.append(client.get("/en/vacancies/jpo-un-women-marokko/"))
        pages.append(client.get("/nl/vacancies/jpo-undp-senegal/"))
        pages.append(
            post_eligible(client, api_candidate(birth_date=birth_date.isoformat(), experience_years=7.25))
        )
        urls.append(client.post("/en/eligibility/forget/")["Location"])
    assert all(page.status_code == 200 for page in pages)
    assert "7.25" in pages[3].content.decode()  # the detail page used the answers

    # 7.25 years, but not the seconds of a timestamp ("10:31:07.251234").
    secrets = [birth_date.isoformat(), "23/07/1991", r"(?<![:\d])7[.,]25", cookie]
    derived = ["You have 7.25 years", "Je hebt 7,25 jaar"]
    secrets = [secret if secret.startswith("(?") else re.escape(secret) for secret in secrets]
    derived = [re.escape(text) for text in derived]
    # The database: no query carried the answers, and no row holds them.
    sql = " ".join(f"{q['sql']}" for q in queries.captured_queries)
    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    for secret in secrets + derived:
        assert not re.search(secret, sql) and not re.search(secret, dump.getvalue()), secret
    # The logs.
    logged = " ".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    for secret in secrets + derived:
        assert not re.search(secret, logged), secret
    # The cache (Redis when configured): no key or value holds the answers or what was derived from them.
    stored = cache_contents()
    assert stored  # the catalogue's groups and facets were cached: the search looked at something
    for secret in [*secrets, *derived]:
        assert not re.search(secret.encode(), stored), secret
    assert pickle.dumps(birth_date)[-20:] not in stored
    # URLs: every address the pages link to, and where the forms send the candidate.
    for page in pages[:-1]:
        urls += re.findall(r'(?:href|action)="([^"]*)"', page.content.decode())
    for url in urls:
        for secret in secrets:
            assert not re.search(secret, url), (secret, url)


def test_without_a_profile_pages_stay_cached_and_with_one_they_are_neither_served_nor_stored(client, seeded):
    from django.test import Client

    anonymous = Client()
    first = anonymous.get(LIST)
    keep_profile(client)
    marked = client.get(LIST).content.decode()
    assert verdicts(marked) and "Forget my answers" in marked
    again = anonymous.get(LIST)
    assert again.content == first.content  # the cached page, untouched by the candidate's visit
    assert "private" in client.get(LIST)["Cache-Control"]


def test_a_cookie_round_trips_every_answer_and_refuses_values_no_form_accepts():
    kept = eligibility_profile.Profile(
        "NL", dt.date(1990, 2, 28), "bachelor", Decimal("2.5"), {"en": 4}, {"fr": True}
    )
    assert eligibility_profile.decode(eligibility_profile.encode(kept)) == kept
    assert eligibility_profile.decode(eligibility_profile.encode(eligibility_profile.Profile())) is not None
    for bad in (
        {"nationality": "XX"},
        {"education": "wizard"},
        {"experience_years": "-1"},
        {"levels": {"en": 9}},
        {"levels": {"de": 3}},
        {"very_good": {"en": "yes"}},
        {"birth_date": "1990-02-30"},
    ):
        assert eligibility_profile.from_data(bad) is None, bad


def test_an_empty_eligible_list_offers_to_remove_the_eligibility_filter(client, seeded):
    keep_profile(client, nationality="CH")  # neither NATO nor JPO
    html = client.get(LIST, {"eligibility": "may"}).content.decode()
    assert verdicts(html) == []
    assert "Remove “Eligibility: May apply”" in html


def test_a_nato_level_left_unchosen_is_not_read_as_no_knowledge(client, seeded):
    keep_profile(client, language_en="", language_fr="")  # only the JPO boxes ticked

    html = client.get("/en/vacancies/nato-staff-officer-operations-crse/").content.decode()

    assert 'data-verdict="unknown"' in html
    assert "Your answers do not say: English (NATO level), French (NATO level)." in html


def test_only_the_nationality_is_required_of_a_profile(client, seeded):
    keep_profile(client, nationality="CD", birth_date="", education="", experience_years="")

    html = client.get(LIST).content.decode()

    assert "This field is required" not in html
    assert "eligible" in verdicts(html) or "unknown" in verdicts(html)


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_saved_date_of_birth_comes_back_in_the_form_and_survives_a_resubmission(client, seeded, language):
    page = f"/{language}/eligibility/"
    answers = belgian_answers(birth_date="1999-01-01", experience_years="3.5")
    assert client.post(page, answers).status_code == 303

    html = client.get(page).content.decode()
    # An <input type="date"> takes only yyyy-mm-dd: "01-01-1999" or "01/01/1999" would show an empty box.
    shown = re.search(r'<input type="date" name="birth_date" value="([^"]*)"', html)
    assert shown and shown[1] == "1999-01-01", html
    experience = re.search(r'name="experience_years" value="([^"]*)"', html)
    assert experience and experience[1] == "3.5"

    # Changing one answer sends back what the form shows: the date of birth is kept.
    assert client.post(page, answers | {"birth_date": shown[1], "education": "bachelor"}).status_code == 303
    kept = eligibility_profile.decode(client.cookies[eligibility_profile.COOKIE_NAME].value)
    assert (kept.birth_date, kept.education) == (dt.date(1999, 1, 1), "bachelor")
