"""What candidates read comes from the sources, or says it is not stated; examples and staff notes are marked.

The demo data is checked against the rule: every open vacancy can be applied for as its source says, made-up
items say so, and the remarks editors write for each other stay in the admin.
"""

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from programmes.models import ContractTerms, Programme, SelectionStep
from tests.factories import CallFactory, ProgrammeFactory, VacancyFactory
from vacancies.models import Call, Vacancy

pytestmark = pytest.mark.django_db

NOTE = "Staff only: check the headcount with the service"
# A web or e-mail address (werkenbijasielenmigratie.be, www.nato.int/recruitment, jpo@diplobel.fed.be).
ADDRESS = re.compile(r"https?://\S+|\b[\w.-]+@[\w-]+(\.[\w-]+)+|\b[\w-]+(\.[\w-]+)*\.(be|int|org)\b")


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed with the process


def json_ld(html):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


# --- internal notes --------------------------------------------------------------------------------


def test_internal_notes_reach_no_page_api_feed_or_structured_data(client):
    call = CallFactory(internal_notes=NOTE)
    vacancy = VacancyFactory(call=call, internal_notes=NOTE)
    programme = vacancy.programme
    Programme.objects.filter(pk=programme.pk).update(internal_notes=NOTE)

    answers = [
        client.get(f"/en/vacancies/{vacancy.slug}/"),
        client.get("/en/vacancies/"),
        client.get("/en/vacancies/feed/"),
        client.get(f"/en/programmes/{programme.slug}/"),
        client.get("/en/programmes/"),
        client.get("/en/"),
        client.get("/api/v1/vacancies/"),
        client.get(f"/api/v1/vacancies/{vacancy.slug}/"),
        client.get("/en/alerts/"),
        client.get("/en/privacy/"),
    ]

    for answer in answers:
        assert answer.status_code == 200, answer.request["PATH_INFO"]
        assert NOTE not in answer.content.decode(), answer.request["PATH_INFO"]


@pytest.mark.django_db(transaction=True)  # alerts go out after the commit
def test_internal_notes_reach_no_alert(client, mailoutbox):
    from vacancies import services

    programme = ProgrammeFactory(slug="jpo")
    client.post(
        "/en/alerts/",
        {"email": "a@example.org", "programmes": ["jpo"], "language": "en", "consent": "on"},
    )
    client.post(re.search(r"(/en/alerts/confirm/[^/\s]+/)", mailoutbox[0].body).group(1))
    call = CallFactory(programme=programme, status="draft", published_at=None, internal_notes=NOTE)
    VacancyFactory(programme=programme, call=call, status="draft", internal_notes=NOTE)

    services.call_publish(call=call)

    alert = mail.outbox[-1]
    assert "New call" in alert.subject
    assert NOTE not in alert.body and NOTE not in alert.alternatives[0][0]


def test_staff_edit_internal_notes_and_the_example_flag_in_the_admin(admin_client):
    vacancy = VacancyFactory()

    vacancy_page = admin_client.get(f"/admin/vacancies/vacancy/{vacancy.pk}/change/").text
    call_page = admin_client.get(f"/admin/vacancies/call/{CallFactory().pk}/change/").text
    programme_page = admin_client.get(f"/admin/programmes/programme/{vacancy.programme.pk}/change/").text

    for page in (vacancy_page, call_page):
        assert 'name="internal_notes"' in page and 'name="is_example"' in page
    assert 'name="internal_notes"' in programme_page and 'name="controller"' in programme_page


# --- facts that are not stated -------------------------------------------------------------------


def test_an_unknown_headcount_and_contract_type_say_not_stated(client):
    vacancy = VacancyFactory(positions=None, contract_type="", city="")

    html = client.get(f"/en/vacancies/{vacancy.slug}/").text

    assert re.search(r"<dt>Positions</dt><dd>Not stated</dd>", html)
    assert re.search(r"<dt>Contract</dt><dd>Not stated</dd>", html)
    assert "Belgium (place not stated)" in html


def test_structured_data_and_the_api_leave_unknown_facts_out(client):
    vacancy = VacancyFactory(positions=None, contract_type="", city="")

    posting = json_ld(client.get(f"/en/vacancies/{vacancy.slug}/").text)
    api = client.get(f"/api/v1/vacancies/{vacancy.slug}/").json()

    assert "totalJobOpenings" not in posting and "employmentType" not in posting
    assert "addressLocality" not in posting["jobLocation"]["address"]
    assert api["positions"] is None and api["contract_type"] == ""


