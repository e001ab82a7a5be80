"""Alerts as a subscriber meets them: consent, confirmation, withdrawal, and one alert per call."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

from applications import tokens
from applications.models import AlertDelivery, ConsentEvent, Subscriber
from applications.sending import messages as emails
from applications.services import subscribers_erase_unconfirmed
from tests.factories import CallFactory, ProgrammeFactory, SubscriberFactory, VacancyFactory
from vacancies import services as catalogue
from vacancies.models import PublicationStatus, end_of_day
from vacancies.tasks import announce_opened_calls

# Side effects are scheduled with transaction.on_commit, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)
SUBSCRIBE = "/en/alerts/"
ADDRESS = "Candidate@Example.org"


@pytest.fixture
def jpo(db):
    return ProgrammeFactory(slug="jpo", name="Junior Professional Officer")


def subscribe(client, email=ADDRESS, programmes=("jpo",), language="en", consent="on", **headers):
    data = {"email": email, "programmes": list(programmes), "language": language}
    if consent:
        data["consent"] = consent
    return client.post(SUBSCRIBE, data, **headers)


def link_in(message, name):
    return re.search(rf"https?://[^/\s]+(/[a-z]{{2}}/alerts/{name}/[^/\s]+/)", message.body).group(1)


def confirmed_subscriber(client, mailoutbox, email=ADDRESS):
    subscribe(client, email=email)
    path = link_in(mailoutbox[-1], "confirm")
    client.post(path)
    mailoutbox.clear()
    return Subscriber.objects.get(email=email.lower())


def draft_jpo_call(jpo, **kwargs):
    call = CallFactory(programme=jpo, status=PublicationStatus.DRAFT, published_at=None, **kwargs)
    VacancyFactory(programme=jpo, call=call, title="JPO Child Protection", status=PublicationStatus.DRAFT)
    return call


# --- consent and confirmation ---------------------------------------------------------------------


def test_subscribing_sends_one_confirmation_and_nothing_else(client, jpo, mailoutbox):
    response = subscribe(client)

    assert response.status_code == 200
    assert "Check your inbox" in response.text
    [message] = mailoutbox
    assert message.to == ["candidate@example.org"]
    assert "/en/alerts/confirm/" in message.body
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_nothing_is_sent_to_an_unconfirmed_subscriber(client, jpo, mailoutbox):
    subscribe(client)
    mailoutbox.clear()

    catalogue.call_publish(call=draft_jpo_call(jpo))

    assert mailoutbox == []


def test_the_answer_is_the_same_for_new_pending_and_confirmed_addresses(client, jpo, mailoutbox):
    def visible(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text), response.status_code

    new = visible(subscribe(client, email="new@example.org"))
    pending = visible(subscribe(client, email="new@example.org"))
    confirmed_subscriber(client, mailoutbox, email="known@example.org")
    confirmed = visible(subscribe(client, email="known@example.org"))

    assert new == pending == confirmed


def test_a_confirmed_address_is_reminded_not_changed(client, jpo, mailoutbox):
    ProgrammeFactory(slug="nato-staff")
    subscriber = confirmed_subscriber(client, mailoutbox)

    subscribe(client, programmes=["nato-staff"])

    [message] = mailoutbox
    assert "already receives them" in message.body
    assert "/alerts/withdraw/" in message.body
    assert [p.slug for p in subscriber.programmes.all()] == ["jpo"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": ADDRESS, "programmes": ["jpo"], "language": "en"}, "tick the box"),
        (
            {"email": "not-an-address", "programmes": ["jpo"], "language": "en", "consent": "on"},
            "such as name@example.org",
        ),
        (
            {"email": "root@localhost", "programmes": ["jpo"], "language": "en", "consent": "on"},
            "an e-mail address on the internet",
        ),
        (
            {"email": "a@[127.0.0.1]", "programmes": ["jpo"], "language": "en", "consent": "on"},
            "an e-mail address on the internet",
        ),
        ({"email": ADDRESS, "language": "en", "consent": "on"}, "Choose at least one programme."),
        ({"email": ADDRESS, "programmes": ["mars"], "language": "en", "consent": "on"}, "mars"),
        ({"email": ADDRESS, "programmes": ["jpo"], "language": "xx", "consent": "on"}, "xx"),
    ],
)
def test_bad_subscriptions_are_refused_with_a_reason_and_store_nothing(
    client, jpo, mailoutbox, data, message
):
    response = client.post(SUBSCRIBE, data)

    assert response.status_code == 400
    assert message in response.text
    assert not Subscriber.objects.exists() and not ConsentEvent.objects.exists() and mailoutbox == []


def test_the_form_shows_the_notice_and_an_unticked_consent_box(client, jpo):
    html = client.get(SUBSCRIBE).text

    assert "Who is responsible, per programme" in html and "Data Protection Authority" in html
    assert "until you withdraw your consent" in html
    assert re.search(r'<input type="checkbox" name="consent"(?![^>]*checked)[^>]*>', html)
    assert re.search(r'name="programmes" value="jpo"[^>]*checked', html)


def test_confirming_asks_first_then_confirms_and_records_consent(client, jpo, mailoutbox):
    subscribe(client)
    path = link_in(mailoutbox[0], "confirm")

    page = client.get(path)
    assert "Yes, send me alerts" in page.text
    assert (
        Subscriber.objects.get().status == Subscriber.Status.PENDING
    )  # a link scanner's GET changes nothing

    response = client.post(path)

    assert "Alerts confirmed" in response.text
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    events = list(ConsentEvent.objects.values_list("event", "channel", "subject", "notice_version"))
    subject = tokens.subject_hash(ADDRESS)
    version = settings.ALERTS_NOTICE_VERSION  # the notice read (applications/notice.py)
    assert events == [
        ("given", "web-form", subject, version),
        ("confirmed", "email-link", subject, version),
    ]
    assert "example.org" not in subject


def test_a_reused_confirmation_link_changes_nothing(client, jpo, mailoutbox):
    subscribe(client)
    path = link_in(mailoutbox[0], "confirm")
    client.post(path)

    again = client.post(path)

    assert again.status_code == 200
    assert "already confirmed" in again.text
    assert ConsentEvent.objects.filter(event="confirmed").count() == 1


def test_an_expired_confirmation_link_gives_a_clear_page_and_changes_nothing(client, jpo, mailoutbox):
    eight_days_ago = timezone.now().timestamp() - 8 * 86400
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        subscribe(client)
    path = link_in(mailoutbox[0], "confirm")

    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
        assert "This link has expired." in response.text
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


@pytest.mark.parametrize("kind", ["confirm", "withdraw"])
def test_a_tampered_link_gives_a_clear_page_and_changes_nothing(client, jpo, mailoutbox, kind):
    subscriber = confirmed_subscriber(client, mailoutbox)
    token = tokens.make_token(subscriber, tokens.CONFIRM if kind == "confirm" else tokens.WITHDRAW)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    for response in (
        client.get(f"/en/alerts/{kind}/{tampered}/"),
        client.post(f"/en/alerts/{kind}/{tampered}/"),
    ):
        assert response.status_code == 400
        assert "This link is not valid." in response.text
    assert Subscriber.objects.filter(status="confirmed").count() == 1


def test_a_confirmation_link_cannot_be_used_to_withdraw(client, jpo, mailoutbox):
    subscribe(client)
    token = link_in(mailoutbox[0], "confirm").split("/")[-2]

    assert client.post(f"/en/alerts/withdraw/{token}/").status_code == 400
    assert Subscriber.objects.exists()


# --- withdrawal -------------------------------------------------------------------------------------


def test_withdrawing_asks_first_then_erases_the_address_everywhere(client, jpo, mailoutbox):
    subscriber = confirmed_subscriber(client, mailoutbox)
    catalogue.call_publish(call=draft_jpo_call(jpo))
    path = link_in(mailoutbox[0], "withdraw")

    assert "Stop the alerts and erase my address" in client.get(path).text
    assert Subscriber.objects.exists()
    response = client.post(path)

    assert "Alerts stopped" in response.text
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert not AlertDelivery.objects.exists()
    assert_address_nowhere("candidate@example.org")
    assert list(ConsentEvent.objects.values_list("event", flat=True)) == ["given", "confirmed", "withdrawn"]


def assert_address_nowhere(address):
    # Every text column of every model (no JSON field holds addresses, and icontains on JSON differs
    # from one database to another).
    text_fields = (models.CharField, models.TextField, models.EmailField)
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, text_fields):
                lookup = {f"{field.attname}__icontains": address.split("@")[0]}
                assert not model.objects.filter(**lookup).exists(), f"{model.__name__}.{field.name}"


def test_a_call_alert_links_to_the_page_that_manages_the_alerts(jpo, mailoutbox, client):
    confirmed_subscriber(client, mailoutbox)
    catalogue.call_publish(call=draft_jpo_call(jpo))
    [alert] = mailoutbox

    path = re.search(r"https?://[^/\s]+(/en/alerts/manage/[^/\s]+/)", alert.body).group(1)
    html = alert.alternatives[0][0] if alert.alternatives else ""

    assert path in html
    page = client.get(path)
    assert page.status_code == 200
    assert '<input type="hidden" name="programme" value="jpo">' in page.text  # the call alert, to stop


def test_one_click_withdrawal_works_without_a_cookie_or_csrf_token(jpo, mailoutbox, client):
    from django.test import Client

    confirmed_subscriber(client, mailoutbox)
    catalogue.call_publish(call=draft_jpo_call(jpo))
    [alert] = mailoutbox
    url = alert.extra_headers["List-Unsubscribe"].strip("<>")
    assert alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(url.replace("http://127.0.0.1:8000", ""), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not Subscriber.objects.exists()
    assert ConsentEvent.objects.last().channel == "one-click"


def test_a_used_withdrawal_link_gives_a_clear_page(client, jpo, mailoutbox):
    subscriber = confirmed_subscriber(client, mailoutbox)
    path = f"/en/alerts/withdraw/{tokens.make_token(subscriber, tokens.WITHDRAW)}/"
    client.post(path)

    response = client.post(path)

    assert response.status_code == 410
    assert "no longer in use" in response.text
    assert ConsentEvent.objects.filter(event="withdrawn").count() == 1


def test_a_withdrawal_link_can_be_requested_with_the_same_answer_for_anyone(client, jpo, mailoutbox):
    confirmed_subscriber(client, mailoutbox)

    known = client.post("/en/alerts/withdraw/", {"email": "CANDIDATE@example.org"})
    unknown = client.post("/en/alerts/withdraw/", {"email": "stranger@example.org"})

    assert known.status_code == unknown.status_code == 200
    assert known.text.split("<main")[1] == unknown.text.split("<main")[1]
    [message] = mailoutbox
    assert message.to == ["candidate@example.org"]
    client.post(link_in(message, "withdraw"))
    assert not Subscriber.objects.exists()


def test_requests_are_rate_limited_per_address_and_per_client(client, jpo, settings, mailoutbox):
    settings.ALERTS_RATE_PER_ADDRESS, settings.ALERTS_RATE_PER_CLIENT = 2, 4

    statuses = [subscribe(client).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "Too many requests" in subscribe(client).text

    other = [subscribe(client, email=f"other{i}@example.org").status_code for i in range(2)]
    assert 429 in other  # this client has used its four requests
    elsewhere = subscribe(client, email="fresh@example.org", REMOTE_ADDR="192.0.2.7")
    assert elsewhere.status_code == 200


def test_unconfirmed_subscriptions_are_erased_after_seven_days(client, jpo, mailoutbox):
    subscribe(client, email="old@example.org")
    subscribe(client, email="recent@example.org")
    Subscriber.objects.filter(email="old@example.org").update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )

    assert subscribers_erase_unconfirmed() == 1

    assert list(Subscriber.objects.values_list("email", flat=True)) == ["recent@example.org"]
    assert ConsentEvent.objects.filter(
        event="expired", subject=tokens.subject_hash("old@example.org")
    ).exists()


# --- alerts ------------------------------------------------------------------------------------------


def test_a_published_jpo_call_sends_one_alert_to_each_confirmed_follower(client, jpo, mailoutbox):
    ProgrammeFactory(slug="nato-staff")
    confirmed_subscriber(client, mailoutbox, email="a@example.org")
    confirmed_subscriber(client, mailoutbox, email="b@example.org")
    subscribe(client, email="pending@example.org")
    subscribe(client, email="nato@example.org", programmes=["nato-staff"])
    client.post(link_in(mailoutbox[-1], "confirm"))
    mailoutbox.clear()
    call = draft_jpo_call(jpo, title="JPO call 2026")

    catalogue.call_publish(call=call)
    catalogue.call_publish(call=call)  # twice: still one alert each
    announce_opened_calls()

    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "b@example.org"]
    message = mailoutbox[0]
    assert message.subject == "New call: JPO call 2026"
    assert "JPO Child Protection" in message.body
    assert "/alerts/withdraw/" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert AlertDelivery.objects.filter(status="sent").count() == 2
    call.refresh_from_db()
    assert call.opened_notified_at is not None


def test_a_call_that_opens_later_is_announced_when_it_opens(client, jpo, mailoutbox):
    confirmed_subscriber(client, mailoutbox)
    call = draft_jpo_call(jpo, opens_at=timezone.now() + dt.timedelta(days=2))

    catalogue.call_publish(call=call)
    assert announce_opened_calls() == 0
    assert mailoutbox == []

    type(call).objects.filter(pk=call.pk).update(opens_at=timezone.now() - dt.timedelta(minutes=1))
    assert announce_opened_calls() == 1

    assert len(mailoutbox) == 1
    assert announce_opened_calls() == 0  # told once


def test_the_alert_is_written_in_the_subscribers_language(client, jpo, mailoutbox):
    subscribe(client, language="fr")
    client.post(link_in(mailoutbox[0], "confirm"))
    mailoutbox.clear()

    catalogue.call_publish(call=draft_jpo_call(jpo))

    [message] = mailoutbox
    assert "/fr/alerts/withdraw/" in message.body
    assert "/fr/vacancies/" in message.body


def test_an_alert_gives_a_date_only_deadline_as_its_last_day_not_the_next_midnight(client, jpo, mailoutbox):
    confirmed_subscriber(client, mailoutbox)
    mailoutbox.clear()
    last_day = timezone.localdate() + dt.timedelta(days=20)

    catalogue.call_publish(call=draft_jpo_call(jpo, closes_at=end_of_day(last_day), closes_at_has_time=False))

    [message] = mailoutbox
    assert f"The last day to apply is {last_day:%-d} " in message.body
    assert "00:00" not in message.body and "midnight" not in message.body


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_withdrawal_link_in_an_alert_withdraws_in_the_subscribers_language(client, jpo, language):
    subscriber = SubscriberFactory(email=ADDRESS.lower(), language=language, programmes=[jpo])

    link = emails.withdraw_url(subscriber)

    path = re.fullmatch(r"https?://[^/]+(/.*)", link).group(1)
    assert path.startswith(f"/{language}/alerts/withdraw/")
    assert client.get(path).status_code == 200
    client.post(path)
    assert not Subscriber.objects.exists()
