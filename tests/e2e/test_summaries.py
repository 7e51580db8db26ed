"""Issue 12 (reports, second half): 简报 with a 期号 per issuing unit and photos from the
evidence, 阶段总结 and 总结报告 submitted upward and frozen, the 进度统计表 as a PDF with charts."""

from __future__ import annotations

import io

from docx import Document
from pypdf import PdfReader

from taolun.platform.demo_images import picture
from tests.e2e.campaign_helpers import Campaign, day, ok, upload
from tests.e2e.test_reports import _raw, finished


def requested(client, payload: dict) -> dict:
    job = finished(client, ok(client.post("/api/v1/reports", payload), 202))
    assert job["status"] == "done", job
    return job


def pdf_text(client, job: dict) -> str:
    pdf = _raw(client, job["file_url"])
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")


def docx_lines(client, job: dict) -> tuple[list[str], Document]:
    document = Document(io.BytesIO(_raw(client, job["file_url"])))
    lines = [p.text for p in document.paragraphs if p.text]
    for table in document.tables:
        lines += ["|".join(cell.text for cell in row.cells) for row in table.rows]
    return lines, document


def history(org, campaign: Campaign) -> dict:
    """Branch A logs two activities (one with a photo) in the 学习讨论 phase and one long
    before; a suggestion is adopted; the school records a problem and plans its rectification."""
    secretary = org.user_with_role(org.branch_a, "secretary")
    photo = ok(upload(secretary, org.branch_a["id"], picture("学习现场"), "学习现场.png"), 201)

    def log(title: str, when: int, participants: int, **extra) -> dict:
        return ok(secretary.post("/api/v1/activities", {
            "tenant_id": org.branch_a["id"], "plan_id": campaign.id, "kind": "专题学习", "title": title,
            "start": day(when), "end": day(when), "participants": participants, "hours": 2,
            "summary": "集中学习并交流研讨。", **extra}), 201)

    log("学习党的二十大精神", -2, 30, evidence=[photo], outcomes="形成学习心得二十篇")
    log("青年教师座谈", -1, 12)
    log("动员部署大会", -30, 80)
    school = org.user_with_role(org.school_a, "admin")
    s = ok(secretary.post("/api/v1/suggestions", {
        "tenant_id": org.branch_a["id"], "plan_id": campaign.id, "title": "建立青年教师导师制",
        "content": "建议每位青年教师配备一名导师"}), 201)
    ok(school.post(f"/api/v1/suggestions/{s['id']}/adopt", {"text": "纳入下学期计划"}))
    problem = ok(school.post("/api/v1/problems", {
        "tenant_id": org.school_a["id"], "plan_id": campaign.id, "description": "作风不实",
        "category": "工作作风"}), 201)
    ok(school.post(f"/api/v1/problems/{problem['id']}/rectification", {
        "measures": ["建立督查台账"], "lead_leader": "李四", "responsible_units": ["办公室"],
        "deadline": day(10)}))
    return {"secretary": secretary, "school": school}


def test_a_bulletin_shows_the_periods_highlights_with_a_photo_and_numbers_its_issues_per_unit(org):
    city = org.user_with_role(org.city, "admin")
    campaign = Campaign(city, org.city)
    history(org, campaign)
    district = org.user_with_role(org.district_a, "admin")
    base = {"kind": "bulletin", "subject_id": org.district_a["id"], "campaign_id": campaign.id,
            "period_start": day(-7), "period_end": day(0)}
    first = requested(district, {**base, "format": "docx"})
    assert first["issue_no"] == 1 and first["filename"] == "简报第1期-广陵区教育局.docx"
    lines, document = docx_lines(district, first)
    assert lines[:3] == ["简报", "第1期", f"广陵区教育局编　　{lines[2].split('　　')[1]}"]
    assert "全市教育系统解放思想大讨论活动简报" in lines
    text = "\n".join(lines)
    assert "学习党的二十大精神" in text and "青年教师座谈" in text
    assert "动员部署大会" not in text  # before the period
    assert "建立青年教师导师制（第一党支部）：纳入下学期计划" in text
    assert len(document.inline_shapes) == 1  # the photo from the activity's evidence
    assert "广陵区教育局（合计）|2|42|4|1|1|1|0" in lines  # the figures: 2 activities, 42 人次, 4 学时

    second = requested(district, {**base, "format": "pdf"})
    assert second["issue_no"] == 2
    text = pdf_text(district, second)
    assert "第2期" in text and "学习党的二十大精神" in text and "活动掠影" in text
    school = org.user_with_role(org.school_a, "admin")
    own = requested(school, {**base, "subject_id": org.school_a["id"], "format": "pdf"})
    assert own["issue_no"] == 1  # numbers count per issuing unit


def test_a_bulletin_needs_a_period_and_a_phase_summary_a_phase(org):
    city = org.user_with_role(org.city, "admin")
    campaign = Campaign(city, org.city)
    base = {"subject_id": org.city["id"], "campaign_id": campaign.id, "format": "pdf"}
    cases = [
        ({**base, "kind": "bulletin"}, "period_required"),
        ({**base, "kind": "bulletin", "period_start": day(0), "period_end": day(-1)}, "invalid_period"),
        ({**base, "kind": "phase_summary"}, "phase_required"),
        ({**base, "kind": "summary_report", "format": "xlsx"}, "unsupported_report_format"),
    ]
    for payload, code in cases:
        reply = city.post("/api/v1/reports", payload)
        assert (reply.status, reply.code) == (422, code)
    assert ok(city.get("/api/v1/reports"))["items"] == []


