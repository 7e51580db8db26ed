"""My notice settings page: for each kind of notice, whether it is e-mailed (the inbox always
has it); quiet hours for e-mail; the daily digest. The same rules as
``/api/v1/me/notice-settings`` (``notifications/preferences.py: put``), one home for both."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from taolun.notifications import preferences
from taolun.notifications.texts import RULE_NAMES
from taolun.platform.web.render import render
from taolun.platform.web.session import signed_in


@signed_in
def index(request: HttpRequest) -> HttpResponse:
    user_id = request.auth.user_id  # type: ignore[attr-defined]
    current = preferences.get(user_id)
    errors: dict[str, str] = {}
    saved = False
    if request.method == "POST":
        emailed = set(request.POST.getlist("email"))
        form = {"email_off": [r for r in RULE_NAMES if r not in emailed],
                "quiet_start": request.POST.get("quiet_start", "")[:5],
                "quiet_end": request.POST.get("quiet_end", "")[:5],
                "digest": request.POST.get("digest") == "1"}
        try:
            current = preferences.put(user_id, **form)
            saved = True
        except preferences.InvalidPreference as invalid:
            errors[invalid.field] = invalid.message
            current = {**current, **form}
    return render(request, "notice_settings.html", {
        "rules": RULE_NAMES, "settings": current, "errors": errors, "saved": saved,
    }, status=422 if errors else 200)
