"""Following a search in a real browser, in each language: from the list's link to the alerts form, the
confirmation link, and the manage page (change how often, stop)."""

import re

import pytest

from applications import tokens
from applications.models import Alert, Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOLLOW_LINK = {
    "en": "Get e-mail alerts for this search",
    "nl": "Krijg e-mailmeldingen voor deze zoekopdracht",
    "fr": "Recevoir des alertes par e-mail pour cette recherche",
}
SEARCH_IN_WORDS = {"en": "Search: Benin", "nl": "Zoeken: Benin", "fr": "Recherche\u00a0: Benin"}


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_a_candidate_follows_a_search_from_the_list_and_manages_it(
    page, live_server, seeded, mailoutbox, language
):
    address = f"follower-{language}@example.org"
    page.goto(f"{live_server.url}/{language}/vacancies/?q=Benin")

    page.get_by_role("link", name=FOLLOW_LINK[language]).click()
    page.wait_for_url(f"**/{language}/alerts/?q=Benin")
    assert SEARCH_IN_WORDS[language] in page.locator(".followed-search").inner_text()
    page.locator('input[name="email"]').fill(address)
    page.locator('select[name="frequency"]').select_option("daily")
    page.locator('input[name="consent"]').check()
    page.locator("form.checker button[type=submit]").click()
    page.wait_for_load_state()

    [message] = mailoutbox
    confirm = re.search(r"https?://[^/\s]+(/[a-z]{2}/alerts/confirm/[^/\s]+/)", message.body).group(1)
    page.goto(f"{live_server.url}{confirm}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    alert = Alert.objects.get(subscriber__email=address)
    assert alert.status == "confirmed" and alert.selection == "q=Benin" and alert.frequency == "daily"

    manage = f"/{language}/alerts/manage/{tokens.make_token(alert.subscriber, tokens.MANAGE)}/"
    page.goto(f"{live_server.url}{manage}")
    page.locator(".managed-alert select").select_option("weekly")
    page.locator(".managed-alert form").nth(0).locator("button").click()
    page.wait_for_load_state()
    assert page.locator("[role=status]").is_visible()
    alert.refresh_from_db()
    assert alert.frequency == "weekly"

    page.locator(".managed-alert form").nth(1).locator("button").click()
    page.wait_for_load_state()
    assert not Alert.objects.filter(pk=alert.pk).exists()
    assert not Subscriber.objects.filter(email=address).exists()  # it followed nothing else: erased
