"""Staff publish through the admin: roles, the publication workflow, preview, history and the dashboard."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jobboard.sessions import SIGNED_IN_AT
from programmes.markup import render_markdown
from tests.factories import (
    AlertDeliveryFactory,
    CallFactory,
    ProgrammeFactory,
    SubscriberFactory,
    VacancyFactory,
)
from vacancies.models import Call, PublicationStatus, Vacancy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff_groups")]
DRAFT = PublicationStatus.DRAFT
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def staff(name, group=None, **flags):
    user = User.objects.create_user(name, password="a-long-enough-password-42", is_staff=True, **flags)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(client):
    client.force_login(staff("editor", "Editors"))
    return client


@pytest.fixture
def publisher(client):
    client.force_login(staff("publisher", "Publishers"))
    return client


def draft_call(**kwargs):
    programme = ProgrammeFactory(slug="jpo")
    call = CallFactory(programme=programme, status=DRAFT, published_at=None, **kwargs)
    VacancyFactory(programme=programme, call=call, status=DRAFT, title="JPO Health Officer")
    return call


def run_action(client, model, action, objects, confirmed=True):
    """A change-list action; `confirmed`: as if staff confirmed on the page Close and Cancel show first."""
    return client.post(
        reverse(f"admin:vacancies_{model}_changelist"),
        {
            "action": action,
            "_selected_action": [o.pk for o in objects],
            **({"post": "yes"} if confirmed else {}),
        },
        follow=True,
        **ENGLISH,
    )


def test_a_publisher_publishes_a_call_with_its_vacancies_and_it_is_recorded(publisher):
    call = draft_call()

    response = run_action(publisher, "call", "publish", [call])

    call.refresh_from_db()
    assert call.status == "published" and call.published_by.username == "publisher"
    assert set(call.vacancies.values_list("status", flat=True)) == {"published"}
    assert "published" in response.text
    entry = LogEntry.objects.get(object_id=str(call.pk))
    assert entry.user.username == "publisher" and "published" in entry.get_change_message()
    history = publisher.get(reverse("admin:vacancies_call_history", args=[call.pk]), **ENGLISH)
    assert "published" in history.text


def test_the_publish_button_on_the_change_page_uses_the_same_workflow(publisher):
    call = draft_call()
    page = publisher.get(reverse("admin:vacancies_call_change", args=[call.pk]), **ENGLISH)
    assert reverse("admin:vacancies_call_step", args=[call.pk, "publish"]) in page.text

    publisher.post(reverse("admin:vacancies_call_step", args=[call.pk, "publish"]))

    assert Call.objects.get(pk=call.pk).status == "published"


def test_an_editor_can_prepare_but_not_publish(editor):
    call = draft_call()

    changelist = editor.get(reverse("admin:vacancies_call_changelist"), **ENGLISH)
    assert 'value="publish"' not in changelist.text
    assert 'value="duplicate"' in changelist.text
    run_action(editor, "call", "publish", [call])
    assert editor.post(reverse("admin:vacancies_call_step", args=[call.pk, "publish"])).status_code == 403
    page = editor.get(reverse("admin:vacancies_call_change", args=[call.pk]), **ENGLISH)
    assert "/step/publish/" not in page.text

    assert Call.objects.get(pk=call.pk).status == DRAFT


def test_an_editor_cannot_change_what_candidates_already_see(editor):
    vacancy = VacancyFactory()  # published
    url = reverse("admin:vacancies_vacancy_change", args=[vacancy.pk])

    response = editor.post(url, {"title": "Changed by an editor"})

    assert response.status_code == 403
    assert Vacancy.objects.get(pk=vacancy.pk).title != "Changed by an editor"


def organisation_form(organisation, **changes):
    return {
        "name": organisation.name, "acronym": organisation.acronym, "slug": organisation.slug,
        "kind": organisation.kind, "website": organisation.website, "other_names": "", "name_language": "",
        **changes,
    }  # fmt: skip


def test_an_editor_cannot_rename_an_organisation_that_candidates_see(editor):
    organisation = VacancyFactory().organisation  # named by a published vacancy
    url = reverse("admin:vacancies_organisation_change", args=[organisation.pk])

    response = editor.post(url, organisation_form(organisation, name="Renamed by an editor"))

    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name != "Renamed by an editor"


def test_an_editor_may_still_correct_an_organisation_only_drafts_name(editor):
    organisation = VacancyFactory(status=DRAFT, published_at=None).organisation
    url = reverse("admin:vacancies_organisation_change", args=[organisation.pk])

    response = editor.post(url, organisation_form(organisation, name="Corrected"))

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Corrected"


def test_a_publisher_renames_an_organisation_and_the_vacancy_page_shows_the_new_name(publisher):
    vacancy = VacancyFactory()
    organisation = vacancy.organisation
    url = reverse("admin:vacancies_organisation_change", args=[organisation.pk])

    response = publisher.post(url, organisation_form(organisation, name="A New Name"))

    assert response.status_code == 302
    with translation.override("en"):
        assert "A New Name" in publisher.get(vacancy.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"description_nl": ""}, "Add a description."),
        ({"apply_url": "http://careers.example.org/apply"}, "must start with https://"),
        ({"apply_url": "", "apply_instructions_nl": ""}, "Give an https apply link or instructions"),
    ],
)
def test_publishing_refuses_an_incomplete_vacancy_and_says_why(publisher, changes, problem):
    call = draft_call()
    call.vacancies.update(**changes)

    response = run_action(publisher, "call", "publish", [call])

    assert problem in response.text
    assert Call.objects.get(pk=call.pk).status == DRAFT


def test_publishing_refuses_a_closing_date_before_the_opening_date(publisher):
    call = draft_call()
    Call.objects.filter(pk=call.pk).update(closes_at=call.opens_at)

    response = run_action(publisher, "call", "publish", [call])

    assert "The closing date must come after the opening date." in response.text
    assert Call.objects.get(pk=call.pk).status == DRAFT


@pytest.mark.parametrize(
    "instructions",
    [
        {"apply_instructions_nl": "Stuur je cv naar jobs@embassy.example.org."},
        {"apply_instructions_fr": "Postulez sur https://recrutement.example.be/offres."},
        {"apply_instructions_en": "Apply on www.nato.int/recruitment before the deadline."},
    ],
)
def test_apply_instructions_that_name_an_address_stand_in_for_an_apply_link(publisher, instructions):
    vacancy = VacancyFactory(status=DRAFT, apply_url="", **instructions)

    run_action(publisher, "vacancy", "publish", [vacancy])

    assert Vacancy.objects.get(pk=vacancy.pk).status == "published"


def test_publishing_an_open_vacancy_without_a_way_to_apply_is_refused_with_a_clear_message(publisher):
    vacancy = VacancyFactory(
        status=DRAFT, apply_url="", apply_instructions_nl="Solliciteer via de link die hier later komt."
    )

    response = run_action(publisher, "vacancy", "publish", [vacancy])

    assert "was not changed" in response.text
    assert "name where to apply (a web or e-mail address)" in response.text
    assert Vacancy.objects.get(pk=vacancy.pk).status == DRAFT


def test_duplicating_a_call_makes_a_draft_with_draft_copies_of_its_vacancies(editor):
    call = draft_call()
    Call.objects.filter(pk=call.pk).update(status="published")

    run_action(editor, "call", "duplicate", [call])

    copy = Call.objects.exclude(pk=call.pk).get()
    with translation.override("nl"):  # the call's title is Dutch: so is the mark of the copy
        assert copy.title_nl == _("%(title)s (copy)") % {"title": call.title_nl}
    assert copy.status == DRAFT and copy.slug == f"{call.slug}-copy" and copy.title_en == ""
    assert list(copy.vacancies.values_list("status", "title_nl")) == [(DRAFT, "JPO Health Officer")]
    assert Vacancy.objects.count() == 2 and Vacancy.objects.values("slug").distinct().count() == 2


def test_cancelling_a_call_shows_its_vacancies_as_closed(publisher, client):
    call = draft_call()
    run_action(publisher, "call", "publish", [call])
    vacancy = call.vacancies.get()

    run_action(publisher, "call", "cancel", [call])

    page = client.get(f"/en/vacancies/{vacancy.slug}/")
    assert "This vacancy is closed." in page.text


def test_staff_preview_a_draft_that_the_public_cannot_see(editor, client):
    vacancy = VacancyFactory(status=DRAFT, title="Draft Water Engineer")
    preview = reverse("admin:vacancies_vacancy_preview", args=[vacancy.pk])

    response = editor.get(preview, **ENGLISH)

    assert response.status_code == 200
    assert "Draft Water Engineer" in response.text and "Preview for staff." in response.text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    change = editor.get(reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]), **ENGLISH)
    assert preview in change.text  # "view on site" leads to the preview
    editor.logout()
    assert editor.get(preview).status_code == 302  # to the login page
    assert client.get(f"/en/vacancies/{vacancy.slug}/").status_code == 404


def test_only_superusers_change_programme_rules(publisher, admin_client):
    programme = ProgrammeFactory(slug="jpo")
    url = reverse("admin:programmes_programme_change", args=[programme.pk])

    assert publisher.get(url).status_code == 200  # read-only view
    assert publisher.post(url, {"name": "Changed"}).status_code == 403
    assert publisher.get(reverse("admin:programmes_eligibilityrule_add")).status_code == 403
    assert admin_client.get(reverse("admin:programmes_eligibilityrule_add")).status_code == 200


def test_hostile_markdown_is_rendered_harmless():
    html = render_markdown(
        "# Title\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[click](javascript:alert(1)) [site](https://example.org)\n\n"
        '<a href="https://x.example" onclick="y()">x</a>\n\n'
        "<iframe src=https://evil.example></iframe> <style>body{display:none}</style>"
    )

    assert "<script" not in html and "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html and "<iframe" not in html and "<style" not in html and "<img" not in html
    assert '<a href="https://example.org" rel="noopener noreferrer">site</a>' in html
    assert re.search(r'<a href="https://x.example" rel="noopener noreferrer">x</a>', html)


def test_guessing_a_staff_password_is_locked_out(client):
    staff("publisher", "Publishers")
    login = reverse("admin:login")

    for _attempt in range(5):
        client.post(login, {"username": "publisher", "password": "wrong"})
    locked = client.post(login, {"username": "publisher", "password": "a-long-enough-password-42"})

    assert locked.status_code == 429
    other_address = client.post(
        login, {"username": "publisher", "password": "a-long-enough-password-42"}, REMOTE_ADDR="198.51.100.9"
    )
    assert other_address.status_code == 302  # signed in: the lock is per username and address


def test_a_staff_session_ends_after_half_an_hour_without_a_request(publisher):
    index = reverse("admin:index")
    assert publisher.get(index).status_code == 200
    session = Session.objects.get()
    assert session.expire_date - timezone.now() <= dt.timedelta(minutes=30)  # renewed by each request

    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))  # 30 idle minutes later

    assert publisher.get(index).url.startswith(reverse("admin:login"))


def test_a_staff_session_ends_ten_hours_after_signing_in_however_active(publisher):
    index = reverse("admin:index")
    session = publisher.session
    session[SIGNED_IN_AT] -= 10 * 3600 + 1
    session.save()

    response = publisher.get(index)

    assert response.url.startswith(reverse("admin:login"))
    assert publisher.get(index).url.startswith(reverse("admin:login"))  # signed out, not just turned away


def test_public_pages_never_start_or_read_a_session(client):
    VacancyFactory()

    response = client.get(reverse("vacancies:list"))

    assert "Cookie" not in response.get("Vary", "") and settings.SESSION_COOKIE_NAME not in response.cookies


def test_the_dashboard_shows_headcounts_subscribers_and_alerts_without_personal_data(publisher):
    call_command("seed_demo", verbosity=0)
    wave = Call.objects.get(slug="asiel-migratie-golf-1")
    AlertDeliveryFactory(subscriber=SubscriberFactory(email="someone@example.org"), call=wave, status="sent")

    html = publisher.get(reverse("admin:dashboard"), **ENGLISH).text

    wave_section = html.split(wave.title)[1].split("</section>")[0]
    for headcount in ("55", "85", "43"):
        assert f"<td>{headcount}</td>" in wave_section
    assert "183 positions" in wave_section
    assert "Alerts: 1 sent" in wave_section
    assert "someone@example.org" not in html


def test_every_admin_page_and_action_answers_without_a_server_error(client):
    call_command("seed_demo", verbosity=0)
    from django.contrib import admin

    for group in ("Editors", "Publishers"):
        client.force_login(staff(group.lower(), group))
        client.raise_request_exception = False
        urls = [reverse("admin:index"), reverse("admin:dashboard")]
        for model in admin.site._registry:
            opts = model._meta
            info = f"admin:{opts.app_label}_{opts.model_name}"
            urls += [reverse(f"{info}_changelist"), reverse(f"{info}_add")]
            obj = model.objects.order_by("pk").first()
            if obj is not None:
                urls += [reverse(f"{info}_change", args=[obj.pk]), reverse(f"{info}_history", args=[obj.pk])]
                urls.append(reverse(f"{info}_delete", args=[obj.pk]))
        for url in urls:
            status = client.get(url, **ENGLISH).status_code
            assert status < 500, (group, url, status)
        for model in ("call", "vacancy"):
            objects = list((Call if model == "call" else Vacancy).objects.order_by("pk")[:2])
            for action in ("publish", "close", "cancel", "duplicate"):
                assert run_action(client, model, action, objects).status_code < 500, (group, model, action)
                for step_obj in objects:
                    url = reverse(f"admin:vacancies_{model}_step", args=[step_obj.pk, action])
                    assert client.post(url).status_code < 500, (group, url)
            assert (
                client.get(reverse(f"admin:vacancies_{model}_preview", args=[objects[0].pk])).status_code
                < 500
            )
        client.logout()


def test_cancelling_a_call_from_its_page_first_says_what_will_happen(publisher):
    call = draft_call()
    VacancyFactory(programme=call.programme, call=call, status=DRAFT, title="JPO Water Engineer")
    run_action(publisher, "call", "publish", [call])
    Call.objects.filter(pk=call.pk).update(opened_notified_at=timezone.now())  # as the fan-out marks it
    page = publisher.get(reverse("admin:vacancies_call_change", args=[call.pk]), **ENGLISH)
    assert "Cancel call" in page.text and "Publish call" not in page.text  # published already
    cancel = reverse("admin:vacancies_call_step", args=[call.pk, "cancel"])

    confirmation = publisher.get(cancel, **ENGLISH)

    assert confirmation.status_code == 200 and "Cancel this call?" in confirmation.text
    assert "its 2 vacancies still taking or awaiting applications are shown as cancelled" in confirmation.text
    assert "(2 of them visible to candidates)" in confirmation.text
    assert "Subscribers were alerted when the call opened" in confirmation.text
    assert Call.objects.get(pk=call.pk).status == "published"  # asking changed nothing

    publisher.post(cancel)

    assert Call.objects.get(pk=call.pk).status == "cancelled"


def test_closing_a_call_that_has_not_opened_says_its_subscribers_will_not_be_alerted(publisher):
    call = draft_call(opens_at=timezone.now() + dt.timedelta(days=3))
    run_action(publisher, "call", "publish", [call])

    confirmation = publisher.get(reverse("admin:vacancies_call_step", args=[call.pk, "close"]), **ENGLISH)

    assert "Close this call now?" in confirmation.text
    assert "1 vacancy still taking or awaiting applications closes with the call" in confirmation.text
    assert "its subscribers will not be alerted about it" in confirmation.text


def test_closing_selected_vacancies_asks_first_and_acts_only_once_confirmed(publisher):
    vacancies = [VacancyFactory(), VacancyFactory()]

    asked = run_action(publisher, "vacancy", "close", vacancies, confirmed=False)

    assert "Close these 2 vacancies now?" in asked.text
    assert asked.text.count("Applications end now") == 2
    assert Vacancy.objects.open().count() == 2

    run_action(publisher, "vacancy", "close", vacancies)

    assert Vacancy.objects.open().count() == 0


def test_the_change_page_shows_the_state_and_only_the_steps_that_change_something(publisher):
    draft = VacancyFactory(status=DRAFT)
    closed = VacancyFactory(closed=True)

    draft_page = publisher.get(reverse("admin:vacancies_vacancy_change", args=[draft.pk]), **ENGLISH).text
    closed_page = publisher.get(reverse("admin:vacancies_vacancy_change", args=[closed.pk]), **ENGLISH).text

    assert "Draft: candidates do not see it" in draft_page
    assert "Publish vacancy" in draft_page and "Close vacancy now" not in draft_page
    assert "Published, closed since" in closed_page
    assert "Publish vacancy" not in closed_page and "Close vacancy now" not in closed_page
    assert "Cancel vacancy" in closed_page and "Duplicate vacancy" in closed_page


def test_the_dashboard_links_to_what_needs_attention(publisher):
    now = timezone.now()
    programme = ProgrammeFactory()
    waiting = CallFactory(programme=programme, status=DRAFT, opens_at=now + dt.timedelta(days=3))
    CallFactory(programme=programme, opens_at=now + dt.timedelta(days=10))  # not within 7 days
    instructions_only = VacancyFactory(
        apply_url="", apply_instructions_nl="Stuur je cv naar jobs@embassy.example.org.", title="By e-mail"
    )
    VacancyFactory(apply_url="", apply_instructions_nl="Mail jobs@example.org.", closed=True)  # not open
    VacancyFactory()  # open, with an apply link

    html = publisher.get(reverse("admin:dashboard"), **ENGLISH).text

    attention = html.split("Needs attention")[1].split("</ul>")[0]
    links = {
        label: url.replace("&amp;", "&")
        for url, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', attention)
    }
    drafts = publisher.get(links["Draft calls waiting for a Publisher"], **ENGLISH)
    assert list(drafts.context["cl"].result_list) == [waiting]
    soon = publisher.get(links["Calls opening in the next 7 days"], **ENGLISH)
    assert list(soon.context["cl"].result_list) == [waiting]
    no_link = publisher.get(
        links["Open vacancies without an apply link (candidates rely on the instructions)"], **ENGLISH
    )
    assert list(no_link.context["cl"].result_list) == [instructions_only]
    assert "Draft vacancies waiting for a Publisher" not in links  # none: a count without a link
