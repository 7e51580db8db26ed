"""Users, their role grants and API tokens."""


from uuid import UUID

from django.http import HttpRequest
from ninja import Path, Router, Status
from ninja.pagination import paginate

from taolun.events.values import MAX_BIGINT
from taolun.notifications import inbox
from taolun.platform.api.access import access_node, access_user, principal
from taolun.platform.api.commands import actor, run_command
from taolun.platform.api.errors import ApiError, error_response, forbidden, not_found
from taolun.platform.api.idempotency import keep_instead
from taolun.platform.api.listing import Rows
from taolun.platform.api.schemas import (
    ERRORS,
    GrantIn,
    InboxOut,
    UnreadOut,
    IssuedTokenOut,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
)
from taolun.projections.models import ApiToken, Grant, UserAccount

router = Router(tags=["users 用户与权限"])


def user_out(request: HttpRequest, user: UserAccount) -> dict:
    """The user with the grants the caller can see: a school admin looking at a teacher who
    is also a city inspector sees the school grants, not the city's."""
    who = principal(request)
    grants = [
        g for g in Grant.objects.filter(user=user).select_related("node").order_by("path", "role")
        if user.id == who.user_id or who.sees(g.path)
    ]
    return {
        "id": user.id, "email": user.email, "name": user.name, "home_id": user.home_id,
        "is_operator": user.is_operator, "created_at": user.created_at,
        "grants": [
            {"node_id": g.node_id, "node_name": g.node.name, "role": g.role, "granted_at": g.granted_at}
            for g in grants
        ],
    }


@router.post("/users", response={201: UserOut, **ERRORS}, summary="登记用户")
def register_user(request: HttpRequest, payload: UserIn):
    """Register a user homed in a unit the caller administers."""
    access_node(request, payload.home_id, "admin")
    user_id = run_command(request, lambda rt: rt.tenancy.register_user(
        actor(request), payload.email, payload.name, payload.home_id
    ))
    return Status(201, user_out(request, UserAccount.objects.get(pk=user_id)))


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS}, summary="读取用户及其角色")
def read_user(request: HttpRequest, user_id: UUID):
    return user_out(request, access_user(request, user_id))


@router.get("/tenants/{tenant_id}/users", response={200: list[UserOut], **ERRORS}, summary="列出本单位及下级单位的用户")
@paginate
def list_users(request: HttpRequest, tenant_id: UUID):
    """Users homed in this unit or below it."""
    node = access_node(request, tenant_id, "admin", "auditor", "inspector")
    return Rows(UserAccount.objects.filter(home_path__under=node.path).order_by("email"),
                lambda u: user_out(request, u))


@router.post("/users/{user_id}/grants", response={201: UserOut, **ERRORS}, summary="授予角色")
def grant_role(request: HttpRequest, user_id: UUID, payload: GrantIn):
    """Grant a role on a unit; it reaches the unit's whole subtree. The grantee is told
    in their inbox."""
    access_node(request, payload.node_id, "admin")
    user = access_user(request, user_id)
    run_command(
        request,
        lambda rt: rt.tenancy.grant_role(actor(request), user.id, payload.node_id, payload.role),
    )
    return Status(201, user_out(request, user))


@router.post("/users/{user_id}/grants/revoke", response={200: UserOut, **ERRORS}, summary="收回角色")
def revoke_role(request: HttpRequest, user_id: UUID, payload: GrantIn):
    access_node(request, payload.node_id, "admin")
    user = access_user(request, user_id)
    run_command(
        request,
        lambda rt: rt.tenancy.revoke_role(actor(request), user.id, payload.node_id, payload.role),
    )
    return user_out(request, user)


def _token_owner(request: HttpRequest, user_id: UUID) -> UserAccount:
    """The user whose tokens are listed or revoked: the user, an operator, or an admin whose
    subtree holds every grant of the user (the rule lives in the tenancy application)."""
    from taolun.platform.runtime import get_runtime

    user = access_user(request, user_id)
    if not get_runtime().tenancy.may_manage_tokens(actor(request), user.id):
        raise forbidden()
    return user


