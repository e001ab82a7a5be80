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


CHECKS = {"postgres": _missing_postgres, "redis": _missing_redis, "browser": _missing_browser}


def pytest_runtest_setup(item):
    for marker, check in CHECKS.items():
        if item.get_closest_marker(marker) and (reason := check()):
            if REQUIRE_SERVICES:
                pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
            pytest.skip(reason)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
