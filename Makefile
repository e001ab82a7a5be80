# The README's two commands: `make run` and `make test`. Both set up the virtualenv in .venv/ first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links in e-mails point to the port the site is served on, unless SITE_URL says otherwise.
SITE_URL ?= http://127.0.0.1:$(PORT)
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test superuser screenshots lighthouse lighthouse-install lint format bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The translation catalogues (jobboard/locale), compiled without GNU gettext; an up-to-date .mo is left alone.
catalogues: install
	$(BIN)/python -m jobboard.catalogues

# The embedded setup: SQLite in var/, tasks run eagerly, e-mail written to var/mail/.
run: catalogues
	mkdir -p var/mail
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo "jobboard: $(SITE_URL)/ ; staff: $(SITE_URL)/admin/ (make superuser creates an account); e-mail: var/mail/"
	DJANGO_DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# A staff account (a superuser) for /admin/ on the embedded setup; asks for a name, an address and a password.
# SUPERUSER_ARGS=--noinput with DJANGO_SUPERUSER_USERNAME, _EMAIL and _PASSWORD in the environment asks nothing.
superuser: catalogues
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createsuperuser $(SUPERUSER_ARGS)

# The whole suite. Service tests use DATABASE_URL / REDIS_URL when set and skip otherwise
# (they fail instead under REQUIRE_SERVICES=1, as .ci/run sets it).
test: catalogues
	mkdir -p var
	DJANGO_SECRET_KEY=test-only-not-secret $(BIN)/python -m pytest $(PYTEST_ARGS)

# PNGs of the list, detail, checker and alerts pages, desktop and phone, in var/screenshots/: its own server on
# a free loopback port, a throwaway seeded SQLite database in var/, Debian's chromium. LANGUAGES=nl fr en for more.
screenshots: catalogues
	$(BIN)/python -m tests.browser.screenshots $(LANGUAGES)

# Lighthouse (npm's `lighthouse`, into var/lighthouse/) with Debian's chromium (CHROME_PATH): home, list, detail,
# checker and alerts pages, phone and desktop, against a seeded test server. Fails below 95 on accessibility,
# best practices or SEO; performance is reported (var/lighthouse/scores.json). `make test` runs four of these
# pages whenever Lighthouse is installed.
LIGHTHOUSE_VERSION ?= 13
lighthouse-install:
	test -x var/lighthouse/node_modules/.bin/lighthouse || \
		npm install --prefix var/lighthouse --no-audit --no-fund --loglevel=error lighthouse@$(LIGHTHOUSE_VERSION)

lighthouse: catalogues lighthouse-install
	LIGHTHOUSE_ALL=1 DJANGO_SECRET_KEY=test-only-not-secret CHROME_PATH=/usr/bin/chromium \
		$(BIN)/python -m pytest -q -s tests/browser/test_lighthouse.py
	@cat var/lighthouse/scores.json

# Benchmarks on PostgreSQL and Redis (docs/performance.md): pages at 1,000 and 100,000 vacancies under wrk against
# gunicorn, and the alert fan-out to 100,000 subscribers, each against a floor measured in the same run. Makes its
# own databases (jobboard_bench_*) and uses Redis database 9; prints the tables and writes var/bench/results.json.
# BENCH_SUBSCRIBERS=10000 (and the other BENCH_* of tests/bench/__main__.py) for a quicker loop.
bench: catalogues
	command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	DJANGO_SECRET_KEY=bench-only-not-secret $(BIN)/python -m tests.bench $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles
