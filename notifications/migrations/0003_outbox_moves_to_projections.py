from django.db import migrations


class Migration(migrations.Migration):
    """The outbox model now belongs to the projections app (projections/0007): drop it from
    this app's state only; the table and its rows stay."""

    dependencies = [
        ('notifications', '0002_outbox_done_when_effect_committed'),
        ('projections', '0007_outbox_message'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='OutboxMessage')],
            database_operations=[],
        ),
    ]
