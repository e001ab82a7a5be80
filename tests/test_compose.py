"""docker-compose.yml, read as text (no YAML parser at hand): what production needs to recover by itself."""

import re

from tests.workers import ROOT

COMPOSE = (ROOT / "docker-compose.yml").read_text()


def services():
    body = COMPOSE.split("\nservices:\n", 1)[1].split("\nvolumes:", 1)[0]
    blocks = re.split(r"\n  (?=[a-z]+:\n)", "\n" + body)
    return {block.split(":", 1)[0].strip(): block for block in blocks if block.strip()}


def test_every_service_restarts_and_every_part_of_the_site_has_a_health_check():
    found = services()
    app_restarts = "restart: unless-stopped" in COMPOSE.split("\nservices:\n")[0]

    for name in ("web", "worker", "beat", "db", "redis", "cache", "mailpit"):
        assert name in found, name
        assert "restart: unless-stopped" in found[name] or (app_restarts and "<<: *app" in found[name]), name
    for name in ("web", "worker", "beat", "db", "redis", "cache"):
        assert "healthcheck:" in found[name], name


def test_the_broker_is_bounded_and_never_evicts_and_the_cache_lives_in_another_redis():
    found = services()

    assert "--maxmemory " in found["redis"] and "--maxmemory-policy noeviction" in found["redis"]
    assert "--maxmemory " in found["cache"] and "--maxmemory-policy allkeys-lru" in found["cache"]
    assert "CACHE_URL: redis://cache:" in COMPOSE
