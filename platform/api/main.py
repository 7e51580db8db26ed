"""The NinjaAPI: /api/v1 with offline docs, bearer auth, throttling and one error shape."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.renderers import JSONRenderer

from taolun.platform.api.access import BearerToken
from taolun.platform.api.errors import install_handlers
from taolun.platform.api.throttling import AnonThrottle, AuthThrottle


class Utf8JSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Chinese stays readable on the wire


class TaolunAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """The view's own name (snake_case English, unique: tests/e2e/test_openapi.py),
        instead of ninja's module-qualified one."""
        return operation.view_func.__name__


class IndexOut(Schema):
    name: str
    version: str
    docs: str
    openapi: str


def build_api() -> NinjaAPI:
    from django.conf import settings

    from taolun.platform.api.routers import ROUTERS

    rate = settings.CONFIG.throttle_rate
    api = TaolunAPI(
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

    @api.get("/", auth=None, response=IndexOut, tags=["api 接口说明"], summary="接口首页：文档与 OpenAPI 的地址")
    def api_index(request: HttpRequest):
        """Where the documentation of this API is (no token needed)."""
        return {"name": api.title, "version": api.version, "docs": f"{request.path}docs",
                "openapi": f"{request.path}openapi.json"}

    for router in ROUTERS():
        api.add_router("", router)
    return api
