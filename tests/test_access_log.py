"""Links in e-mails carry tokens; no log may keep them: gunicorn run as docker-compose.yml runs it."""

import re
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request

from tests.smtp_sink import free_port
from tests.workers import ROOT, stop_process_group

TOKEN = "eyJzdWJzY3JpYmVyIjo0Mn0:1uZfGh:c2VjcmV0LXRva2VuLXBhcnQ"


def compose_gunicorn_options():
    command = re.search(r"gunicorn jobboard\.wsgi (.*?)\"", (ROOT / "docker-compose.yml").read_text()).group(
        1
    )
    options = shlex.split(command)
    at = options.index("--bind")
    return options[:at] + options[at + 2 :]  # our own port instead


def test_the_access_log_and_the_request_log_write_token_paths_without_the_token(tmp_path):
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SECRET_KEY": "test-only", "DATABASE_URL": f"sqlite:///{tmp_path}/db",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "INFO"}  # fmt: skip
    output = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "jobboard.wsgi", "--bind", f"127.0.0.1:{port}",
         *compose_gunicorn_options()],
        cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        paths = [f"/en/alerts/withdraw/{TOKEN}/", f"/nl/alerts/confirm/{TOKEN}/?x=1"]
        for path in paths:
            for _attempt in range(100):
                try:
                    urllib.request.urlopen(
                        urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Referer": path})
                    )
                except urllib.error.HTTPError:
                    break  # 400: the token is not valid, and that is enough to be logged
                except urllib.error.URLError:
                    time.sleep(0.1)  # not listening yet
                else:
                    break
        time.sleep(0.5)
    finally:
        stop_process_group(server, timeout=10)
    log = (tmp_path / "gunicorn.log").read_text()

    assert "GET /en/alerts/withdraw/…/ HTTP/1.1" in log
    assert "GET /nl/alerts/confirm/…/?x=1 HTTP/1.1" in log
    assert "Bad Request: /en/alerts/withdraw/…/" in log  # Django's request log
    assert TOKEN[:20] not in log
