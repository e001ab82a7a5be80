"""The alert fan-out benchmark: a JPO call opens for every bench subscriber.

The parts are the real ones, as in tests/test_alerts_worker.py: `call_publish` in this process with Redis as
the broker, a Celery worker (production settings, docker-compose.yml's pool and concurrency, no beat) and
an aiosmtpd server on loopback. The server runs in a process of its own and only counts, per recipient, what
it accepted: keeping 100,000 parsed messages would cost it a gigabyte and make it the bottleneck.

The floor is plain `smtplib` sending the same number of copies of a real alert to the same server over one
connection, in the same run: once before the fan-out and once after, so that a change in the load of the
machine during the run shows (the ratio is taken against their mean).

Worker memory is sampled every 50 ms over the worker's process tree: the sum of resident sizes (RSS, which
counts the pages the pool processes share with their parent once per process) and the sum of proportional
sizes (PSS, which splits shared pages between the processes sharing them: the memory the worker costs).
"""

import multiprocessing
import os
import smtplib
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from django.db.models import Count

from tests.bench.pages import free_port, service_env
from tests.workers import compose_worker_options, stop_process_group

ROOT = Path(__file__).resolve().parents[2]
FANOUT_CALL = "bench-fanout"
SITE_URL = "https://jobboard.example"
STALL_SECONDS = 120


class CountingHandler:
    """Accepts every message; remembers who got how many and when the last one was accepted."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.received = Counter()
        self.messages = 0
        self.last_at = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.update(envelope.rcpt_tos)
        self.messages += 1
        self.last_at = time.time()
        return "250 2.0.0 Accepted"


def _sink_process(port, pipe):
    from tests.smtp_sink import MtaLikeController

    handler = CountingHandler()
    controller = MtaLikeController(handler, hostname="127.0.0.1", port=port)
    controller.start()
    pipe.send("ready")
    while True:
        command = pipe.recv()
        if command == "stats":
            pipe.send((handler.messages, handler.last_at))
        elif command == "received":
            pipe.send(dict(handler.received))
        elif command == "reset":
            handler.reset()
            pipe.send("ok")
        else:
            controller.stop()
            pipe.send("ok")
            return


class Sink:
    def __init__(self):
        self.port = free_port()
        self.pipe, child = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("spawn").Process(
            target=_sink_process, args=(self.port, child), daemon=True
        )
        self.process.start()
        if not self.pipe.poll(30) or self.pipe.recv() != "ready":
            raise RuntimeError("the SMTP sink did not start")

    def ask(self, command):
        self.pipe.send(command)
        return self.pipe.recv()

    def wait_for(self, count, say):
        """Wait until `count` messages were accepted; returns the wall time of the last one."""
        seen, progressed_at, reported = 0, time.monotonic(), time.monotonic()
        while True:
            messages, last_at = self.ask("stats")
            if messages >= count:
                return last_at
            if messages > seen:
                seen, progressed_at = messages, time.monotonic()
            if time.monotonic() - progressed_at > STALL_SECONDS:
                raise RuntimeError(f"no message for {STALL_SECONDS} s after {messages:,} of {count:,}")
            if time.monotonic() - reported > 10:
                say(f"  {messages:,} of {count:,} accepted")
                reported = time.monotonic()
            time.sleep(0.1)

    def stop(self):
        if self.process.is_alive():
            self.ask("stop")
            self.process.join(10)


def _children(pid):
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _status_kib(pid, field):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Peak memory of a process and its children: sums of RSS and PSS (every 50 ms), the largest process."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.stopped = pid, threading.Event()
        self.peak_rss_kib = self.peak_pss_kib = self.peak_process_kib = 0
        self.processes = set()

    def sample(self):
        pids = [self.pid, *_children(self.pid)]
        self.processes.update(pids)
        self.peak_rss_kib = max(self.peak_rss_kib, sum(_status_kib(pid, "VmRSS") for pid in pids))
        self.peak_pss_kib = max(self.peak_pss_kib, sum(_pss_kib(pid) for pid in pids))
        # VmHWM is the kernel's own high-water mark of each process: nothing between samples is missed.
        self.peak_process_kib = max(self.peak_process_kib, *(_status_kib(pid, "VmHWM") for pid in pids))

    def run(self):
        while not self.stopped.wait(0.05):
            self.sample()

    def stop(self):
        self.sample()
        self.stopped.set()
        self.join()


class Worker:
    """`celery worker` in its own process group, like tests/test_alerts_worker.py, as production runs it."""

    def __init__(self, env, log_path, options):
        self.log_path = log_path
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "jobboard", "worker", *options,
             "-n", "bench@%h", "--without-mingle", "--without-gossip", "-l", "info"],
            cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while " ready." not in log_path.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.1)

    def stop(self):
        stop_process_group(self.process, timeout=30)


def _setup_django(*, database_url, redis_url, smtp_port):
    os.environ.update(
        service_env(
            DJANGO_SETTINGS_MODULE="jobboard.settings",
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
            SITE_URL=SITE_URL,
        )
    )
    import django

    django.setup()


def _draft_call():
    """A draft JPO call with three draft vacancies; the previous run's call and its deliveries go first."""
    from django.utils import timezone

    from programmes.models import Programme
    from vacancies.models import Call, Organisation, PublicationStatus, Vacancy

    for old in Call.objects.filter(slug=FANOUT_CALL):
        old.vacancies.all().delete()
        old.delete()  # and its deliveries (on delete cascade)
    jpo, now = Programme.objects.get(slug="jpo"), timezone.now()
    call = Call.objects.create(
        programme=jpo,
        slug=FANOUT_CALL,
        title=f"JPO-oproep {now.year} (benchmark)",
        year=now.year,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=30),
        status=PublicationStatus.DRAFT,
    )
    for k, organisation in enumerate(Organisation.objects.filter(slug__in=["undp", "unicef", "wfp"])):
        Vacancy.objects.create(
            programme=jpo,
            organisation=organisation,
            call=call,
            slug=f"{FANOUT_CALL}-{k}",
            title=f"Junior Professional Officer – {organisation.short_name}",
            city="Kinshasa",
            country="CD",
            summary="JPO-post, voorbehouden voor kandidaten met de Belgische nationaliteit.",
            description="Als JPO word je opgeleid door een senior staff member.",
            contract_type=Vacancy.ContractType.FIXED_TERM,
            apply_url="https://careers.example.org/apply",
            status=PublicationStatus.DRAFT,
        )
    return call


