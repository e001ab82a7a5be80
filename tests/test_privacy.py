"""Personal data: never in logs or error reports, handed out and erased on request, both on the record."""

import datetime as dt
import json
import logging
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone, translation
from django.views.debug import SafeExceptionReporterFilter

from applications import tokens, views
from applications.models import AlertDelivery, ConsentEvent, Subscriber
from tests.factories import CallFactory, ProgrammeFactory, VacancyFactory
from tests.test_alerts import assert_address_nowhere
from vacancies import services as catalogue
from vacancies.models import PublicationStatus

pytestmark = pytest.mark.django_db(transaction=True)
ADDRESS = "Private.Person@example.org"
BIRTH_DATE = "1994-07-13"


@pytest.fixture
def subscribed(client, mailoutbox):
    jpo = ProgrammeFactory(slug="jpo")
    client.post("/en/alerts/", {"email": ADDRESS, "programmes": ["jpo"], "language": "en", "consent": "on"})
    confirm = re.search(r"(/en/alerts/confirm/[^/\s]+/)", mailoutbox[0].body).group(1)
    client.post(confirm)
    call = CallFactory(programme=jpo, status=PublicationStatus.DRAFT, published_at=None)
    VacancyFactory(programme=jpo, call=call, status=PublicationStatus.DRAFT)
    catalogue.call_publish(call=call)
    return call


def test_the_whole_flow_logs_no_address_and_no_birth_date(client, mailoutbox, caplog):
    caplog.set_level(logging.DEBUG)
    jpo = ProgrammeFactory(slug="jpo")
    urls = []

    def visit(method, url, data=None):
        urls.append(url)
        return getattr(client, method)(url, data or {})

    visit("post", "/en/alerts/", {"email": ADDRESS, "programmes": ["jpo"], "language": "en", "consent": "on"})
    confirm = re.search(r"https?://[^/]+(/en/alerts/confirm/[^/\s]+/)", mailoutbox[0].body).group(1)
    visit("get", confirm)
    visit("post", confirm)
    call = CallFactory(programme=jpo, status=PublicationStatus.DRAFT, published_at=None)
    VacancyFactory(programme=jpo, call=call, status=PublicationStatus.DRAFT)
    catalogue.call_publish(call=call)
    visit("post", "/en/alerts/withdraw/", {"email": ADDRESS})
    withdraw = re.search(r"https?://[^/]+(/en/alerts/withdraw/[^/\s]+/)", mailoutbox[-1].body).group(1)
    visit("post", withdraw)
    visit(
        "post",
        "/en/programmes/jpo/eligibility/",
        {"birth_date": BIRTH_DATE, "nationality": "BE", "education": "master", "experience_years": "3"},
    )
    client.post(
        "/api/v1/eligibility/",
        json.dumps({"programme": "jpo", "birth_date": BIRTH_DATE, "nationality": "BE", "education": "master",
                    "experience_years": 3}),
        content_type="application/json",
    )  # fmt: skip

    logged = caplog.text.lower()
    assert ADDRESS.lower() not in logged and "private.person" not in logged
    assert BIRTH_DATE not in logged
    links = " ".join(
        url for message in mailoutbox for url in re.findall(r"https?://\S+", message.body)
    ) + " ".join(urls)
    assert "private.person" not in links.lower() and BIRTH_DATE not in links


@pytest.mark.parametrize(
    ("view", "path"), [(views.subscribe, "/en/alerts/"), (views.withdraw_request, "/en/alerts/withdraw/")]
)
def test_error_reports_hide_the_address(view, path):
    request = RequestFactory().post(path, {"email": ADDRESS, "programmes": ["jpo"], "language": "en"})
    request.LANGUAGE_CODE = "en"
    view(request)

    assert SafeExceptionReporterFilter().get_post_parameters(request)["email"] != ADDRESS


