import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.redis
def test_healthz_reports_a_live_broker(client):
    assert client.get("/healthz").json()["broker"] == "ok"


def test_healthz_reports_a_broker_that_is_down_but_keeps_serving(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["broker"] == "error"
