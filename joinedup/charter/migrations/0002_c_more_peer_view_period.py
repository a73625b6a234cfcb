"""A peer view has a period: it takes ratings until its closing date (or until the lead closes
it early), and shows results only once closed. Views opened before this get four weeks."""

import datetime as dt

from django.db import migrations, models


def four_weeks(apps, schema_editor):  # type: ignore[no-untyped-def]
    PeerView = apps.get_model("charter", "PeerView")
    for view in PeerView.objects.all():
        view.closes_on = view.opened_on + dt.timedelta(days=28)
        view.save(update_fields=["closes_on"])


class Migration(migrations.Migration):
    dependencies = [("charter", "0001_c_charter_models")]

    operations = [
        migrations.AddField(
            model_name="peerview",
            name="closes_on",
            field=models.DateField(
                null=True, help_text="The last day on which members can rate."
            ),
        ),
        migrations.RunPython(four_weeks, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="peerview",
            name="closes_on",
            field=models.DateField(help_text="The last day on which members can rate."),
        ),
        migrations.AddField(
            model_name="peerview",
            name="closed_at",
            field=models.DateTimeField(
                blank=True, null=True, help_text="When the lead closed it before its closing date."
            ),
        ),
        migrations.AddConstraint(
            model_name="peerview",
            constraint=models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opened_on")),
                name="peer_view_closes_after_opening",
            ),
        ),
    ]
