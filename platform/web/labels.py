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

GLOBALS = {"kinds": KIND_LABELS, "roles": ROLES, "light_labels": LIGHTS, "plan_statuses": PLAN_STATUSES,
           "entry_statuses": ENTRY_STATUSES, "entry_events": ENTRY_EVENTS}
