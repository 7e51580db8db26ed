"""Structured diffs between released versions, and merging them into a derived plan."""

from __future__ import annotations

from taolun.events.campaigns import diff as diffs


def content(**sections):
    c = diffs.empty_sections()
    for name, items in sections.items():
        c[name] = {i["id"]: i for i in items}
    return c


def phase(pid, start, end, name="学习讨论阶段"):
    return {"id": pid, "name": name, "start": start, "end": end}


def topic(tid, mandatory=False, title="题目"):
    return {"id": tid, "group": "", "title": title, "description": "", "mandatory": mandatory}


def task(tid, phase_id, due=None, title="任务"):
    return {"id": tid, "title": title, "description": "", "phase_id": phase_id, "responsible_units": [],
            "evidence_expected": "", "due": due}


V1 = content(phases=[phase("p1", "2019-03-01", "2019-05-31"), phase("p2", "2019-06-01", "2019-08-31")],
             topics=[topic("t1", True), topic("t2")])


def test_a_diff_lists_added_removed_and_changed_items_with_old_and_new_windows() -> None:
    v2 = content(phases=[phase("p1", "2019-03-15", "2019-05-31"), phase("p3", "2019-09-01", "2019-09-30")],
                 topics=[topic("t1", True), topic("t2", True), topic("t3")])
    d = diffs.content_diff(V1, v2)
    assert [p["id"] for p in d["phases"]["removed"]] == ["p2"]
    assert [p["id"] for p in d["phases"]["added"]] == ["p3"]
    [changed] = d["phases"]["changed"]
    assert (changed["fields"], changed["old"]["start"], changed["new"]["start"]) == (
        ["start"], "2019-03-01", "2019-03-15")
    assert [t["id"] for t in d["topics"]["added"]] == ["t3"]
    assert d["topics"]["changed"][0]["fields"] == ["mandatory"]
    assert not diffs.is_empty(d) and diffs.is_empty(diffs.content_diff(V1, V1))


def test_a_declined_topic_is_not_passed_down() -> None:
    child = diffs.inherit(V1)
    child["topics"]["t2"]["declined"] = "不适用"
    assert set(diffs.visible_content(child)["topics"]) == {"t1"}


def test_an_inherited_phase_never_narrowed_follows_the_parents_new_window() -> None:
    child = diffs.inherit(V1)
    v2 = content(phases=[phase("p1", "2019-03-15", "2019-05-20"), phase("p2", "2019-06-01", "2019-08-31")],
                 topics=[topic("t1", True), topic("t2")])
    merged, conflicts = diffs.apply_upstream(child, diffs.content_diff(V1, v2))
    assert conflicts == []
    assert (merged["phases"]["p1"]["start"], merged["phases"]["p1"]["parent_end"]) == ("2019-03-15", "2019-05-20")


def test_a_narrowed_phase_outside_the_new_window_is_a_conflict_and_one_inside_is_kept() -> None:
    child = diffs.inherit(V1)
    child["phases"]["p1"].update(start="2019-03-10", end="2019-05-20")
    later = content(phases=[phase("p1", "2019-03-15", "2019-05-31"), phase("p2", "2019-06-01", "2019-08-31")],
                    topics=list(V1["topics"].values()))
    _, conflicts = diffs.apply_upstream(child, diffs.content_diff(V1, later))
    assert [(c["code"], c["id"]) for c in conflicts] == [("phase_outside_parent_window", "p1")]
    earlier = content(phases=[phase("p1", "2019-03-05", "2019-05-31"), phase("p2", "2019-06-01", "2019-08-31")],
                      topics=list(V1["topics"].values()))
    merged, conflicts = diffs.apply_upstream(child, diffs.content_diff(V1, earlier))
    assert conflicts == [] and merged["phases"]["p1"]["start"] == "2019-03-10"


def test_a_declined_topic_that_becomes_mandatory_is_a_conflict() -> None:
    child = diffs.inherit(V1)
    child["topics"]["t2"]["declined"] = "不适用"
    v2 = content(phases=list(V1["phases"].values()), topics=[topic("t1", True), topic("t2", True)])
    _, conflicts = diffs.apply_upstream(child, diffs.content_diff(V1, v2))
    assert [c["code"] for c in conflicts] == ["declined_topic_now_mandatory"]


def test_local_items_in_a_removed_phase_or_outside_the_new_window_are_conflicts() -> None:
    child = diffs.inherit(V1)
    child["phases"]["l1"] = {**phase("l1", "2019-08-01", "2019-08-31", "本校总结阶段"), "origin": "local"}
    child["tasks"]["k1"] = {**task("k1", "p2", "2019-07-01"), "origin": "local", "assignments": []}
    child["tasks"]["k2"] = {**task("k2", "p1", "2019-03-05"), "origin": "local", "assignments": []}
    v2 = content(phases=[phase("p1", "2019-03-10", "2019-05-31")], topics=list(V1["topics"].values()))
    merged, conflicts = diffs.apply_upstream(child, diffs.content_diff(V1, v2))
    assert sorted((c["code"], c["id"]) for c in conflicts) == [
        ("local_phase_outside_window", "l1"), ("task_due_outside_phase", "k2"), ("task_phase_removed", "k1"),
    ]
    assert "p2" not in merged["phases"]


def test_inherited_task_assignments_survive_an_upstream_change_of_the_task() -> None:
    v1 = content(phases=list(V1["phases"].values()), tasks=[task("k", "p1")])
    child = diffs.inherit(v1)
    child["tasks"]["k"]["assignments"] = [{"unit_id": "u", "owner": "书记", "due": None, "note": ""}]
    v2 = content(phases=list(V1["phases"].values()), tasks=[task("k", "p1", title="新标题")])
    merged, _ = diffs.apply_upstream(child, diffs.content_diff(v1, v2))
    assert merged["tasks"]["k"]["title"] == "新标题" and merged["tasks"]["k"]["assignments"][0]["unit_id"] == "u"