def test_an_export_hands_out_everything_held_and_is_recorded(subscribed):
    out = StringIO()

    call_command("subscriber_export", ADDRESS.upper(), stdout=out)

    data = json.loads(out.getvalue())
    assert data["email"] == ADDRESS.lower()
    assert data["subscription"]["status"] == "confirmed" and data["subscription"]["programmes"] == ["jpo"]
    assert [a["status"] for a in data["alerts"]] == ["sent"]
    assert [e["event"] for e in data["consent_events"]] == ["given", "confirmed"]
    assert ConsentEvent.objects.filter(
        event="accessed", channel="staff", subject=tokens.subject_hash(ADDRESS)
    ).exists()


def test_an_erasure_removes_the_address_everywhere_and_is_recorded(subscribed):
    out = StringIO()

    call_command("subscriber_erase", ADDRESS, stdout=out)

    assert "Erased" in out.getvalue()
    assert not Subscriber.objects.exists() and not AlertDelivery.objects.exists()
    assert_address_nowhere(ADDRESS.lower())
    events = ConsentEvent.objects.filter(subject=tokens.subject_hash(ADDRESS)).values_list("event", flat=True)
    assert list(events) == ["given", "confirmed", "erased"]


def test_an_erasure_request_for_an_unknown_address_is_still_recorded(db):
    out = StringIO()

    call_command("subscriber_erase", "nobody@example.org", stdout=out)

    assert "Nothing was held" in out.getvalue()
    assert ConsentEvent.objects.get().event == "erased"


def test_the_address_can_come_from_standard_input(subscribed, monkeypatch):
    monkeypatch.setattr("sys.stdin", StringIO(ADDRESS + "\n"))

    call_command("subscriber_erase", "-", stdout=StringIO())

    assert not Subscriber.objects.exists()


def test_unconfirmed_subscriptions_do_not_outlive_their_week(client, mailoutbox):
    from applications.tasks import erase_unconfirmed

    ProgrammeFactory(slug="jpo")
    client.post("/en/alerts/", {"email": ADDRESS, "programmes": ["jpo"], "language": "en", "consent": "on"})
    Subscriber.objects.update(created_at=timezone.now() - dt.timedelta(days=7, minutes=1))

    assert erase_unconfirmed() == 1  # the periodic task itself, run here
    assert_address_nowhere(ADDRESS.lower())


def test_the_ledger_of_a_former_subscriber_is_deleted_five_years_after_its_last_entry(subscribed):
    from jobboard.tasks import apply_retention

    current = tokens.subject_hash(ADDRESS)
    former = tokens.subject_hash("former@example.org")
    recent = tokens.subject_hash("recent@example.org")
    six_years_ago = timezone.now() - dt.timedelta(days=6 * 365)
    for subject in (former, recent):
        ConsentEvent.objects.create(
            subject=subject, event="withdrawn", notice_version="1", channel="web-form"
        )
    ConsentEvent.objects.exclude(subject=recent).update(created_at=six_years_ago)

    apply_retention()  # the daily task itself

    assert not ConsentEvent.objects.filter(subject=former).exists()
    assert ConsentEvent.objects.filter(subject=recent).exists()
    assert ConsentEvent.objects.filter(subject=current).exists()  # still subscribed: the proof stays


def test_staff_sign_in_records_are_deleted_after_ninety_days(client):
    from axes.models import AccessAttempt, AccessLog

    from jobboard.tasks import apply_retention

    for name in ("old", "new"):
        AccessLog.objects.create(username=name, ip_address="198.51.100.7", user_agent="x")
        AccessAttempt.objects.create(
            username=name, ip_address="198.51.100.7", user_agent="x", failures_since_start=1
        )
    for model in (AccessLog, AccessAttempt):
        model.objects.filter(username="old").update(attempt_time=timezone.now() - dt.timedelta(days=91))

    apply_retention()

    assert set(AccessLog.objects.values_list("username", flat=True)) == {"new"}
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"new"}
    assert "deleted after 90 days" in client.get("/en/privacy/").text


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_data_retention_page_speaks_each_language(client, language):
    english = "Your data and how long we keep it"
    with translation.override(language):
        heading = translation.gettext(english)

    response = client.get(f"/{language}/privacy/")

    assert response.status_code == 200
    assert (heading != english) == (language != "en")  # translated where the page is not English
    assert f"<h1>{heading}</h1>" in response.text
    assert f'href="/{language}/privacy/"' in response.text  # linked from every page's footer
