"""axe-core finds no accessibility violation on any public page, in any language, on a desktop or a phone.

One test per language and viewport; each visits every page in one browser context and reports every
violation of every page at once, so one run shows all there is to fix.
"""

import pytest

from tests.browser.chromium import VIEWPORTS, answer_the_checker
from vacancies.models import Vacancy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every public page a candidate can reach without a personal link, by what it shows.
PAGES = {
    "home": "/{lang}/",
    "vacancy list": "/{lang}/vacancies/",
    "vacancy list, filtered": "/{lang}/vacancies/?programme=jpo&country=BJ&country=SN&status=all&sort=title",
    "vacancy list, no match": "/{lang}/vacancies/?q=astronaut&programme=jpo&country=BE",
    "open vacancy": "/{lang}/vacancies/{open}/",
    "closed vacancy": "/{lang}/vacancies/{closed}/",
    "programme list": "/{lang}/programmes/",
    "programme": "/{lang}/programmes/jpo/",
    "eligibility checker": "/{lang}/programmes/jpo/eligibility/?vacancy={open}",
    "alerts": "/{lang}/alerts/",
    "withdrawal request": "/{lang}/alerts/withdraw/",
    "privacy": "/{lang}/privacy/",
    "page not found": "/{lang}/no-such-page/",
}


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def viewport(request, browser):
    """One browser context per viewport, shared by the languages."""
    context = browser.new_context(**VIEWPORTS[request.param])
    yield context.new_page()
    context.close()


def violations(axe, page, name):
    found = []
    for violation in axe.run(page).response["violations"]:
        targets = "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
        found.append(
            f"{name} ({page.url}): {violation['id']} [{violation['impact']}] {violation['help']} — {targets}"
        )
    return found


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_no_page_has_an_accessibility_violation(viewport, language, live_server, seeded):
    from axe_playwright_python.sync_playwright import Axe

    axe, page, found = Axe(), viewport, []
    slugs = {
        "open": Vacancy.objects.open().by_closing().first().slug,
        "closed": Vacancy.objects.closed().first().slug,
    }
    for name, path in PAGES.items():
        page.goto(live_server.url + path.format(lang=language, **slugs))
        assert page.locator("html").get_attribute("lang") == language, name
        found += violations(axe, page, name)
        if name == "eligibility checker":
            answer_the_checker(page)
            found += violations(axe, page, "eligibility checker, answered")

    assert not found, "\n".join(found)
