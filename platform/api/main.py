"""The NinjaAPI: /api/v1 with offline docs, bearer auth, throttling and one error shape."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from taolun.platform.api.access import BearerToken
from taolun.platform.api.errors import install_handlers
from taolun.platform.api.throttling import AnonThrottle, AuthThrottle


class Utf8JSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Chinese stays readable on the wire


def build_api() -> NinjaAPI:
    from taolun.platform.api.routers import ROUTERS

    from django.conf import settings

    rate = settings.CONFIG.throttle_rate
    api = NinjaAPI(
        title="Taolun 讨论 API",
        version="1.0.0",
        description="教育系统大讨论活动平台接口。所有错误均为 JSON：{code, message, details}。",
        urls_namespace="api-v1",
        auth=BearerToken(),
        throttle=[AnonThrottle(rate), AuthThrottle(rate)],
        docs_url="/docs",
        renderer=Utf8JSONRenderer(),
    )
    install_handlers(api)
    for router in ROUTERS():
        api.add_router("", router)
    return api
