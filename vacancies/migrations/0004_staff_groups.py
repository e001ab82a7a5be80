"""Staff roles as groups: Editors prepare drafts; Publishers also publish, close and cancel.

Programmes and their eligibility rules stay with superusers: neither group may change them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ["view_programme", "view_eligibilityrule", "view_contractterms", "view_selectionstep", "view_countrygroup"]
EDIT = [
    "add_call", "change_call", "view_call",
    "add_vacancy", "change_vacancy", "view_vacancy",
    "add_organisation", "change_organisation", "view_organisation",
]  # fmt: skip
GROUPS = {
    "Editors": VIEW + EDIT,
    "Publishers": VIEW + EDIT + ["publish_call", "publish_vacancy", "view_alertdelivery", "view_consentevent"],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; these groups need them now. Historical app
    # configs have no models module, which create_permissions() takes to mean "no models".
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = list(Permission.objects.filter(codename__in=codenames))
        missing = set(codenames) - {p.codename for p in permissions}
        if missing:
            raise RuntimeError(f"Permissions missing for {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("vacancies", "0003_publication_roles"),
        ("programmes", "0001_initial"),
        ("applications", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
