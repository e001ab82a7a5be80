"""Alerts for any search: follow what you filtered, confirm it, hear of new matches at your frequency, manage,
renew, lapse. Tasks run in-process here; tests/test_search_alerts_worker.py runs them on the real parts."""

import datetime as dt
import re

import pytest
from django.http import QueryDict
from django.utils import timezone, translation

from applications import searches, tokens
from applications.models import Alert, AlertMatch, AlertReport, ConsentEvent, OutboxMessage, Subscriber
from applications.sending import deliver, messages
from applications.sending.messages import compose
from applications.sending.queue import digest_times, reports_create
from applications.sending.transport import wire_form
from applications.services import alerts_lapse, alerts_remind
from applications.sweeper import sweep
from tests.factories import (
    AlertFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SubscriberFactory,
    VacancyFactory,
)
from vacancies import services as catalogue
from vacancies.models import PublicationStatus, Vacancy

pytestmark = pytest.mark.django_db(transaction=True)
ADDRESS = "follower@example.org"
BRUSSELS = timezone.get_default_timezone()


@pytest.fixture
def jpo(db):
    return ProgrammeFactory(slug="jpo", name="Junior Professional Officer")


def link_in(message, name):
    return re.search(rf"https?://[^/\s]+(/[a-z]{{2}}/alerts/{name}/[^/\s]+/)", message.body).group(1)


def follow(client, query, email=ADDRESS, language="en", frequency="hourly", programmes=()):
    """Open the alerts form from a list's query and send it, as a candidate would."""
    page = client.get(f"/{language}/alerts/?{query}")
    search = re.search(r'name="search" value="([^"]*)"', page.text).group(1).replace("&amp;", "&")
    data = {"email": email, "language": language, "consent": "on", "search": search, "frequency": frequency}
    if programmes:
        data["programmes"] = list(programmes)
    return client.post(f"/{language}/alerts/", data)


def followed(client, mailoutbox, query, **kwargs):
    """Follow and confirm a search; returns the alert."""
    follow(client, query, **kwargs)
    message = mailoutbox[-1]
    name = "confirm-alert" if "/alerts/confirm-alert/" in message.body else "confirm"
    client.post(link_in(message, name))
    mailoutbox.clear()
    return Alert.objects.get(selection=searches.normalise(QueryDict(query)))


def draft(**kwargs):
    return VacancyFactory(status=PublicationStatus.DRAFT, published_at=None, **kwargs)


def reports_to(mailoutbox, address=ADDRESS):
    return [m for m in mailoutbox if m.to == [address] and "new vacanc" in m.subject]


# --- the search, normalised ------------------------------------------------------------------------


def test_the_same_search_in_another_order_is_the_same_selection(jpo):
    OrganisationFactory(slug="unicef")
    one = searches.normalise(QueryDict("q=klimaat&country=SN&country=BE&programme=jpo&sort=newest&page=2"))
    other = searches.normalise(QueryDict("country=BE&programme=jpo&country=SN&q=klimaat&status=all"))

    assert one == other == "q=klimaat&programme=jpo&country=BE&country=SN"


def test_search_terms_are_kept_as_typed(jpo):
    assert searches.normalise(QueryDict("q=%20Klimaat+ADAPTATIE%20")) == "q=Klimaat+ADAPTATIE"


@pytest.mark.parametrize("query", ["", "sort=newest", "country=XX", "programme=mars", "q=" + "x" * 201])
def test_a_query_that_selects_nothing_valid_cannot_be_followed(jpo, query):
    assert searches.normalise(QueryDict(query)) is None


# --- following from the list ---------------------------------------------------------------------------


