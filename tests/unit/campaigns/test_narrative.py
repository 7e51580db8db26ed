"""The story of one campaign, told against each persistence module (POPO, SQLite, PostgreSQL).

The city bureau writes 解放思想大讨论 and publishes it; a school derives its 实施方案, narrows a
phase, declines an optional topic, is sent back once and approved on resubmission. The bureau
then amends the campaign; the school is told, sees the diff, cannot rebase until it resolves
two conflicts, and does. A party branch logs its activities; a problem is rectified with
evidence and verified.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest

from taolun.events.campaigns import rules
from taolun.events.campaigns.application import Campaigns
from taolun.events.kernel import Conflict, DomainError

CITY, SCHOOL, BRANCH = uuid4(), uuid4(), uuid4()  # 市教育局, 益阳高级技工学校, 第一支部
DIRECTOR, SCHOOL_ADMIN, SECRETARY, TEACHER = uuid4(), uuid4(), uuid4(), uuid4()

EVIDENCE = {
    "sha256": "a" * 64,
    "filename": "会议记录.pdf",
    "size": 20480,
    "content_type": "application/pdf",
}


@pytest.fixture(autouse=True)
def _city(tree, uploads) -> None:
    """The city bureau's director, the school's admin and the branch's secretary."""
    tree.add("bureau", unit_id=CITY)
    tree.add("school", CITY, unit_id=SCHOOL)
    tree.add("branch", SCHOOL, unit_id=BRANCH)
    tree.grant(DIRECTOR, CITY, "admin")
    tree.grant(SCHOOL_ADMIN, SCHOOL, "admin")
    tree.grant(SECRETARY, BRANCH, "secretary")
    for user in (SECRETARY, SCHOOL_ADMIN):
        uploads.upload(user, EVIDENCE["sha256"])


