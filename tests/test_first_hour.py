"""A newcomer's first hour, as the README tells it: `PORT=... make run` in a copy of the project, subscribe,
confirm through the link the e-mail carries (unedited), then `manage.py subscriber_export -` and
`make superuser` with no extra variables.

The copy shares this checkout's virtualenv (`VENV=`): the test costs a migration and a seed, not an install.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.prefix)
ADDRESS = "newcomer@example.org"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_environment(**extra):
    """The shell of a newcomer: none of the variables the suite or CI sets."""
    prefixes = ("DJANGO_", "DATABASE_", "REDIS_", "SITE_", "EMAIL_", "REQUIRE_", "PYTEST", "PORT")
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)} | extra


@pytest.fixture
def project(tmp_path):
    if not (VENV / ".installed-stamp").exists():
        pytest.skip("runs `make` with this checkout's virtualenv, which `make test` sets up")
    copy = tmp_path / "jobboard"
    # copy2 keeps file times: pyproject.toml stays older than the virtualenv's stamp: make installs nothing.
    skipped = shutil.ignore_patterns(".venv", "var", ".git", "__pycache__", "staticfiles", "*.mo")
    shutil.copytree(ROOT, copy, ignore=skipped)
    return copy


@pytest.fixture
def served(project):
    port = free_port()
    server = subprocess.Popen(
        ["make", "run", f"VENV={VENV}"],
        cwd=project,
        env=clean_environment(PORT=str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"make run stopped: {server.stdout.read().decode()}")
                time.sleep(0.5)
        else:
            pytest.fail("make run did not serve within 180 s")
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def post_form(opener, url, fields):
    """GET the page for its CSRF token, then POST `fields` with it, as a browser would."""
    page = opener.open(url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}, doseq=True).encode()
    request = urllib.request.Request(url, data=data, headers={"Referer": url})
    return opener.open(request).read().decode()


def test_a_newcomer_subscribes_confirms_exports_and_gets_a_staff_account(project, served):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    post_form(
        opener,
        f"{served}/en/alerts/",
        {"email": ADDRESS, "programmes": ["jpo"], "language": "en", "consent": "on"},
    )
    mails = "".join(path.read_text() for path in (project / "var" / "mail").iterdir())
    links = re.findall(r"https?://[^\s\"<>]+/alerts/confirm/[^\s\"<>]+/", mails)
    assert links and all(link.startswith(f"{served}/") for link in links), links
    confirmed = post_form(opener, links[0], {})
    assert "confirmed" in confirmed.lower()

    export = subprocess.run(
        [VENV / "bin" / "python", "manage.py", "subscriber_export", "-"],
        cwd=project,
        env=clean_environment(),
        input=ADDRESS,
        capture_output=True,
        text=True,
    )
    assert export.returncode == 0, export.stderr
    assert '"confirmed"' in export.stdout

    superuser = subprocess.run(
        ["make", "superuser", f"VENV={VENV}", "SUPERUSER_ARGS=--noinput"],
        cwd=project,
        env=clean_environment(
            DJANGO_SUPERUSER_USERNAME="staff",
            DJANGO_SUPERUSER_EMAIL="staff@example.org",
            DJANGO_SUPERUSER_PASSWORD="a-long-staff-password-1",
        ),
        capture_output=True,
        text=True,
    )
    assert superuser.returncode == 0, superuser.stdout + superuser.stderr
    assert "Superuser created successfully." in superuser.stdout
