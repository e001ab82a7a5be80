"""Staff-written text per language: each page reads its own language, else the original, and says so."""

import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError

from programmes.models import Programme
from tests.factories import ProgrammeFactory, VacancyFactory
from vacancies.models import Vacancy
from vacancies.selectors import vacancy_list

pytestmark = pytest.mark.django_db


def test_a_vacancy_is_read_in_the_pages_language_when_it_has_one(client):
    vacancy = VacancyFactory(
        title_nl="Jurist", title_fr="Juriste", title_en="Lawyer", description_nl="Dutch text"
    )

    assert "<h1>Juriste</h1>" in client.get(f"/fr/vacancies/{vacancy.slug}/").text
    assert "<h1>Jurist</h1>" in client.get(f"/nl/vacancies/{vacancy.slug}/").text
    assert "<h1>Lawyer</h1>" in client.get(f"/en/vacancies/{vacancy.slug}/").text


def test_untranslated_text_falls_back_to_the_original_and_says_so(client):
    vacancy = VacancyFactory(title_nl="Veiligheidsbegeleider", description_nl="Je begeleidt bewoners.")

    french = client.get(f"/fr/vacancies/{vacancy.slug}/").text
    dutch = client.get(f"/nl/vacancies/{vacancy.slug}/").text

    assert '<h1 lang="nl">Veiligheidsbegeleider</h1>' in french
    assert "Je begeleidt bewoners." in french
    assert 'class="translation-note"' in french
    assert 'class="translation-note"' not in dutch and 'lang="nl">Veiligheidsbegeleider' not in dutch


def test_a_programme_falls_back_the_same_way(client):
    programme = ProgrammeFactory(
        slug="nato-staff",
        name_nl="",
        summary_nl="",
        name_en="NATO International Staff",
        summary_en="Staff posts.",
    )

    french = client.get("/fr/programmes/nato-staff/").text

    assert '<h1 lang="en">NATO International Staff</h1>' in french
    assert 'class="translation-note"' in french
    assert programme.name == "NATO International Staff"


def test_search_finds_text_in_any_language():
    VacancyFactory(title_nl="Jurist", title_fr="Juriste spécialisé", title_en="Lawyer")
    VacancyFactory(title_nl="Analist")

    assert [v.title_nl for v in vacancy_list(filters={"q": "spécialisé"}).qs] == ["Jurist"]
    assert [v.title_nl for v in vacancy_list(filters={"q": "lawyer"}).qs] == ["Jurist"]


def test_sorting_by_title_uses_the_pages_language(client):
    VacancyFactory(title_nl="Zorgcoördinator", title_en="Care coordinator")
    VacancyFactory(title_nl="Analist", title_en="Statistician")

    def titles(language):
        page = client.get(f"/{language}/vacancies/", {"sort": "title"})
        return [v.title for v in page.context["page"].object_list]

    assert titles("en") == ["Care coordinator", "Statistician"]
    assert titles("nl") == ["Analist", "Zorgcoördinator"]


def test_the_api_answers_in_the_accept_language_language(client):
    vacancy = VacancyFactory(title_nl="Jurist", title_fr="Juriste")

    french = client.get("/api/v1/vacancies/", headers={"accept-language": "fr"}).json()
    english = client.get(f"/api/v1/vacancies/{vacancy.slug}/", headers={"accept-language": "en"}).json()

    assert french["results"][0]["title"] == "Juriste"
    assert english["title"] == "Jurist"  # no English version: the original
    assert json.dumps(english)  # serialisable as is


def test_a_text_needs_at_least_one_language():
    vacancy = VacancyFactory.build(title_nl="", summary_nl="")

    with pytest.raises(ValidationError) as error:
        vacancy.clean()

    assert set(error.value.message_dict) == {"title_nl", "summary_nl"}


# --- WCAG 3.1.2: every text in another language than the page's is marked with its language -------------

# Texts shorter than this must match a text node whole; longer ones may be split by Markdown into pieces.
WHOLE_ONLY = 16


