"""Staff edit eligibility rules in the admin; parameters that do not fit the rule's kind are refused."""

import pytest

from programmes.models import CountryGroup, EligibilityRule
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db
ADD = "/admin/programmes/eligibilityrule/add/"


@pytest.fixture
def programme(db):
    CountryGroup.objects.create(slug="belgium", name_en="Belgium", countries=["BE"])
    return ProgrammeFactory(slug="jpo")


def add_rule(admin_client, programme, kind, parameters):
    return admin_client.post(
        ADD,
        {
            "programme": programme.pk,
            "code": "rule",
            "kind": kind,
            "parameters": parameters,
            "explanation_nl": "Why",
            "order": 1,
        },
        headers={"accept-language": "en"},
    )


@pytest.mark.parametrize(
    ("kind", "parameters", "message"),
    [
        ("max-age", '{"years": -5}', "The maximum age must be a whole number from 1 to 100."),
        ("nationality", '{"groups": ["atlantis"]}', "Unknown country group “atlantis”."),
        ("languages", '{"languages": ["en", "nl"], "levels": [5, 2]}', "Unknown language code(s): nl"),
        (
            "languages",
            '{"languages": ["en", "fr"], "levels": [5, 9]}',
            "Language levels run from 1 (I) to 6 (VI)",
        ),
        ("min-education", '{"level": "phd"}', "Unknown education level"),
        ("max-age", "{years: 32", "Enter a valid JSON."),
    ],
)
def test_the_admin_refuses_bad_parameters_and_saves_nothing(
    admin_client, programme, kind, parameters, message
):
    response = add_rule(admin_client, programme, kind, parameters)

    assert response.status_code == 200  # the form again, with the error
    assert message in response.content.decode()
    assert not EligibilityRule.objects.exists()


def test_the_admin_saves_good_parameters(admin_client, programme):
    response = add_rule(admin_client, programme, "nationality", '{"groups": ["belgium"]}')

    assert response.status_code == 302
    assert EligibilityRule.objects.get().parameters == {"groups": ["belgium"]}


def test_the_admin_scopes_a_rule_to_a_country_group(admin_client, programme):
    belgium = CountryGroup.objects.get(slug="belgium")

    response = admin_client.post(
        ADD,
        {
            "programme": programme.pk,
            "code": "age",
            "kind": "max-age",
            "parameters": '{"years": 32}',
            "applies_to": belgium.pk,
            "explanation_nl": "Voor Belgen",
            "order": 1,
        },
    )

    assert response.status_code == 302
    assert EligibilityRule.objects.get().applies_to == belgium


def test_the_consent_ledger_is_read_only_in_the_admin(admin_client):
    from applications.models import ConsentEvent

    event = ConsentEvent.objects.create(
        subject="ab" * 32, event="given", notice_version="2026-11", channel="web-form"
    )

    assert admin_client.get("/admin/applications/consentevent/").status_code == 200
    assert admin_client.get("/admin/applications/consentevent/add/").status_code == 403
    admin_client.post(f"/admin/applications/consentevent/{event.pk}/delete/", {"post": "yes"})
    assert ConsentEvent.objects.filter(pk=event.pk).exists()
    assert admin_client.get("/admin/applications/subscriber/").status_code == 404
