"""The whole campaign story over HTTP against a real server process.

The city bureau authors and publishes a campaign; district B and school A derive from it,
school B derives from district B's plan (multi-level). School A is returned once and
resubmits. The bureau amends; school A rebases through two conflicts; district B has not
taken the amendment yet, and the bureau sees that. Branches log activities (one retracted,
one returned by the school), a suggestion is adopted, two rectifications are planned (one
verified with evidence, one overdue). Progress at the city root shows the numbers and lights.
"""

from __future__ import annotations

from tests.e2e.campaign_helpers import PDF, Campaign, day, ok, upload


def test_the_campaign_story(org, ops) -> None:
    branch_b = org.node(org.school_b, "branch", "邗江中学党支部")
    city = org.user_with_role(org.city, "admin")
    auditor = org.user_with_role(org.city, "auditor")
    district_b = org.user_with_role(org.district_b, "admin")
    school_a = org.user_with_role(org.school_a, "admin")
    school_b = org.user_with_role(org.school_b, "admin")
    secretary_a = org.user_with_role(org.branch_a, "secretary")

    # 1-2. The bureau authors and publishes; a stale concurrent edit is refused.
    campaign = Campaign(city, org.city, publish=False)
    cid, base = campaign.id, f"/api/v1/plans/{campaign.id}"
    v = ok(city.get(base))["version"]
    ok(city.patch(base, {"slogan": "解放思想、真抓实干"}, headers={"If-Match": str(v)}))
    stale = city.patch(base, {"slogan": "另一个口号"}, headers={"If-Match": str(v)})
    assert stale.status == 409 and stale.code == "version_conflict"
    published = ok(city.post(f"{base}/publish", {"derive_deadline": day(-30)}))
    assert (published["status"], published["released_version"]) == ("published", 1)

    # 3. School A derives from the campaign: narrows a phase, declines the optional topic,
    # adds a local topic and requirement, assigns the task to its branch.
    plan_a = ok(school_a.post(f"{base}/derive", {"tenant_id": org.school_a["id"], "title": "实验中学实施方案"}), 201)
    pa = f"/api/v1/plans/{plan_a['id']}"
    assert {t["id"] for t in plan_a["topics"]} == {campaign.core, campaign.optional}
    ok(school_a.patch(f"{pa}/phases/{campaign.p2}", {"start": day(-5), "end": day(15)}))
    ok(school_a.post(f"{pa}/topics/{campaign.optional}/decline", {"reason": "与本校实际关联不大"}))
    ok(school_a.post(f"{pa}/topics", {"title": "如何提升课堂效率"}), 201)
    ok(school_a.post(f"{pa}/tasks/{campaign.task}/assignments",
                     {"unit_id": org.branch_a["id"], "owner": "第一支部书记"}), 201)
    elsewhere = school_a.post(f"{pa}/tasks/{campaign.task}/assignments",
                              {"unit_id": branch_b["id"], "owner": "外校"})
    assert elsewhere.status == 422 and elsewhere.code == "unit_outside_subtree"
    ok(school_a.post(f"{pa}/submit", {}))
    assert school_a.post(f"{pa}/approve", {}).status == 403  # not the parent unit
    returned = ok(city.post(f"{pa}/return", {"reasons": ["缺少座谈会安排"]}))
    assert returned["status"] == "returned" and returned["return_reasons"] == ["缺少座谈会安排"]
    ok(school_a.post(f"{pa}/requirements", {"kind": "座谈会", "metric": "count", "minimum": 1}), 201)
    ok(school_a.post(f"{pa}/submit", {}))
    approved = ok(city.post(f"{pa}/approve", {"comment": "同意"}))
    assert (approved["status"], approved["submissions"]) == ("approved", 2)

    # District B derives, is approved; school B derives from district B's plan.
    plan_db = ok(district_b.post(f"{base}/derive", {"tenant_id": org.district_b["id"]}), 201)
    pdb = f"/api/v1/plans/{plan_db['id']}"
    ok(district_b.post(f"{pdb}/submit", {}))
    ok(city.post(f"{pdb}/approve", {}))
    plan_b = ok(school_b.post(f"{pdb}/derive", {"tenant_id": org.school_b["id"]}), 201)
    assert plan_b["parent_id"] == plan_db["id"] and plan_b["campaign_id"] == cid
    ok(school_b.post(f"/api/v1/plans/{plan_b['id']}/submit", {}))
    ok(district_b.post(f"/api/v1/plans/{plan_b['id']}/approve", {}))

    # 4. The bureau amends: the study phase ends earlier, the optional topic becomes mandatory.
    ok(city.post(f"{base}/reopen", {"reason": "根据省厅要求调整"}))
    ok(city.patch(f"{base}/phases/{campaign.p2}", {"end": day(10)}))
    ok(city.patch(f"{base}/topics/{campaign.optional}", {"mandatory": True}))
    amended = ok(city.post(f"{base}/amend", {"summary": "学习讨论阶段提前结束；学校文化题目改为必选"}))
    assert amended["released_version"] == 2
    taken = ok(city.get(f"{base}/children"))
    assert taken["count"] == 2 and taken["taken"] == 0

    up = ok(school_a.get(f"{pa}/upstream"))
    assert up["pending"] and up["parent_version"] == 2
    assert [c["id"] for c in up["diff"]["phases"]["changed"]] == [campaign.p2]
    assert {c["code"] for c in up["conflicts"]} == {"phase_outside_parent_window", "declined_topic_now_mandatory"}
    assert ok(school_a.get(pa))["display_status"] == "upstream_changed"
    ok(school_a.post(f"{pa}/reopen", {"reason": "同步上级修订"}))
    blocked = school_a.post(f"{pa}/rebase", {})
    assert blocked.status == 422 and blocked.code == "rebase_conflicts"
    assert len(blocked.body["details"]["conflicts"]) == 2
    ok(school_a.patch(f"{pa}/phases/{campaign.p2}", {"end": day(10)}))
    ok(school_a.post(f"{pa}/topics/{campaign.optional}/accept", {}))
    rebased = ok(school_a.post(f"{pa}/rebase", {}))
    assert rebased["upstream"] is None and rebased["parent_version"] == 2
    ok(school_a.post(f"{pa}/submit", {}))
    ok(city.post(f"{pa}/approve", {}))
    taken = ok(city.get(f"{base}/children"))
    assert taken["taken"] == 1 and taken["not_taken"] == ["邗江区教育局"]

    # 5. Branch A logs activities against the school's plan, with evidence.
    evidence = ok(upload(secretary_a, org.branch_a["id"], PDF), 201)
    assert evidence["content_type"] == "application/pdf" and evidence["size"] == len(PDF)

    def log(kind: str, offset: int, participants: int, hours, **extra) -> dict:
        return ok(secretary_a.post("/api/v1/activities", {
            "tenant_id": org.branch_a["id"], "plan_id": plan_a["id"], "kind": kind,
            "title": f"{kind}活动", "start": day(offset), "end": day(offset),
            "participants": participants, "hours": hours, "phase_id": campaign.p2,
            "topic_ids": [campaign.core], "evidence": [evidence], "summary": "学习讨论", **extra,
        }), 201)

    log("专题学习", -4, 20, "3.5")
    log("专题学习", -2, 18, 4, outcomes="形成调研报告一篇")
    log("主题党日", -1, 25, 2)
    wrong = log("征文", -1, 5, 1)
    retracted = ok(secretary_a.post(f"/api/v1/activities/{wrong['id']}/retract", {"reason": "重复填报"}))
    assert retracted["status"] == "retracted"
    thin = log("座谈会", 0, 3, 1, summary="")
    assert secretary_a.post(f"/api/v1/activities/{thin['id']}/return", {"reason": "x"}).status == 403
    thin = ok(school_a.post(f"/api/v1/activities/{thin['id']}/return", {"reason": "缺少会议纪要"}))
    assert thin["status"] == "returned" and thin["history"][-1]["reason"] == "缺少会议纪要"

    # 6. A suggestion, anonymous above the branch; an auditor may unmask it (a recorded read).
    s = ok(secretary_a.post("/api/v1/suggestions", {
        "tenant_id": org.branch_a["id"], "plan_id": plan_a["id"], "title": "建立青年教师导师制",
        "content": "建议每位青年教师配备一名导师", "anonymous": True}), 201)
    assert s["author"] == secretary_a.user["id"]
    assert ok(city.get(f"/api/v1/suggestions/{s['id']}"))["author"] is None
    assert ok(auditor.get(f"/api/v1/suggestions/{s['id']}"))["author"] is None
    assert ok(auditor.post(f"/api/v1/suggestions/{s['id']}/unmask"))["author"] == secretary_a.user["id"]
    assert city.post(f"/api/v1/suggestions/{s['id']}/unmask").status == 403
    ok(school_a.post(f"/api/v1/suggestions/{s['id']}/categorise", {"text": "队伍建设"}))
    ok(school_a.post(f"/api/v1/suggestions/{s['id']}/adopt", {"text": "纳入下学期计划"}))
    answered = ok(school_a.post(f"/api/v1/suggestions/{s['id']}/answer", {"text": "已采纳，感谢"}))
    assert (answered["category"], answered["status"], answered["author"]) == ("队伍建设", "adopted", None)

    # 7. Problems and rectifications: one verified with evidence, one overdue.
    def problem(deadline: str) -> str:
        p = ok(secretary_a.post("/api/v1/problems", {
            "tenant_id": org.branch_a["id"], "plan_id": plan_a["id"],
            "description": "理论学习不够深入", "category": "思想观念"}), 201)
        ok(secretary_a.post(f"/api/v1/problems/{p['id']}/rectification", {
            "measures": ["制定学习计划"], "lead_leader": "李书记", "responsible_units": ["第一党支部"],
            "deadline": deadline}))
        return p["id"]

    fixed, late = problem(day(5)), problem(day(-2))
    assert ok(secretary_a.get(f"/api/v1/problems/{fixed}"))["light"] == "blue"
    assert ok(secretary_a.get(f"/api/v1/problems/{late}"))["light"] == "red"
    ok(secretary_a.post(f"/api/v1/problems/{fixed}/progress", {"note": "已开展两次学习", "percent": 60}))
    no_evidence = secretary_a.post(f"/api/v1/problems/{fixed}/complete", {"summary": "完成", "evidence": []})
    assert no_evidence.status == 422 and no_evidence.code == "evidence_required"
    ok(secretary_a.post(f"/api/v1/problems/{fixed}/complete", {"summary": "完成", "evidence": [evidence]}))
    assert secretary_a.post(f"/api/v1/problems/{fixed}/verify", {}).status == 403
    assert ok(school_a.post(f"/api/v1/problems/{fixed}/verify", {"text": "销号"}))["status"] == "verified"

    # 8. Progress at the city root, with its children.
    root = ok(city.get(f"/api/v1/campaigns/{cid}/progress/{org.city['id']}"))
    # An amendment flags a plan beside its approval: district B's stays approved.
    assert root["plans"] == {"approved": 3, "not_derived": 1} and root["plans_upstream_changed"] == 1
    assert root["activities"] == 3 and root["by_kind"] == {"专题学习": 2, "主题党日": 1}
    assert root["by_phase"] == {campaign.p2: 3} and root["activities_returned"] == 1
    assert (root["participants"], root["hours"]) == (63, 9.5)
    # branch A: 2 of its school's 3 requirements; branch B: 0 of 2.
    assert root["requirements"]["met"] == 2 and root["requirements"]["total"] == 5
    assert root["requirements"]["text"] == "2 of 5, 50 days left"
    assert root["suggestions"] == {"total": 1, "adopted": 1, "answered": 1}
    assert root["problems"] == {"total": 2, "open": 1, "completed": 0, "closed": 1, "red": 1, "blue": 0, "yellow": 0}
    assert root["score"] == round(100 * (3 / 4 + 2 / 5 + 1 / 2) / 3)
    assert root["light"] == "red" and root["last_activity"] == day(-1)
    children = {c["name"]: c for c in root["children"]}
    assert set(children) == {"广陵区教育局", "邗江区教育局"}
    ga, hj = children["广陵区教育局"], children["邗江区教育局"]
    assert ga["plan_status"] == "not_derived" and (hj["plan_status"], hj["upstream_changed"]) == ("approved", True)
    assert (ga["activities"], hj["activities"]) == (3, 0)
    assert hj["silent"] and hj["silent_days"] == 40 and hj["light"] == "red"
    assert ga["problems"]["red"] == 1 and ga["light"] == "red"
    assert root["children_green_share"] == 0.0

    branch = ok(secretary_a.get(f"/api/v1/campaigns/{cid}/progress/{org.branch_a['id']}"))
    assert branch["requirements"]["text"] == "2 of 3, 50 days left"
    assert {r["kind"]: r["met"] for r in branch["own_requirements"]} == {"专题学习": True, "主题党日": True, "座谈会": False}
    assert secretary_a.get(f"/api/v1/campaigns/{cid}/progress/{org.city['id']}").status == 404

    red = ok(city.get(f"/api/v1/campaigns/{cid}/progress/{org.city['id']}/units?kind=branch&light=red"))
    assert {i["name"] for i in red["items"]} == {"第一党支部", "邗江中学党支部"} and red["count"] == 2
    missing = ok(city.get(f"/api/v1/campaigns/{cid}/progress/{org.city['id']}/units?without_approved_plan=true"))
    assert [i["name"] for i in missing["items"]] == ["广陵区教育局"]  # 邗江's stays approved (flagged)
    schools = ok(city.get(f"/api/v1/campaigns/{cid}/progress/{org.city['id']}/units?kind=school&without_approved_plan=true"))
    assert schools["count"] == 0
