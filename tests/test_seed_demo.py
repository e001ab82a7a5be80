"""`manage.py seed_demo` loads the facts of the source documents and can run again without harm."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.forms.models import model_to_dict

from programmes.models import ContractTerms, CountryGroup, EligibilityRule, Programme, SelectionStep
from vacancies.models import Call, Organisation, PublicationStatus, Vacancy

pytestmark = pytest.mark.django_db

PROGRAMME_SLUGS = {"jpo", "civil-crisis-expert", "nato-staff", "defence-reserve", "asylum-migration"}
JPO_PARTNER_ACRONYMS = {
    "UNDP",
    "UNICEF",
    "WFP",
    "FAO",
    "UNHCR",
    "WHO",
    "UNRWA",
    "ILO",
    "UNFPA",
    "UNAIDS",
    "UN Women",
    "UNEP",
    "IOM",
    "OHCHR",
    "OCHA",
    "OSRSG-CAAC",
    "OSRSG-SVC",
    "CEB",
}
MODELS = [Programme, ContractTerms, SelectionStep, EligibilityRule, CountryGroup, Organisation, Call, Vacancy]


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot():
    """Every seeded row, minus the bookkeeping timestamps a save always touches."""
    return {
        model.__name__: sorted(
            (
                {k: v for k, v in model_to_dict(obj).items() if k not in {"created_at", "updated_at"}}
                for obj in model.objects.all()
            ),
            key=lambda row: row["id"],
        )
        for model in MODELS
    }


@pytest.fixture
def seeded():
    seed()


def test_running_seed_demo_twice_changes_nothing():
    seed()
    first = snapshot()

    output = seed()

    assert snapshot() == first
    assert "(0 new" in output
    assert Vacancy.objects.count() == len({v["slug"] for v in first["Vacancy"]})


def test_seed_demo_prints_a_one_line_summary():
    assert seed().count("\n") == 1


def test_the_five_programmes_exist(seeded):
    assert set(Programme.objects.values_list("slug", flat=True)) == PROGRAMME_SLUGS


def test_every_programme_has_a_published_call_or_vacancy(seeded):
    published = PublicationStatus.PUBLISHED
    for programme in Programme.objects.all():
        assert (
            programme.calls.filter(status=published).exists()
            or programme.vacancies.filter(status=published).exists()
        ), programme.slug


def test_the_eighteen_jpo_partner_organisations_are_un_agencies(seeded):
    un_agencies = Organisation.objects.filter(kind=Organisation.Kind.UN_AGENCY)

    assert un_agencies.count() == 18
    assert set(un_agencies.values_list("acronym", flat=True)) == JPO_PARTNER_ACRONYMS


def test_the_first_asylum_wave_has_the_headcounts_of_the_source(seeded):
    wave = Call.objects.get(slug="asiel-migratie-golf-1")
    headcounts = dict(wave.vacancies.values_list("title_nl").annotate(n=Sum("positions")))

    assert headcounts["Veiligheidsbegeleiders"] == 55
    assert headcounts["Migration en Protection Officers"] == 85
    assert headcounts["Terugkeerbegeleiders"] == 43
    assert Vacancy.objects.open().filter(call=wave).count() == wave.vacancies.count()


def test_the_second_asylum_wave_opens_later(seeded):
    wave = Call.objects.get(slug="asiel-migratie-golf-2")

    assert wave.status == PublicationStatus.PUBLISHED
    assert not Call.objects.open().filter(pk=wave.pk).exists()
    assert set(Vacancy.objects.public().with_state().filter(call=wave).values_list("state", flat=True)) == {
        Vacancy.State.UPCOMING
    }


def test_the_nato_post_closed_on_the_sources_deadline_in_brussels_in_the_crse_section(seeded):
    post = Vacancy.objects.closed().with_dates().get(programme__slug="nato-staff")

    assert post.closes_on == dt.date(2025, 12, 31)  # "Plazo: 31-12-2025"
    assert not post.is_example
    assert (post.city, post.country.code) == ("Brussels", "BE")
    assert "Crisis Response Systems and Exercises (CRSE) Section" in post.unit
    assert post.required_languages == {"languages": ["en", "fr"], "levels": [5, 2]}
    assert post.required_experience_years == 2


def test_the_jpo_contract_runs_twelve_months_up_to_thirty_six_paid_in_dollars(seeded):
    terms = ContractTerms.objects.get(programme__slug="jpo")

    assert (terms.initial_term_months, terms.maximum_total_months, terms.salary_currency) == (12, 36, "USD")


def test_the_nato_contract_runs_three_years_up_to_six(seeded):
    terms = ContractTerms.objects.get(programme__slug="nato-staff")

    assert (terms.initial_term_months, terms.maximum_total_months) == (36, 72)


def test_the_country_groups_have_one_fourteen_and_thirty_two_members(seeded):
    sizes = {group.slug: len(group.countries) for group in CountryGroup.objects.all()}

    assert sizes == {"belgium": 1, "jpo-partner-countries": 14, "nato-members": 32}
    assert "BE" in {c.code for c in CountryGroup.objects.get(slug="nato-members").countries}


def test_the_jpo_rules_are_those_of_the_source(seeded):
    rules = {
        rule.code: (rule.kind, rule.parameters, rule.applies_to.slug if rule.applies_to else None)
        for rule in EligibilityRule.objects.filter(programme__slug="jpo")
    }
    kind = EligibilityRule.Kind

    assert rules == {
        "nationality": (kind.NATIONALITY, {"groups": ["belgium", "jpo-partner-countries"]}, None),
        "education": (kind.MIN_EDUCATION, {"level": "master"}, "belgium"),
        "experience": (kind.MIN_EXPERIENCE, {"years": 2}, "belgium"),
        "age": (kind.MAX_AGE, {"years": 32}, "belgium"),
        "languages": (kind.LANGUAGES, {"scale": "very-good", "languages": ["en", "fr"]}, None),
        "partner-posts": (kind.PER_POST, {}, "jpo-partner-countries"),
    }


@pytest.mark.parametrize("slug", ["civil-crisis-expert", "defence-reserve", "asylum-migration"])
def test_the_programmes_whose_source_states_no_checkable_condition_have_none(seeded, slug):
    kinds = set(EligibilityRule.objects.filter(programme__slug=slug).values_list("kind", flat=True))

    assert kinds == {EligibilityRule.Kind.INFORMATIONAL}


def test_every_rule_names_the_source_line_it_comes_from(seeded):
    assert not EligibilityRule.objects.filter(source="").exists()


def test_the_defence_reserve_asks_for_no_experience(seeded):
    assert not EligibilityRule.objects.filter(
        programme__slug="defence-reserve", kind=EligibilityRule.Kind.MIN_EXPERIENCE
    ).exists()
    assert Vacancy.objects.get(programme__slug="defence-reserve").required_experience_years == 0


def test_the_defence_training_steps_have_durations(seeded):
    steps = SelectionStep.objects.filter(programme__slug="defence-reserve").order_by("order")

    assert [step.duration_nl for step in steps] == ["2 weken", "1 tot 3 weken", "1 week"]


def test_one_vacancy_is_a_draft_and_the_others_were_published_by_their_opening(seeded):
    assert Vacancy.objects.filter(status=PublicationStatus.DRAFT).count() == 1
    for vacancy in Vacancy.objects.public().with_dates():
        assert vacancy.published_at is not None
        assert vacancy.window_opens is None or vacancy.published_at <= vacancy.window_opens


def test_the_archive_is_not_empty(seeded):
    assert Vacancy.objects.closed().exists()
    assert not Vacancy.objects.open().filter(call__slug="jpo-oproep-vorig-jaar").exists()
