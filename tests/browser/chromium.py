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


def answer_the_checker(
    page, *, nationality="BE", birth_date="1994-05-17", education="master", experience="3"
):
    """Answer whichever questions the checker asks (they depend on the programme's rules), then submit."""
    if page.locator("#id_nationality").count():
        page.locator("#id_nationality").select_option(nationality)
    if page.locator("#id_birth_date").count():
        page.locator("#id_birth_date").fill(birth_date)
    if page.locator("#id_education").count():
        page.locator("#id_education").select_option(education)
    if page.locator("#id_experience_years").count():
        page.locator("#id_experience_years").fill(experience)
    for code, level in (("en", "5"), ("fr", "3")):
        field = page.locator(f"#id_language_{code}")
        if not field.count():
            continue
        if field.get_attribute("type") == "checkbox":
            field.check()
        else:
            field.select_option(level)
    if page.locator("form.checker").count():
        page.locator("form.checker button[type=submit]").click()
    page.locator("#verdict").wait_for()
