"""The checker of every programme, filled in Chromium as a candidate would, the verdict read off the page."""

import pytest

from tests.browser.chromium import answer_the_checker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (programme, vacancy or None, answers, verdict)
CASES = [
    ("jpo", None, {}, "eligible"),
    ("jpo", None, {"birth_date": "1980-01-01"}, "not-eligible"),  # a Belgian well over 32
    ("jpo", None, {"nationality": "CD"}, "unknown"),  # partner country: depends on the post
    ("jpo", None, {"nationality": "US"}, "not-eligible"),
    ("jpo", "jpo-unicef-dr-congo-partnerland", {"nationality": "CD", "education": "secondary"}, "unknown"),
    ("jpo", "jpo-unicef-dr-congo-partnerland", {}, "not-eligible"),  # a Belgian on a partner post
    ("nato-staff", None, {"education": "bachelor"}, "eligible"),
    ("nato-staff", "nato-staff-officer-operations-crse", {"experience": "1"}, "not-eligible"),  # 2 years
    # NATO's source welcomes member nationals and bars no one: the checker cannot say for a Swiss national.
    ("nato-staff", "nato-staff-officer-operations-crse", {"nationality": "CH"}, "unknown"),
    ("civil-crisis-expert", None, {}, "unknown"),
    ("defence-reserve", None, {}, "unknown"),
    ("asylum-migration", None, {}, "unknown"),
]


@pytest.mark.parametrize(("programme", "vacancy", "answers", "verdict"), CASES)
def test_the_checker_of_every_programme_gives_its_verdict(
    page, live_server, seeded, programme, vacancy, answers, verdict
):
    url = f"{live_server.url}/en/programmes/{programme}/eligibility/"
    page.goto(url + (f"?vacancy={vacancy}" if vacancy else ""))

    answer_the_checker(page, **answers)

    assert page.locator("[data-verdict]").get_attribute("data-verdict") == verdict
    if verdict != "eligible":
        assert "You meet" not in page.locator("#verdict").inner_text()
