"""A candidate's journeys through the seeded demo catalogue in a real browser: search, filter, switch
language, check eligibility, subscribe to alerts, print a vacancy."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def card_titles(page):
    # After a click the URL can change before the list has loaded: wait for it; a fast machine read too soon.
    page.wait_for_load_state()
    page.locator(".results").wait_for()
    return page.locator(".results .card__title").all_inner_texts()


def test_a_candidate_searches_from_the_home_page_and_opens_a_vacancy(page, live_server, seeded):
    page.goto(f"{live_server.url}/en/")

    page.get_by_label("Search vacancies").fill("Benin")
    page.get_by_role("button", name="Search").click()

    assert "q=Benin" in page.url
    assert card_titles(page) == ["Junior Professional Officer – UNFPA Benin"]
    page.get_by_role("link", name="Junior Professional Officer – UNFPA Benin").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Junior Professional Officer – UNFPA Benin"
    assert page.get_by_role("link", name="Check whether you can apply").is_visible()


def test_filters_update_the_results_in_place_announce_the_count_and_keep_history(page, live_server, seeded):
    page.goto(f"{live_server.url}/en/vacancies/")
    everything = card_titles(page)
    page.evaluate("window.sameDocument = true")  # gone if the page were loaded again

    page.get_by_label("Junior Professional Officer (JPO)").check()
    page.wait_for_url("**programme=jpo**")

    jpo = card_titles(page)
    assert jpo and set(jpo) < set(everything)
    assert all(title.startswith("Junior Professional Officer") for title in jpo)
    assert page.evaluate("window.sameDocument") is True
    focused = page.evaluate("document.activeElement.labels[0].textContent")
    assert focused.startswith("Junior Professional Officer (JPO)")  # keyboard users stay where they were
    announcer = page.locator("[data-announce]")
    announcer.filter(has_text=re.compile(r"\d")).wait_for(state="attached")
    assert announcer.inner_text() == f"{len(jpo)} vacancies"
    # The feed follows the same selection, in its normal form (vacancies.selection).
    assert page.locator("a.feed-link").get_attribute("href") == "/en/vacancies/feed/?programme=jpo"

    page.go_back()
    page.wait_for_function("!location.search.includes('programme')")
    page.locator(".results .card__title").nth(len(jpo)).wait_for()
    assert card_titles(page) == everything
    assert not page.get_by_label("Junior Professional Officer (JPO)").is_checked()
    assert page.evaluate("window.sameDocument") is True


def test_when_nothing_matches_a_candidate_removes_one_filter(page, live_server, seeded):
    page.goto(f"{live_server.url}/en/vacancies/?programme=jpo&country=BE")

    assert page.get_by_text("No open vacancies match; clear a filter").is_visible()
    page.get_by_role("link", name="Remove “Country: Belgium”").click()
    page.wait_for_url(re.compile(r"/en/vacancies/\?programme=jpo$"))

    assert card_titles(page)
    assert page.get_by_label("Junior Professional Officer (JPO)").is_checked()
    assert page.evaluate("document.activeElement.id") == "results-title"


def test_switching_language_keeps_the_page_and_the_filters(page, live_server, seeded):
    page.goto(f"{live_server.url}/en/vacancies/")
    page.get_by_label("Junior Professional Officer (JPO)").check()
    page.wait_for_url("**programme=jpo**")  # the switcher now carries the filter chosen in place

    page.get_by_role("link", name="FR – français").click()

    page.wait_for_url(re.compile(r"/fr/vacancies/\?.*programme=jpo"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Offres d’emploi"
    assert page.get_by_label("Junior Professional Officer (JPO)").is_checked()
    assert all(title.startswith("Junior Professional Officer") for title in card_titles(page))


def test_the_eligibility_checker_answers_a_candidate(page, live_server, seeded):
    page.goto(f"{live_server.url}/en/vacancies/jpo-unfpa-benin/")
    page.get_by_role("link", name="Check whether you can apply").click()

    page.get_by_label("Date of birth").fill("1994-05-17")
    page.get_by_label("Nationality").select_option("BE")
    page.get_by_label("Highest degree").select_option("master")
    page.get_by_label("Years of relevant professional experience").fill("3")
    page.get_by_label("I have a very good knowledge of English").check()
    page.get_by_label("I have a very good knowledge of French").check()
    page.get_by_role("button", name="Check").click()

    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "eligible"
    assert (
        verdict.get_by_role("heading").inner_text() == "You meet every condition that can be checked online."
    )
    assert verdict.locator(".rule--not-met").count() == 0
    assert verdict.get_by_text("Met:").count() >= 3


def test_subscribing_to_alerts_asks_to_check_the_inbox(page, live_server, seeded, mailoutbox):
    page.goto(f"{live_server.url}/nl/alerts/")

    page.locator("#id_email").fill("kandidaat@example.org")
    page.locator("#id_consent").check()
    page.locator("form.checker button[type=submit]").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Kijk in je mailbox"
    assert [message.to for message in mailoutbox] == [["kandidaat@example.org"]]


def test_a_printed_vacancy_shows_the_content_and_the_addresses_but_no_navigation(page, live_server, seeded):
    address = f"{live_server.url}/en/vacancies/jpo-undp-senegal/"
    page.goto(address)
    page.emulate_media(media="print")

    for hidden in (".site-header nav", ".site-footer", ".breadcrumb", ".calendar-link", ".similar"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.get_by_text(f"Online at {address}").is_visible()
    apply = page.locator(".apply-actions a.button")
    printed = apply.evaluate("a => getComputedStyle(a, '::after').content")
    assert printed == f'" ({apply.get_attribute("href")})"'


def test_on_a_phone_the_deadline_and_the_apply_button_show_without_scrolling(phone, live_server, seeded):
    phone.goto(f"{live_server.url}/en/vacancies/jpo-undp-senegal/")  # open, in a call that closes in 21 days
    height = phone.viewport_size["height"]

    apply = phone.get_by_role("link", name="Apply on the organisation's website")
    deadline = phone.locator(".status--open")

    assert apply.is_visible() and deadline.is_visible()
    assert apply.bounding_box()["y"] + apply.bounding_box()["height"] <= height
    assert deadline.bounding_box()["y"] + deadline.bounding_box()["height"] <= height
    assert re.fullmatch(r"Closes in 21 days \(\d{1,2} \w+ \d{4}\)", deadline.inner_text())
