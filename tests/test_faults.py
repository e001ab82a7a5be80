"""Faults survived with the real services: nothing lost, nothing sent twice.

The broker and the mail server fail on purpose here; the database and worker faults run real processes.
"""

import shutil
import signal
import smtplib
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import close_old_connections

from applications.models import AlertDelivery, Subscriber
from applications.sending import deliver
from applications.sending.queue import deliveries_create, pending_batches
from tests.factories import CallFactory, ProgrammeFactory, VacancyFactory
from tests.smtp_sink import free_port
from tests.workers import PRODUCTION_TIMINGS, manage
from vacancies import services as catalogue
from vacancies.models import PublicationStatus

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def jpo(db):
    return ProgrammeFactory(slug="jpo")


def followers(programme, count):
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"person{i}@example.org", language="en", status="confirmed") for i in range(count)
    )
    Subscriber.programmes.through.objects.bulk_create(
        Subscriber.programmes.through(subscriber_id=s.pk, programme_id=programme.pk) for s in subscribers
    )
    return [s.email for s in subscribers]


def draft_call(programme, title="JPO call"):
    call = CallFactory(programme=programme, title=title, status=PublicationStatus.DRAFT, published_at=None)
    VacancyFactory(programme=programme, call=call, status=PublicationStatus.DRAFT)
    return call


def exactly_once(sink, addresses):
    received = Counter(sink.recipients())
    return received == Counter(addresses), {a: n for a, n in received.items() if n != 1}


def not_received(sink, everyone):
    """What a failed wait says: the addresses not received (a few), with the state of their rows, and any
    address received that was not expected."""
    from applications.models import OutboxMessage

    close_old_connections()
    received = set(sink.recipients())
    missing = sorted(set(everyone) - received)
    fields = ("subscriber__email", "status", "attempts", "claim", "claimed_at", "sent_at", "last_error")
    rows = [
        *AlertDelivery.objects.filter(subscriber__email__in=missing[:10]).values(*fields),
        *OutboxMessage.objects.filter(subscriber__email__in=missing[:10]).values("kind", *fields),
    ]
    return f"{len(missing)} not received, e.g. {rows}; unexpected: {sorted(received - set(everyone))[:10]}"


class PrivateRedis:
    """A Redis server of this test's own, so that it can be stopped without touching anyone else's."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tmp_path

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            ping = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True)
            if ping.stdout.strip() == b"PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("the private Redis did not start")

    def stop(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed for the broker fault test")
    server = PrivateRedis(tmp_path)
    yield server
    if getattr(server, "process", None) and server.process.poll() is None:
        server.stop()


def test_publishing_succeeds_with_the_broker_down_and_alerts_follow_when_it_is_back(
    private_redis, start_worker, smtp_sink, jpo, settings
):
    addresses = followers(jpo, 20)
    call = draft_call(jpo)

    # A web process of the site, its broker (not started yet) down, publishes the call.
    publish = (
        "from vacancies import models, services; "
        f"services.call_publish(call=models.Call.objects.get(pk={call.pk}))"
    )
    published = manage(settings, "shell", "-c", publish, REDIS_URL=private_redis.url)

    assert published.returncode == 0, published.stderr
    assert "Broker unavailable" in published.stderr  # said, not raised
    call.refresh_from_db()
    assert call.status == "published" and call.opened_notified_at is None  # not forgotten: still to announce

    private_redis.start()
    worker = start_worker(REDIS_URL=private_redis.url)  # its beat announces what is due

    assert smtp_sink.wait_for(lambda: len(smtp_sink.recipients()) >= 20, timeout=60), worker.log()[-2000:]
    time.sleep(2)
    assert exactly_once(smtp_sink, addresses) == (True, {})


@pytest.mark.django_db(transaction=True)
def test_a_server_that_refuses_for_a_while_gets_every_message_once(smtp_sink, jpo, monkeypatch):
    addresses = followers(jpo, 6)
    call = CallFactory(programme=jpo)
    deliveries_create(call_id=call.pk)
    [batch] = pending_batches(call_id=call.pk)
    refusals = iter([True, True, False])  # "try again later" twice, at the fourth message

    async def busy_then_fine(server, session, envelope):
        if len(smtp_sink.messages) == 3 and next(refusals, False):
            return "451 4.3.2 Try again later"
        return await original(server, session, envelope)

    original = type(smtp_sink).handle_DATA.__get__(smtp_sink)
    monkeypatch.setattr(smtp_sink, "handle_DATA", busy_then_fine)

    for _attempt in range(5):  # what the task's retries do
        try:
            deliver(AlertDelivery, batch)
        except smtplib.SMTPException:
            continue
        if not AlertDelivery.objects.exclude(status="sent").exists():
            break

    assert exactly_once(smtp_sink, addresses) == (True, {})


def test_a_worker_killed_again_and_again_loses_and_repeats_nothing(start_worker, smtp_sink, jpo):
    addresses = followers(jpo, 10_000)
    worker = start_worker("first")
    catalogue.call_publish(call=draft_call(jpo))

    for kill, share in enumerate((0.1, 0.25, 0.4, 0.55, 0.7), start=1):
        assert smtp_sink.wait_for(lambda s=share: len(smtp_sink.messages) >= s * 10_000, timeout=180), (
            worker.log()[-2000:]
        )
        worker.kill()
        assert len(smtp_sink.messages) < 10_000
        worker = start_worker(f"after-kill-{kill}")

    assert smtp_sink.wait_for(lambda: len(set(smtp_sink.recipients())) == 10_000, timeout=300), worker.log()[
        -3000:
    ]
    time.sleep(3)
    assert exactly_once(smtp_sink, addresses) == (True, {})
    close_old_connections()
    assert AlertDelivery.objects.filter(status="sent").count() == 10_000


class PrivatePostgres:
    """A PostgreSQL cluster of this test's own (initdb in a temporary folder), to restart at will."""

    def __init__(self, folder):
        self.bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        self.data = folder / "pgdata"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/jobboard"

    def _as_postgres(self, *command):
        command = ["runuser", "-u", "postgres", "--", *map(str, command)]
        return subprocess.run(command, check=True, capture_output=True)

    def start(self):
        self.data.mkdir()
        shutil.chown(self.data, "postgres")
        shutil.chown(self.data.parent, "postgres")
        self._as_postgres(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust")
        self._pg_ctl("start")
        self._as_postgres(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "jobboard")

    def _pg_ctl(self, action):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data}"
        # The server writes to its own log: it must not keep our pipes open after pg_ctl returns.
        log = self.data.parent / "server.log"
        self._as_postgres(
            self.bin / "pg_ctl", "-D", self.data, "-l", log, "-w", "-m", "fast", "-o", options, action
        )

    def restart(self):
        self._pg_ctl("restart")

    def stop(self):
        self._pg_ctl("stop")


