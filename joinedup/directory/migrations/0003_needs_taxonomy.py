"""The default UK taxonomy of needs (`joinedup.directory.needs`)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from joinedup.directory import needs

    needs.install(apps.get_model("directory", "Taxonomy"), apps.get_model("directory", "TaxonomyTerm"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_search_index")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