def test_a_duty_station_without_a_country_says_so_everywhere_a_candidate_reads_it(client):
    vacancy = VacancyFactory(city="", country="", title_en="Mission expert")
    VacancyFactory(country="BE")

    html = client.get(f"/en/vacancies/{vacancy.slug}/").text
    listing = client.get("/en/vacancies/").text
    card = listing.split("Mission expert")[1].split("</article>")[0]
    api = client.get(f"/api/v1/vacancies/{vacancy.slug}/").json()

    assert re.search(r"<dt>Duty station</dt><dd>Not stated</dd>", html)
    assert "Belgium" not in card and "Duty station not stated" in card
    assert "jobLocation" not in json_ld(html)
    assert api["country"] == ""
    assert re.findall(r'name="country" value="(\w*)"', listing) == ["BE"]  # no empty choice


def test_a_city_without_a_country_is_shown_without_one(client):
    vacancy = VacancyFactory(city="Bamako", country="")

    html = client.get(f"/en/vacancies/{vacancy.slug}/").text

    assert "<dd>Bamako (country not stated)</dd>" in html
    assert json_ld(html)["jobLocation"]["address"] == {"@type": "PostalAddress", "addressLocality": "Bamako"}


def test_the_day_a_post_was_published_is_its_day_in_brussels_not_in_utc(client):
    # Published at midnight in Brussels: 23:00 the day before in UTC.
    published = dt.datetime(2025, 11, 16, tzinfo=ZoneInfo("Europe/Brussels"))
    vacancy = VacancyFactory(published_at=published)

    posting = json_ld(client.get(f"/en/vacancies/{vacancy.slug}/").text)

    assert posting["datePosted"] == "2025-11-16"


def test_a_known_headcount_and_contract_type_are_shown(client):
    vacancy = VacancyFactory(positions=55, contract_type=Vacancy.ContractType.FIXED_TERM)

    html = client.get(f"/en/vacancies/{vacancy.slug}/").text

    assert re.search(r"<dt>Positions</dt><dd>55</dd>", html)
    assert json_ld(html)["totalJobOpenings"] == 55


# --- example data ----------------------------------------------------------------------------------


def test_a_made_up_vacancy_says_so_on_its_page_its_card_and_in_the_feed(client):
    example = VacancyFactory(title="Invented post", is_example=True)
    VacancyFactory(title="Real post")

    page = client.get(f"/en/vacancies/{example.slug}/").text
    cards = client.get("/en/vacancies/").text
    feed = client.get("/en/vacancies/feed/").text

    assert "Example data." in page and "no source document publishes it" in page
    assert cards.count("made-up demo data, not a real vacancy") == 1
    assert feed.count("Example data, not a real vacancy") == 1


def test_a_vacancy_from_a_source_carries_no_example_label(client):
    vacancy = VacancyFactory()

    assert "Example data" not in client.get(f"/en/vacancies/{vacancy.slug}/").text


# --- training is not selection ----------------------------------------------------------------------


def test_the_programme_page_shows_training_apart_from_selection_steps(client):
    programme = ProgrammeFactory(slug="defence-reserve")
    SelectionStep.objects.create(programme=programme, order=1, title_en="Interview", kind="selection")
    SelectionStep.objects.create(programme=programme, order=2, title_en="Basic training", kind="training")

    html = client.get("/en/programmes/defence-reserve/").text
    selection = html.split('id="steps-title"')[1].split("</section>")[0]
    training = html.split('id="training-title"')[1].split("</section>")[0]

    assert "Interview" in selection and "Basic training" not in selection
    assert "Basic training" in training


def test_defences_basic_military_training_is_training(seeded):
    steps = SelectionStep.objects.filter(programme__slug="defence-reserve")

    assert set(steps.values_list("kind", flat=True)) == {SelectionStep.Kind.TRAINING}


# --- the demo data against its sources ------------------------------------------------------------


def test_every_open_demo_vacancy_has_a_way_to_apply_that_publishing_accepts(seeded):
    from vacancies.services import vacancy_problems

    open_vacancies = list(Vacancy.objects.open())

    assert open_vacancies
    assert {v.slug: vacancy_problems(v) for v in open_vacancies if vacancy_problems(v)} == {}


def test_made_up_demo_calls_and_vacancies_are_marked_as_examples(seeded):
    # No source publishes a JPO call or a Selor round; the asylum source names its waves but dates none of
    # them, so the demo's dated waves are examples too. NATO's and Defence's posts are the sources' own.
    assert set(Call.objects.filter(is_example=True).values_list("programme__slug", flat=True)) == {
        "jpo",
        "civil-crisis-expert",
        "asylum-migration",
    }
    examples = ["jpo", "civil-crisis-expert", "asylum-migration"]
    assert not Vacancy.objects.filter(is_example=False, call__isnull=False, programme__slug__in=examples)
    assert not Vacancy.objects.filter(is_example=True, programme__slug__in=["nato-staff", "defence-reserve"])


