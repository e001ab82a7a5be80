"""Real Celery workers for tests: each in its own process group, against the test database."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def service_env(settings, **overrides):
    """The environment of a process of the site (worker, command) sharing this test's database and broker."""
    db = settings.DATABASES["default"]
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "EMAIL_"))},
        "DATABASE_URL": f"postgres://{credentials}@{host}:{port}/{db['NAME']}",  # the test database
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "SITE_URL": "http://testserver",
        "ALERTS_BATCH_SIZE": "50",
        "ALERTS_CLAIM_LEASE_SECONDS": "8",  # renewed every third of it while the worker lives
        "ALERTS_PENDING_GRACE_SECONDS": "2",
        "ALERTS_OUTBOX_GRACE_SECONDS": "2",
        "ALERTS_SWEEP_SECONDS": "1",
    } | overrides


# The recovery timings of production (settings.py's defaults), for the tests that measure them.
PRODUCTION_TIMINGS = {
    "ALERTS_CLAIM_LEASE_SECONDS": "30",
    "ALERTS_PENDING_GRACE_SECONDS": "60",
    "ALERTS_OUTBOX_GRACE_SECONDS": "30",
    "ALERTS_SWEEP_SECONDS": "15",
}


def manage(settings, *args, **overrides):
    """Run `manage.py *args` as another process of the site; returns the completed process."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=service_env(settings, **overrides),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def stop_process_group(process, timeout):
    """SIGTERM to the process and its children; SIGKILL if they have not ended after `timeout` seconds."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def compose_worker_options():
    """The pool options of docker-compose.yml's worker: tests and benchmarks run it as production does."""
    command = re.search(r"celery -A jobboard worker (.*)", (ROOT / "docker-compose.yml").read_text()).group(1)
    return [option for option in command.split() if option.startswith(("--pool", "--concurrency"))]


class Worker:
    """`celery worker -B` (or without beat: `beat=False`) in its own process group, so a test can SIGKILL all
    of it at once."""

    def __init__(self, env, log_path, name, beat=True):
        self.log_path = log_path
        with_beat = ["-B", "-s", str(log_path) + ".beat"] if beat else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "jobboard", "worker", *with_beat,
             "-n", f"{name}@%h", *compose_worker_options(), "--without-mingle", "--without-gossip",
             "-l", "info"],
            cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while " ready." not in self.log():
            assert self.process.poll() is None and time.monotonic() < deadline, self.log()[-3000:]
            time.sleep(0.1)

    def log(self):
        return self.log_path.read_text(errors="replace")

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        stop_process_group(self.process, timeout=20)
