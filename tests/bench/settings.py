"""Settings of the benchmark server: the site's own settings, plus the floor view of tests/bench/urls.py."""

from jobboard.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
