"""What the operator relies on: metrics for Prometheus that the public cannot read, error reports (Sentry
or a mail to ADMINS), and JSON logs that hold no personal data."""

import json
import logging
import subprocess
import sys

import pytest
from django.core import mail
from django.test import override_settings

from jobboard.logs import JsonFormatter, RedactingFilter
from tests.factories import AlertDeliveryFactory, VacancyFactory

pytestmark = pytest.mark.django_db


def metric(text, name):
    """The value of one sample line, e.g. 'jobboard_alert_deliveries{status="sent"}'."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in the metrics")


def test_the_metrics_are_not_public(client):
    response = client.get("/metrics")

    assert response.status_code == 403
    assert "jobboard_" not in response.text


@override_settings(METRICS_TOKEN="s3cret-metrics-token")
def test_prometheus_reads_requests_latency_and_the_alert_queue_with_its_token(client):
    AlertDeliveryFactory.create_batch(2, status="pending")
    AlertDeliveryFactory(status="sent")
    VacancyFactory()
    client.get("/en/vacancies/")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403

    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.text
    assert metric(text, "jobboard_alert_queue_depth") == 2
    assert metric(text, 'jobboard_alert_deliveries{status="sent"}') == 1
    assert metric(text, 'jobboard_alert_deliveries{status="failed"}') == 0
    assert metric(text, 'jobboard_http_requests_total{method="GET",route="vacancies:list",status="200"}') >= 1
    assert metric(text, 'jobboard_http_request_duration_seconds_count{route="vacancies:list"}') >= 1


def test_staff_read_the_metrics_when_signed_in(admin_client):
    assert admin_client.get("/metrics").status_code == 200


@override_settings(ADMINS=[("Operator", "ops@example.org")], DEBUG=False)
def test_without_sentry_a_server_error_is_mailed_to_the_admins(client, monkeypatch):
    from vacancies import views

    def broken(**kwargs):
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(views.selectors, "vacancy_list", broken)
    client.raise_request_exception = False

    assert client.get("/en/vacancies/").status_code == 500

    assert [m.to for m in mail.outbox] == [["ops@example.org"]]
    assert "RuntimeError" in mail.outbox[0].body
    assert "HTTP_COOKIE" not in mail.outbox[0].body  # no request data: it may be personal


def test_with_a_sentry_dsn_errors_go_to_sentry_and_not_by_mail(tmp_path):
    script = (
        "import django, logging, sentry_sdk; django.setup(); from django.conf import settings;"
        "client = sentry_sdk.get_client();"
        "print(client.is_active(), client.options['send_default_pii'],"
        " [h.__class__.__name__ for h in logging.getLogger().handlers])"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "jobboard.settings",
        "DJANGO_SECRET_KEY": "test-only-not-secret",
        "SENTRY_DSN": "https://public@sentry.example/1",
        "ADMINS": "Operator <ops@example.org>",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)

    active, pii, handlers = out.stdout.split(" ", 2)
    assert active == "True" and pii == "False"
    assert "AdminEmailHandler" not in handlers


def test_json_logs_hold_no_address_and_no_personal_link():
    record = logging.makeLogRecord(
        {
            "name": "django.request",
            "levelno": logging.WARNING,
            "levelname": "WARNING",
            "msg": "Not Found: %s (from %s)",
            "args": ("/en/alerts/confirm/AbC123.xyz-token/", "someone@example.org"),
            "status_code": 404,
        }
    )
    RedactingFilter().filter(record)

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "Not Found: /en/alerts/confirm/…/ (from [email])"
    assert line["level"] == "WARNING" and line["logger"] == "django.request" and line["status"] == 404
    assert "someone" not in json.dumps(line) and "AbC123" not in json.dumps(line)
