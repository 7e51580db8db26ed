"""Passwords: hashed with argon2 (Django's hashers) into the credentials table; the event
log records only that a password was set (``Tenancy.set_password``: who may, and the
event). Used by the profile page, ``taolun set-password`` and the demo loader."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from taolun.events.kernel import DomainError
from taolun.platform.web.models import Credential
from taolun.projections.models import UserAccount

MAX_LENGTH = 256  # argon2 takes any length; a megabyte "password" is a denial of service


def weakness(password: str) -> str | None:
    """Why a new password is refused, in the reader's language; None when it is fine."""
    if len(password) > MAX_LENGTH:
        return _("密码不能超过 %(n)d 个字符") % {"n": MAX_LENGTH}
    try:
        validate_password(password)
    except ValidationError as error:
        reasons = {
            "password_too_short": _("密码至少需要 8 个字符"),
            "password_too_common": _("这个密码太常见，请换一个"),
            "password_entirely_numeric": _("密码不能全是数字"),
        }
        return "；".join(dict.fromkeys(reasons.get(e.code, e.messages[0]) for e in error.error_list))
    return None


def set_password(runtime, actor: UUID | None, user_id: UUID, password: str) -> int:
    """Set a user's password (``actor``: the user, or None/an operator); answer the
    notification id of the ``PasswordSet`` event."""
    reason = weakness(password)
    if reason is not None:
        raise DomainError("weak_password", reason, field="password")
    encoded = make_password(password)

    def store() -> None:
        Credential.objects.update_or_create(
            user_id=user_id, defaults={"password_hash": encoded, "changed_at": timezone.now()})

    return runtime.tenancy.set_password(actor, user_id, store)


# A hash to check against when the e-mail is unknown, so that answering takes as long as
# for a known one (no user enumeration by timing). Made on first use: no work at import.
_dummy: list[str] = []


def verify(email: str, password: str) -> tuple[UUID, str] | None:
    """The user id and stored hash when ``password`` is right for ``email``."""
    if len(password) > MAX_LENGTH:
        return None  # never a stored password (see weakness); not worth hashing
    user_id = UserAccount.objects.filter(email=email.strip().lower()).values_list("id", flat=True).first()
    stored = None
    if user_id is not None:
        stored = Credential.objects.filter(user_id=user_id).values_list("password_hash", flat=True).first()
    if stored is None:
        if not _dummy:
            _dummy.append(make_password("taolun-no-such-user"))
        check_password(password, _dummy[0])
        return None
    return (user_id, stored) if check_password(password, stored) else None


def stored_hash(user_id: UUID) -> str:
    return Credential.objects.values_list("password_hash", flat=True).get(user_id=user_id)
