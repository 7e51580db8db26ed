"""Names of codes shown on pages (msgids in Chinese, translated by ``_()`` when shown)."""

from taolun.tenants.domainmodel import KIND_LABELS

ROLES = {"admin": "管理员", "secretary": "书记/负责人", "inspector": "督查员", "auditor": "审计员",
         "viewer": "查看者"}
LIGHTS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}
PLAN_STATUSES = {"not_derived": "未制定", "draft": "草稿", "submitted": "待审核", "returned": "已退回",
                 "approved": "已批准", "": "—"}
# Reports: the kinds, and what the request form offers as (choice, kind, format, label).
REPORT_KINDS = {"plan_document": "实施方案", "progress_table": "进度统计表",
                "rectification_ledger": "整改台账", "activity_ledger": "活动台账"}
REPORT_CHOICES = (
    ("plan_document:docx", "plan_document", "docx", "实施方案（公文，Word）"),
    ("plan_document:pdf", "plan_document", "pdf", "实施方案（公文，PDF）"),
    ("progress_table:xlsx", "progress_table", "xlsx", "进度统计表（Excel）"),
    ("rectification_ledger:xlsx", "rectification_ledger", "xlsx", "整改台账（Excel）"),
    ("activity_ledger:xlsx", "activity_ledger", "xlsx", "活动台账（Excel）"),
)

GLOBALS = {"kinds": KIND_LABELS, "roles": ROLES, "light_labels": LIGHTS, "plan_statuses": PLAN_STATUSES,
           "report_kinds": REPORT_KINDS}
