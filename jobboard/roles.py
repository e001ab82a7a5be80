"""Staff roles, as groups: Editors prepare drafts; Publishers also publish, close and cancel.

An organisation named by a public vacancy is a publisher's to change (OrganisationAdmin), as that vacancy
is.

Programmes and their eligibility rules stay with superusers: neither group may change them. The roles span
the three apps (programmes, vacancies, applications), so they live in the project package; the data
migration `jobboard/migrations/0001_staff_roles` creates them, and tests call `create_roles()` again after a
transactional test's flush.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

VIEW = [
    "view_programme", "view_eligibilityrule", "view_contractterms", "view_selectionstep", "view_countrygroup",
]  # fmt: skip
EDIT = [
    "add_call", "change_call", "view_call",
    "add_vacancy", "change_vacancy", "view_vacancy",
    "add_organisation", "change_organisation", "view_organisation",
]  # fmt: skip
PUBLISHERS_SEE = ["view_alertdelivery", "view_consentevent"]
ROLES = {
    "Editors": [*VIEW, *EDIT],
    "Publishers": [*VIEW, *EDIT, "publish_call", "publish_vacancy", *PUBLISHERS_SEE],
}


def create_roles(apps=global_apps):
    """Create or update the groups with their permissions (idempotent). `apps`: a migration's, or the live."""
    # Permissions are normally created after all migrations; these groups need them now. Historical app
    # configs have no models module, which create_permissions() takes to mean "no models".
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = list(Permission.objects.filter(codename__in=codenames))
        missing = set(codenames) - {p.codename for p in permissions}
        if missing:
            raise RuntimeError(f"Permissions missing for {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_roles(apps=global_apps):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()
