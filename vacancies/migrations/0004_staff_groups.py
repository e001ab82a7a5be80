"""Once created the staff groups; they moved to the project package (`jobboard/migrations/0001_staff_roles`,
`jobboard/roles.py`), because they span the apps and this migration had to depend on applications, a layer
above. Kept, empty, so that the migration history of existing databases stays whole."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("vacancies", "0003_publication_roles")]

    operations = []
