"""The migration graph follows the layers: programmes <- vacancies <- applications <- jobboard."""

from django.db.migrations.loader import MigrationLoader

LAYERS = ["programmes", "vacancies", "applications", "jobboard"]


def test_no_migration_depends_on_a_layer_above_its_own():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    upward = [
        f"{app}.{name} depends on {dep_app}.{dep_name}"
        for (app, name), node in graph.nodes.items()
        if app in LAYERS
        for dep_app, dep_name in node.dependencies
        if dep_app in LAYERS and LAYERS.index(dep_app) > LAYERS.index(app)
    ]

    assert upward == []


def test_the_staff_roles_are_created_by_the_project_package():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph

    assert ("jobboard", "0001_staff_roles") in graph.nodes
