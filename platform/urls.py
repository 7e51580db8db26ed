from django.urls import include, path

from taolun.platform import health, pages
from taolun.platform.api.main import build_api

api = build_api()
handler500 = "taolun.platform.outage.server_error"

# The API first: Django tries the patterns in order, and the pages' fifty-odd come before
# nothing an API client asks for.
urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("taolun.platform.web.urls")),
    path("import", pages.import_page, name="import"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.healthz),
    path("readyz", health.readyz),
]
