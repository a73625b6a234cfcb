"""A reflection's hub event becomes a real link to `events.Event`: the generic `event_id`
kept until the events app existed is moved across, keeping only ids of events that exist
(any other id pointed at nothing and is dropped)."""

import django.db.models.deletion
from django.db import migrations, models


def keep_event_ids(apps, schema_editor):
    Reflection = apps.get_model("reflection", "Reflection")
    Event = apps.get_model("events", "Event")
    Reflection.objects.filter(old_event_id__in=Event.objects.values("pk")).update(
        event_id=models.F("old_event_id")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_l_events_hub_events"),
        ("reflection", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="reflection", old_name="event_id", new_name="old_event_id"
        ),
        migrations.AddField(
            model_name="reflection",
            name="event",
            field=models.ForeignKey(
                blank=True,
                help_text="A hub event this reflects on.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="events.event",
            ),
        ),
        migrations.RunPython(keep_event_ids, migrations.RunPython.noop),
        migrations.RemoveField(model_name="reflection", name="old_event_id"),
    ]
