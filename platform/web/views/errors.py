"""Error pages that Django's machinery calls."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from taolun.platform.web.render import error_page


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form without its CSRF token (or a stale one): refused, nothing done."""
    return error_page(request, 403, _("表单已过期或来源不明，请刷新页面后重试。"))
