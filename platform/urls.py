from django.urls import path

from taolun.platform import health, pages
from taolun.platform.api.main import build_api

api = build_api()
handler500 = "taolun.platform.outage.server_error"

urlpatterns = [
    path("", pages.home, name="home"),
    path("import", pages.import_page, name="import"),
    path("healthz", health.healthz),
    path("readyz", health.readyz),
    path("api/v1/", api.urls),
]