def test_a_phase_summary_tells_what_was_done_the_figures_problems_and_outcomes(org):
    city = org.user_with_role(org.city, "admin")
    campaign = Campaign(city, org.city)
    people = history(org, campaign)
    job = requested(people["school"], {"kind": "phase_summary", "subject_id": org.school_a["id"],
                                       "campaign_id": campaign.id, "phase_id": campaign.p2, "format": "docx"})
    lines, document = docx_lines(people["school"], job)
    title = "实验中学全市教育系统解放思想大讨论活动学习讨论阶段工作总结"
    assert lines[0] == title and job["filename"] == f"{title}.docx"
    assert [line for line in lines if line[1:2] == "、"] == [
        "一、工作开展情况", "二、主要数据", "三、查摆问题及整改情况", "四、取得的成效"]
    text = "\n".join(lines)
    assert "共开展活动2次，参与42人次，累计4学时" in text and "动员部署大会" not in text
    assert "共查摆问题1个，已整改销号0个，整改中1个，待整改0个" in text
    assert "1|实验中学|作风不实|工作作风|建立督查台账|整改中" in lines
    assert "形成学习心得二十篇" in text and "采纳建议“建立青年教师导师制”" in text
    signature = [p.text for p in document.paragraphs if p.text][-2:]
    assert signature[0] == "实验中学" and signature[1].endswith("日")


def test_a_submitted_summary_is_frozen_and_regenerates_identically_after_more_events(org):
    city = org.user_with_role(org.city, "admin")
    campaign = Campaign(city, org.city)
    people = history(org, campaign)
    school, secretary = people["school"], people["secretary"]
    for fmt in ("docx", "pdf"):
        job = requested(school, {"kind": "summary_report", "subject_id": org.school_a["id"],
                                 "campaign_id": campaign.id, "format": fmt})
        viewer = org.user_with_role(org.school_a, "viewer")
        assert viewer.post(f"/api/v1/reports/{job['id']}/submit").status == 403
        submitted = ok(school.post(f"/api/v1/reports/{job['id']}/submit"))
        assert submitted["submitted"]["to_unit"] == org.district_a["id"]
        assert (submitted["sha256"], submitted["computed_at"]) == (job["sha256"], job["computed_at"])
        again = school.post(f"/api/v1/reports/{job['id']}/submit")
        assert (again.status, again.code) == (409, "report_already_submitted")

        # More happens after the submission: a new activity, a renamed branch.
        ok(secretary.post("/api/v1/activities", {
            "tenant_id": org.branch_a["id"], "plan_id": campaign.id, "kind": "专题学习",
            "title": f"补充学习{fmt}", "start": day(0), "end": day(0), "participants": 9}), 201)
        ok(org.ops.request("PATCH", f"/api/v1/tenants/{org.branch_a['id']}", {"name": f"第一党支部{fmt}"}))

        regenerated = finished(school, ok(school.post(f"/api/v1/reports/{job['id']}/regenerate"), 202))
        assert regenerated["status"] == "done" and regenerated["at"] == job["computed_at"]
        assert regenerated["sha256"] == job["sha256"]  # byte for byte the submitted version
        fresh = requested(school, {"kind": "summary_report", "subject_id": org.school_a["id"],
                                   "campaign_id": campaign.id, "format": fmt})
        assert fresh["sha256"] != job["sha256"] and fresh["computed_at"] > job["computed_at"]
        fresh_text = pdf_text(school, fresh) if fmt == "pdf" else "\n".join(docx_lines(school, fresh)[0])
        assert f"补充学习{fmt}" in fresh_text

    district = org.user_with_role(org.district_a, "admin")
    items = ok(district.get("/api/v1/reports/submitted"))["items"]
    assert [(i["kind"], i["format"]) for i in items] == [("summary_report", "pdf"), ("summary_report", "docx")]
    assert ok(org.user_with_role(org.school_b, "admin").get("/api/v1/reports/submitted"))["items"] == []
    plan_job = requested(city, {"kind": "plan_document", "subject_id": campaign.id, "format": "pdf"})
    refused = city.post(f"/api/v1/reports/{plan_job['id']}/submit")
    assert (refused.status, refused.code) == (422, "report_not_submittable")


def test_the_progress_table_pdf_charts_lights_and_scores_with_chinese_labels(org):
    city = org.user_with_role(org.city, "admin")
    campaign = Campaign(city, org.city)
    job = requested(city, {"kind": "progress_table", "subject_id": org.city["id"],
                           "campaign_id": campaign.id, "format": "pdf"})
    assert job["filename"] == "进度统计表-扬州市教育局.pdf"
    text = pdf_text(city, job)
    for words in ("扬州市教育局进度统计表", "各级单位信号灯分布", "第1级", "第4级", "直属单位评分",
                  "直属单位活动次数", "广陵区教育局", "邗江区教育局", "信号灯"):
        assert words in text, words
