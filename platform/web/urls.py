from django.urls import path

from taolun.platform.web.views import accounts, activities, as_of, audit_chain, history, home, inbox, progress, reports, webhooks
from taolun.platform.web.views import notice_settings
from taolun.platform.web.views import campaign_editor, campaigns, entries, problems, publication, review, school, suggestions, unit_lists

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
    path("inbox/settings", notice_settings.index, name="notice_settings"),
    path("units/<uuid:unit_id>/webhooks", webhooks.unit_webhooks, name="webhooks"),
    path("webhooks/<int:webhook_id>/test", webhooks.send_test, name="webhook_test"),
    path("progress", progress.index, name="progress"),
    path("progress/<uuid:campaign_id>/<uuid:node_id>", progress.dashboard, name="dashboard"),
    # The school's pages (its campaigns, its 实施方案).
    path("units/<uuid:unit_id>/campaigns", school.unit_campaigns, name="school_campaigns"),
    path("implementation/<uuid:plan_id>", school.plan_page, name="school_plan"),
    path("implementation/<uuid:plan_id>/edit", school.plan_edit, name="school_plan_edit"),
    path("plans/<uuid:plan_id>/changes", as_of.plan_changes, name="plan_changes"),
    path("units/<uuid:unit_id>/activities", entries.unit_activities, name="unit_activities"),
    path("activities/<uuid:activity_id>", entries.activity_page, name="activity"),
    path("activities/<uuid:activity_id>/<str:action>", entries.activity_action, name="activity_action"),
    path("evidence/<str:sha256>", entries.evidence_file, name="evidence"),
    path("units/<uuid:unit_id>/suggestions", suggestions.unit_suggestions, name="unit_suggestions"),
    path("suggestions/<uuid:suggestion_id>/<str:action>", suggestions.suggestion_action, name="suggestion_action"),
    path("units/<uuid:unit_id>/problems", problems.unit_problems, name="unit_problems"),
    path("problems/<uuid:problem_id>", problems.problem_page, name="problem"),
    path("problems/<uuid:problem_id>/<str:action>", problems.problem_action, name="problem_action"),
    # The bureau: campaigns, the editor, publication, review, unit lists.
    path("campaigns", campaigns.campaign_list, name="campaigns"),
    path("campaigns/new", campaigns.campaign_new, name="campaign_new"),
    path("campaigns/import", campaigns.campaign_import, name="campaign_import"),
    path("campaigns/<uuid:plan_id>", campaign_editor.campaign_edit, name="campaign_edit"),
    path("campaigns/<uuid:plan_id>/header", campaign_editor.edit_header, name="campaign_header"),
    path("campaigns/<uuid:plan_id>/leading-group", campaign_editor.edit_leading_group, name="campaign_group"),
    path("campaigns/<uuid:plan_id>/<str:section>/add", campaign_editor.add_item, name="campaign_item_add"),
    path("campaigns/<uuid:plan_id>/<str:section>/<uuid:item_id>/remove", campaign_editor.remove_item,
         name="campaign_item_remove"),
    path("campaigns/<uuid:plan_id>/publish", publication.publish, name="campaign_publish"),
    path("campaigns/<uuid:plan_id>/reopen", publication.reopen, name="campaign_reopen"),
    path("campaigns/<uuid:plan_id>/amend", publication.amend, name="campaign_amend"),
    path("campaigns/<uuid:plan_id>/takers", publication.takers, name="campaign_takers"),
    path("review", review.queue, name="review_queue"),
    path("review/<uuid:plan_id>", review.review, name="review"),
    path("review/<uuid:plan_id>/decide", review.decide, name="review_decide"),
    path("progress/<uuid:campaign_id>/<uuid:node_id>/units/<str:name>", unit_lists.unit_list, name="unit_list"),
    path("reports", reports.index, name="reports"),
    path("reports/<uuid:report_id>", reports.report, name="report"),
    path("reports/<uuid:report_id>/file", reports.download, name="report_file"),
    path("reports/<uuid:report_id>/submit", reports.submit, name="report_submit"),
    # The auditors' event history.
    path("history", history.index, name="history"),
    path("units/<uuid:unit_id>/history", history.unit_history, name="unit_history"),
    path("units/<uuid:unit_id>/history/export", history.export, name="unit_history_export"),
    path("audit/chain", audit_chain.chain_page, name="audit_chain"),
    path("audit/chain/export", audit_chain.chain_export, name="audit_chain_export"),
]