@router.post("/users/{user_id}/tokens", response={201: IssuedTokenOut, **ERRORS}, summary="签发访问令牌（明文只显示一次）")
def issue_token(request: HttpRequest, user_id: UUID, payload: TokenIn):
    """Issue an API token: only for oneself (operators for anyone). The token is shown in
    this answer only; the server keeps its hash."""
    user = access_user(request, user_id)
    issued = []

    def command(rt):
        token = rt.tenancy.issue_token(actor(request), user.id, payload.label, payload.days)
        issued.append(token)
        return token.notification_id

    run_command(request, command)
    if not issued:  # a retry of a request that issued its token already: never twice
        raise shown_once()
    token = issued[0]
    # The plaintext is shown in this answer only; a replay gets the token id instead.
    keep_instead(request, error_response(
        409, "token_shown_once", shown_once().message, {"token_id": token.token_id}, request))
    return Status(201, {"token": token.token, "token_id": token.token_id, "expires_at": token.expires_at})


def shown_once() -> ApiError:
    return ApiError(409, "token_shown_once", "该请求已签发令牌；令牌明文只在首次响应中显示一次，如已丢失请吊销后重新签发")


@router.get("/users/{user_id}/tokens", response={200: list[TokenOut], **ERRORS}, summary="列出访问令牌")
def list_tokens(request: HttpRequest, user_id: UUID):
    user = _token_owner(request, user_id)
    return ApiToken.objects.filter(user=user).order_by("-created_at")


@router.delete("/users/{user_id}/tokens/{token_id}", response={200: TokenOut, **ERRORS}, summary="吊销访问令牌")
def revoke_token(request: HttpRequest, user_id: UUID, token_id: str):
    user = _token_owner(request, user_id)
    if not ApiToken.objects.filter(user=user, token_id=token_id).exists():
        raise not_found("令牌")
    run_command(request, lambda rt: rt.tenancy.revoke_token(actor(request), user.id, token_id))
    return ApiToken.objects.get(token_id=token_id)


# -- the caller ------------------------------------------------------------------------

me = Router(tags=["me 我的"])


@me.get("/me", response={200: UserOut, **ERRORS}, summary="当前用户")
def read_me(request: HttpRequest):
    return user_out(request, UserAccount.objects.get(pk=principal(request).user_id))


@me.get("/me/inbox", response={200: list[InboxOut], **ERRORS}, summary="我的消息")
@paginate
def read_inbox(request: HttpRequest, unread: bool = False):
    """My notices, newest first (``?unread=true``: only the unread), in my language."""
    return inbox.messages(principal(request).user_id, unread)


@me.get("/me/inbox/unread", response={200: UnreadOut, **ERRORS}, summary="未读消息数", operation_id="count_unread_inbox_messages")
def count_unread(request: HttpRequest):
    return {"unread": inbox.unread_count(principal(request).user_id)}


@me.post("/me/inbox/read-all", response={200: UnreadOut, **ERRORS}, summary="全部标为已读", operation_id="mark_all_inbox_messages_read")
def mark_all_read(request: HttpRequest):
    user_id = principal(request).user_id
    inbox.mark_all_read(user_id)
    return {"unread": inbox.unread_count(user_id)}


def _mark(request: HttpRequest, message_id: int, read: bool):
    message = inbox.mark(principal(request).user_id, message_id, read)
    if message is None:
        raise not_found("消息")
    return message


@me.post("/me/inbox/{message_id}/read", response={200: InboxOut, **ERRORS}, summary="标记消息为已读", operation_id="mark_inbox_message_read")
def mark_read(request: HttpRequest, message_id: int = Path(..., ge=1, le=MAX_BIGINT)):
    return _mark(request, message_id, True)


@me.post("/me/inbox/{message_id}/unread", response={200: InboxOut, **ERRORS}, summary="标记消息为未读", operation_id="mark_inbox_message_unread")
def mark_unread(request: HttpRequest, message_id: int = Path(..., ge=1, le=MAX_BIGINT)):
    return _mark(request, message_id, False)


__all__ = ["router", "me", "ApiError"]