def test_a_campaign_is_authored_derived_amended_rebased_and_carried_out(
    campaigns: Campaigns, persistence: str
) -> None:
    app = campaigns

    # The city bureau authors the campaign.
    campaign_id, _ = app.author_campaign(
        DIRECTOR, CITY, "全市教育系统开展解放思想大讨论活动实施方案",
        slogan="办高品质教育、建高品质学校",
        theme="解放思想大讨论",
        basis_documents=[{"name": "关于开展解放思想大讨论活动方案的通知", "doc_no": "扬办发〔2018〕12号"}],
        guiding_ideology="以习近平新时代中国特色社会主义思想为指导",
        general_requirements="广泛开展大学习、大调研、大讨论、大落实活动",
        goals=["破除不相适应的思想观念"],
        principles=["坚持学习调研先行", "坚持领导示范带动"],
    )
    publicity, _ = app.add_phase(campaign_id, DIRECTOR, name="宣传发动阶段", start="2019-01-01", end="2019-02-28")
    study, _ = app.add_phase(campaign_id, DIRECTOR, name="学习讨论阶段", start="2019-03-01", end="2019-05-31")
    practice, _ = app.add_phase(campaign_id, DIRECTOR, name="实践转化阶段", start="2019-06-01", end="2019-08-15")
    app.add_phase(campaign_id, DIRECTOR, name="持续深化阶段", start="2019-08-16", end="2019-09-30")
    core, _ = app.add_topic(campaign_id, DIRECTOR, group="（一）围绕“五先五市”推动思想大解放",
                            title="职业技术教育如何对接地方经济", mandatory=True)
    culture, _ = app.add_topic(campaign_id, DIRECTOR, group="（二）围绕内涵建设推动思想大解放",
                               title="如何打造学校文化，充分体现学校特色")
    mobilise, _ = app.add_task(campaign_id, DIRECTOR, title="动员部署", phase_id=publicity,
                               responsible_units=["办公室"], evidence_expected="动员会议记录",
                               due="2019-02-15")
    study_days, _ = app.add_requirement(campaign_id, DIRECTOR, kind="专题学习", metric="days", minimum=3,
                                        description="集中学习不少于3天")
    app.add_requirement(campaign_id, DIRECTOR, kind="党课", metric="count", minimum=1, per="leader",
                        scope="phase", phase_id=study, description="领导干部每人讲一次专题党课")
    app.set_leading_group(campaign_id, DIRECTOR, {
        "leaders": [{"name": "张三", "position": "局党委书记、局长"}],
        "deputy_leaders": ["李四"],
        "members": ["王五", "赵六"],
        "office": {"location": "设在组织处", "director": {"name": "王五", "position": "组织处处长"}},
    })
    draft = app.get_plan(campaign_id)
    assert draft.status == "draft" and len(draft.phases) == 4 and draft.leading_group["leaders"][0]["name"] == "张三"

    # Publishing it to the whole subtree releases version 1.
    app.publish(campaign_id, DIRECTOR, derive_deadline="2019-01-20", expected_version=draft.version)
    campaign = app.get_plan(campaign_id)
    assert (campaign.status, campaign.released_version) == ("published", 1)
    assert campaign.publication == {"scope": "subtree", "unit_ids": [], "derive_deadline": "2019-01-20"}

    # A school derives its own plan: everything inherited, ids kept.
    plan_id, _ = app.derive_plan(campaign_id, SCHOOL_ADMIN, SCHOOL, title="益阳高级技工学校解放思想大讨论实施方案")
    plan = app.get_plan(plan_id)
    assert (plan.parent_id, plan.parent_version, plan.campaign_id) == (campaign_id, 1, campaign_id)
    assert set(plan.topics) == {str(core), str(culture)}
    assert plan.requirements[str(study_days)]["origin"] == "inherited"

    # It narrows the study phase (only inside the parent's window) …
    version_before = plan.version
    with pytest.raises(DomainError) as e:
        app.revise_phase(plan_id, SCHOOL_ADMIN, study, start="2019-02-20", end="2019-05-20")
    assert e.value.code == "outside_parent_window"
    assert app.get_plan(plan_id).version == version_before
    app.revise_phase(plan_id, SCHOOL_ADMIN, study, start="2019-03-10", end="2019-05-20",
                     expected_version=version_before)
    with pytest.raises(Conflict) as c:
        app.add_topic(plan_id, SCHOOL_ADMIN, group="本校", title="过时的编辑", expected_version=version_before)
    assert c.value.code == "version_conflict"

    # … declines an optional topic with a reason, adds its own topic, task and requirement.
    app.decline_topic(plan_id, SCHOOL_ADMIN, culture, "本校已在文化建设专项中讨论")
    with pytest.raises(DomainError) as e:
        app.decline_topic(plan_id, SCHOOL_ADMIN, core, "不想讨论")
    assert e.value.code == "mandatory_topic_cannot_be_declined"
    app.add_topic(plan_id, SCHOOL_ADMIN, group="（三）围绕激励教职工干事担当推动思想大解放",
                  title="如何树立全局视野，创造性地开展工作")
    forum, _ = app.add_task(plan_id, SCHOOL_ADMIN, title="解放思想系列主题论坛", phase_id=study,
                            responsible_units=["党建科"], due="2019-05-10")
    app.assign_task(plan_id, SCHOOL_ADMIN, forum, unit_id=BRANCH, owner="第一支部书记", due="2019-05-01")
    app.assign_task(plan_id, SCHOOL_ADMIN, mobilise, unit_id=BRANCH, owner="第一支部书记")
    app.add_requirement(plan_id, SCHOOL_ADMIN, kind="主题党日", metric="count", minimum=2, scope="phase",
                        phase_id=study)

    # Submitted, returned with reasons, resubmitted, approved.
    app.submit(plan_id, SCHOOL_ADMIN)
    with pytest.raises(DomainError) as e:
        app.add_topic(plan_id, SCHOOL_ADMIN, group="本校", title="报送后不能再改")
    assert e.value.code == "plan_not_editable"
    app.return_plan(plan_id, DIRECTOR, ["征文活动缺少完成时限"])
    assert app.get_plan(plan_id).return_reasons == ["征文活动缺少完成时限"]
    app.add_task(plan_id, SCHOOL_ADMIN, title="“解放思想我先行”千字征文", phase_id=study, due="2019-04-30")
    app.submit(plan_id, SCHOOL_ADMIN)
    app.approve(plan_id, DIRECTOR, "同意")
    plan = app.get_plan(plan_id)
    assert (plan.status, plan.released_version, plan.submissions) == ("approved", 1, 2)
    assert str(culture) not in plan.versions[0]["content"]["topics"]  # declined topics are not passed down

    # The bureau amends the campaign: the study phase starts later, the declined topic is now
    # mandatory, and a new topic is added.
    app.reopen(campaign_id, DIRECTOR, "根据市委新要求调整")
    app.revise_phase(campaign_id, DIRECTOR, study, start="2019-03-15", end="2019-05-31")
    app.revise_topic(campaign_id, DIRECTOR, culture, mandatory=True)
    opening, _ = app.add_topic(campaign_id, DIRECTOR, group="（一）围绕“五先五市”推动思想大解放",
                               title="如何推进高水平开放办学")
    app.publish_amendment(campaign_id, DIRECTOR, "学习讨论阶段调整为3月15日开始；学校文化题目改为必选；新增开放办学题目")
    campaign = app.get_plan(campaign_id)
    assert (campaign.status, campaign.released_version) == ("published", 2)
    assert campaign.versions[1]["summary"].startswith("学习讨论阶段调整")

    # A policy tells the school; telling it twice changes nothing.
    assert app.mark_upstream_changed(plan_id, 2) is not None
    assert app.mark_upstream_changed(plan_id, 2) is None
    change = app.upstream_diff(plan_id)
    assert [t["id"] for t in change["topics"]["added"]] == [str(opening)]
    [phase_change] = change["phases"]["changed"]
    assert (phase_change["old"]["start"], phase_change["new"]["start"]) == ("2019-03-01", "2019-03-15")
    assert change["topics"]["changed"][0]["fields"] == ["mandatory"]

    # Rebasing is blocked by two conflicts and stores nothing …
    app.reopen(plan_id, SCHOOL_ADMIN, "同步市局修订")
    plan = app.get_plan(plan_id)
    with pytest.raises(DomainError) as e:
        app.rebase(plan_id, SCHOOL_ADMIN)
    assert e.value.code == "rebase_conflicts"
    assert sorted(c["code"] for c in e.value.details["conflicts"]) == [
        "declined_topic_now_mandatory", "phase_outside_parent_window",
    ]
    assert app.get_plan(plan_id).version == plan.version
    with pytest.raises(DomainError) as e:
        app.submit(plan_id, SCHOOL_ADMIN)
    assert e.value.code == "upstream_change_pending"

    # … until the school narrows the phase into the new window and takes the topic back.
    app.revise_phase(plan_id, SCHOOL_ADMIN, study, start="2019-03-15")
    app.accept_topic(plan_id, SCHOOL_ADMIN, culture)
    assert app.rebase_conflicts(plan_id) == []
    app.rebase(plan_id, SCHOOL_ADMIN)
    plan = app.get_plan(plan_id)
    assert plan.parent_version == 2 and plan.upstream is None
    assert plan.topics[str(culture)]["mandatory"] and plan.topics[str(opening)]["origin"] == "inherited"
    assert (plan.phases[str(study)]["start"], plan.phases[str(study)]["parent_start"]) == ("2019-03-15", "2019-03-15")
    app.submit(plan_id, SCHOOL_ADMIN)
    app.approve(plan_id, DIRECTOR)
    assert app.get_plan(plan_id).released_version == 2

    # A branch logs a three-day study retreat linked to the school plan, and corrects it.
    activity_id, _ = app.log_activity(
        SECRETARY, BRANCH, plan_id, kind="专题学习", title="解放思想集中学习",
        start="2019-03-20T08:30:00", end="2019-03-22T17:00:00", location="学校报告厅",
        participants=38, hours=Decimal("18"), leaders=["张校长"], summary="原原本本学习十九大报告",
        phase_id=study, task_id=forum, topic_ids=[core], evidence=[EVIDENCE],
    )
    app.correct_activity(activity_id, SECRETARY, "参会人数统计有误", participants=41, hours="19.5")
    activity = app.get_activity(activity_id)
    assert (activity.participants, activity.hours, activity.status) == (41, Decimal("19.5"), "logged")
    progress = rules.requirement_progress(plan.requirements[str(study_days)], [activity.facts()])
    assert progress == {"achieved": 3, "minimum": 3, "met": True}

    # The school returns it as too thin (驳回); the branch adds minutes and it counts again.
    app.return_activity(activity_id, SCHOOL_ADMIN, "缺少学习研讨记录")
    assert app.get_activity(activity_id).status == "returned"
    app.correct_activity(activity_id, SECRETARY, "补充研讨记录", outcomes="形成学习体会12篇")
    assert app.get_activity(activity_id).status == "logged"

    # Another entry was a mistake: it is retracted, never deleted.
    wrong_id, _ = app.log_activity(SECRETARY, BRANCH, plan_id, kind="主题党日", title="误录",
                                   start="2019-04-01", end="2019-04-01")
    app.retract_activity(wrong_id, SECRETARY, "重复录入")
    assert app.get_activity(wrong_id).status == "retracted"
    for bad, code in (({"start": "2019-10-08", "end": "2019-10-08"}, "activity_outside_campaign"),
                      ({"kind": "联欢会"}, "unknown_activity_kind")):
        fields = {"kind": "座谈会", "title": "座谈", "start": "2019-04-02", "end": "2019-04-02", **bad}
        with pytest.raises(DomainError) as e:
            app.log_activity(SECRETARY, BRANCH, plan_id, **fields)
        assert e.value.code == code

    # A teacher offers a suggestion anonymously; it is categorised, adopted and answered.
    suggestion_id, _ = app.submit_suggestion(TEACHER, BRANCH, plan_id, title="推进新型学徒制",
                                             content="建议与本地企业共建学徒制班", anonymous=True,
                                             topic_ids=[core])
    app.categorise_suggestion(suggestion_id, SCHOOL_ADMIN, "产教融合")
    app.adopt_suggestion(suggestion_id, SCHOOL_ADMIN, "纳入下学期工作要点")
    app.answer_suggestion(suggestion_id, SCHOOL_ADMIN, "感谢建议，已采纳")
    suggestion = app.get_suggestion(suggestion_id)
    assert (suggestion.author, suggestion.anonymous, suggestion.status, suggestion.category) == (
        TEACHER, True, "adopted", "产教融合")

    # A problem goes on the list; its rectification is completed with evidence and verified.
    problem_id, _ = app.record_problem(SCHOOL_ADMIN, SCHOOL, plan_id, description="校企合作停留在协议层面",
                                       category="体制机制", source="座谈会征集")
    app.plan_rectification(problem_id, SCHOOL_ADMIN, measures=["建立校企合作考核机制"], lead_leader="李副校长",
                           responsible_units=["教务科"], deadline="2019-08-31")
    app.report_rectification_progress(problem_id, SCHOOL_ADMIN, note="已起草考核办法", percent=50)
    with pytest.raises(DomainError) as e:
        app.complete_rectification(problem_id, SCHOOL_ADMIN, summary="完成", evidence=[])
    assert e.value.code == "evidence_required"
    app.complete_rectification(problem_id, SCHOOL_ADMIN, summary="考核办法已印发", evidence=[EVIDENCE])
    app.verify_rectification(problem_id, DIRECTOR, "同意销号")
    problem = app.get_problem(problem_id)
    assert (problem.status, problem.rectification["deadline"]) == ("verified", "2019-08-31")

    # Every fact is in the one notification log, with tenant and actor.
    notifications = app.recorder.select_notifications(start=1, limit=1000)
    topics = [n.topic.rsplit(":", 1)[1] for n in notifications]
    assert topics[0] == "Plan.Created" and topics[-1] == "Problem.Verified"
    assert topics.count("Plan.VersionReleased") == 4  # campaign v1, v2; school v1, v2
    assert {"Plan.UpstreamChanged", "Plan.Rebased", "Activity.Retracted", "Suggestion.Adopted"} <= set(topics)
    released = app.mapper.to_domain_event(
        next(n for n in notifications if n.topic.endswith("Plan.UpstreamChanged"))
    )
    assert released.tenant_id == SCHOOL and released.parent_version == 2 and len(released.conflicts) == 2

    # And a fresh application on the same store sees the same plan.
    if persistence != "popo":
        again = Campaigns()
        try:
            assert again.get_plan(plan_id).sections == app.get_plan(plan_id).sections
            assert again.get_plan(campaign_id).versions == app.get_plan(campaign_id).versions
        finally:
            again.close()