def test_no_date_is_shown_that_its_source_does_not_state(seeded, client):
    nato = client.get("/en/vacancies/nato-staff-officer-operations-crse/").text
    defence = client.get("/en/vacancies/defensie-reserve-verbindingsofficier-provinciecommando/").text

    assert "Closed on 31 December 2025" in nato
    assert "Closing date not stated" in defence and "Rolling" not in defence
    assert "Opens on" not in defence


def test_the_second_asylum_wave_opens_on_the_day_its_source_gives(seeded, client):
    """asylum-migration-recruitment.nl.txt: "Vanaf 16 juli komt er een nieuwe golf" (no year, no end)."""
    today = timezone.localdate()
    july = dt.date(today.year, 7, 16)
    july = july if july >= today else july.replace(year=today.year + 1)

    page = client.get("/en/vacancies/asiel-migratie-maatschappelijk-assistenten/").text

    assert f"Opens on 16 July {july.year}" in page
    assert "Closing date not stated" in page


def test_natos_conversion_to_an_indefinite_contract_is_offered_only_to_staff_not_seconded(seeded, client):
    """nato-staff-officer.en.txt: conversion belongs to the contract "(if non-seconded)"; seconded staff get
    a renewable definite duration contract, at most six years."""
    vacancy = client.get("/en/vacancies/nato-staff-officer-operations-crse/").text
    programme = client.get("/en/programmes/nato-staff/").text

    assert "same terms" not in vacancy and "not seconded" in vacancy
    assert "the same three-year" not in programme
    assert "For staff not seconded" in programme


def test_the_jpo_page_claims_no_conditions_for_partner_posts_its_source_does_not_state(seeded, client):
    """jpo-programme.nl.txt, lines 55-67: conditions "if you have Belgian nationality"; none for the posts
    reserved for the partner countries, whose publication says only which posts they are."""
    page = client.get("/en/programmes/jpo/").text

    assert "do not apply there" not in page and "each post's publication states the conditions" not in page
    assert "For the posts reserved for candidates from the partner countries it states no conditions" in page


def test_country_lists_the_sources_do_not_give_say_where_they_come_from(seeded, client):
    """The JPO source gives only the number of partner countries (14); NATO's names no member state."""
    jpo = client.get("/en/programmes/jpo/").text
    nato = client.get("/en/programmes/nato-staff/").text

    assert "The source gives the number of partner countries (14), not their names" in jpo
    assert "The source does not list them: this site uses NATO" in nato


def test_only_the_headcounts_a_source_gives_are_stated(seeded):
    stated = dict(
        Vacancy.objects.filter(positions__isnull=False)
        .exclude(programme__slug="jpo")  # made-up JPO posts: one post each, labelled as examples
        .values_list("slug", "positions")
    )

    assert stated == {
        "asiel-migratie-veiligheidsbegeleiders": 55,
        "asiel-migratie-migration-protection-officers": 85,
        "asiel-migratie-terugkeerbegeleiders": 43,
        "nato-staff-officer-operations-crse": 1,
    }


def test_the_civil_crisis_missions_claim_no_country_their_source_does_not_name(seeded, client):
    """The source seconds experts to missions abroad "in vaak complexe gebieden": not to Belgium."""
    missions = Vacancy.objects.filter(programme__slug="civil-crisis-expert")

    assert missions.exists()
    assert set(missions.values_list("country", "city")) == {("", "")}
    page = client.get(f"/nl/vacancies/{missions.first().slug}/").text
    assert re.search(r"<dt>Standplaats</dt><dd>Niet vermeld</dd>", page)


def test_the_jpo_posts_state_the_degree_and_languages_their_source_asks(seeded, client):
    """jpo-programme.nl.txt: a master's for Belgians (line 65); very good English and French, essential for
    every post (line 77). A partner-country post's publication states its own conditions."""
    jpo = Vacancy.objects.filter(programme__slug="jpo")

    assert {frozenset(v.working_languages) for v in jpo} == {frozenset({"en", "fr"})}
    education = dict(jpo.values_list("reserved_for", "required_education").distinct())
    assert education == {"belgian": "master", "partner-country": ""}
    masters = client.get("/en/vacancies/", {"programme": "jpo", "education": "master"}).text
    french = client.get("/en/vacancies/", {"programme": "jpo", "language": "fr"}).text
    assert "UNDP" in masters and "UNDP" in french


def test_no_city_is_shown_that_its_source_does_not_name(seeded):
    """The JPO testimonies name countries (UNFPA in Benin, UN Women in Morocco, UNDP in Senegal), no city."""
    posts = Vacancy.objects.filter(slug__in=["jpo-unfpa-benin", "jpo-un-women-marokko", "jpo-undp-senegal"])

    assert set(posts.values_list("city", flat=True)) == {""}


