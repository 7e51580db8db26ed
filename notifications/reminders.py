"""Deadline reminders: one scan over the projections, as of a day (the clock is injected).

Every tick of the scheduler runs :func:`scan` (the ``scan_reminders`` job). It reads what is
due from the read models — the to-do items of ``projections/todo.py`` (derive deadline,
requirement behind, rectification due, task due: not computed twice), the campaign's phases and each
measured unit's silence — and posts a notice to each person concerned. Each notice is
claimed by (recipient, rule, subject, due date + 督办 level and cadence slot), so a scan
run twice, or by two workers at once, tells nobody twice; a new slot (the cadence) or a
higher level tells them again, until the item is done (it leaves the to-do list).

督办 levels: blue when due within ``remind_lead_days``, yellow within
``remind_yellow_days`` (and on the day), red when overdue — red is copied to the admins of
the unit above. Rules and cadences are per campaign (its progress settings, validated on
the write side) over :data:`DEFAULTS`; each rule may be turned off (``remind_<rule>``: 0).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from taolun.events.campaigns import rules
from taolun.notifications.inbox import claim_key, post

DEFAULTS = {
    "remind_lead_days": 7,  # told this many days before a deadline, a phase's start or end
    "remind_yellow_days": 2,  # 督办 turns yellow this many days before the deadline
    "remind_blue_every": 3,  # re-sent every N days while blue …
    "remind_yellow_every": 1,  # … while yellow
    "remind_red_every": 1,  # … and while red (overdue), copied to the level above
    "remind_silent_every": 7,  # a silent branch: told again every N days it stays silent
}
ESCALATING = ("derive_deadline", "rectification_due", "task_due")
RULES = (*ESCALATING, "requirement_behind", "phase_begins", "phase_ends", "branch_silent")
DEFAULTS.update({f"remind_{rule}": 1 for rule in RULES})  # every rule on unless the campaign turns it off
ADMINS = ("admin",)
RECENT_DAYS = 120
CHUNK = 500  # units per query of the to-do finders
BATCH = 50  # notices committed together
WORKERS = ("admin", "secretary")

def clock() -> date:
    """Today in Asia/Shanghai (the campaigns' today: a test installation may move it)."""
    return rules.today()


def settings_of(stored: dict[str, Any] | None) -> dict[str, int]:
    return {**DEFAULTS, **{k: v for k, v in (stored or {}).items() if k in DEFAULTS}}


def level(days_left: int, s: dict[str, int]) -> tuple[str, int] | None:
    """(督办 level, cadence slot) of an item due in ``days_left`` days; None while it is
    further off than the lead time. The slot counts the cadence's periods since the level
    began, so one notice per level and period."""
    if days_left < 0:
        return "red", (-1 - days_left) // s["remind_red_every"]
    if days_left <= s["remind_yellow_days"]:
        return "yellow", (s["remind_yellow_days"] - days_left) // s["remind_yellow_every"]
    if days_left <= s["remind_lead_days"]:
        return "blue", (s["remind_lead_days"] - days_left) // s["remind_blue_every"]
    return None


def recent_claims(on: date) -> set[str]:
    """The keys of the reminders told in the last :data:`RECENT_DAYS` (longer than any
    cadence): the scan skips them without a round trip each."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from taolun.notifications.models import InboxMessage

    since = datetime.combine(on - timedelta(days=RECENT_DAYS), time(), ZoneInfo(rules.TIME_ZONE))
    return set(InboxMessage.objects.filter(rule__in=RULES, created_at__gte=since).values_list("key", flat=True))


class Scan:
    def __init__(self, on: date) -> None:
        from taolun.projections.models import PlanRow

        self.on = on
        self.posted = 0
        self.campaigns = {c.id: c for c in PlanRow.objects.filter(kind="campaign", released_version__gt=0)}
        self._parents: dict[Any, Any] = {}
        self._grants: dict[Any, list[tuple[str, Any]]] | None = None
        self.batch: Any = None  # the open transaction of the notices posted since the last commit
        self.in_batch = 0
        self.claimed = recent_claims(on)

    def settings(self, campaign_id: Any) -> dict[str, int]:
        from uuid import UUID

        campaign = self.campaigns.get(UUID(str(campaign_id))) if campaign_id else None
        return settings_of(campaign.progress_settings if campaign else None)

    def rule_on(self, rule: str, campaign_id: Any) -> bool:
        """Whether the campaign keeps ``rule`` on (every rule is, by default)."""
        return bool(self.settings(campaign_id)[f"remind_{rule}"])

    def post(self, user: Any, rule: str, subject: Any, when: Any, params: dict, lvl: str = "") -> None:
        if claim_key(user, rule, subject, when) in self.claimed:
            return  # told already (the claim itself is the guard: this only saves the work)
        if self.batch is None:
            self.batch = transaction.atomic()
            self.batch.__enter__()
        if post(user, rule, subject, when, params, lvl) is not None:
            self.posted += 1
            self.in_batch += 1
            if self.in_batch >= BATCH:
                self.commit()

    def commit(self, error: BaseException | None = None) -> None:
        """End the open batch of notices: committed together (one commit per
        :data:`BATCH`, not per notice); a batch lost to a crash is posted by the next scan."""
        batch, self.batch, self.in_batch = self.batch, None, 0
        if batch is not None:
            batch.__exit__(type(error) if error else None, error, error.__traceback__ if error else None)

    def grants(self) -> dict[Any, list[tuple[str, Any]]]:
        """Every grant by unit, (role, user) oldest first: read once per scan."""
        if self._grants is None:
            from taolun.projections.models import Grant

            self._grants = defaultdict(list)
            for node, role, user in Grant.objects.order_by("granted_at", "id").values_list(
                    "node_id", "role", "user_id"):
                self._grants[node].append((role, user))
        return self._grants

    def holders(self, node_id: Any, roles: tuple[str, ...]) -> list[Any]:
        """As ``inbox.holders``, from :meth:`grants`."""
        return list(dict.fromkeys(u for r, u in self.grants().get(node_id, ()) if r in roles))

    def parent_of(self, node_id: Any) -> Any:
        from taolun.projections.models import OrgNode

        if node_id not in self._parents:
            self._parents[node_id] = OrgNode.objects.filter(pk=node_id).values_list("parent_id", flat=True).first()
        return self._parents[node_id]

    # -- the to-do items: derive deadline, rectification due, requirement behind ---------

    def todo_items(self) -> None:
        """The dated to-do items of every unit at once (the to-do list's own finders, a chunk
        of units at a time), each told to the unit's admins or loggers as the list would."""
        from uuid import UUID

        from taolun.events.campaigns.rules import LOGGERS
        from taolun.projections.models import OrgNode
        from taolun.projections.todo import for_admins, items_of

        roles = {node: {r for r, _ in held} for node, held in self.grants().items()}
        nodes = list(OrgNode.objects.filter(pk__in=list(roles), archived=False).values("id", "name", "kind", "path"))
        admin = [n for n in nodes if "admin" in roles[n["id"]]]
        loggers = [n for n in nodes if roles[n["id"]] & set(LOGGERS)]
        for units, as_admin in ((admin, True), (loggers, False)):
            for i in range(0, len(units), CHUNK):
                chunk = units[i:i + CHUNK]
                for item in items_of(chunk if as_admin else [], [] if as_admin else chunk, self.on, TODO_RULES):
                    if for_admins(item["kind"]) != as_admin:
                        continue
                    told = ADMINS if as_admin else LOGGERS
                    for user in self.holders(UUID(item["unit_id"]), told):
                        TODO_RULES[item["kind"]](self, user, item)

    def escalating(self, user_id: Any, item: dict) -> None:
        if item["days_left"] is None or not self.rule_on(item["kind"], item.get("campaign_id")):
            return
        s = self.settings(item.get("campaign_id"))
        found = level(item["days_left"], s)
        if found is None:
            return
        lvl, slot = found
        params = {"title": item.get("campaign_title", ""), "unit": item["unit_name"], "due": item["due"],
                  "days_left": item["days_left"], "what": item.get("description", ""),
                  "unit_id": item["unit_id"], **({"owner": item["owner"]} if "owner" in item else {})}
        when = f"{item['due']}:{lvl}{slot}"
        self.post(user_id, item["kind"], item["ref"], when, params, lvl)
        if lvl == "red":  # copied to the level above
            parent = self.parent_of(item["unit_id"])
            for boss in self.holders(parent, ADMINS) if parent else []:
                self.post(boss, item["kind"], item["ref"], when, params, lvl)

    def requirement_behind(self, user_id: Any, item: dict) -> None:
        s = self.settings(item.get("campaign_id"))
        days = item["days_left"]
        if days is None or not 0 <= days <= s["remind_lead_days"] or not s["remind_requirement_behind"]:
            return
        slot = (s["remind_lead_days"] - days) // s["remind_blue_every"]
        self.post(user_id, "requirement_behind", item["ref"], f"{item['due']}:{slot}", {
            "unit": item["unit_name"], "kind": item["requirement_kind"], "done": item["achieved"],
            "need": item["minimum"], "days": days, "unit_id": item["unit_id"]})

    # -- a phase begins or ends in N days ----------------------------------------------

    def phases(self) -> None:
        from taolun.projections.models import ProgressRow

        for campaign in self.campaigns.values():
            s = settings_of(campaign.progress_settings)
            coming = []
            for phase_id, phase in sorted((campaign.phases or {}).items()):
                for rule, day in (("phase_begins", phase.get("start")), ("phase_ends", phase.get("end"))):
                    days = (date.fromisoformat(day) - self.on).days if day else None
                    if days is not None and 0 < days <= s["remind_lead_days"] and s[f"remind_{rule}"]:
                        coming.append((rule, phase_id, phase.get("name", ""), day, days))
            if not coming:
                continue
            units = ProgressRow.objects.filter(campaign_id=campaign.id).values_list("node_id", flat=True)
            people = self.people_of(units)
            for rule, phase_id, name, day, days in coming:
                for user in people:
                    self.post(user, rule, f"{campaign.id}:{phase_id}", day,
                              {"title": campaign.title, "phase": name, "due": day, "days": days})

    @staticmethod
    def people_of(units) -> list[Any]:
        from taolun.projections.models import Grant

        return list(Grant.objects.filter(node_id__in=units, role__in=WORKERS)
                    .values_list("user_id", flat=True).distinct().order_by("user_id"))

    # -- a branch silent for N days ----------------------------------------------------

    def silent_branches(self) -> None:
        from taolun.events.campaigns import lights
        from taolun.projections import progress as figures
        from taolun.projections.models import ProgressRow

        for campaign in self.campaigns.values():
            window = (campaign.window_start, campaign.window_end) if campaign.window_start else None
            s = settings_of(campaign.progress_settings)
            if window is None or not s["remind_branch_silent"]:
                continue
            cfg = lights.settings_of(campaign.progress_settings)
            rows = ProgressRow.objects.filter(campaign_id=campaign.id, kind__in=lights.MEASURED_KINDS,
                                              obliged=True).values("node_id", "parent_id", "name", "total")
            for row in rows:
                assessed = figures.assess(row["total"], window=window, on=self.on, settings=cfg)
                if not assessed["silent"]:
                    continue
                days = assessed["silent_days"]
                since = (self.on - timedelta(days=days)).isoformat()
                slot = (days - cfg["silent_days"]) // s["remind_silent_every"]
                params = {"unit": row["name"], "days": days, "title": campaign.title,
                          "unit_id": str(row["node_id"])}
                for user in self.holders(row["node_id"], WORKERS) + self.holders(row["parent_id"], ADMINS):
                    self.post(user, "branch_silent", f"{campaign.id}:{row['node_id']}", f"{since}:{slot}", params)


TODO_RULES: dict[str, Callable[[Scan, Any, dict], None]] = {
    "derive_deadline": Scan.escalating,
    "rectification_due": Scan.escalating,
    "task_due": Scan.escalating,
    "requirement_behind": Scan.requirement_behind,
}


def scan(on: date | None = None) -> int:
    """Post every reminder due as of ``on`` (default: today in Asia/Shanghai); answer how
    many notices were new."""
    run = Scan(on or clock())
    try:
        run.todo_items()
        run.phases()
        run.silent_branches()
    except BaseException as error:
        run.commit(error)  # rolled back: told by the next scan
        raise
    run.commit()
    return run.posted


def scan_reminders() -> None:
    """The scheduler's job: safe to run twice (every notice is claimed by its key)."""
    import logging

    logging.getLogger("taolun.notifications").info("reminder scan posted %d notices", scan())
