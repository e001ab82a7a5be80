import datetime as dt

import factory
from django.utils import timezone

from programmes.models import Programme
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