def test_the_list_links_to_alerts_for_its_own_search(client, jpo):
    VacancyFactory(programme=jpo, country="SN")

    page = client.get("/en/vacancies/?q=klimaat&country=SN")

    link = re.search(r'<a class="alert-link" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    assert link.startswith("/en/alerts/?")
    assert QueryDict(link.split("?", 1)[1]).dict() | {} == {"q": "klimaat", "country": "SN"}
    assert "Get e-mail alerts for this search" in page.text


def test_the_alerts_form_describes_the_search_it_carries(client, jpo):
    page = client.get("/en/alerts/?country=SN&programme=jpo&q=klimaat&sort=newest")

    assert page.status_code == 200
    assert "Search: klimaat" in page.text
    assert "Programme: Junior Professional Officer" in page.text
    assert "Country: Senegal" in page.text
    assert 'name="search" value="q=klimaat&amp;programme=jpo&amp;country=SN"' in page.text
    assert 'value="jpo" checked' not in page.text.replace("\n", " ")  # no programme's calls ticked besides


def test_the_consent_asked_for_a_search_names_the_search_not_only_new_calls(client, jpo):
    search = client.get("/fr/alerts/?q=otan").text
    calls = client.get("/fr/alerts/").text

    assert "<h1>Alertes par e-mail pour cette recherche</h1>" in search
    assert "nouvelles offres correspondant à cette recherche" in search
    assert "nouvelles offres correspondant à cette recherche" not in calls
    assert "appels à candidatures, comme décrit ci-dessus" in calls


def test_following_a_search_confirms_the_address_and_the_search_with_one_link(client, jpo, mailoutbox):
    response = follow(client, "q=klimaat&country=SN")

    assert response.status_code == 200
    assert "Check your inbox" in response.text
    [message] = mailoutbox
    assert "Search: klimaat" in message.body and "Country: Senegal" in message.body
    client.post(link_in(message, "confirm"))
    alert = Alert.objects.get()
    assert alert.status == Alert.Status.CONFIRMED
    assert alert.subscriber.status == Subscriber.Status.CONFIRMED
    assert alert.frequency == Alert.Frequency.HOURLY
    assert alert.expires_at.date() == (timezone.now() + dt.timedelta(days=365)).date()


def test_a_search_with_no_results_can_be_followed(client, jpo, mailoutbox):
    assert follow(client, "q=nothing-matches-this").status_code == 200
    assert Alert.objects.filter(selection="q=nothing-matches-this").exists()


def test_a_tampered_search_is_refused_with_a_reason_and_stores_nothing(client, jpo, mailoutbox):
    data = {"email": ADDRESS, "language": "en", "consent": "on", "search": "country=XX"}

    response = client.post("/en/alerts/", data)

    assert response.status_code == 400
    assert "This search cannot be followed" in response.text
    assert not Subscriber.objects.exists() and mailoutbox == []


def test_a_confirmed_address_confirms_each_new_search_by_its_own_link(client, jpo, mailoutbox):
    followed(client, mailoutbox, "q=klimaat")
    first_answer = follow(client, "country=SN", email="someone-new@example.org").text
    mailoutbox.clear()

    answer = follow(client, "country=SN")

    def visible(text):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert visible(answer.text) == visible(first_answer)  # the page does not tell who is subscribed
    [message] = mailoutbox
    assert message.subject == "Confirm your new vacancy alert"
    assert "Country: Senegal" in message.body
    path = link_in(message, "confirm-alert")
    alert = Alert.objects.get(selection="country=SN", subscriber__email=ADDRESS)
    assert client.get(path).status_code == 200
    alert.refresh_from_db()
    assert alert.status == Alert.Status.PENDING  # a link scanner's GET changes nothing
    assert "Alert confirmed" in client.post(path).text
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CONFIRMED


def test_following_a_followed_search_again_changes_nothing_and_the_email_says_so(client, jpo, mailoutbox):
    followed(client, mailoutbox, "q=klimaat&country=SN")

    follow(client, "country=SN&q=klimaat&sort=newest")

    [message] = mailoutbox
    assert "follows it already, so nothing has changed" in message.body
    assert "/alerts/manage/" in message.body
    assert Alert.objects.count() == 1


def test_an_address_holds_at_most_ten_alerts(client, jpo, mailoutbox):
    subscriber = SubscriberFactory(email=ADDRESS, language="en")  # follows the JPO calls: one alert
    for n in range(9):
        AlertFactory(subscriber=subscriber, selection=f"q=word{n}")

    follow(client, "q=eleventh")

    [message] = mailoutbox
    assert "has 10 alerts already" in message.body
    assert not Alert.objects.filter(selection="q=eleventh").exists()


# --- matching and reporting ----------------------------------------------------------------------------


def test_a_matching_vacancy_is_reported_once_and_a_non_matching_one_never(client, jpo, mailoutbox):
    followed(client, mailoutbox, "programme=jpo&country=SN")
    other = ProgrammeFactory(slug="nato-staff")
    matching = draft(programme=jpo, country="SN", title_en="Climate Officer")
    not_matching = draft(programme=other, country="SN", title_en="Staff Officer")

    catalogue.vacancy_publish(vacancy=matching)
    catalogue.vacancy_publish(vacancy=not_matching)
    sweep()
    sweep()

    [report] = reports_to(mailoutbox)
    assert report.subject == "1 new vacancy for your search"
    assert "Climate Officer" in report.body and "Staff Officer" not in report.body
    assert "/alerts/manage/" in report.body
    assert AlertMatch.objects.get().vacancy == matching


def test_search_terms_find_vacancies_as_the_list_search_does(client, jpo, mailoutbox):
    followed(client, mailoutbox, "q=klimaat")
    catalogue.vacancy_publish(vacancy=draft(programme=jpo, title_nl="Adviseur Klimaat en milieu"))
    catalogue.vacancy_publish(vacancy=draft(programme=jpo, title_nl="Jurist"))
    sweep()

    [report] = reports_to(mailoutbox)
    assert "Adviseur Klimaat" in report.body and "Jurist" not in report.body


def test_a_followed_facet_staff_state_is_held_too(client, jpo, mailoutbox):
    followed(client, mailoutbox, "contract=fixed-term&organisation_type=un-agency")
    un = OrganisationFactory(kind="un-agency")
    catalogue.vacancy_publish(
        vacancy=draft(programme=jpo, organisation=un, contract_type="fixed-term", title_en="Fits")
    )
    catalogue.vacancy_publish(
        vacancy=draft(programme=jpo, organisation=un, contract_type="", title_en="No contract")
    )
    nato = OrganisationFactory(kind="nato")
    catalogue.vacancy_publish(
        vacancy=draft(programme=jpo, organisation=nato, contract_type="fixed-term", title_en="At NATO")
    )
    sweep()

    [report] = reports_to(mailoutbox)
    assert "Fits" in report.body
    assert "No contract" not in report.body and "At NATO" not in report.body


def test_the_report_is_written_in_the_subscribers_language(client, jpo, mailoutbox):
    followed(client, mailoutbox, "programme=jpo", language="nl")
    catalogue.vacancy_publish(vacancy=draft(programme=jpo))
    sweep()

    [report] = reports_to(mailoutbox) or [m for m in mailoutbox if m.to == [ADDRESS]]
    assert report.subject == "1 nieuwe vacature voor je zoekopdracht"
    assert "/nl/alerts/manage/" in report.body


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_a_report_put_together_from_its_parts_reads_as_one_built_whole(jpo, language):
    # Digests are assembled from parts rendered once (the search, each vacancy's line) into a MIME form made
    # once: a mail program must read exactly what the email package would have built, accents, a line that
    # starts with a dot and all, and the fast path must be the one taken.
    alert = AlertFactory(selection="q=santé&programme=jpo", subscriber__language=language)
    vacancies = [
        VacancyFactory(programme=jpo, title="Épidémiologiste – santé publique", city="Genève"),
        VacancyFactory(programme=jpo, title=".NET-ontwikkelaar", city="Brussel"),
    ]
    listed = list(Vacancy.objects.with_state().filter(pk__in=[v.pk for v in vacancies]).by_closing())

    message = compose(AlertReport(pk=7, alert=alert), listed)

    assert message.wire is not None
    assert messages._reading(message.wire) == messages._reading(wire_form(message))
    text = message.body
    assert "Épidémiologiste – santé publique" in text and ".NET-ontwikkelaar" in text
    assert f"/{language}/alerts/manage/" in text
    markers = r"__REPORT_|__WITHDRAW_URL__|__MANAGE_URL__|__ALERT_DATE__|placeholder\.invalid"
    assert not re.search(markers, message.wire.decode())  # nothing left unfilled
    assert message.subject.startswith("2 ")


def test_a_renamed_organisation_shows_in_the_next_report_of_the_same_worker(jpo):
    # A vacancy's line is rendered once and reused; an organisation has no date of change to tell it is stale.
    alert = AlertFactory(selection="programme=jpo", subscriber__language="en")
    vacancy = VacancyFactory(programme=jpo, organisation__acronym="OLDNAME")

    def report():
        listed = list(Vacancy.objects.with_state().filter(pk=vacancy.pk).select_related("organisation"))
        return compose(AlertReport(pk=8, alert=alert), listed).body

    assert "OLDNAME" in report()
    type(vacancy.organisation).objects.filter(pk=vacancy.organisation_id).update(acronym="NEWNAME")

    assert "NEWNAME" in report() and "OLDNAME" not in report()


def test_an_hourly_alert_sends_at_once_then_groups_the_rest_of_the_hour(jpo, mailoutbox):
    alert = AlertFactory(selection="programme=jpo", subscriber__email=ADDRESS, subscriber__language="en")
    catalogue.vacancy_publish(vacancy=draft(programme=jpo))
    sweep()
    assert len(reports_to(mailoutbox)) == 1

    catalogue.vacancy_publish(vacancy=draft(programme=jpo))
    catalogue.vacancy_publish(vacancy=draft(programme=jpo))
    sweep()
    assert len(reports_to(mailoutbox)) == 1  # within the hour: waits

    later = timezone.now() + dt.timedelta(hours=1, minutes=1)
    deliver(AlertReport, reports_create(now=later))
    second = reports_to(mailoutbox)[1]
    assert second.subject == "2 new vacancies for your search"
    assert AlertMatch.objects.filter(alert=alert, report__isnull=True).count() == 0


def test_a_report_names_its_vacancies_without_reading_their_long_texts(jpo, mailoutbox):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    AlertFactory(selection="programme=jpo", subscriber__email=ADDRESS, subscriber__language="en")
    organisation = OrganisationFactory(acronym="UNICEF")
    vacancy = draft(
        programme=jpo, organisation=organisation, title="Water engineer", description="Long. " * 500
    )
    catalogue.vacancy_publish(vacancy=vacancy)

    with CaptureQueriesContext(connection) as queries:
        sweep()

    [report] = reports_to(mailoutbox)
    with translation.override("en"):
        assert f"- Water engineer – UNICEF, {vacancy.city}" in report.body
        assert vacancy.get_absolute_url() in report.body
    selects = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    loads = [sql for sql in selects if '"vacancies_vacancy"."title_' in sql]
    assert loads, "the report's vacancies were not loaded by a query of their own"
    assert not any(
        '"description_nl"' in sql or '"search_vector"' in sql or '"rendered"' in sql for sql in loads
    )
    # ...nor one by one afterwards, for a column the e-mail shows (a deferred field read in a template).
    one_by_one = 'FROM "vacancies_vacancy" WHERE "vacancies_vacancy"."id" = '
    assert not [sql for sql in selects if one_by_one in sql and "LIMIT 21" in sql]


def local(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def test_digest_times_are_at_seven_in_brussels_daily_and_on_mondays():
    # Thursday 3 December 2026, 06:59 and 07:00 Brussels time.
    assert digest_times(local(2026, 12, 3, 6, 59)) == (local(2026, 12, 2, 7), local(2026, 11, 30, 7))
    assert digest_times(local(2026, 12, 3, 7)) == (local(2026, 12, 3, 7), local(2026, 11, 30, 7))
    # Across the change to summer time, still 07:00 on the clock.
    assert digest_times(local(2027, 3, 29, 8))[0] == local(2027, 3, 29, 7)


@pytest.mark.parametrize(
    ("frequency", "not_yet", "due"),
    [
        ("daily", local(2026, 12, 4, 6, 59), local(2026, 12, 4, 7)),
        ("weekly", local(2026, 12, 6, 23), local(2026, 12, 7, 7)),
    ],
)
def test_a_digest_groups_the_matches_until_its_time_and_never_repeats_one(
    jpo, mailoutbox, frequency, not_yet, due
):
    confirmed = local(2026, 12, 3, 9)
    alert = AlertFactory(
        selection="programme=jpo", frequency=frequency, confirmed_at=confirmed,
        subscriber__email=ADDRESS, subscriber__language="en",
    )  # fmt: skip
    for _ in range(3):
        catalogue.vacancy_publish(vacancy=draft(programme=jpo))
    sweep()  # matches them; the digest is not due yet

    assert reports_create(now=not_yet) == []
    deliver(AlertReport, reports_create(now=due))
    assert reports_create(now=due + dt.timedelta(minutes=5)) == []

    [digest] = reports_to(mailoutbox)
    assert digest.subject == "3 new vacancies for your search"
    assert AlertReport.objects.get(alert=alert).status == "sent"


def test_a_vacancy_that_opens_later_than_published_is_reported_when_it_opens(jpo, mailoutbox):
    AlertFactory(selection="programme=jpo", subscriber__email=ADDRESS, subscriber__language="en")
    later = draft(programme=jpo, opens_at=timezone.now() + dt.timedelta(days=2))
    catalogue.vacancy_publish(vacancy=later)
    sweep()
    assert reports_to(mailoutbox) == []

    type(later).objects.filter(pk=later.pk).update(opens_at=timezone.now() - dt.timedelta(minutes=1))
    sweep()

    [report] = reports_to(mailoutbox)
    assert later.title in report.body


def test_an_unconfirmed_search_hears_of_nothing(client, jpo, mailoutbox):
    follow(client, "programme=jpo")
    mailoutbox.clear()
    catalogue.vacancy_publish(vacancy=draft(programme=jpo))
    sweep()

    assert mailoutbox == []


# --- managing ------------------------------------------------------------------------------------------


def manage_path(subscriber):
    return f"/en/alerts/manage/{tokens.make_token(subscriber, tokens.MANAGE)}/"


def test_the_manage_page_shows_each_alert_and_changes_nothing_on_get(client, jpo):
    subscriber = SubscriberFactory(email=ADDRESS, language="en")
    AlertFactory(subscriber=subscriber, selection="q=klimaat&country=SN", frequency="daily")

    page = client.get(manage_path(subscriber))

    assert page.status_code == 200
    assert "Search: klimaat" in page.text and "Country: Senegal" in page.text
    assert "/en/vacancies/?q=klimaat&amp;country=SN" in page.text
    assert '<option value="daily" selected>' in page.text
    assert "Runs until" in page.text
    assert "Junior Professional Officer" in page.text
    assert Alert.objects.count() == 1 and Subscriber.objects.count() == 1


def test_the_manage_page_changes_the_frequency_and_stops_one_alert(client, jpo):
    subscriber = SubscriberFactory(email=ADDRESS, language="en")
    one = AlertFactory(subscriber=subscriber, selection="q=klimaat", frequency="daily")
    two = AlertFactory(subscriber=subscriber, selection="country=SN")

    changed = client.post(
        manage_path(subscriber), {"action": "frequency", "alert": one.pk, "frequency": "weekly"}
    )
    stopped = client.post(manage_path(subscriber), {"action": "stop", "alert": two.pk})

    assert "The frequency is changed." in changed.text
    assert "The alert is stopped." in stopped.text
    assert list(subscriber.alerts.values_list("selection", "frequency")) == [("q=klimaat", "weekly")]
    assert ConsentEvent.objects.filter(event="withdrawn", scope="search", selection="country=SN").exists()


def test_stopping_everything_erases_the_address(client, jpo):
    subscriber = SubscriberFactory(email=ADDRESS, language="en")
    AlertFactory(subscriber=subscriber, selection="q=klimaat")

    response = client.post(manage_path(subscriber), {"action": "erase"})

    assert "Alerts stopped" in response.text
    assert not Subscriber.objects.exists() and not Alert.objects.exists()


def test_stopping_the_last_alert_erases_the_address(client, jpo):
    subscriber = SubscriberFactory(email=ADDRESS, language="en", programmes=[])
    alert = AlertFactory(subscriber=subscriber, selection="q=klimaat")

    client.post(manage_path(subscriber), {"action": "stop", "alert": alert.pk})

    assert not Subscriber.objects.exists()


def test_another_subscribers_alert_cannot_be_changed(client, jpo):
    subscriber = SubscriberFactory(email=ADDRESS, language="en")
    someone_else = AlertFactory(selection="q=klimaat")

    response = client.post(manage_path(subscriber), {"action": "stop", "alert": someone_else.pk})

    assert response.status_code == 404
    assert Alert.objects.filter(pk=someone_else.pk).exists()


def test_the_manage_link_can_be_requested_with_the_same_answer_for_anyone(client, jpo, mailoutbox):
    SubscriberFactory(email=ADDRESS, language="en")

    known = client.post("/en/alerts/manage/", {"email": ADDRESS})
    unknown = client.post("/en/alerts/manage/", {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 200
    assert re.sub(r'csrfmiddlewaretoken" value="[^"]+"', "", known.text) == re.sub(
        r'csrfmiddlewaretoken" value="[^"]+"', "", unknown.text
    )
    [message] = mailoutbox
    assert message.to == [ADDRESS]
    assert client.get(link_in(message, "manage")).status_code == 200


# --- renewal and lapse ---------------------------------------------------------------------------------


def test_renewal_is_offered_once_a_month_before_and_renews_by_a_post(client, jpo, mailoutbox):
    confirmed = timezone.now() - dt.timedelta(days=340)
    alert = AlertFactory(
        selection="q=klimaat", confirmed_at=confirmed, subscriber__email=ADDRESS, subscriber__language="en"
    )

    assert alerts_remind() == 1
    assert alerts_remind() == 0
    [message] = mailoutbox
    path = link_in(message, "renew")
    assert client.get(path).status_code == 200
    alert.refresh_from_db()
    assert alert.renewed_at == confirmed  # GET changes nothing

    assert "Renewed" in client.post(path).text
    alert.refresh_from_db()
    assert alert.expires_at > timezone.now() + dt.timedelta(days=364)
    assert ConsentEvent.objects.filter(event="renewed", scope="search").exists()


def test_a_lapsed_alert_is_deleted_and_an_address_left_with_none_is_erased(jpo):
    old = timezone.now() - dt.timedelta(days=366)
    AlertFactory(selection="q=klimaat", confirmed_at=old, subscriber__email=ADDRESS)
    keeps = SubscriberFactory(email="keeps@example.org")  # follows JPO calls too
    AlertFactory(subscriber=keeps, selection="q=klimaat", confirmed_at=old)

    assert alerts_lapse() == 2

    assert list(Subscriber.objects.values_list("email", flat=True)) == ["keeps@example.org"]
    assert not Alert.objects.exists()
    lapsed = ConsentEvent.objects.filter(event="lapsed")
    assert lapsed.filter(scope="search").count() == 2
    assert lapsed.filter(scope="", subject=tokens.subject_hash(ADDRESS)).count() == 1


# --- consent scope -------------------------------------------------------------------------------------


def test_the_ledger_records_each_alerts_kind_selection_and_language(client, jpo, mailoutbox):
    followed(client, mailoutbox, "q=klimaat&country=SN", language="fr")
    followed(client, mailoutbox, "country=SN", language="fr")

    events = ConsentEvent.objects.filter(scope="search")
    by_selection = {e.selection for e in events}
    assert "country=SN" in by_selection  # facets alone say nothing of who follows them
    [hashed] = by_selection - {"country=SN"}
    assert hashed.startswith("hmac:") and "klimaat" not in hashed  # search terms might
    assert {e.language for e in events} == {"fr"}
    assert {e.event for e in events} == {"given", "confirmed"}


def test_the_outbox_sends_nothing_about_an_alert_that_was_stopped(client, jpo, mailoutbox):
    subscriber = SubscriberFactory(email=ADDRESS, language="en")
    alert = AlertFactory(subscriber=subscriber, selection="q=klimaat")
    OutboxMessage.objects.create(subscriber=subscriber, kind="renewal", alert=alert)
    alert.delete()

    assert not OutboxMessage.objects.filter(kind="renewal").exists()


def test_the_privacy_page_says_what_is_kept_per_search_and_for_how_long(client):
    page = client.get("/en/privacy/")

    assert "For each search you follow (up to 10 alerts per address)" in page.text
    assert "ends 12 months after you confirmed or last renewed it" in page.text


def test_search_terms_match_alike_whether_compiled_or_not(jpo):
    from applications.sending.queue import alerts_matching, terms_query_fill

    vacancy = VacancyFactory(programme=jpo, title_nl="Adviseur Klimaat en milieu")
    compiled, fresh = AlertFactory(selection="q=klimaat"), AlertFactory(selection="q=klimaat+milieu")
    AlertFactory(selection="q=jurist")
    terms_query_fill(Alert.objects.filter(pk=compiled.pk))

    assert sorted(alerts_matching(vacancy)) == sorted([compiled.pk, fresh.pk])


SAVED_TERMS = [
    "klimaat",
    "klimaat milieu",
    '"klimaat en milieu"',
    "klimaat -gent",
    "klimaat or jurist",
    "-jurist",
    "santé publique",
    "sante",
    "jurist",
    "de het",
]


def test_a_saved_search_matches_a_vacancy_exactly_when_the_list_search_finds_it(jpo):
    # Negations, phrases, OR, accents and stop words come out as the list's own search decides, whether the
    # saved search's query was compiled (PostgreSQL) or not.
    from urllib.parse import urlencode

    from applications.sending.queue import alerts_matching, terms_query_fill

    vacancies = [
        VacancyFactory(programme=jpo, title_nl="Adviseur klimaat en milieu", city="Gent"),
        VacancyFactory(programme=jpo, title_fr="Responsable santé publique", city="Bruxelles"),
        VacancyFactory(programme=jpo, title_nl="Jurist migratierecht", city="Brussel"),
    ]
    alerts = {terms: AlertFactory(selection=urlencode({"q": terms})) for terms in SAVED_TERMS}
    terms_query_fill(Alert.objects.exclude(selection__contains="sante"))  # one left as saved before compiling

    for vacancy in vacancies:
        found = {
            alert.pk
            for terms, alert in alerts.items()
            if Vacancy.objects.filter(pk=vacancy.pk).search(terms).exists()
        }
        assert found, "each vacancy is found by some search: the comparison means something"
        assert set(alerts_matching(vacancy)) == found, vacancy.title
