"""What an uncached page costs: Markdown rendered once when saved, only the shown columns loaded, per-card
links and dates without a lookup per card, and the page cache on its own cache alias (issue 14, item 5)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories import VacancyFactory
from vacancies import models as vacancy_models
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db
LIST = "/en/vacancies/"


def test_markdown_is_rendered_when_a_vacancy_is_saved_not_when_its_page_is_shown(client, monkeypatch):
    vacancy = VacancyFactory(description="Work **with** partners.\n\n<script>alert(1)</script>")
    assert vacancy.rendered["description_nl"][1].strip() == "<p>Work <strong>with</strong> partners.</p>"

    def fail(text):
        raise AssertionError("rendered again")

    monkeypatch.setattr(vacancy_models, "render_markdown", fail)
    page = client.get(vacancy.get_absolute_url())
    api = client.get(f"/api/v1/vacancies/{vacancy.slug}/")

    assert "<p>Work <strong>with</strong> partners.</p>" in page.text
    assert "<script>alert(1)" not in page.text
    assert api.json()["description_html"].strip() == "<p>Work <strong>with</strong> partners.</p>"


def test_a_text_changed_around_save_is_still_shown_as_written(client):
    vacancy = VacancyFactory(description="Old text.")
    Vacancy.objects.filter(pk=vacancy.pk).update(description_nl="New *text*.")

    assert "<p>New <em>text</em>.</p>" in client.get(vacancy.get_absolute_url()).text


def test_saving_only_other_columns_keeps_the_rendered_texts():
    vacancy = VacancyFactory(description="Some *text*.")
    vacancy.description_nl = "Changed."
    vacancy.save(update_fields=["description_nl"])
    vacancy.refresh_from_db()

    assert vacancy.rendered["description_nl"][1].strip() == "<p>Changed.</p>"


def test_the_list_and_the_similar_vacancies_leave_the_long_texts_in_the_database(client):
    shown = VacancyFactory(description="A long description.")
    VacancyFactory(programme=shown.programme)

    with CaptureQueriesContext(connection) as queries:
        client.get(LIST)
        client.get(shown.get_absolute_url())
    page_queries = [q["sql"] for q in queries if "vacancies_vacancy" in q["sql"]]

    # The detail page's own row is the one query that reads its texts.
    assert sum('"vacancies_vacancy"."description_nl"' in sql for sql in page_queries) == 1
    assert not any('"search_vector"' in sql for sql in page_queries)


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_a_vacancy_s_address_is_the_one_django_reverses(language):
    vacancy = VacancyFactory(slug="data-analyst-2026")
    with translation.override(language):
        assert vacancy.get_absolute_url() == reverse("vacancies:detail", kwargs={"slug": "data-analyst-2026"})


def test_pages_are_kept_in_the_cache_alias_of_their_own(client):
    from django.core.cache import caches

    VacancyFactory(title="Data analyst")
    caches["pages"].clear()
    client.get(LIST, {"q": "analyst", "utm_source": "x"})

    store = caches["pages"]._cache  # local memory: a dict; Redis: a client of the test's own database
    kept = list(store) if isinstance(store, dict) else [k.decode() for k in store.get_client(None).keys("*")]
    # Keys read "<prefix>:<version>:<key>".
    assert any(key.startswith("pages:") and ":page:" in key for key in kept)
    assert not any(key.startswith(":") and ":page:" in key for key in kept)  # nothing in the default alias
