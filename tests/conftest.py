"""Service gating: tests marked `postgres`, `redis` or `browser` skip with a reason when the service is
absent, and fail instead under REQUIRE_SERVICES=1 (as CI runs them)."""

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _missing_postgres():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/jobboard"
    return None


def _missing_redis():
    if not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/1"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        return f"needs Redis at REDIS_URL, which does not answer ({error})"
    return None


def _missing_browser():
    if not Path(CHROMIUM).exists():
        return f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "needs the playwright package (pip install -e '.[dev]')"
    return None


def _missing_celery_setup():
    # A real worker is another process: it needs a database it can share (PostgreSQL) and the broker.
    return _missing_postgres() or _missing_redis()


CHECKS = {
    "postgres": _missing_postgres,
    "redis": _missing_redis,
    "celery": _missing_celery_setup,
    "browser": _missing_browser,
}


def pytest_runtest_setup(item):
    for marker, check in CHECKS.items():
        if item.get_closest_marker(marker) and (reason := check()):
            if REQUIRE_SERVICES:
                pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
            pytest.skip(reason)


@pytest.fixture(autouse=True)
def _celery_mode(request):
    """Tasks run in-process unless a test asks for a real worker (`@pytest.mark.celery`)."""
    from jobboard.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = not request.node.get_closest_marker("celery")
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from applications.sending.messages import caches_clear

    cache.clear()
    caches_clear()  # what e-mails reuse (a search in words, a vacancy's line): each test has its own data
    yield


@pytest.fixture(autouse=True)
def _api_answers_as_documented(monkeypatch):
    """Every `/api/v1/` answer a test gets through the test client matches the OpenAPI document."""
    from django.test.client import Client

    from tests.openapi_check import problems

    original = Client.request

    def request(self, **environ):
        response = original(self, **environ)
        path = environ.get("PATH_INFO", "")
        if (
            path.startswith("/api/v1/")
            and path != "/api/v1/openapi.json"
            and response.get("Content-Type", "").startswith("application/json")
        ):
            from vacancies.openapi import document

            found = problems(document(), path, environ["REQUEST_METHOD"].lower(), response)
            assert found == [], found
        return response

    monkeypatch.setattr(Client, "request", request)


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on loopback; Django's e-mail goes to it over SMTP."""
    from tests.smtp_sink import SmtpSink

    sink = SmtpSink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    with sink as handler:
        handler.port = sink.port
        yield handler


@pytest.fixture
def staff_groups(db):
    """The Editors and Publishers groups of the data migration, again after a transactional test's flush."""
    from jobboard.roles import create_roles

    create_roles()


@pytest.fixture
def start_worker(settings, smtp_sink, tmp_path):
    """Starts real Celery workers (`tests.workers.Worker`) that send to `smtp_sink`; stops them after."""
    import redis

    from tests.workers import Worker, service_env

    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # no task left over from another run
    env = service_env(settings, EMAIL_URL=f"smtp://127.0.0.1:{smtp_sink.port}")
    workers = []

    def start(name="worker", beat=True, **overrides):
        """A worker named `name`, with beat unless `beat=False`; `overrides` change its environment."""
        workers.append(Worker(env | overrides, tmp_path / f"{name}.log", name, beat=beat))
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()
