"""My notice settings: the kinds of notice not to e-mail, quiet hours for e-mail, the daily digest."""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from taolun.notifications import preferences
from taolun.platform.api.access import principal
from taolun.platform.api.errors import ApiError
from taolun.platform.api.schemas import ERRORS

router = Router(tags=["users 用户与权限"])


class NoticeSettingsIn(Schema):
    email_off: list[str] = Field(default_factory=list, max_length=50)  # rules not e-mailed
    quiet_start: str = Field(default="", max_length=5)  # "22:00" (Asia/Shanghai)
    quiet_end: str = Field(default="", max_length=5)  # "07:00"
    digest: bool = False  # e-mail: one summary a day instead of each notice


class NoticeSettingsOut(NoticeSettingsIn):
    rules: list[str]  # every kind of notice


@router.get("/me/notice-settings", response={200: NoticeSettingsOut, **ERRORS}, summary="读取我的消息设置")
def read_settings(request: HttpRequest):
    return preferences.get(principal(request).user_id)


@router.put("/me/notice-settings", response={200: NoticeSettingsOut, **ERRORS}, summary="修改我的消息设置")
def write_settings(request: HttpRequest, payload: NoticeSettingsIn):
    try:
        return preferences.put(principal(request).user_id, payload.email_off, payload.quiet_start,
                               payload.quiet_end, payload.digest)
    except preferences.InvalidPreference as invalid:
        raise ApiError(422, invalid.code, invalid.message, field=invalid.field) from None
