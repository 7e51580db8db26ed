"""One error shape for every failure: JSON ``{code, message, details}`` with its status."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def error_response(
    status: int, code: str, message: str, details: Any = None, request=None
) -> JsonResponse:
    from taolun.platform.language import localise

    body = {"code": code, "message": localise(request, code, message), "details": details or {}}
    try:
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    except UnicodeEncodeError:
        # The error quotes the caller's input and that holds a lone surrogate, which UTF-8
        # cannot carry: escape it (\udXXX) rather than fail with a 500.
        return JsonResponse(body, status=status)


def not_found(what: str = "对象") -> ApiError:
    """Missing and outside-your-grants answer alike: no existence leaks."""
    return ApiError(404, "not_found", f"{what}不存在")


def forbidden(message: str = "您没有执行此操作的权限") -> ApiError:
    return ApiError(403, "forbidden", message)


def install_handlers(api) -> None:
    from django.http.multipartparser import MultiPartParserError
    from ninja.errors import AuthenticationError, HttpError, ValidationError

    from taolun.events.kernel import DomainError

    @api.exception_handler(ApiError)
    def _api_error(request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.details, request)

    @api.exception_handler(DomainError)
    def _domain_error(request, exc: DomainError):
        if exc.status == 404:  # the domain's "not found" says no more than the API's
            return error_response(404, "not_found", exc.message, request=request)
        return error_response(exc.status, exc.code, exc.message, exc.details, request)

    @api.exception_handler(ValidationError)
    def _validation(request, exc: ValidationError):
        errors = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ())[1:] if p != "payload")
                or ".".join(str(p) for p in e.get("loc", ())),
                "message": e.get("msg", ""),
                "type": e.get("type", ""),
            }
            for e in exc.errors
        ]
        # details.field names the first field, as every other 422 does; errors lists them all.
        first = errors[0]["field"] if errors else ""
        return error_response(422, "invalid_input", "请求参数有误", {"field": first, "errors": errors}, request)

    @api.exception_handler(MultiPartParserError)
    def _multipart(request, exc: MultiPartParserError):
        return error_response(400, "malformed_multipart", "请求体不是合法的 multipart/form-data", request=request)

    @api.exception_handler(AuthenticationError)
    def _auth(request, exc):
        return error_response(401, "unauthenticated", "缺少有效的访问令牌，或令牌已过期/被吊销", request=request)

    @api.exception_handler(HttpError)
    def _http(request, exc: HttpError):
        codes = {400: "bad_request", 404: "not_found", 429: "throttled", 413: "too_large"}
        status = exc.status_code
        if status == 400 and str(exc).startswith("Cannot parse request body"):
            return error_response(400, "malformed_json", "请求体不是合法的 JSON", request=request)
        message = "请求过于频繁，请稍后再试" if status == 429 else str(exc)
        return error_response(status, codes.get(status, "error"), message, request=request)
