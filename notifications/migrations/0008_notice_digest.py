from django.db import migrations, models


class Migration(migrations.Migration):
    """The daily digest: a user's choice; their e-mails are held until the day's summary."""

    dependencies = [
        ('notifications', '0007_notice_preferences'),
    ]

    operations = [
        migrations.AddField(
            model_name='noticepreference',
            name='digest',
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name='delivery',
            index=models.Index(condition=models.Q(('status', 'held')), fields=['user_id', 'created_at'],
                               name='delivery_held'),
        ),
    ]