def run(*, database_url, redis_url, subscribers, log_dir, say):
    sink = Sink()
    worker = None
    try:
        _setup_django(database_url=database_url, redis_url=redis_url, smtp_port=sink.port)
        import redis
        from django.conf import settings

        from applications.models import AlertDelivery, Subscriber
        from vacancies.services import call_publish

        expected = set(
            Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED, programmes__slug="jpo").values_list(
                "email", flat=True
            )
        )
        if len(expected) != subscribers:
            raise RuntimeError(f"{len(expected):,} jpo subscribers in the database, {subscribers:,} wanted")
        options = compose_worker_options()
        call = _draft_call()
        content, sender = _alert_bytes(call)
        floor_before = _smtplib_floor(sink, content, sender, subscribers, say)

        redis.Redis.from_url(redis_url).flushdb()  # no task left over from an interrupted run
        worker = Worker(
            service_env(
                DJANGO_SETTINGS_MODULE="jobboard.settings",
                DATABASE_URL=database_url,
                REDIS_URL=redis_url,
                EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
                SITE_URL=SITE_URL,
            ),
            log_dir / "worker.log",
            options,
        )
        memory = MemorySampler(worker.process.pid)
        memory.start()
        say(f"  publishing a JPO call for {subscribers:,} subscribers")
        sink.ask("reset")
        started_at = time.time()
        started = time.perf_counter()
        call_publish(call=call)
        publish_seconds = time.perf_counter() - started
        fanout_seconds = sink.wait_for(subscribers, say) - started_at
        time.sleep(3)  # a duplicate, if any were coming, arrives now
        received = Counter(sink.ask("received"))
        memory.stop()
        worker.stop()
        statuses = dict(
            AlertDelivery.objects.filter(call=call).values_list("status").annotate(n=Count("pk")).order_by()
        )
        floor_after = _smtplib_floor(sink, content, sender, subscribers, say)
    finally:
        if worker is not None:
            worker.stop()
        sink.stop()

    floor_rate = (subscribers / floor_before + subscribers / floor_after) / 2
    duplicates = sum(1 for address, n in received.items() if n > 1 and address in expected)
    return {
        "subscribers": subscribers,
        "batch_size": settings.ALERTS_BATCH_SIZE,
        "worker_options": " ".join(options),
        "message_bytes": len(content),
        "accepted": sum(received.values()),
        "duplicates": duplicates,
        "missing": len(expected - set(received)),
        "unexpected": len(set(received) - expected),
        "deliveries": statuses,
        "exactly_once": received == Counter(expected)
        and statuses == {AlertDelivery.Status.SENT: subscribers},
        "seconds": fanout_seconds,
        "rate": subscribers / fanout_seconds,
        "floor_seconds_before": floor_before,
        "floor_seconds_after": floor_after,
        "floor_rate": floor_rate,
        "ratio": subscribers / fanout_seconds / floor_rate,
        "publish_ms": publish_seconds * 1000,
        "worker_peak_rss_mb": memory.peak_rss_kib / 1024,
        "worker_peak_pss_mb": memory.peak_pss_kib / 1024,
        "worker_peak_process_mb": memory.peak_process_kib / 1024,
        "worker_processes": len(memory.processes),
    }


def _smtplib_floor(sink, content, sender, count, say):
    """Seconds for plain smtplib to have `count` copies of the alert accepted, over one connection."""
    say(f"  floor: smtplib sends {count:,} messages over one connection")
    sink.ask("reset")
    started_at = time.time()
    with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
        for i in range(count):
            smtp.sendmail(sender, [f"floor-{i}@example.invalid"], content)
    return sink.wait_for(count, say) - started_at


def _alert_bytes(call):
    """One alert of this call as the email package writes it, and its envelope sender (for the floor)."""
    from django.core.mail.message import sanitize_address

    from applications.models import AlertDelivery, Subscriber
    from applications.sending.messages import alert_message
    from vacancies.models import Vacancy

    subscriber = Subscriber.objects.filter(programmes__slug="jpo").earliest("pk")
    vacancies = Vacancy.objects.with_state().filter(call=call).select_related("organisation").by_closing()
    message = alert_message(AlertDelivery(pk=1, subscriber=subscriber, call=call), list(vacancies))
    content = message.message().as_bytes(linesep="\r\n")
    return content, sanitize_address(message.from_email, message.encoding or "utf-8")
