"""Eligibility rules, boundary by boundary, and the three verdicts. `check` is pure; `rules_for` reads a
programme or vacancy."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from programmes.eligibility import (
    Candidate,
    Outcome,
    Rule,
    age_on_31_december,
    check,
    evaluate,
    rules_for,
    validate_parameters,
    verdict,
)
from programmes.models import EligibilityRule
from tests.factories import CountryGroupFactory, EligibilityRuleFactory, ProgrammeFactory, VacancyFactory

Kind = EligibilityRule.Kind
BELGIUM = Rule("nationality", Kind.NATIONALITY, {"groups": ["belgium"]}, countries=frozenset({"BE"}))
PARTNERS = frozenset({"BJ", "BF", "BI", "CD", "GN", "ML", "MA", "MZ", "NE", "UG", "PS", "RW", "SN", "TZ"})
NATO = frozenset(
    [
        "AL",
        "BE",
        "BG",
        "CA",
        "HR",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IS",
        "IT",
        "LV",
        "LT",
        "LU",
        "ME",
        "NL",
        "MK",
        "NO",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "TR",
        "GB",
        "US",
    ]
)


@pytest.fixture(autouse=True)
def english():
    """Messages come in the active language; these tests read them in English."""
    with translation.override("en"):
        yield


def candidate(**overrides):
    values = {
        "birth_date": dt.date(1995, 6, 15),
        "nationality": "BE",
        "education": "master",
        "experience_years": Decimal("3"),
        "languages": {"en": 5, "fr": 3},
    }
    return Candidate(**values | overrides)


def passed(rule, call_year=2026, **overrides):
    [result] = check([rule], candidate(**overrides), call_year)
    return result.passed


MAX_32 = Rule("age", Kind.MAX_AGE, {"years": 32})


@pytest.mark.parametrize(
    ("birth_date", "call_year", "age"),
    [
        (dt.date(1994, 1, 1), 2026, 32),
        (dt.date(1994, 12, 31), 2026, 32),  # birthday on the day itself
        (dt.date(1993, 12, 31), 2026, 33),
        (dt.date(1992, 2, 29), 2024, 32),  # leap-day birthday in a leap year
        (dt.date(1992, 2, 29), 2025, 33),
    ],
)
def test_age_is_counted_on_31_december_of_the_call_year(birth_date, call_year, age):
    assert age_on_31_december(birth_date, call_year) == age


@pytest.mark.parametrize(
    ("birth_date", "expected"),
    [
        (dt.date(1994, 1, 1), True),  # 32 on 31 December 2026
        (dt.date(1994, 12, 31), True),  # turns 32 on that very day
        (dt.date(1993, 12, 31), False),  # 33
        (dt.date(1993, 1, 1), False),
    ],
)
def test_thirty_two_or_younger_passes_and_thirty_three_fails(birth_date, expected):
    assert passed(MAX_32, birth_date=birth_date) is expected


def test_the_age_message_names_the_age_the_year_and_the_limit():
    [result] = check([MAX_32], candidate(birth_date=dt.date(1993, 5, 1)), 2026)

    assert result.message == "You are 33 on 31 December 2026; the limit is 32."


@pytest.mark.parametrize(
    ("years", "expected"),
    [(Decimal("1.99"), False), (Decimal("2.0"), True), (Decimal("2"), True), (Decimal("0"), False)],
)
def test_two_years_of_experience_are_two_not_one_point_nine_nine(years, expected):
    assert passed(Rule("experience", Kind.MIN_EXPERIENCE, {"years": 2}), experience_years=years) is expected


def test_no_experience_required_passes_a_beginner():
    assert (
        passed(Rule("experience", Kind.MIN_EXPERIENCE, {"years": 0}), experience_years=Decimal("0")) is True
    )


@pytest.mark.parametrize(
    ("held", "level", "expected"),
    [
        ("bachelor", "master", False),
        ("master", "master", True),
        ("doctorate", "master", True),
        ("secondary", "bachelor", False),
        ("bachelor", "bachelor", True),
    ],
)
def test_education_is_compared_by_level(held, level, expected):
    assert passed(Rule("education", Kind.MIN_EDUCATION, {"level": level}), education=held) is expected


NATO_LANGUAGES = Rule(
    "languages", Kind.LANGUAGES, {"scale": "nato", "languages": ["en", "fr"], "levels": [5, 2]}
)


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        ({"en": 5, "fr": 2}, True),
        ({"en": 2, "fr": 5}, True),  # either language may be the strong one
        ({"en": 6, "fr": 6}, True),
        ({"en": 4, "fr": 3}, False),  # IV/III is not V/II
        ({"en": 5, "fr": 1}, False),  # V/I is not V/II
        ({"en": 6}, False),  # no French at all
        ({}, False),
    ],
)
def test_nato_languages_need_v_in_one_and_ii_in_the_other(languages, expected):
    assert passed(NATO_LANGUAGES, languages=languages) is expected


def test_the_language_message_says_what_is_needed_and_held():
    [result] = check([NATO_LANGUAGES], candidate(languages={"en": 4, "fr": 3}), 2026)

    assert "V (Advanced) / II (Elementary)" in result.message
    assert "English IV, French III" in result.message


VERY_GOOD = Rule("languages", Kind.LANGUAGES, {"scale": "very-good", "languages": ["en", "fr"]})


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        ({"en": True, "fr": True}, True),
        ({"en": True}, False),
        ({"fr": True, "en": False}, False),
        ({}, False),
    ],
)
def test_jpo_languages_need_a_very_good_knowledge_of_english_and_french(languages, expected):
    assert passed(VERY_GOOD, languages=languages) is expected


def test_the_very_good_knowledge_message_names_the_language_missing():
    [result] = check([VERY_GOOD], candidate(languages={"en": True}), 2026)

    assert result.message.endswith("you do not have it in French.")


@pytest.mark.parametrize(
    ("rule", "nationality", "expected"),
    [
        (BELGIUM, "BE", True),
        (BELGIUM, "BJ", False),  # a partner-country national against a Belgian-only post
        (
            Rule("nationality", Kind.NATIONALITY, {"groups": ["jpo-partner-countries"]}, countries=PARTNERS),
            "BJ",
            True,
        ),
        (
            Rule("nationality", Kind.NATIONALITY, {"groups": ["jpo-partner-countries"]}, countries=PARTNERS),
            "BE",
            False,
        ),
        (Rule("nationality", Kind.NATIONALITY, {"groups": ["nato-members"]}, countries=NATO), "CH", False),
        (Rule("nationality", Kind.NATIONALITY, {"groups": ["nato-members"]}, countries=NATO), "BE", True),
    ],
)
def test_nationality_must_be_in_the_rules_country_group(rule, nationality, expected):
    assert passed(rule, nationality=nationality) is expected


def test_a_refused_nationality_is_named_in_the_message():
    [result] = check([BELGIUM], candidate(nationality="CH"), 2026)

    assert result.message == "This is not open to nationals of Switzerland."


def test_a_nationality_the_source_is_silent_on_is_neither_met_nor_refused():
    """NATO "welcomes applications of nationals from all member Nations": that bars no one else."""
    welcome = Rule(
        "nationality", Kind.NATIONALITY, {"groups": ["nato-members"], "others": "not-stated"}, countries=NATO
    )

    [member] = check([welcome], candidate(nationality="BE"), 2026)
    [other] = check([welcome], candidate(nationality="CH"), 2026)

    assert member.outcome == Outcome.MET
    assert other.outcome == Outcome.DEPENDS
    assert other.message == "The source does not say whether nationals of Switzerland may apply."
    validate_parameters(Kind.NATIONALITY, welcome.parameters)
    with pytest.raises(ValidationError):
        validate_parameters(Kind.NATIONALITY, {"groups": ["nato-members"], "others": "welcome"})


def test_informational_rules_are_left_to_the_employer():
    [result] = check(
        [Rule("security-clearance", Kind.INFORMATIONAL, {}, "A security clearance.")], candidate(), 2026
    )

    assert result.passed is None
    assert result.explanation == "A security clearance."


def test_the_verdict_is_eligible_when_every_checkable_condition_is_met_and_the_employer_checks_the_rest():
    rules = [BELGIUM, MAX_32, Rule("medical", Kind.INFORMATIONAL, {})]

    assert verdict(check(rules[:2], candidate(), 2026)) is True
    assert verdict(check(rules, candidate(), 2026)) is True
    assert verdict(check(rules, candidate(nationality="FR"), 2026)) is False


def test_nothing_checkable_cannot_be_decided_online_whatever_the_candidate():
    """Defence, civil crisis experts, asylum and migration: born 1950, any nationality, no degree."""
    rules = [Rule("selor", Kind.INFORMATIONAL, {}), Rule("training", Kind.INFORMATIONAL, {})]

    assert verdict(check(rules, Candidate(), 2026)) is None
    assert verdict(check(rules, candidate(birth_date=dt.date(1950, 1, 1), nationality="US"), 2026)) is None
    assert verdict(check([], Candidate(), 2026)) is None


BELGIANS_ONLY = frozenset({"BE"})
JPO_RULES = [
    Rule(
        "nationality",
        Kind.NATIONALITY,
        {"groups": ["belgium", "jpo-partner-countries"]},
        countries=BELGIANS_ONLY | PARTNERS,
    ),
    Rule("education", Kind.MIN_EDUCATION, {"level": "master"}, applies_to=BELGIANS_ONLY),
    Rule("age", Kind.MAX_AGE, {"years": 32}, applies_to=BELGIANS_ONLY),
    Rule("partner-posts", Kind.PER_POST, {}, applies_to=PARTNERS),
]


def test_belgian_conditions_are_checked_for_belgians():
    too_old = candidate(birth_date=dt.date(1990, 1, 1))

    assert verdict(check(JPO_RULES, candidate(), 2026)) is True
    assert verdict(check(JPO_RULES, too_old, 2026)) is False
    assert [r.code for r in check(JPO_RULES, candidate(), 2026)] == ["nationality", "education", "age"]


def test_a_partner_national_is_not_refused_at_programme_level_and_the_answer_depends_on_the_post():
    older_without_degree = candidate(nationality="CD", birth_date=dt.date(1970, 1, 1), education="secondary")

    results = check(JPO_RULES, older_without_degree, 2026)

    assert [(r.code, r.outcome) for r in results] == [("nationality", "met"), ("partner-posts", "depends")]
    assert verdict(results) is None


def test_a_third_country_national_is_not_eligible_for_jpo():
    assert verdict(check(JPO_RULES, candidate(nationality="US"), 2026)) is False


@pytest.mark.parametrize(
    ("kind", "parameters", "message"),
    [
        (Kind.MAX_AGE, {"years": -1}, "whole number from 1"),
        (Kind.MAX_AGE, {"years": 0}, "whole number from 1"),
        (Kind.MAX_AGE, {"years": "32"}, "whole number from 1"),
        (Kind.MAX_AGE, {"age": 32}, "exactly these parameters: years"),
        (Kind.MIN_EXPERIENCE, {"years": -2}, "from 0 to 60"),
        (Kind.MIN_EDUCATION, {"level": "phd"}, "Unknown education level"),
        (Kind.NATIONALITY, {"groups": ["martians"]}, "Unknown country group"),
        (Kind.NATIONALITY, {"groups": []}, "list of slugs"),
        (Kind.NATIONALITY, {"group": "belgium"}, "exactly these parameters: groups"),
        (Kind.LANGUAGES, {"languages": ["en", "de"], "levels": [5, 2]}, "Unknown language code(s): de"),
        (Kind.LANGUAGES, {"scale": "fluent", "languages": ["en"]}, "very-good"),
        (Kind.LANGUAGES, {"scale": "very-good", "languages": ["en"], "levels": [5]}, "very-good"),
        (Kind.LANGUAGES, {"languages": ["en", "fr"], "levels": [7, 2]}, "from 1 (I) to 6 (VI)"),
        (Kind.LANGUAGES, {"languages": ["en", "fr"], "levels": [5, 0]}, "from 1 (I) to 6 (VI)"),
        (Kind.LANGUAGES, {"languages": ["en", "fr"], "levels": [5]}, "as many levels as languages"),
        (Kind.LANGUAGES, {"languages": ["en", "en"], "levels": [5, 2]}, "each language once"),
        (Kind.INFORMATIONAL, {"x": 1}, "exactly these parameters: none"),
        (Kind.MAX_AGE, ["years", 32], "JSON object"),
    ],
)
def test_bad_rule_parameters_are_refused_with_a_reason(kind, parameters, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_parameters(kind, parameters, known_groups={"belgium"})


@pytest.mark.parametrize(
    ("kind", "parameters"),
    [
        (Kind.MAX_AGE, {"years": 32}),
        (Kind.MIN_EXPERIENCE, {"years": 2}),
        (Kind.MIN_EXPERIENCE, {"years": 1.5}),
        (Kind.MIN_EDUCATION, {"level": "master"}),
        (Kind.NATIONALITY, {"groups": ["belgium"]}),
        (Kind.LANGUAGES, {"languages": ["en", "fr"], "levels": [5, 2]}),
        (Kind.LANGUAGES, {"scale": "very-good", "languages": ["en", "fr"]}),
        (Kind.INFORMATIONAL, {}),
        (Kind.PER_POST, {}),
    ],
)
def test_good_rule_parameters_pass(kind, parameters):
    validate_parameters(kind, parameters, known_groups={"belgium"})


@pytest.fixture
def jpo(db):
    belgium = CountryGroupFactory(slug="belgium", name="Belgium", countries=["BE"])
    partners = CountryGroupFactory(
        slug="jpo-partner-countries", name="Partner countries", countries=sorted(PARTNERS)
    )
    programme = ProgrammeFactory(slug="jpo")
    for code, kind, parameters, scope in [
        ("nationality", Kind.NATIONALITY, {"groups": ["belgium", "jpo-partner-countries"]}, None),
        ("education", Kind.MIN_EDUCATION, {"level": "master"}, belgium),
        ("experience", Kind.MIN_EXPERIENCE, {"years": 2}, belgium),
        ("age", Kind.MAX_AGE, {"years": 32}, belgium),
        ("partner-posts", Kind.PER_POST, {}, partners),
    ]:
        EligibilityRuleFactory(
            programme=programme,
            code=code,
            kind=kind,
            parameters=parameters,
            applies_to=scope,
            explanation=code,
        )
    return programme


def results_by_code(results):
    return {r.code: r.passed for r in results}


def test_a_programme_is_evaluated_rule_by_rule(jpo):
    results = evaluate(jpo, candidate(education="bachelor"), 2026)

    assert results_by_code(results) == {
        "nationality": True,
        "education": False,
        "experience": True,
        "age": True,
    }


def test_a_partner_country_post_admits_partner_nationals_instead_of_belgians(jpo):
    post = VacancyFactory(programme=jpo, reserved_for="partner-country")
    older_rwandan = candidate(nationality="RW", birth_date=dt.date(1970, 1, 1))

    on_the_post = evaluate(post, older_rwandan, 2026)

    assert results_by_code(on_the_post) == {"nationality": True, "partner-posts": None}
    # Its other conditions are in the organisation's job description, not data here: no "you may apply".
    assert verdict(on_the_post) is None
    assert results_by_code(evaluate(post, candidate(nationality="BE"), 2026))["nationality"] is False
    assert verdict(evaluate(jpo, older_rwandan, 2026)) is None  # at programme level: it depends on the post


def test_a_post_reserved_for_named_countries_takes_only_their_nationals(jpo, client):
    post = VacancyFactory(programme=jpo, reserved_for="partner-country", reserved_countries=["CD"])

    assert "Nationals of: Democratic Republic of the Congo" in client.get(f"/en/vacancies/{post.slug}/").text

    assert verdict(evaluate(post, candidate(nationality="CD"), 2026)) is None  # the rest: the job description
    assert verdict(evaluate(post, candidate(nationality="RW"), 2026)) is False


def test_a_vacancys_own_requirements_replace_the_programmes(jpo):
    post = VacancyFactory(
        programme=jpo,
        required_education="bachelor",
        required_experience_years=Decimal("5"),
        required_languages={"scale": "nato", "languages": ["en", "fr"], "levels": [5, 2]},
    )

    results = evaluate(
        post, candidate(education="bachelor", experience_years=Decimal("3"), languages={"en": 6}), 2026
    )

    assert results_by_code(results) == {
        "nationality": True,
        "education": True,
        "experience": False,
        "age": True,
        "languages": False,
    }
    assert len(rules_for(post)) == 6
