from django.urls import path

from taolun.platform.web.views import accounts, activities, home, progress, reports

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("sign-in", accounts.sign_in, name="sign_in"),
    path("sign-out", accounts.sign_out, name="sign_out"),
    path("profile", accounts.profile, name="profile"),
    path("tokens", accounts.tokens, name="tokens"),
    path("tokens/new", accounts.token_create, name="token_create"),
    path("tokens/<str:token_id>/revoke", accounts.token_revoke, name="token_revoke"),
    path("units/<uuid:unit_id>/activities/new", activities.log_activity, name="log_activity"),
    path("progress", progress.index, name="progress"),
    path("progress/<uuid:campaign_id>/<uuid:node_id>", progress.dashboard, name="dashboard"),
    path("reports", reports.index, name="reports"),
    path("reports/<uuid:report_id>", reports.report, name="report"),
    path("reports/<uuid:report_id>/file", reports.download, name="report_file"),
]