def test_no_source_states_a_contract_type_for_the_asylum_waves_or_defence(seeded):
    unstated = Vacancy.objects.filter(programme__slug__in=["asylum-migration", "defence-reserve"])

    assert set(unstated.values_list("contract_type", flat=True)) == {""}


def test_editors_remarks_are_kept_out_of_what_candidates_read(seeded):
    remarks = re.compile(
        r"op deze site|on this site|staat de vacature op naam|Het aantal plaatsen volgt", re.I
    )
    public_texts = [
        getattr(obj, f"{name}_{code}")
        for model, names in [
            (Vacancy, ["title", "summary", "description", "apply_instructions"]),
            (Call, ["title", "description"]),
            (Programme, ["summary", "description", "how_to_apply"]),
        ]
        for obj in model.objects.all()
        for name in names
        for code in ("nl", "fr", "en")
    ]

    assert [text for text in public_texts if remarks.search(text)] == []
    assert Vacancy.objects.exclude(internal_notes="").exists()


# --- three languages for the programmes -----------------------------------------------------------


def test_every_programme_text_is_in_dutch_french_and_english(seeded):
    checks = [
        (Programme, ["name", "summary", "description", "how_to_apply"]),
        (ContractTerms, ["renewal", "salary_basis", "pension", "secondment", "conversion", "notes"]),
        (SelectionStep, ["title", "description", "duration"]),
    ]
    for model, names in checks:
        for obj in model.objects.all():
            for name in names:
                texts = [getattr(obj, f"{name}_{code}") for code in ("nl", "fr", "en")]
                assert all(texts) or not any(texts), (model.__name__, obj.pk, name)


@pytest.mark.parametrize(
    ("path", "note"),
    [
        (
            "/fr/programmes/jpo/",
            "Traduit à partir du texte en néerlandais ; le texte source est en néerlandais.",
        ),
        ("/en/programmes/jpo/", "Translated from Dutch; the source text is Dutch."),
        ("/nl/programmes/nato-staff/", "Vertaald uit het Engels"),
    ],
)
def test_a_translated_programme_page_says_it_is_a_translation(client, seeded, path, note):
    assert note in client.get(path).text


@pytest.mark.parametrize("path", ["/nl/programmes/jpo/", "/en/programmes/nato-staff/"])
def test_a_programme_page_in_the_sources_language_claims_no_translation(client, seeded, path):
    assert 'class="translation-note"' not in client.get(path).text


# --- the right controller ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/en/alerts/", "/en/privacy/"])
def test_the_notice_names_the_controller_the_jpo_source_gives_and_says_what_it_leaves_out(
    client, seeded, path
):
    html = client.get(path).text
    jpo = html.split("Junior Professional Officer (JPO)</dt>")[1].split("</dd>")[0]

    assert (
        '<span lang="nl">Directie-Generaal Ontwikkelingssamenwerking en Humanitaire Hulp (DGD)</span>' in jpo
    )
    assert 'href="mailto:JPO@diplobel.fed.be"' in jpo
    assert "the source gives no address (not stated)" in jpo


@pytest.mark.parametrize("path", ["/en/alerts/", "/en/privacy/"])
def test_for_a_programme_whose_source_names_no_controller_the_notice_names_the_sites_operator(
    client, seeded, settings, path
):
    settings.SITE_OPERATOR_NAME, settings.SITE_OPERATOR_EMAIL = "Jobboard vzw", "privacy@jobboard.test"

    html = client.get(path).text
    nato = html.split("NATO International Staff</dt>")[1].split("</dd>")[0]

    assert "The source names no controller; these alerts are run by Jobboard vzw." in nato
    assert "This alert service is run by Jobboard vzw" in html
    assert 'href="mailto:privacy@jobboard.test"' in html


def test_requests_for_a_copy_or_erasure_go_to_who_holds_the_data(client, settings):
    settings.SITE_OPERATOR_EMAIL = "privacy@jobboard.test"

    rights = client.get("/en/privacy/").text.split('id="rights"')[1].split("</section>")[0]

    assert "write to privacy@jobboard.test" in rights and "diplobel" not in rights


@pytest.mark.parametrize(
    ("language", "address", "site"),
    [
        ("nl", "Drukpersstraat 35, 1000 Brussel", "www.gegevensbeschermingsautoriteit.be"),
        ("fr", "Rue de la Presse 35, 1000 Bruxelles", "www.autoriteprotectiondonnees.be"),
        ("en", "Rue de la Presse 35, 1000 Brussels", "www.dataprotectionauthority.be"),
    ],
)
@pytest.mark.parametrize("page", ["alerts", "privacy"])
def test_both_pages_name_the_supervisory_authority_in_each_language(
    client, seeded, language, address, site, page
):
    html = client.get(f"/{language}/{page}/").text

    assert address in html and "contact@apd-gba.be" in html
    assert f'href="https://{site}"' in html
