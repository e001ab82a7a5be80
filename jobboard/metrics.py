"""Prometheus metrics at /metrics, for the operator only: a bearer token (METRICS_TOKEN) or a staff session.

- `jobboard_http_requests_total{method, route, status}` and `jobboard_http_request_duration_seconds{route}`:
  every response, by route name (not by path: paths carry slugs and tokens).
- `jobboard_alert_queue_depth`: alert deliveries waiting to be sent (pending, or held by a worker).
- `jobboard_alert_deliveries{status}`: alert deliveries by status.

Several gunicorn workers: set PROMETHEUS_MULTIPROC_DIR (an empty directory shared by the workers) and the
request figures add up over every worker.
"""

import hmac
import os
import time

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse, HttpResponseForbidden
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUESTS = Counter(
    "jobboard_http_requests",
    "HTTP responses, by method, route name and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "jobboard_http_request_duration_seconds",
    "Time from request to response, by route name.",
    ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class AlertCollector:
    """Read at each scrape from the database: the same figures whichever process answers."""

    def collect(self):
        from applications.models import AlertDelivery

        status = AlertDelivery.Status
        counts = dict(AlertDelivery.objects.order_by().values_list("status").annotate(n=Count("pk")))
        by_status = GaugeMetricFamily(
            "jobboard_alert_deliveries", "Alert deliveries by status.", labels=["status"]
        )
        for value in status.values:
            by_status.add_metric([value], counts.get(value, 0))
        yield by_status
        yield GaugeMetricFamily(
            "jobboard_alert_queue_depth",
            "Alert deliveries not sent yet (pending, or held by a worker).",
            value=counts.get(status.PENDING, 0) + counts.get(status.SENDING, 0),
        )


def _registry():
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    return registry


_alerts = AlertCollector()


def _allowed(request):
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return request.user.is_active and request.user.is_staff


def metrics_view(request):
    if not _allowed(request):
        return HttpResponseForbidden(
            "Forbidden: a bearer token (METRICS_TOKEN) or a staff session is needed.\n"
        )
    registry = _registry()
    body = generate_latest(registry)
    alerts = CollectorRegistry()
    alerts.register(_alerts)
    response = HttpResponse(body + generate_latest(alerts), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class RequestMetricsMiddleware:
    """Counts every response and its latency, by route name (bounded labels)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.view_name or match.url_name or "unnamed") if match else "unmatched"
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(method, route, str(response.status_code)).inc()
        LATENCY.labels(route).observe(time.perf_counter() - started)
        return response
