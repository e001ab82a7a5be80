"""Project-level endpoints that belong to no app."""

import sys
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views import defaults
from django.views.decorators.cache import never_cache

from programmes.selectors import data_controllers

HEALTH_TIMEOUT = 1.5  # seconds: /healthz answers within 2 s, whatever hangs
_checks = {}  # the thread of each check: one that hangs is not started again until it ends


def _database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means "down" to a health check
        return "error"
    finally:
        connection.close()  # this thread's own connection


def _states(checks):
    """Run the checks side by side, each in a thread; a check that has not answered in time is "timeout".

    A server that hangs (SIGSTOP, a full disk) accepts a connection and never answers; a thread stuck on it is
    left to end by itself, and until it does that dependency is answered "timeout" at once.
    """
    results = {}

    def run(name, check):
        results[name] = check()

    started = []
    for name, check in checks.items():
        if (thread := _checks.get(name)) is not None and thread.is_alive():
            continue
        thread = _checks[name] = threading.Thread(target=run, args=(name, check), daemon=True)
        thread.start()
        started.append(thread)
    deadline = time.monotonic() + HEALTH_TIMEOUT
    for thread in started:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: results.get(name, "timeout") for name in checks}


def _broker_state():
    if not settings.REDIS_URL:
        return "eager"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
        return "ok"
    except redis.RedisError:
        return "error"


@never_cache
def healthz(request):
    """200 while the database answers (the site can serve pages), 503 when it fails or does not answer
    within HEALTH_TIMEOUT; the broker's state is reported. Answers within 2 s."""
    states = _states({"database": _database_state, "broker": _broker_state})
    database, broker = states["database"], states["broker"]
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database, "broker": broker}, status=status
    )


def robots_txt(request):
    """Crawlers may read every page but the admin and the JSON API (the pages carry the same content)."""
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    # Disallow lines first: parsers that take the first matching line (Python's urllib.robotparser) would
    # otherwise let "Allow: /" admit everything; RFC 9309's longest match gives the same answer either way.
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/", "Allow: /", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def favicon(request):
    """/favicon.ico, which browsers and tools ask for whatever a page's <link rel="icon"> says."""
    # At request time: the hashed name of a collected static file is known only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def privacy(request):
    """What the site keeps about whom, why and for how long (the data-retention page)."""
    return render(
        request,
        "pages/privacy.html",
        {
            "confirmation_days": settings.ALERTS_CONFIRMATION_DAYS,
            "alerts_limit": settings.ALERTS_PER_SUBSCRIBER,
            "alerts_lifetime_months": round(settings.ALERTS_LIFETIME_DAYS / 30.44),
            "lockout_hours": settings.AXES_COOLOFF_TIME,
            "login_log_days": settings.STAFF_LOGIN_LOG_DAYS,
            "ledger_years": settings.CONSENT_LEDGER_YEARS,
            "controllers": data_controllers(),
        },
    )


RETRY_AFTER_SECONDS = 60
# What a database that is down, restarting or hung raises (connect or statement timeout): not our bug, and
# not lasting. psycopg's AdminShutdown and QueryCanceled (statement timeout) arrive as OperationalError.
UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request):
    """handler500: a database that does not answer gets 503 with Retry-After, a page that says it is
    temporary, and a JSON body under /api/; any other error is Django's 500 (templates/500.html)."""
    error = sys.exc_info()[1]
    if not isinstance(error, UNAVAILABLE):
        return defaults.server_error(request)
    if request.path.startswith("/api/"):
        message = "The service is unavailable for a moment. Please try again in a minute."
        response = JsonResponse({"errors": {"detail": [message]}}, status=503)
    else:
        # Like 500.html: nothing that needs the database, a context processor or URL reversing.
        response = render(None, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