class _LanguageOfText(HTMLParser):
    """Each text node of a page with the language in effect there: the nearest enclosing `lang`."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
    SKIPPED = {"script", "style", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.texts = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            inherited = self.open[-1][1] if self.open else ""
            self.open.append((tag, dict(attrs).get("lang") or inherited))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and self.open and self.open[-1][0] not in self.SKIPPED:
            self.texts.append((text, self.open[-1][1]))


def _normal(text):
    return " ".join(text.split())


def _texts_by_language():
    """{language: set of texts written in it}, from every translated column and every name with a language."""
    from programmes.models import ContractTerms, EligibilityRule, SelectionStep
    from programmes.translation import LANGUAGE_CODES
    from vacancies.models import Call, Organisation

    translated = [
        (Vacancy, ["title", "summary", "description", "essential_requirements", "desirable_requirements",
                   "apply_instructions"]),
        (Call, ["title"]),
        (Programme, ["name", "summary", "description", "how_to_apply", "privacy_note"]),
        (ContractTerms, ["renewal", "salary_basis", "pension", "secondment", "conversion", "notes"]),
        (SelectionStep, ["title", "description", "duration"]),
        (EligibilityRule, ["explanation"]),
    ]  # fmt: skip
    texts = {code: set() for code in LANGUAGE_CODES}
    for model, names in translated:
        for obj in model.objects.all():
            for name in names:
                for code in LANGUAGE_CODES:
                    if value := _normal(getattr(obj, f"{name}_{code}")):
                        texts[code].add(value)
    for organisation in Organisation.objects.exclude(name_language=""):
        texts[organisation.name_language] |= {organisation.name, organisation.acronym} - {""}
    for vacancy in Vacancy.objects.exclude(unit="").exclude(organisation__name_language=""):
        texts[vacancy.organisation.name_language].add(vacancy.unit)
    for programme in Programme.objects.all():
        texts[programme.source_language].add(programme.sponsor)
    return texts


def _unmarked(html, page_language, texts):
    """The text nodes written in another language than the page's that are not inside an element with it."""
    own = texts[page_language]
    found, checked = [], 0
    for node, language in _parse(html):
        if any(node == text or (len(node) >= WHOLE_ONLY and node in text) for text in own):
            continue  # the page's language has this text too (a name that is the same in every language)
        for code, foreign in texts.items():
            if code == page_language:
                continue
            if any(node == text or (len(node) >= WHOLE_ONLY and node in text) for text in foreign):
                checked += 1
                if language != code:
                    found.append(f"{node[:60]!r} is {code}, marked {language!r}")
                break
    return found, checked


def _parse(html):
    parser = _LanguageOfText()
    parser.feed(html)
    return parser.texts


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_text_from_another_language_carries_its_lang_on_every_main_page(client, language):
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    texts = _texts_by_language()
    pages = [
        "/",
        "/vacancies/",
        "/vacancies/?status=all&facets=all",
        "/programmes/",
        "/alerts/",
        "/privacy/",
        *(f"/programmes/{p.slug}/" for p in Programme.objects.all()),
        *(f"/vacancies/{v.slug}/" for v in Vacancy.objects.public()),
    ]

    problems, checked = [], 0
    for path in pages:
        response = client.get(f"/{language}{path}")
        assert response.status_code == 200, path
        found, count = _unmarked(response.text, language, texts)
        problems += [f"{path}: {problem}" for problem in found]
        checked += count

    assert not problems, "\n".join(problems)
    assert checked > 50  # the demo data has Dutch and English texts on every language's pages


def test_e_mails_mark_a_programme_name_shown_in_another_language(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    ProgrammeFactory(slug="jpo", name_nl="Werken bij asiel en migratie")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/fr/alerts/",
            {"email": "a@example.org", "programmes": ["jpo"], "language": "fr", "consent": "on"},
        )

    html = mailoutbox[0].alternatives[0][0]
    assert '<html lang="fr">' in html
    assert '<li lang="nl">Werken bij asiel en migratie</li>' in html


def test_the_alerts_form_marks_a_programme_name_shown_in_another_language(client):
    ProgrammeFactory(slug="asylum-migration", name_nl="Werken bij asiel en migratie")

    html = client.get("/fr/alerts/").text

    assert re.search(r'<label for="[^"]+" lang="nl">Werken bij asiel en migratie</label>', html)
    assert '<dt lang="nl">Werken bij asiel en migratie</dt>' in html  # in the notice, too


def test_an_alert_marks_titles_shown_in_another_language(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import CallFactory
    from vacancies import services

    programme = ProgrammeFactory(slug="jpo")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/fr/alerts/",
            {"email": "a@example.org", "programmes": ["jpo"], "language": "fr", "consent": "on"},
        )
    client.post(re.search(r"(/fr/alerts/confirm/[^/\s]+/)", mailoutbox[0].body).group(1))
    call = CallFactory(programme=programme, title_nl="JPO-oproep", status="draft", published_at=None)
    VacancyFactory(programme=programme, call=call, title_nl="Jurist", status="draft")

    with django_capture_on_commit_callbacks(execute=True):
        services.call_publish(call=call)

    html = mailoutbox[-1].alternatives[0][0]
    assert '<span lang="nl">JPO-oproep</span>' in html
    assert re.search(r'<a href="[^"]+" lang="nl">Jurist</a>', html)
