from django.db import migrations, models


class Migration(migrations.Migration):
    """The outbox model moves here, beside the projections that write it. Only Django's
    state moves: the table (``notifications_outboxmessage``) and its rows stay as they are,
    so undone work is still sent after the upgrade (notifications/0003 drops the model from
    the notifications app's state, again without touching the table)."""

    dependencies = [
        ('projections', '0006_plan_released'),
        ('notifications', '0002_outbox_done_when_effect_committed'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OutboxMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=200, unique=True)),
                        ('actor_name', models.CharField(max_length=100)),
                        ('payload', models.JSONField()),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('dispatched_at', models.DateTimeField(db_index=True, null=True)),
                        ('lease_until', models.DateTimeField(null=True)),
                        ('done_at', models.DateTimeField(null=True)),
                        ('attempts', models.PositiveIntegerField(default=0)),
                        ('last_error', models.TextField(blank=True, default='')),
                    ],
                    options={
                        'db_table': 'notifications_outboxmessage',
                        'indexes': [models.Index(condition=models.Q(('done_at__isnull', True)), fields=['lease_until', 'id'], name='outbox_undone')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
