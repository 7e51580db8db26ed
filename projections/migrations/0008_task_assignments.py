from django.db import migrations, models


class Migration(migrations.Migration):
    """Plans' tasks with their assignments, and one row per assignment (the 督办 of tasks).
    Existing installations rebuild "campaigns" to fill them."""

    dependencies = [
        ('projections', '0007_outbox_message'),
    ]

    operations = [
        migrations.AddField(
            model_name='planrow',
            name='tasks',
            field=models.JSONField(default=dict),
        ),
        migrations.CreateModel(
            name='TaskAssignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('plan_id', models.UUIDField(db_index=True)),
                ('campaign_id', models.UUIDField()),
                ('task_id', models.CharField(max_length=36)),
                ('node_id', models.UUIDField(db_index=True)),
                ('assigned_by', models.UUIDField()),
                ('title', models.CharField(max_length=500)),
                ('owner', models.CharField(default='', max_length=100)),
                ('due', models.CharField(max_length=10, null=True)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('plan_id', 'task_id', 'node_id'), name='assignment_once')],
            },
        ),
    ]
