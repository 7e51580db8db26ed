"""Credentials: mutable, and kept out of the event log on purpose.

A password hash in an append-only log could never be removed (a leaked or weak hash would stay
for ever); the log records only that a password was set, by whom and when
(``User.PasswordSet``).
"""

from django.db import models


class Credential(models.Model):
    user_id = models.UUIDField(primary_key=True)
    password_hash = models.CharField(max_length=256)  # Django's hasher format (argon2)
    changed_at = models.DateTimeField()
