"""A factory per model (factory_boy), with realistic text from Faker where no test reads the value.

Catalogue factories make published, open rows unless told otherwise; texts are in Dutch (the default
language) unless a test names another column.
"""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from applications import searches, tokens
from applications.models import (
    Alert,
    AlertDelivery,
    AlertMatch,
    AlertReport,
    ConsentEvent,
    OutboxMessage,
    ScannedVacancy,
    Subscriber,
)
from programmes.models import ContractTerms, CountryGroup, EligibilityRule, Programme, SelectionStep
from vacancies.models import Call, Organisation, PublicationStatus, Vacancy


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["slug"]
        # Texts are written in Dutch (the default language) unless a test names another column.
        rename = {"name": "name_nl", "summary": "summary_nl"}

    slug = factory.Sequence(lambda n: f"programme-{n}")
    name_nl = factory.Sequence(lambda n: f"Programme {n}")
    sponsor = "FOD Buitenlandse Zaken"
    summary_nl = "A recruitment scheme."


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Organisation {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organisation.Kind.UN_AGENCY


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        rename = {"title": "title_nl"}

    programme = factory.SubFactory(ProgrammeFactory)
    title_nl = factory.Sequence(lambda n: f"Call {n}")
    slug = factory.Sequence(lambda n: f"call-{n}")
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=5))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class VacancyFactory(factory.django.DjangoModelFactory):
    """An open, published vacancy with dates of its own unless told otherwise."""

    class Meta:
        model = Vacancy
        rename = {"title": "title_nl", "summary": "summary_nl", "description": "description_nl"}

    title_nl = factory.Sequence(lambda n: f"Programme Officer {n}")
    slug = factory.Sequence(lambda n: f"vacancy-{n}")
    programme = factory.SubFactory(ProgrammeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    city = "Brussels"
    country = "BE"
    summary_nl = "Support the programme team."
    description_nl = "Work with partners."
    contract_type = Vacancy.ContractType.FIXED_TERM
    apply_url = "https://careers.example.org/apply"
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        closed = factory.Trait(closes_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1)))


class SelectionStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelectionStep
        rename = {"title": "title_nl", "description": "description_nl"}

    programme = factory.SubFactory(ProgrammeFactory)
    order = factory.Sequence(lambda n: n + 1)
    title_nl = factory.Faker("sentence", nb_words=3, locale="nl_BE")
    description_nl = factory.Faker("paragraph", nb_sentences=2, locale="nl_BE")
    kind = SelectionStep.Kind.SELECTION


class ContractTermsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractTerms

    programme = factory.SubFactory(ProgrammeFactory)
    initial_term_months = 12
    maximum_total_months = 36
    renewal_nl = factory.Faker("sentence", locale="nl_BE")


class CountryGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountryGroup
        django_get_or_create = ["slug"]
        rename = {"name": "name_en"}

    slug = factory.Sequence(lambda n: f"group-{n}")
    name_en = factory.Faker("country", locale="en_GB")
    countries = ["BE"]


class EligibilityRuleFactory(factory.django.DjangoModelFactory):
    """A maximum age, unless told another kind with its parameters."""

    class Meta:
        model = EligibilityRule
        rename = {"explanation": "explanation_en"}

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"rule-{n}")
    kind = EligibilityRule.Kind.MAX_AGE
    parameters = factory.LazyFunction(lambda: {"years": 32})
    explanation_en = factory.Faker("sentence", locale="en_GB")
    source = "jpo-programme.nl.txt, line 67"


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed subscriber following one programme (`programmes=[...]` to choose)."""

    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"candidate-{n}@example.org")
    language = "nl"
    status = Subscriber.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def programmes(self, create, extracted, **kwargs):
        if create:
            self.programmes.set(extracted if extracted is not None else [ProgrammeFactory(slug="jpo")])


class ConsentEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentEvent

    subject = factory.Sequence(lambda n: tokens.subject_hash(f"candidate-{n}@example.org"))
    event = ConsentEvent.Event.GIVEN
    notice_version = "2026-12"
    channel = ConsentEvent.Channel.WEB_FORM


class AlertDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlertDelivery

    subscriber = factory.SubFactory(SubscriberFactory)
    call = factory.SubFactory(CallFactory)


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    """A confirmation e-mail waiting to be sent."""

    class Meta:
        model = OutboxMessage

    subscriber = factory.SubFactory(SubscriberFactory, status=Subscriber.Status.PENDING, confirmed_at=None)
    kind = OutboxMessage.Kind.CONFIRM


class AlertFactory(factory.django.DjangoModelFactory):
    """A confirmed search alert of a subscriber who follows no programme (`selection="q=klimaat"`)."""

    class Meta:
        model = Alert

    subscriber = factory.SubFactory(SubscriberFactory, programmes=[])
    selection = "programme=jpo"
    status = Alert.Status.CONFIRMED
    frequency = Alert.Frequency.HOURLY
    confirmed_at = factory.LazyFunction(timezone.now)
    renewed_at = factory.SelfAttribute("confirmed_at")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return super()._create(model_class, *args, **(searches.columns(kwargs["selection"]) | kwargs))


class AlertReportFactory(factory.django.DjangoModelFactory):
    """An e-mail of a search alert, waiting to be sent."""

    class Meta:
        model = AlertReport

    alert = factory.SubFactory(AlertFactory)


class AlertMatchFactory(factory.django.DjangoModelFactory):
    """A vacancy that matched an alert, not reported yet."""

    class Meta:
        model = AlertMatch

    alert = factory.SubFactory(AlertFactory)
    vacancy = factory.SubFactory(VacancyFactory)


class ScannedVacancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScannedVacancy

    vacancy = factory.SubFactory(VacancyFactory)


class StaffUserFactory(factory.django.DjangoModelFactory):
    """A staff account (add it to the Editors or Publishers group for a role)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff-{n}")
    email = factory.Faker("email", locale="nl_BE")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "a-long-staff-password-1")
