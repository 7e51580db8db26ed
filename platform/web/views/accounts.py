"""Signing in and out, the profile (with the password change) and one's own API tokens."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taolun.events.kernel import DomainError
from taolun.platform.api.errors import ApiError
from taolun.platform.runtime import get_runtime
from taolun.platform.security import clear_sign_in_failures, ensure_sign_in_allowed, note_failed_sign_in
from taolun.platform.web import passwords
from taolun.platform.web.render import pages_errors, render
from taolun.platform.web.session import close_session, open_session, safe_next, signed_in
from taolun.projections.models import ApiToken, Grant, UserAccount


def sign_in(request: HttpRequest) -> HttpResponse:
    context = {"email": "", "next": request.GET.get("next", ""), "error": None}
    if request.method != "POST":
        return render(request, "sign_in.html", context)
    email = request.POST.get("email", "").strip()[:254]
    password = request.POST.get("password", "")
    context.update(email=email, next=request.POST.get("next", ""))
    try:
        ensure_sign_in_allowed(request, email)
    except ApiError as refused:
        context["error"] = _("该账号登录失败次数过多，已暂时锁定，请稍后再试") if refused.code == "account_locked" \
            else _("登录失败次数过多，请稍后再试")
        return render(request, "sign_in.html", context, status=429)
    found = passwords.verify(email, password)
    if found is None:
        note_failed_sign_in(request, email)
        context["error"] = _("电子邮箱或密码不正确")  # never says which one was wrong
        return render(request, "sign_in.html", context, status=401)
    clear_sign_in_failures(email)
    open_session(request, found[0], found[1])
    return HttpResponseRedirect(safe_next(request, context["next"]))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    close_session(request)
    return HttpResponseRedirect(reverse("web:sign_in"))


@signed_in
def profile(request: HttpRequest) -> HttpResponse:
    who = request.auth  # type: ignore[attr-defined]
    errors: dict[str, str] = {}
    changed = False
    if request.method == "POST":
        errors = change_password(request)
        changed = not errors
    account = UserAccount.objects.get(pk=who.user_id)
    grants = [{"node_name": g.node.name, "role": g.role}
              for g in Grant.objects.filter(user_id=who.user_id).select_related("node").order_by("path", "role")]
    return render(request, "profile.html", {"account": account, "grants": grants, "errors": errors,
                                            "changed": changed}, status=422 if errors else 200)


def change_password(request: HttpRequest) -> dict[str, str]:
    """The current password, then the new one twice; the rule (who may) and the event are the
    tenancy application's. This session stays signed in; every other one ends."""
    who = request.auth  # type: ignore[attr-defined]
    account = UserAccount.objects.get(pk=who.user_id)
    new, confirm = request.POST.get("new", ""), request.POST.get("confirm", "")
    if passwords.verify(account.email, request.POST.get("current", "")) is None:
        return {"current": _("当前密码不正确")}
    if new != confirm:
        return {"confirm": _("两次输入的新密码不一致")}
    runtime = get_runtime()
    try:
        runtime.after_command(passwords.set_password(runtime, who.user_id, who.user_id, new))
    except DomainError as error:
        return {"new": error.message}
    open_session(request, who.user_id, passwords.stored_hash(who.user_id))
    return {}


@signed_in
@pages_errors
def tokens(request: HttpRequest, issued=None, form=None, errors=None, status: int = 200) -> HttpResponse:
    who = request.auth  # type: ignore[attr-defined]
    rows = ApiToken.objects.filter(user_id=who.user_id).order_by("-created_at")
    context = {"tokens": rows, "issued": issued, "form": form or {}, "errors": errors or {}}
    if request.htmx:  # a revoke from the list: answer the list alone
        return render(request, "web/token_list.html", context, status=status)
    return render(request, "tokens.html", context, status=status)


@require_POST
@signed_in
@pages_errors
def token_create(request: HttpRequest) -> HttpResponse:
    """The service the API's ``POST /users/{id}/tokens`` calls; the token is shown once."""
    who = request.auth  # type: ignore[attr-defined]
    form = {"label": request.POST.get("label", "").strip() or "web", "days": request.POST.get("days", "90")}
    try:
        days = int(form["days"])
    except ValueError:
        return tokens(request, form=form, errors={"days": _("请输入 1 至 366 之间的整数")}, status=422)
    runtime = get_runtime()
    try:
        issued = runtime.tenancy.issue_token(who.user_id, who.user_id, form["label"], days)
    except DomainError as error:
        field = error.details.get("field", "label")
        return tokens(request, form=form, errors={"days" if field == "days" else "label": error.message}, status=422)
    runtime.after_command(issued.notification_id)
    return tokens(request, issued=issued, status=201)


@require_POST
@signed_in
@pages_errors
def token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    """One's own token only (another's answers the 404 page, like a missing one); the rule
    and the event are the tenancy application's, as for ``DELETE /users/{id}/tokens/{t}``."""
    who = request.auth  # type: ignore[attr-defined]
    if not ApiToken.objects.filter(user_id=who.user_id, token_id=token_id).exists():
        raise ApiError(404, "not_found", _("令牌不存在"))
    runtime = get_runtime()
    runtime.after_command(runtime.tenancy.revoke_token(who.user_id, who.user_id, token_id))
    if request.htmx:
        return tokens(request)
    return HttpResponseRedirect(reverse("web:tokens"))
