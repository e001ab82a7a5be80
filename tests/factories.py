import datetime as dt

import factory
from django.utils import timezone

from programmes.models import Programme
from vacancies.models import Call, Organisation, PublicationStatus, Vacancy


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"Programme {n}")
    sponsor = "FOD Buitenlandse Zaken"
    summary = "A recruitment scheme."


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

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Call {n}")
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

    title = factory.Sequence(lambda n: f"Programme Officer {n}")
    slug = factory.Sequence(lambda n: f"vacancy-{n}")
    programme = factory.SubFactory(ProgrammeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    city = "Brussels"
    country = "BE"
    summary = "Support the programme team."
    description = "Work with partners."
    contract_type = Vacancy.ContractType.FIXED_TERM
    apply_url = "https://careers.example.org/apply"
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        closed = factory.Trait(closes_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1)))
