"""The eligibility profile in Chromium: answered once, used on the list and a detail page, forgotten."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_candidate_sets_a_profile_filters_opens_a_vacancy_and_forgets_the_profile(
    page, live_server, seeded
):
    page.goto(f"{live_server.url}/en/vacancies/")
    page.get_by_role("link", name="Check my eligibility for all vacancies").click()
    page.locator("#id_nationality").select_option("BE")
    page.locator("#id_birth_date").fill("1996-05-17")
    page.locator("#id_education").select_option("master")
    page.locator("#id_experience_years").fill("3")
    assert page.locator("#id_language_en").count() == 0  # no open post asks NATO levels (its post closed)
    page.locator("#id_very_good_en").check()
    page.locator("#id_very_good_fr").check()
    page.get_by_role("button", name="Keep my answers and show the vacancies").click()

    page.wait_for_url("**/en/vacancies/")
    shown = page.locator(".card [data-verdict]")
    assert {shown.nth(i).get_attribute("data-verdict") for i in range(shown.count())} == {
        "eligible",
        "not-eligible",
        "unknown",
    }
    assert "birth" not in page.url and "1996" not in page.url

    page.locator("label[for=f-eligibility-may]").click()
    page.wait_for_url("**eligibility=may**")
    page.wait_for_function(
        "[...document.querySelectorAll('.card [data-verdict]')].every(e => e.dataset.verdict === 'eligible')"
    )
    assert page.locator(".card").count() == page.locator('.card [data-verdict="eligible"]').count() > 0

    page.locator(".card__title a").first.click()
    assert page.locator("section[data-verdict]").get_attribute("data-verdict") == "eligible"
    assert "You may apply" in page.locator("section[data-verdict]").inner_text()

    page.get_by_role("button", name="Forget my answers").click()
    page.wait_for_url("**/en/eligibility/")
    assert not [c for c in page.context.cookies() if c["name"] == "eligibility_profile"]
    page.goto(f"{live_server.url}/en/vacancies/")
    assert page.locator("[data-verdict]").count() == 0
