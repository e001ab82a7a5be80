"""What only a browser shows: keyboard navigation, filtering with and without JavaScript, small screens."""

import pytest

from tests.factories import ProgrammeFactory, VacancyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue():
    jpo = ProgrammeFactory(slug="jpo", name="Junior Professional Officer")
    nato = ProgrammeFactory(slug="nato-staff", name="NATO International Staff")
    VacancyFactory(title="JPO Population Data Analyst", programme=jpo, city="Cotonou", country="BJ")
    VacancyFactory(title="Staff Officer Crisis Response", programme=nato, city="Brussels", country="BE")


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, live_server, catalogue):
    page.goto(f"{live_server.url}/en/vacancies/")

    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.bounding_box()["y"] >= 0  # visible once focused
    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main"


def test_ticking_a_programme_filters_at_once_with_javascript(page, live_server, catalogue):
    page.goto(f"{live_server.url}/en/vacancies/")

    page.get_by_label("Junior Professional Officer").check()
    page.wait_for_url("**programme=jpo**")

    results = page.locator(".results .card__title")
    assert results.all_inner_texts() == ["JPO Population Data Analyst"]
    assert page.get_by_label("Junior Professional Officer").is_checked()


def test_filters_work_without_javascript(page_without_js, live_server, catalogue):
    page = page_without_js
    page.goto(f"{live_server.url}/en/vacancies/")

    page.get_by_label("Belgium").check()
    page.get_by_role("button", name="Apply filters").click()

    assert "country=BE" in page.url
    assert page.locator(".results .card__title").all_inner_texts() == ["Staff Officer Crisis Response"]


def test_the_list_fits_a_phone_screen(phone, live_server, catalogue):
    phone.goto(f"{live_server.url}/en/vacancies/")

    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.get_by_role("heading", name="Vacancies", exact=True).is_visible()


def test_the_filters_stay_in_their_column_beside_the_results(page, live_server, catalogue):
    page.goto(f"{live_server.url}/en/vacancies/")

    filters = page.locator("form.filters")
    overflow = filters.evaluate("el => el.scrollWidth - el.clientWidth")
    filters_right = filters.bounding_box()["x"] + filters.bounding_box()["width"]

    assert overflow <= 0
    assert filters_right <= page.locator(".results").bounding_box()["x"]


def test_on_a_phone_the_results_come_first_and_the_filters_open_with_a_tap(phone, live_server, catalogue):
    phone.goto(f"{live_server.url}/en/vacancies/")

    assert not phone.get_by_label("Junior Professional Officer").is_visible()
    assert phone.locator(".results .card__title").first.is_visible()
    phone.get_by_text("Search and filters").click()
    assert phone.get_by_label("Junior Professional Officer").is_visible()


SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shifts.push(entry.value);
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.mark.parametrize("attempt", range(3))
def test_on_a_phone_the_list_does_not_shift_when_the_filters_fold(phone, live_server, catalogue, attempt):
    phone.add_init_script(SHIFTS)
    phone.goto(f"{live_server.url}/en/vacancies/", wait_until="load")
    phone.wait_for_timeout(300)

    shifts = phone.evaluate("window.__shifts")
    assert sum(shifts) < 0.01, shifts
    assert phone.locator("details.filters-panel").evaluate("el => el.open") is False


def test_without_javascript_the_filters_stay_open_on_a_phone(browser, live_server, catalogue):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/en/vacancies/")

    assert page.get_by_label("Junior Professional Officer").is_visible()
    context.close()


def test_the_facets_staff_state_narrow_the_demo_catalogue_and_say_how_many(page, live_server, seeded):
    page.goto(f"{live_server.url}/en/vacancies/?status=all")  # the NATO post closed on its source's deadline

    page.locator("#f-organisation_type-nato").check()
    page.wait_for_url("**organisation_type=nato**")
    assert page.locator(".results .card__title").count() == 1
    page.locator("#f-language-fr").check()
    page.wait_for_url("**language=fr**")

    titles = page.locator(".results .card__title").all_inner_texts()
    assert len(titles) == 1 and "Staff Officer" in titles[0]
    # The facet counts what each value would list with the other choices kept; "Not stated" is counted too.
    assert page.locator("label[for=f-language-fr] .count").inner_text() == "(1)"
    assert page.locator("label[for=f-contract-fixed-term] .count").inner_text() == "(1)"
    page.locator("#f-organisation_type-nato").uncheck()
    page.wait_for_url(lambda url: "organisation_type" not in url)
    assert page.locator("label[for=f-language-unstated]").is_visible()
