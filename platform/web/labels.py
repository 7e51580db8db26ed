"""Names of codes shown on pages (msgids in Chinese, translated by ``_()`` when shown)."""

from taolun.tenants.domainmodel import KIND_LABELS

ROLES = {"admin": "管理员", "secretary": "书记/负责人", "inspector": "督查员", "auditor": "审计员",
         "viewer": "查看者"}
LIGHTS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}
PLAN_STATUSES = {"not_derived": "未制定", "draft": "草稿", "submitted": "待审核", "returned": "已退回",
                 "approved": "已批准", "": "—"}
SECTIONS = {"topics": "讨论题目", "phases": "阶段", "tasks": "工作任务", "requirements": "规定要求"}
CHANGES = {"added": "新增", "removed": "删除", "changed": "修改"}
ENTRY_STATUSES = {"logged": "已登记", "returned": "已退回", "retracted": "已撤回"}
ENTRY_EVENTS = {"corrected": "更正", "retracted": "撤回", "returned": "退回"}
SUGGESTION_STATUSES = {"submitted": "待处理", "adopted": "已采纳"}
PROBLEM_STATUSES = {"open": "待整改", "rectifying": "整改中", "completed": "已完成", "verified": "已销号"}
PROBLEM_LIGHTS = {"green": "已完成", "blue": "临近时限", "yellow": "滞后", "red": "逾期", "none": "正常推进"}
PROBLEM_LIGHT_RULES = {"red": "已过整改时限仍未完成", "yellow": "被重新打开，整改滞后",
                       "blue": "7 天内到整改时限", "green": "整改完成或已销号"}
PROBLEM_EVENTS = {"RectificationPlanned": "制定整改措施", "ProgressReported": "整改进展", "Completed": "整改完成",
                  "Verified": "销号", "Reopened": "重新打开"}
# Reports: the kinds, and what the request form offers as (choice, kind, format, label).
REPORT_KINDS = {"plan_document": "实施方案", "progress_table": "进度统计表",
                "rectification_ledger": "整改台账", "activity_ledger": "活动台账",
                "bulletin": "简报", "phase_summary": "阶段总结", "summary_report": "总结报告"}
REPORT_CHOICES = (
    ("plan_document:docx", "plan_document", "docx", "实施方案（公文，Word）"),
    ("plan_document:pdf", "plan_document", "pdf", "实施方案（公文，PDF）"),
    ("progress_table:xlsx", "progress_table", "xlsx", "进度统计表（Excel）"),
    ("progress_table:pdf", "progress_table", "pdf", "进度统计表（PDF，含图表）"),
    ("rectification_ledger:xlsx", "rectification_ledger", "xlsx", "整改台账（Excel）"),
    ("activity_ledger:xlsx", "activity_ledger", "xlsx", "活动台账（Excel）"),
    ("bulletin:docx", "bulletin", "docx", "简报（Word，需选起止日期）"),
    ("bulletin:pdf", "bulletin", "pdf", "简报（PDF，需选起止日期）"),
    ("phase_summary:docx", "phase_summary", "docx", "阶段总结（Word，需选阶段）"),
    ("phase_summary:pdf", "phase_summary", "pdf", "阶段总结（PDF，需选阶段）"),
    ("summary_report:docx", "summary_report", "docx", "总结报告（Word）"),
    ("summary_report:pdf", "summary_report", "pdf", "总结报告（PDF）"),
)

GLOBALS = {"kinds": KIND_LABELS, "roles": ROLES, "light_labels": LIGHTS, "plan_statuses": PLAN_STATUSES,
           "entry_statuses": ENTRY_STATUSES, "entry_events": ENTRY_EVENTS,
           "suggestion_statuses": SUGGESTION_STATUSES, "problem_statuses": PROBLEM_STATUSES,
           "problem_lights": PROBLEM_LIGHTS, "problem_light_rules": PROBLEM_LIGHT_RULES,
           "problem_events": PROBLEM_EVENTS, "report_kinds": REPORT_KINDS}