@pytest.fixture
def private_postgres():
    # Not under pytest's tmp_path: the postgres user must be able to reach the folder.
    folder = Path(tempfile.mkdtemp(prefix="jobboard-pg-"))
    folder.chmod(0o755)
    server = PrivatePostgres(folder)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


SETUP = """
from programmes.models import Programme
from applications.models import Subscriber
from vacancies.models import Call, Organisation, Vacancy
from django.utils import timezone
import datetime as dt
jpo = Programme.objects.create(slug="jpo", name_nl="JPO", sponsor="DGD", summary_nl="JPO")
org = Organisation.objects.create(name="UNICEF", acronym="UNICEF", slug="unicef", kind="un-agency")
subscribers = Subscriber.objects.bulk_create(
    Subscriber(email=f"person{i}@example.org", language="en", status="confirmed") for i in range(COUNT))
Subscriber.programmes.through.objects.bulk_create(
    Subscriber.programmes.through(subscriber_id=s.pk, programme_id=jpo.pk) for s in subscribers)
now = timezone.now()
call = Call.objects.create(programme=jpo, title_nl="JPO call", slug="jpo-call", year=now.year,
    opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=20))
Vacancy.objects.create(title_nl="Officer", slug="officer", programme=jpo, organisation=org, call=call,
    city="Kigali", country="RW", summary_nl="x", description_nl="x", contract_type="fixed-term",
    apply_url="https://example.org")
"""


def test_a_database_restart_during_a_fan_out_loses_and_repeats_nothing(
    private_postgres, start_worker, smtp_sink, settings
):
    count = 3000
    on_private = {"DATABASE_URL": private_postgres.url}
    for args in (("migrate", "-v0"), ("shell", "-c", SETUP.replace("COUNT", str(count)))):
        done = manage(settings, *args, **on_private)
        assert done.returncode == 0, done.stderr[-2000:]
    worker = start_worker(**on_private)

    publish = "from vacancies import models, services; services.call_publish(call=models.Call.objects.get())"
    assert manage(settings, "shell", "-c", publish, **on_private).returncode == 0
    assert smtp_sink.wait_for(lambda: len(smtp_sink.messages) >= 500, timeout=120), worker.log()[-2000:]
    private_postgres.restart()
    assert len(smtp_sink.messages) < count, "the fan-out finished before the restart: nothing was tested"

    addresses = [f"person{i}@example.org" for i in range(count)]
    assert smtp_sink.wait_for(lambda: len(set(smtp_sink.recipients())) == count, timeout=240), worker.log()[
        -3000:
    ]
    time.sleep(3)
    assert exactly_once(smtp_sink, addresses) == (True, {})


