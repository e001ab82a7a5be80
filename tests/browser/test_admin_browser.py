"""Staff in a real browser: a publisher publishes a JPO call from the admin; an editor cannot."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.utils import timezone

from applications.models import AlertDelivery, Subscriber
from tests.factories import OrganisationFactory, ProgrammeFactory
from vacancies.models import Call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-enough-password-42"


@pytest.fixture
def setup(staff_groups):
    jpo = ProgrammeFactory(slug="jpo", name="Junior Professional Officer")
    OrganisationFactory(name="United Nations Children's Fund", acronym="UNICEF", slug="unicef")
    OrganisationFactory(name="United Nations Development Programme", acronym="UNDP", slug="undp")
    subscriber = Subscriber.objects.create(email="follower@example.org", language="en", status="confirmed")
    subscriber.programmes.add(jpo)
    for name in ("Publishers", "Editors"):
        user = User.objects.create_user(name.lower(), password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=name))


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def autocomplete(page, field_id, text):
    page.click(f"[aria-labelledby='select2-{field_id}-container']")
    page.fill(".select2-container--open .select2-search__field", text)
    page.locator(".select2-results__option", has_text=text).first.click()


def add_vacancy(page, index, title, organisation, city, country):
    page.click("#vacancies-group .add-row a")
    prefix = f"vacancies-{index}"
    page.fill(f"#id_{prefix}-title_nl", title)
    autocomplete(page, f"id_{prefix}-organisation", organisation)
    page.select_option(f"#id_{prefix}-contract_type", "fixed-term")
    page.fill(f"#id_{prefix}-city", city)
    page.select_option(f"#id_{prefix}-country", country)
    page.fill(f"#id_{prefix}-summary_nl", f"{title}: support the country office.")
    page.fill(f"#id_{prefix}-description_nl", "Work with the programme team on **results**.")
    page.fill(f"#id_{prefix}-apply_url", "https://careers.example.org/apply")


def test_a_publisher_publishes_a_jpo_call_and_subscribers_are_alerted_once(page, live_server, setup):
    sign_in(page, live_server, "publishers")
    page.goto(f"{live_server.url}/admin/vacancies/call/add/")
    autocomplete(page, "id_programme", "Junior Professional Officer")
    page.fill("#id_title_nl", "JPO call 2026")
    page.fill("#id_year", str(timezone.localdate().year))
    opens = timezone.localtime() - dt.timedelta(hours=1)
    page.fill("#id_opens_at_0", opens.strftime("%Y-%m-%d"))
    page.fill("#id_opens_at_1", opens.strftime("%H:%M:%S"))
    page.fill("#id_closes_at_0", (opens + dt.timedelta(days=30)).strftime("%Y-%m-%d"))
    page.fill("#id_closes_at_1", "12:00:00")
    add_vacancy(page, 0, "JPO Child Protection Officer", "UNICEF", "Kigali", "RW")
    add_vacancy(page, 1, "JPO Climate Finance Analyst", "UNDP", "Dakar", "SN")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    assert "Draft" in page.locator(".workflow__state").inner_text()
    page.get_by_role("button", name="Publish call").click()
    page.wait_for_selector(".messagelist .success")
    assert "Published, open until" in page.locator(".workflow__state").inner_text()
    assert page.get_by_role("button", name="Publish call").count() == 0  # nothing left to publish

    call = Call.objects.get(title_nl="JPO call 2026")
    assert call.status == "published" and call.published_by.username == "publishers"
    page.goto(f"{live_server.url}/en/vacancies/?programme=jpo")
    titles = page.locator(".results .card__title").all_inner_texts()
    assert sorted(titles) == ["JPO Child Protection Officer", "JPO Climate Finance Analyst"]
    assert AlertDelivery.objects.filter(call=call).count() == 1
    assert [m.to for m in mail.outbox if m.subject.startswith("New call")] == [["follower@example.org"]]


def test_an_editor_cannot_publish_from_the_admin(page, live_server, setup):
    programme = ProgrammeFactory(slug="jpo")
    call = Call.objects.create(
        programme=programme, title_nl="Draft call", slug="draft-call", year=2026, opens_at=timezone.now()
    )
    sign_in(page, live_server, "editors")

    page.goto(f"{live_server.url}/admin/vacancies/call/{call.pk}/change/")
    assert page.get_by_role("button", name="Publish").count() == 0
    assert page.get_by_role("button", name="Duplicate").count() == 1
    page.goto(f"{live_server.url}/admin/vacancies/call/")
    options = page.locator("select[name=action] option").all_inner_texts()
    assert not any("Publish" in option for option in options)
    assert Call.objects.get(pk=call.pk).status == "draft"


def test_cancelling_a_call_asks_first_on_a_page_that_says_what_will_happen(page, live_server, seeded, setup):
    call = Call.objects.filter(status="published", vacancies__isnull=False).distinct().first()
    sign_in(page, live_server, "publishers")
    page.goto(f"{live_server.url}/admin/vacancies/call/{call.pk}/change/")

    page.get_by_role("button", name="Cancel call").click()

    page.wait_for_url(re.compile(r"/step/cancel/"))
    assert "Cancel this call?" in page.locator("h1").inner_text()
    assert "shown as cancelled" in page.locator(".workflow-effects").inner_text()
    assert Call.objects.get(pk=call.pk).status == "published"
    page.get_by_role("button", name="Cancel call").click()
    page.wait_for_selector(".messagelist .success")
    assert Call.objects.get(pk=call.pk).status == "cancelled"
    assert "Cancelled" in page.locator(".workflow__state").inner_text()


@pytest.mark.parametrize("model", ["call", "vacancy"])
def test_the_change_lists_show_state_dates_and_programme_without_scrolling_at_1280_px(
    page, live_server, seeded, setup, model
):
    sign_in(page, live_server, "publishers")
    page.goto(f"{live_server.url}/admin/vacancies/{model}/")

    visible_right = page.evaluate(
        "document.querySelector('#changelist .results').getBoundingClientRect().right"
    )
    for column in ("state_badge", "programme", "opening", "deadline"):
        header = page.locator(f"#result_list th.column-{column}")
        box = header.bounding_box()
        assert box is not None, column
        assert box["x"] + box["width"] <= min(visible_right, 1280) + 0.5, (model, column, box, visible_right)
