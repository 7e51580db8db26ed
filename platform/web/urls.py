from django.urls import path

from taolun.platform.web.views import accounts, activities, home, inbox, progress, webhooks

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
    path("inbox", inbox.index, name="inbox"),
    path("inbox/read-all", inbox.mark_all, name="inbox_read_all"),
    path("inbox/<int:message_id>/mark", inbox.mark, name="inbox_mark"),
    path("units/<uuid:unit_id>/webhooks", webhooks.unit_webhooks, name="webhooks"),
    path("webhooks/<int:webhook_id>/test", webhooks.send_test, name="webhook_test"),
    path("progress", progress.index, name="progress"),
    path("progress/<uuid:campaign_id>/<uuid:node_id>", progress.dashboard, name="dashboard"),
]
