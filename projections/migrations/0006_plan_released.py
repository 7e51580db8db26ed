from django.db import migrations, models


class Migration(migrations.Migration):
    """The content of a plan's latest released version: the phases and requirements that
    bind the units it governs. Existing installations rebuild "campaigns" to fill it."""

    dependencies = [
        ('projections', '0005_parked_events'),
    ]

    operations = [
        migrations.AddField(
            model_name='planrow',
            name='released',
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name='planrow',
            name='progress_settings',
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name='progressrow',
            name='upstream_changed',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='progressrow',
            name='silent',
            field=models.BooleanField(default=False),
        ),
    ]