def test_confirmation_and_withdrawal_mail_asked_for_with_the_broker_down_arrive_once_it_is_back(
    private_redis, start_worker, smtp_sink, jpo, settings
):
    Subscriber.objects.create(email="known@example.org", language="en", status="confirmed")
    # A web process of the site asks for both while its broker (not started yet) is down.
    ask = (
        "from applications import services; from programmes.models import Programme; "
        "services.subscription_request(email='new@example.org', programmes=Programme.objects.all(), "
        "language='en'); services.withdrawal_link_request(email='known@example.org')"
    )
    asked = manage(settings, "shell", "-c", ask, REDIS_URL=private_redis.url)
    assert asked.returncode == 0, asked.stderr
    assert "Broker unavailable" in asked.stderr

    private_redis.start()
    worker = start_worker(beat=False, REDIS_URL=private_redis.url)  # its own sweep, no beat

    assert smtp_sink.wait_for(lambda: len(smtp_sink.messages) >= 2, timeout=60), worker.log()[-2000:]
    time.sleep(2)
    assert sorted(smtp_sink.recipients()) == ["known@example.org", "new@example.org"]


def test_a_killed_worker_is_taken_over_without_beat_and_every_mail_goes_once(start_worker, smtp_sink, jpo):
    """Alerts to 2,000, and 100 confirmation, 50 withdrawal-link and 50 manage-link e-mails; the worker is
    killed mid fan-out; beat never runs."""
    from applications.services import manage_link_request, subscription_request, withdrawal_link_request

    addresses = followers(jpo, 2000)
    newcomers = [f"newcomer{i}@example.org" for i in range(100)]
    leavers = [f"leaver{i}@example.org" for i in range(50)]
    managers = [f"manager{i}@example.org" for i in range(50)]
    Subscriber.objects.bulk_create(
        Subscriber(email=address, language="en", status="confirmed") for address in [*leavers, *managers]
    )
    first = start_worker("first", beat=False, **PRODUCTION_TIMINGS)
    catalogue.call_publish(call=draft_call(jpo))
    for address in newcomers:
        subscription_request(email=address, programmes=[jpo], language="en")
    for address in leavers:
        withdrawal_link_request(email=address)
    for address in managers:
        manage_link_request(email=address)

    assert smtp_sink.wait_for(lambda: len(smtp_sink.messages) >= 400, timeout=120), first.log()[-2000:]
    first.kill()
    assert len(smtp_sink.messages) < 2200, "everything was sent before the kill: nothing was tested"
    restarted = time.monotonic()
    second = start_worker("restarted", beat=False, **PRODUCTION_TIMINGS)

    everyone = {*addresses, *newcomers, *leavers, *managers}
    received = smtp_sink.wait_for(lambda: set(smtp_sink.recipients()) == everyone, timeout=90)
    assert received, f"{not_received(smtp_sink, everyone)}\n{second.log()[-3000:]}"
    assert time.monotonic() - restarted < 90
    time.sleep(3)  # a duplicate, if any were coming, would arrive now
    assert exactly_once(smtp_sink, [*addresses, *newcomers, *leavers, *managers]) == (True, {})
    assert "beat" not in second.log().lower().replace("heartbeat", "")


HEALTHZ = """
import json, time
from django.test import Client
start = time.monotonic()
response = Client().get("/healthz", HTTP_HOST="localhost")
print(json.dumps([response.status_code, time.monotonic() - start, response.json()]))
"""


def cluster_processes(server):
    """The postmaster of a private cluster and its children (by pid: nothing else is signalled)."""
    postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(postmaster)], capture_output=True, text=True)
    return [postmaster, *map(int, children.stdout.split())]


def test_healthz_answers_503_within_two_seconds_while_the_database_hangs(private_postgres, settings):
    import json
    import os

    def healthz():
        done = manage(settings, "shell", "-c", HEALTHZ, DATABASE_URL=private_postgres.url)
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    status, _seconds, body = healthz()
    assert status == 200 and body["database"] == "ok"

    hung = cluster_processes(private_postgres)
    for pid in hung:
        os.kill(pid, signal.SIGSTOP)
    try:
        status, seconds, body = healthz()
    finally:
        for pid in hung:
            os.kill(pid, signal.SIGCONT)

    assert status == 503 and body["database"] == "timeout"
    assert seconds < 2
