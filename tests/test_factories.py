"""Every model of the three apps has a factory in tests/factories.py, and it makes a valid row."""

import inspect

import factory
import pytest
from django.apps import apps

from tests import factories

pytestmark = pytest.mark.django_db
APPS = ("programmes", "vacancies", "applications")
FACTORIES = {
    f._meta.model: f
    for f in vars(factories).values()
    if inspect.isclass(f) and issubclass(f, factory.django.DjangoModelFactory) and f._meta.model
}


def test_every_model_has_a_factory():
    models = {model for label in APPS for model in apps.get_app_config(label).get_models()}

    assert sorted(m.__name__ for m in models - set(FACTORIES)) == []


@pytest.mark.parametrize("model", sorted(FACTORIES, key=lambda m: m.__name__), ids=lambda m: m.__name__)
def test_each_factory_makes_a_row_that_passes_validation(model):
    row = FACTORIES[model]()

    row.full_clean(exclude=["password"] if model.__name__ == "User" else None)
    assert model.objects.filter(pk=row.pk).exists()
