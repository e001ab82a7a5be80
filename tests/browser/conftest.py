"""Real headless Chromium (Debian's package) driven by Playwright against a live server."""

import os

import pytest

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, VIEWPORTS


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    """Pages in Dutch and French need the .mo files, as `make test` compiles them (stale ones only)."""
    from jobboard.catalogues import compile_catalogues

    compile_catalogues()


@pytest.fixture
def seeded(transactional_db):
    """The demo catalogue of `manage.py seed_demo`, committed so the live server sees it."""
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
    # browser steps are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page_in_new_context(browser, **options):
    """A page in a context of its own (no cookies or storage shared with other tests), closed after."""
    context = browser.new_context(**options)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(browser):
    yield from _page_in_new_context(browser, **VIEWPORTS["desktop"])


@pytest.fixture
def phone(browser):
    yield from _page_in_new_context(browser, **VIEWPORTS["phone"])


@pytest.fixture
def page_without_js(browser):
    yield from _page_in_new_context(browser, java_script_enabled=False)
