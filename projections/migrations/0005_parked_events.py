from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("projections", "0004_progress_kind_light_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ParkedEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("projection", models.CharField(max_length=64)),
                ("notification_id", models.BigIntegerField()),
                ("topic", models.CharField(max_length=255)),
                ("error", models.TextField()),
                ("attempts", models.PositiveIntegerField(default=1)),
                ("parked_at", models.DateTimeField()),
                ("last_tried_at", models.DateTimeField()),
            ],
            options={"ordering": ["notification_id", "projection"]},
        ),
        migrations.AddConstraint(
            model_name="parkedevent",
            constraint=models.UniqueConstraint(fields=("projection", "notification_id"), name="parked_event_once"),
        ),
    ]
