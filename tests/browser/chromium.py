"""Debian's chromium as every browser test and `make screenshots` drive it, and the steps they share."""

CHROMIUM = "/usr/bin/chromium"
# Chromium must not reach for Google's services: this machine has no network beyond loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True},
}


def answer_the_checker(page):
    page.locator("#id_birth_date").fill("1994-05-17")
    page.locator("#id_nationality").select_option("BE")
    page.locator("#id_education").select_option("master")
    page.locator("#id_experience_years").fill("3")
    page.locator("#id_language_en").select_option("5")
    page.locator("#id_language_fr").select_option("3")
    page.locator("form.checker button[type=submit]").click()
    page.locator("#verdict").wait_for()
