"""`make screenshots`: PNGs of the main candidate pages, on a desktop and a phone, in var/screenshots/.

    python -m tests.browser.screenshots [LANGUAGE ...]     (default: en)

Starts its own server on a free loopback port, against a throwaway SQLite database in var/ that it
migrates and seeds with `seed_demo`, and drives Debian's chromium. Nothing outside var/ is touched.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, VIEWPORTS, answer_the_checker

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var"
OUTPUT = VAR / "screenshots"
DATABASE = VAR / "screenshots.sqlite3"
OPEN_VACANCY = "jpo-undp-senegal"  # a seeded open vacancy with an apply link


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(port: int) -> dict:
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "screenshots-only-not-secret",
        "DATABASE_URL": f"sqlite:///{DATABASE}",
        "REDIS_URL": "",
        "SITE_URL": f"http://127.0.0.1:{port}",
    }


def manage(*args, env):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def wait_until_up(url: str, server: subprocess.Popen, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped (exit code {server.returncode}).")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise SystemExit(f"The server did not answer at {url} within {seconds} s.")


def shoot(base_url: str, languages) -> list[Path]:
    pages = {
        "list": ("/vacancies/", None),
        "detail": (f"/vacancies/{OPEN_VACANCY}/", None),
        "checker": (f"/programmes/jpo/eligibility/?vacancy={OPEN_VACANCY}", answer_the_checker),
        "alerts": ("/alerts/", None),
    }
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for device, options in VIEWPORTS.items():
            context = browser.new_context(**options)
            page = context.new_page()
            for language in languages:
                for name, (path, action) in pages.items():
                    page.goto(f"{base_url}/{language}{path}")
                    if action:
                        action(page)
                    target = OUTPUT / f"{name}-{language}-{device}.png"
                    page.screenshot(path=target, full_page=True)
                    written.append(target)
            context.close()
        browser.close()
    return written


def main(languages):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    DATABASE.unlink(missing_ok=True)
    port = free_port()
    env = server_environment(port)
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("seed_demo", "-v", "0", env=env)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base_url}/healthz", server)
        written = shoot(base_url, languages)
    finally:
        server.terminate()
        server.wait(timeout=10)
        DATABASE.unlink(missing_ok=True)
    for path in written:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main(sys.argv[1:] or ["en"])
