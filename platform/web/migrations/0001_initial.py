from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="Credential",
            fields=[
                ("user_id", models.UUIDField(primary_key=True, serialize=False)),
                ("password_hash", models.CharField(max_length=256)),
                ("changed_at", models.DateTimeField()),
            ],
        ),
    ]
